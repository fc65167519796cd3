/**
 * `vault-kv` v0: the requirer (JIMM's `vault` endpoint) and the provider (the local Vault
 * stand-in), speaking what vault-k8s's `vault_kv` library speaks.
 *
 * @example
 * ```ts
 * import { VaultKvRequirer } from "../../lib/interfaces/vault-kv/index.js";
 * this.vault = new VaultKvRequirer(this, "vault", { mountSuffix: "jimm" });
 * ```
 */
export * from "./data.js";
export * from "./requirer.js";
export * from "./provider.js";
