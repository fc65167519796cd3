/**
 * `tracing` v2 requirer (tempo).
 *
 * @example
 * ```ts
 * import { TracingRequirer } from "../../lib/interfaces/tracing/index.js";
 * this.tracing = new TracingRequirer(this, { protocols: ["otlp_http"] });
 * ```
 */
export * from "./data.js";
export * from "./requirer.js";
