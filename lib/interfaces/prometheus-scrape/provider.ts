/**
 * The `prometheus_scrape` provider (metrics endpoint), as Python's `MetricsEndpointProvider`
 * does it: the leader publishes the scrape jobs, the Juju topology and the alert rules (the charm's
 * rule files plus the generic `HostHealth` group, all labelled with the topology); every unit
 * publishes the address Prometheus should scrape, and refreshes it on relation-changed,
 * update-status, pebble-ready and config-changed so that a rescheduled pod's new IP gets through.
 *
 * @example
 * ```ts
 * this.metrics = new MetricsEndpointProvider(this, {
 *   jobs: [{ static_configs: [{ targets: ["*:8080"] }] }],
 * });
 * this.observe(this.metrics.alertRuleStatusChanged, (e) => { ... });
 * ```
 */
import { join } from "node:path";
import { CharmObject } from "../../ops/charm.js";
import { EventBase, type Snapshot } from "../../ops/framework/event.js";
import type { EventSource } from "../../ops/framework/event.js";
import type { RelationChangedEvent } from "../../ops/framework/juju-events.js";
import { InterfaceDataError, relationSource } from "../common/databag.js";
import { podFqdn } from "../common/network.js";
import { liveRelations } from "../common/relations.js";
import { tryParse } from "../common/try-parse.js";
import { JujuTopology } from "../common/topology.js";
import {
  INTERFACE,
  type ScrapeJob,
  parseRequirerEvent,
  renderProviderAppData,
  renderProviderUnitData,
  unitAddress,
} from "./data.js";
import { AlertRules, genericAlertGroups } from "./rules.js";

/**
 * Prometheus reported whether our alert rules are valid.
 *
 * @example
 * ```ts
 * this.observe(this.metrics.alertRuleStatusChanged, (e: AlertRuleStatusChangedEvent) => { if (!e.valid) this.log.error(e.errors); });
 * ```
 */
export class AlertRuleStatusChangedEvent extends EventBase {
  valid = true;
  errors = "";

  override snapshot(): Snapshot {
    return { valid: this.valid, errors: this.errors };
  }

  override restore(s: Snapshot): void {
    this.valid = s.valid === true;
    this.errors = typeof s.errors === "string" ? s.errors : "";
  }
}

/**
 * Prometheus reported that our scrape jobs are invalid.
 *
 * @example
 * ```ts
 * this.observe(this.metrics.invalidScrapeJob, (e: InvalidScrapeJobEvent) => this.log.error(e.errors));
 * ```
 */
export class InvalidScrapeJobEvent extends EventBase {
  errors = "";

  override snapshot(): Snapshot {
    return { errors: this.errors };
  }

  override restore(s: Snapshot): void {
    this.errors = typeof s.errors === "string" ? s.errors : "";
  }
}

/**
 * Options of {@link MetricsEndpointProvider}.
 *
 * @example
 * ```ts
 * new MetricsEndpointProvider(this, { jobs: [{ static_configs: [{ targets: ["*:2112"] }] }], forwardAlertRules: false });
 * ```
 */
export interface MetricsEndpointProviderOptions {
  /** The endpoint (default `metrics-endpoint`). */
  endpoint?: string;
  /** Scrape jobs; `*:<port>` targets mean every unit. Default: `/metrics` on `*:80`. */
  jobs?: ScrapeJob[];
  /** Directory of alert rule files (default `<charm dir>/src/prometheus_alert_rules`). */
  alertRulesPath?: string;
  /** Forward the charm's and the generic alert rules (default true). */
  forwardAlertRules?: boolean;
  /** An external URL (ingress/proxy) to publish instead of the unit address. */
  externalUrl?: string | (() => string | undefined);
  /** This unit's FQDN (default: the Kubernetes pod FQDN). */
  fqdn?: string;
}

/**
 * Publishes scrape jobs, alert rules and unit addresses for Prometheus.
 *
 * @example
 * ```ts
 * this.metrics = new MetricsEndpointProvider(this, { jobs: [{ static_configs: [{ targets: ["*:8080"] }] }] });
 * ```
 */
export class MetricsEndpointProvider extends CharmObject {
  readonly endpoint: string;
  readonly alertRuleStatusChanged: EventSource<AlertRuleStatusChangedEvent>;
  readonly invalidScrapeJob: EventSource<InvalidScrapeJobEvent>;
  private jobs: ScrapeJob[];
  private readonly opts: MetricsEndpointProviderOptions;

  constructor(parent: CharmObject, opts: MetricsEndpointProviderOptions = {}) {
    const endpoint = opts.endpoint ?? "metrics-endpoint";
    super(parent, endpoint);
    this.endpoint = endpoint;
    this.opts = opts;
    this.jobs = opts.jobs ?? [];
    this.alertRuleStatusChanged = this.defineEvent(
      "alert_rule_status_changed",
      () => new AlertRuleStatusChangedEvent(),
    );
    this.invalidScrapeJob = this.defineEvent(
      "invalid_scrape_job",
      () => new InvalidScrapeJobEvent(),
    );
    const on = this.charmEvents;
    const rel = on.relation(endpoint);
    this.observe(rel.joined, this.onRefresh);
    this.observe(rel.changed, this.onRelationChanged);
    this.observe(on.leaderElected, this.onRefresh);
    this.observe(on.upgradeCharm, this.onRefresh);
    this.observe(on.configChanged, this.onRefresh);
    this.observe(on.updateStatus, this.onRefresh);
    for (const name of this.meta.containers.keys()) {
      this.observe(on.container(name).pebbleReady, this.onRefresh);
    }
  }

  private onRefresh(): void {
    this.publish();
  }

  private async onRelationChanged(event: RelationChangedEvent): Promise<void> {
    this.publish();
    if (!this.model.unit.isLeader() || !event.app) return;
    const app = event.app;
    const ev = tryParse(() =>
      parseRequirerEvent(
        event.relation.data(app).toObject(),
        relationSource(INTERFACE, event.relation),
      ),
    );
    if (ev instanceof InterfaceDataError) {
      this.log.warning(ev.message);
      return;
    }
    if (!ev) return;
    const status = new AlertRuleStatusChangedEvent();
    status.valid = ev.valid;
    status.errors = ev.valid && !ev.errors ? "" : ev.errors;
    await this.emit(this.alertRuleStatusChanged, status);
    if (ev.scrapeJobErrors) {
      const invalid = new InvalidScrapeJobEvent();
      invalid.errors = ev.scrapeJobErrors;
      await this.emit(this.invalidScrapeJob, invalid);
    }
  }

  /** Replaces the scrape jobs and republishes them. */
  updateScrapeJobs(jobs: ScrapeJob[]): void {
    this.jobs = jobs;
    this.publish();
  }

  /** The Juju topology of this unit. */
  get topology(): JujuTopology {
    return JujuTopology.fromModel(this.model, this.meta.name);
  }

  /** The alert rules the leader publishes: the charm's files and the generic group. */
  alertRules(): AlertRules {
    const topology = this.topology;
    const rules = new AlertRules("promql", topology);
    if (this.opts.forwardAlertRules ?? true) {
      const dir =
        this.opts.alertRulesPath ?? join(this.juju.charmDir, "src", "prometheus_alert_rules");
      rules.addPath(dir, {
        recursive: true,
        onError: (file, message) => this.log.error(`alert rules ${file}: ${message}`),
      });
      rules.add(genericAlertGroups(), { groupNamePrefix: topology.identifier });
    }
    return rules;
  }

  /**
   * Writes this unit's address on every relation, and as leader the scrape jobs, topology and
   * alert rules. Only changed keys are written; stale keys are removed.
   */
  publish(): void {
    const relations = liveRelations(this, this.endpoint);
    if (relations.length === 0) return;
    const external =
      typeof this.opts.externalUrl === "function" ? this.opts.externalUrl() : this.opts.externalUrl;
    const fqdn = this.opts.fqdn ?? podFqdn(this.model.unit.name, this.model.name);
    const leader = this.model.unit.isLeader();
    const appData = leader
      ? renderProviderAppData({
          jobs: this.jobs,
          topology: this.topology,
          alertRules: this.alertRules().asDict(),
        })
      : undefined;
    for (const relation of relations) {
      let bindAddress: string | undefined;
      if (!external) {
        try {
          bindAddress = this.model.getBinding(this.endpoint, relation).bindAddress;
        } catch (e) {
          this.log.warning(`cannot read the ${this.endpoint} binding: ${(e as Error).message}`);
        }
      }
      const addr = unitAddress({ bindAddress, fqdn, externalUrl: external });
      relation
        .data(this.model.unit)
        .replace(renderProviderUnitData({ name: this.model.unit.name, ...addr }));
      if (appData) relation.data(this.model.app).replace(appData);
    }
  }
}
