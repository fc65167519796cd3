/**
 * The self-signed-certificates stand-in in the local model: deployed with two units of the
 * tls-client test charm, related on `certificates` and on `send-ca-cert` -> `receive-ca-cert`.
 * Each client unit's CSR is signed; the test verifies every certificate with `node:crypto`
 * against the CA the client received over certificate_transfer. Then a new CA common name
 * rotates the CA: the clients receive the new CA and, after the next sync, certificates that
 * verify against it. The charms have no containers: no root needed.
 */
import { X509Certificate } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Controller } from "../../../../lib/sim/controller.js";
import { buildCharms, startLocalModel } from "../../../../lib/sim/testing/local-model.js";
import type { BuiltCharms } from "../../../../lib/sim/testing/local-model.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const CHARM = resolve(HERE, "..");
const CLIENT = join(HERE, "tls-client");

interface Shown {
  certificate: string;
  ca: string;
  chain: string[];
  receivedCas: string[];
  keyMatches: boolean;
}

async function show(c: Controller, unit: string): Promise<Shown> {
  const r = await c.runAction("jaas", unit, "show");
  expect(r.status).toBe("completed");
  const res = r.results as Record<string, string>;
  return {
    certificate: res.certificate ?? "",
    ca: res.ca ?? "",
    chain: JSON.parse(res.chain ?? "[]") as string[],
    receivedCas: JSON.parse(res["received-cas"] ?? "[]") as string[],
    keyMatches: res["key-matches"] === "true",
  };
}

/** Checks a client's certificate with node:crypto against the one CA it received. */
function verify(got: Shown, unit: string): X509Certificate {
  expect(got.receivedCas).toHaveLength(1);
  const ca = new X509Certificate(got.receivedCas[0]!);
  expect(ca.ca).toBe(true);
  const leaf = new X509Certificate(got.certificate);
  expect(leaf.verify(ca.publicKey)).toBe(true);
  expect(leaf.checkIssued(ca)).toBe(true);
  expect(got.ca.trim()).toBe(got.receivedCas[0]!.trim());
  expect(got.chain[0]!.trim()).toBe(got.certificate.trim());
  const [app = "", n = "0"] = unit.split("/");
  const fqdn = `${app}-${n}.${app}-endpoints.jaas.svc.cluster.local`;
  expect(leaf.subject).toContain(`CN=${fqdn}`);
  expect(leaf.subjectAltName).toContain(`DNS:${fqdn}`);
  expect(got.keyMatches).toBe(true);
  return ca;
}

describe("self-signed-certificates stand-in in the local model", () => {
  let charms: BuiltCharms<"ssc" | "client"> | undefined;

  beforeAll(async () => {
    charms = await buildCharms({ ssc: CHARM, client: CLIENT });
  }, 120_000);

  afterAll(async () => {
    await charms?.remove();
  });

  it("signs each client unit's CSR; certificates verify against the transferred CA, also after a rotation", async () => {
    const { dirs } = charms!;
    // The charms have no containers: no networking, no workloads.
    const model = await startLocalModel({
      networking: false,
      models: ["jaas"],
      controller: { updateStatusIntervalMs: 4_000 },
    });
    const c = model.controller;
    try {
      await c.deploy("jaas", {
        charmDir: dirs.ssc,
        name: "self-signed-certificates",
        config: { "ca-common-name": "jaas-test-ca" },
      });
      await c.deploy("jaas", { charmDir: dirs.client, name: "tls-client", scale: 2 });
      await c.integrate("jaas", "tls-client:certificates", "self-signed-certificates:certificates");
      await c.integrate(
        "jaas",
        "tls-client:receive-ca-cert",
        "self-signed-certificates:send-ca-cert",
      );
      await model.settle("deploy", { timeoutMs: 120_000 });

      const units = ["tls-client/0", "tls-client/1"];
      const serials = new Set<string>();
      for (const unit of units) {
        const got = await show(c, unit);
        const ca = verify(got, unit);
        expect(ca.subject).toBe("CN=jaas-test-ca");
        serials.add(new X509Certificate(got.certificate).serialNumber);
      }
      expect(serials.size).toBe(2);
      const status = c.status("jaas");
      expect(
        status.applications["self-signed-certificates"]?.units?.["self-signed-certificates/0"]?.[
          "workload-status"
        ],
      ).toMatchObject({ current: "active" });

      // A new CA: the clients get it over send-ca-cert, and new certificates signed by it.
      await c.config("jaas", "self-signed-certificates", { "ca-common-name": "jaas-rotated-ca" });
      let rotated: Shown | undefined;
      for (let i = 0; i < 60 && rotated === undefined; i++) {
        await c.settle({ timeoutMs: 30_000 });
        const got = await show(c, "tls-client/0");
        const ca = got.receivedCas[0] ? new X509Certificate(got.receivedCas[0]) : undefined;
        const leaf = got.certificate ? new X509Certificate(got.certificate) : undefined;
        if (ca?.subject === "CN=jaas-rotated-ca" && leaf && leaf.verify(ca.publicKey))
          rotated = got;
        else await new Promise((r) => setTimeout(r, 500));
      }
      expect(rotated, "a certificate from the new CA").toBeDefined();
      verify(rotated!, "tls-client/0");
      const log = c.unitLog("jaas", "self-signed-certificates/0").map((l) => l.message);
      expect(log.join("\n")).toContain("revoking the certificates issued by the old one");
      expect(log.join("\n")).not.toContain("PRIVATE KEY");
    } finally {
      await model.close();
    }
  }, 240_000);
});
