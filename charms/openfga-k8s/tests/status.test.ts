// Every status path of the charm, leader and non-leader, and the migration states, with the
// in-memory harness (lib/testing): the real framework, Juju's hook tools emulated, an in-memory
// Pebble.
import { describe, expect, it } from "vitest";
import { leaks } from "../../../lib/interfaces/common/schema-check.js";
import { ActionFailed, relation, state } from "../../../lib/testing/index.js";
import {
  DB_PASSWORD,
  TOKEN,
  VERSION,
  ctx,
  databaseRelation,
  peers,
  planEnv,
  ready,
  tokenSecret,
  userSecret,
  workload,
} from "./fixtures.js";

const BLOCKED_DB =
  "missing database relation: run `juju integrate openfga-k8s:database postgresql-k8s`";

describe("status paths", () => {
  it("active with an empty message once OpenFGA runs", async () => {
    const out = await ctx.run(ctx.on.configChanged(), ready());
    expect(out.unitStatus).toEqual({ status: "active", message: "" });
    expect(out.containers[0]!.serviceStatuses.openfga).toBe("active");
    expect(out.workloadVersion).toBe(VERSION);
  });

  it("waits for the container while Pebble does not answer", async () => {
    const out = await ctx.run(
      ctx.on.configChanged(),
      ready({ containers: [workload({ canConnect: false })] }),
    );
    expect(out.unitStatus).toEqual({
      status: "waiting",
      message: "waiting for the openfga container to start",
    });
  });

  it("waits for the peer relation", async () => {
    const out = await ctx.run(ctx.on.configChanged(), ready({ relations: [databaseRelation()] }));
    expect(out.unitStatus).toEqual({ status: "waiting", message: "waiting for the peer relation" });
  });

  it("blocks without a database relation, naming the command to run", async () => {
    const out = await ctx.run(ctx.on.configChanged(), ready({ relations: [peers()] }));
    expect(out.unitStatus).toEqual({ status: "blocked", message: BLOCKED_DB });
  });

  it("a new unit waits, rather than blocks, for relations Juju has not introduced before start", async () => {
    // Scale-up: install, then relation-created for the existing relations, then start.
    const installed = await ctx.run(ctx.on.install(), ready({ relations: [peers()] }));
    expect(installed.unitStatus).toEqual({
      status: "waiting",
      message: "waiting for Juju to introduce the relations of this new unit",
    });
    const created = await ctx.run(ctx.on.relationCreated(peers()), installed);
    expect(created.unitStatus.status).toBe("waiting");
    // Started with no database relation: now it is missing.
    const started = await ctx.run(ctx.on.start(), created);
    expect(started.unitStatus).toEqual({ status: "blocked", message: BLOCKED_DB });
    const later = await ctx.run(ctx.on.configChanged(), started);
    expect(later.unitStatus).toEqual({ status: "blocked", message: BLOCKED_DB });
  });

  it("waits for the database to be created", async () => {
    const out = await ctx.run(
      ctx.on.configChanged(),
      ready({ relations: [databaseRelation(false), peers()] }),
    );
    expect(out.unitStatus).toEqual({ status: "waiting", message: "Waiting for database creation" });
  });

  it("blocks on malformed database data with the library's precise message", async () => {
    const bad = relation({
      endpoint: "database",
      id: 4,
      remoteAppName: "postgresql-k8s",
      remoteAppData: { "secret-user": "hunter2", endpoints: "pg:5432" },
    });
    const out = await ctx.run(ctx.on.configChanged(), ready({ relations: [bad, peers()] }));
    expect(out.unitStatus.status).toBe("blocked");
    expect(out.unitStatus.message).toMatch(
      /^invalid postgresql_client data from postgresql-k8s: "secret-user"/,
    );
  });

  it("a non-leader waits for the leader's token", async () => {
    const out = await ctx.run(
      ctx.on.configChanged(),
      ready({ leader: false, secrets: [userSecret] }),
    );
    expect(out.unitStatus).toEqual({
      status: "waiting",
      message: "waiting for the leader to create the API token",
    });
    expect(out.secrets.find((s) => s.label === "token")).toBeUndefined();
  });

  it("waits for the version when `openfga version` fails", async () => {
    const broken = workload({
      execs: [{ commandPrefix: ["openfga", "version"], returnCode: 1, stdout: "", stderr: "boom" }],
    });
    const out = await ctx.run(ctx.on.configChanged(), ready({ containers: [broken] }));
    expect(out.unitStatus.status).toBe("waiting");
    expect(out.unitStatus.message).toMatch(/OpenFGA version/);
  });

  it("blocks on an invalid log-level, listing the valid values", async () => {
    const out = await ctx.run(ctx.on.configChanged(), ready({ config: { "log-level": "loud" } }));
    expect(out.unitStatus).toEqual({
      status: "blocked",
      message: 'invalid log-level "loud": use one of none, debug, info, warn, error, panic, fatal',
    });
    // The invalid value never reaches the workload.
    expect(out.containers[0]!.layers).toEqual({});
  });

  it("blocks on an invalid cpu or memory quantity with a precise message", async () => {
    let out = await ctx.run(ctx.on.configChanged(), ready({ config: { cpu: "two" } }));
    expect(out.unitStatus).toEqual({
      status: "blocked",
      message: 'invalid cpu "two": not a Kubernetes quantity (for example 500m or 2)',
    });
    out = await ctx.run(ctx.on.configChanged(), ready({ config: { memory: "-1Gi" } }));
    expect(out.unitStatus).toEqual({
      status: "blocked",
      message: 'invalid memory "-1Gi": must be greater than zero',
    });
  });
});

describe("migration", () => {
  it("the leader migrates a new database once, through Pebble exec, and records the version", async () => {
    const out = await ctx.run(
      ctx.on.relationChanged(databaseRelation()),
      ready({ relations: [databaseRelation(), peers(null)] }),
    );
    const migrate = ctx.execHistory.filter((c) => c[1] === "migrate");
    expect(migrate).toEqual([["openfga", "migrate"]]); // the DSN is in the environment only
    const peer = out.relations.find((r) => r.endpoint === "peer")!;
    expect(peer.localAppData.migration_version_4).toBe(VERSION);
    expect(out.unitStatus.status).toBe("active");
    // Later hooks do not migrate again.
    await ctx.run(ctx.on.updateStatus(), out);
    expect(ctx.execHistory.filter((c) => c[1] === "migrate")).toEqual([]);
  });

  it("a non-leader waits for the leader to migrate", async () => {
    const out = await ctx.run(
      ctx.on.configChanged(),
      ready({ leader: false, relations: [databaseRelation(), peers(null)] }),
    );
    expect(out.unitStatus).toEqual({
      status: "waiting",
      message: "Waiting for leader unit to run the migration",
    });
    expect(ctx.execHistory.filter((c) => c[1] === "migrate")).toEqual([]);
    expect(out.containers[0]!.serviceStatuses.openfga).toBeUndefined();
  });

  it("a failed migration blocks, is not retried on every hook, and keeps the password out", async () => {
    const failing = workload({
      execs: [
        {
          commandPrefix: ["openfga", "version"],
          returnCode: 0,
          stdout: `v${VERSION}\n`,
          stderr: "",
        },
        {
          commandPrefix: ["openfga", "migrate"],
          returnCode: 1,
          stdout: "",
          stderr: `failed to connect to postgres://relation_id_4:${DB_PASSWORD}@pg/openfga\n`,
        },
      ],
    });
    const out = await ctx.run(
      ctx.on.configChanged(),
      ready({ containers: [failing], relations: [databaseRelation(), peers(null)] }),
    );
    expect(out.unitStatus.status).toBe("blocked");
    expect(out.unitStatus.message).toMatch(/^Database migration failed/);
    expect(
      leaks({ ...out, logs: ctx.logs }, [DB_PASSWORD, encodeURIComponent(DB_PASSWORD)]),
    ).toEqual([]);
    const again = await ctx.run(ctx.on.updateStatus(), out);
    expect(ctx.execHistory.filter((c) => c[1] === "migrate")).toEqual([]);
    expect(again.unitStatus.message).toMatch(/^Database migration failed/);
  });

  it("after an image upgrade every unit waits for schema-upgrade and OpenFGA is not started", async () => {
    for (const leader of [true, false]) {
      const out = await ctx.run(
        ctx.on.pebbleReady(workload()),
        ready({ leader, relations: [databaseRelation(), peers("1.8.4")] }),
      );
      expect(out.unitStatus).toEqual({
        status: "blocked",
        message: `Waiting for migration to run (schema of 1.8.4, image ${VERSION}): run the \`schema-upgrade\` action on the leader`,
      });
      expect(ctx.execHistory.filter((c) => c[1] === "migrate")).toEqual([]);
      expect(out.containers[0]!.serviceStatuses.openfga).toBeUndefined();
    }
  });

  it("schema-upgrade on the leader migrates, records the version and starts OpenFGA", async () => {
    const before = ready({ relations: [databaseRelation(), peers("1.8.4")] });
    const out = await ctx.run(ctx.on.action("schema-upgrade"), before);
    expect(ctx.actionResults).toEqual({ result: "migrated", version: VERSION });
    expect(ctx.execHistory.filter((c) => c[1] === "migrate")).toEqual([["openfga", "migrate"]]);
    expect(out.relations.find((r) => r.endpoint === "peer")!.localAppData.migration_version_4).toBe(
      VERSION,
    );
    expect(out.unitStatus.status).toBe("active");
    expect(out.containers[0]!.serviceStatuses.openfga).toBe("active");
  });

  it("schema-upgrade refuses to run on a non-leader", async () => {
    const run = ctx.run(ctx.on.action("schema-upgrade"), ready({ leader: false }));
    await expect(run).rejects.toThrow(ActionFailed);
    await expect(run).rejects.toThrow(/Only the leader unit can run the schema-upgrade action/);
  });

  it("schema-upgrade fails with the reason when the migration fails, and blocks", async () => {
    const failing = workload({
      execs: [
        {
          commandPrefix: ["openfga", "version"],
          returnCode: 0,
          stdout: `v${VERSION}\n`,
          stderr: "",
        },
        {
          commandPrefix: ["openfga", "migrate"],
          returnCode: 1,
          stdout: "",
          stderr: "no such table\n",
        },
      ],
    });
    const before = ready({
      containers: [failing],
      relations: [databaseRelation(), peers("1.8.4")],
    });
    const err = (await ctx
      .run(ctx.on.action("schema-upgrade"), before)
      .catch((e: unknown) => e)) as ActionFailed;
    expect(err).toBeInstanceOf(ActionFailed);
    expect(err.message).toBe("Database migration failed: no such table");
    expect(err.state.unitStatus.status).toBe("blocked");
  });

  it("schema-upgrade fails clearly without a database", async () => {
    const run = ctx.run(ctx.on.action("schema-upgrade"), ready({ relations: [peers()] }));
    await expect(run).rejects.toThrow(/no ready database/);
  });
});

describe("the token secret", () => {
  it("the leader creates it once, app-owned, labelled token, and OpenFGA gets it in its environment", async () => {
    const out = await ctx.run(ctx.on.leaderElected(), ready({ secrets: [userSecret] }));
    const token = out.secrets.find((s) => s.label === "token")!;
    expect(token.owner).toBe("app");
    expect(token.trackedContent.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(planEnv(out).OPENFGA_AUTHN_PRESHARED_KEYS).toBe(token.trackedContent.token);
    const again = await ctx.run(ctx.on.configChanged(), out);
    expect(again.secrets.filter((s) => s.label === "token")).toEqual([token]);
  });

  it("a non-leader reads the leader's token and never creates one", async () => {
    const out = await ctx.run(ctx.on.configChanged(), ready({ leader: false }));
    expect(planEnv(out).OPENFGA_AUTHN_PRESHARED_KEYS).toBe(TOKEN);
    expect(out.secrets).toHaveLength(2);
  });

  it("the token and the password appear in no relation data, log or status", async () => {
    const out = await ctx.run(ctx.on.configChanged(), ready());
    expect(leaks({ ...out, logs: ctx.logs }, [TOKEN, DB_PASSWORD])).toEqual([]);
  });

  it("an empty state (install) gives a clear waiting status and no failure", async () => {
    const out = await ctx.run(
      ctx.on.install(),
      state({ containers: [workload({ canConnect: false })] }),
    );
    expect(out.unitStatus.status).toBe("waiting");
  });

  it("keeps the existing token on the leader (scaling never changes it)", async () => {
    const out = await ctx.run(ctx.on.leaderElected(), ready());
    const tokens = out.secrets.filter((s) => s.label === "token");
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.id.split(/[/:]/).pop()).toBe(tokenSecret.id.split(/[/:]/).pop());
    expect(tokens[0]!.latestContent).toEqual({ token: TOKEN });
  });
});
