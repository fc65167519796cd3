/**
 * The `certificate_transfer` wire format: version 1 (the requirer's app bag says `version` = `1`;
 * the provider answers in its app bag with a JSON list of PEM certificates) and the legacy
 * version 0 (the provider's unit bag: `ca`, `certificate`, `chain`), which the v1 Python library
 * writes JSON-encoded and the legacy library writes raw.
 *
 * @example
 * ```ts
 * renderRequirerBag(); // { version: "1" }
 * renderProviderAppBag(["-----BEGIN CERTIFICATE-----\n..."]); // { certificates: '["-----BEGIN ..."]', version: "1" }
 * ```
 */
import {
  type DataSource,
  InterfaceDataError,
  fieldJson,
  fieldString,
  isStringArray,
} from "../common/databag.js";
import { pyJsonDumps } from "../common/python-json.js";

/**
 * The interface name in metadata and in error messages.
 *
 * @example
 * ```ts
 * new InterfaceDataError({ interfaceName: INTERFACE, relation: "ep:1", owner: "app" }, "field", "is missing");
 * ```
 */
export const INTERFACE = "certificate_transfer";

/**
 * The requirer's app bag: `version` as `json.dumps(1)`.
 *
 * @example
 * ```ts
 * relation.data(this.app).update(renderRequirerBag());
 * ```
 */
export function renderRequirerBag(): Record<string, string> {
  return { version: "1" };
}

/**
 * Whether a requirer speaks version 1: exactly `"1"` in its app bag, as the Python provider tests.
 *
 * @example
 * ```ts
 * requirerSpeaksV1(relation.data(relation.app!).toObject()); // true
 * ```
 */
export function requirerSpeaksV1(bag: Record<string, string>): boolean {
  return bag.version === "1";
}

/**
 * The certificates, deduplicated and sorted (the Python library sends a set; order means nothing).
 *
 * @example
 * ```ts
 * certificateSet([b, a, a]); // [a, b]
 * ```
 */
export function certificateSet(certs: Iterable<string>): string[] {
  return [...new Set([...certs].map((c) => c.trim()).filter((c) => c !== ""))].sort();
}

/**
 * The v1 provider app bag (the whole bag: the library clears it before writing).
 *
 * @example
 * ```ts
 * relation.data(this.app).replace(renderProviderAppBag(certs));
 * ```
 */
export function renderProviderAppBag(certs: Iterable<string>): Record<string, string> {
  return { certificates: pyJsonDumps(certificateSet(certs)), version: "1" };
}

/**
 * The v0 provider unit bag, as the v1 library writes it for a legacy requirer: `ca` and
 * `certificate` are the first certificate, JSON-quoted; `chain` all of them. Empty when there are
 * no certificates.
 *
 * @example
 * ```ts
 * relation.data(this.unit).replace(renderProviderUnitBagV0(certs));
 * ```
 */
export function renderProviderUnitBagV0(certs: Iterable<string>): Record<string, string> {
  const list = certificateSet(certs);
  const first = list[0];
  if (first === undefined) return {};
  return {
    ca: pyJsonDumps(first),
    certificate: pyJsonDumps(first),
    chain: pyJsonDumps(list),
    version: "0",
  };
}

function checkPem(cert: string, src: DataSource, field: string): string {
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(cert)) {
    throw new InterfaceDataError(src, field, "should hold PEM certificates");
  }
  return cert.trim();
}

/**
 * The certificates of a v1 provider app bag; undefined when it holds none (then look at the unit
 * bags). Throws {@link InterfaceDataError} on malformed data.
 *
 * @example
 * ```ts
 * parseProviderAppBag(relation.data(relation.app!).toObject(), src); // ["-----BEGIN ..."]
 * ```
 */
export function parseProviderAppBag(
  bag: Record<string, string>,
  src: DataSource,
): string[] | undefined {
  const certs = fieldJson(
    bag,
    "certificates",
    src,
    isStringArray,
    "a JSON list of PEM certificates",
  );
  const version = fieldString(bag, "version");
  if (version !== undefined && !/^\d+$/.test(version)) {
    throw new InterfaceDataError(
      src,
      "version",
      `should be an integer, got ${JSON.stringify(version)}`,
    );
  }
  if (!certs || certs.length === 0) return undefined;
  return certificateSet(certs.map((c) => checkPem(c, src, "certificates")));
}

/** A v0 value: JSON-quoted (v1 library's fallback) or raw PEM (legacy library). */
function v0String(value: string): string {
  if (value.startsWith('"')) {
    try {
      const decoded: unknown = JSON.parse(value);
      if (typeof decoded === "string") return decoded;
    } catch {
      // not JSON after all: take it raw
    }
  }
  return value;
}

/**
 * The certificates of a v0 provider unit bag: `chain` (a JSON list) and `ca`, each JSON-decoded
 * when it is JSON and taken raw otherwise. Throws {@link InterfaceDataError} on malformed data.
 *
 * @example
 * ```ts
 * parseProviderUnitBagV0({ ca: "-----BEGIN CERTIFICATE-----\n...", chain: "[...]" }, src);
 * ```
 */
export function parseProviderUnitBagV0(bag: Record<string, string>, src: DataSource): string[] {
  const out: string[] = [];
  const chain = fieldJson(bag, "chain", src, isStringArray, "a JSON list of PEM certificates");
  for (const c of chain ?? []) out.push(checkPem(c, src, "chain"));
  const ca = fieldString(bag, "ca");
  if (ca !== undefined) out.push(checkPem(v0String(ca), src, "ca"));
  return certificateSet(out);
}
