/**
 * `tls-certificates` (interface v1, Python library v4 semantics): the requirer (OpenFGA, JIMM)
 * and the provider (a local CA stand-in), plus keys, CSRs and certificates with `node:crypto`.
 *
 * @example
 * ```ts
 * import { TlsCertificatesRequirer } from "../../lib/interfaces/tls-certificates/index.js";
 * this.tls = new TlsCertificatesRequirer(this, "certificates", { requests: [{ commonName: "openfga.m.svc.cluster.local" }] });
 * ```
 */
export * from "./data.js";
export * from "./requirer.js";
export * from "./provider.js";
export * from "./x509.js";
export { pyJsonDumps } from "../common/python-json.js";
