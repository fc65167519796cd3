// Unit tests of the postgresql-k8s stand-in with lib/testing: the real framework, Juju's hook
// tools emulated, an in-memory Pebble, and a fake SQL administrator in place of the server.
import { describe, expect, it } from "vitest";
import { renderRequest, requestIdFor } from "../../../../lib/interfaces/postgresql-client/index.js";
import {
  ActionFailed,
  Context,
  DEFAULT_UNIT_BAG,
  type ExecHandler,
  type State,
  container,
  peerRelation,
  relation,
  secret,
  state,
} from "../../../../lib/testing/index.js";
import { PostgresqlK8sCharm } from "../src/charm.js";
import type { AdminConnector, AdminTarget, ExtraRoles, PgAdmin } from "../src/sql.js";
import { SqlError } from "../src/sql.js";
import { BIN_DIR, PGDATA, hbaConf, serverLayer } from "../src/workload.js";

const CHARM_DIR = "integration-tests/charms/postgresql-k8s";
const OPERATOR_PASSWORD = "Op3ratorPassw0rd";
const HOST = "postgresql-k8s-primary.test-model.svc.cluster.local";
const REPLICAS = "postgresql-k8s-replicas.test-model.svc.cluster.local";
const POD = "postgresql-k8s-0.postgresql-k8s-endpoints.test-model.svc.cluster.local";
const ACCOUNT = { uid: 101, gid: 104 };

/** Records what the charm asked of the server. */
class FakeAdmin implements PgAdmin {
  targets: AdminTarget[] = [];
  calls: string[] = [];
  passwords = new Map<string, string>();
  roles = new Map<string, ExtraRoles>();
  refuse: string | undefined;

  async serverVersion(): Promise<string> {
    return "18.4";
  }
  async ensureUser(name: string, password: string, extra: ExtraRoles): Promise<void> {
    if (this.refuse) throw new SqlError(this.refuse, false);
    this.calls.push(`ensureUser ${name}`);
    this.passwords.set(name, password);
    this.roles.set(name, extra);
  }
  async ensureDatabase(database: string, user: string): Promise<void> {
    this.calls.push(`ensureDatabase ${database} ${user}`);
  }
  async dropUser(name: string): Promise<void> {
    this.calls.push(`dropUser ${name}`);
  }
  async close(): Promise<void> {
    this.calls.push("close");
  }
}

function contextFor(admin: FakeAdmin | SqlError): Context {
  const connector: AdminConnector = async (target) => {
    if (admin instanceof SqlError) throw admin;
    admin.targets.push(target);
    return admin;
  };
  class TestCharm extends PostgresqlK8sCharm {
    protected override adminConnector(): AdminConnector {
      return connector;
    }
  }
  return new Context(TestCharm, { charmDir: CHARM_DIR });
}

const exec = (commandPrefix: string[], stdout = "", returnCode = 0): ExecHandler => ({
  commandPrefix,
  returnCode,
  stdout,
  stderr: "",
});

const PASSWD = "root:x:0:0:root:/root:/bin/bash\npostgres:x:101:104::/var/lib/postgresql:/bin/sh\n";

const WORKLOAD_EXECS = [
  exec(["chown"]),
  exec([`${BIN_DIR}/initdb`], "Success.\n"),
  exec([`${BIN_DIR}/postgres`, "--version"], "postgres (PostgreSQL) 18.4\n"),
];

/** A fresh container: no cluster yet. */
const freshContainer = container({
  name: "postgresql",
  execs: WORKLOAD_EXECS,
  files: { "/etc/passwd": PASSWD },
});

/** A container whose server runs already. */
const servingContainer = container({
  name: "postgresql",
  execs: WORKLOAD_EXECS,
  files: {
    "/etc/passwd": PASSWD,
    [`${PGDATA}/PG_VERSION`]: "18\n",
    [`${PGDATA}/pg_hba.conf`]: hbaConf(),
  },
  layers: { postgresql: serverLayer(ACCOUNT) },
  serviceStatuses: { postgresql: "active" },
});

const operatorSecret = secret({
  owner: "app",
  label: "database-peers.postgresql-k8s.app",
  trackedContent: { "operator-password": OPERATOR_PASSWORD },
});

function servingPeers(extra: Record<string, string> = {}) {
  return peerRelation({
    endpoint: "database-peers",
    localAppData: { primary: "postgresql-k8s/0", ...extra },
    localUnitData: { ...DEFAULT_UNIT_BAG, "cluster-id": "c1", version: "18.4" },
  });
}

/** Every string a secret must never appear in, after a run. */
function leaks(out: State, ctx: Context, secrets: readonly string[]): string[] {
  const found: string[] = [];
  const check = (where: string, text: string): void => {
    for (const s of secrets) if (s && text.includes(s)) found.push(where);
  };
  for (const r of out.relations) {
    for (const [k, v] of Object.entries(r.localAppData)) check(`${r.endpoint} app bag ${k}`, v);
    for (const [k, v] of Object.entries(r.localUnitData)) check(`${r.endpoint} unit bag ${k}`, v);
  }
  ctx.logs.forEach((l, i) => check(`log ${i}`, l.message));
  ctx.unitStatusHistory.forEach((s, i) => check(`status ${i}`, s.message));
  check("unit status", out.unitStatus.message);
  ctx.execHistory.forEach((argv, i) => check(`exec ${i}`, argv.join(" ")));
  for (const c of out.containers) {
    for (const [path, text] of Object.entries(c.files)) {
      if (!path.startsWith(PGDATA)) check(`file ${path}`, text);
    }
  }
  return found;
}

describe("postgresql-k8s stand-in: the server", () => {
  it("the leader makes the operator password, becomes primary, initialises and starts the server", async () => {
    const ctx = contextFor(new FakeAdmin());
    const peers = peerRelation({ endpoint: "database-peers" });
    const out = await ctx.run(
      ctx.on.pebbleReady(freshContainer),
      state({ leader: true, containers: [freshContainer], relations: [peers] }),
    );
    const op = out.secrets.find((s) => s.label === "database-peers.postgresql-k8s.app");
    expect(op?.owner).toBe("app");
    const password = op!.latestContent["operator-password"]!;
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);

    const peerOut = out.relations.find((r) => r.endpoint === "database-peers")!;
    expect(peerOut.localAppData.primary).toBe("postgresql-k8s/0");
    expect(peerOut.localUnitData.version).toBe("18.4");
    expect(peerOut.localUnitData["cluster-id"]).toMatch(/^[0-9a-f]{16}$/);

    const initdb = ctx.execHistory.find((argv) => argv[0] === `${BIN_DIR}/initdb`)!;
    expect(initdb).toContain("--username");
    expect(initdb).toContain("operator");
    expect(initdb.find((a) => a.startsWith("--pwfile=/tmp/"))).toBeDefined();
    const c = out.containers[0]!;
    // The password file is gone after initdb; pg_hba.conf is in place.
    expect(Object.keys(c.files).filter((p) => p.startsWith("/tmp/"))).toEqual([]);
    expect(c.files[`${PGDATA}/pg_hba.conf`]).toContain(
      "host    all       all   0.0.0.0/0  scram-sha-256",
    );

    const service = (c.layers.postgresql as ReturnType<typeof serverLayer>).services!.postgresql!;
    expect(service["user-id"]).toBe(101);
    expect(service["group-id"]).toBe(104);
    expect(service.command).toContain(`${BIN_DIR}/postgres -D ${PGDATA}`);
    expect(service.command).toContain("listen_addresses=0.0.0.0");
    expect(c.serviceStatuses.postgresql).toBe("active");

    expect(out.unitStatus).toEqual({ status: "active", message: "Primary" });
    expect(ctx.unitStatusHistory.map((s) => s.message)).toContain("initialising PostgreSQL");
    expect(out.workloadVersion).toBe("18.4");
    expect(out.openedPorts).toEqual([{ protocol: "tcp", port: 5432 }]);
    expect(leaks(out, ctx, [password])).toEqual([]);
  });

  it("makes the postgres account through exec when the image has none", async () => {
    const ctx = contextFor(new FakeAdmin());
    const noAccount = container({
      name: "postgresql",
      files: { "/etc/passwd": "root:x:0:0:root:/root:/bin/bash\n", "/etc/group": "root:x:0:\n" },
      execs: [exec(["useradd"])],
    });
    const out = await ctx.run(
      ctx.on.pebbleReady(noAccount),
      state({
        leader: true,
        containers: [noAccount],
        relations: [servingPeers()],
        secrets: [operatorSecret],
      }),
    );
    const useradd = ctx.execHistory.find((argv) => argv[0] === "useradd")!;
    expect(useradd).toEqual(expect.arrayContaining(["--system", "--user-group", "postgres"]));
    // /etc/passwd still lacks it (useradd is a test handler): a clear status, not a failed hook.
    expect(out.unitStatus).toEqual({
      status: "blocked",
      message: "the postgres account is missing after useradd; see juju debug-log",
    });
  });

  it("a failing initdb blocks with a clear message and logs its output, never the password", async () => {
    const ctx = contextFor(new FakeAdmin());
    const failing = container({
      name: "postgresql",
      execs: [
        ...WORKLOAD_EXECS.filter((e) => e.commandPrefix[0] !== `${BIN_DIR}/initdb`),
        exec([`${BIN_DIR}/initdb`], "initdb: error: could not create directory\n", 1),
      ],
      files: { "/etc/passwd": PASSWD },
    });
    const out = await ctx.run(
      ctx.on.pebbleReady(failing),
      state({
        leader: true,
        containers: [failing],
        relations: [servingPeers()],
        secrets: [operatorSecret],
      }),
    );
    expect(out.unitStatus).toEqual({
      status: "blocked",
      message: "initdb failed (exit code 1); see juju debug-log",
    });
    expect(ctx.logs.map((l) => l.message).join("\n")).toContain("could not create directory");
    expect(Object.keys(out.containers[0]!.files).filter((p) => p.startsWith("/tmp/"))).toEqual([]);
    expect(leaks(out, ctx, [OPERATOR_PASSWORD])).toEqual([]);
  });

  it("waits for Pebble when the container is not reachable", async () => {
    const ctx = contextFor(new FakeAdmin());
    const down = container({ name: "postgresql", canConnect: false });
    const out = await ctx.run(
      ctx.on.configChanged(),
      state({
        leader: true,
        containers: [down],
        relations: [servingPeers()],
        secrets: [operatorSecret],
      }),
    );
    expect(out.unitStatus).toEqual({
      status: "waiting",
      message: "waiting for Pebble in workload container",
    });
  });

  it("a non-leader primary waits for the operator password the leader makes", async () => {
    const ctx = contextFor(new FakeAdmin());
    const out = await ctx.run(
      ctx.on.pebbleReady(freshContainer),
      state({ leader: false, containers: [freshContainer], relations: [servingPeers()] }),
    );
    expect(out.unitStatus).toEqual({
      status: "waiting",
      message: "waiting for the leader to create the operator password",
    });
    expect(ctx.execHistory).toEqual([]);
    expect(out.secrets).toEqual([]);
  });

  it("a non-leader primary reads the operator password from the app secret and serves", async () => {
    const ctx = contextFor(new FakeAdmin());
    const peers = peerRelation({
      endpoint: "database-peers",
      localAppData: { primary: "postgresql-k8s/0" },
    });
    const out = await ctx.run(
      ctx.on.pebbleReady(freshContainer),
      state({ containers: [freshContainer], relations: [peers], secrets: [operatorSecret] }),
    );
    expect(ctx.execHistory.some((argv) => argv[0] === `${BIN_DIR}/initdb`)).toBe(true);
    expect(out.unitStatus).toEqual({ status: "active", message: "Primary" });
    expect(out.relations[0]!.localAppData).toEqual({ primary: "postgresql-k8s/0" });
    expect(leaks(out, ctx, [OPERATOR_PASSWORD])).toEqual([]);
  });

  it("an extra unit stays waiting: the stand-in has one primary", async () => {
    const admin = new FakeAdmin();
    const ctx = contextFor(admin);
    const peers = peerRelation({
      endpoint: "database-peers",
      localAppData: { primary: "postgresql-k8s/0" },
      peersData: { 0: { ...DEFAULT_UNIT_BAG } },
    });
    const ctx1 = new Context(ctx.charm, { charmDir: CHARM_DIR, unitId: 1 });
    const out = await ctx1.run(
      ctx1.on.pebbleReady(freshContainer),
      state({ containers: [freshContainer], relations: [peers], secrets: [operatorSecret] }),
    );
    expect(out.unitStatus).toEqual({
      status: "waiting",
      message: "standby: this stand-in serves from one primary (postgresql-k8s/0)",
    });
    expect(ctx1.execHistory).toEqual([]);
    expect(out.containers[0]!.layers).toEqual({});
  });

  it("a new leader takes over as primary when the recorded primary has left", async () => {
    const ctx = new Context(contextFor(new FakeAdmin()).charm, { charmDir: CHARM_DIR, unitId: 1 });
    const peers = peerRelation({
      endpoint: "database-peers",
      localAppData: { primary: "postgresql-k8s/0" },
    });
    const out = await ctx.run(
      ctx.on.leaderElected(),
      state({
        leader: true,
        containers: [freshContainer],
        relations: [peers],
        secrets: [operatorSecret],
      }),
    );
    expect(out.relations[0]!.localAppData.primary).toBe("postgresql-k8s/1");
    expect(out.unitStatus).toEqual({ status: "active", message: "Primary" });
    expect(ctx.logs.map((l) => l.message)).toContain(
      "primary postgresql-k8s/0 is gone: postgresql-k8s/1 serves now",
    );
  });

  it("removes an old revision of its secrets when Juju says nobody tracks it", async () => {
    const ctx = contextFor(new FakeAdmin());
    const before = state({
      leader: true,
      containers: [servingContainer],
      relations: [servingPeers()],
      secrets: [operatorSecret],
    });
    await ctx.run(ctx.on.secretRemove(operatorSecret, 1), before);
    expect(ctx.removedSecretRevisions.map((r) => r.split("/").pop())).toEqual(["1"]);
  });

  it("get-password returns the operator password, and refuses other users", async () => {
    const ctx = contextFor(new FakeAdmin());
    const before = state({
      containers: [servingContainer],
      relations: [servingPeers()],
      secrets: [operatorSecret],
    });
    await ctx.run(ctx.on.action("get-password"), before);
    expect(ctx.actionResults).toEqual({ password: OPERATOR_PASSWORD });
    await expect(
      ctx.run(ctx.on.action("get-password", { username: "replication" }), before),
    ).rejects.toThrow(ActionFailed);
  });
});

describe("postgresql-k8s stand-in: database relations", () => {
  const serving = (relations: State["relations"], extra: Partial<State> = {}): State =>
    state({
      leader: true,
      containers: [servingContainer],
      relations: [servingPeers(), ...relations],
      secrets: [operatorSecret],
      ...extra,
    });

  it("creates the user and database over SQL and publishes them through secrets, as postgresql-k8s", async () => {
    const admin = new FakeAdmin();
    const ctx = contextFor(admin);
    const db = relation({
      endpoint: "database",
      remoteAppName: "jimm",
      remoteAppData: renderRequest({ database: "jimm" }),
    });
    const out = await ctx.run(ctx.on.relationChanged(db), serving([db]));
    const user = `relation_id_${db.id}`;
    expect(admin.calls).toEqual([`ensureUser ${user}`, `ensureDatabase jimm ${user}`, "close"]);
    // The leader is the primary: it administers its own server over loopback, as operator.
    expect(admin.targets).toEqual([
      { host: "127.0.0.1", port: 5432, user: "operator", password: OPERATOR_PASSWORD },
    ]);
    const password = admin.passwords.get(user)!;
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);

    const bag = out.relations.find((r) => r.id === db.id)!.localAppData;
    expect(Object.keys(bag).sort()).toEqual([
      "database",
      "endpoints",
      "read-only-endpoints",
      "secret-tls",
      "secret-user",
      "version",
    ]);
    expect(bag.endpoints).toBe(`${HOST}:5432`);
    expect(bag["read-only-endpoints"]).toBe(`${REPLICAS}:5432`);
    expect(bag.version).toBe("18.4");
    expect(bag.database).toBe("jimm");
    expect(bag["secret-user"]).toMatch(/^secret:\/\/00000000-0000-4000-8000-000000000000\//);

    const userSecret = out.secrets.find((s) => s.label === `database.${db.id}.user.secret`)!;
    expect(userSecret.owner).toBe("app");
    expect(userSecret.latestContent).toEqual({
      username: user,
      password,
      uris: `postgresql://${user}:${password}@${HOST}:5432/jimm`,
      "read-only-uris": `postgresql://${user}:${password}@${REPLICAS}:5432/jimm`,
    });
    expect(userSecret.remoteGrants[db.id]).toBeDefined();
    const tlsSecret = out.secrets.find((s) => s.label === `database.${db.id}.tls.secret`)!;
    expect(tlsSecret.latestContent).toEqual({ tls: "False" });

    const peerBag = out.relations.find((r) => r.endpoint === "database-peers")!.localAppData;
    expect(Object.keys(JSON.parse(peerBag.provisioned!) as object)).toEqual([String(db.id)]);
    expect(leaks(out, ctx, [password, OPERATOR_PASSWORD])).toEqual([]);

    // Nothing changed: the next hook neither connects nor writes a new secret revision.
    const admin2 = new FakeAdmin();
    const ctx2 = contextFor(admin2);
    const again = await ctx2.run(ctx2.on.updateStatus(), out);
    expect(admin2.calls).toEqual([]);
    expect(again.secrets).toEqual(out.secrets);
    // No command runs in a steady hook but the takeover of the (root-owned, in this test) data
    // folder: the account comes from /etc/passwd and the version from stored state.
    expect(ctx2.execHistory.filter((argv) => argv[0] !== "chown")).toEqual([]);
    expect(again.unitStatus).toEqual({ status: "active", message: "Primary" });
  });

  it("answers in clear when the requirer asked for no secrets, as data_interfaces providers do", async () => {
    const admin = new FakeAdmin();
    const ctx = contextFor(admin);
    const db = relation({ endpoint: "database", remoteAppData: { database: "legacy" } });
    const out = await ctx.run(ctx.on.relationChanged(db), serving([db]));
    const bag = out.relations.find((r) => r.id === db.id)!.localAppData;
    const user = `relation_id_${db.id}`;
    expect(bag).toMatchObject({
      username: user,
      password: admin.passwords.get(user),
      endpoints: `${HOST}:5432`,
      tls: "False",
      database: "legacy",
    });
    expect(out.secrets.filter((s) => s.label?.startsWith("database."))).toEqual([]);
    // The published password is reused, not regenerated, when the answer is refreshed.
    const moved = await contextFor(admin).run(ctx.on.relationChanged(db), {
      ...out,
      relations: out.relations.map((r) =>
        r.endpoint === "database-peers"
          ? { ...r, localUnitData: { ...r.localUnitData, "cluster-id": "c2" } }
          : r,
      ),
    });
    expect(admin.calls.filter((c) => c.startsWith("ensureUser"))).toHaveLength(2);
    expect(moved.relations.find((r) => r.id === db.id)!.localAppData.password).toBe(bag.password);
  });

  it("maps extra-user-roles to role attributes and memberships", async () => {
    const admin = new FakeAdmin();
    const ctx = contextFor(admin);
    const db = relation({
      endpoint: "database",
      remoteAppData: renderRequest({ database: "app", extraUserRoles: "CREATEDB,pg_monitor" }),
    });
    await ctx.run(ctx.on.relationChanged(db), serving([db]));
    expect(admin.roles.get(`relation_id_${db.id}`)).toEqual({
      attributes: ["CREATEDB"],
      memberOf: ["pg_monitor"],
    });
  });

  it("connects to another unit's server by its pod name when the leader is not the primary", async () => {
    const admin = new FakeAdmin();
    const base = contextFor(admin);
    const ctx = new Context(base.charm, { charmDir: CHARM_DIR, unitId: 1 });
    const peers = peerRelation({
      endpoint: "database-peers",
      localAppData: { primary: "postgresql-k8s/0" },
      peersData: { 0: { ...DEFAULT_UNIT_BAG, "cluster-id": "c1", version: "18.4" } },
    });
    const db = relation({
      endpoint: "database",
      remoteAppData: renderRequest({ database: "jimm" }),
    });
    const out = await ctx.run(
      ctx.on.relationChanged(db),
      state({
        leader: true,
        containers: [freshContainer],
        relations: [peers, db],
        secrets: [operatorSecret],
      }),
    );
    expect(admin.targets.map((t) => t.host)).toEqual([POD]);
    expect(out.relations.find((r) => r.id === db.id)!.localAppData.endpoints).toBe(`${HOST}:5432`);
    expect(out.unitStatus.status).toBe("waiting");
  });

  it("drops the relation's user when the relation is broken, and forgets it", async () => {
    const admin = new FakeAdmin();
    const ctx = contextFor(admin);
    const db = relation({
      endpoint: "database",
      remoteAppData: renderRequest({ database: "jimm" }),
    });
    const answered = await ctx.run(ctx.on.relationChanged(db), serving([db]));
    const admin2 = new FakeAdmin();
    const ctx2 = contextFor(admin2);
    const out = await ctx2.run(ctx2.on.relationBroken(db), answered);
    expect(admin2.calls).toEqual([`dropUser relation_id_${db.id}`, "close"]);
    expect(out.secrets.filter((s) => s.label?.startsWith(`database.${db.id}.`))).toEqual([]);
    const peerBag = out.relations.find((r) => r.endpoint === "database-peers")!.localAppData;
    expect(JSON.parse(peerBag.provisioned!)).toEqual({});
  });

  it("waits, and answers nothing, while the server does not accept connections", async () => {
    const ctx = contextFor(
      new SqlError("cannot connect to PostgreSQL at 127.0.0.1:5432: connect ECONNREFUSED", true),
    );
    const db = relation({
      endpoint: "database",
      remoteAppData: renderRequest({ database: "jimm" }),
    });
    const out = await ctx.run(ctx.on.relationChanged(db), serving([db]));
    expect(out.unitStatus).toEqual({
      status: "waiting",
      message: "waiting for PostgreSQL to accept connections",
    });
    expect(out.relations.find((r) => r.id === db.id)!.localAppData).toEqual({});
    expect(
      out.relations.find((r) => r.endpoint === "database-peers")!.localAppData.provisioned,
    ).toBeUndefined();
  });

  it("waits for the primary's cluster before answering", async () => {
    const admin = new FakeAdmin();
    const ctx = contextFor(admin);
    const peers = peerRelation({
      endpoint: "database-peers",
      localAppData: { primary: "postgresql-k8s/0" },
    });
    const db = relation({
      endpoint: "database",
      remoteAppData: renderRequest({ database: "jimm" }),
    });
    const down = container({ name: "postgresql", canConnect: false });
    const out = await ctx.run(
      ctx.on.relationChanged(db),
      state({
        leader: true,
        containers: [down],
        relations: [peers, db],
        secrets: [operatorSecret],
      }),
    );
    expect(admin.calls).toEqual([]);
    expect(out.unitStatus.status).toBe("waiting");
    expect(out.relations.find((r) => r.id === db.id)!.localAppData).toEqual({});
  });

  it.each([
    [
      "requested-secrets that is not a JSON list",
      { database: "jimm", "requested-secrets": "username" },
      /invalid postgresql_client data from remote: "requested-secrets"/,
    ],
    ["prefix matching", { database: "app*" }, /prefix matching \("app\*"\) is not supported/],
    [
      "a bad extra-user-roles",
      { database: "jimm", "extra-user-roles": "drop table" },
      /extra-user-roles: "drop table" is not a role name/,
    ],
  ])(
    "a malformed request (%s) blocks with a clear message and is not answered",
    async (_what, bag, message) => {
      const admin = new FakeAdmin();
      const ctx = contextFor(admin);
      const db = relation({ endpoint: "database", remoteAppData: bag });
      const out = await ctx.run(ctx.on.relationChanged(db), serving([db]));
      expect(out.unitStatus.status).toBe("blocked");
      expect(out.unitStatus.message).toMatch(new RegExp(`^database:${db.id}: `));
      expect(out.unitStatus.message).toMatch(message);
      expect(admin.calls).toEqual([]);
      expect(out.relations.find((r) => r.id === db.id)!.localAppData).toEqual({});
    },
  );

  it("a statement the server refuses blocks that relation only", async () => {
    const admin = new FakeAdmin();
    admin.refuse = 'PostgreSQL refused a statement: role "pg_nope" does not exist';
    const ctx = contextFor(admin);
    const db = relation({
      endpoint: "database",
      remoteAppData: renderRequest({ database: "jimm", extraUserRoles: "pg_nope" }),
    });
    const out = await ctx.run(ctx.on.relationChanged(db), serving([db]));
    expect(out.unitStatus).toEqual({
      status: "blocked",
      message: `database:${db.id}: PostgreSQL refused a statement: role "pg_nope" does not exist`,
    });
    expect(out.relations.find((r) => r.id === db.id)!.localAppData).toEqual({});
  });

  it("a non-leader never answers requests", async () => {
    const admin = new FakeAdmin();
    const ctx = contextFor(admin);
    const db = relation({
      endpoint: "database",
      remoteAppData: renderRequest({ database: "jimm" }),
    });
    const out = await ctx.run(ctx.on.relationChanged(db), serving([db], { leader: false }));
    expect(admin.calls).toEqual([]);
    expect(out.relations.find((r) => r.id === db.id)!.localAppData).toEqual({});
    expect(out.unitStatus).toEqual({ status: "active", message: "Primary" });
  });

  it("answers a v1 requirer with a user and database per request, and drops a withdrawn request's user", async () => {
    const admin = new FakeAdmin();
    const ctx = contextFor(admin);
    const entry = (resource: string, salt: string): string =>
      JSON.stringify({ resource, "request-id": requestIdFor(resource, salt), salt });
    const [rid1, rid2] = [requestIdFor("app", "s1"), requestIdFor("audit", "s2")];
    const v1 = (...entries: string[]) => ({ version: "v1", requests: `[${entries.join(", ")}]` });
    const db = relation({
      endpoint: "database",
      remoteAppName: "py-app",
      remoteAppData: v1(entry("app", "s1"), entry("audit", "s2")),
    });
    const out = await ctx.run(ctx.on.relationChanged(db), serving([db]));
    const [u1, u2] = [`relation_id_${db.id}_${rid1}`, `relation_id_${db.id}_${rid2}`];
    expect(admin.calls).toEqual([
      `ensureUser ${u1}`,
      `ensureDatabase app ${u1}`,
      `ensureUser ${u2}`,
      `ensureDatabase audit ${u2}`,
      "close",
    ]);
    const bag = out.relations.find((r) => r.id === db.id)!.localAppData;
    expect(Object.keys(bag).sort()).toEqual(["data", "requests", "version"]);
    const responses = JSON.parse(bag.requests!) as Record<string, unknown>[];
    expect(responses.map((r) => [r["request-id"], r.resource, r.endpoints])).toEqual([
      [rid1, "app", `${HOST}:5432`],
      [rid2, "audit", `${HOST}:5432`],
    ]);
    const user1 = out.secrets.find((s) => s.label === `database.${db.id}.${rid1}.user.secret`)!;
    const password1 = admin.passwords.get(u1)!;
    expect(user1.latestContent).toMatchObject({ username: u1, password: password1 });
    expect(responses[0]!["secret-user"]).toBe(user1.id);
    const peerBag = out.relations.find((r) => r.endpoint === "database-peers")!.localAppData;
    expect(Object.keys(JSON.parse(peerBag.provisioned!) as object)).toEqual([
      `${db.id}/${rid1}`,
      `${db.id}/${rid2}`,
    ]);
    expect(leaks(out, ctx, [password1, admin.passwords.get(u2)!, OPERATOR_PASSWORD])).toEqual([]);

    // The requirer withdraws "audit": its user goes; "app" keeps its user and password.
    const admin2 = new FakeAdmin();
    const ctx2 = contextFor(admin2);
    const fewer = { ...db, remoteAppData: v1(entry("app", "s1")) };
    const after = await ctx2.run(ctx2.on.relationChanged(fewer), {
      ...out,
      relations: out.relations.map((r) => (r.id === db.id ? { ...fewer, localAppData: bag } : r)),
    });
    expect(admin2.calls).toEqual([`dropUser ${u2}`, "close"]);
    const peerAfter = after.relations.find((r) => r.endpoint === "database-peers")!.localAppData;
    expect(Object.keys(JSON.parse(peerAfter.provisioned!) as object)).toEqual([`${db.id}/${rid1}`]);

    // The relation goes: the remaining user goes, and every secret of the relation.
    const admin3 = new FakeAdmin();
    const ctx3 = contextFor(admin3);
    const broken = await ctx3.run(
      ctx3.on.relationBroken(after.relations.find((r) => r.id === db.id)!),
      after,
    );
    expect(admin3.calls).toEqual([`dropUser ${u1}`, "close"]);
    expect(broken.secrets.filter((s) => s.label?.startsWith(`database.${db.id}.`))).toEqual([]);
  });
});
