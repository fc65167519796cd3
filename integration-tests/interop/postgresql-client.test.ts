// Interop of postgresql_client with the published Python library `dpcharmlibs-interfaces`:
// a Python ops provider built on it answers our TypeScript requirer (lib/interfaces/
// postgresql-client, v0) in the local model, and our TypeScript provider answers the library's
// requirer (v1); every side reaches its ready state with the right data, our v1 answer has the
// bytes of the Python provider's answer to the same requirer, and no secret value shows in a
// databag, log line, status message or hook-tool argument.
import { describe, expect, it } from "vitest";
import { pyJsonDumps } from "../../lib/interfaces/common/python-json.js";
import type { PyJson } from "../../lib/interfaces/common/python-json.js";
import { requestIdFor } from "../../lib/interfaces/postgresql-client/index.js";
import { digest } from "./setup.js";
import { PHASE_MS, interopSuite } from "./suite.js";

const suite = interopSuite({
  title: "postgresql_client",
  model: "pg",
  charms: [
    { py: "py-postgresql-client-provider", name: "pg" },
    { ts: "ts-postgresql-client-requirer", name: "app" },
    { ts: "ts-postgresql-client-provider", name: "pg-ts" },
    { py: "py-postgresql-client-requirer", name: "py-app" },
    // The same Python requirer, answered by the Python provider: the reference for our v1 answer.
    { py: "py-postgresql-client-requirer", name: "py-ref" },
  ],
});
const e = suite.env;

describe("postgresql_client: Python provider (dpcharmlibs-interfaces 1.2.2) -> TS requirer", () => {
  it(
    "integrates and settles; our requirer reads the database and credentials",
    async () => {
      await suite.integrate("app", "pg", "integrate+settle");

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
      await suite.integrate("py-app", "pg-ts", "ts-provider integrate+settle");
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
      await suite.integrate("py-ref", "pg", "py-provider v1 reference integrate+settle");

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
      const relId = e().relationId("pg-ts/0", "database");
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
  suite.leakScanTest({ secrets: { atLeast: 1 } });
});
