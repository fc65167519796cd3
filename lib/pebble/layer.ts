/**
 * The Pebble layer model: typed services, checks and log targets, validated as Pebble validates
 * them, rendered to and parsed from YAML, and combined into a plan with Pebble's `override` rules.
 *
 * Keys are Pebble's own (`working-dir`, `on-check-failure`, ...), so a layer reads like the YAML
 * in Pebble's layer specification.
 *
 * @example
 * ```ts
 * const layer: Layer = {
 *   summary: "web server",
 *   services: { web: { override: "replace", command: "/bin/web --port 8080", startup: "enabled" } },
 *   checks: { up: { override: "replace", level: "ready", http: { url: "http://localhost:8080/" } } },
 * };
 * validateLayer(layer);
 * const yaml = renderLayer(layer);
 * ```
 *
 * @module
 */

import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { parseServiceCommand, splitCommand } from "./command.js";
import { parseDuration } from "./duration.js";

/** How a layer's entry combines with the same entry of lower layers. */
export type Override = "merge" | "replace";

/** What Pebble does when a service exits or a check fails. */
export type ServiceAction =
  "restart" | "shutdown" | "ignore" | "failure-shutdown" | "success-shutdown";

/** A service in a layer (`services.<name>`). */
export interface ServiceSpec {
  override: Override;
  summary?: string;
  description?: string;
  /** Command line, run without a shell; may end with `[ default args ]`. Required in the plan. */
  command?: string;
  startup?: "enabled" | "disabled";
  after?: string[];
  before?: string[];
  requires?: string[];
  environment?: Record<string, string>;
  user?: string;
  "user-id"?: number;
  group?: string;
  "group-id"?: number;
  "working-dir"?: string;
  workload?: string;
  "on-success"?: ServiceAction;
  "on-failure"?: ServiceAction;
  "on-check-failure"?: Record<string, ServiceAction>;
  /** Go duration, default `500ms`. */
  "backoff-delay"?: string;
  /** Default 2.0; at least 1. */
  "backoff-factor"?: number;
  /** Go duration, default `30s`. */
  "backoff-limit"?: string;
  /** Go duration, default `5s`. */
  "kill-delay"?: string;
}

/** An HTTP check: up when `url` answers 2xx. */
export interface HttpCheckSpec {
  url?: string;
  headers?: Record<string, string>;
}

/** A TCP check: up when a connection to `host:port` opens. */
export interface TcpCheckSpec {
  port?: number;
  /** Default `localhost`. */
  host?: string;
}

/** An exec check: up when the command exits 0. */
export interface ExecCheckSpec {
  command?: string;
  "service-context"?: string;
  environment?: Record<string, string>;
  user?: string;
  "user-id"?: number;
  group?: string;
  "group-id"?: number;
  "working-dir"?: string;
}

/** A health check in a layer (`checks.<name>`). Exactly one of http, tcp, exec in the plan. */
export interface CheckSpec {
  override: Override;
  level?: "alive" | "ready";
  startup?: "enabled" | "disabled";
  /** Go duration, default `10s`. */
  period?: string;
  /** Go duration, default `3s` (capped at the period). */
  timeout?: string;
  /** Failures in a row before the check is down, default 3. */
  threshold?: number;
  http?: HttpCheckSpec;
  tcp?: TcpCheckSpec;
  exec?: ExecCheckSpec;
}

/** A log forwarding target in a layer (`log-targets.<name>`). */
export interface LogTargetSpec {
  override: Override;
  type?: "loki" | "opentelemetry";
  location?: string;
  /** Service names; `all` for all, `-name` to remove one. */
  services?: string[];
  labels?: Record<string, string>;
}

/** A Pebble layer. */
export interface Layer {
  summary?: string;
  description?: string;
  services?: Record<string, ServiceSpec>;
  checks?: Record<string, CheckSpec>;
  "log-targets"?: Record<string, LogTargetSpec>;
}

/** The combined plan: every section present (possibly empty). */
export interface Plan {
  services: Record<string, ServiceSpec>;
  checks: Record<string, CheckSpec>;
  "log-targets": Record<string, LogTargetSpec>;
}

/**
 * A layer or plan that breaks Pebble's rules. The message follows Pebble's wording where there is
 * one.
 *
 * @example
 * ```ts
 * try { validateLayer({ services: { "-x": { override: "merge" } } }); }
 * catch (e) { if (e instanceof LayerError) console.log(e.message); }
 * ```
 */
export class LayerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LayerError";
  }
}

const SERVICE_KEYS = new Set([
  "override",
  "summary",
  "description",
  "command",
  "startup",
  "after",
  "before",
  "requires",
  "environment",
  "user",
  "user-id",
  "group",
  "group-id",
  "working-dir",
  "workload",
  "on-success",
  "on-failure",
  "on-check-failure",
  "backoff-delay",
  "backoff-factor",
  "backoff-limit",
  "kill-delay",
]);
const CHECK_KEYS = new Set([
  "override",
  "level",
  "startup",
  "period",
  "timeout",
  "threshold",
  "http",
  "tcp",
  "exec",
]);
const HTTP_KEYS = new Set(["url", "headers"]);
const TCP_KEYS = new Set(["port", "host"]);
const EXEC_KEYS = new Set([
  "command",
  "service-context",
  "environment",
  "user",
  "user-id",
  "group",
  "group-id",
  "working-dir",
]);
const LOG_TARGET_KEYS = new Set(["override", "type", "location", "services", "labels"]);
const LAYER_KEYS = new Set(["summary", "description", "services", "checks", "log-targets"]);

/** Pebble's check defaults, applied to the combined plan. */
export const CHECK_DEFAULTS = { period: "10s", timeout: "3s", threshold: 3 } as const;
/** Pebble's service backoff defaults, applied by the service manager. */
export const SERVICE_DEFAULTS = {
  "backoff-delay": "500ms",
  "backoff-factor": 2,
  "backoff-limit": "30s",
  "kill-delay": "5s",
} as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkKeys(where: string, value: Json, allowed: Set<string>): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) throw new LayerError(`${where}: unknown field "${key}"`);
  }
}

function checkType(where: string, value: unknown, type: "string" | "number" | "boolean"): void {
  if (value !== undefined && typeof value !== type) {
    throw new LayerError(`${where} must be a ${type}`);
  }
}

function checkStringList(where: string, value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw new LayerError(`${where} must be a list of strings`);
  }
}

function checkStringMap(where: string, value: unknown): void {
  if (value === undefined) return;
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== "string")) {
    throw new LayerError(`${where} must be a map of strings`);
  }
}

function checkDuration(where: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== "string" || parseDuration(value) === undefined) {
    throw new LayerError(`${where}: invalid duration ${JSON.stringify(value)}`);
  }
}

function checkOverride(kind: string, name: string, value: unknown): void {
  if (value === undefined || value === "") {
    throw new LayerError(`layer must define "override" for ${kind} "${name}"`);
  }
  if (value !== "merge" && value !== "replace") {
    throw new LayerError(`layer has invalid "override" value for ${kind} "${name}"`);
  }
}

function validAction(action: unknown, extra: ServiceAction): boolean {
  return (
    action === undefined ||
    action === "" ||
    action === "restart" ||
    action === "shutdown" ||
    action === "ignore" ||
    action === extra
  );
}

function validateService(name: string, spec: unknown): void {
  if (name === "") throw new LayerError("cannot use empty string as service name");
  if (name === "pebble") throw new LayerError(`cannot use reserved service name "pebble"`);
  if (name.startsWith("-")) {
    throw new LayerError(`cannot use service name "${name}": starting with "-" not allowed`);
  }
  if (!isObject(spec)) throw new LayerError(`service object cannot be null for service "${name}"`);
  const where = `service "${name}"`;
  checkKeys(where, spec, SERVICE_KEYS);
  checkOverride("service", name, spec.override);
  for (const key of [
    "summary",
    "description",
    "command",
    "user",
    "group",
    "working-dir",
    "workload",
  ]) {
    checkType(`${where} ${key}`, spec[key], "string");
  }
  for (const key of ["user-id", "group-id", "backoff-factor"]) {
    checkType(`${where} ${key}`, spec[key], "number");
  }
  for (const key of ["after", "before", "requires"]) checkStringList(`${where} ${key}`, spec[key]);
  checkStringMap(`${where} environment`, spec.environment);
  checkStringMap(`${where} on-check-failure`, spec["on-check-failure"]);
  for (const key of ["backoff-delay", "backoff-limit", "kill-delay"]) {
    checkDuration(`${where} ${key}`, spec[key]);
  }
  if (spec.startup !== undefined && spec.startup !== "enabled" && spec.startup !== "disabled") {
    throw new LayerError(`${where} startup must be "enabled" or "disabled"`);
  }
  if (typeof spec.command === "string") {
    try {
      parseServiceCommand(spec.command);
    } catch (e) {
      throw new LayerError(`plan service "${name}" command invalid: ${(e as Error).message}`);
    }
  }
  if (!validAction(spec["on-success"], "failure-shutdown")) {
    throw new LayerError(
      `plan service "${name}" on-success action "${String(spec["on-success"])}" invalid`,
    );
  }
  if (!validAction(spec["on-failure"], "success-shutdown")) {
    throw new LayerError(
      `plan service "${name}" on-failure action "${String(spec["on-failure"])}" invalid`,
    );
  }
  for (const action of Object.values((spec["on-check-failure"] as Json | undefined) ?? {})) {
    if (!validAction(action, "success-shutdown")) {
      throw new LayerError(
        `plan service "${name}" on-check-failure action "${String(action)}" invalid`,
      );
    }
  }
  const factor = spec["backoff-factor"];
  if (typeof factor === "number" && factor < 1) {
    throw new LayerError(
      `plan service "${name}" backoff-factor must be 1.0 or greater, not ${factor}`,
    );
  }
}

function validateCheck(name: string, spec: unknown): void {
  if (name === "") throw new LayerError("cannot use empty string as check name");
  if (!isObject(spec)) throw new LayerError(`check object cannot be null for check "${name}"`);
  const where = `check "${name}"`;
  checkKeys(where, spec, CHECK_KEYS);
  checkOverride("check", name, spec.override);
  if (spec.level !== undefined && spec.level !== "alive" && spec.level !== "ready") {
    throw new LayerError(`plan check "${name}" level must be "alive" or "ready"`);
  }
  if (spec.startup !== undefined && spec.startup !== "enabled" && spec.startup !== "disabled") {
    throw new LayerError(`plan check "${name}" startup must be "enabled" or "disabled"`);
  }
  checkDuration(`${where} period`, spec.period);
  checkDuration(`${where} timeout`, spec.timeout);
  if (spec.period !== undefined && parseDuration(spec.period as string) === 0) {
    throw new LayerError(`plan check "${name}" period must not be zero`);
  }
  if (spec.timeout !== undefined && parseDuration(spec.timeout as string) === 0) {
    throw new LayerError(`plan check "${name}" timeout must not be zero`);
  }
  checkType(`${where} threshold`, spec.threshold, "number");
  if (spec.http !== undefined) {
    if (!isObject(spec.http)) throw new LayerError(`${where} http must be a map`);
    checkKeys(`${where} http`, spec.http, HTTP_KEYS);
    checkType(`${where} http url`, spec.http.url, "string");
    checkStringMap(`${where} http headers`, spec.http.headers);
  }
  if (spec.tcp !== undefined) {
    if (!isObject(spec.tcp)) throw new LayerError(`${where} tcp must be a map`);
    checkKeys(`${where} tcp`, spec.tcp, TCP_KEYS);
    checkType(`${where} tcp port`, spec.tcp.port, "number");
    checkType(`${where} tcp host`, spec.tcp.host, "string");
  }
  if (spec.exec !== undefined) {
    if (!isObject(spec.exec)) throw new LayerError(`${where} exec must be a map`);
    const exec = spec.exec;
    checkKeys(`${where} exec`, exec, EXEC_KEYS);
    for (const key of ["command", "service-context", "user", "group", "working-dir"]) {
      checkType(`${where} exec ${key}`, exec[key], "string");
    }
    checkType(`${where} exec user-id`, exec["user-id"], "number");
    checkType(`${where} exec group-id`, exec["group-id"], "number");
    checkStringMap(`${where} exec environment`, exec.environment);
    if (typeof exec.command === "string") {
      try {
        splitCommand(exec.command);
      } catch (e) {
        throw new LayerError(`plan check "${name}" command invalid: ${(e as Error).message}`);
      }
    }
  }
}

function validateLogTarget(name: string, spec: unknown): void {
  if (!isObject(spec)) {
    throw new LayerError(`log target object cannot be null for log target "${name}"`);
  }
  const where = `log target "${name}"`;
  checkKeys(where, spec, LOG_TARGET_KEYS);
  checkOverride("log target", name, spec.override);
  checkType(`${where} location`, spec.location, "string");
  checkStringList(`${where} services`, spec.services);
  checkStringMap(`${where} labels`, spec.labels);
  for (const label of Object.keys((spec.labels as Json | undefined) ?? {})) {
    if (label.startsWith("pebble_")) {
      throw new LayerError(`${where}: label "${label}" uses reserved prefix "pebble_"`);
    }
  }
  if (spec.type !== undefined && spec.type !== "loki" && spec.type !== "opentelemetry") {
    throw new LayerError(
      `${where} has unsupported type "${String(spec.type)}", must be "loki" or "opentelemetry"`,
    );
  }
}

/**
 * Checks a single layer as Pebble does when it is added (fields, names, override, actions,
 * durations, command syntax). Raises {@link LayerError}. Rules that need the whole plan (a command
 * for every service, exactly one check type) are in {@link validatePlan}.
 *
 * @example
 * ```ts
 * validateLayer({ services: { web: { override: "replace", command: "web" } } });
 * ```
 */
export function validateLayer(layer: Layer, label?: string): void {
  if (!isObject(layer)) throw new LayerError("layer must be a map");
  if (label !== undefined && label.startsWith("pebble-")) {
    throw new LayerError(`cannot use reserved label prefix "pebble-"`);
  }
  checkKeys("layer", layer as unknown as Json, LAYER_KEYS);
  checkType("layer summary", layer.summary, "string");
  checkType("layer description", layer.description, "string");
  for (const [section, validate] of [
    ["services", validateService],
    ["checks", validateCheck],
    ["log-targets", validateLogTarget],
  ] as const) {
    const entries: unknown = layer[section];
    if (entries === undefined || entries === null) continue;
    if (!isObject(entries)) throw new LayerError(`layer ${section} must be a map`);
    for (const [name, spec] of Object.entries(entries)) validate(name, spec);
  }
}

/**
 * Checks a combined plan as Pebble does before accepting a layer: every service has a command,
 * every check has exactly one of http/tcp/exec with its required field, exec checks name an
 * existing service context, log targets have a type, a location and known services, and the
 * services' `after`/`before` order has no cycle.
 *
 * @example
 * ```ts
 * validatePlan(combineLayers([baseLayer, charmLayer]));
 * ```
 */
export function validatePlan(plan: Plan): void {
  for (const [name, service] of Object.entries(plan.services)) {
    if (!service.command) throw new LayerError(`plan must define "command" for service "${name}"`);
  }
  for (const [name, check] of Object.entries(plan.checks)) {
    let types = 0;
    if (check.http) {
      if (!check.http.url) throw new LayerError(`plan must set "url" for http check "${name}"`);
      types++;
    }
    if (check.tcp) {
      if (!check.tcp.port) throw new LayerError(`plan must set "port" for tcp check "${name}"`);
      types++;
    }
    if (check.exec) {
      if (!check.exec.command) {
        throw new LayerError(`plan must set "command" for exec check "${name}"`);
      }
      const context = check.exec["service-context"];
      if (context && !plan.services[context]) {
        throw new LayerError(
          `plan check "${name}" service context specifies non-existent service "${context}"`,
        );
      }
      types++;
    }
    if (types !== 1) {
      throw new LayerError(`plan must specify one of "http", "tcp", or "exec" for check "${name}"`);
    }
  }
  for (const [name, target] of Object.entries(plan["log-targets"])) {
    if (!target.type) {
      throw new LayerError(
        `plan must define "type" ("loki" or "opentelemetry") for log target "${name}"`,
      );
    }
    for (const entry of target.services ?? []) {
      const service = entry.replace(/^-/, "");
      if (service !== "all" && !plan.services[service]) {
        throw new LayerError(`log target "${name}" specifies unknown service "${service}"`);
      }
    }
    if (!target.location)
      throw new LayerError(`plan must define "location" for log target "${name}"`);
  }
  checkOrderCycles(plan.services);
}

function checkOrderCycles(services: Record<string, ServiceSpec>): void {
  const edges = new Map<string, Set<string>>();
  const add = (from: string, to: string): void => {
    if (!edges.has(from)) edges.set(from, new Set());
    edges.get(from)?.add(to);
  };
  for (const [name, service] of Object.entries(services)) {
    for (const before of service.after ?? []) add(before, name);
    for (const after of service.before ?? []) add(name, after);
  }
  const state = new Map<string, "visiting" | "done">();
  const visit = (node: string, path: string[]): void => {
    const seen = state.get(node);
    if (seen === "done") return;
    if (seen === "visiting") {
      const cycle = path.slice(path.indexOf(node));
      throw new LayerError(`services in before/after loop: ${cycle.sort().join(", ")}`);
    }
    state.set(node, "visiting");
    for (const next of edges.get(node) ?? []) visit(next, [...path, next]);
    state.set(node, "done");
  };
  for (const node of edges.keys()) visit(node, [node]);
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function dropUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}

/**
 * Merges `other` into `base` as Pebble merges two services with `override: merge`: scalar fields
 * that `other` sets win, lists (`after`, `before`, `requires`) are appended, maps (`environment`,
 * `on-check-failure`) are merged key by key.
 *
 * @example
 * ```ts
 * mergeService({ override: "replace", command: "a", environment: { X: "1" } },
 *              { override: "merge", environment: { Y: "2" } });
 * // { override: "replace", command: "a", environment: { X: "1", Y: "2" } }
 * ```
 */
export function mergeService(base: ServiceSpec, other: ServiceSpec): ServiceSpec {
  const out = clone(base) as unknown as Json;
  for (const [key, value] of Object.entries(other)) {
    if (value === undefined || value === "" || key === "override") continue;
    if (key === "after" || key === "before" || key === "requires") {
      out[key] = [...((out[key] as string[] | undefined) ?? []), ...(value as string[])];
    } else if (key === "environment" || key === "on-check-failure") {
      out[key] = { ...((out[key] as Json | undefined) ?? {}), ...(value as Json) };
    } else {
      out[key] = clone(value);
    }
  }
  return out as unknown as ServiceSpec;
}

/**
 * Merges `other` into `base` as Pebble merges two checks with `override: merge`: set scalars
 * win; `http`, `tcp` and `exec` are merged field by field (headers and environment key by key).
 *
 * @example
 * ```ts
 * mergeCheck({ override: "replace", tcp: { port: 80 } }, { override: "merge", threshold: 1 });
 * ```
 */
export function mergeCheck(base: CheckSpec, other: CheckSpec): CheckSpec {
  const out = clone(base) as unknown as Json;
  for (const [key, value] of Object.entries(other)) {
    if (value === undefined || value === "" || value === 0 || key === "override") continue;
    if (key === "http" || key === "tcp" || key === "exec") {
      const merged: Json = { ...((out[key] as Json | undefined) ?? {}) };
      for (const [field, fieldValue] of Object.entries(value as Json)) {
        if (fieldValue === undefined || fieldValue === "") continue;
        if (field === "port" && fieldValue === 0) continue;
        if (field === "headers" || field === "environment") {
          merged[field] = {
            ...((merged[field] as Json | undefined) ?? {}),
            ...(fieldValue as Json),
          };
        } else {
          merged[field] = fieldValue;
        }
      }
      out[key] = merged;
    } else {
      out[key] = clone(value);
    }
  }
  return out as unknown as CheckSpec;
}

/**
 * Merges `other` into `base` as Pebble merges two log targets: set scalars win, `services` is
 * appended, `labels` merged key by key.
 *
 * @example
 * ```ts
 * mergeLogTarget({ override: "replace", type: "loki", services: ["a"] }, { override: "merge", services: ["-a"] });
 * ```
 */
export function mergeLogTarget(base: LogTargetSpec, other: LogTargetSpec): LogTargetSpec {
  const out: LogTargetSpec = clone(base);
  if (other.type) out.type = other.type;
  if (other.location) out.location = other.location;
  if (other.services) out.services = [...(out.services ?? []), ...other.services];
  if (other.labels) out.labels = { ...(out.labels ?? {}), ...other.labels };
  return out;
}

function combineSection<T extends { override: Override }>(
  kind: string,
  into: Record<string, T>,
  entries: Record<string, T> | undefined,
  merge: (base: T, other: T) => T,
): void {
  for (const [name, spec] of Object.entries(entries ?? {})) {
    checkOverride(kind, name, spec.override);
    const existing = into[name];
    into[name] = spec.override === "merge" && existing ? merge(existing, spec) : clone(spec);
  }
}

/**
 * An empty plan.
 *
 * @example
 * ```ts
 * const plan = emptyPlan(); // { services: {}, checks: {}, "log-targets": {} }
 * ```
 */
export function emptyPlan(): Plan {
  return { services: {}, checks: {}, "log-targets": {} };
}

/**
 * Combines layers, lowest first, into a plan with Pebble's override rules: `replace` puts the
 * entry in place of any earlier one, `merge` merges it into the earlier one (or adds it). Checks
 * get Pebble's default `threshold` of 3, as in the plan Pebble reports. Does not validate the
 * result; see {@link validatePlan}.
 *
 * @example
 * ```ts
 * const plan = combineLayers([base, { services: { web: { override: "merge", environment: { X: "1" } } } }]);
 * ```
 */
export function combineLayers(layers: readonly (Layer | Plan)[]): Plan {
  const plan = emptyPlan();
  for (const layer of layers) {
    combineSection("service", plan.services, layer.services, mergeService);
    combineSection("check", plan.checks, layer.checks, mergeCheck);
    combineSection("log target", plan["log-targets"], layer["log-targets"], mergeLogTarget);
  }
  for (const check of Object.values(plan.checks)) {
    if (!check.threshold) check.threshold = CHECK_DEFAULTS.threshold;
  }
  return plan;
}

/**
 * Renders a layer as Pebble layer YAML (keys in the order given, undefined fields left out).
 *
 * @example
 * ```ts
 * renderLayer({ services: { web: { override: "replace", command: "web" } } });
 * // "services:\n  web:\n    override: replace\n    command: web\n"
 * ```
 */
export function renderLayer(layer: Layer | Plan): string {
  const copy = JSON.parse(JSON.stringify(layer)) as Json;
  for (const key of ["services", "checks", "log-targets"]) {
    if (isObject(copy[key]) && Object.keys(copy[key]).length === 0) delete copy[key];
  }
  return Object.keys(copy).length === 0 ? "{}\n" : stringifyYaml(copy);
}

function parseYamlMap(text: string, what: string): Json {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new LayerError(`cannot parse ${what}: ${(e as Error).message}`);
  }
  if (data === null || data === undefined) return {};
  if (!isObject(data)) throw new LayerError(`cannot parse ${what}: not a map`);
  return data;
}

/**
 * Parses and validates layer YAML. Raises {@link LayerError} on bad YAML or a bad layer.
 *
 * @example
 * ```ts
 * const layer = parseLayer("services:\n  web:\n    override: replace\n    command: web\n");
 * ```
 */
export function parseLayer(yaml: string, label?: string): Layer {
  const data = parseYamlMap(yaml, label ? `layer "${label}"` : "layer");
  for (const key of ["services", "checks", "log-targets"]) {
    if (data[key] === null) delete data[key];
  }
  const layer = dropUndefined(data) as Layer;
  validateLayer(layer, label);
  return layer;
}

/**
 * Parses the plan YAML that `GET /v1/plan?format=yaml` returns. Sections Pebble adds that this
 * model does not know (extensions) are ignored.
 *
 * @example
 * ```ts
 * const plan = parsePlan(await fetchPlanYaml());
 * Object.keys(plan.services);
 * ```
 */
export function parsePlan(yaml: string): Plan {
  const data = parseYamlMap(yaml, "plan");
  const section = <T>(key: string): Record<string, T> => {
    const value = data[key];
    return isObject(value) ? (value as Record<string, T>) : {};
  };
  return {
    services: section<ServiceSpec>("services"),
    checks: section<CheckSpec>("checks"),
    "log-targets": section<LogTargetSpec>("log-targets"),
  };
}
