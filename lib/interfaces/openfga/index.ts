/**
 * `openfga` v1: the requirer (JIMM) and the provider (the TS OpenFGA charm), speaking what the
 * openfga-k8s charm's v1 library speaks.
 *
 * @example
 * ```ts
 * import { OpenFgaRequirer } from "../../lib/interfaces/openfga/index.js";
 * this.openfga = new OpenFgaRequirer(this, "openfga", { storeName: "jimm" });
 * ```
 */
export * from "./data.js";
export * from "./requirer.js";
export * from "./provider.js";
