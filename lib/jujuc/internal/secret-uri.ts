/**
 * Secret URIs as Juju parses them (`secret:<xid>`, `secret://<model-uuid>/<xid>`, or a bare
 * `<xid>`), and new secret ids shaped like Juju's: 20 characters of `[0-9a-v]`, the base32hex
 * encoding of a 12-byte xid (4 bytes of time, 5 random bytes, a 3-byte counter).
 *
 * @example
 * ```ts
 * parseSecretUri("secret://6f3b.../9m4e2mr0ui3e8a215n4g"); // { xid: "9m4e2mr0ui3e8a215n4g", sourceUuid: "6f3b..." }
 * newXid(); // e.g. "d0ekb4ipgbgs73c6bnf0"
 * ```
 */

import { randomBytes } from "node:crypto";
import { goQuote } from "./go-format.js";

/** A parsed secret URI. */
export interface SecretUri {
  /** The 20-character id. */
  xid: string;
  /** The owning model's UUID, when the URI names it. */
  sourceUuid?: string;
}

const XID_RE = /^[0-9a-v]{20}$/;
const UUID_RE = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;

/** Parses a secret URI; throws `secret URI "<s>" not valid` (Juju's text) when malformed. */
export function parseSecretUri(input: string): SecretUri {
  const invalid = (): Error => new Error(`secret URI ${goQuote(input)} not valid`);
  let rest = input;
  let host = "";
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (scheme) {
    if (scheme[1] !== "secret")
      throw new Error(`secret URI scheme ${goQuote(scheme[1] ?? "")} not valid`);
    rest = rest.slice(scheme[0].length);
  }
  if (rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    host = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? "" : rest.slice(slash);
    if (host !== "" && !UUID_RE.test(host))
      throw new Error(`host controller UUID ${goQuote(host)} not valid`);
  }
  rest = rest.replace(/^\/+/, "");
  let source = host;
  const parts = rest.split("/");
  if (parts.length === 2 && UUID_RE.test(parts[0] ?? "")) {
    source = parts[0] ?? "";
    rest = parts[1] ?? "";
  }
  if (!XID_RE.test(rest)) throw invalid();
  return source === "" ? { xid: rest } : { xid: rest, sourceUuid: source };
}

/** The 20-character id in a stored secret id (any accepted form). */
export function secretXid(id: string): string {
  try {
    return parseSecretUri(id).xid;
  } catch {
    return id.slice(id.lastIndexOf("/") + 1).replace(/^secret:/, "");
  }
}

/** The short URI Juju prints for a secret: `secret:<xid>`. */
export function shortSecretUri(xid: string): string {
  return `secret:${xid}`;
}

const BASE32HEX = "0123456789abcdefghijklmnopqrstuv";
let counter = randomBytes(3).readUIntBE(0, 3);
const machine = randomBytes(5);

/** Encodes 12 bytes as xid does: base32hex, lower case, no padding, 20 characters. */
export function encodeXid(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32HEX[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32HEX[(value << (5 - bits)) & 31];
  return out;
}

/** A new xid-shaped secret id. */
export function newXid(): string {
  const bytes = new Uint8Array(12);
  const seconds = Math.floor(Date.now() / 1000);
  bytes[0] = (seconds >>> 24) & 0xff;
  bytes[1] = (seconds >>> 16) & 0xff;
  bytes[2] = (seconds >>> 8) & 0xff;
  bytes[3] = seconds & 0xff;
  bytes.set(machine, 4);
  counter = (counter + 1) & 0xffffff;
  bytes[9] = (counter >>> 16) & 0xff;
  bytes[10] = (counter >>> 8) & 0xff;
  bytes[11] = counter & 0xff;
  return encodeXid(bytes);
}
