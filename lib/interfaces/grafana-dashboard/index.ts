/**
 * `grafana_dashboard` provider (grafana-k8s).
 *
 * @example
 * ```ts
 * import { GrafanaDashboardProvider } from "../../lib/interfaces/grafana-dashboard/index.js";
 * this.dashboards = new GrafanaDashboardProvider(this);
 * ```
 */
export * from "./data.js";
export * from "./provider.js";
