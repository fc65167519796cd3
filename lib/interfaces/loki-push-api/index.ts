/**
 * `loki_push_api` requirer with Pebble log forwarding (loki-k8s).
 *
 * @example
 * ```ts
 * import { LokiPushApiRequirer } from "../../lib/interfaces/loki-push-api/index.js";
 * this.logging = new LokiPushApiRequirer(this, { services: ["jimm"] });
 * ```
 */
export * from "./data.js";
export * from "./requirer.js";
