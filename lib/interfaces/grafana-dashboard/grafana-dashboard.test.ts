import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CharmBase, type CharmContext } from "../../ops/charm.js";
import { CharmMeta } from "../../ops/metadata.js";
import { BlockedStatus } from "../../ops/model/status.js";
import { Context } from "../../testing/context.js";
import { relation, state } from "../../testing/state.js";
import { InterfaceDataError } from "../common/databag.js";
import {
  type DashboardStatusChangedEvent,
  GrafanaDashboardProvider,
  dashboardAltUid,
  dashboardUid,
  lzmaBase64Compress,
  lzmaBase64Decompress,
  parseDashboardStatus,
  prepareDashboard,
} from "./index.js";

const UUID = "1d8a3f2e-0000-4000-8000-000000000000";
const SRC = {
  interfaceName: "grafana_dashboard",
  relation: "grafana-dashboard:5",
  owner: "grafana",
};

/** Runs Python on stdin and returns stdout. */
function python(code: string, input: string): string {
  const r = spawnSync("python3", ["-c", code], { input, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return r.stdout;
}

const DASHBOARD = {
  title: "JIMM — métriques ✓",
  uid: "jimm",
  tags: ["jaas"],
  panels: [
    {
      type: "timeseries",
      datasource: "${prometheusds}",
      targets: [{ expr: "rate(jimm_requests_total[5m])" }],
      fieldConfig: { defaults: { custom: { fillOpacity: 0.1 } } },
    },
  ],
};

function charmDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "graf-charm-"));
  mkdirSync(join(dir, "src", "grafana_dashboards"), { recursive: true });
  writeFileSync(
    join(dir, "src", "grafana_dashboards", "jaas-metrics.json"),
    JSON.stringify(DASHBOARD),
  );
  writeFileSync(join(dir, "src", "grafana_dashboards", "broken.json"), "{ not json");
  writeFileSync(join(dir, "src", "grafana_dashboards", "README.md"), "not a dashboard");
  return dir;
}

const CHARM_DIR = charmDir();

class DashboardCharm extends CharmBase {
  readonly dashboards: GrafanaDashboardProvider;

  constructor(ctx: CharmContext) {
    super(ctx);
    this.dashboards = new GrafanaDashboardProvider(this);
    this.observe(this.dashboards.dashboardStatusChanged, this.onStatus);
  }

  onStatus(event: DashboardStatusChangedEvent): void {
    if (!event.valid)
      this.unit.status = new BlockedStatus(`dashboards rejected: ${event.errors.join("; ")}`);
  }
}

const META = CharmMeta.fromDocuments({
  name: "juju-jimm-k8s",
  provides: { "grafana-dashboard": { interface: "grafana_dashboard" } },
});
const MODEL = { name: "jimm-model", uuid: UUID, type: "kubernetes" as const };

describe("grafana_dashboard data", () => {
  it("compresses so that Python's lzma.decompress reads it back", async () => {
    const text = JSON.stringify(DASHBOARD);
    const b64 = await lzmaBase64Compress(text);
    const decoded = python(
      "import base64,lzma,sys; sys.stdout.write(lzma.decompress(base64.b64decode(sys.stdin.read())).decode('utf-8'))",
      b64,
    );
    expect(decoded).toBe(text);
    expect(await lzmaBase64Decompress(b64)).toBe(text);
  });

  it("derives uids with shake-256 as cos-lib does", () => {
    const uid = dashboardUid("juju-jimm-k8s", "src/grafana_dashboards/jaas-metrics.json");
    const alt = dashboardAltUid("juju-jimm-k8s", "file:jaas-metrics");
    const py = python(
      "import hashlib,sys; a,b=sys.stdin.read().split('\\n'); print(hashlib.shake_256(a.encode()).hexdigest(20)); print(hashlib.shake_256(b.encode()).hexdigest(8), end='')",
      "juju-jimm-k8s-src/grafana_dashboards/jaas-metrics.json\njuju-jimm-k8s-file:jaas-metrics",
    ).split("\n");
    expect([uid, alt]).toEqual(py);
    expect(uid).toHaveLength(40);
  });

  it("replaces the uid unless it is a Path40 uid, and tags the charm once", () => {
    const d = prepareDashboard(DASHBOARD, {
      charmName: "c",
      path: "src/grafana_dashboards/x.json",
    });
    expect(d.uid).toBe(dashboardUid("c", "src/grafana_dashboards/x.json"));
    expect(d.tags).toEqual(["jaas", "charm: c"]);
    const again = prepareDashboard(d, { charmName: "c", path: "elsewhere.json" });
    expect(again.uid).toBe(d.uid);
    expect(again.tags).toEqual(["jaas", "charm: c"]);
  });

  it("parses Grafana's report and rejects a malformed one", () => {
    expect(
      parseDashboardStatus({ event: '{"valid": false, "errors": [{"error": "bad"}]}' }, SRC),
    ).toEqual({
      valid: false,
      errors: [{ error: "bad" }],
    });
    expect(parseDashboardStatus({}, SRC)).toBeUndefined();
    expect(() => parseDashboardStatus({ event: "nope" }, SRC)).toThrow(InterfaceDataError);
    expect(() => parseDashboardStatus({ event: '{"errors": "x"}' }, SRC)).toThrow(/non-list/);
  });
});

describe("GrafanaDashboardProvider", () => {
  const ctx = () => new Context(DashboardCharm, { meta: META, charmDir: CHARM_DIR });
  const grafana = (remoteAppData: Record<string, string> = {}, id = 5) =>
    relation({ endpoint: "grafana-dashboard", id, remoteAppName: "grafana", remoteAppData });

  it("the leader publishes the dashboards as the Python library encodes them", async () => {
    const c = ctx();
    const rel = grafana();
    const out = await c.run(
      c.on.relationCreated(rel),
      state({ leader: true, model: MODEL, relations: [rel] }),
    );
    const value = JSON.parse(out.relations[0]!.localAppData.dashboards!) as {
      templates: Record<string, Record<string, unknown>>;
      uuid: string;
    };
    expect(Object.keys(value.templates)).toEqual(["file:jaas-metrics"]);
    expect(value.uuid).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const t = value.templates["file:jaas-metrics"]!;
    expect(Object.keys(t)).toEqual([
      "charm",
      "content",
      "juju_topology",
      "inject_dropdowns",
      "dashboard_alt_uid",
    ]);
    expect(t).toMatchObject({
      charm: "juju-jimm-k8s",
      juju_topology: {
        model: "jimm-model",
        model_uuid: UUID,
        application: "juju-jimm-k8s",
        unit: "juju-jimm-k8s/0",
      },
      inject_dropdowns: true,
      dashboard_alt_uid: dashboardAltUid("juju-jimm-k8s", "file:jaas-metrics"),
    });
    // What Grafana does with it: LZMABase64.decompress + json.loads, in Python.
    const title = python(
      "import base64,json,lzma,sys; d=json.loads(lzma.decompress(base64.b64decode(sys.stdin.read()))); print(d['uid'], d['tags'][-1], d['title'], sep='|', end='')",
      t.content as string,
    );
    expect(title).toBe(
      `${dashboardUid("juju-jimm-k8s", "src/grafana_dashboards/jaas-metrics.json")}|charm: juju-jimm-k8s|JIMM — métriques ✓`,
    );
    expect(c.logs.some((l) => l.level === "ERROR" && l.message.includes("broken.json"))).toBe(true);
  });

  it("does not rewrite unchanged dashboards, but does on leader-elected", async () => {
    const c = ctx();
    const rel = grafana();
    const first = await c.run(
      c.on.relationCreated(rel),
      state({ leader: true, model: MODEL, relations: [rel] }),
    );
    const before = first.relations[0]!.localAppData.dashboards;
    const same = await c.run(c.on.configChanged(), first);
    expect(same.relations[0]!.localAppData.dashboards).toBe(before);
    const elected = await c.run(c.on.leaderElected(), same);
    expect(elected.relations[0]!.localAppData.dashboards).not.toBe(before);
    expect(JSON.parse(elected.relations[0]!.localAppData.dashboards!).templates).toEqual(
      JSON.parse(before!).templates,
    );
  });

  it("keeps compressed dashboards in stored state for later hooks", async () => {
    const c = ctx();
    const rel = grafana();
    const out = await c.run(
      c.on.relationCreated(rel),
      state({ leader: true, model: MODEL, relations: [rel] }),
    );
    const stored = out.storedStates["charm/grafana-dashboard/StoredStateData[_stored]"] as {
      compressed: Record<string, string>;
    };
    expect(Object.values(stored.compressed)).toHaveLength(1);
  });

  it("a non-leader writes nothing", async () => {
    const c = ctx();
    const rel = grafana();
    const out = await c.run(c.on.relationCreated(rel), state({ leader: false, relations: [rel] }));
    expect(out.relations[0]!.localAppData).toEqual({});
  });

  it("reports Grafana's errors through an event; a malformed report only warns", async () => {
    const c = ctx();
    const rel = grafana({ event: '{"valid": false, "errors": ["bad panel"]}' });
    const out = await c.run(c.on.relationChanged(rel), state({ leader: true, relations: [rel] }));
    expect(out.unitStatus).toEqual({
      status: "blocked",
      message: "dashboards rejected: bad panel",
    });
    const bad = grafana({ event: "[1" });
    await c.run(c.on.relationChanged(bad), state({ leader: true, relations: [bad] }));
    expect(
      c.logs.some((l) => l.level === "WARNING" && l.message.includes('"event" is not valid JSON')),
    ).toBe(true);
  });

  it("leaves a broken relation alone", async () => {
    const c = ctx();
    const rel = grafana();
    const out = await c.run(c.on.relationBroken(rel), state({ leader: true, relations: [rel] }));
    expect(out.relations[0]!.localAppData).toEqual({});
  });
});
