// Interop of openfga with the published Python library `charmlibs-interfaces-openfga`, both
// directions in one model: our TypeScript provider (lib/interfaces/openfga) answers a Python
// requirer built on the library, and a Python provider built on it answers our TypeScript
// requirer. Each side reaches its ready state with the right store id, URLs and token, and no
// secret value shows in a databag, log line, status message or hook-tool argument.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { digest } from "./setup.js";
import { PHASE_MS, interopSuite } from "./suite.js";

const suite = interopSuite({
  title: "openfga",
  model: "fga",
  charms: [
    { ts: "ts-openfga-provider", name: "fga-ts" },
    { py: "py-openfga-requirer", name: "py-req" },
    { py: "py-openfga-provider", name: "fga-py" },
    { ts: "ts-openfga-requirer", name: "ts-req" },
  ],
});
const e = suite.env;

/** The store id both test providers derive from a store name. */
function storeIdOf(name: string): string {
  return "01" + createHash("sha256").update(name).digest("hex").slice(0, 24).toUpperCase();
}

describe("openfga with charmlibs-interfaces-openfga 1.0.0", () => {
  it(
    "TS provider -> Python requirer: the requirer reads our store id, URLs and token",
    async () => {
      await suite.integrate("py-req", "fga-ts", "ts-provider integrate+settle");

      expect(e().appBag("fga-ts/0", "openfga")).toEqual({ store_name: "interop" });
      const answer = e().appBag("py-req/0", "openfga");
      expect(Object.keys(answer).sort()).toEqual([
        "grpc_api_url",
        "http_api_url",
        "store_id",
        "token_secret_id",
      ]);
      expect(answer["store_id"]).toBe(storeIdOf("interop"));
      const token = e().secretById(answer["token_secret_id"] ?? "")["token"] ?? "";
      expect(token.length).toBeGreaterThan(20);
      expect(e().secretByLabel("token")["token"]).toBe(token);

      expect(e().workload("fga-ts/0")).toEqual({ current: "active", message: "serving py-req" });
      expect(e().workload("py-req/0")).toEqual({
        current: "active",
        message:
          `ready store=${storeIdOf("interop")} http=http://fga-ts.fga.svc.cluster.local:8080 ` +
          `grpc=http://fga-ts.fga.svc.cluster.local:8081 token=${digest(token)}`,
      });
    },
    PHASE_MS,
  );

  it(
    "Python provider -> TS requirer: our requirer reads its store id, URLs and token",
    async () => {
      await suite.integrate("ts-req", "fga-py", "py-provider integrate+settle");

      expect(e().appBag("fga-py/0", "openfga")).toEqual({ store_name: "interop" });
      const answer = e().appBag("ts-req/0", "openfga");
      expect(answer["store_id"]).toBe(storeIdOf("interop"));
      const uri = answer["token_secret_id"] ?? "";
      expect(uri).toMatch(/^secret:/);
      const token = e().secretById(uri)["token"] ?? "";
      expect(token.length).toBeGreaterThan(20);

      expect(e().workload("fga-py/0")).toEqual({ current: "active", message: "serving ts-req" });
      expect(e().workload("ts-req/0")).toEqual({
        current: "active",
        message:
          `ready store=${storeIdOf("interop")} http=http://fga-py.fga.svc.cluster.local:8080 ` +
          `grpc=http://fga-py.fga.svc.cluster.local:8081 token=${digest(token)}`,
      });
      expect(
        e()
          .log("ts-req/0")
          .some((l) => l.includes("store created on relation")),
      ).toBe(true);
    },
    PHASE_MS,
  );

  suite.leakScanTest({ secrets: { atLeast: 2 } });
});
