/**
 * Alert and recording rules as the COS libraries forward them (cos-lib `Rules`): read from rule
 * files (the official `groups:` format or one rule per file), each group renamed
 * `<model>_<uuid8>_<app>[_<sub dir>]_<group>_rules`, each rule labelled with the Juju topology
 * (`juju_model`, `juju_model_uuid`, `juju_application`, `juju_charm`) and its expression narrowed
 * to this application (`%%juju_topology%%` placeholder, then label matchers on every selector).
 *
 * @example
 * ```ts
 * const rules = new AlertRules("promql", topology);
 * rules.addPath(join(charmDir, "src/prometheus_alert_rules"), { recursive: true });
 * rules.add(genericAlertGroups(), { groupNamePrefix: topology.identifier });
 * relation.data(app).set("alert_rules", pyJsonDumps(rules.asDict()));
 * ```
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, extname, join, relative, sep } from "node:path";
import { parse as parseYaml } from "yaml";
import { type PyJson, asPyJson } from "../common/python-json.js";
import { type QueryType, injectLabelMatchers } from "./label-injector.js";
import type { JujuTopology } from "../common/topology.js";

export type { QueryType } from "./label-injector.js";

/**
 * One rule: `alert` or `record`, `expr`, and any other Prometheus/Loki rule fields.
 *
 * @example
 * ```ts
 * const r: Rule = { alert: "JimmDown", expr: "up < 1", for: "5m" };
 * ```
 */
export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: PyJson | undefined;
}

/**
 * One rule group.
 *
 * @example
 * ```ts
 * const g: RuleGroup = { name: "jimm", rules: [{ alert: "JimmDown", expr: "up < 1" }] };
 * ```
 */
export interface RuleGroup {
  name: string;
  rules: Rule[];
  [key: string]: PyJson | undefined;
}

/**
 * A rules file: `{groups: [...]}`, or `{}` when there are no rules.
 *
 * @example
 * ```ts
 * const f: RuleFile = rules.asDict(); f.groups?.length;
 * ```
 */
export interface RuleFile {
  groups?: RuleGroup[];
}

/**
 * A rule file's content could not be used.
 *
 * @example
 * ```ts
 * rules.add({ nothing: true }); // throws InvalidRulesError("Invalid rule format")
 * ```
 */
export class InvalidRulesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidRulesError";
  }
}

const RULE_SUFFIXES = new Set([".rule", ".rules", ".yml", ".yaml"]);
const ALREADY_MODIFIED = /^.*?_[\da-f]{8}_.*?rules$/;

/**
 * The generic `HostHealth` group (HostDown, HostMetricsMissing) that `MetricsEndpointProvider`
 * forwards for every application (cos-lib `generic_alert_groups.application_rules`).
 *
 * @example
 * ```ts
 * rules.add(genericAlertGroups(), { groupNamePrefix: topology.identifier });
 * ```
 */
export function genericAlertGroups(): { groups: RuleGroup[] } {
  return {
    groups: [
      {
        name: "HostHealth",
        rules: [
          {
            alert: "HostDown",
            expr: "up < 1",
            for: "5m",
            labels: { severity: "critical" },
            annotations: {
              summary: "Host '{{ $labels.instance }}' is down.",
              description:
                "Juju application '{{ $labels.juju_application }}' in model '{{ $labels.juju_model }}' is down. Prometheus has been unable to scrape it during at least the past five minutes.",
            },
          },
          {
            alert: "HostMetricsMissing",
            expr: "absent(up)",
            for: "5m",
            labels: { severity: "warning" },
            annotations: {
              summary:
                "Unit '{{ $labels.juju_unit }}' of application '{{ $labels.juju_application }}' is down or failing to remote write.",
              description:
                "`Up` missing for unit '{{ $labels.juju_unit }}' of application {{ $labels.juju_application }} in model {{ $labels.juju_model }}. Please ensure the unit or the collector scraping it is up and is able to successfully reach the metrics backend.",
            },
          },
        ],
      },
    ],
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function toRule(raw: unknown, where: string): Rule {
  if (!isRecord(raw) || typeof raw.expr !== "string") {
    throw new InvalidRulesError(`${where}: each rule needs a string "expr"`);
  }
  return asPyJson(raw) as Rule;
}

/**
 * Rules gathered for one application, labelled with its topology.
 *
 * @example
 * ```ts
 * const rules = new AlertRules("promql", topology);
 * rules.add({ alert: "JimmDown", expr: "up < 1" }, { groupName: "jimm" });
 * ```
 */
export class AlertRules {
  private readonly groups: RuleGroup[] = [];

  constructor(
    readonly queryType: QueryType,
    readonly topology?: JujuTopology,
  ) {}

  /**
   * Adds rules from a parsed document: `{groups: [...]}`, or a single rule (`alert`/`record` and
   * `expr`) which becomes a group named `groupName`. Throws {@link InvalidRulesError}.
   */
  add(doc: unknown, opts: { groupName?: string; groupNamePrefix?: string } = {}): void {
    this.groups.push(...this.fromDict(doc, opts.groupName, opts.groupNamePrefix));
  }

  /**
   * Adds every `.rule`, `.rules`, `.yml` and `.yaml` file of a directory (or one file). A file that
   * cannot be read or parsed is skipped and reported through `onError`. A missing path adds
   * nothing.
   */
  addPath(
    path: string,
    opts: { recursive?: boolean; onError?: (file: string, message: string) => void } = {},
  ): void {
    if (!existsSync(path)) return;
    const onError = opts.onError ?? (() => {});
    if (statSync(path).isFile()) {
      this.addFile(join(path, ".."), path, onError);
      return;
    }
    for (const file of listRuleFiles(path, opts.recursive ?? false)) {
      this.addFile(path, file, onError);
    }
  }

  private addFile(root: string, file: string, onError: (f: string, m: string) => void): void {
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(file, "utf8"));
    } catch (e) {
      onError(file, `cannot read rules: ${(e as Error).message}`);
      return;
    }
    const relDir = relative(root, join(file, ".."));
    const parts = [
      this.topology?.identifier ?? "",
      relDir === "" ? "" : relDir.split(sep).join("/"),
    ];
    const prefix = parts.filter((p) => p !== "").join("_");
    const stem = basename(file, extname(file));
    try {
      this.groups.push(...this.fromDict(doc, stem, prefix));
    } catch (e) {
      onError(file, (e as Error).message);
    }
  }

  private fromDict(doc: unknown, groupName?: string, groupNamePrefix?: string): RuleGroup[] {
    if (!isRecord(doc) || Object.keys(doc).length === 0) throw new InvalidRulesError("Empty");
    let groups: RuleGroup[];
    if ("groups" in doc) {
      if (!Array.isArray(doc.groups)) throw new InvalidRulesError('"groups" must be a list');
      groups = doc.groups.map((g, i) => {
        if (!isRecord(g) || typeof g.name !== "string" || !Array.isArray(g.rules)) {
          throw new InvalidRulesError(`group ${i} needs a "name" and a list of "rules"`);
        }
        const copy = asPyJson(g) as RuleGroup;
        copy.rules = g.rules.map((r) => toRule(r, `group "${g.name}"`));
        return copy;
      });
    } else if (typeof doc.expr === "string" && ("alert" in doc || "record" in doc)) {
      if (!groupName) throw new InvalidRulesError("a single rule needs a group name");
      groups = [{ name: groupName, rules: [toRule(doc, "rule")] }];
    } else {
      throw new InvalidRulesError("Invalid rule format");
    }
    for (const group of groups) {
      if (!ALREADY_MODIFIED.test(group.name)) {
        let name = [groupNamePrefix ?? "", group.name].filter((p) => p !== "").join("_");
        if (!name.endsWith("_rules")) name += "_rules";
        group.name = name;
      }
      group.name = group.name.replace(/[^a-zA-Z0-9_:]/g, "_");
      for (const rule of group.rules) this.labelRule(rule);
    }
    return groups;
  }

  private labelRule(rule: Rule): void {
    rule.labels ??= {};
    const labels = rule.labels;
    if (!this.topology) return;
    for (const [k, v] of Object.entries(this.topology.labelMatcherDict)) {
      if (!(k in labels)) labels[k] = v;
    }
    const replacement = this.queryType === "logql" ? 'job=~".+"' : "";
    const expr = rule.expr.replace(/%%juju_topology%%,?/g, replacement);
    const matchers: Record<string, string> = {};
    for (const k of ["juju_model", "juju_model_uuid", "juju_application"]) {
      const v = labels[k];
      if (v !== undefined) matchers[k] = v;
    }
    rule.expr = injectLabelMatchers(expr, matchers, this.queryType);
  }

  /** `{groups: [...]}`, or `{}` when no rules were added. */
  asDict(): RuleFile {
    return this.groups.length > 0 ? { groups: this.groups } : {};
  }
}

function listRuleFiles(dir: string, recursive: boolean): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) {
        if (recursive) walk(p);
      } else if (entry.isFile() && RULE_SUFFIXES.has(extname(entry.name))) {
        out.push(p);
      }
    }
  };
  walk(dir);
  // Python sorts Path objects part by part.
  return out.sort((a, b) => {
    const pa = relative(dir, a).split(sep);
    const pb = relative(dir, b).split(sep);
    for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
      if (pa[i] !== pb[i]) return pa[i]! < pb[i]! ? -1 : 1;
    }
    return pa.length - pb.length;
  });
}
