// Interop of certificate_transfer with the published Python library
// `charmlibs-interfaces-certificate-transfer`, both directions in one model: our TypeScript
// provider (lib/interfaces/certificate-transfer) sends a CA to a Python requirer built on the
// library, and a Python provider built on it sends a CA to our TypeScript requirer. Each
// requirer ends up with exactly the CA sent (v1: the provider's app bag), and no secret value
// shows anywhere (this interface has none; the scan still runs over the whole model).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pemDigest } from "./setup.js";
import { PHASE_MS, interopSuite } from "./suite.js";

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

const suite = interopSuite({
  title: "certificate_transfer",
  model: "ct",
  prepare: (env) => {
    tsCa = makeCa(env.tmp, "ts-ca");
    pyCa = makeCa(env.tmp, "py-ca");
  },
  charms: [
    { ts: "ts-certificate-transfer-provider", name: "ca-ts", config: () => ({ ca: tsCa }) },
    { py: "py-certificate-transfer-requirer", name: "py-req" },
    { py: "py-certificate-transfer-provider", name: "ca-py", config: () => ({ ca: pyCa }) },
    { ts: "ts-certificate-transfer-requirer", name: "ts-req" },
  ],
});
const e = suite.env;

describe("certificate_transfer with charmlibs-interfaces-certificate-transfer 1.1.0", () => {
  it(
    "TS provider -> Python requirer: the requirer gets our CA",
    async () => {
      await suite.integrate("py-req", "ca-ts", "ts-provider integrate+settle");
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
      await suite.integrate("ts-req", "ca-py", "py-provider integrate+settle");
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

  suite.leakScanTest();
});
