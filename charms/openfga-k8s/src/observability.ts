/**
 * The charm's COS assets: Prometheus alert rules, Loki alert rules and the Grafana dashboard.
 *
 * The interface libraries read them from folders (`src/prometheus_alert_rules`, ...) of the
 * charm directory, but the packer (`lib/pack`) ships only the bundle and the metadata files, so
 * the assets live in the bundle (this module) and are written once to a folder named after
 * their content hash, which the libraries are pointed at.
 *
 * @example
 * ```ts
 * const dirs = assetDirs(); // written once per content version
 * new MetricsEndpointProvider(this, { alertRulesPath: dirs.prometheusRules, jobs });
 * ```
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import dashboard from "./grafana_dashboards/openfga.json" with { type: "json" };

/**
 * Prometheus alerts: most units down, and all of them.
 *
 * @example
 * ```ts
 * PROMETHEUS_RULES.includes("OpenFGAUnavailable-all"); // true
 * ```
 */
export const PROMETHEUS_RULES = `groups:
  - name: openfga-availability
    rules:
      - alert: OpenFGAUnavailable-multiple
        expr: (sum(up{%%juju_topology%%}) / count(up{%%juju_topology%%})) < 0.7
        for: 5m
        labels:
          severity: critical
        annotations:
          summary: "Fewer than 70% of the OpenFGA units of {{ $labels.juju_model }}/{{ $labels.juju_application }} are up"
          description: "Only {{ $value | humanizePercentage }} of the OpenFGA units answer their metrics scrape; authorization checks run on the rest."
      - alert: OpenFGAUnavailable-all
        expr: sum(up{%%juju_topology%%}) == 0
        for: 1m
        labels:
          severity: critical
        annotations:
          summary: "No OpenFGA unit of {{ $labels.juju_model }}/{{ $labels.juju_application }} is up"
          description: "Every OpenFGA unit fails its metrics scrape: authorization requests cannot be served."
`;

/**
 * Loki alert: many error (or worse) log lines in a short time.
 *
 * @example
 * ```ts
 * LOKI_RULES.includes("HighFrequencyHighSeverityLog"); // true
 * ```
 */
export const LOKI_RULES = `groups:
  - name: openfga-logs
    rules:
      - alert: HighFrequencyHighSeverityLog
        expr: sum by (juju_unit) (count_over_time({%%juju_topology%%} | json | level=~"error|dpanic|panic|fatal" [5m])) > 100
        for: 1m
        labels:
          severity: warning
        annotations:
          summary: "{{ $labels.juju_unit }} logged more than 100 errors in 5 minutes"
          description: "OpenFGA logs errors at a high rate; look at its logs for the cause."
`;

/**
 * The folders the interface libraries read.
 *
 * @example
 * ```ts
 * const { prometheusRules, lokiRules, dashboards }: AssetDirs = assetDirs();
 * ```
 */
export interface AssetDirs {
  prometheusRules: string;
  lokiRules: string;
  dashboards: string;
}

/**
 * Writes the assets (once per content: the folder is named after their hash) and returns the
 * folders. A stale or half-written folder is never used: the files go to a temporary folder
 * that is renamed into place.
 *
 * @example
 * ```ts
 * assetDirs().dashboards; // "/tmp/openfga-k8s-assets-1a2b3c4d5e6f/grafana_dashboards"
 * ```
 */
export function assetDirs(base: string = tmpdir()): AssetDirs {
  const dashboardText = `${JSON.stringify(dashboard, null, 2)}\n`;
  const hash = createHash("sha256")
    .update(PROMETHEUS_RULES)
    .update(LOKI_RULES)
    .update(dashboardText)
    .digest("hex")
    .slice(0, 12);
  const root = join(base, `openfga-k8s-assets-${hash}`);
  const dirs = {
    prometheusRules: join(root, "prometheus_alert_rules"),
    lokiRules: join(root, "loki_alert_rules"),
    dashboards: join(root, "grafana_dashboards"),
  };
  if (existsSync(root)) return dirs;
  const tmp = `${root}.${process.pid}.tmp`;
  for (const d of ["prometheus_alert_rules", "loki_alert_rules", "grafana_dashboards"]) {
    mkdirSync(join(tmp, d), { recursive: true });
  }
  writeFileSync(join(tmp, "prometheus_alert_rules", "openfga.rules"), PROMETHEUS_RULES);
  writeFileSync(join(tmp, "loki_alert_rules", "openfga.rules"), LOKI_RULES);
  writeFileSync(join(tmp, "grafana_dashboards", "openfga.json"), dashboardText);
  try {
    renameSync(tmp, root);
  } catch {
    // Another hook won the race: its folder holds the same content.
  }
  return dirs;
}
