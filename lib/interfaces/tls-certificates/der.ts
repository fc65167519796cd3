/**
 * A minimal ASN.1 DER encoder and reader: just what building and reading PKCS #10 requests and
 * X.509 certificates needs. Node's `crypto` signs, verifies and parses certificates but cannot
 * build them, and the npm X.509 libraries pull a global `reflect-metadata` polyfill into every
 * hook; a few dozen lines of DER avoid both.
 *
 * @example
 * ```ts
 * const der = seq(int(0n), oid("2.5.4.3"), utf8("example"));
 * const node = readDer(der); // { tag: 0x30, children: [...] }
 * ```
 */

/** Encodes a DER length. */
function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/**
 * One TLV with the given tag byte and content.
 *
 * @example
 * ```ts
 * tlv(0x04, Buffer.from("hi")); // OCTET STRING
 * ```
 */
export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

/**
 * SEQUENCE.
 *
 * @example
 * ```ts
 * seq(int(1n), bool(true));
 * ```
 */
export const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
/**
 * SET (items are written in the order given; callers pass one item or sorted items).
 *
 * @example
 * ```ts
 * set(seq(oid("2.5.4.3"), utf8("cn")));
 * ```
 */
export const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
/**
 * NULL.
 *
 * @example
 * ```ts
 * seq(oid("1.2.840.113549.1.1.11"), nul());
 * ```
 */
export const nul = (): Buffer => Buffer.from([0x05, 0x00]);
/**
 * BOOLEAN.
 *
 * @example
 * ```ts
 * bool(true); // 01 01 ff
 * ```
 */
export const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0x00]));
/**
 * OCTET STRING.
 *
 * @example
 * ```ts
 * octets(Buffer.from([1, 2]));
 * ```
 */
export const octets = (b: Buffer): Buffer => tlv(0x04, b);
/**
 * BIT STRING with no unused bits.
 *
 * @example
 * ```ts
 * bits(signature);
 * ```
 */
export const bits = (b: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));
/**
 * UTF8String.
 *
 * @example
 * ```ts
 * utf8("openfga.example.com");
 * ```
 */
export const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, "utf8"));
/**
 * PrintableString.
 *
 * @example
 * ```ts
 * printable("GB");
 * ```
 */
export const printable = (s: string): Buffer => tlv(0x13, Buffer.from(s, "ascii"));
/**
 * IA5String.
 *
 * @example
 * ```ts
 * ia5("admin@example.com");
 * ```
 */
export const ia5 = (s: string): Buffer => tlv(0x16, Buffer.from(s, "ascii"));
/**
 * Context-specific constructed tag `[n]` (explicit tagging, or IMPLICIT SET/SEQUENCE).
 *
 * @example
 * ```ts
 * ctx(0, int(2n)); // [0] EXPLICIT version
 * ```
 */
export const ctx = (n: number, ...items: Buffer[]): Buffer => tlv(0xa0 + n, Buffer.concat(items));
/**
 * Context-specific primitive tag `[n]` (implicit tagging of a primitive).
 *
 * @example
 * ```ts
 * ctxPrim(2, Buffer.from("example.com")); // dNSName
 * ```
 */
export const ctxPrim = (n: number, content: Buffer): Buffer => tlv(0x80 + n, content);

/**
 * INTEGER from a non-negative bigint or big-endian bytes (a leading zero keeps it positive).
 *
 * @example
 * ```ts
 * int(65537n);
 * ```
 */
export function int(v: bigint | Buffer): Buffer {
  let b: Buffer;
  if (typeof v === "bigint") {
    let hex = v.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    b = Buffer.from(hex, "hex");
  } else {
    b = v;
  }
  let i = 0;
  while (i < b.length - 1 && b[i] === 0 && (b[i + 1]! & 0x80) === 0) i++;
  b = b.subarray(i);
  if (b.length === 0) b = Buffer.from([0]);
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

/**
 * OBJECT IDENTIFIER from dotted form.
 *
 * @example
 * ```ts
 * oid("2.5.29.17"); // subjectAltName
 * ```
 */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split(".").map((a) => BigInt(a));
  const [a = 0n, b = 0n, ...rest] = arcs;
  const out: number[] = [];
  for (const arc of [a * 40n + b, ...rest]) {
    const chunk: number[] = [];
    let v = arc;
    do {
      chunk.unshift(Number(v & 0x7fn));
      v >>= 7n;
    } while (v > 0n);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80;
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/**
 * UTCTime before 2050, GeneralizedTime from then on (RFC 5280 4.1.2.5).
 *
 * @example
 * ```ts
 * time(new Date()); // UTCTime
 * ```
 */
export function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/\.\d{3}Z$/, "Z");
  const [date = "", clock = ""] = iso.split("T");
  const compact = date.replace(/-/g, "") + clock.replace(/:/g, "");
  return d.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(compact.slice(2), "ascii"))
    : tlv(0x18, Buffer.from(compact, "ascii"));
}

/**
 * One decoded TLV. `raw` is the whole element, `content` its value.
 *
 * @example
 * ```ts
 * const node: DerNode = readDer(der); node.children[0]?.tag;
 * ```
 */
export interface DerNode {
  tag: number;
  raw: Buffer;
  content: Buffer;
  /** Decoded children for constructed tags (bit 0x20 set). */
  children: DerNode[];
}

/**
 * Thrown on bytes that are not well-formed DER.
 *
 * @example
 * ```ts
 * try { readDer(buf); } catch (e) { if (e instanceof DerError) reject(); }
 * ```
 */
export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DerError";
  }
}

function readOne(buf: Buffer, at: number): { node: DerNode; next: number } {
  if (at + 2 > buf.length) throw new DerError("truncated DER element");
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let header = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || at + 2 + n > buf.length) throw new DerError("bad DER length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[at + 2 + i]!;
    header += n;
  }
  const end = at + header + len;
  if (end > buf.length) throw new DerError("DER element runs past its container");
  const content = buf.subarray(at + header, end);
  const children: DerNode[] = [];
  if (tag & 0x20) {
    for (let p = 0; p < content.length;) {
      const r = readOne(content, p);
      children.push(r.node);
      p = r.next;
    }
  }
  return { node: { tag, raw: buf.subarray(at, end), content, children }, next: end };
}

/**
 * Decodes one DER element (and its constructed children, recursively).
 *
 * @example
 * ```ts
 * readDer(fromPem("CERTIFICATE", pem)).children.length; // 3
 * ```
 */
export function readDer(buf: Buffer): DerNode {
  const { node, next } = readOne(buf, 0);
  if (next !== buf.length) throw new DerError("trailing bytes after DER element");
  return node;
}

/**
 * Dotted form of an OBJECT IDENTIFIER's content bytes.
 *
 * @example
 * ```ts
 * oidString(node.content); // "2.5.4.3"
 * ```
 */
export function oidString(content: Buffer): string {
  const arcs: bigint[] = [];
  let v = 0n;
  for (const byte of content) {
    v = (v << 7n) | BigInt(byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(v);
      v = 0n;
    }
  }
  const [first = 0n, ...rest] = arcs;
  const a = first < 80n ? first / 40n : 2n;
  return [a, first - a * 40n, ...rest].join(".");
}

/**
 * PEM text (64-character lines, no final newline) of DER bytes.
 *
 * @example
 * ```ts
 * toPem("CERTIFICATE REQUEST", der);
 * ```
 */
export function toPem(label: string, der: Buffer): string {
  const b64 = der
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----`;
}

/**
 * DER bytes of the first PEM block with `label`; throws {@link DerError} if there is none.
 *
 * @example
 * ```ts
 * fromPem("CERTIFICATE", pem); // DER bytes
 * ```
 */
export function fromPem(label: string, pem: string): Buffer {
  const m = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(
    pem,
  );
  if (!m) throw new DerError(`no ${label} PEM block`);
  return Buffer.from(m[1]!.replace(/\s+/g, ""), "base64");
}
