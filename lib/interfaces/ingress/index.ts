/**
 * `ingress` v2 requirer (traefik-k8s).
 *
 * @example
 * ```ts
 * import { IngressRequirer } from "../../lib/interfaces/ingress/index.js";
 * this.ingress = new IngressRequirer(this, { port: 8080 });
 * ```
 */
export * from "./data.js";
export * from "./requirer.js";
