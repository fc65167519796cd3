// Interop of postgresql_client with the published Python library `dpcharmlibs-interfaces`:
// a Python ops provider built on it answers our TypeScript requirer (lib/interfaces/
// postgresql-client) in the local model; both reach their ready state with the right data, and
// no secret value shows in a databag, log line, status message or hook-tool argument.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import {
  InteropEnv,
  buildTsCharm,
  digest,
  ensureInteropVenv,
  preparePyCharm,
  recordToolCalls,
  scanForLeaks,
} from "./setup.js";

const M = "pg";
const PHASE_MS = 600_000;
const timings: Record<string, number> = {};
const recorder = recordToolCalls();
let env: InteropEnv | undefined;

function e(): InteropEnv {
  if (env === undefined) throw new Error("no environment (set-up failed)");
  return env;
}

beforeAll(async () => {
  const t0 = Date.now();
  const venv = ensureInteropVenv();
  env = await InteropEnv.start(M);
  const py = preparePyCharm("py-postgresql-client-provider", join(e().tmp, "py"), venv);
  const ts = await buildTsCharm("ts-postgresql-client-requirer", join(e().tmp, "ts"));
  const pyReq = preparePyCharm("py-postgresql-client-requirer", join(e().tmp, "py-req"), venv);
  const tsProv = await buildTsCharm("ts-postgresql-client-provider", join(e().tmp, "ts-prov"));
  timings["set-up"] = Date.now() - t0;
  const t1 = Date.now();
  await e().controller.deploy(M, { charmDir: py, name: "pg" });
  await e().controller.deploy(M, { charmDir: ts, name: "app" });
  await e().controller.deploy(M, { charmDir: tsProv, name: "pg-ts" });
  await e().controller.deploy(M, { charmDir: pyReq, name: "py-app" });
  await e().settle();
  timings["deploy"] = Date.now() - t1;
}, PHASE_MS);

afterAll(async () => {
  recorder.stop();
  try {
    await env?.close();
  } finally {
    console.log(`postgresql_client interop timings (ms): ${JSON.stringify(timings)}`);
  }
}, PHASE_MS);

describe("postgresql_client: Python provider (dpcharmlibs-interfaces 1.2.2) -> TS requirer", () => {
  it(
    "integrates and settles; our requirer reads the database and credentials",
    async () => {
      const t = Date.now();
      await e().controller.integrate(M, "app", "pg");
      await e().settle();
      timings["integrate+settle"] = Date.now() - t;

      // What our requirer wrote, as the provider sees it.
      const request = e().appBag("pg/0", "database");
      expect(request["database"]).toBe("interop");
      expect(JSON.parse(request["requested-secrets"] ?? "[]")).toEqual(
        expect.arrayContaining(["username", "password"]),
      );

      // What the Python library wrote: credentials in a secret, not in the bag.
      const answer = e().appBag("app/0", "database");
      expect(answer["database"]).toBe("interop");
      expect(answer["endpoints"]).toBe("pg-primary.pg.svc.cluster.local:5432");
      expect(answer["username"]).toBeUndefined();
      expect(answer["password"]).toBeUndefined();
      const userUri = answer["secret-user"];
      expect(userUri).toMatch(/^secret:/);
      const user = e().secretById(userUri ?? "");
      expect(user["username"]).toMatch(/^relation_id_\d+$/);
      expect(user["password"]?.length).toBeGreaterThan(20);

      // Both sides in their ready state; ours read exactly those credentials.
      expect(e().workload("pg/0")).toEqual({ current: "active", message: "serving app" });
      expect(e().workload("app/0")).toEqual({
        current: "active",
        message:
          "ready db=interop endpoint=pg-primary.pg.svc.cluster.local:5432 tls=false " +
          `user=${digest(user["username"] ?? "")} password=${digest(user["password"] ?? "")}`,
      });
      expect(
        e()
          .log("app/0")
          .some((l) => l.includes("database created on relation")),
      ).toBe(true);
    },
    PHASE_MS,
  );
});

describe("postgresql_client: TS provider -> Python requirer (dpcharmlibs-interfaces 1.2.2)", () => {
  it(
    "integrates and settles with no hook error; the Python library sends a v1 request",
    async () => {
      const t = Date.now();
      await e().controller.integrate(M, "py-app", "pg-ts");
      await e().settle();
      timings["ts-provider integrate+settle"] = Date.now() - t;
      const request = e().appBag("pg-ts/0", "database");
      expect(request["version"]).toBe("v1");
      expect(request["database"]).toBeUndefined();
      const requests = JSON.parse(request["requests"] ?? "[]") as Record<string, unknown>[];
      expect(requests.map((r) => r["resource"])).toEqual(["interop"]);
    },
    PHASE_MS,
  );

  // KNOWN GAP (reported, not fixed): dpcharmlibs-interfaces' requirer only speaks the v1
  // contract (`version: v1`, `requests: [...]`, answers under `requests` keyed by `request-id`),
  // while lib/interfaces/postgresql-client's provider reads only the v0 `database` key. Our
  // requirer side is unaffected (the library's provider answers v0 requirers in v0). This test
  // turns green (and `it.fails` then fails) once our provider answers v1 requests.
  it.fails("our provider answers and the Python requirer reaches its ready state", () => {
    expect(e().workload("pg-ts/0").message).toBe("serving py-app");
    expect(e().workload("py-app/0").current).toBe("active");
  });
});

describe("postgresql_client: the whole run", () => {
  it("never shows a secret value in a databag, log, status or tool argument", () => {
    const { leaks, secrets, scanned } = scanForLeaks(e().controller, M, recorder.calls);
    expect(secrets).toBeGreaterThan(0);
    expect(scanned["toolCalls"]).toBeGreaterThan(0);
    expect(leaks).toEqual([]);
  });
});
