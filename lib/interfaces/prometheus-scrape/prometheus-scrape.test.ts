import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CharmBase, type CharmContext } from "../../ops/charm.js";
import { CharmMeta } from "../../ops/metadata.js";
import { BlockedStatus } from "../../ops/model/status.js";
import { Context } from "../../testing/context.js";
import { network, relation, state } from "../../testing/state.js";
import { InterfaceDataError } from "../common/databag.js";
import {
  AlertRules,
  type AlertRuleStatusChangedEvent,
  JujuTopology,
  MetricsEndpointProvider,
  genericAlertGroups,
  injectLabelMatchers,
  parseRequirerEvent,
  renderProviderAppData,
  sanitizeJob,
  unitAddress,
} from "./index.js";
import { schemaErrors } from "../common/schema-check.js";

const UUID = "1d8a3f2e-0000-4000-8000-000000000000";
const TOPOLOGY = new JujuTopology("jimm-model", UUID, "jimm", "jimm/0", "juju-jimm-k8s");
const SRC = {
  interfaceName: "prometheus_scrape",
  relation: "metrics-endpoint:1",
  owner: "prometheus",
};

function rulesDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "prom-rules-"));
  writeFileSync(
    join(dir, "jimm.rule"),
    "alert: JimmDown\nexpr: up{%%juju_topology%%} < 1\nfor: 1m\nlabels:\n  severity: critical\nannotations:\n  summary: JIMM is down\n",
  );
  mkdirSync(join(dir, "sub"));
  writeFileSync(
    join(dir, "sub", "official.rules"),
    "groups:\n- name: jimm-latency\n  rules:\n  - alert: Slow\n    expr: histogram_quantile(0.99, sum by (le) (rate(http_seconds_bucket[5m]))) > 1\n    for: 5m\n    annotations:\n      summary: slow\n",
  );
  writeFileSync(join(dir, "broken.yaml"), "groups: [\n");
  return dir;
}

const RULES_DIR = rulesDir();

class MetricsCharm extends CharmBase {
  readonly metrics: MetricsEndpointProvider;

  constructor(ctx: CharmContext) {
    super(ctx);
    this.metrics = new MetricsEndpointProvider(this, {
      jobs: [{ static_configs: [{ targets: ["*:8080"] }], honor_labels: true }],
      alertRulesPath: RULES_DIR,
    });
    this.observe(this.metrics.alertRuleStatusChanged, this.onRuleStatus);
  }

  onRuleStatus(event: AlertRuleStatusChangedEvent): void {
    if (!event.valid) this.unit.status = new BlockedStatus(`invalid alert rules: ${event.errors}`);
  }
}

const META = CharmMeta.fromDocuments({
  name: "juju-jimm-k8s",
  provides: { "metrics-endpoint": { interface: "prometheus_scrape" } },
  containers: { jimm: { resource: "jimm-image" } },
});

const MODEL = { name: "jimm-model", uuid: UUID, type: "kubernetes" as const };

describe("label injection (cos-tool transform)", () => {
  const m = { juju_model: "m", juju_application: "a" };
  it.each([
    ["up < 1", 'up{juju_application="a",juju_model="m"} < 1'],
    ["absent(up)", 'absent(up{juju_application="a",juju_model="m"})'],
    [
      'absent(up{job="prometheus"})',
      'absent(up{job="prometheus",juju_application="a",juju_model="m"})',
    ],
    ["rate(metric[5m]) > 0.5", 'rate(metric{juju_application="a",juju_model="m"}[5m]) > 0.5'],
    [
      "sum by(consumergroup) (kafka_consumergroup_lag) > 50",
      'sum by(consumergroup) (kafka_consumergroup_lag{juju_application="a",juju_model="m"}) > 50',
    ],
    ['up{juju_model="other"} == 0', 'up{juju_application="a",juju_model="other"} == 0'],
    [
      "a / on(instance) group_left(x) b offset 5m",
      'a{juju_application="a",juju_model="m"} / on(instance) group_left(x) b{juju_application="a",juju_model="m"} offset 5m',
    ],
    [
      'label_replace(up, "dst", "$1", "src", "(.*)")',
      'label_replace(up{juju_application="a",juju_model="m"}, "dst", "$1", "src", "(.*)")',
    ],
    ['{__name__=~"job:.*"}', '{__name__=~"job:.*",juju_application="a",juju_model="m"}'],
    ["rate(x[5m:1m]) > Inf", 'rate(x{juju_application="a",juju_model="m"}[5m:1m]) > Inf'],
  ])("promql %s", (input, expected) => {
    expect(injectLabelMatchers(input, m, "promql")).toBe(expected);
  });

  it("logql: every stream selector", () => {
    expect(
      injectLabelMatchers(
        'sum(count_over_time({app="x"} |= "{err}" [5m])) by (host) > 0',
        m,
        "logql",
      ),
    ).toBe(
      'sum(count_over_time({app="x",juju_application="a",juju_model="m"} |= "{err}" [5m])) by (host) > 0',
    );
  });

  it("leaves what it cannot scan unchanged", () => {
    expect(injectLabelMatchers('up{job="unterminated}', m, "promql")).toBe('up{job="unterminated}');
    expect(injectLabelMatchers('${prefix}_metric{job="x"}', m, "promql")).toBe(
      '${prefix}_metric{job="x"}',
    );
    expect(injectLabelMatchers("rate(x[$__rate_interval])", m, "promql")).toBe(
      'rate(x{juju_application="a",juju_model="m"}[$__rate_interval])',
    );
    expect(injectLabelMatchers("up", {}, "promql")).toBe("up");
  });
});

describe("alert rules", () => {
  it("names, labels and narrows groups as cos-lib does", () => {
    const rules = new AlertRules("promql", TOPOLOGY);
    const errors: string[] = [];
    rules.addPath(RULES_DIR, { recursive: true, onError: (f) => errors.push(f) });
    rules.add(genericAlertGroups(), { groupNamePrefix: TOPOLOGY.identifier });
    const groups = rules.asDict().groups!;
    expect(errors).toEqual([join(RULES_DIR, "broken.yaml")]);
    expect(groups.map((g) => g.name)).toEqual([
      "jimm_model_1d8a3f2e_jimm_jimm_rules",
      "jimm_model_1d8a3f2e_jimm_sub_jimm_latency_rules",
      "jimm_model_1d8a3f2e_jimm_HostHealth_rules",
    ]);
    const jimmDown = groups[0]!.rules[0]!;
    expect(jimmDown.labels).toEqual({
      severity: "critical",
      juju_model: "jimm-model",
      juju_model_uuid: UUID,
      juju_application: "jimm",
      juju_charm: "juju-jimm-k8s",
    });
    expect(jimmDown.expr).toBe(
      `up{juju_application="jimm",juju_model="jimm-model",juju_model_uuid="${UUID}"} < 1`,
    );
    expect(groups[1]!.rules[0]!.expr).toContain('http_seconds_bucket{juju_application="jimm"');
    expect(groups[2]!.rules.map((r) => r.alert)).toEqual(["HostDown", "HostMetricsMissing"]);
  });

  it('keeps a group name that already carries topology, and logql uses job=~".+"', () => {
    const rules = new AlertRules("logql", TOPOLOGY);
    rules.add({
      groups: [
        {
          name: "m_1d8a3f2e_app_x_rules",
          rules: [{ alert: "E", expr: "count_over_time({%%juju_topology%%}[1m]) > 0" }],
        },
      ],
    });
    const g = rules.asDict().groups![0]!;
    expect(g.name).toBe("m_1d8a3f2e_app_x_rules");
    expect(g.rules[0]!.expr).toBe(
      `count_over_time({job=~".+",juju_application="jimm",juju_model="jimm-model",juju_model_uuid="${UUID}"}[1m]) > 0`,
    );
    expect(new AlertRules("promql").asDict()).toEqual({});
  });
});

describe("prometheus_scrape data", () => {
  it("sanitizes jobs on top of the default job", () => {
    expect(sanitizeJob({ static_configs: [{ targets: ["*:8080"] }], honor_labels: true })).toEqual({
      metrics_path: "/metrics",
      static_configs: [{ targets: ["*:8080"] }],
    });
    expect(
      renderProviderAppData({ jobs: [], topology: TOPOLOGY, alertRules: {} }).scrape_jobs,
    ).toBe('[{"metrics_path": "/metrics", "static_configs": [{"targets": ["*:80"]}]}]');
  });

  it("picks the unit address as the library does", () => {
    expect(unitAddress({ bindAddress: "10.1.2.3", fqdn: "f" })).toEqual({
      address: "10.1.2.3",
      fqdn: "f",
    });
    expect(unitAddress({ bindAddress: "host.local", fqdn: "f" })).toEqual({
      address: "f",
      fqdn: "f",
    });
    expect(unitAddress({ fqdn: "f", externalUrl: "https://proxy.example.com/m-jimm" })).toEqual({
      address: "proxy.example.com",
      path: "/m-jimm",
    });
  });

  it("parses Prometheus' event report and rejects a malformed one", () => {
    expect(parseRequirerEvent({ event: '{"valid": false, "errors": "bad expr"}' }, SRC)).toEqual({
      valid: false,
      errors: "bad expr",
    });
    expect(parseRequirerEvent({ event: "{}" }, SRC)).toBeUndefined();
    expect(() => parseRequirerEvent({ event: "{oops" }, SRC)).toThrow(InterfaceDataError);
    expect(() => parseRequirerEvent({ event: "[]" }, SRC)).toThrow(/JSON object/);
    expect(() => parseRequirerEvent({ event: '{"valid": "no"}' }, SRC)).toThrow(/non-boolean/);
  });
});

describe("MetricsEndpointProvider", () => {
  const ctx = () => new Context(MetricsCharm, { meta: META });
  const prom = (remoteAppData: Record<string, string> = {}) =>
    relation({ endpoint: "metrics-endpoint", id: 1, remoteAppName: "prometheus", remoteAppData });

  it("the leader publishes jobs, metadata and rules; every unit its address; valid against the schema", async () => {
    const c = ctx();
    const rel = prom();
    const out = await c.run(
      c.on.relationJoined(rel),
      state({
        leader: true,
        relations: [rel],
        model: MODEL,
        networks: [network({ binding: "metrics-endpoint", bindAddress: "10.1.2.3" })],
      }),
    );
    const r = out.relations[0]!;
    expect(JSON.parse(r.localAppData.scrape_jobs!)).toEqual([
      { metrics_path: "/metrics", static_configs: [{ targets: ["*:8080"] }] },
    ]);
    expect(r.localAppData.scrape_metadata).toBe(
      `{"model": "jimm-model", "model_uuid": "${UUID}", "application": "juju-jimm-k8s", "unit": "juju-jimm-k8s/0", "charm_name": "juju-jimm-k8s"}`,
    );
    const rules = JSON.parse(r.localAppData.alert_rules!) as { groups: { name: string }[] };
    expect(rules.groups.map((g) => g.name)).toContain(
      "jimm_model_1d8a3f2e_juju_jimm_k8s_HostHealth_rules",
    );
    expect(r.localUnitData).toMatchObject({
      prometheus_scrape_unit_address: "10.1.2.3",
      prometheus_scrape_unit_name: "juju-jimm-k8s/0",
      prometheus_scrape_unit_fqdn:
        "juju-jimm-k8s-0.juju-jimm-k8s-endpoints.jimm-model.svc.cluster.local",
    });
    expect(r.localUnitData.prometheus_scrape_unit_path).toBeUndefined();
    // The published schema lists prometheus_scrape_unit_path as required, but the Python
    // library sets it to "" (which deletes a key in Juju) unless behind a proxy: read as "".
    const unit = { prometheus_scrape_unit_path: "", ...r.localUnitData };
    expect(
      schemaErrors("prometheus_scrape/v0/provider.json", { app: r.localAppData, unit }),
    ).toEqual([]);
    expect(c.logs.some((l) => l.level === "ERROR" && l.message.includes("broken.yaml"))).toBe(true);
  });

  it("a non-leader publishes only its address, and refreshes it on update-status", async () => {
    const c = ctx();
    const rel = prom();
    const first = await c.run(
      c.on.relationJoined(rel),
      state({
        relations: [rel],
        networks: [network({ binding: "metrics-endpoint", bindAddress: "10.1.2.3" })],
      }),
    );
    expect(first.relations[0]!.localAppData).toEqual({});
    const moved = await c.run(c.on.updateStatus(), {
      ...first,
      networks: [network({ binding: "metrics-endpoint", bindAddress: "10.9.9.9" })],
    });
    expect(moved.relations[0]!.localUnitData.prometheus_scrape_unit_address).toBe("10.9.9.9");
  });

  it("publishes the app bag when the unit becomes leader", async () => {
    const c = ctx();
    const rel = prom();
    const out = await c.run(c.on.leaderElected(), state({ leader: true, relations: [rel] }));
    expect(out.relations[0]!.localAppData.scrape_jobs).toBeDefined();
  });

  it("reports Prometheus' rule errors through an event; malformed reports only warn", async () => {
    const c = ctx();
    const rel = prom({ event: '{"valid": false, "errors": "bad expr"}' });
    const out = await c.run(c.on.relationChanged(rel), state({ leader: true, relations: [rel] }));
    expect(out.unitStatus).toEqual({ status: "blocked", message: "invalid alert rules: bad expr" });
    const bad = prom({ event: "not json" });
    await c.run(c.on.relationChanged(bad), state({ leader: true, relations: [bad] }));
    expect(
      c.logs.some((l) => l.level === "WARNING" && l.message.includes('"event" is not valid JSON')),
    ).toBe(true);
  });

  it("writes nothing on the broken relation", async () => {
    const c = ctx();
    const rel = prom();
    const out = await c.run(c.on.relationBroken(rel), state({ leader: true, relations: [rel] }));
    expect(out.relations[0]!.localAppData).toEqual({});
  });
});
