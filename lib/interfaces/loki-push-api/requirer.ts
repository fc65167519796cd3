/**
 * The `loki_push_api` requirer with Pebble log forwarding, as the Python `LogForwarder` does it
 * (Juju >= 3.4): it collects the push URLs of the Loki units, and in every workload container adds
 * a layer `<container>-log-forwarding` whose log targets send the services' logs to each of them,
 * labelled with the Juju topology. Targets of Loki units that left are disabled. The leader also
 * publishes the topology and the charm's LogQL alert rules.
 *
 * A charm that writes its own layers can instead put {@link LokiPushApiRequirer.logTargets} in
 * them (pass `manageLayers: false`).
 *
 * @example
 * ```ts
 * this.logging = new LokiPushApiRequirer(this, { services: ["jimm"] });
 * // status: this.logging.readEndpoints().errors[0]?.statusMessage
 * ```
 */
import { join } from "node:path";
import { CharmObject } from "../../ops/charm.js";
import type { Container } from "../../ops/model/container.js";
import type { LogTargetSpec } from "../../pebble/layer.js";
import { InterfaceDataError, relationSource } from "../common/databag.js";
import { liveRelations } from "../common/relations.js";
import { JujuTopology } from "../common/topology.js";
import { AlertRules } from "../prometheus-scrape/rules.js";
import { INTERFACE, lokiLogTargets, parseEndpoint, renderRequirerAppData } from "./data.js";

/**
 * Options of {@link LokiPushApiRequirer}.
 *
 * @example
 * ```ts
 * new LokiPushApiRequirer(this, { services: ["openfga"], containers: ["openfga"] });
 * ```
 */
export interface LokiPushApiRequirerOptions {
  /** The endpoint (default `logging`). */
  endpoint?: string;
  /** Services whose logs are forwarded (default `["all"]`). */
  services?: string[];
  /** Containers to configure (default: every container in the metadata). */
  containers?: string[];
  /** Add the `<container>-log-forwarding` layers itself (default true). */
  manageLayers?: boolean;
  /** LogQL alert rules directory (default `<charm dir>/src/loki_alert_rules`). */
  alertRulesPath?: string;
  /** Forward the charm's alert rules (default true). */
  forwardAlertRules?: boolean;
}

/**
 * The endpoints found, and the remote units whose data was unusable.
 *
 * @example
 * ```ts
 * const { endpoints, errors }: LokiEndpoints = this.logging.readEndpoints();
 * ```
 */
export interface LokiEndpoints {
  /** Loki unit name to push URL. */
  endpoints: Record<string, string>;
  errors: InterfaceDataError[];
}

/**
 * Reads Loki push endpoints and forwards workload logs to them.
 *
 * @example
 * ```ts
 * this.logging = new LokiPushApiRequirer(this, { services: ["jimm"] });
 * ```
 */
export class LokiPushApiRequirer extends CharmObject {
  readonly endpoint: string;
  private readonly opts: LokiPushApiRequirerOptions;

  constructor(parent: CharmObject, opts: LokiPushApiRequirerOptions = {}) {
    const endpoint = opts.endpoint ?? "logging";
    super(parent, endpoint);
    this.endpoint = endpoint;
    this.opts = opts;
    const on = this.charmEvents;
    const rel = on.relation(endpoint);
    this.observe(rel.joined, this.onRelationEvent);
    this.observe(rel.changed, this.onRelationEvent);
    this.observe(rel.departed, this.onRelationEvent);
    this.observe(rel.broken, this.onRelationEvent);
    this.observe(on.upgradeCharm, this.onRelationEvent);
    for (const name of this.containerNames()) {
      this.observe(on.container(name).pebbleReady, this.onRelationEvent);
    }
    if (this.model.jujuVersion && !jujuSupportsLogForwarding(this.model.jujuVersion)) {
      this.log.warning(
        `Juju ${this.model.jujuVersion} does not support Pebble log forwarding; Juju >= 3.4 is needed`,
      );
    }
  }

  private containerNames(): string[] {
    return this.opts.containers ?? [...this.meta.containers.keys()];
  }

  private async onRelationEvent(): Promise<void> {
    const { errors } = this.readEndpoints();
    for (const e of errors) this.log.warning(e.message);
    this.publishAppData();
    if (this.opts.manageLayers ?? true) await this.updateLogForwarding();
  }

  /** The topology of this unit. */
  get topology(): JujuTopology {
    return JujuTopology.fromModel(this.model, this.meta.name);
  }

  /**
   * The push URLs of the Loki units of every live relation (a unit that is departing is left
   * out), keyed by unit name. A unit whose `endpoint` is malformed is reported in `errors` and
   * skipped; a unit that has published nothing yet is skipped.
   */
  readEndpoints(): LokiEndpoints {
    const juju = this.juju;
    const departing =
      juju.event.kind === "relation" && juju.event.phase === "departed"
        ? juju.departingUnit
        : undefined;
    const endpoints: Record<string, string> = {};
    const errors: InterfaceDataError[] = [];
    for (const relation of liveRelations(this, this.endpoint)) {
      for (const unit of relation.units) {
        if (unit.name === departing || unit.appName === this.model.app.name) continue;
        const src = relationSource(INTERFACE, relation, unit.name);
        try {
          const url = parseEndpoint(relation.data(unit).toObject(), src);
          if (url !== undefined) endpoints[unit.name] = url;
        } catch (e) {
          if (!(e instanceof InterfaceDataError)) throw e;
          errors.push(e);
        }
      }
    }
    return { endpoints, errors };
  }

  /**
   * The `log-targets` section for this unit's layers. Pass the targets now in the plan as
   * `current` so that those of departed Loki units are disabled.
   */
  logTargets(current?: Readonly<Record<string, LogTargetSpec>>): Record<string, LogTargetSpec> {
    return lokiLogTargets({
      endpoints: this.readEndpoints().endpoints,
      topology: this.topology,
      ...(this.opts.services ? { services: this.opts.services } : {}),
      ...(current ? { current } : {}),
    });
  }

  /**
   * Adds or updates the `<container>-log-forwarding` layer in each reachable container, only
   * when its log targets would change the plan. Returns the containers updated.
   */
  async updateLogForwarding(): Promise<string[]> {
    const updated: string[] = [];
    for (const name of this.containerNames()) {
      const container = this.model.unit.getContainer(name);
      if (!(await container.canConnect())) continue;
      if (await this.updateContainer(container)) updated.push(name);
    }
    return updated;
  }

  private async updateContainer(container: Container): Promise<boolean> {
    const plan = await container.pebble.getPlan();
    const current = plan["log-targets"];
    const targets = this.logTargets(current);
    const changed = Object.entries(targets).some(
      ([name, spec]) => !sameTarget(current[name], spec),
    );
    if (!changed) return false;
    // The whole set, as the Python library adds it: the layer then holds every target.
    await container.pebble.addLayer(
      `${container.name}-log-forwarding`,
      { "log-targets": targets },
      { combine: true },
    );
    return true;
  }

  /** The leader writes `metadata` and `alert_rules` on every live relation. */
  publishAppData(): void {
    if (!this.model.unit.isLeader()) return;
    const relations = liveRelations(this, this.endpoint);
    if (relations.length === 0) return;
    const topology = this.topology;
    const rules = new AlertRules("logql", topology);
    if (this.opts.forwardAlertRules ?? true) {
      rules.addPath(
        this.opts.alertRulesPath ?? join(this.juju.charmDir, "src", "loki_alert_rules"),
        {
          recursive: true,
          onError: (file, message) => this.log.error(`alert rules ${file}: ${message}`),
        },
      );
    }
    const data = renderRequirerAppData(topology, rules.asDict());
    for (const relation of relations) relation.data(this.model.app).replace(data);
  }
}

function sameTarget(a: LogTargetSpec | undefined, b: LogTargetSpec): boolean {
  if (!a) return false;
  const norm = (t: LogTargetSpec): string =>
    JSON.stringify({
      type: t.type,
      location: t.location,
      services: t.services ?? [],
      labels: Object.fromEntries(
        Object.entries(t.labels ?? {}).sort(([x], [y]) => (x < y ? -1 : 1)),
      ),
    });
  return norm(a) === norm(b);
}

/**
 * Whether a Juju version forwards Pebble logs (3.4 and later).
 *
 * @example
 * ```ts
 * jujuSupportsLogForwarding("3.6.8"); // true
 * ```
 */
export function jujuSupportsLogForwarding(version: string): boolean {
  const [major = 0, minor = 0] = version.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  return major > 3 || (major === 3 && minor >= 4);
}
