/**
 * `ingress` v2 wire format (traefik-k8s `traefik_k8s.v2.ingress`, LIBPATCH 21). Every value is
 * JSON text, strings included (`model` = `"\"jimm-model\""`); fields equal to their default are
 * left out and the writer clears the bag first, so a missing key means "default".
 *
 * | Bag | Key | JSON | Default |
 * |---|---|---|---|
 * | requirer app | `model`, `name` | string | required |
 * | requirer app | `port` | int, 1..65534 | required |
 * | requirer app | `scheme` | `"http"`, `"https"`, `"h2c"` | `"http"` |
 * | requirer app | `strip-prefix`, `redirect-https`, `is_port_open` | bool | false |
 * | requirer app | `healthcheck_params` | `{path, scheme?, hostname?, port?, interval="30s", timeout="5s"}` | none |
 * | requirer unit | `host` | string | required |
 * | requirer unit | `ip` | IPv4/IPv6 string | none |
 * | provider app | `ingress` | `{"url": "<http(s) URL>"}` | none |
 *
 * @example
 * ```ts
 * relation.data(app).replace(renderRequirerAppData({ model: "m", name: "jimm", port: 8080 }));
 * const url = parseProviderAppData(relation.data(relation.app!).toObject(), src)?.url;
 * ```
 */
import { type DataSource, InterfaceDataError, httpUrlMember, isObject } from "../common/databag.js";
import { isIp } from "../common/network.js";
import { type PyJson, pyJsonDumps } from "../common/python-json.js";

/**
 * The interface name.
 *
 * @example
 * ```ts
 * const src = { interfaceName: INTERFACE, relation: "ingress:1", owner: "traefik" };
 * ```
 */
export const INTERFACE = "ingress";

/**
 * The schemes traefik accepts.
 *
 * @example
 * ```ts
 * const scheme: IngressScheme = "h2c"; // OpenFGA gRPC
 * ```
 */
export type IngressScheme = "http" | "https" | "h2c";

/**
 * Health check parameters for traefik.
 *
 * @example
 * ```ts
 * const hc: IngressHealthCheck = { path: "/healthz", interval: "10s" };
 * ```
 */
export interface IngressHealthCheck {
  /** The health check path (required). */
  path: string;
  scheme?: string;
  hostname?: string;
  port?: number;
  /** Default `30s`. */
  interval?: string;
  /** Default `5s`. */
  timeout?: string;
}

/**
 * What the requirer's leader asks for.
 *
 * @example
 * ```ts
 * const d: IngressRequirerAppData = { model: "m", name: "jimm", port: 8080, stripPrefix: true };
 * ```
 */
export interface IngressRequirerAppData {
  model: string;
  name: string;
  port: number;
  scheme?: IngressScheme;
  stripPrefix?: boolean;
  redirectHttps?: boolean;
  isPortOpen?: boolean;
  healthcheck?: IngressHealthCheck;
}

/**
 * What each requirer unit publishes.
 *
 * @example
 * ```ts
 * const u: IngressRequirerUnitData = { host: "jimm-0.jimm-endpoints.m.svc.cluster.local", ip: "10.1.2.3" };
 * ```
 */
export interface IngressRequirerUnitData {
  /** The host traefik routes to (the pod FQDN). */
  host: string;
  /** The unit's IP. */
  ip?: string;
}

/**
 * What the provider (traefik) publishes.
 *
 * @example
 * ```ts
 * const p: IngressProviderAppData = { url: "http://10.0.0.5/m-jimm" };
 * ```
 */
export interface IngressProviderAppData {
  url: string;
}

/**
 * Local data that the interface would reject (a bug in the calling charm, not remote data).
 *
 * @example
 * ```ts
 * renderRequirerAppData({ model: "m", name: "a", port: 0 }); // throws IngressConfigError
 * ```
 */
export class IngressConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IngressConfigError";
  }
}

const SCHEMES: ReadonlySet<string> = new Set(["http", "https", "h2c"]);

function checkPort(port: number, what: string): void {
  if (!Number.isInteger(port) || port <= 0 || port >= 65535) {
    throw new IngressConfigError(`${what} must be an integer in 1..65534, got ${port}`);
  }
}

/**
 * The requirer app bag, as `IngressRequirerAppData.dump` writes it: JSON values, default fields
 * left out. Throws {@link IngressConfigError} on values the library would refuse.
 *
 * @example
 * ```ts
 * renderRequirerAppData({ model: "m", name: "openfga", port: 8081, scheme: "h2c", stripPrefix: true });
 * // { model: '"m"', name: '"openfga"', port: "8081", "strip-prefix": "true", scheme: '"h2c"' }
 * ```
 */
export function renderRequirerAppData(d: IngressRequirerAppData): Record<string, string> {
  if (!d.model) throw new IngressConfigError("model must not be empty");
  if (!d.name) throw new IngressConfigError("name must not be empty");
  checkPort(d.port, "port");
  const scheme = d.scheme ?? "http";
  if (!SCHEMES.has(scheme)) {
    throw new IngressConfigError(`invalid scheme: should be one of http|https|h2c, got ${scheme}`);
  }
  const out: Record<string, string> = {
    model: pyJsonDumps(d.model),
    name: pyJsonDumps(d.name),
    port: pyJsonDumps(d.port),
  };
  if (d.isPortOpen) out.is_port_open = "true";
  if (d.healthcheck) out.healthcheck_params = pyJsonDumps(renderHealthCheck(d.healthcheck));
  if (d.stripPrefix) out["strip-prefix"] = "true";
  if (d.redirectHttps) out["redirect-https"] = "true";
  if (scheme !== "http") out.scheme = pyJsonDumps(scheme);
  return out;
}

function renderHealthCheck(h: IngressHealthCheck): { [k: string]: PyJson } {
  if (!h.path) throw new IngressConfigError("healthcheck path must not be empty");
  const out: { [k: string]: PyJson } = { path: h.path };
  if (h.scheme !== undefined) out.scheme = h.scheme;
  if (h.hostname !== undefined) out.hostname = h.hostname;
  if (h.port !== undefined) {
    if (!Number.isInteger(h.port))
      throw new IngressConfigError("healthcheck port must be an integer");
    out.port = h.port;
  }
  if (h.interval !== undefined && h.interval !== "30s") out.interval = h.interval;
  if (h.timeout !== undefined && h.timeout !== "5s") out.timeout = h.timeout;
  return out;
}

/**
 * A requirer unit bag: `host`, and `ip` when known. Throws {@link IngressConfigError} for an empty
 * host or an `ip` that is not an IP address.
 *
 * @example
 * ```ts
 * renderRequirerUnitData({ host: "jimm-0.jimm-endpoints.m.svc.cluster.local", ip: "10.1.2.3" });
 * ```
 */
export function renderRequirerUnitData(d: IngressRequirerUnitData): Record<string, string> {
  if (!d.host) throw new IngressConfigError("host must not be empty");
  const out: Record<string, string> = { host: pyJsonDumps(d.host) };
  if (d.ip !== undefined) {
    if (!isIp(d.ip))
      throw new IngressConfigError(`${JSON.stringify(d.ip)} is not a valid ip address`);
    out.ip = pyJsonDumps(d.ip);
  }
  return out;
}

function jsonValue(bag: Readonly<Record<string, string>>, key: string, src: DataSource): unknown {
  const raw = bag[key];
  if (raw === undefined || raw === "") return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new InterfaceDataError(
      src,
      key,
      "is not valid JSON (ingress v2 JSON-encodes every value)",
    );
  }
}

/**
 * The provider's published URL; undefined when `ingress` is absent (not ready, or wiped). Throws
 * {@link InterfaceDataError} when it is not JSON `{"url": "<http(s) URL>"}`.
 *
 * @example
 * ```ts
 * parseProviderAppData({ ingress: '{"url": "http://10.0.0.5/m-jimm"}' }, src); // { url: "http://10.0.0.5/m-jimm" }
 * ```
 */
export function parseProviderAppData(
  bag: Readonly<Record<string, string>>,
  src: DataSource,
): IngressProviderAppData | undefined {
  const v = jsonValue(bag, "ingress", src);
  if (v === undefined || v === null) return undefined;
  if (!isObject(v))
    throw new InterfaceDataError(src, "ingress", 'should be a JSON object {"url": …}');
  return { url: httpUrlMember(v, "ingress", src) };
}

/**
 * The provider app bag (for tests and for a provider written in TypeScript).
 *
 * @example
 * ```ts
 * renderProviderAppData({ url: "http://10.0.0.5/m-jimm" }); // { ingress: '{"url": "http://10.0.0.5/m-jimm"}' }
 * ```
 */
export function renderProviderAppData(d: IngressProviderAppData): Record<string, string> {
  return { ingress: pyJsonDumps({ url: d.url }) };
}

function bool(bag: Readonly<Record<string, string>>, key: string, src: DataSource): boolean {
  const raw = bag[key];
  if (raw === undefined || raw === "") return false;
  // Python's json.dumps writes "true"; accept Python's str(bool) "True" and a quoted "false" too.
  if (/^(true|false)$/i.test(raw)) return raw.toLowerCase() === "true";
  const v = jsonValue(bag, key, src);
  if (typeof v === "boolean") return v;
  if (typeof v === "string" && /^(true|false)$/i.test(v)) return v.toLowerCase() === "true";
  throw new InterfaceDataError(src, key, `should be true or false, got ${JSON.stringify(raw)}`);
}

function str(
  bag: Readonly<Record<string, string>>,
  key: string,
  src: DataSource,
): string | undefined {
  const v = jsonValue(bag, key, src);
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new InterfaceDataError(src, key, "should be a JSON string");
  return v;
}

/**
 * Parses a requirer app bag as traefik does (for tests, and a future provider). Throws
 * {@link InterfaceDataError}; undefined when the bag has none of the required keys yet.
 *
 * @example
 * ```ts
 * parseRequirerAppData({ model: '"m"', name: '"a"', port: "80" }, src); // { model: "m", name: "a", port: 80, scheme: "http" }
 * ```
 */
export function parseRequirerAppData(
  bag: Readonly<Record<string, string>>,
  src: DataSource,
): IngressRequirerAppData | undefined {
  if (!bag.model && !bag.name && !bag.port) return undefined;
  const model = str(bag, "model", src);
  const name = str(bag, "name", src);
  if (!model) throw new InterfaceDataError(src, "model", "is missing");
  if (!name) throw new InterfaceDataError(src, "name", "is missing");
  const port = jsonValue(bag, "port", src);
  if (typeof port !== "number" || !Number.isInteger(port) || port <= 0 || port >= 65535) {
    throw new InterfaceDataError(src, "port", "should be an integer in 1..65534");
  }
  const scheme = str(bag, "scheme", src) ?? "http";
  if (!SCHEMES.has(scheme))
    throw new InterfaceDataError(src, "scheme", "should be http, https or h2c");
  const out: IngressRequirerAppData = { model, name, port, scheme: scheme as IngressScheme };
  if (bool(bag, "strip-prefix", src)) out.stripPrefix = true;
  if (bool(bag, "redirect-https", src)) out.redirectHttps = true;
  if (bool(bag, "is_port_open", src)) out.isPortOpen = true;
  const hc = jsonValue(bag, "healthcheck_params", src);
  if (hc !== undefined && hc !== null) {
    if (!isObject(hc) || typeof hc.path !== "string") {
      throw new InterfaceDataError(src, "healthcheck_params", 'should be an object with a "path"');
    }
    out.healthcheck = hc as unknown as IngressHealthCheck;
  }
  return out;
}

/**
 * Parses a requirer unit bag as traefik does. Throws {@link InterfaceDataError}; undefined when
 * the unit has published nothing yet.
 *
 * @example
 * ```ts
 * parseRequirerUnitData({ host: '"h"', ip: '"10.0.0.1"' }, src); // { host: "h", ip: "10.0.0.1" }
 * ```
 */
export function parseRequirerUnitData(
  bag: Readonly<Record<string, string>>,
  src: DataSource,
): IngressRequirerUnitData | undefined {
  const host = str(bag, "host", src);
  if (host === undefined) return undefined;
  const ip = str(bag, "ip", src);
  if (ip !== undefined && !isIp(ip))
    throw new InterfaceDataError(src, "ip", "is not an IP address");
  return { host, ...(ip !== undefined ? { ip } : {}) };
}
