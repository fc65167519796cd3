/**
 * `certificate_transfer` v1 with the v0 fallback: the requirer (JIMM's `receive-ca-cert`) and the
 * provider (OpenFGA's `send-ca-cert`).
 *
 * @example
 * ```ts
 * import { CertificateTransferRequirer } from "../../lib/interfaces/certificate-transfer/index.js";
 * this.cas = new CertificateTransferRequirer(this, "receive-ca-cert");
 * ```
 */
export * from "./data.js";
export * from "./requirer.js";
export * from "./provider.js";
