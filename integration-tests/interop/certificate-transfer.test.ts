// Interop of certificate_transfer with the published Python library
// `charmlibs-interfaces-certificate-transfer`, both directions in one model: our TypeScript
// provider (lib/interfaces/certificate-transfer) sends a CA to a Python requirer built on the
// library, and a Python provider built on it sends a CA to our TypeScript requirer. Each
// requirer ends up with exactly the CA sent (v1: the provider's app bag), and no secret value
// shows anywhere (this interface has none; the scan still runs over the whole model).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  InteropEnv,
  buildTsCharm,
  ensureInteropVenv,
  preparePyCharm,
  recordToolCalls,
  scanForLeaks,
} from "./setup.js";

const M = "ct";
const PHASE_MS = 600_000;
const timings: Record<string, number> = {};
const recorder = recordToolCalls();
let env: InteropEnv | undefined;

function e(): InteropEnv {
  if (env === undefined) throw new Error("no environment (set-up failed)");
  return env;
}

function pemDigest(pem: string): string {
  return createHash("sha256").update(pem.trim()).digest("hex").slice(0, 12);
}

/** A fresh self-signed CA certificate (PEM) made with openssl in `dir`. */
function makeCa(dir: string, cn: string): string {
  const key = join(dir, `${cn}.key`);
  const crt = join(dir, `${cn}.crt`);
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      key,
      "-out",
      crt,
      "-days",
      "2",
      "-subj",
      `/CN=${cn}`,
    ],
    { stdio: "ignore" },
  );
  return readFileSync(crt, "utf8").trim();
}

let tsCa = "";
let pyCa = "";

beforeAll(async () => {
  const t0 = Date.now();
  const venv = ensureInteropVenv();
  env = await InteropEnv.start(M);
  tsCa = makeCa(e().tmp, "ts-ca");
  pyCa = makeCa(e().tmp, "py-ca");
  const dirs = {
    pyReq: preparePyCharm("py-certificate-transfer-requirer", join(e().tmp, "py-req"), venv),
    pyProv: preparePyCharm("py-certificate-transfer-provider", join(e().tmp, "py-prov"), venv),
    tsProv: await buildTsCharm("ts-certificate-transfer-provider", join(e().tmp, "ts-prov")),
    tsReq: await buildTsCharm("ts-certificate-transfer-requirer", join(e().tmp, "ts-req")),
  };
  timings["set-up"] = Date.now() - t0;
  const t1 = Date.now();
  const c = e().controller;
  await c.deploy(M, { charmDir: dirs.tsProv, name: "ca-ts", config: { ca: tsCa } });
  await c.deploy(M, { charmDir: dirs.pyReq, name: "py-req" });
  await c.deploy(M, { charmDir: dirs.pyProv, name: "ca-py", config: { ca: pyCa } });
  await c.deploy(M, { charmDir: dirs.tsReq, name: "ts-req" });
  await e().settle();
  timings["deploy"] = Date.now() - t1;
}, PHASE_MS);

afterAll(async () => {
  recorder.stop();
  try {
    await env?.close();
  } finally {
    console.log(`certificate_transfer interop timings (ms): ${JSON.stringify(timings)}`);
  }
}, PHASE_MS);

describe("certificate_transfer with charmlibs-interfaces-certificate-transfer 1.1.0", () => {
  it(
    "TS provider -> Python requirer: the requirer gets our CA",
    async () => {
      const t = Date.now();
      await e().controller.integrate(M, "py-req", "ca-ts");
      await e().settle();
      timings["ts-provider integrate+settle"] = Date.now() - t;
      expect(e().appBag("ca-ts/0", "send-ca-cert")).toEqual({ version: "1" });
      const bag = e().appBag("py-req/0", "receive-ca-cert");
      expect(bag["version"]).toBe("1");
      expect((JSON.parse(bag["certificates"] ?? "[]") as string[]).map((c) => c.trim())).toEqual([
        tsCa,
      ]);
      expect(e().workload("py-req/0")).toEqual({
        current: "active",
        message: `ready certificates=${pemDigest(tsCa)}`,
      });
    },
    PHASE_MS,
  );

  it(
    "Python provider -> TS requirer: our requirer gets its CA",
    async () => {
      const t = Date.now();
      await e().controller.integrate(M, "ts-req", "ca-py");
      await e().settle();
      timings["py-provider integrate+settle"] = Date.now() - t;
      expect(e().appBag("ca-py/0", "send-ca-cert")).toEqual({ version: "1" });
      const bag = e().appBag("ts-req/0", "receive-ca-cert");
      expect((JSON.parse(bag["certificates"] ?? "[]") as string[]).map((c) => c.trim())).toEqual([
        pyCa,
      ]);
      expect(e().workload("ts-req/0")).toEqual({
        current: "active",
        message: `ready certificates=${pemDigest(pyCa)}`,
      });
    },
    PHASE_MS,
  );

  it("never shows a secret value in a databag, log, status or tool argument", () => {
    const { leaks, scanned } = scanForLeaks(e().controller, M, recorder.calls);
    expect(scanned["toolCalls"]).toBeGreaterThan(0);
    expect(leaks).toEqual([]);
  });
});
