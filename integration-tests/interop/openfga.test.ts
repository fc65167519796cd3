// Interop of openfga with the published Python library `charmlibs-interfaces-openfga`, both
// directions in one model: our TypeScript provider (lib/interfaces/openfga) answers a Python
// requirer built on the library, and a Python provider built on it answers our TypeScript
// requirer. Each side reaches its ready state with the right store id, URLs and token, and no
// secret value shows in a databag, log line, status message or hook-tool argument.
import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  InteropEnv,
  buildTsCharm,
  digest,
  ensureInteropVenv,
  preparePyCharm,
  recordToolCalls,
  scanForLeaks,
} from "./setup.js";

const M = "fga";
const PHASE_MS = 600_000;
const timings: Record<string, number> = {};
const recorder = recordToolCalls();
let env: InteropEnv | undefined;

function e(): InteropEnv {
  if (env === undefined) throw new Error("no environment (set-up failed)");
  return env;
}

/** The store id both test providers derive from a store name. */
function storeIdOf(name: string): string {
  return "01" + createHash("sha256").update(name).digest("hex").slice(0, 24).toUpperCase();
}

beforeAll(async () => {
  const t0 = Date.now();
  const venv = ensureInteropVenv();
  env = await InteropEnv.start(M);
  const dirs = {
    pyReq: preparePyCharm("py-openfga-requirer", join(e().tmp, "py-req"), venv),
    pyProv: preparePyCharm("py-openfga-provider", join(e().tmp, "py-prov"), venv),
    tsProv: await buildTsCharm("ts-openfga-provider", join(e().tmp, "ts-prov")),
    tsReq: await buildTsCharm("ts-openfga-requirer", join(e().tmp, "ts-req")),
  };
  timings["set-up"] = Date.now() - t0;
  const t1 = Date.now();
  const c = e().controller;
  await c.deploy(M, { charmDir: dirs.tsProv, name: "fga-ts" });
  await c.deploy(M, { charmDir: dirs.pyReq, name: "py-req" });
  await c.deploy(M, { charmDir: dirs.pyProv, name: "fga-py" });
  await c.deploy(M, { charmDir: dirs.tsReq, name: "ts-req" });
  await e().settle();
  timings["deploy"] = Date.now() - t1;
}, PHASE_MS);

afterAll(async () => {
  recorder.stop();
  try {
    await env?.close();
  } finally {
    console.log(`openfga interop timings (ms): ${JSON.stringify(timings)}`);
  }
}, PHASE_MS);

describe("openfga with charmlibs-interfaces-openfga 1.0.0", () => {
  it(
    "TS provider -> Python requirer: the requirer reads our store id, URLs and token",
    async () => {
      const t = Date.now();
      await e().controller.integrate(M, "py-req", "fga-ts");
      await e().settle();
      timings["ts-provider integrate+settle"] = Date.now() - t;

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
      const t = Date.now();
      await e().controller.integrate(M, "ts-req", "fga-py");
      await e().settle();
      timings["py-provider integrate+settle"] = Date.now() - t;

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

  it("never shows a secret value in a databag, log, status or tool argument", () => {
    const { leaks, secrets, scanned } = scanForLeaks(e().controller, M, recorder.calls);
    expect(secrets).toBeGreaterThanOrEqual(2);
    expect(scanned["toolCalls"]).toBeGreaterThan(0);
    expect(leaks).toEqual([]);
  });
});
