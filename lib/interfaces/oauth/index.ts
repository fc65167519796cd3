/**
 * `oauth` v0 requirer and provider (hydra).
 *
 * @example
 * ```ts
 * import { OAuthRequirer } from "../../lib/interfaces/oauth/index.js";
 * this.oauth = new OAuthRequirer(this, { clientConfig });
 * ```
 */
export * from "./data.js";
export * from "./requirer.js";
export * from "./provider.js";
