/**
 * The `grafana_dashboard` provider, as Python's `GrafanaDashboardProvider` does it: the leader
 * publishes the charm's dashboards (`*.json`, `*.json.tmpl`, `*.tmpl` in
 * `src/grafana_dashboards`, plus any added in code) LZMA-compressed in the app bag, with the Juju
 * topology so that Grafana injects its datasource and topology dropdowns.
 *
 * Compressing in pure JS is slow (about 0.3-0.8 s for a 70 KB dashboard), so each compressed
 * dashboard is kept in stored state under the hash of its JSON, and the bag is only rewritten when
 * the templates change, or on leader-elected and upgrade-charm as the Python library does.
 *
 * @example
 * ```ts
 * this.dashboards = new GrafanaDashboardProvider(this);
 * this.observe(this.dashboards.dashboardStatusChanged, (e) => { if (!e.valid) ... });
 * ```
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { CharmObject } from "../../ops/charm.js";
import { EventBase, type EventSource, type Snapshot } from "../../ops/framework/event.js";
import type { RelationChangedEvent } from "../../ops/framework/juju-events.js";
import type { JsonValue, StoredState } from "../../ops/framework/stored-state.js";
import { InterfaceDataError, relationSource } from "../common/databag.js";
import { snapshotStrings } from "../common/events.js";
import { type PyJson, asPyJson, pyJsonDumps } from "../common/python-json.js";
import { liveRelations } from "../common/relations.js";
import { tryParse } from "../common/try-parse.js";
import { JujuTopology } from "../common/topology.js";
import {
  type Dashboard,
  type DashboardTemplate,
  INTERFACE,
  type TemplateTopology,
  dashboardAltUid,
  dashboardTemplate,
  lzmaBase64Compress,
  parseDashboardStatus,
  parseDashboards,
  prepareDashboard,
  renderDashboards,
  templateTopology,
} from "./data.js";

/**
 * Grafana reported whether our dashboards are valid.
 *
 * @example
 * ```ts
 * this.observe(this.dashboards.dashboardStatusChanged, (e: DashboardStatusChangedEvent) => { if (!e.valid) this.log.error(e.errors.join("; ")); });
 * ```
 */
export class DashboardStatusChangedEvent extends EventBase {
  valid = true;
  /** Grafana's error entries, as JSON text. */
  errors: string[] = [];

  override snapshot(): Snapshot {
    return { valid: this.valid, errors: this.errors };
  }

  override restore(s: Snapshot): void {
    this.valid = s.valid === true;
    this.errors = snapshotStrings(s.errors);
  }
}

/**
 * Options of {@link GrafanaDashboardProvider}.
 *
 * @example
 * ```ts
 * new GrafanaDashboardProvider(this, { dashboardsPath: join(charmDir, "dashboards") });
 * ```
 */
export interface GrafanaDashboardProviderOptions {
  /** The endpoint (default `grafana-dashboard`). */
  endpoint?: string;
  /** Directory of dashboard files (default `<charm dir>/src/grafana_dashboards`). */
  dashboardsPath?: string;
  /** Let Grafana add the topology dropdowns (default true). */
  injectDropdowns?: boolean;
}

type Cache = { compressed: { [hash: string]: string }; programmatic: { [id: string]: string } };

/** Stored state kept below Juju's 64 KiB per key. */
const CACHE_LIMIT = 60 * 1024;

/**
 * Publishes the charm's Grafana dashboards.
 *
 * @example
 * ```ts
 * this.dashboards = new GrafanaDashboardProvider(this);
 * await this.dashboards.addDashboard(JSON.stringify(dashboard));
 * ```
 */
export class GrafanaDashboardProvider extends CharmObject {
  readonly endpoint: string;
  readonly dashboardStatusChanged: EventSource<DashboardStatusChangedEvent>;
  private readonly opts: GrafanaDashboardProviderOptions;
  private readonly stored: StoredState<Cache & Record<string, JsonValue>>;

  constructor(parent: CharmObject, opts: GrafanaDashboardProviderOptions = {}) {
    const endpoint = opts.endpoint ?? "grafana-dashboard";
    super(parent, endpoint);
    this.endpoint = endpoint;
    this.opts = opts;
    this.stored = this.storedState("_stored", { compressed: {}, programmatic: {} });
    this.dashboardStatusChanged = this.defineEvent(
      "dashboard_status_changed",
      () => new DashboardStatusChangedEvent(),
    );
    const on = this.charmEvents;
    this.observe(on.leaderElected, this.onForcedRefresh);
    this.observe(on.upgradeCharm, this.onForcedRefresh);
    this.observe(on.configChanged, this.onRefresh);
    this.observe(on.relation(endpoint).created, this.onRefresh);
    this.observe(on.relation(endpoint).changed, this.onRelationChanged);
  }

  private async onForcedRefresh(): Promise<void> {
    await this.update({ force: true });
  }

  private async onRefresh(): Promise<void> {
    await this.update();
  }

  private async onRelationChanged(event: RelationChangedEvent): Promise<void> {
    await this.update();
    if (!this.model.unit.isLeader() || !event.app) return;
    const app = event.app;
    const status = tryParse(() =>
      parseDashboardStatus(
        event.relation.data(app).toObject(),
        relationSource(INTERFACE, event.relation),
      ),
    );
    if (status instanceof InterfaceDataError) {
      this.log.warning(status.message);
      return;
    }
    if (!status) return;
    const ev = new DashboardStatusChangedEvent();
    ev.valid = status.valid;
    ev.errors = status.errors.map((x) => (typeof x === "string" ? x : pyJsonDumps(x)));
    await this.emit(this.dashboardStatusChanged, ev);
  }

  private get charmName(): string {
    return this.meta.name;
  }

  private get topology(): TemplateTopology {
    return templateTopology(JujuTopology.fromModel(this.model, this.charmName));
  }

  private get dashboardsPath(): string {
    return this.opts.dashboardsPath ?? join(this.juju.charmDir, "src", "grafana_dashboards");
  }

  /**
   * Adds a dashboard from code (kept in stored state, so it survives leadership changes), under the
   * id `prog:<hash>`, and republishes.
   */
  async addDashboard(content: string, opts: { injectDropdowns?: boolean } = {}): Promise<void> {
    const hash = createHash("sha256").update(content).digest("hex");
    const id = `prog:${hash.slice(0, 8)}`;
    this.stored.data.programmatic[id] = JSON.stringify({
      content,
      injectDropdowns: opts.injectDropdowns ?? true,
    });
    await this.update();
  }

  /** Removes the dashboards added with {@link addDashboard} and republishes. */
  async removeNonBuiltinDashboards(): Promise<void> {
    this.stored.data.programmatic = {};
    await this.update();
  }

  private async compress(text: string): Promise<string> {
    const hash = createHash("sha256").update(text).digest("hex");
    const cache = this.stored.data.compressed;
    const hit = cache[hash];
    if (hit !== undefined) return hit;
    const out = await lzmaBase64Compress(text);
    cache[hash] = out;
    return out;
  }

  private dashboardFiles(): string[] {
    const dir = this.dashboardsPath;
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true })
      .filter(
        (e) =>
          e.isFile() &&
          (e.name.endsWith(".json") || e.name.endsWith(".json.tmpl") || e.name.endsWith(".tmpl")),
      )
      .map((e) => join(dir, e.name))
      .sort();
  }

  /**
   * The templates to publish, keyed `file:<stem>` and `prog:<hash>`. A file that is not a JSON
   * object is logged and skipped.
   */
  async templates(): Promise<Record<string, DashboardTemplate>> {
    const out: Record<string, DashboardTemplate> = {};
    const inject = this.opts.injectDropdowns ?? true;
    const used = new Set<string>();
    const charmDir = this.juju.charmDir;
    for (const file of this.dashboardFiles()) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(file, "utf8"));
      } catch (e) {
        this.log.error(`failed to load dashboard ${file}: ${(e as Error).message}`);
        continue;
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        this.log.error(`invalid dashboard ${file}: expected a JSON object`);
        continue;
      }
      const rel = relative(charmDir, file);
      const path = rel.startsWith("..") ? file : rel.split(sep).join("/");
      const dashboard = prepareDashboard(asPyJson(parsed) as Dashboard, {
        charmName: this.charmName,
        path,
      });
      const base = file.slice(file.lastIndexOf(sep) + 1);
      const stem = base.includes(".") ? base.slice(0, base.lastIndexOf(".")) : base;
      const id = `file:${stem}`;
      const content = await this.compress(pyJsonDumps(dashboard));
      used.add(content);
      out[id] = dashboardTemplate({
        charmName: this.charmName,
        content,
        topology: this.topology,
        injectDropdowns: inject,
        altUid: dashboardAltUid(this.charmName, id),
      });
    }
    for (const [id, raw] of Object.entries(this.stored.data.programmatic)) {
      const { content: text, injectDropdowns } = JSON.parse(raw) as {
        content: string;
        injectDropdowns: boolean;
      };
      const content = await this.compress(text);
      used.add(content);
      out[id] = dashboardTemplate({
        charmName: this.charmName,
        content,
        topology: this.topology,
        injectDropdowns,
        altUid: dashboardAltUid(this.charmName, id),
      });
    }
    this.pruneCache(used);
    return out;
  }

  private pruneCache(used: Set<string>): void {
    const cache = this.stored.data.compressed;
    for (const [k, v] of Object.entries(cache)) if (!used.has(v)) delete cache[k];
    if (JSON.stringify(this.stored.data).length > CACHE_LIMIT) this.stored.data.compressed = {};
  }

  /**
   * As leader, writes `dashboards` on every relation whose templates differ (or on all with
   * `force`). Returns the relation ids written.
   */
  async update(opts: { force?: boolean } = {}): Promise<number[]> {
    if (!this.model.unit.isLeader()) return [];
    const relations = liveRelations(this, this.endpoint);
    if (relations.length === 0) return [];
    const templates = await this.templates();
    const wanted = pyJsonDumps(templates as { [k: string]: PyJson });
    const written: number[] = [];
    for (const relation of relations) {
      const bag = relation.data(this.model.app);
      if (!opts.force) {
        let current: Record<string, DashboardTemplate> | undefined;
        try {
          current = parseDashboards(
            bag.toObject(),
            relationSource(INTERFACE, relation, this.model.app.name),
          );
        } catch {
          current = undefined;
        }
        if (current && pyJsonDumps(current as { [k: string]: PyJson }) === wanted) continue;
      }
      bag.replace({ dashboards: renderDashboards(templates, randomUUID()) });
      written.push(relation.id);
    }
    return written;
  }
}
