/**
 * `prometheus_scrape` v0 provider (prometheus-k8s), and the COS helpers shared with
 * loki_push_api and grafana_dashboard: Juju topology, alert rules, Python-style JSON.
 *
 * @example
 * ```ts
 * import { MetricsEndpointProvider } from "../../lib/interfaces/prometheus-scrape/index.js";
 * this.metrics = new MetricsEndpointProvider(this, { jobs: [{ static_configs: [{ targets: ["*:8080"] }] }] });
 * ```
 */
export * from "./data.js";
export * from "./provider.js";
export * from "./rules.js";
export * from "./topology.js";
export * from "../common/python-json.js";
export { injectLabelMatchers } from "./label-injector.js";
