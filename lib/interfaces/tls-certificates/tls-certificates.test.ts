// Unit tests of tls-certificates: the DER/X.509 helpers, the data model, and the requirer and
// provider in tiny charms run by lib/testing. Bags we write are checked against the published
// schema; the private key must never appear in a bag, a log line or a status.
import { spawnSync } from "node:child_process";
import { beforeEach, describe, expect, it } from "vitest";
import { CharmBase, type CharmContext } from "../../ops/charm.js";
import type { CollectStatusEvent } from "../../ops/framework/juju-events.js";
import { CharmMeta } from "../../ops/metadata.js";
import { ActiveStatus } from "../../ops/model/status.js";
import {
  type AnyRelation,
  Context,
  type RelationState,
  type State,
  relation,
  state,
} from "../../testing/index.js";
import { InterfaceDataError } from "../common/databag.js";
import { leaks, schemaErrors, withoutJujuKeys } from "../common/schema-check.js";
import {
  type CertificateAvailableEvent,
  type CertificateDeniedEvent,
  type CertificateRequestAttributes,
  LIBID,
  type ProviderCertificate,
  TlsCertificatesProvider,
  TlsCertificatesRequirer,
  certificateInfo,
  csrMatchesKey,
  generateCaCertificate,
  generateCsr,
  generatePrivateKey,
  parseCsr,
  parseProviderBag,
  parseRequirerBag,
  pyJsonDumps,
  renderProviderBag,
  renderRequirerBag,
  signCsr,
} from "./index.js";

const src = {
  interfaceName: "tls-certificates",
  relation: "certificates:6",
  owner: "self-signed-certificates",
};
const CA_KEY = generatePrivateKey();
const CA = generateCaCertificate(CA_KEY, { commonName: "test CA" });
const OTHER_KEY = generatePrivateKey();

// The schema's Certificate requires three fields the real library leaves out when unset
// (`chain` is always written by us; `revoked` only once revoked; `recommended_expiry_notification_time`
// is not in the v4 library at all). Validate everything else.
const relaxCertificate = (schema: Record<string, unknown>): void => {
  const defs = schema.$defs as Record<string, { required?: string[] }>;
  const cert = defs.Certificate!;
  cert.required = cert.required!.filter(
    (k) => !["revoked", "recommended_expiry_notification_time"].includes(k),
  );
};

describe("x509", () => {
  it("makes CSRs that carry the requested subject and SANs, and certificates that chain to the CA", () => {
    const key = generatePrivateKey();
    const csr = generateCsr(key, {
      commonName: "openfga.m.svc.cluster.local",
      sansDns: ["openfga.m.svc.cluster.local"],
      sansIp: ["127.0.0.1", "::1"],
      organization: "Canonical",
    });
    expect(csr.startsWith("-----BEGIN CERTIFICATE REQUEST-----\n")).toBe(true);
    expect(
      csr
        .split("\n")
        .slice(1, -1)
        .every((l) => l.length <= 64),
    ).toBe(true);
    const info = parseCsr(csr);
    expect(info).toMatchObject({
      commonName: "openfga.m.svc.cluster.local",
      organization: "Canonical",
      hasUniqueId: true,
      sansDns: ["openfga.m.svc.cluster.local"],
      sansIp: ["127.0.0.1", "::1"],
    });
    const cert = signCsr({ csr, caCertificate: CA, caPrivateKey: CA_KEY, validityDays: 30 });
    expect(certificateInfo(cert)).toMatchObject({
      commonName: "openfga.m.svc.cluster.local",
      isCa: false,
    });
    expect(certificateInfo(CA).isCa).toBe(true);
  });

  it("rejects a CSR whose signature does not verify", () => {
    const csr = generateCsr(generatePrivateKey(), { commonName: "x" });
    const body = csr.split("\n");
    body[3] = body[3]!.slice(0, 10) + (body[3]![10] === "A" ? "B" : "A") + body[3]!.slice(11);
    expect(() => parseCsr(body.join("\n"))).toThrow();
  });
});

// The Python library compares CSRs and certificates by their PEM as Python's `cryptography`
// re-serialises it, and self-signed-certificates echoes that text back: ours must be identical.
const hasPyCrypto = spawnSync("python3", ["-c", "import cryptography"]).status === 0;
const PY_CHECK = `
import json, sys
from cryptography import x509
from cryptography.hazmat.primitives import serialization
d = json.load(sys.stdin)
pem = serialization.Encoding.PEM
csr = x509.load_pem_x509_csr(d["csr"].encode())
key = serialization.load_pem_private_key(d["key"].encode(), None)
cert = x509.load_pem_x509_certificate(d["cert"].encode())
cert.verify_directly_issued_by(x509.load_pem_x509_certificate(d["ca"].encode()))
san = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
print(json.dumps({
  "csrValid": csr.is_signature_valid,
  "csrSame": csr.public_bytes(pem).decode().strip() == d["csr"],
  "keySame": key.private_bytes(pem, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()).decode().strip() == d["key"],
  "certSame": cert.public_bytes(pem).decode().strip() == d["cert"],
  "dns": san.get_values_for_type(x509.DNSName),
  "ips": [str(i) for i in san.get_values_for_type(x509.IPAddress)],
  "json": json.dumps(d["sample"]),
}))
`;

describe.skipIf(!hasPyCrypto)("cross-check with Python's cryptography and json", () => {
  it("reads our key, CSR and certificate, re-serialises them to the same text, and dumps JSON as we do", () => {
    const key = generatePrivateKey();
    const csr = generateCsr(key, {
      commonName: "openfga.m.svc.cluster.local",
      sansDns: ["openfga.m.svc.cluster.local"],
      sansIp: ["127.0.0.1", "fd00::1"],
    });
    const cert = signCsr({ csr, caCertificate: CA, caPrivateKey: CA_KEY, validityDays: 90 });
    const sample = { a: [1, true, null, 'é\n"/\u007f😀'], b: {} };
    const res = spawnSync("python3", ["-c", PY_CHECK], {
      input: JSON.stringify({ key, csr, cert, ca: CA, sample }),
      encoding: "utf8",
    });
    expect(res.stderr).toBe("");
    expect(JSON.parse(res.stdout)).toEqual({
      csrValid: true,
      csrSame: true,
      keySame: true,
      certSame: true,
      dns: ["openfga.m.svc.cluster.local"],
      ips: ["127.0.0.1", "fd00::1"],
      json: pyJsonDumps(sample),
    });
  });
});

describe("data model", () => {
  it("writes CSRs as the library does, and no key at all without CSRs", () => {
    expect(renderRequirerBag([])).toEqual({});
    expect(
      renderRequirerBag([
        {
          certificateSigningRequest:
            "-----BEGIN CERTIFICATE REQUEST-----\nA\n-----END CERTIFICATE REQUEST-----\n",
          ca: false,
        },
      ]),
    ).toEqual({
      certificate_signing_requests:
        '[{"certificate_signing_request": "-----BEGIN CERTIFICATE REQUEST-----\\nA\\n-----END CERTIFICATE REQUEST-----", "ca": false}]',
    });
  });

  it("leaves out empty lists and unset revoked in the provider bag", () => {
    expect(renderProviderBag({ certificates: [], requestErrors: [] })).toEqual({});
    const c: ProviderCertificate = {
      ca: CA,
      certificateSigningRequest: "csr",
      certificate: "cert",
      chain: ["cert", CA],
    };
    expect(
      JSON.parse(renderProviderBag({ certificates: [c], requestErrors: [] }).certificates!),
    ).toEqual([
      { ca: CA, certificate_signing_request: "csr", certificate: "cert", chain: ["cert", CA] },
    ]);
  });

  it("reads request errors under both CSR field names", () => {
    const csr = "-----BEGIN CERTIFICATE REQUEST-----\nA\n-----END CERTIFICATE REQUEST-----";
    const error = { code: 102, name: "domain_not_allowed", message: "domain not allowed" };
    for (const key of ["csr", "certificate_signing_request"]) {
      const d = parseProviderBag({ request_errors: JSON.stringify([{ [key]: csr, error }]) }, src);
      expect(d.requestErrors).toEqual([{ certificateSigningRequest: csr, error }]);
    }
  });

  it.each([
    [{ certificates: "{" }, '"certificates" is not valid JSON'],
    [{ certificates: "{}" }, '"certificates" should be a JSON list'],
    [{ certificates: '[{"ca": "x"}]' }, '"certificates[0].ca" should be PEM text'],
    [
      {
        certificates: JSON.stringify([
          {
            ca: CA,
            certificate_signing_request:
              "-----BEGIN CERTIFICATE REQUEST-----\nA\n-----END CERTIFICATE REQUEST-----",
            certificate: CA,
            revoked: "yes",
          },
        ]),
      },
      '"certificates[0].revoked" should be true or false',
    ],
    [
      { request_errors: '[{"csr": "x", "error": {}}]' },
      '"request_errors[0].error" should be {code, name, message}',
    ],
    [{ capabilities: "[]" }, '"capabilities" should be a JSON object'],
  ])("rejects provider data %j", (bag, message) => {
    expect(() => parseProviderBag(bag, src)).toThrow(InterfaceDataError);
    expect(() => parseProviderBag(bag, src)).toThrow(message);
  });

  it("rejects requirer data that is not a CSR list", () => {
    expect(() =>
      parseRequirerBag(
        { certificate_signing_requests: '[{"certificate_signing_request": "x", "ca": false}]' },
        src,
      ),
    ).toThrow(/PEM certificate signing request/);
  });
});

// ---- requirer

const FQDN = "openfga-k8s.m.svc.cluster.local";
let wanted: CertificateRequestAttributes[] = [];
let clock = new Date();
let mode: "unit" | "app" = "unit";
const events: string[] = [];

class OpenFgaCharm extends CharmBase {
  readonly tls: TlsCertificatesRequirer;
  constructor(ctx: CharmContext) {
    super(ctx);
    this.tls = new TlsCertificatesRequirer(
      this,
      "certificates",
      { requests: () => wanted, mode },
      () => clock,
    );
    this.observe(
      this.tls.on.certificateAvailable,
      (e: CertificateAvailableEvent) =>
        void events.push(`available:${certificateInfo(e.certificate).commonName}`),
    );
    this.observe(this.tls.on.certificateRevoked, () => void events.push("revoked"));
    this.observe(
      this.tls.on.certificateDenied,
      (e: CertificateDeniedEvent) => void events.push(`denied:${e.code}`),
    );
    this.observe(this.tls.on.certificatesRemoved, () => void events.push("removed"));
    this.observe(this.on.collectUnitStatus, this.collect);
  }
  collect(event: CollectStatusEvent): void {
    const certs = this.tls.assignedCertificates();
    event.addStatus(
      this.tls.status() ??
        new ActiveStatus(
          certs.length ? `serving ${certificateInfo(certs[0]!.certificate).commonName}` : "",
        ),
    );
  }
}

const reqCtx = new Context(OpenFgaCharm, {
  appName: "openfga-k8s",
  meta: CharmMeta.fromDocuments({
    name: "openfga-k8s",
    requires: { certificates: { interface: "tls-certificates", limit: 1 } },
  }),
});

function sscRelation(remoteAppData: Record<string, string>, from?: AnyRelation): RelationState {
  return relation({
    endpoint: "certificates",
    id: 6,
    remoteAppName: "self-signed-certificates",
    remoteAppData,
    ...(from ? { localUnitData: from.localUnitData, localAppData: from.localAppData } : {}),
  });
}

function ourCsrs(out: State, bag: "unit" | "app" = "unit"): string[] {
  const r = out.relations[0]!;
  return parseRequirerBag(bag === "unit" ? r.localUnitData : r.localAppData, src).map(
    (c) => c.certificateSigningRequest,
  );
}

function keyOf(out: State): string {
  return out.secrets.find((s) => s.label?.startsWith(`${LIBID}-private-key-`))!.latestContent[
    "private-key"
  ]!;
}

function issue(
  csr: string,
  opts: { validityDays?: number; revoked?: boolean; csrText?: string } = {},
): Record<string, string> {
  const certificate = signCsr({
    csr,
    caCertificate: CA,
    caPrivateKey: CA_KEY,
    validityDays: opts.validityDays ?? 90,
  });
  return renderProviderBag({
    certificates: [
      {
        ca: CA,
        certificateSigningRequest: opts.csrText ?? csr,
        certificate,
        chain: [certificate, CA],
        ...(opts.revoked ? { revoked: true } : {}),
      },
    ],
    requestErrors: [],
  });
}

async function requested(leader = false): Promise<State> {
  const rel = sscRelation({});
  return reqCtx.run(reqCtx.on.relationCreated(rel), state({ leader, relations: [rel] }));
}

describe("TlsCertificatesRequirer", () => {
  beforeEach(() => {
    events.length = 0;
    clock = new Date();
    mode = "unit";
    wanted = [{ commonName: FQDN, sansDns: [FQDN], sansIp: ["127.0.0.1", "0.0.0.0"] }];
  });

  it("keeps its key in a unit-owned secret and sends one CSR in its unit bag, schema-valid", async () => {
    const out = await requested();
    const key = out.secrets.find((s) => s.label === `${LIBID}-private-key-0-certificates`)!;
    expect(key.owner).toBe("unit");
    const csrs = ourCsrs(out);
    expect(csrs).toHaveLength(1);
    expect(parseCsr(csrs[0]!)).toMatchObject({
      commonName: FQDN,
      sansDns: [FQDN],
      sansIp: ["127.0.0.1", "0.0.0.0"],
    });
    expect(out.relations[0]!.localAppData).toEqual({});
    expect(
      schemaErrors("tls_certificates/v1/requirer.json", {
        unit: withoutJujuKeys(out.relations[0]!.localUnitData),
      }),
    ).toEqual([]);
    expect(leaks({ ...out, logs: reqCtx.logs }, [keyOf(out), keyOf(out).split("\n")[1]!])).toEqual(
      [],
    );
    expect(out.unitStatus).toEqual({
      status: "waiting",
      message: "certificates: waiting for certificates",
    });
    // Stable: another hook keeps the same key and CSR.
    const again = await reqCtx.run(reqCtx.on.relationChanged(out.relations[0]!), out);
    expect(ourCsrs(again)).toEqual(csrs);
    expect(keyOf(again)).toBe(keyOf(out));
  });

  it("uses the certificate issued for its exact CSR text and announces it once", async () => {
    const out = await requested();
    const csr = ourCsrs(out)[0]!;
    const rel = sscRelation(issue(csr), out.relations[0]!);
    const got = await reqCtx.run(reqCtx.on.relationChanged(rel), { ...out, relations: [rel] });
    expect(got.unitStatus).toEqual({ status: "active", message: `serving ${FQDN}` });
    await reqCtx.run(reqCtx.on.relationChanged(rel), got);
    expect(events).toEqual([`available:${FQDN}`]);
  });

  it("ignores a certificate whose CSR text differs, or that does not match its key", async () => {
    const out = await requested();
    const csr = ourCsrs(out)[0]!;
    const rewrapped = csr.replace(/\n/g, "\r\n");
    const rel = sscRelation(issue(csr, { csrText: rewrapped }), out.relations[0]!);
    const got = await reqCtx.run(reqCtx.on.relationChanged(rel), { ...out, relations: [rel] });
    expect(got.unitStatus.status).toBe("waiting");
    const foreign = generateCsr(OTHER_KEY, wanted[0]!);
    const rel2 = sscRelation(issue(foreign, { csrText: csr }), out.relations[0]!);
    const got2 = await reqCtx.run(reqCtx.on.relationChanged(rel2), { ...out, relations: [rel2] });
    expect(got2.unitStatus.status).toBe("waiting");
    expect(events).toEqual([]);
  });

  it("stops using a revoked certificate, announces it once and asks again with a fresh CSR", async () => {
    const out = await requested();
    const csr = ourCsrs(out)[0]!;
    const rel = sscRelation(issue(csr), out.relations[0]!);
    const got = await reqCtx.run(reqCtx.on.relationChanged(rel), { ...out, relations: [rel] });
    const revokedBag = {
      certificates: JSON.stringify(
        JSON.parse(rel.remoteAppData.certificates!).map((c: object) => ({ ...c, revoked: true })),
      ),
    };
    const revoked = sscRelation(revokedBag, got.relations[0]!);
    const after = await reqCtx.run(reqCtx.on.relationChanged(revoked), {
      ...got,
      relations: [revoked],
    });
    expect(events).toEqual([`available:${FQDN}`, "revoked"]);
    expect(after.unitStatus).toEqual({
      status: "waiting",
      message: "certificates: waiting for certificates",
    });
    // A provider that revokes without re-issuing hears of us again: a new CSR, same key.
    const [fresh] = ourCsrs(after);
    expect(ourCsrs(after)).toHaveLength(1);
    expect(fresh).not.toBe(csr);
    expect(csrMatchesKey(fresh!, keyOf(after))).toBe(true);
    expect(keyOf(after)).toBe(keyOf(got));
    // The revoked entry still on the wire changes nothing more.
    const stale = sscRelation(revokedBag, after.relations[0]!);
    const again = await reqCtx.run(reqCtx.on.relationChanged(stale), {
      ...after,
      relations: [stale],
    });
    expect(ourCsrs(again)).toEqual([fresh]);
    expect(events).toEqual([`available:${FQDN}`, "revoked"]);
    // The provider answers the new CSR (and drops the old one): ready again.
    const reissued = sscRelation(issue(fresh!), again.relations[0]!);
    const done = await reqCtx.run(reqCtx.on.relationChanged(reissued), {
      ...again,
      relations: [reissued],
    });
    expect(done.unitStatus).toEqual({ status: "active", message: `serving ${FQDN}` });
    expect(events).toEqual([`available:${FQDN}`, "revoked", `available:${FQDN}`]);
  });

  it("keeps its CSR when the provider revokes and re-issues for it in one go", async () => {
    const out = await requested();
    const csr = ourCsrs(out)[0]!;
    const rel = sscRelation(issue(csr), out.relations[0]!);
    const got = await reqCtx.run(reqCtx.on.relationChanged(rel), { ...out, relations: [rel] });
    const reissued = sscRelation(issue(csr), got.relations[0]!);
    const after = await reqCtx.run(reqCtx.on.relationChanged(reissued), {
      ...got,
      relations: [reissued],
    });
    expect(ourCsrs(after)).toEqual([csr]);
    expect(after.unitStatus.status).toBe("active");
    expect(events).toEqual([`available:${FQDN}`, `available:${FQDN}`]);
  });

  it("renews at 90% of the certificate's life with a fresh CSR (update-status)", async () => {
    const out = await requested();
    const csr = ourCsrs(out)[0]!;
    const rel = sscRelation(issue(csr, { validityDays: 10 }), out.relations[0]!);
    const got = await reqCtx.run(reqCtx.on.relationChanged(rel), { ...out, relations: [rel] });
    clock = new Date(Date.now() + 8 * 86_400_000);
    const early = await reqCtx.run(reqCtx.on.updateStatus(), got);
    expect(ourCsrs(early)).toEqual([csr]);
    clock = new Date(Date.now() + 9.5 * 86_400_000);
    const due = await reqCtx.run(reqCtx.on.updateStatus(), early);
    expect(ourCsrs(due)).toHaveLength(1);
    expect(ourCsrs(due)[0]).not.toBe(csr);
    expect(due.unitStatus.status).toBe("waiting");
  });

  it("replaces its CSR when the wanted certificate changes", async () => {
    const out = await requested();
    const csr = ourCsrs(out)[0]!;
    wanted = [{ commonName: FQDN, sansDns: [FQDN, "openfga.example.com"] }];
    const after = await reqCtx.run(reqCtx.on.configChanged(), out);
    expect(ourCsrs(after)).toHaveLength(1);
    expect(ourCsrs(after)[0]).not.toBe(csr);
    expect([...parseCsr(ourCsrs(after)[0]!).sansDns].sort()).toEqual(
      [FQDN, "openfga.example.com"].sort(),
    );
  });

  it("reports a refused request (both error field spellings) as blocked", async () => {
    const out = await requested();
    const csr = ourCsrs(out)[0]!;
    for (const key of ["csr", "certificate_signing_request"]) {
      events.length = 0;
      const rel = sscRelation(
        {
          request_errors: pyJsonDumps([
            {
              [key]: csr,
              error: { code: 101, name: "ip_not_allowed", message: "IP addresses are not allowed" },
            },
          ]),
        },
        out.relations[0]!,
      );
      const got = await reqCtx.run(reqCtx.on.relationChanged(rel), { ...out, relations: [rel] });
      expect(events).toEqual(["denied:101"]);
      expect(got.unitStatus).toEqual({
        status: "blocked",
        message: "certificates: certificate request refused: IP addresses are not allowed",
      });
    }
  });

  it("blocks with a precise message on malformed provider data, keeping its CSR", async () => {
    const out = await requested();
    const rel = sscRelation({ certificates: '[{"ca": 1}]' }, out.relations[0]!);
    const got = await reqCtx.run(reqCtx.on.relationChanged(rel), { ...out, relations: [rel] });
    expect(got.unitStatus).toEqual({
      status: "blocked",
      message:
        'invalid tls-certificates data from self-signed-certificates: "certificates[0].ca" should be PEM text',
    });
    expect(ourCsrs(got)).toEqual(ourCsrs(out));
  });

  it("blocks instead of crashing when the wanted certificate is invalid (say, from config)", async () => {
    wanted = [{ commonName: FQDN, sansIp: ["not-an-ip"] }];
    const out = await requested();
    expect(out.unitStatus).toEqual({
      status: "blocked",
      message: 'certificates: cannot request a certificate for "not-an-ip": not an IP address',
    });
    expect(ourCsrs(out)).toEqual([]);
  });

  it("removes its key and announces removal on relation-broken", async () => {
    const out = await requested();
    const broken = await reqCtx.run(reqCtx.on.relationBroken(out.relations[0]!), out);
    expect(events).toEqual(["removed"]);
    expect(broken.secrets).toEqual([]);
    expect(broken.unitStatus).toEqual({ status: "active", message: "" });
  });

  it("in app mode only the leader makes the app key and writes the CSR in the app bag", async () => {
    mode = "app";
    const follower = await requested(false);
    expect(follower.secrets).toEqual([]);
    expect(withoutJujuKeys(follower.relations[0]!.localUnitData)).toEqual({});
    const leader = await requested(true);
    expect(
      leader.secrets.find((s) => s.label === `${LIBID}-private-key-app-certificates`)?.owner,
    ).toBe("app");
    expect(ourCsrs(leader, "app")).toHaveLength(1);
    expect(
      schemaErrors("tls_certificates/v1/requirer.json", { app: leader.relations[0]!.localAppData }),
    ).toEqual([]);
  });
});

// ---- provider

let issuing = true;

class CaCharm extends CharmBase {
  readonly tls: TlsCertificatesProvider;
  constructor(ctx: CharmContext) {
    super(ctx);
    this.tls = new TlsCertificatesProvider(this, "certificates", {
      issue: (req) => {
        if (!issuing) return undefined;
        if (parseCsr(req.csr).commonName.endsWith(".forbidden")) {
          return {
            error: { code: 102, name: "domain_not_allowed", message: "domain not allowed" },
          };
        }
        return {
          certificate: signCsr({
            csr: req.csr,
            caCertificate: CA,
            caPrivateKey: CA_KEY,
            validityDays: 90,
          }),
          ca: CA,
        };
      },
      capabilities: { supportsIpSans: true, providerType: "self-signed" },
    });
    this.observe(this.on.configChanged, () => this.tls.revokeAll());
  }
}

const provCtx = new Context(CaCharm, {
  meta: CharmMeta.fromDocuments({
    name: "self-signed-certificates",
    provides: { certificates: { interface: "tls-certificates" } },
  }),
});

const unitCsr = generateCsr(OTHER_KEY, { commonName: "jimm-0.jimm.m.svc.cluster.local" });
const appCsr = generateCsr(OTHER_KEY, { commonName: "jimm.m.svc.cluster.local" });
const badCsr = generateCsr(OTHER_KEY, { commonName: "x.forbidden" });

function jimmRelation(
  units: Record<number, Record<string, string>>,
  app: Record<string, string> = {},
): RelationState {
  return relation({
    endpoint: "certificates",
    id: 8,
    remoteAppName: "jimm",
    remoteAppData: app,
    remoteUnitsData: units,
  });
}

describe("TlsCertificatesProvider", () => {
  beforeEach(() => {
    issuing = true;
  });

  it("issues for every unit and app CSR, reports errors under `csr`, advertises capabilities, schema-valid", async () => {
    const rel = jimmRelation(
      {
        0: renderRequirerBag([{ certificateSigningRequest: unitCsr, ca: false }]),
        1: renderRequirerBag([{ certificateSigningRequest: badCsr, ca: false }]),
      },
      renderRequirerBag([{ certificateSigningRequest: appCsr, ca: false }]),
    );
    const out = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    const bag = out.relations[0]!.localAppData;
    const d = parseProviderBag(bag, src);
    expect(d.certificates.map((c) => certificateInfo(c.certificate).commonName).sort()).toEqual([
      "jimm-0.jimm.m.svc.cluster.local",
      "jimm.m.svc.cluster.local",
    ]);
    expect(d.certificates[0]!.chain![0]).toBe(d.certificates[0]!.certificate);
    expect(JSON.parse(bag.request_errors!)).toEqual([
      {
        csr: badCsr,
        error: { code: 102, name: "domain_not_allowed", message: "domain not allowed" },
      },
    ]);
    expect(JSON.parse(bag.capabilities!)).toEqual({
      supports_ip_sans: true,
      provider_type: "self-signed",
    });
    expect(
      schemaErrors("tls_certificates/v1/provider.json", { app: bag }, { relax: relaxCertificate }),
    ).toEqual([]);
  });

  it("drops the certificate of a CSR no longer requested", async () => {
    const rel = jimmRelation({
      0: renderRequirerBag([{ certificateSigningRequest: unitCsr, ca: false }]),
    });
    const out = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    expect(parseProviderBag(out.relations[0]!.localAppData, src).certificates).toHaveLength(1);
    const gone = jimmRelation({ 0: {} });
    const after = await provCtx.run(provCtx.on.relationChanged(gone), {
      ...out,
      relations: [{ ...gone, localAppData: out.relations[0]!.localAppData }],
    });
    expect(after.relations[0]!.localAppData).toEqual({
      capabilities: '{"supports_ip_sans": true, "provider_type": "self-signed"}',
    });
  });

  it("marks everything revoked on revokeAll, then re-issues for the same CSR", async () => {
    const rel = jimmRelation({
      0: renderRequirerBag([{ certificateSigningRequest: unitCsr, ca: false }]),
    });
    const out = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    issuing = false;
    const revoked = await provCtx.run(provCtx.on.configChanged(), out);
    const d = parseProviderBag(revoked.relations[0]!.localAppData, src);
    expect(d.certificates.map((c) => c.revoked)).toEqual([true]);
    expect(
      schemaErrors(
        "tls_certificates/v1/provider.json",
        { app: revoked.relations[0]!.localAppData },
        { relax: relaxCertificate },
      ),
    ).toEqual([]);
    issuing = true;
    const reissued = await provCtx.run(provCtx.on.updateStatus(), revoked);
    const d2 = parseProviderBag(reissued.relations[0]!.localAppData, src);
    expect(d2.certificates).toHaveLength(1);
    expect(d2.certificates[0]!.revoked).toBeUndefined();
    expect(d2.certificates[0]!.certificate).not.toBe(d.certificates[0]!.certificate);
  });

  it("refuses a CSR whose signature does not verify, and issues the others", async () => {
    const lines = unitCsr.split("\n");
    lines[4] = lines[4]!.slice(0, 20) + (lines[4]![20] === "A" ? "B" : "A") + lines[4]!.slice(21);
    const forged = lines.join("\n");
    const rel = jimmRelation({
      0: renderRequirerBag([{ certificateSigningRequest: forged, ca: false }]),
      1: renderRequirerBag([{ certificateSigningRequest: appCsr, ca: false }]),
    });
    const out = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    const d = parseProviderBag(out.relations[0]!.localAppData, src);
    expect(d.certificates.map((c) => c.certificateSigningRequest)).toEqual([appCsr]);
  });

  it("skips a malformed requirer bag without failing, and a non-leader writes nothing", async () => {
    const rel = jimmRelation({
      0: { certificate_signing_requests: "not json" },
      1: renderRequirerBag([{ certificateSigningRequest: unitCsr, ca: false }]),
    });
    const out = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    expect(parseProviderBag(out.relations[0]!.localAppData, src).certificates).toHaveLength(1);
    const follower = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: false, relations: [rel] }),
    );
    expect(follower.relations[0]!.localAppData).toEqual({});
  });
});
