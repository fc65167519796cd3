// Interop of postgresql_client with the published Python library `dpcharmlibs-interfaces`:
// a Python ops provider built on it answers our TypeScript requirer (lib/interfaces/
// postgresql-client, v0) in the local model, and our TypeScript provider answers the library's
// requirer (v1); every side reaches its ready state with the right data, our v1 answer has the
// bytes of the Python provider's answer to the same requirer, and no secret value shows in a
// databag, log line, status message or hook-tool argument.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { pyJsonDumps } from "../../lib/interfaces/common/python-json.js";
import type { PyJson } from "../../lib/interfaces/common/python-json.js";
import { requestIdFor } from "../../lib/interfaces/postgresql-client/index.js";
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
  // The same Python requirer, answered by the Python provider: the reference for our v1 answer.
  await e().controller.deploy(M, { charmDir: pyReq, name: "py-ref" });
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

  it(
    "our provider answers v1 as the Python provider does; the Python requirer reaches its ready state",
    async () => {
      const t = Date.now();
      await e().controller.integrate(M, "py-ref", "pg");
      await e().settle();
      timings["py-provider v1 reference integrate+settle"] = Date.now() - t;

      // The request the library wrote, and its request-id as the library derives it.
      const request = e().appBag("pg-ts/0", "database");
      const [sent] = JSON.parse(request["requests"] ?? "[]") as Record<string, string>[];
      const rid = sent?.["request-id"] ?? "";
      const salt = sent?.["salt"] ?? "";
      expect(rid).toBe(requestIdFor("interop", salt));

      // Our answer: only the v1 keys, one response filed under that request-id.
      const answer = e().appBag("py-app/0", "database");
      expect(Object.keys(answer).sort()).toEqual(["data", "requests", "version"]);
      expect(answer["version"]).toBe("v1");
      const responses = JSON.parse(answer["requests"] ?? "[]") as Record<string, PyJson>[];
      expect(responses).toHaveLength(1);
      const response = responses[0] ?? {};
      expect(response).toMatchObject({
        resource: "interop",
        "request-id": rid,
        salt,
        endpoints: "pg-ts-primary.pg.svc.cluster.local:5432",
        "read-only-endpoints": "pg-ts-replicas.pg.svc.cluster.local:5432",
        version: "16.4",
      });
      const relId = e().controller.state.relations.find((r) =>
        r.sides.some((side) => side.app === "pg-ts"),
      )?.id;
      const userUri = String(response["secret-user"]);
      const tlsUri = String(response["secret-tls"]);
      const user = e().secretById(userUri);
      const tls = e().secretById(tlsUri);
      expect(e().secretByLabel(`database.${relId}.${rid}.user.secret`)).toEqual(user);
      expect(user["username"]).toBe(`relation_id_${relId}_${rid}`);
      expect(user["password"]?.length).toBeGreaterThan(20);
      expect(user["uris"]).toBe(
        `postgresql://${user["username"]}:${user["password"]}@pg-ts-primary.pg.svc.cluster.local:5432/interop`,
      );
      expect(tls).toEqual({ tls: "false" });

      // Both sides in their ready state; the library read exactly those credentials.
      expect(e().workload("pg-ts/0")).toEqual({ current: "active", message: "serving py-app" });
      expect(e().workload("py-app/0")).toEqual({
        current: "active",
        message:
          "ready db=interop endpoint=pg-ts-primary.pg.svc.cluster.local:5432 tls=false " +
          `user=${digest(user["username"] ?? "")} password=${digest(user["password"] ?? "")}`,
      });
      expect(
        e()
          .log("py-app/0")
          .some((l) => l.includes("database created: interop")),
      ).toBe(true);

      // The Python provider's answer to the same library, for the bytes.
      expect(e().workload("py-ref/0").current).toBe("active");
      const ref = e().appBag("py-ref/0", "database");
      const [refResponse] = JSON.parse(ref["requests"] ?? "[]") as Record<string, PyJson>[];
      expect(Object.keys(ref).sort()).toEqual(Object.keys(answer).sort());
      // Same keys in the same order, every value JSON-encoded as Python's json.dumps does...
      expect(Object.keys(response)).toEqual(Object.keys(refResponse ?? {}));
      expect(answer["requests"]).toBe(pyJsonDumps(responses));
      // ...and the same text once what differs by application is put aside.
      const normal = (text: string, app: string, id: string, s: string, uris: string[]): string =>
        uris
          .reduce((acc, uri) => acc.replaceAll(uri, "<secret>"), text)
          .replaceAll(id, "<request-id>")
          .replaceAll(s, "<salt>")
          .replaceAll(`${app}-primary`, "<app>-primary")
          .replaceAll(`${app}-replicas`, "<app>-replicas");
      const refId = String(refResponse?.["request-id"]);
      const refSalt = String(refResponse?.["salt"]);
      expect(refId).toBe(requestIdFor("interop", refSalt));
      const refUris = [String(refResponse?.["secret-user"]), String(refResponse?.["secret-tls"])];
      for (const key of ["requests", "data"]) {
        expect(normal(answer[key] ?? "", "pg-ts", rid, salt, [userUri, tlsUri])).toBe(
          normal(ref[key] ?? "", "pg", refId, refSalt, refUris),
        );
      }
      const refUser = e().secretById(refUris[0] ?? "");
      expect(Object.keys(user).sort()).toEqual(Object.keys(refUser).sort());
      // The Python provider writes the `tls-ca: ""` its charm passes; Juju refuses empty secret
      // values (secret-add/secret-set "empty secret value"), so ours leaves the key out.
      expect(e().secretById(refUris[1] ?? "")).toEqual({ tls: "false", "tls-ca": "" });
    },
    PHASE_MS,
  );
});

describe("postgresql_client: the whole run", () => {
  it("never shows a secret value in a databag, log, status or tool argument", () => {
    const { leaks, secrets, scanned } = scanForLeaks(e().controller, M, recorder.calls);
    expect(secrets).toBeGreaterThan(0);
    expect(scanned["toolCalls"]).toBeGreaterThan(0);
    expect(leaks).toEqual([]);
  });
});
