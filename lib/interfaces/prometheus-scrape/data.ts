/**
 * `prometheus_scrape` v0 wire format, provider side (the Python `MetricsEndpointProvider`, PROM
 * LIBPATCH 61): the app bag holds `scrape_jobs`, `scrape_metadata` and `alert_rules` (JSON as
 * `json.dumps` writes it); each unit bag holds `prometheus_scrape_unit_address`, `_name`, and
 * `_path`/`_fqdn` when not empty. The requirer (Prometheus) may write `event` back.
 *
 * @example
 * ```ts
 * const app = renderProviderAppData({ jobs: [{ static_configs: [{ targets: ["*:8080"] }] }], topology, alertRules });
 * const unit = renderProviderUnitData({ address: "10.1.2.3", name: "jimm/0", fqdn: "jimm-0.jimm-endpoints…" });
 * ```
 */
import { type DataSource, InterfaceDataError, fieldJson, isObject } from "../common/databag.js";
import { isIp } from "../common/network.js";
import { type PyJson, pyJsonDumps } from "../common/python-json.js";
import type { JujuTopology } from "../common/topology.js";
import type { RuleFile } from "./rules.js";

/**
 * The interface name.
 *
 * @example
 * ```ts
 * const src = { interfaceName: INTERFACE, relation: "metrics-endpoint:1", owner: "prometheus" };
 * ```
 */
export const INTERFACE = "prometheus_scrape";

/**
 * Job keys the library forwards; others are dropped.
 *
 * @example
 * ```ts
 * ALLOWED_JOB_KEYS.has("honor_labels"); // false: dropped
 * ```
 */
export const ALLOWED_JOB_KEYS: ReadonlySet<string> = new Set([
  "job_name",
  "metrics_path",
  "static_configs",
  "scrape_interval",
  "scrape_timeout",
  "proxy_url",
  "relabel_configs",
  "metric_relabel_configs",
  "sample_limit",
  "label_limit",
  "label_name_length_limit",
  "label_value_length_limit",
  "scheme",
  "basic_auth",
  "tls_config",
  "authorization",
  "params",
]);

/**
 * One static config: targets (`*:<port>` means every unit) and optional labels.
 *
 * @example
 * ```ts
 * const s: StaticConfig = { targets: ["*:8080"], labels: { team: "jaas" } };
 * ```
 */
export interface StaticConfig {
  targets: string[];
  labels?: Record<string, string>;
  [key: string]: PyJson | undefined;
}

/**
 * A scrape job, a subset of Prometheus' `scrape_config`.
 *
 * @example
 * ```ts
 * const job: ScrapeJob = { metrics_path: "/metrics", static_configs: [{ targets: ["*:2112"] }] };
 * ```
 */
export interface ScrapeJob {
  job_name?: string;
  metrics_path?: string;
  static_configs?: StaticConfig[];
  scrape_interval?: string;
  scrape_timeout?: string;
  scheme?: string;
  [key: string]: PyJson | undefined;
}

/**
 * The job used when none is given: `/metrics` on port 80 of every unit.
 *
 * @example
 * ```ts
 * defaultJob(); // { metrics_path: "/metrics", static_configs: [{ targets: ["*:80"] }] }
 * ```
 */
export function defaultJob(): ScrapeJob {
  return { metrics_path: "/metrics", static_configs: [{ targets: ["*:80"] }] };
}

/**
 * Keeps the allowed keys of a job on top of the default job, in the key order Python's
 * `dict.update` gives (`metrics_path`, `static_configs`, then the job's other keys).
 *
 * @example
 * ```ts
 * sanitizeJob({ static_configs: [{ targets: ["*:8080"] }], honor_labels: true });
 * // { metrics_path: "/metrics", static_configs: [{ targets: ["*:8080"] }] }
 * ```
 */
export function sanitizeJob(job: ScrapeJob): ScrapeJob {
  const out: ScrapeJob = defaultJob();
  for (const [k, v] of Object.entries(job)) {
    if (ALLOWED_JOB_KEYS.has(k) && v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * What the provider's leader publishes.
 *
 * @example
 * ```ts
 * renderProviderAppData({ jobs: [], topology, alertRules: {} });
 * ```
 */
export interface ProviderAppData {
  /** The jobs as given (sanitized here); empty means the default job. */
  jobs: readonly ScrapeJob[];
  topology: JujuTopology;
  /** Alert rules, already labelled (see `AlertRules`). */
  alertRules: RuleFile;
}

/**
 * The provider's app bag: `scrape_metadata`, `scrape_jobs`, `alert_rules`.
 *
 * @example
 * ```ts
 * relation.data(this.app).replace(renderProviderAppData({ jobs, topology, alertRules }));
 * ```
 */
export function renderProviderAppData(d: ProviderAppData): Record<string, string> {
  const jobs = d.jobs.length > 0 ? d.jobs.map(sanitizeJob) : [defaultJob()];
  return {
    scrape_metadata: pyJsonDumps(d.topology.asDict()),
    scrape_jobs: pyJsonDumps(jobs),
    alert_rules: pyJsonDumps(d.alertRules as PyJson),
  };
}

/**
 * What each provider unit publishes.
 *
 * @example
 * ```ts
 * renderProviderUnitData({ address: "10.1.2.3", name: "jimm/0" });
 * ```
 */
export interface ProviderUnitData {
  /** The address Prometheus scrapes: the unit IP, or a host name. */
  address: string;
  /** The unit name (`jimm/0`). */
  name: string;
  /** A path prefix, behind an ingress or proxy. */
  path?: string;
  /** The unit's FQDN, when `address` is an IP. */
  fqdn?: string;
}

/**
 * A provider unit bag. Empty `path`/`fqdn` are left out: Python sets them to `""`, which deletes
 * the key in Juju.
 *
 * @example
 * ```ts
 * relation.data(this.unit).replace(renderProviderUnitData({ address: ip, name: unit.name, fqdn }));
 * ```
 */
export function renderProviderUnitData(d: ProviderUnitData): Record<string, string> {
  const out: Record<string, string> = {
    prometheus_scrape_unit_address: d.address,
    prometheus_scrape_unit_name: d.name,
  };
  if (d.path) out.prometheus_scrape_unit_path = d.path;
  if (d.fqdn) out.prometheus_scrape_unit_fqdn = d.fqdn;
  return out;
}

/**
 * The address a unit publishes, as the Python library picks it: with an external URL, its host
 * and path; otherwise the bind address if it is an IP (with the FQDN beside it), else the FQDN.
 *
 * @example
 * ```ts
 * unitAddress({ bindAddress: "10.1.2.3", fqdn: "jimm-0.jimm-endpoints.m.svc.cluster.local" });
 * // { address: "10.1.2.3", fqdn: "jimm-0.jimm-endpoints.m.svc.cluster.local" }
 * ```
 */
export function unitAddress(opts: {
  bindAddress?: string | undefined;
  fqdn: string;
  externalUrl?: string | undefined;
}): { address: string; path?: string; fqdn?: string } {
  if (opts.externalUrl) {
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(opts.externalUrl)
      ? opts.externalUrl
      : `http://${opts.externalUrl}`;
    const url = new URL(withScheme);
    const path = url.pathname === "/" && !opts.externalUrl.endsWith("/") ? "" : url.pathname;
    return { address: url.hostname, ...(path ? { path } : {}) };
  }
  if (opts.bindAddress && isIp(opts.bindAddress)) {
    return { address: opts.bindAddress, fqdn: opts.fqdn };
  }
  return { address: opts.fqdn, fqdn: opts.fqdn };
}

/**
 * What Prometheus reports back in its app bag (`event`).
 *
 * @example
 * ```ts
 * const ev: RequirerEvent | undefined = parseRequirerEvent(bag, src); ev?.valid;
 * ```
 */
export interface RequirerEvent {
  /** Whether the alert rules validated. */
  valid: boolean;
  /** Rule validation errors. */
  errors: string;
  /** Scrape job validation errors. */
  scrapeJobErrors?: string;
}

/**
 * Parses the requirer's `event` key; undefined when absent or `{}`. Throws
 * {@link InterfaceDataError} when it is not a JSON object.
 *
 * @example
 * ```ts
 * const ev = parseRequirerEvent(relation.data(relation.app!).toObject(), src);
 * if (ev && !ev.valid) this.unit.status = new BlockedStatus(`invalid alert rules: ${ev.errors}`);
 * ```
 */
export function parseRequirerEvent(
  bag: Readonly<Record<string, string>>,
  src: DataSource,
): RequirerEvent | undefined {
  const ev = fieldJson(bag, "event", src, isObject, "a JSON object");
  if (!ev || Object.keys(ev).length === 0) return undefined;
  const text = (v: unknown): string =>
    v === undefined || v === null ? "" : typeof v === "string" ? v : JSON.stringify(v);
  if (ev.valid !== undefined && typeof ev.valid !== "boolean") {
    throw new InterfaceDataError(src, "event", 'has a non-boolean "valid"');
  }
  const scrape = text(ev.scrape_job_errors);
  return {
    valid: ev.valid === undefined ? true : ev.valid,
    errors: text(ev.errors),
    ...(scrape ? { scrapeJobErrors: scrape } : {}),
  };
}
