// Unit tests of postgresql_client: the pure data model, then the requirer and the provider in tiny
// charms run by lib/testing. Every bag we write is checked against the published JSON schema, and
// no secret value may appear in a bag, a log line or a status.
import { beforeEach, describe, expect, it } from "vitest";
import { CharmBase, type CharmContext } from "../../ops/charm.js";
import type { CollectStatusEvent } from "../../ops/framework/juju-events.js";
import { CharmMeta } from "../../ops/metadata.js";
import type { Relation } from "../../ops/model/relation.js";
import { ActiveStatus } from "../../ops/model/status.js";
import {
  Context,
  type RelationState,
  type State,
  relation,
  secret,
  state,
} from "../../testing/index.js";
import { InterfaceDataError } from "../common/databag.js";
import { leaks, schemaErrors } from "../common/schema-check.js";
import {
  DEFAULT_REQUESTED_SECRETS,
  DatabaseProvider,
  type DatabaseRequestedEvent,
  DatabaseRequirer,
  type ProviderRequest,
  parseEndpoints,
  parseRequirerBag,
  parseProviderBag,
  parseRequest,
  renderRequest,
  requestIdFor,
  splitAnswer,
} from "./index.js";

const src = { interfaceName: "postgresql_client", relation: "database:1", owner: "postgresql-k8s" };
const PASSWORD = "s3cr3t-Pa55w0rd-xyz";

describe("data model", () => {
  it("renders the request as data_interfaces does, requested-secrets as Python's json.dumps", () => {
    expect(renderRequest({ database: "jimm", extraUserRoles: "admin" })).toEqual({
      database: "jimm",
      "requested-secrets":
        '["username", "password", "tls", "tls-ca", "uris", "read-only-uris", "entity-name", "entity-password"]',
      "extra-user-roles": "admin",
    });
  });

  it("parses a request and rejects a requested-secrets that is not a JSON list", () => {
    expect(parseRequest({ database: "jimm", "requested-secrets": '["username"]' }, src)).toEqual({
      database: "jimm",
      requestedSecrets: ["username"],
    });
    expect(parseRequest({}, src)).toBeUndefined();
    expect(() => parseRequest({ database: "x", "requested-secrets": "username" }, src)).toThrow(
      InterfaceDataError,
    );
    expect(() => parseRequest({ database: "x", "requested-secrets": '{"a": 1}' }, src)).toThrow(
      /JSON list/,
    );
  });

  it("parses endpoint lists, IPv6 included, and rejects garbage", () => {
    expect(
      parseEndpoints("a.svc:5432,10.0.0.2:5433,[fd00::1]:5432", src, "endpoints").map((e) => [
        e.host,
        e.port,
      ]),
    ).toEqual([
      ["a.svc", 5432],
      ["10.0.0.2", 5433],
      ["fd00::1", 5432],
    ]);
    expect(() => parseEndpoints("a.svc", src, "endpoints")).toThrow(/host:port/);
    expect(() => parseEndpoints("a.svc:99999", src, "endpoints")).toThrow(InterfaceDataError);
  });

  it("parses both boolean spellings of tls, and a bad one is an error", () => {
    expect(parseProviderBag({ tls: "True" }, src).clear.tls).toBe(true);
    expect(parseProviderBag({ tls: "false" }, src).clear.tls).toBe(false);
    expect(() => parseProviderBag({ tls: "yes" }, src)).toThrow(/"tls" should be true or false/);
  });

  it("ignores unknown keys and rejects a secret field that is not a secret URI", () => {
    expect(parseProviderBag({ data: "{}", "some-new-key": "x" }, src).secrets).toEqual({});
    expect(() => parseProviderBag({ "secret-user": "hunter2" }, src)).toThrow(/Juju secret URI/);
  });

  it("splits an answer as postgresql-k8s does: requested fields in secrets, the rest in the bag", () => {
    const { bag, secrets } = splitAnswer(
      {
        database: "jimm",
        username: "relation_id_7",
        password: PASSWORD,
        endpoints: "pg-primary:5432",
        readOnlyEndpoints: "pg-replicas:5432",
        uris: `postgresql://relation_id_7:${PASSWORD}@pg-primary:5432/jimm`,
        tls: false,
        tlsCa: "ignored when TLS is off",
        version: "16.4",
      },
      DEFAULT_REQUESTED_SECRETS,
    );
    expect(secrets).toEqual({
      user: {
        username: "relation_id_7",
        password: PASSWORD,
        uris: `postgresql://relation_id_7:${PASSWORD}@pg-primary:5432/jimm`,
      },
      tls: { tls: "False" },
    });
    expect(bag).toEqual({
      endpoints: "pg-primary:5432",
      "read-only-endpoints": "pg-replicas:5432",
      version: "16.4",
      database: "jimm",
    });
  });
});

// ---- requirer

const requirerMeta = CharmMeta.fromDocuments({
  name: "jimm",
  requires: { database: { interface: "postgresql_client", limit: 1 } },
});

const events: string[] = [];

class RequirerCharm extends CharmBase {
  readonly db: DatabaseRequirer;
  constructor(ctx: CharmContext) {
    super(ctx);
    this.db = new DatabaseRequirer(this, "database", { database: "jimm", extraUserRoles: "admin" });
    this.observe(this.db.on.databaseCreated, () => void events.push("created"));
    this.observe(this.db.on.endpointsChanged, () => void events.push("endpoints"));
    this.observe(this.db.on.credentialsChanged, () => void events.push("credentials"));
    this.observe(this.db.on.gone, () => void events.push("gone"));
    this.observe(this.on.collectUnitStatus, this.collect);
  }
  collect(event: CollectStatusEvent): void {
    const s = this.db.status();
    const c = this.db.connection();
    event.addStatus(
      s ??
        new ActiveStatus(
          c ? `${c.username}@${c.endpoints[0]!.text}/${c.database} tls=${c.tls}` : "",
        ),
    );
  }
}

const userSecret = secret({
  trackedContent: {
    username: "relation_id_1",
    password: PASSWORD,
    uris: `postgresql://relation_id_1:${PASSWORD}@pg:5432/jimm`,
  },
});
const tlsSecret = secret({
  trackedContent: {
    tls: "True",
    "tls-ca": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
  },
});

function pgRelation(
  remoteAppData: Record<string, string>,
  extra: Partial<RelationState> = {},
): RelationState {
  return relation({
    endpoint: "database",
    id: 1,
    remoteAppName: "postgresql-k8s",
    remoteAppData,
    ...extra,
  });
}

const answered = {
  "secret-user": userSecret.id,
  "secret-tls": tlsSecret.id,
  endpoints: "postgresql-k8s-primary.m.svc.cluster.local:5432",
  "read-only-endpoints": "postgresql-k8s-replicas.m.svc.cluster.local:5432",
  version: "16.4",
  database: "jimm",
  data: '{"database": "jimm"}',
};

const reqCtx = new Context(RequirerCharm, { meta: requirerMeta });

function noLeak(out: State): void {
  expect(leaks({ ...out, logs: reqCtx.logs }, [PASSWORD])).toEqual([]);
}

describe("DatabaseRequirer", () => {
  beforeEach(() => {
    events.length = 0;
  });

  it("the leader writes database, requested-secrets and extra-user-roles on relation-created, schema-valid", async () => {
    const rel = pgRelation({});
    const out = await reqCtx.run(
      reqCtx.on.relationCreated(rel),
      state({ leader: true, relations: [rel] }),
    );
    const app = out.relations[0]!.localAppData;
    expect(app).toEqual(renderRequest({ database: "jimm", extraUserRoles: "admin" }));
    expect(schemaErrors("postgresql_client/v0/requirer.json", { app })).toEqual([]);
  });

  it("a non-leader writes nothing; the next leader writes the request on leader-elected", async () => {
    const rel = pgRelation({});
    const out = await reqCtx.run(
      reqCtx.on.relationCreated(rel),
      state({ leader: false, relations: [rel] }),
    );
    expect(out.relations[0]!.localAppData).toEqual({});
    const led = await reqCtx.run(reqCtx.on.leaderElected(), { ...out, leader: true });
    expect(led.relations[0]!.localAppData.database).toBe("jimm");
  });

  it("never rewrites a request already made (PG refuses changed roles)", async () => {
    const rel = pgRelation(
      {},
      { localAppData: { database: "jimm", "extra-user-roles": "superuser" } },
    );
    const out = await reqCtx.run(
      reqCtx.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    expect(out.relations[0]!.localAppData).toEqual({
      database: "jimm",
      "extra-user-roles": "superuser",
    });
    expect(reqCtx.logs.some((l) => l.message.includes("extra-user-roles cannot change"))).toBe(
      true,
    );
  });

  it("waits while the provider has not answered", async () => {
    const rel = pgRelation({ data: "{}" });
    const out = await reqCtx.run(reqCtx.on.relationChanged(rel), state({ relations: [rel] }));
    expect(out.unitStatus).toEqual({
      status: "waiting",
      message: "database: waiting for the database credentials",
    });
    expect(events).toEqual([]);
  });

  it("reads credentials from secret-user and TLS from secret-tls, then emits databaseCreated once", async () => {
    const rel = pgRelation(answered);
    const before = state({ relations: [rel], secrets: [userSecret, tlsSecret] });
    const out = await reqCtx.run(reqCtx.on.relationChanged(rel), before);
    expect(events).toEqual(["created"]);
    expect(out.unitStatus).toEqual({
      status: "active",
      message: "relation_id_1@postgresql-k8s-primary.m.svc.cluster.local:5432/jimm tls=true",
    });
    noLeak(out);
    const again = await reqCtx.run(reqCtx.on.relationChanged(rel), out);
    expect(events).toEqual(["created"]);
    noLeak(again);
  });

  it("reads secrets named in the model-qualified form secret://<model uuid>/<id> that ops publishes", async () => {
    const full = (id: string): string =>
      `secret://00000000-0000-4000-8000-000000000000/${id.replace(/^secret:/, "")}`;
    const rel = pgRelation({
      ...answered,
      "secret-user": full(userSecret.id),
      "secret-tls": full(tlsSecret.id),
    });
    const out = await reqCtx.run(
      reqCtx.on.relationChanged(rel),
      state({ relations: [rel], secrets: [userSecret, tlsSecret] }),
    );
    expect(out.unitStatus.status).toBe("active");
    const rotated = {
      ...userSecret,
      latestContent: { ...userSecret.trackedContent, password: "rotated-pw" },
    };
    await reqCtx.run(reqCtx.on.secretChanged(rotated), { ...out, secrets: [rotated, tlsSecret] });
    expect(events).toEqual(["created", "credentials"]);
  });

  it("emits endpointsChanged when the endpoints move", async () => {
    const rel = pgRelation(answered);
    const out = await reqCtx.run(
      reqCtx.on.relationChanged(rel),
      state({ relations: [rel], secrets: [userSecret, tlsSecret] }),
    );
    const moved = pgRelation({ ...answered, endpoints: "10.0.0.9:5432" });
    await reqCtx.run(reqCtx.on.relationChanged(moved), { ...out, relations: [moved] });
    expect(events).toEqual(["created", "endpoints"]);
  });

  it("emits credentialsChanged on secret-changed of its user secret, and reads the new revision", async () => {
    const rel = pgRelation(answered);
    const out = await reqCtx.run(
      reqCtx.on.relationChanged(rel),
      state({ relations: [rel], secrets: [userSecret, tlsSecret] }),
    );
    const rotated = {
      ...userSecret,
      latestContent: { ...userSecret.trackedContent, username: "relation_id_1b" },
    };
    const after = await reqCtx.run(reqCtx.on.secretChanged(rotated), {
      ...out,
      secrets: [rotated, tlsSecret],
    });
    expect(events).toEqual(["created", "credentials"]);
    expect(after.unitStatus.message).toMatch(/^relation_id_1b@/);
  });

  it("accepts credentials in clear from a provider without secrets, tls spelled true", async () => {
    const rel = pgRelation({
      username: "u",
      password: PASSWORD,
      endpoints: "pg:5432",
      tls: "true",
      database: "jimm",
    });
    const out = await reqCtx.run(reqCtx.on.relationChanged(rel), state({ relations: [rel] }));
    expect(out.unitStatus).toEqual({ status: "active", message: "u@pg:5432/jimm tls=true" });
  });

  it("blocks with a precise message when secret-user cannot be read", async () => {
    const rel = pgRelation(answered);
    const out = await reqCtx.run(
      reqCtx.on.relationChanged(rel),
      state({ relations: [rel], secrets: [tlsSecret] }),
    );
    expect(out.unitStatus).toEqual({
      status: "blocked",
      message:
        'invalid postgresql_client data from postgresql-k8s: "secret-user" names a secret this unit cannot read (not granted to this relation?)',
    });
    expect(events).toEqual([]);
  });

  it.each([
    [
      { endpoints: "no-port-here" },
      '"endpoints" should be host:port[,host:port], got "no-port-here"',
    ],
    [{ "secret-user": "not-a-uri" }, '"secret-user" should be a Juju secret URI, got "not-a-uri"'],
    [{ status: "[{" }, '"status" is not valid JSON'],
    [
      { status: '[{"code": "1"}]' },
      '"status" should be a JSON list of {code, message, resolution}',
    ],
    [{ tls: "maybe" }, '"tls" should be true or false, got "maybe"'],
  ])("blocks on malformed provider data %j", async (bad, message) => {
    const rel = pgRelation({ ...answered, ...bad });
    const out = await reqCtx.run(
      reqCtx.on.relationChanged(rel),
      state({ relations: [rel], secrets: [userSecret, tlsSecret] }),
    );
    expect(out.unitStatus).toEqual({
      status: "blocked",
      message: `invalid postgresql_client data from postgresql-k8s: ${message}`,
    });
  });

  it("blocks on a malformed value inside the TLS secret", async () => {
    const badTls = secret({ trackedContent: { tls: "on" } });
    const rel = pgRelation({ ...answered, "secret-tls": badTls.id });
    const out = await reqCtx.run(
      reqCtx.on.relationChanged(rel),
      state({ relations: [rel], secrets: [userSecret, badTls] }),
    );
    expect(out.unitStatus.status).toBe("blocked");
    expect(out.unitStatus.message).toContain('"tls" should be true or false');
  });

  it("emits gone on relation-broken and then needs the relation again", async () => {
    const rel = pgRelation(answered);
    const out = await reqCtx.run(
      reqCtx.on.relationChanged(rel),
      state({ relations: [rel], secrets: [userSecret, tlsSecret] }),
    );
    const broken = await reqCtx.run(reqCtx.on.relationBroken(rel), out);
    expect(events).toEqual(["created", "gone"]);
    expect(broken.unitStatus).toEqual({ status: "blocked", message: "needs a database relation" });
    expect(Object.keys(broken.storedStates).join()).toContain("seen");
  });
});

// ---- provider

const providerMeta = CharmMeta.fromDocuments({
  name: "postgresql-k8s",
  provides: { database: { interface: "postgresql_client" } },
});

const requests: string[] = [];
let answerTls = false;
let clusterReady = true;

class ProviderCharm extends CharmBase {
  readonly db: DatabaseProvider;
  constructor(ctx: CharmContext) {
    super(ctx);
    this.db = new DatabaseProvider(this, "database");
    this.observe(this.db.on.databaseRequested, this.onRequested);
    this.observe(this.db.on.databaseReleased, () => void requests.push("released"));
    this.observe(this.on.configChanged, this.onConfigChanged);
  }
  onRequested(e: DatabaseRequestedEvent): void {
    const id = e.request.requestId === undefined ? "" : `#${e.request.requestId}`;
    requests.push(`${e.request.database}:${e.request.extraUserRoles ?? ""}${id}`);
    if (!clusterReady) {
      e.defer(); // as postgresql-k8s does until its cluster is up
      return;
    }
    requests.push(
      `published:${this.answer(e.relation, e.request, "postgresql-k8s-primary.m.svc.cluster.local:5432")}`,
    );
  }
  // A reconcile that republishes every answered relation with a new primary endpoint.
  onConfigChanged(): void {
    for (const r of this.db.requests()) {
      if (r.state === "requested") this.answer(r.relation, r.request, "10.1.1.1:5432");
    }
  }
  answer(rel: Relation, request: ProviderRequest, endpoints: string): boolean {
    const database = request.database;
    const user =
      request.requestId === undefined
        ? `relation_id_${rel.id}`
        : `relation_id_${rel.id}_${request.requestId}`;
    return this.db.publish(rel, {
      ...(request.requestId !== undefined ? { requestId: request.requestId } : {}),
      database,
      username: user,
      password: PASSWORD,
      endpoints,
      readOnlyEndpoints: "postgresql-k8s-replicas.m.svc.cluster.local:5432",
      uris: `postgresql://${user}:${PASSWORD}@postgresql-k8s-primary.m.svc.cluster.local:5432/${database}`,
      readOnlyUris: `postgresql://${user}:${PASSWORD}@postgresql-k8s-replicas.m.svc.cluster.local:5432/${database}`,
      tls: answerTls,
      tlsCa: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
      version: "16.4",
    });
  }
}

const provCtx = new Context(ProviderCharm, { meta: providerMeta });

function jimmRelation(remoteAppData: Record<string, string>): RelationState {
  return relation({ endpoint: "database", id: 7, remoteAppName: "jimm", remoteAppData });
}

describe("DatabaseProvider", () => {
  beforeEach(() => {
    requests.length = 0;
    answerTls = false;
    clusterReady = true;
  });

  it("answers a request as postgresql-k8s does: app secrets granted to the relation, URIs and endpoints in the bag", async () => {
    const rel = jimmRelation(renderRequest({ database: "jimm", extraUserRoles: "admin" }));
    const out = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    expect(requests).toEqual(["jimm:admin", "published:true"]);
    const bag = out.relations[0]!.localAppData;
    expect(Object.keys(bag).sort()).toEqual([
      "database",
      "endpoints",
      "read-only-endpoints",
      "secret-tls",
      "secret-user",
      "version",
    ]);
    const user = out.secrets.find((s) => s.id === bag["secret-user"])!;
    const tls = out.secrets.find((s) => s.id === bag["secret-tls"])!;
    expect(user).toMatchObject({
      owner: "app",
      label: "database.7.user.secret",
      remoteGrants: { 7: ["jimm"] },
    });
    expect(Object.keys(user.latestContent).sort()).toEqual([
      "password",
      "read-only-uris",
      "uris",
      "username",
    ]);
    expect(tls).toMatchObject({
      owner: "app",
      label: "database.7.tls.secret",
      latestContent: { tls: "False" },
    });
    expect(leaks({ ...out, logs: provCtx.logs }, [PASSWORD])).toEqual([]);
    // The schema describes the bag as data_interfaces presents it: secret fields resolved.
    expect(
      schemaErrors("postgresql_client/v0/provider.json", {
        app: { ...bag, ...user.latestContent, ...tls.latestContent },
      }),
    ).toEqual([]);

    // A second hook with the same answer adds no secret revision and changes nothing.
    const again = await provCtx.run(provCtx.on.relationChanged(rel), out);
    expect(requests).toEqual(["jimm:admin", "published:true"]);
    expect(again.secrets).toEqual(out.secrets);

    // A later reconcile republishes: same secret URIs, new endpoint,
    // and no new revision since the secret content did not change.
    const moved = await provCtx.run(provCtx.on.configChanged(), again);
    expect(moved.relations[0]!.localAppData).toEqual({ ...bag, endpoints: "10.1.1.1:5432" });
    expect(moved.secrets).toEqual(out.secrets);
  });

  it("sends everything in clear when the requirer asked for no secrets, and tls-ca only with TLS on", async () => {
    answerTls = true;
    const rel = jimmRelation({ database: "jimm" });
    const out = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    const bag = out.relations[0]!.localAppData;
    expect(out.secrets).toEqual([]);
    expect(bag).toMatchObject({
      username: "relation_id_7",
      tls: "True",
      "tls-ca": expect.stringContaining("BEGIN CERTIFICATE"),
    });
    expect(bag["read-only-uris"]).toBeUndefined();
    expect(schemaErrors("postgresql_client/v0/provider.json", { app: bag })).toEqual([]);
    // The check itself bites: a bag without the required fields fails it.
    expect(
      schemaErrors("postgresql_client/v0/provider.json", { app: { endpoints: "pg:5432" } }),
    ).not.toEqual([]);
  });

  it("a deferred request comes back with its data on the next hook", async () => {
    clusterReady = false;
    const rel = jimmRelation(renderRequest({ database: "jimm", extraUserRoles: "admin" }));
    const out = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    expect(out.deferred).toHaveLength(1);
    expect(out.relations[0]!.localAppData).toEqual({});
    clusterReady = true;
    const later = await provCtx.run(provCtx.on.updateStatus(), out);
    expect(requests).toEqual(["jimm:admin", "jimm:admin", "published:true"]);
    expect(later.deferred).toEqual([]);
    expect(later.relations[0]!.localAppData.database).toBe("jimm");
  });

  it("a non-leader neither emits nor writes", async () => {
    const rel = jimmRelation(renderRequest({ database: "jimm" }));
    const out = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: false, relations: [rel] }),
    );
    expect(requests).toEqual([]);
    expect(out.relations[0]!.localAppData).toEqual({});
    expect(out.secrets).toEqual([]);
  });

  it("logs and ignores a malformed request instead of failing the hook", async () => {
    const rel = jimmRelation({ database: "jimm", "requested-secrets": "[not json" });
    const out = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    expect(requests).toEqual([]);
    expect(out.relations[0]!.localAppData).toEqual({});
    expect(provCtx.logs.map((l) => l.message).join("\n")).toContain(
      '"requested-secrets" is not valid JSON',
    );
  });

  it("removes the relation's secrets and emits databaseReleased on relation-broken", async () => {
    const rel = jimmRelation(renderRequest({ database: "jimm" }));
    const out = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    expect(out.secrets).toHaveLength(2);
    const broken = await provCtx.run(provCtx.on.relationBroken(rel), out);
    expect(requests.at(-1)).toBe("released");
    expect(broken.secrets).toEqual([]);
  });
});

// ---- provider, v1 requirers (dpcharmlibs-interfaces)

/** A v1 request entry exactly as the Python requirer writes it. */
function pyV1Entry(resource: string, salt: string, extra: Record<string, unknown> = {}): string {
  const rid = requestIdFor(resource, salt);
  const fields: Record<string, unknown> = {
    resource,
    "request-id": rid,
    salt,
    "extra-user-roles": null,
    "extra-group-roles": null,
    "external-node-connectivity": false,
    "entity-type": null,
    "entity-permissions": null,
    "secret-mtls": null,
    "mtls-cert": null,
    "secret-requested-entity": null,
    "entity-name": null,
    password: null,
    "prefix-matching": null,
    "entity-password": null,
    ...extra,
  };
  return JSON.stringify(fields).replace(/":/g, '": ').replace(/,"/g, ', "');
}

function v1Bag(...entries: string[]): Record<string, string> {
  return { version: "v1", requests: `[${entries.join(", ")}]` };
}

// Observed from dpcharmlibs-interfaces 1.2.2 in the local model: the requirer's request-id for
// resource "interop" and salt "nrleXfnza9YzKS9p".
const RID = "9d6806fc04c3f55d";
const SALT = "nrleXfnza9YzKS9p";

describe("DatabaseProvider, v1 requirer", () => {
  beforeEach(() => {
    requests.length = 0;
    answerTls = false;
    clusterReady = true;
  });

  it("derives request-id as the Python library does: sha256('<resource>:<salt>')[:16]", () => {
    expect(requestIdFor("interop", SALT)).toBe(RID);
  });

  it("parses the bag the Python requirer writes; v0 without version", () => {
    const parsed = parseRequirerBag(v1Bag(pyV1Entry("interop", SALT)), src);
    expect(parsed).toEqual({
      version: "v1",
      entries: [
        {
          ok: true,
          request: { database: "interop", requestId: RID, salt: SALT },
          record: { resource: "interop", "request-id": RID, salt: SALT },
        },
      ],
    });
    expect(parseRequirerBag({ database: "jimm" }, src)).toEqual({
      version: "v0",
      request: { database: "jimm" },
    });
  });

  it("answers a v1 request byte for byte as the Python provider: requests, data, per-request secrets", async () => {
    const rel = jimmRelation(v1Bag(pyV1Entry("interop", SALT, { "extra-user-roles": "admin" })));
    const out = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    expect(requests).toEqual([`interop:admin#${RID}`, "published:true"]);
    const bag = out.relations[0]!.localAppData;
    expect(Object.keys(bag).sort()).toEqual(["data", "requests", "version"]);
    const user = out.secrets.find((s) => s.label === `database.7.${RID}.user.secret`)!;
    const tls = out.secrets.find((s) => s.label === `database.7.${RID}.tls.secret`)!;
    expect(user).toMatchObject({ owner: "app", remoteGrants: { 7: ["jimm"] } });
    expect(user.latestContent).toEqual({
      username: `relation_id_7_${RID}`,
      password: PASSWORD,
      uris: `postgresql://relation_id_7_${RID}:${PASSWORD}@postgresql-k8s-primary.m.svc.cluster.local:5432/interop`,
      "read-only-uris": `postgresql://relation_id_7_${RID}:${PASSWORD}@postgresql-k8s-replicas.m.svc.cluster.local:5432/interop`,
    });
    // json.dumps(False), not str(False) as in v0; no tls-ca while TLS is off.
    expect(tls).toMatchObject({ owner: "app", latestContent: { tls: "false" } });
    expect(bag.version).toBe("v1");
    expect(bag.requests).toBe(
      `[{"resource": "interop", "request-id": "${RID}", "salt": "${SALT}", ` +
        `"endpoints": "postgresql-k8s-primary.m.svc.cluster.local:5432", ` +
        `"read-only-endpoints": "postgresql-k8s-replicas.m.svc.cluster.local:5432", ` +
        `"secret-user": "${user.id}", "secret-tls": "${tls.id}", "secret-extra": null, ` +
        `"secret-entity": null, "version": "16.4", "prefix-resources": null, "mtls-cert": null, ` +
        `"entity-name": null, "entity-password": null, "password": null}]`,
    );
    expect(bag.data).toBe(
      `{"${RID}": {"resource": "interop", "request-id": "${RID}", "salt": "${SALT}", "extra-user-roles": "admin"}}`,
    );
    expect(leaks({ ...out, logs: provCtx.logs }, [PASSWORD])).toEqual([]);

    // The same hook again: nothing new, no new secret revision.
    const again = await provCtx.run(provCtx.on.relationChanged(rel), out);
    expect(requests).toHaveLength(2);
    expect(again.relations[0]!.localAppData).toEqual(bag);
    expect(again.secrets).toEqual(out.secrets);

    // A second request on the same relation: its own user and secrets, its response appended.
    const salt2 = "AAAAbbbbCCCCdddd";
    const rid2 = requestIdFor("other", salt2);
    const two = jimmRelation(
      v1Bag(pyV1Entry("interop", SALT, { "extra-user-roles": "admin" }), pyV1Entry("other", salt2)),
    );
    const more = await provCtx.run(provCtx.on.relationChanged(two), {
      ...again,
      relations: [{ ...two, localAppData: again.relations[0]!.localAppData }],
    });
    expect(requests.slice(2)).toEqual([`other:#${rid2}`, "published:true"]);
    const responses = JSON.parse(more.relations[0]!.localAppData.requests!) as Record<
      string,
      unknown
    >[];
    expect(responses.map((r) => [r["request-id"], r.resource])).toEqual([
      [RID, "interop"],
      [rid2, "other"],
    ]);
    expect(Object.keys(JSON.parse(more.relations[0]!.localAppData.data!) as object)).toEqual([
      RID,
      rid2,
    ]);
    expect(more.secrets.find((s) => s.label === `database.7.${rid2}.user.secret`)).toMatchObject({
      latestContent: { username: `relation_id_7_${rid2}` },
    });

    // A reconcile republishes both in place: same order, same secrets, new endpoint.
    const moved = await provCtx.run(provCtx.on.configChanged(), more);
    const after = JSON.parse(moved.relations[0]!.localAppData.requests!) as Record<
      string,
      unknown
    >[];
    expect(after.map((r) => [r["request-id"], r.endpoints])).toEqual([
      [RID, "10.1.1.1:5432"],
      [rid2, "10.1.1.1:5432"],
    ]);
    expect(moved.secrets).toEqual(more.secrets);
  });

  it("computes the request-id of a request that carries only a salt", async () => {
    const rel = jimmRelation({ version: "v1", requests: '[{"resource": "interop", "salt": "s"}]' });
    const out = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    const rid = requestIdFor("interop", "s");
    expect(requests).toEqual([`interop:#${rid}`, "published:true"]);
    const responses = JSON.parse(out.relations[0]!.localAppData.requests!) as Record<
      string,
      unknown
    >[];
    expect(responses[0]).toMatchObject({ "request-id": rid, salt: "s" });
  });

  it.each([
    [{ version: "v2", requests: "[]" }, '"version" should be v0 or v1, got "v2"'],
    [{ version: "v1", requests: "[{" }, '"requests" is not valid JSON'],
    [{ version: "v1", requests: '{"resource": "x"}' }, '"requests" should be a JSON list'],
    [{ version: "v1", requests: '["x"]' }, '"requests[0]" should be a JSON object'],
    [{ version: "v1", requests: '[{"salt": "s"}]' }, '"requests[0].resource" is missing'],
    [
      { version: "v1", requests: '[{"resource": "x", "request-id": 7}]' },
      '"requests[0].request-id" should be a string, got number',
    ],
    [{ version: "v1", requests: '[{"resource": "x"}]' }, "has neither a request-id nor a salt"],
    [
      { version: "v1", requests: '[{"resource": "x", "salt": "s", "entity-type": "USER"}]' },
      '"requests[0].entity-type" asks for an entity',
    ],
    [
      {
        version: "v1",
        requests: '[{"resource": "x", "salt": "s", "external-node-connectivity": "yes"}]',
      },
      '"requests[0].external-node-connectivity" should be true or false',
    ],
  ])(
    "logs a malformed v1 bag %j and writes nothing, without failing the hook",
    async (bag, msg) => {
      const rel = jimmRelation(bag);
      const out = await provCtx.run(
        provCtx.on.relationChanged(rel),
        state({ leader: true, relations: [rel] }),
      );
      expect(requests).toEqual([]);
      expect(out.relations[0]!.localAppData).toEqual({});
      expect(out.secrets).toEqual([]);
      expect(provCtx.logs.map((l) => l.message).join("\n")).toContain(msg);
    },
  );

  it("serves the good requests next to a malformed one, and reports the bad one as a typed error", async () => {
    const good = pyV1Entry("interop", SALT);
    const rel = jimmRelation(v1Bag('{"resource": 5, "salt": "x"}', good, good));
    const out = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    // Two entries with the same request-id are both refused: nothing to answer.
    expect(requests).toEqual([]);
    const single = jimmRelation(v1Bag('{"resource": 5, "salt": "x"}', good));
    let seen: { state: string; error?: unknown }[] = [];
    class Probe extends ProviderCharm {
      constructor(ctx: CharmContext) {
        super(ctx);
        this.observe(this.on.updateStatus, () => {
          seen = this.db.requests();
        });
      }
    }
    const probe = new Context(Probe, { meta: providerMeta });
    const served = await probe.run(
      probe.on.relationChanged(single),
      state({ leader: true, relations: [single] }),
    );
    expect(requests).toEqual([`interop:#${RID}`, "published:true"]);
    expect(JSON.parse(served.relations[0]!.localAppData.requests!)).toHaveLength(1);
    await probe.run(probe.on.updateStatus(), served);
    expect(seen.map((s) => s.state)).toEqual(["invalid", "requested"]);
    expect(seen[0]!.error).toBeInstanceOf(InterfaceDataError);
    expect(String((seen[0]!.error as Error).message)).toContain(
      '"requests[0].resource" should be a string',
    );
    expect(out.relations[0]!.localAppData.requests).toBeUndefined();
  });

  it("refuses to publish to a v1 requirer without a requestId (warning, no write)", async () => {
    class NoId extends ProviderCharm {
      override answer(rel: Relation, request: ProviderRequest, endpoints: string): boolean {
        return super.answer(rel, { database: request.database }, endpoints);
      }
    }
    const ctx = new Context(NoId, { meta: providerMeta });
    const rel = jimmRelation(v1Bag(pyV1Entry("interop", SALT)));
    const out = await ctx.run(
      ctx.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    expect(requests).toEqual([`interop:#${RID}`, "published:false"]);
    expect(out.relations[0]!.localAppData.requests).toBeUndefined();
    expect(ctx.logs.map((l) => l.message).join("\n")).toContain("names no requestId");
  });

  it("leadership change: a non-leader writes nothing; a new leader does not ask again for what is answered", async () => {
    const rel = jimmRelation(v1Bag(pyV1Entry("interop", SALT)));
    const follower = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: false, relations: [rel] }),
    );
    expect(requests).toEqual([]);
    expect(follower.relations[0]!.localAppData).toEqual({});
    expect(follower.secrets).toEqual([]);

    // The old leader answered.
    const answered = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    expect(requests).toEqual([`interop:#${RID}`, "published:true"]);

    // A new leader (no stored state of its own) sees the bag and the app's secrets.
    const handover = state({
      leader: true,
      relations: answered.relations,
      secrets: answered.secrets,
    });
    const elected = await provCtx.run(provCtx.on.leaderElected(), handover);
    const changed = await provCtx.run(provCtx.on.relationChanged(rel), {
      ...elected,
      relations: answered.relations,
    });
    expect(requests).toHaveLength(2);
    expect(changed.relations[0]!.localAppData).toEqual(answered.relations[0]!.localAppData);
    // Its reconcile republishes with the same secrets (found by label), no new revision.
    const republished = await provCtx.run(provCtx.on.configChanged(), changed);
    expect(republished.secrets).toEqual(answered.secrets);
    const responses = JSON.parse(republished.relations[0]!.localAppData.requests!) as Record<
      string,
      unknown
    >[];
    expect(responses[0]).toMatchObject({
      "request-id": RID,
      endpoints: "10.1.1.1:5432",
      "secret-user": answered.secrets.find((s) => s.label === `database.7.${RID}.user.secret`)!.id,
    });
  });

  it("relation removal: every request's secrets are removed and databaseReleased is emitted", async () => {
    const salt2 = "AAAAbbbbCCCCdddd";
    const rel = jimmRelation(v1Bag(pyV1Entry("interop", SALT), pyV1Entry("other", salt2)));
    const out = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    expect(out.secrets).toHaveLength(4);
    const broken = await provCtx.run(provCtx.on.relationBroken(rel), out);
    expect(requests.at(-1)).toBe("released");
    expect(broken.secrets).toEqual([]);
  });
});
