/**
 * Private keys, certificate signing requests and certificates with `node:crypto` and a small DER
 * writer: what a tls-certificates requirer needs (an RSA key, a PKCS #10 request, checking an
 * issued certificate) and what a provider or a test CA needs (reading a request, issuing a
 * certificate). PEM text is written as Python's `cryptography` writes it (64-character lines),
 * and trimmed, as the Python library compares it.
 *
 * @example
 * ```ts
 * const key = generatePrivateKey();
 * const csr = generateCsr(key, { commonName: "openfga.m.svc.cluster.local", sansIp: ["127.0.0.1"] });
 * const ca = generateCaCertificate(caKey, { commonName: "test CA" });
 * const cert = signCsr({ csr, caCertificate: ca, caPrivateKey: caKey, validityDays: 90 });
 * certificateMatchesKey(cert, key); // true
 * ```
 */
import {
  X509Certificate,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  sign,
  verify,
} from "node:crypto";
import {
  DerError,
  type DerNode,
  bits,
  bool,
  ctx,
  ctxPrim,
  fromPem,
  ia5,
  int,
  nul,
  octets,
  oid,
  oidString,
  printable,
  readDer,
  seq,
  set,
  time,
  toPem,
  utf8,
} from "./der.js";
import { isIP } from "node:net";

/**
 * What a certificate request asks for; the same fields as the Python library's attributes.
 *
 * @example
 * ```ts
 * const want: CertificateRequestAttributes = { commonName: fqdn, sansDns: [fqdn], sansIp: ["127.0.0.1"] };
 * ```
 */
export interface CertificateRequestAttributes {
  commonName: string;
  sansDns?: readonly string[];
  sansIp?: readonly string[];
  sansOid?: readonly string[];
  organization?: string;
  organizationalUnit?: string;
  emailAddress?: string;
  countryName?: string;
  stateOrProvinceName?: string;
  localityName?: string;
  /** Whether a CA certificate is requested. */
  isCa?: boolean;
  /**
   * Adds a random x500UniqueIdentifier to the subject, as the Python library does by default, so
   * that every request is distinct. Default true.
   */
  addUniqueId?: boolean;
}

/**
 * The parts of a CSR that matter for matching and issuing.
 *
 * @example
 * ```ts
 * const info: CsrInfo = parseCsr(csr); info.sansDns;
 * ```
 */
export interface CsrInfo extends SubjectInfo {
  sansDns: string[];
  sansIp: string[];
  sansOid: string[];
  /** The DER-encoded Name of the subject, reused as is when issuing. */
  subjectDer: Buffer;
  /** The DER-encoded SubjectPublicKeyInfo. */
  publicKeyDer: Buffer;
}

/**
 * A key, CSR or certificate that cannot be read.
 *
 * @example
 * ```ts
 * try { parseCsr(text); } catch (e) { if (e instanceof X509Error) reject(e.message); }
 * ```
 */
export class X509Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = "X509Error";
  }
}

const OID = {
  commonName: "2.5.4.3",
  countryName: "2.5.4.6",
  localityName: "2.5.4.7",
  stateOrProvinceName: "2.5.4.8",
  organization: "2.5.4.10",
  organizationalUnit: "2.5.4.11",
  uniqueId: "2.5.4.45",
  emailAddress: "1.2.840.113549.1.9.1",
  extensionRequest: "1.2.840.113549.1.9.14",
  sha256WithRsa: "1.2.840.113549.1.1.11",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectKeyId: "2.5.29.14",
  authorityKeyId: "2.5.29.35",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
} as const;

const SIG_ALG = seq(oid(OID.sha256WithRsa), nul());

/**
 * A new RSA private key, PEM in the traditional `RSA PRIVATE KEY` form that the Python library
 * stores. Never log it or put it in relation data.
 *
 * @example
 * ```ts
 * const key = generatePrivateKey(); // "-----BEGIN RSA PRIVATE KEY-----\n..."
 * ```
 */
export function generatePrivateKey(modulusLength = 2048): string {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength, publicExponent: 0x10001 });
  return (privateKey.export({ format: "pem", type: "pkcs1" }) as string).trim();
}

function spkiOfPrivateKey(privateKeyPem: string): Buffer {
  try {
    return createPublicKey(createPrivateKey(privateKeyPem)).export({ format: "der", type: "spki" });
  } catch (e) {
    throw new X509Error(`not a readable private key: ${(e as Error).message}`);
  }
}

function name(attrs: CertificateRequestAttributes, uniqueId: string | undefined): Buffer {
  // One attribute per RDN, in the order Python's library writes them.
  const rdns: Buffer[] = [];
  const add = (type: string, value: Buffer): void => {
    rdns.push(set(seq(oid(type), value)));
  };
  if (attrs.commonName) add(OID.commonName, utf8(attrs.commonName));
  if (uniqueId !== undefined) add(OID.uniqueId, utf8(uniqueId));
  if (attrs.organization) add(OID.organization, utf8(attrs.organization));
  if (attrs.organizationalUnit) add(OID.organizationalUnit, utf8(attrs.organizationalUnit));
  if (attrs.emailAddress) add(OID.emailAddress, ia5(attrs.emailAddress));
  if (attrs.countryName) add(OID.countryName, printable(attrs.countryName));
  if (attrs.stateOrProvinceName) add(OID.stateOrProvinceName, utf8(attrs.stateOrProvinceName));
  if (attrs.localityName) add(OID.localityName, utf8(attrs.localityName));
  return seq(...rdns);
}

function ipBytes(ip: string): Buffer {
  const kind = isIP(ip);
  if (kind === 4) return Buffer.from(ip.split(".").map(Number));
  if (kind === 6) {
    const [head = "", tail = ""] = ip.split("::");
    const parse = (s: string): number[] => (s ? s.split(":").map((h) => parseInt(h, 16)) : []);
    const h = parse(head);
    const t = ip.includes("::") ? parse(tail) : [];
    const groups = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
    const out = Buffer.alloc(16);
    groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
    return out;
  }
  throw new X509Error(`"${ip}" is not an IP address`);
}

function ipText(b: Buffer): string {
  if (b.length === 4) return [...b].join(".");
  const groups: number[] = [];
  for (let i = 0; i + 1 < b.length; i += 2) groups.push(b.readUInt16BE(i));
  // The shortest form, as Python's ipaddress prints it: the longest run of two or more zero
  // groups becomes "::".
  let best = { at: -1, len: 0 };
  for (let i = 0; i < groups.length;) {
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > best.len && j - i >= 2) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = (gs: number[]): string => gs.map((g) => g.toString(16)).join(":");
  if (best.at < 0) return hex(groups);
  return `${hex(groups.slice(0, best.at))}::${hex(groups.slice(best.at + best.len))}`;
}

function sanExtension(
  dns: readonly string[],
  ips: readonly string[],
  oids: readonly string[],
): Buffer | undefined {
  const names = [
    ...oids.map((o) => ctxPrim(8, oid(o).subarray(2))),
    ...ips.map((ip) => ctxPrim(7, ipBytes(ip))),
    ...dns.map((d) => ctxPrim(2, Buffer.from(d, "ascii"))),
  ];
  if (names.length === 0) return undefined;
  return seq(oid(OID.subjectAltName), octets(seq(...names)));
}

/**
 * A PKCS #10 request for `attrs`, signed with `privateKeyPem` (SHA-256 with RSA), as trimmed PEM.
 *
 * @example
 * ```ts
 * const csr = generateCsr(key, { commonName: "jimm.example.com", sansDns: ["jimm.example.com"] });
 * ```
 */
export function generateCsr(privateKeyPem: string, attrs: CertificateRequestAttributes): string {
  const spki = spkiOfPrivateKey(privateKeyPem);
  const uniqueId = attrs.addUniqueId === false ? undefined : randomUUID();
  const san = sanExtension(attrs.sansDns ?? [], attrs.sansIp ?? [], attrs.sansOid ?? []);
  const attributes = san ? ctx(0, seq(oid(OID.extensionRequest), set(seq(san)))) : ctx(0);
  const info = seq(int(0n), name(attrs, uniqueId), spki, attributes);
  const signature = sign("sha256", info, createPrivateKey(privateKeyPem));
  return toPem("CERTIFICATE REQUEST", seq(info, SIG_ALG, bits(signature)));
}

function child(n: DerNode, i: number, what: string): DerNode {
  const c = n.children[i];
  if (!c) throw new X509Error(`malformed ${what}`);
  return c;
}

/**
 * Subject attributes a request can carry, as read back from a CSR.
 *
 * @example
 * ```ts
 * const s: SubjectInfo = parseCsr(csr); s.commonName;
 * ```
 */
export interface SubjectInfo {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  emailAddress?: string;
  countryName?: string;
  stateOrProvinceName?: string;
  localityName?: string;
  hasUniqueId: boolean;
}

const SUBJECT_FIELD: Record<string, keyof Omit<SubjectInfo, "hasUniqueId">> = {
  [OID.commonName]: "commonName",
  [OID.organization]: "organization",
  [OID.organizationalUnit]: "organizationalUnit",
  [OID.emailAddress]: "emailAddress",
  [OID.countryName]: "countryName",
  [OID.stateOrProvinceName]: "stateOrProvinceName",
  [OID.localityName]: "localityName",
};

function readName(nameNode: DerNode): SubjectInfo {
  const out: SubjectInfo = { commonName: "", hasUniqueId: false };
  for (const rdn of nameNode.children) {
    for (const atv of rdn.children) {
      const type = atv.children[0];
      const value = atv.children[1];
      if (!type || !value) continue;
      const t = oidString(type.content);
      if (t === OID.uniqueId) out.hasUniqueId = true;
      const field = SUBJECT_FIELD[t];
      if (field && !out[field]) out[field] = value.content.toString("utf8");
    }
  }
  return out;
}

function readSans(extnValue: Buffer): { dns: string[]; ip: string[]; oid: string[] } {
  const out = { dns: [] as string[], ip: [] as string[], oid: [] as string[] };
  for (const gn of readDer(extnValue).children) {
    if (gn.tag === 0x82) out.dns.push(gn.content.toString("ascii"));
    else if (gn.tag === 0x87) out.ip.push(ipText(gn.content));
    else if (gn.tag === 0x88) out.oid.push(oidString(gn.content));
  }
  return out;
}

/**
 * Reads a PEM CSR and checks its signature. Throws {@link X509Error} when it is not a valid
 * request.
 *
 * @example
 * ```ts
 * parseCsr(csr).sansIp; // ["127.0.0.1", "0.0.0.0"]
 * ```
 */
export function parseCsr(pem: string): CsrInfo {
  let root: DerNode;
  try {
    root = readDer(fromPem("CERTIFICATE REQUEST", pem));
  } catch (e) {
    throw new X509Error(`not a PEM certificate signing request: ${(e as Error).message}`);
  }
  const info = child(root, 0, "CSR");
  const subject = child(info, 1, "CSR subject");
  const spki = child(info, 2, "CSR public key");
  const signature = child(root, 2, "CSR signature");
  let publicKey;
  try {
    publicKey = createPublicKey({ key: spki.raw, format: "der", type: "spki" });
  } catch (e) {
    throw new X509Error(`CSR public key is unreadable: ${(e as Error).message}`);
  }
  if (!verify("sha256", info.raw, publicKey, signature.content.subarray(1))) {
    throw new X509Error("CSR signature does not verify");
  }
  const sans = { dns: [] as string[], ip: [] as string[], oid: [] as string[] };
  // attributes [0]: Attribute ::= SEQUENCE { type, values SET { Extensions } }
  for (const attr of info.children[3]?.children ?? []) {
    const type = attr.children[0];
    if (!type || oidString(type.content) !== OID.extensionRequest) continue;
    for (const ext of attr.children[1]?.children[0]?.children ?? []) {
      const extId = ext.children[0];
      const value = ext.children[ext.children.length - 1];
      if (!extId || !value || oidString(extId.content) !== OID.subjectAltName) continue;
      const parsed = readSans(value.content);
      sans.dns.push(...parsed.dns);
      sans.ip.push(...parsed.ip);
      sans.oid.push(...parsed.oid);
    }
  }
  return {
    ...readName(subject),
    sansDns: sans.dns,
    sansIp: sans.ip,
    sansOid: sans.oid,
    subjectDer: subject.raw,
    publicKeyDer: spki.raw,
  };
}

/**
 * Whether a CSR was made with this private key (same public key).
 *
 * @example
 * ```ts
 * csrMatchesKey(csr, key); // true
 * ```
 */
export function csrMatchesKey(csrPem: string, privateKeyPem: string): boolean {
  try {
    return parseCsr(csrPem).publicKeyDer.equals(spkiOfPrivateKey(privateKeyPem));
  } catch {
    return false;
  }
}

/**
 * What a requirer needs to know about an issued certificate.
 *
 * @example
 * ```ts
 * const info: CertificateInfo = certificateInfo(pem); info.notAfter;
 * ```
 */
export interface CertificateInfo {
  commonName: string;
  isCa: boolean;
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 fingerprint, `AB:CD:...`. */
  fingerprint: string;
}

/**
 * Reads a PEM certificate. Throws {@link X509Error} when it is not one.
 *
 * @example
 * ```ts
 * certificateInfo(pem).notAfter; // Date
 * ```
 */
export function certificateInfo(pem: string): CertificateInfo {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (e) {
    throw new X509Error(`not a PEM certificate: ${(e as Error).message}`);
  }
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1] ?? "";
  return {
    commonName: cn,
    isCa: cert.ca,
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    fingerprint: cert.fingerprint256,
  };
}

/**
 * Whether a certificate carries the public key of this private key.
 *
 * @example
 * ```ts
 * certificateMatchesKey(certificate, key); // true
 * ```
 */
export function certificateMatchesKey(certificatePem: string, privateKeyPem: string): boolean {
  try {
    return new X509Certificate(certificatePem).checkPrivateKey(createPrivateKey(privateKeyPem));
  } catch {
    return false;
  }
}

function keyId(spkiDer: Buffer): Buffer {
  // RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits.
  const spki = readDer(spkiDer);
  const keyBits = spki.children[1];
  if (!keyBits) throw new DerError("malformed SubjectPublicKeyInfo");
  return createHash("sha1").update(keyBits.content.subarray(1)).digest();
}

function serial(): bigint {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return BigInt(`0x${b.toString("hex")}`);
}

interface IssueParams {
  subjectDer: Buffer;
  publicKeyDer: Buffer;
  issuerDer: Buffer;
  issuerKeyDer: Buffer;
  issuerPrivateKeyPem: string;
  validityDays: number;
  isCa: boolean;
  san?: Buffer | undefined;
}

function issue(p: IssueParams): string {
  const now = new Date();
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(now.getTime() + p.validityDays * 86_400_000);
  const exts: Buffer[] = [
    seq(oid(OID.basicConstraints), bool(true), octets(p.isCa ? seq(bool(true)) : seq())),
    // digitalSignature + keyEncipherment for leaves; digitalSignature + keyCertSign + cRLSign for CAs.
    seq(oid(OID.keyUsage), bool(true), octets(p.isCa ? tlvBits(0x86, 1) : tlvBits(0xa0, 5))),
    seq(oid(OID.subjectKeyId), octets(octets(keyId(p.publicKeyDer)))),
    seq(oid(OID.authorityKeyId), octets(seq(ctxPrim(0, keyId(p.issuerKeyDer))))),
  ];
  if (!p.isCa)
    exts.push(seq(oid(OID.extKeyUsage), octets(seq(oid(OID.serverAuth), oid(OID.clientAuth)))));
  if (p.san) exts.push(p.san);
  const tbs = seq(
    ctx(0, int(2n)),
    int(serial()),
    SIG_ALG,
    p.issuerDer,
    seq(time(notBefore), time(notAfter)),
    p.subjectDer,
    p.publicKeyDer,
    ctx(3, seq(...exts)),
  );
  const signature = sign("sha256", tbs, createPrivateKey(p.issuerPrivateKeyPem));
  return toPem("CERTIFICATE", seq(tbs, SIG_ALG, bits(signature)));
}

/** A KeyUsage BIT STRING: `unused` trailing bits of one byte. */
function tlvBits(byte: number, unused: number): Buffer {
  return Buffer.from([0x03, 0x02, unused, byte]);
}

/**
 * A self-signed CA certificate for `privateKeyPem`: for a provider charm's own CA, or tests.
 *
 * @example
 * ```ts
 * const ca = generateCaCertificate(caKey, { commonName: "self-signed-certificates" }, 365);
 * ```
 */
export function generateCaCertificate(
  privateKeyPem: string,
  attrs: Pick<CertificateRequestAttributes, "commonName" | "organization">,
  validityDays = 365,
): string {
  const spki = spkiOfPrivateKey(privateKeyPem);
  const subject = name({ ...attrs, addUniqueId: false }, undefined);
  return issue({
    subjectDer: subject,
    publicKeyDer: spki,
    issuerDer: subject,
    issuerKeyDer: spki,
    issuerPrivateKeyPem: privateKeyPem,
    validityDays,
    isCa: true,
  });
}

/**
 * What {@link signCsr} takes.
 *
 * @example
 * ```ts
 * signCsr({ csr, caCertificate, caPrivateKey, validityDays: 90 } satisfies SignCsrParams);
 * ```
 */
export interface SignCsrParams {
  csr: string;
  caCertificate: string;
  caPrivateKey: string;
  validityDays: number;
  isCa?: boolean;
}

/**
 * Issues a certificate for a CSR: its subject, public key and SANs, signed by the CA.
 *
 * @example
 * ```ts
 * const cert = signCsr({ csr, caCertificate: ca, caPrivateKey: caKey, validityDays: 90 });
 * ```
 */
export function signCsr(p: SignCsrParams): string {
  const csr = parseCsr(p.csr);
  let caRoot: DerNode;
  try {
    caRoot = readDer(fromPem("CERTIFICATE", p.caCertificate));
  } catch (e) {
    throw new X509Error(`CA certificate is unreadable: ${(e as Error).message}`);
  }
  const caTbs = child(caRoot, 0, "CA certificate");
  // TBSCertificate: [0] version, serial, sigAlg, issuer, validity, subject, spki, ...
  const caSubject = child(caTbs, 5, "CA subject");
  const caSpki = child(caTbs, 6, "CA public key");
  return issue({
    subjectDer: csr.subjectDer,
    publicKeyDer: csr.publicKeyDer,
    issuerDer: caSubject.raw,
    issuerKeyDer: caSpki.raw,
    issuerPrivateKeyPem: p.caPrivateKey,
    validityDays: p.validityDays,
    isCa: p.isCa ?? false,
    san: sanExtension(csr.sansDns, csr.sansIp, csr.sansOid),
  });
}
