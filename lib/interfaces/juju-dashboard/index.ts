/**
 * `juju-dashboard` provider (JIMM to the juju-dashboard charm).
 *
 * @example
 * ```ts
 * import { JujuDashboardProvider, controllerUrlFor } from "../../lib/interfaces/juju-dashboard/index.js";
 * ```
 */
export * from "./data.js";
export * from "./provider.js";
