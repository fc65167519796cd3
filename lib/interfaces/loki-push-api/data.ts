/**
 * `loki_push_api` (LOKI lib v1, LIBPATCH 30) wire format, requirer side, and the Pebble
 * log-targets the Python `LogForwarder` builds from it.
 *
 * - Each Loki unit writes `endpoint` = JSON `{"url": "http://…:3100/loki/api/v1/push"}`.
 * - Our leader writes `metadata` (the Juju topology) and `alert_rules` (LogQL rules, JSON with
 *   sorted keys).
 * - Each workload container gets a layer `<container>-log-forwarding` with one log target per Loki
 *   unit (named after the unit), type `loki`, labelled with the topology; targets of Loki units
 *   that went away are switched off with `services: ["-all"]`.
 *
 * @example
 * ```ts
 * const url = parseEndpoint(relation.data(unit).toObject(), src); // "http://loki-0…/push"
 * const targets = lokiLogTargets({ endpoints: { "loki/0": url }, topology });
 * ```
 */
import type { LogTargetSpec } from "../../pebble/layer.js";
import { type DataSource, fieldJson, httpUrlMember, isObject } from "../common/databag.js";
import { type PyJson, pyJsonDumps } from "../common/python-json.js";
import type { RuleFile } from "../prometheus-scrape/rules.js";
import type { JujuTopology } from "../common/topology.js";

/**
 * The interface name.
 *
 * @example
 * ```ts
 * const src = { interfaceName: INTERFACE, relation: "logging:4", owner: "loki/0" };
 * ```
 */
export const INTERFACE = "loki_push_api";

/**
 * The push URL a Loki unit published; undefined when it has published none yet. Throws
 * {@link InterfaceDataError} when `endpoint` is not JSON `{"url": "<http(s) URL>"}`.
 *
 * @example
 * ```ts
 * parseEndpoint({ endpoint: '{"url": "http://loki:3100/loki/api/v1/push"}' }, src);
 * ```
 */
export function parseEndpoint(
  bag: Readonly<Record<string, string>>,
  src: DataSource,
): string | undefined {
  const ep = fieldJson(bag, "endpoint", src, isObject, 'a JSON object {"url": …}');
  return ep === undefined ? undefined : httpUrlMember(ep, "endpoint", src);
}

/**
 * Our leader's app bag: `metadata` (topology) and `alert_rules` (sorted keys, so that an
 * unchanged rule set is written byte for byte the same).
 *
 * @example
 * ```ts
 * relation.data(this.app).replace(renderRequirerAppData(topology, rules.asDict()));
 * ```
 */
export function renderRequirerAppData(
  topology: JujuTopology,
  alertRules: RuleFile,
): Record<string, string> {
  return {
    metadata: pyJsonDumps(topology.asDict()),
    alert_rules: pyJsonDumps(alertRules as PyJson, { sortKeys: true }),
  };
}

/**
 * The labels Pebble attaches to every forwarded log line.
 *
 * @example
 * ```ts
 * logLabels(topology).job; // "juju_<model>_<uuid8>_<app>"
 * ```
 */
export function logLabels(topology: JujuTopology): Record<string, string> {
  return {
    product: "Juju",
    charm: topology.charmName,
    juju_model: topology.model,
    juju_model_uuid: topology.modelUuid,
    juju_application: topology.application,
    juju_unit: topology.unit,
    job: `juju_${topology.identifier}`,
  };
}

/**
 * Whether a plan's log target is one this library manages (a Loki target labelled
 * `product: Juju`, or one it disabled), so that targets the charm set up itself are left alone.
 *
 * @example
 * ```ts
 * isForwardingTarget(plan["log-targets"]["loki/0"]!); // true for targets this library wrote
 * ```
 */
export function isForwardingTarget(t: LogTargetSpec): boolean {
  return t.type === "loki" && (t.labels?.product === "Juju" || t.location === "(removed)");
}

/**
 * Options of {@link lokiLogTargets}.
 *
 * @example
 * ```ts
 * lokiLogTargets({ endpoints: { "loki/0": url }, topology, services: ["jimm"] });
 * ```
 */
export interface LogTargetsOptions {
  /** Loki unit name to push URL: one enabled target each. */
  endpoints: Readonly<Record<string, string>>;
  topology: JujuTopology;
  /** Services whose logs are forwarded (default `["all"]`). */
  services?: readonly string[];
  /**
   * The log targets already in the plan; those of this library not in `endpoints` are disabled
   * (`services: ["-all"]`, location `(removed)`), since a combined layer cannot delete a target.
   */
  current?: Readonly<Record<string, LogTargetSpec>>;
}

/**
 * The `log-targets` section of a Pebble layer forwarding workload logs to Loki.
 *
 * @example
 * ```ts
 * const layer: Layer = { "log-targets": lokiLogTargets({ endpoints, topology, services: ["jimm"] }) };
 * await container.pebble.addLayer("jimm-log-forwarding", layer, { combine: true });
 * ```
 */
export function lokiLogTargets(opts: LogTargetsOptions): Record<string, LogTargetSpec> {
  const out: Record<string, LogTargetSpec> = {};
  for (const [name, target] of Object.entries(opts.current ?? {})) {
    if (name in opts.endpoints || !isForwardingTarget(target)) continue;
    out[name] = { override: "replace", services: ["-all"], type: "loki", location: "(removed)" };
  }
  for (const [name, url] of Object.entries(opts.endpoints).sort(([a], [b]) => (a < b ? -1 : 1))) {
    out[name] = {
      override: "replace",
      services: [...(opts.services ?? ["all"])],
      type: "loki",
      location: url,
      labels: logLabels(opts.topology),
    };
  }
  return out;
}
