/**
 * The `tls-certificates` v1 interface wire format (the Python library "v4" and charmlibs'
 * tls-certificates). Every value is JSON text. The requirer lists its CSRs (unit bag, or app bag
 * for application certificates); the provider's app bag lists the issued certificates and,
 * with newer libraries, request errors and its capabilities. PEM values are raw PEM text, trimmed.
 *
 * Writers drop fields equal to their default, as the library's `exclude_defaults` dump does: an
 * empty list leaves its key out, `revoked` appears only once set, `capabilities` only when
 * advertised.
 *
 * @example
 * ```ts
 * renderRequirerBag([{ certificateSigningRequest: csr, ca: false }]);
 * // { certificate_signing_requests: '[{"certificate_signing_request": "-----BEGIN ...", "ca": false}]' }
 * ```
 */
import {
  type DataSource,
  InterfaceDataError,
  fieldJson,
  isObject,
  isStringArray,
} from "../common/databag.js";
import { type PyJson, pyJsonDumps } from "../common/python-json.js";

/**
 * The interface name in metadata and in error messages.
 *
 * @example
 * ```ts
 * new InterfaceDataError({ interfaceName: INTERFACE, relation: "ep:1", owner: "app" }, "field", "is missing");
 * ```
 */
export const INTERFACE = "tls-certificates";

/**
 * The Python library's id; its secret labels start with it, and so do ours (same charm, same key).
 *
 * @example
 * ```ts
 * `${LIBID}-private-key-0-certificates`; // the unit key's secret label
 * ```
 */
export const LIBID = "afd8c2bccf834997afce12c2706d2ede";

/**
 * One CSR a requirer sends.
 *
 * @example
 * ```ts
 * const csr: RequirerCsr = { certificateSigningRequest: pem, ca: false };
 * ```
 */
export interface RequirerCsr {
  /** Trimmed PEM text. */
  certificateSigningRequest: string;
  ca: boolean;
}

/**
 * One certificate a provider issued.
 *
 * @example
 * ```ts
 * parseProviderBag(bag, src).certificates.filter((c: ProviderCertificate) => !c.revoked);
 * ```
 */
export interface ProviderCertificate {
  ca: string;
  certificateSigningRequest: string;
  certificate: string;
  /** Leaf first, then the CA chain. */
  chain?: string[];
  revoked?: boolean;
}

/**
 * Error codes providers report for a CSR.
 *
 * @example
 * ```ts
 * this.tls.setRequestError(relation, csr, { code: REQUEST_ERROR_CODES.DOMAIN_NOT_ALLOWED, name: "domain_not_allowed", message: "no" });
 * ```
 */
export const REQUEST_ERROR_CODES = {
  IP_NOT_ALLOWED: 101,
  DOMAIN_NOT_ALLOWED: 102,
  WILDCARD_NOT_ALLOWED: 103,
  SERVER_NOT_AVAILABLE: 201,
  OTHER: 999,
} as const;

/**
 * A provider's refusal of one CSR.
 *
 * @example
 * ```ts
 * const err: RequestError = { certificateSigningRequest: csr, error: { code: 999, name: "other", message: "failed" } };
 * ```
 */
export interface RequestError {
  certificateSigningRequest: string;
  error: {
    code: number;
    name: string;
    message: string;
    reason?: string;
    provider?: string;
    endpoint?: string;
  };
}

/**
 * What a provider says it can do (each field optional: unknown when absent).
 *
 * @example
 * ```ts
 * new TlsCertificatesProvider(this, "certificates", { capabilities: { supportsIpSans: true } satisfies ProviderCapabilities });
 * ```
 */
export interface ProviderCapabilities {
  supportsIpSans?: boolean;
  supportsWildcardDns?: boolean;
  supportsSubdomain?: boolean;
  supportsCaCertificates?: boolean;
  allowedDomains?: string[];
  providerType?: string;
}

/**
 * The provider's app bag.
 *
 * @example
 * ```ts
 * const d: ProviderData | undefined = parseProviderBag(bag, src);
 * ```
 */
export interface ProviderData {
  certificates: ProviderCertificate[];
  requestErrors: RequestError[];
  capabilities?: ProviderCapabilities;
}

/**
 * PEM text as the library compares it.
 *
 * @example
 * ```ts
 * normalizePem("-----BEGIN ...\n"); // no trailing newline
 * ```
 */
export const normalizePem = (pem: string): string => pem.trim();

/**
 * A requirer bag: the whole bag (the library clears it before writing); no key when there are no CSRs.
 *
 * @example
 * ```ts
 * relation.data(this.unit).replace(renderRequirerBag(csrs));
 * ```
 */
export function renderRequirerBag(csrs: readonly RequirerCsr[]): Record<string, string> {
  if (csrs.length === 0) return {};
  return {
    certificate_signing_requests: pyJsonDumps(
      csrs.map((c) => ({
        certificate_signing_request: normalizePem(c.certificateSigningRequest),
        ca: c.ca,
      })),
    ),
  };
}

const CSR_PEM = /-----BEGIN CERTIFICATE REQUEST-----[\s\S]+-----END CERTIFICATE REQUEST-----/;
const CERT_PEM = /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/;

/**
 * The CSRs of one requirer bag (unit or app). Throws {@link InterfaceDataError} on malformed data.
 *
 * @example
 * ```ts
 * parseRequirerBag(relation.data(unit).toObject(), src); // [{ certificateSigningRequest, ca }]
 * ```
 */
export function parseRequirerBag(bag: Record<string, string>, src: DataSource): RequirerCsr[] {
  const list =
    fieldJson(bag, "certificate_signing_requests", src, Array.isArray, "a JSON list") ?? [];
  return list.map((item: unknown, i: number) => {
    const field = `certificate_signing_requests[${i}]`;
    if (!isObject(item)) throw new InterfaceDataError(src, field, "should be an object");
    const csr = item.certificate_signing_request;
    if (typeof csr !== "string" || !CSR_PEM.test(csr)) {
      throw new InterfaceDataError(
        src,
        `${field}.certificate_signing_request`,
        "should be a PEM certificate signing request",
      );
    }
    const ca = item.ca;
    if (ca !== undefined && ca !== null && typeof ca !== "boolean") {
      throw new InterfaceDataError(src, `${field}.ca`, "should be true or false");
    }
    return { certificateSigningRequest: normalizePem(csr), ca: ca === true };
  });
}

function certificateJson(c: ProviderCertificate): PyJson {
  return {
    ca: c.ca,
    certificate_signing_request: c.certificateSigningRequest,
    certificate: c.certificate,
    ...(c.chain !== undefined ? { chain: c.chain } : {}),
    ...(c.revoked !== undefined ? { revoked: c.revoked } : {}),
  };
}

function errorJson(e: RequestError): PyJson {
  const err = e.error;
  return {
    csr: e.certificateSigningRequest,
    error: {
      code: err.code,
      name: err.name,
      message: err.message,
      ...(err.reason !== undefined ? { reason: err.reason } : {}),
      ...(err.provider !== undefined ? { provider: err.provider } : {}),
      ...(err.endpoint !== undefined ? { endpoint: err.endpoint } : {}),
    },
  };
}

function capabilitiesJson(c: ProviderCapabilities): PyJson {
  const out: Record<string, PyJson> = {};
  if (c.supportsIpSans !== undefined) out.supports_ip_sans = c.supportsIpSans;
  if (c.supportsWildcardDns !== undefined) out.supports_wildcard_dns = c.supportsWildcardDns;
  if (c.supportsSubdomain !== undefined) out.supports_subdomain = c.supportsSubdomain;
  if (c.supportsCaCertificates !== undefined)
    out.supports_ca_certificates = c.supportsCaCertificates;
  if (c.allowedDomains !== undefined) out.allowed_domains = c.allowedDomains;
  if (c.providerType !== undefined) out.provider_type = c.providerType;
  return out;
}

/**
 * The provider's app bag (the whole bag).
 *
 * @example
 * ```ts
 * relation.data(this.app).replace(renderProviderBag({ certificates, requestErrors: [] }));
 * ```
 */
export function renderProviderBag(d: ProviderData): Record<string, string> {
  const bag: Record<string, string> = {};
  if (d.certificates.length) bag.certificates = pyJsonDumps(d.certificates.map(certificateJson));
  if (d.requestErrors.length) bag.request_errors = pyJsonDumps(d.requestErrors.map(errorJson));
  if (d.capabilities !== undefined)
    bag.capabilities = pyJsonDumps(capabilitiesJson(d.capabilities));
  return bag;
}

function str(
  o: Record<string, unknown>,
  key: string,
  src: DataSource,
  field: string,
  pem?: RegExp,
): string {
  const v = o[key];
  if (typeof v !== "string" || (pem && !pem.test(v))) {
    throw new InterfaceDataError(
      src,
      `${field}.${key}`,
      pem ? "should be PEM text" : "should be a string",
    );
  }
  return pem ? normalizePem(v) : v;
}

function optBool(
  o: Record<string, unknown>,
  key: string,
  src: DataSource,
  field: string,
): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean")
    throw new InterfaceDataError(src, `${field}.${key}`, "should be true or false");
  return v;
}

/**
 * The provider's app bag. Throws {@link InterfaceDataError} on malformed data. In
 * `request_errors`, the CSR is read from `csr` (the library's field) or
 * `certificate_signing_request` (the published schema's).
 *
 * @example
 * ```ts
 * parseProviderBag(relation.data(relation.app!).toObject(), src).certificates;
 * ```
 */
export function parseProviderBag(bag: Record<string, string>, src: DataSource): ProviderData {
  const certs = fieldJson(bag, "certificates", src, Array.isArray, "a JSON list") ?? [];
  const certificates = certs.map((item: unknown, i: number): ProviderCertificate => {
    const field = `certificates[${i}]`;
    if (!isObject(item)) throw new InterfaceDataError(src, field, "should be an object");
    const chain = item.chain;
    if (chain !== undefined && chain !== null && !isStringArray(chain)) {
      throw new InterfaceDataError(src, `${field}.chain`, "should be a list of PEM certificates");
    }
    const revoked = optBool(item, "revoked", src, field);
    return {
      ca: str(item, "ca", src, field, CERT_PEM),
      certificateSigningRequest: str(item, "certificate_signing_request", src, field, CSR_PEM),
      certificate: str(item, "certificate", src, field, CERT_PEM),
      ...(Array.isArray(chain) ? { chain: chain.map(normalizePem) } : {}),
      ...(revoked !== undefined ? { revoked } : {}),
    };
  });
  const errs = fieldJson(bag, "request_errors", src, Array.isArray, "a JSON list") ?? [];
  const requestErrors = errs.map((item: unknown, i: number): RequestError => {
    const field = `request_errors[${i}]`;
    if (!isObject(item)) throw new InterfaceDataError(src, field, "should be an object");
    const csrKey = typeof item.csr === "string" ? "csr" : "certificate_signing_request";
    const err = item.error;
    if (
      !isObject(err) ||
      typeof err.code !== "number" ||
      typeof err.name !== "string" ||
      typeof err.message !== "string"
    ) {
      throw new InterfaceDataError(src, `${field}.error`, "should be {code, name, message}");
    }
    const opt = (k: "reason" | "provider" | "endpoint") =>
      typeof err[k] === "string" ? { [k]: err[k] as string } : {};
    return {
      certificateSigningRequest: str(item, csrKey, src, field, CSR_PEM),
      error: {
        code: err.code,
        name: err.name,
        message: err.message,
        ...opt("reason"),
        ...opt("provider"),
        ...opt("endpoint"),
      },
    };
  });
  const caps = fieldJson(bag, "capabilities", src, isObject, "a JSON object");
  let capabilities: ProviderCapabilities | undefined;
  if (caps) {
    const field = "capabilities";
    const domains = caps.allowed_domains;
    if (domains !== undefined && domains !== null && !isStringArray(domains)) {
      throw new InterfaceDataError(src, `${field}.allowed_domains`, "should be a list of strings");
    }
    const b = (k: string) => optBool(caps, k, src, field);
    const set = <T>(v: T | undefined, k: string) => (v !== undefined ? { [k]: v } : {});
    capabilities = {
      ...set(b("supports_ip_sans"), "supportsIpSans"),
      ...set(b("supports_wildcard_dns"), "supportsWildcardDns"),
      ...set(b("supports_subdomain"), "supportsSubdomain"),
      ...set(b("supports_ca_certificates"), "supportsCaCertificates"),
      ...set(Array.isArray(domains) ? domains : undefined, "allowedDomains"),
      ...set(
        typeof caps.provider_type === "string" ? caps.provider_type : undefined,
        "providerType",
      ),
    };
  }
  return { certificates, requestErrors, ...(capabilities ? { capabilities } : {}) };
}
