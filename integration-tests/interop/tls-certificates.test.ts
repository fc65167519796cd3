// Interop of tls-certificates with the published Python library
// `charmlibs-interfaces-tls-certificates`, both directions in one model: a Python provider built
// on the library (a tiny CA) signs the CSR of our TypeScript requirer
// (lib/interfaces/tls-certificates), and our TypeScript provider (with a real CA) signs the CSR
// of a Python requirer built on the library. Each requirer ends up with a certificate for its own
// CSR and key that chains to the provider's CA. Then the Python provider makes a new CA and
// revokes everything (`revoke_all_certificates`, no re-issue in that hook): our requirer asks
// again with a fresh CSR and gets a certificate from the new CA (had it kept waiting for a re-issue
// of its old CSR, nothing would tell the provider to act). No private key (or other secret value)
// shows in a databag, log line, status message or hook-tool argument.
import { execFileSync } from "node:child_process";
import { X509Certificate, createHash, createPrivateKey, createPublicKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { LIBID } from "../../lib/interfaces/tls-certificates/index.js";
import { pemDigest, secretValues } from "./setup.js";
import { PHASE_MS, interopSuite } from "./suite.js";

const M = "tls";
const suite = interopSuite({
  title: "tls-certificates",
  model: M,
  charms: [
    { py: "py-tls-certificates-provider", name: "ca-py" },
    { ts: "ts-tls-certificates-requirer", name: "ts-req" },
    { ts: "ts-tls-certificates-provider", name: "ca-ts" },
    { py: "py-tls-certificates-requirer", name: "py-req" },
  ],
});
const e = suite.env;

/** The unit-owned secret holding a requirer's key, as both libraries label it. */
const KEY_LABEL = `${LIBID}-private-key-0-certificates`;
/**
 * Secret content that is public by design: CA certificates (the providers' CA secrets) and the
 * certificate and CSR the Python requirer keeps in a secret; both are on the wire.
 */
const PUBLIC_KEYS = ["ca-certificate", "certificate", "csr", "ca-settings"];

interface Issued {
  ca: string;
  certificate_signing_request: string;
  certificate: string;
  chain?: string[];
  revoked?: boolean;
}

/** The provider's certificates as `unit` (the requirer) sees them. */
function issuedTo(unit: string): Issued[] {
  return JSON.parse(e().appBag(unit, "certificates")["certificates"] ?? "[]") as Issued[];
}

/** The CSRs in `unit`'s bag, as its provider `provider` sees them. */
function csrsOf(unit: string, provider: string): string[] {
  const bag = e().remoteUnitBags(provider, "certificates")[unit] ?? {};
  const list = JSON.parse(bag["certificate_signing_requests"] ?? "[]") as {
    certificate_signing_request: string;
    ca: boolean;
  }[];
  return list.map((c) => c.certificate_signing_request);
}

/** The public key of a PEM CSR (SPKI DER), read by openssl, not by our code. */
function csrPublicKey(csr: string): Buffer {
  const pem = execFileSync("openssl", ["req", "-noout", "-verify", "-pubkey"], {
    input: csr,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "ignore"],
  });
  return createPublicKey(pem).export({ type: "spki", format: "der" });
}

/**
 * Checks that `requirer` holds exactly one unrevoked certificate for its one CSR, issued by the
 * CA `caPem`, carrying the public key of that CSR and of its private key `keyPem`. Returns it.
 */
function checkIssued(requirer: string, provider: string, caPem: string, keyPem: string): Issued {
  const csrs = csrsOf(requirer, provider);
  expect(csrs).toHaveLength(1);
  const mine = issuedTo(requirer).filter((c) => c.certificate_signing_request === csrs[0]);
  expect(mine).toHaveLength(1);
  const entry = mine[0]!;
  expect(entry.revoked).toBeUndefined();
  expect(entry.ca.trim()).toBe(caPem.trim());
  expect(entry.chain?.[0]?.trim()).toBe(entry.certificate.trim());
  const cert = new X509Certificate(entry.certificate);
  const ca = new X509Certificate(caPem);
  expect(cert.checkIssued(ca)).toBe(true);
  expect(cert.verify(ca.publicKey)).toBe(true);
  expect(cert.ca).toBe(false);
  expect(cert.checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
  expect(cert.publicKey.export({ type: "spki", format: "der" })).toEqual(
    csrPublicKey(entry.certificate_signing_request),
  );
  expect(cert.subject).toContain(`CN=${requirer.replace("/", "-")}.`);
  return entry;
}

describe("tls-certificates with charmlibs-interfaces-tls-certificates 1.12.0", () => {
  it(
    "Python provider -> TS requirer: our requirer gets a certificate for its CSR from the CA",
    async () => {
      await suite.integrate("ts-req", "ca-py", "py-provider integrate+settle");
      const ca = e().secretByLabel("ca")["ca-certificate"] ?? "";
      const key = e().unitSecret("ts-req/0", KEY_LABEL)["private-key"] ?? "";
      const entry = checkIssued("ts-req/0", "ca-py/0", ca, key);
      expect(e().workload("ts-req/0")).toEqual({
        current: "active",
        message:
          `ready certificate=${pemDigest(entry.certificate)} ca=${pemDigest(ca)} ` +
          `csr=${pemDigest(entry.certificate_signing_request)} key-matches=true`,
      });
      expect(e().workload("ca-py/0")).toEqual({
        current: "active",
        message: `ca=${pemDigest(ca)} issued=1`,
      });
      const available = `certificate available for ts-req-0.ts-req-endpoints.${M}.svc.cluster.local: ${pemDigest(entry.certificate)}`;
      expect(
        e()
          .log("ts-req/0")
          .filter((l) => l.endsWith(available)),
      ).toHaveLength(1);
    },
    PHASE_MS,
  );

  it(
    "TS provider -> Python requirer: the requirer gets a certificate for its CSR from our CA",
    async () => {
      await suite.integrate("py-req", "ca-ts", "ts-provider integrate+settle");
      const ca = e().secretByLabel("ca-certificates")["ca-certificate"] ?? "";
      const key = e().unitSecret("py-req/0", KEY_LABEL)["private-key"] ?? "";
      const entry = checkIssued("py-req/0", "ca-ts/0", ca, key);
      expect(e().workload("py-req/0")).toEqual({
        current: "active",
        message:
          `ready certificate=${pemDigest(entry.certificate)} ca=${pemDigest(ca)} ` +
          `csr=${pemDigest(entry.certificate_signing_request)} key-matches=True`,
      });
      expect(e().workload("ca-ts/0")).toEqual({
        current: "active",
        message: `ca=${pemDigest(ca)} issued=1`,
      });
      // The library keeps what it got in a unit secret labelled by the CSR's digest.
      const csrHex = createHash("sha256").update(entry.certificate_signing_request).digest("hex");
      const kept = e().unitSecret("py-req/0", `${LIBID}-certificate-0-certificates-${csrHex}`);
      expect(kept["certificate"]?.trim()).toBe(entry.certificate.trim());
      expect(
        e()
          .log("py-req/0")
          .some((l) =>
            l.endsWith(
              `certificate available for py-req-0.py-req-endpoints.${M}.svc.cluster.local`,
            ),
          ),
      ).toBe(true);
    },
    PHASE_MS,
  );

  it(
    "Python provider revokes (new CA): our requirer asks again and gets a certificate of the new CA",
    async () => {
      const oldCa = e().secretByLabel("ca")["ca-certificate"] ?? "";
      const [oldCsr] = csrsOf("ts-req/0", "ca-py/0");
      const r = await suite.timed("revoke+settle", async () => {
        const run = await e().controller.runAction(M, "ca-py/0", "rotate-ca");
        expect(run.status).toBe("completed");
        await e().settle();
        return run;
      });
      const ca = e().secretByLabel("ca")["ca-certificate"] ?? "";
      expect(ca).not.toBe(oldCa);
      expect(r.results).toEqual({ "ca-digest": pemDigest(ca) });
      const key = e().unitSecret("ts-req/0", KEY_LABEL)["private-key"] ?? "";
      const entry = checkIssued("ts-req/0", "ca-py/0", ca, key);
      expect(entry.certificate_signing_request).not.toBe(oldCsr);
      // The revoked certificate is gone with its CSR.
      expect(issuedTo("ts-req/0")).toHaveLength(1);
      expect(
        e()
          .log("ts-req/0")
          .some((l) => l.endsWith("certificate revoked")),
      ).toBe(true);
      expect(e().workload("ts-req/0")).toEqual({
        current: "active",
        message:
          `ready certificate=${pemDigest(entry.certificate)} ca=${pemDigest(ca)} ` +
          `csr=${pemDigest(entry.certificate_signing_request)} key-matches=true`,
      });
      expect(e().workload("ca-py/0").message).toBe(`ca=${pemDigest(ca)} issued=1`);
    },
    PHASE_MS,
  );

  suite.leakScanTest({
    name: "never shows a private key (or any secret value) in a databag, log, status or tool argument",
    publicKeys: PUBLIC_KEYS,
    also: ({ secrets, scanned }) => {
      // Scanned for: both requirers' keys, the Python CA's key before and after the rotation and
      // our CA's key, as PEM text.
      const keys = [...secretValues(e().controller, M, PUBLIC_KEYS)].filter(
        ([value, key]) => key === "private-key" && value.includes("PRIVATE KEY-----"),
      );
      expect(keys.length).toBeGreaterThanOrEqual(5);
      expect(secrets).toBeGreaterThanOrEqual(keys.length);
      console.log(`tls-certificates leak scan: ${secrets} values, ${JSON.stringify(scanned)}`);
      // Nor any part of a key: no PEM private key marker and no line of a key's body anywhere.
      const needles = [
        "PRIVATE KEY-----",
        ...keys.flatMap(([value]) => value.split("\n").filter((l) => l.length >= 40)),
      ];
      expect(suite.visibleTexts().filter((t) => needles.some((n) => t.text.includes(n)))).toEqual(
        [],
      );
    },
  });
});
