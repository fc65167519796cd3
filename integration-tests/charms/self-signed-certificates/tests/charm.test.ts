// Unit tests of the self-signed-certificates stand-in with lib/testing: the CA in its secret,
// CSRs signed and verified with node:crypto, the CA sent over certificate_transfer (v1 and v0),
// rotation, malformed requests and config, leader and non-leader.
import { X509Certificate, createPrivateKey, createPublicKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  generateCsr,
  generatePrivateKey,
  renderRequirerBag,
} from "../../../../lib/interfaces/tls-certificates/index.js";
import {
  ActionFailed,
  Context,
  DEFAULT_UNIT_BAG,
  type RelationState,
  type State,
  relation,
  state,
} from "../../../../lib/testing/index.js";
import { SelfSignedCertificatesCharm } from "../src/charm.js";

const ctx = new Context(SelfSignedCertificatesCharm, {
  charmDir: "integration-tests/charms/self-signed-certificates",
});

const requirerKey = generatePrivateKey();
const FQDN = "openfga.jaas.svc.cluster.local";
const csr = generateCsr(requirerKey, {
  commonName: FQDN,
  sansDns: [FQDN],
  sansIp: ["127.0.0.1"],
});

function certificatesRelation(
  unitBag: Record<string, string> = renderRequirerBag([
    { certificateSigningRequest: csr, ca: false },
  ]),
): RelationState {
  return relation({
    endpoint: "certificates",
    remoteAppName: "openfga",
    remoteUnitsData: { 0: { ...DEFAULT_UNIT_BAG, ...unitBag } },
  });
}

interface Issued {
  ca: string;
  certificate_signing_request: string;
  certificate: string;
  chain: string[];
  revoked?: boolean;
}

function issued(out: State, id: number): Issued[] {
  const bag = out.relations.find((r) => r.id === id)!.localAppData;
  return bag.certificates ? (JSON.parse(bag.certificates) as Issued[]) : [];
}

function caSecret(out: State) {
  return out.secrets.find((s) => s.label === "ca-certificates");
}

/** Every place the CA's private key must never appear. */
function leaks(out: State, key: string): string[] {
  const found: string[] = [];
  const body = key.split("\n")[1]!; // a line of the key's base64
  for (const r of out.relations) {
    for (const [k, v] of Object.entries({ ...r.localAppData, ...r.localUnitData }))
      if (v.includes(body)) found.push(`${r.endpoint} bag ${k}`);
  }
  ctx.logs.forEach((l, i) => l.message.includes(body) && found.push(`log ${i}`));
  if (out.unitStatus.message.includes(body)) found.push("status");
  return found;
}

describe("self-signed-certificates stand-in", () => {
  it("the leader makes the CA once and keeps it in an app secret", async () => {
    const out = await ctx.run(
      ctx.on.install(),
      state({ leader: true, config: { "ca-common-name": "jaas-ca" } }),
    );
    const secret = caSecret(out)!;
    expect(secret.owner).toBe("app");
    expect(Object.keys(secret.latestContent).sort()).toEqual([
      "ca-certificate",
      "ca-settings",
      "private-key",
    ]);
    const ca = new X509Certificate(secret.latestContent["ca-certificate"]!);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe("CN=jaas-ca");
    expect(ca.checkPrivateKey(createPrivateKey(secret.latestContent["private-key"]!))).toBe(true);
    const days = (Date.parse(ca.validTo) - Date.parse(ca.validFrom)) / 86_400_000;
    expect(Math.round(days)).toBe(365);
    expect(out.unitStatus).toEqual({ status: "active", message: "" });

    const again = await ctx.run(ctx.on.updateStatus(), out);
    expect(caSecret(again)).toEqual(secret);
  });

  it("signs a CSR from a requirer unit: the certificate verifies against the CA", async () => {
    const certs = certificatesRelation();
    const out = await ctx.run(
      ctx.on.relationChanged(certs, { remoteUnit: 0 }),
      state({ leader: true, relations: [certs] }),
    );
    const [entry, ...rest] = issued(out, certs.id);
    expect(rest).toEqual([]);
    expect(entry!.certificate_signing_request).toBe(csr.trim());
    const caPem = caSecret(out)!.latestContent["ca-certificate"]!;
    expect(entry!.ca).toBe(caPem.trim());
    expect(entry!.chain).toEqual([entry!.certificate, entry!.ca]);
    const leaf = new X509Certificate(entry!.certificate);
    const ca = new X509Certificate(caPem);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.subject).toContain(`CN=${FQDN}`);
    expect(leaf.subjectAltName).toContain(`DNS:${FQDN}`);
    expect(leaf.subjectAltName).toContain("IP Address:127.0.0.1");
    expect(leaf.publicKey.export({ format: "pem", type: "spki" })).toBe(
      createPublicKey(requirerKey).export({ format: "pem", type: "spki" }),
    );
    const days = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / 86_400_000;
    expect(Math.round(days)).toBe(90);
    expect(leaks(out, caSecret(out)!.latestContent["private-key"]!)).toEqual([]);
  });

  it("drops the certificate when its CSR is no longer requested", async () => {
    const certs = certificatesRelation();
    const out = await ctx.run(
      ctx.on.relationChanged(certs, { remoteUnit: 0 }),
      state({ leader: true, relations: [certs] }),
    );
    const emptied = out.relations.map((r) =>
      r.id === certs.id && r.kind === "regular"
        ? { ...r, remoteUnitsData: { 0: { ...DEFAULT_UNIT_BAG } } }
        : r,
    );
    const after = await ctx.run(ctx.on.relationChanged(certs, { remoteUnit: 0 }), {
      ...out,
      relations: emptied,
    });
    expect(issued(after, certs.id)).toEqual([]);
  });

  it("sends the CA certificate to a v1 requirer in its app bag", async () => {
    const send = relation({
      endpoint: "send-ca-cert",
      remoteAppName: "jimm",
      remoteAppData: { version: "1" },
    });
    const out = await ctx.run(
      ctx.on.relationChanged(send),
      state({ leader: true, relations: [send] }),
    );
    const bag = out.relations[0]!.localAppData;
    expect(bag.version).toBe("1");
    expect(JSON.parse(bag.certificates!)).toEqual([
      caSecret(out)!.latestContent["ca-certificate"]!.trim(),
    ]);
  });

  it("falls back to v0 unit data for a requirer that does not say version 1", async () => {
    const send = relation({ endpoint: "send-ca-cert", remoteAppName: "legacy" });
    const out = await ctx.run(
      ctx.on.relationJoined(send, { remoteUnit: 0 }),
      state({ leader: true, relations: [send] }),
    );
    const unitBag = out.relations[0]!.localUnitData;
    const caPem = caSecret(out)!.latestContent["ca-certificate"]!.trim();
    expect(JSON.parse(unitBag.ca!)).toBe(caPem);
    expect(JSON.parse(unitBag.chain!)).toEqual([caPem]);
  });

  it("a new CA common name makes a new CA, revokes the old certificates and re-sends the CA", async () => {
    const certs = certificatesRelation();
    const send = relation({ endpoint: "send-ca-cert", remoteAppData: { version: "1" } });
    const first = await ctx.run(
      ctx.on.relationChanged(certs, { remoteUnit: 0 }),
      state({ leader: true, relations: [certs, send] }),
    );
    const oldCa = caSecret(first)!.latestContent["ca-certificate"]!;
    const out = await ctx.run(ctx.on.configChanged(), {
      ...first,
      config: { "ca-common-name": "rotated-ca" },
    });
    const newCa = caSecret(out)!.latestContent["ca-certificate"]!;
    expect(newCa).not.toBe(oldCa);
    expect(new X509Certificate(newCa).subject).toBe("CN=rotated-ca");
    expect(issued(out, certs.id).map((c) => c.revoked)).toEqual([true]);
    expect(
      JSON.parse(out.relations.find((r) => r.id === send.id)!.localAppData.certificates!),
    ).toEqual([newCa.trim()]);
    expect(ctx.logs.map((l) => l.message).join("\n")).toContain("revoking the certificates");

    // The next sync answers the same CSR again, now signed by the new CA.
    const later = await ctx.run(ctx.on.updateStatus(), out);
    const [entry] = issued(later, certs.id);
    expect(entry!.revoked).toBeUndefined();
    expect(
      new X509Certificate(entry!.certificate).verify(new X509Certificate(newCa).publicKey),
    ).toBe(true);
  });

  it("removes an old CA revision when Juju says nobody tracks it", async () => {
    const made = await ctx.run(ctx.on.install(), state({ leader: true }));
    await ctx.run(ctx.on.secretRemove(caSecret(made)!, 1), made);
    expect(ctx.removedSecretRevisions.map((r) => r.split("/").pop())).toEqual(["1"]);
  });

  it("a malformed CSR gives a clear blocked status and is not signed; the hook does not fail", async () => {
    const certs = certificatesRelation({
      certificate_signing_requests: JSON.stringify([
        {
          certificate_signing_request:
            "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----",
          ca: false,
        },
      ]),
    });
    const out = await ctx.run(
      ctx.on.relationChanged(certs, { remoteUnit: 0 }),
      state({ leader: true, relations: [certs] }),
    );
    expect(issued(out, certs.id)).toEqual([]);
    expect(out.unitStatus.status).toBe("blocked");
    expect(out.unitStatus.message).toMatch(
      new RegExp(
        `^certificates:${certs.id}: invalid tls-certificates data from openfga/0: "certificate_signing_requests\\[0\\]" is not a valid CSR`,
      ),
    );
  });

  it("a bag that is not JSON is reported the same way", async () => {
    const certs = certificatesRelation({ certificate_signing_requests: "not json" });
    const out = await ctx.run(
      ctx.on.relationChanged(certs, { remoteUnit: 0 }),
      state({ leader: true, relations: [certs] }),
    );
    expect(out.unitStatus.status).toBe("blocked");
    expect(out.unitStatus.message).toContain('"certificate_signing_requests"');
  });

  it("refuses validities that break the real charm's rule, and leaves CSRs pending", async () => {
    const certs = certificatesRelation();
    const out = await ctx.run(
      ctx.on.relationChanged(certs, { remoteUnit: 0 }),
      state({ leader: true, relations: [certs], config: { "certificate-validity": 200 } }),
    );
    expect(out.unitStatus).toEqual({
      status: "blocked",
      message:
        "certificate-validity (200) must be at most half of root-ca-validity (365); run `juju config` to fix it",
    });
    expect(issued(out, certs.id)).toEqual([]);
    expect(caSecret(out)).toBeUndefined();
  });

  it("honours validity-unit", async () => {
    const certs = certificatesRelation();
    const out = await ctx.run(
      ctx.on.relationChanged(certs, { remoteUnit: 0 }),
      state({
        leader: true,
        relations: [certs],
        config: { "validity-unit": "hours", "certificate-validity": 2, "root-ca-validity": 24 },
      }),
    );
    const leaf = new X509Certificate(issued(out, certs.id)[0]!.certificate);
    const hours = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / 3_600_000;
    expect(Math.round(hours)).toBe(2);
  });

  it("a non-leader makes no CA and writes nothing", async () => {
    const certs = certificatesRelation();
    const out = await ctx.run(
      ctx.on.relationChanged(certs, { remoteUnit: 0 }),
      state({ relations: [certs] }),
    );
    expect(out.secrets).toEqual([]);
    expect(out.relations[0]!.localAppData).toEqual({});
    expect(out.unitStatus).toEqual({ status: "active", message: "" });
  });

  it("get-ca-certificate returns the CA; rotate-private-key replaces it", async () => {
    const made = await ctx.run(ctx.on.install(), state({ leader: true }));
    const caPem = caSecret(made)!.latestContent["ca-certificate"]!;
    await ctx.run(ctx.on.action("get-ca-certificate"), made);
    expect(ctx.actionResults["ca-certificate"]).toBe(caPem);
    const rotated = await ctx.run(ctx.on.action("rotate-private-key"), made);
    expect(caSecret(rotated)!.latestContent["ca-certificate"]).not.toBe(caPem);
    expect(caSecret(rotated)!.latestContent["private-key"]).not.toBe(
      caSecret(made)!.latestContent["private-key"],
    );
    await expect(
      ctx.run(ctx.on.action("rotate-private-key"), { ...made, leader: false }),
    ).rejects.toThrow(ActionFailed);
  });
});
