/**
 * `prometheus_scrape` v0 provider (prometheus-k8s), and the alert rules it shares with
 * loki_push_api. The Juju topology, the pod FQDN and IP helpers and the Python-style JSON writer
 * live in `../common/`; they are re-exported here for code that imports them from this index.
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
export { injectLabelMatchers } from "./label-injector.js";
export * from "../common/topology.js";
export * from "../common/network.js";
export * from "../common/python-json.js";
