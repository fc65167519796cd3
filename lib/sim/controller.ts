/**
 * The local Juju controller: models of applications whose units run the real charm processes
 * with Juju's hook semantics on this machine. Every operation checks its input first and
 * refuses with Juju's wording (or a clearer one) without changing anything; then it changes the
 * model and the unit agents run the hooks Juju would run, one at a time per unit.
 *
 * @example
 * ```ts
 * const c = await Controller.create({ deterministic: { seed: 1 }, updateStatusIntervalMs: 0 });
 * try {
 *   await c.addModel("jaas");
 *   await c.deploy("jaas", { charmDir: "build/demo", scale: 3 });
 *   await c.deploy("jaas", { charmDir: "build/db", name: "db" });
 *   await c.integrate("jaas", "demo", "db");
 *   const { errors } = await c.settle();
 *   console.log(c.status("jaas").applications["demo"]?.units);
 * } finally {
 *   await c.destroy();
 * }
 * ```
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { CloudSpecData, ConfigValue } from "../jujuc/context.js";
import { goQuote } from "../jujuc/internal/go-format.js";
import { parseSecretUri } from "../jujuc/internal/secret-uri.js";
import { startHookToolServer } from "../jujuc/server.js";
import { ensureJujucShim } from "../jujuc/tools-dir.js";
import type { CharmMeta } from "../ops/metadata.js";
import { invalid, notFound, SimError } from "./errors.js";
import { inspectCharmDir, storeCharm } from "./model/charm-store.js";
import { IdSource } from "./model/ids.js";
import { loadState } from "./model/persist.js";
import { enterScope } from "./model/scope.js";
import type {
  ActionState,
  ApplicationState,
  ControllerState,
  HookInfo,
  ModelState,
  ModelType,
  RelationState,
  StatusHistoryEntry,
} from "./model/types.js";
import { emptyControllerState } from "./model/types.js";
import { mustApp, mustModel, mustUnit, relationsOfApp, sideIndex, unitsOf } from "./model/view.js";
import { SimNetwork } from "./network/network.js";
import type { SimNetworkOptions } from "./network/network.js";
import type { HookRecord, LogEntry, UnitErrorReport } from "./runtime.js";
import { Runtime } from "./runtime.js";
import { showUnit } from "./show-unit.js";
import type { ShowUnitOutput } from "./show-unit.js";
import { modelStatus } from "./status.js";
import type { StatusOutput } from "./status.js";
import { observe } from "./uniter/remote-state.js";
import { validateActionParams } from "./validate/action-params.js";
import { effectiveConfig, parseConfigValues } from "./validate/config.js";
import type { ConfigInput } from "./validate/config.js";
import type { AppEndpoint } from "./validate/endpoints.js";
import { inferEndpoints, parseEndpointArg, relationKey } from "./validate/endpoints.js";
import type { ControllerWorkloads } from "./workload/types.js";

/** Options of {@link Controller.create}. */
export interface ControllerOptions {
  /**
   * Where the controller keeps its state, charms, unit directories and socket. A saved
   * controller there is loaded. Default: a new temporary directory, removed by `destroy()`.
   */
  stateDir?: string;
  /** The controller's name (default `sim`). */
  name?: string;
  /** Give every unit its own network namespace (needs root). Default off. */
  networking?: boolean | SimNetworkOptions;
  /** Workload containers (real Pebble daemons); without it charms run without containers. */
  workloads?: ControllerWorkloads;
  /** One hook at a time in the whole controller, in an order drawn from `seed`. */
  deterministic?: { seed: number };
  /** Hooks running at once otherwise (default: the number of CPUs, at least 2). */
  maxParallelHooks?: number;
  /** update-status period (default 5 minutes, Juju's); 0 turns it off. */
  updateStatusIntervalMs?: number;
  /** Retry failed hooks with backoff (model config `automatically-retry-hooks`, default true). */
  retryHooks?: boolean;
  /** Multiplies retry delays (5 s, 10 s, 20 s … 5 min); e.g. 0.001 in tests. Default 1. */
  timeScale?: number;
  /** Kill a hook after this long (default 10 minutes). */
  hookTimeoutMs?: number;
  /** `JUJU_VERSION` (default 3.6.8). */
  jujuVersion?: string;
  /** storage-attached before install (default true, as the ops Harness does). */
  storageBeforeInstall?: boolean;
  /** Save the state after every change (default true). */
  persist?: boolean;
  /** The agent `PATH` after the tools directory (default: the Ubuntu system path). */
  agentPath?: string;
}

/** What `deploy` takes. */
export interface DeployOptions {
  /** A built charm directory (`lib/pack` `buildCharmDir`, or one with `metadata.yaml`). */
  charmDir: string;
  /** Application name (default: the charm's name). */
  name?: string;
  config?: Record<string, ConfigInput>;
  /** Resource name to a file path (file resources) or an image reference (oci-image). */
  resources?: Record<string, string>;
  trust?: boolean;
  /** Number of units (default 1). */
  scale?: number;
}

/** An action's outcome, as `juju run` reports it. */
export interface ActionResult {
  id: string;
  unit: string;
  name: string;
  status: ActionState["status"];
  message?: string;
  /** `action-set` results as nested maps (dotted keys expanded). */
  results: Record<string, unknown>;
  log: string[];
  stdout: string;
  stderr: string;
  returnCode?: number;
}

/** What `settle` reports. */
export interface SettleResult {
  /** True when every unit is idle; false on timeout. */
  idle: boolean;
  /** Units in error. */
  errors: UnitErrorReport[];
  /** Hooks run while settling. */
  hooksRun: number;
  /** Units still running a hook (on timeout). */
  busy: string[];
}

/** An offer as `juju offer` reports it. */
export interface OfferInfo {
  name: string;
  url: string;
  app: string;
  endpoints: string[];
}

const APP_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*$/;
const MODEL_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Secret content keys Juju accepts. */
const SECRET_KEY = /^([a-z](?:-?[a-z0-9]){2,})$/;

function nest(flat: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const parts = key.split(".");
    let node = out;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (typeof next === "object" && next !== null) node = next as Record<string, unknown>;
      else node = node[part] = {};
    }
    node[parts[parts.length - 1] ?? key] = value;
  }
  return out;
}

/**
 * The local controller (see the module documentation).
 *
 * @example
 * ```ts
 * const c = await Controller.create();
 * await c.addModel("m");
 * await c.destroy();
 * ```
 */
export class Controller {
  private constructor(
    private readonly runtime: Runtime,
    /** The directory holding the controller's state. */
    readonly stateDir: string,
    private readonly ownsStateDir: boolean,
    private readonly ownsNetwork: boolean,
  ) {}

  /**
   * Starts a controller (loading the one saved in `stateDir`, if any).
   *
   * @example
   * ```ts
   * const c = await Controller.create({ stateDir: "/var/lib/jaas-sim" });
   * ```
   */
  static async create(options: ControllerOptions = {}): Promise<Controller> {
    const ownsStateDir = options.stateDir === undefined;
    const stateDir = resolve(options.stateDir ?? mkdtempSync(join(tmpdir(), "jsim-")));
    mkdirSync(stateDir, { recursive: true });
    let network: SimNetwork | undefined;
    try {
      const seed = options.deterministic?.seed;
      const saved = loadState(join(stateDir, "controller.json"));
      const state = saved ?? emptyControllerState(options.name ?? "sim", new IdSource(seed).uuid());
      const shimPath = ensureJujucShim();
      let socketPath = join(stateDir, "jujuc.sock");
      if (Buffer.byteLength(socketPath) > 100) {
        socketPath = join(mkdtempSync(join(tmpdir(), "jsim-sock-")), "jujuc.sock");
      }
      const server = await startHookToolServer(socketPath);
      if (options.networking) {
        network = new SimNetwork(options.networking === true ? {} : options.networking);
        await network.create();
      }
      const runtime = new Runtime(
        state,
        {
          stateDir,
          jujuVersion: options.jujuVersion ?? "3.6.8",
          updateStatusIntervalMs: options.updateStatusIntervalMs ?? 5 * 60 * 1000,
          retryHooks: options.retryHooks ?? true,
          timeScale: options.timeScale ?? 1,
          hookTimeoutMs: options.hookTimeoutMs ?? 10 * 60 * 1000,
          storageBeforeInstall: options.storageBeforeInstall ?? true,
          maxParallelHooks: options.maxParallelHooks ?? Math.max(2, availableParallelism()),
          seed,
          persist: options.persist ?? true,
          agentPath: options.agentPath,
          shimPath,
        },
        server,
        network,
        options.workloads,
      );
      const controller = new Controller(runtime, stateDir, ownsStateDir, network !== undefined);
      if (saved !== undefined) await controller.resume();
      runtime.save();
      runtime.scheduler.kick();
      return controller;
    } catch (e) {
      await network?.destroy().catch(() => undefined);
      if (ownsStateDir) rmSync(stateDir, { recursive: true, force: true });
      throw e;
    }
  }

  /** After loading a saved state: pods again, running work back to pending. */
  private async resume(): Promise<void> {
    const state = this.runtime.state;
    for (const model of Object.values(state.models)) {
      for (const action of Object.values(model.actions)) {
        if (action.status === "running") action.status = "pending";
      }
      for (const unit of Object.values(model.units)) {
        if (unit.agentStatus.status === "executing") {
          unit.agentStatus = { status: "idle", message: "", since: Date.now() };
        }
        unit.podPending = true;
        const before = unit.address;
        if (this.runtime.network !== undefined) unit.address = "";
        await this.runtime.startPod(model.name, unit.name);
        // A new address: Juju runs config-changed (its address hash changed).
        if (unit.address !== before && unit.agent.installed) unit.agent.configHash = "";
      }
    }
  }

  /** A deep copy of the controller's state (for inspection and tests). */
  get state(): ControllerState {
    return structuredClone(this.runtime.state);
  }

  /** Every hook run so far, in order of completion. */
  get hooks(): readonly HookRecord[] {
    return this.runtime.hooks;
  }

  /** The network, when networking is on. */
  get network(): SimNetwork | undefined {
    return this.runtime.network;
  }

  private hold<T>(fn: () => Promise<T>): Promise<T> {
    return this.runtime.scheduler.hold(async () => {
      const result = await fn();
      this.runtime.save();
      return result;
    });
  }

  private meta(model: string, app: string): CharmMeta {
    return this.runtime.meta(model, app);
  }

  // ---- models ------------------------------------------------------------------------------

  /**
   * Adds a model (`juju add-model`).
   *
   * @example
   * ```ts
   * await c.addModel("jaas"); // { name: "jaas", uuid: "…", type: "kubernetes" }
   * ```
   */
  async addModel(
    name: string,
    options: { type?: ModelType; cloudSpec?: CloudSpecData } = {},
  ): Promise<{ name: string; uuid: string; type: ModelType }> {
    const state = this.runtime.state;
    if (!MODEL_NAME.test(name)) {
      throw invalid(
        `${goQuote(name)} is not a valid name: model names may only contain lowercase letters, digits and hyphens`,
      );
    }
    if (state.models[name] !== undefined) {
      throw new SimError("already-exists", `model ${goQuote(name)} already exists`);
    }
    const type = options.type ?? "kubernetes";
    if (type !== "kubernetes" && type !== "iaas")
      throw invalid(`model type ${goQuote(String(type))} not valid`);
    return this.hold(async () => {
      let uuid = this.runtime.ids.uuid();
      while (Object.values(state.models).some((m) => m.uuid === uuid))
        uuid = this.runtime.ids.uuid();
      const model: ModelState = {
        name,
        uuid,
        type,
        life: "alive",
        applications: {},
        units: {},
        secrets: {},
        offers: {},
        saas: {},
        remoteApps: {},
        actions: {},
        cloudSpec: options.cloudSpec ?? {
          type: type === "kubernetes" ? "kubernetes" : "lxd",
          name: type === "kubernetes" ? "sim-k8s" : "localhost",
          region: "default",
        },
      };
      state.models[name] = model;
      return { name, uuid: model.uuid, type };
    });
  }

  /**
   * Destroys a model: every application goes (their units run their teardown hooks), then the
   * model. Resolves when it is gone; units stuck in error are removed after `timeoutMs`.
   *
   * @example
   * ```ts
   * await c.destroyModel("jaas");
   * ```
   */
  async destroyModel(name: string, options: { timeoutMs?: number } = {}): Promise<void> {
    const model = mustModel(this.runtime.state, name);
    await this.hold(async () => {
      model.life = "dying";
      for (const app of Object.values(model.applications)) await this.dyingApplication(model, app);
      for (const saas of Object.keys(model.saas)) this.dropSaas(model, saas);
    });
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    while (Object.keys(model.units).length > 0 && Date.now() < deadline) {
      await this.runtime.scheduler.settle(Math.max(1, deadline - Date.now()));
      if (this.runtime.errors().some((e) => e.model === name)) break;
    }
    await this.hold(async () => {
      for (const unit of Object.keys(model.units)) await this.runtime.removeUnitNow(name, unit);
      for (const app of Object.keys(model.applications))
        this.runtime.removeApplicationNow(name, app);
      for (const other of Object.values(this.runtime.state.models)) {
        for (const [alias, saas] of Object.entries(other.saas)) {
          if (saas.offerModel === name) this.dropSaas(other, alias);
        }
      }
      this.runtime.cleanupRelations();
      delete this.runtime.state.models[name];
      rmSync(join(this.stateDir, "units", name), { recursive: true, force: true });
      rmSync(join(this.stateDir, "charms", name), { recursive: true, force: true });
    });
  }

  // ---- applications ------------------------------------------------------------------------

  /**
   * Deploys a charm (`juju deploy ./charm [name] --config … --resource … --trust -n N`).
   *
   * @example
   * ```ts
   * await c.deploy("jaas", { charmDir: "build/demo", config: { port: 8080 }, scale: 3 });
   * ```
   */
  async deploy(modelName: string, options: DeployOptions): Promise<string> {
    const model = mustModel(this.runtime.state, modelName);
    if (model.life !== "alive")
      throw new SimError("state", `model ${goQuote(modelName)} is being destroyed`);
    const charm = inspectCharmDir(options.charmDir);
    const name = options.name ?? charm.meta.name;
    if (!APP_NAME.test(name)) throw invalid(`invalid application name ${goQuote(name)}`);
    if (model.applications[name] !== undefined || model.saas[name] !== undefined) {
      throw new SimError(
        "already-exists",
        `cannot add application ${goQuote(name)}: application already exists`,
      );
    }
    const scale = options.scale ?? 1;
    if (!Number.isInteger(scale) || scale < 0)
      throw invalid(`scale must be a whole number >= 0, got ${scale}`);
    const parsed = parseConfigValues(charm.meta, options.config ?? {});
    const resources = this.checkResources(model, charm.meta, options.resources ?? {});
    return this.hold(async () => {
      const config: Record<string, ConfigValue> = {};
      for (const [k, v] of Object.entries(parsed)) if (v !== null) config[k] = v;
      const now = Date.now();
      const app: ApplicationState = {
        name,
        charmName: charm.meta.name,
        charmSource: charm.dir,
        charmDir: storeCharm(charm.dir, this.stateDir, modelName, name, 1),
        charmRevision: 1,
        config,
        resources,
        trust: options.trust ?? false,
        scale,
        nextUnit: 0,
        leader: null,
        leaderSettings: {},
        leaderSettingsVersion: 0,
        status: { status: "unknown", message: "", since: now },
        life: "alive",
      };
      model.applications[name] = app;
      for (const peer of charm.meta.peers) {
        this.runtime.state.relations.push({
          id: this.runtime.state.nextRelationId++,
          interface: peer.interface,
          peer: true,
          life: "alive",
          sides: [
            {
              model: modelName,
              app: name,
              endpoint: peer.name,
              role: "peers",
              appBag: {},
              appVersion: 0,
              units: {},
            },
          ],
        });
      }
      await this.runtime.addUnits(modelName, name, scale);
      return name;
    });
  }

  private checkResources(
    model: ModelState,
    meta: CharmMeta,
    given: Record<string, string>,
  ): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(given)) {
      const resource = meta.resources.get(name);
      if (resource === undefined)
        throw invalid(`charm ${goQuote(meta.name)} has no resource ${goQuote(name)}`);
      if (resource.type === "file") {
        const path = resolve(value);
        if (!existsSync(path))
          throw notFound(`resource ${goQuote(name)}: file ${goQuote(value)} not found`);
        out[name] = path;
      } else out[name] = value;
    }
    if (model.type === "kubernetes") {
      const missing = [...meta.resources.values()]
        .filter((r) => r.type === "oci-image" && out[r.name] === undefined)
        .map((r) => r.name)
        .sort();
      if (missing.length > 0)
        throw invalid(`local charm missing OCI images for: ${missing.join(", ")}`);
    }
    return out;
  }

  /** Marks an application dying with its units and relations. */
  private async dyingApplication(model: ModelState, app: ApplicationState): Promise<void> {
    app.life = "dying";
    for (const rel of relationsOfApp(this.runtime.state, model.name, app.name)) rel.life = "dying";
    for (const unit of unitsOf(model, app.name)) await this.runtime.killUnit(model.name, unit.name);
    if (unitsOf(model, app.name).length === 0)
      this.runtime.removeApplicationNow(model.name, app.name);
  }

  /**
   * Removes an application (`juju remove-application`): its units tear down, its relations go.
   *
   * @example
   * ```ts
   * await c.removeApplication("jaas", "demo");
   * ```
   */
  async removeApplication(modelName: string, appName: string): Promise<void> {
    const model = mustModel(this.runtime.state, modelName);
    const app = mustApp(model, appName);
    const offer = Object.values(model.offers).find((o) => o.app === appName);
    if (offer !== undefined) {
      throw new SimError(
        "state",
        `cannot remove application ${goQuote(appName)}: it is offered as ${goQuote(offer.name)} (remove the offer first)`,
      );
    }
    await this.hold(() => this.dyingApplication(model, app));
  }

  /**
   * Sets the number of units (`juju scale-application`); scaling down removes the
   * highest-numbered units, as a Kubernetes StatefulSet does.
   *
   * @example
   * ```ts
   * await c.scale("jaas", "openfga", 3);
   * ```
   */
  async scale(modelName: string, appName: string, scale: number): Promise<void> {
    const model = mustModel(this.runtime.state, modelName);
    const app = mustApp(model, appName);
    if (!Number.isInteger(scale) || scale < 0)
      throw invalid(`scale must be a whole number >= 0, got ${scale}`);
    if (app.life !== "alive")
      throw new SimError("state", `application ${goQuote(appName)} is being removed`);
    await this.hold(async () => {
      const alive = unitsOf(model, appName).filter((u) => u.life === "alive");
      app.scale = scale;
      if (scale > alive.length)
        await this.runtime.addUnits(modelName, appName, scale - alive.length);
      for (const unit of alive.slice(scale).reverse())
        await this.runtime.killUnit(modelName, unit.name);
    });
  }

  /**
   * Removes particular units (`juju remove-unit`). Juju allows this on machine models only;
   * the local model allows it on both, to take a chosen unit (such as the leader) away.
   *
   * @example
   * ```ts
   * await c.removeUnit("jaas", "openfga/0", "openfga/1");
   * ```
   */
  async removeUnit(modelName: string, ...units: string[]): Promise<void> {
    const model = mustModel(this.runtime.state, modelName);
    if (units.length === 0) throw invalid("no units specified");
    for (const name of units) {
      const unit = mustUnit(model, name);
      if (unit.life !== "alive")
        throw new SimError("state", `unit ${goQuote(name)} is already being removed`);
    }
    await this.hold(async () => {
      for (const name of units) {
        const unit = mustUnit(model, name);
        const app = mustApp(model, unit.app);
        app.scale = Math.max(0, app.scale - 1);
        await this.runtime.killUnit(modelName, name);
      }
    });
  }

  /**
   * Sets config (`juju config app k=v`): strings are parsed as the CLI parses them, typed
   * values must have the option's type, null resets to the default.
   *
   * @example
   * ```ts
   * await c.config("jaas", "demo", { port: "9090", greeting: null });
   * ```
   */
  async config(
    modelName: string,
    appName: string,
    values: Record<string, ConfigInput>,
  ): Promise<void> {
    const model = mustModel(this.runtime.state, modelName);
    const app = mustApp(model, appName);
    const parsed = parseConfigValues(this.meta(modelName, appName), values);
    await this.hold(async () => {
      for (const [k, v] of Object.entries(parsed)) {
        if (v === null) delete app.config[k];
        else app.config[k] = v;
      }
    });
  }

  /**
   * The effective config of an application (defaults and set values).
   *
   * @example
   * ```ts
   * c.getConfig("jaas", "demo").port; // 8080
   * ```
   */
  getConfig(modelName: string, appName: string): Record<string, ConfigValue> {
    const app = mustApp(mustModel(this.runtime.state, modelName), appName);
    return effectiveConfig(this.meta(modelName, appName), app.config);
  }

  /**
   * Grants or revokes trust (`juju trust`); units get config-changed.
   *
   * @example
   * ```ts
   * await c.trust("jaas", "jimm", true);
   * ```
   */
  async trust(modelName: string, appName: string, trusted: boolean): Promise<void> {
    const app = mustApp(mustModel(this.runtime.state, modelName), appName);
    await this.hold(async () => {
      app.trust = trusted;
    });
  }

  /**
   * Upgrades an application to a new build of its charm (`juju refresh --path`). On
   * Kubernetes every unit's pod is replaced: stop, upgrade-charm, config-changed,
   * leader-settings-changed (non-leaders), start; on machines upgrade-charm, config-changed.
   *
   * @example
   * ```ts
   * await c.refresh("jaas", "demo", { charmDir: "build/demo-v2" });
   * ```
   */
  async refresh(
    modelName: string,
    appName: string,
    options: { charmDir?: string } = {},
  ): Promise<void> {
    const model = mustModel(this.runtime.state, modelName);
    const app = mustApp(model, appName);
    const charm = inspectCharmDir(options.charmDir ?? app.charmSource);
    if (charm.meta.name !== app.charmName) {
      throw invalid(
        `cannot refresh ${goQuote(appName)} from charm ${goQuote(app.charmName)} to a different charm ${goQuote(charm.meta.name)}`,
      );
    }
    for (const rel of relationsOfApp(this.runtime.state, modelName, appName)) {
      const side = rel.sides[sideIndex(rel, modelName, appName)];
      const ep = side !== undefined ? charm.meta.relations.get(side.endpoint) : undefined;
      if (side !== undefined && (ep === undefined || ep.interface !== rel.interface)) {
        throw invalid(
          `cannot upgrade application ${goQuote(appName)} to charm ${goQuote(charm.meta.name)}: would break relation ${goQuote(`${appName}:${side.endpoint}`)}`,
        );
      }
    }
    await this.hold(async () => {
      app.charmRevision += 1;
      app.charmSource = charm.dir;
      app.charmDir = storeCharm(charm.dir, this.stateDir, modelName, appName, app.charmRevision);
      for (const key of Object.keys(app.config))
        if (!charm.meta.config.has(key)) delete app.config[key];
      for (const unit of unitsOf(model, appName)) {
        if (unit.life !== "alive" || !unit.agent.installed) continue;
        const kube = model.type === "kubernetes";
        const steps: HookInfo[] = [];
        if (kube && unit.agent.started) steps.push({ kind: "stop" });
        steps.push({ kind: "upgrade-charm" }, { kind: "config-changed" });
        if (kube && app.leader !== unit.name) steps.push({ kind: "leader-settings-changed" });
        unit.agent.queue = steps;
        if (kube) {
          if (unit.agent.started) unit.replacePod = true;
          else await this.runtime.replacePod(modelName, unit.name);
        }
      }
    });
  }

  /**
   * Replaces a unit's pod (`kubectl delete pod`): the old pod runs stop; the new one has a
   * fresh charm directory, a new address and new containers, and runs upgrade-charm,
   * config-changed and start. Charm state (in the controller) survives.
   *
   * @example
   * ```ts
   * await c.churn("jaas", "openfga/1");
   * ```
   */
  async churn(modelName: string, unitName: string): Promise<void> {
    const model = mustModel(this.runtime.state, modelName);
    const unit = mustUnit(model, unitName);
    if (model.type !== "kubernetes")
      throw invalid(
        `unit ${goQuote(unitName)} is not a Kubernetes pod: churn needs a kubernetes model`,
      );
    if (unit.life !== "alive")
      throw new SimError("state", `unit ${goQuote(unitName)} is being removed`);
    await this.hold(async () => {
      if (!unit.agent.installed) {
        await this.runtime.replacePod(modelName, unitName);
        return;
      }
      unit.agent.queue = [
        ...(unit.agent.started ? [{ kind: "stop" } as const] : []),
        { kind: "upgrade-charm" },
        { kind: "config-changed" },
      ];
      if (unit.agent.started) unit.replacePod = true;
      else await this.runtime.replacePod(modelName, unitName);
    });
  }

  // ---- relations ---------------------------------------------------------------------------

  /** The endpoints an application (or a consumed offer) has, for inference. */
  private endpointsOf(model: ModelState, name: string): AppEndpoint[] | undefined {
    const app = model.applications[name];
    if (app !== undefined) {
      if (app.life !== "alive") return undefined;
      const meta = this.meta(model.name, name);
      return [
        ...[...meta.relations.values()].map((ep) => ({
          app: name,
          name: ep.name,
          role: ep.role,
          interface: ep.interface,
          ...(ep.limit !== undefined ? { limit: ep.limit } : {}),
        })),
        {
          app: name,
          name: "juju-info",
          role: "provides" as const,
          interface: "juju-info",
          implicit: true,
        },
      ];
    }
    const saas = model.saas[name];
    if (saas === undefined) return undefined;
    const offerModel = this.runtime.state.models[saas.offerModel];
    const offer = offerModel?.offers[saas.offerName];
    if (offerModel === undefined || offer === undefined) return undefined;
    const meta = this.meta(offerModel.name, offer.app);
    return offer.endpoints.flatMap((e) => {
      const ep = meta.relations.get(e);
      return ep === undefined
        ? []
        : [{ app: name, name: ep.name, role: ep.role, interface: ep.interface }];
    });
  }

  /** Where an endpoint really lives: (model, app) of the application behind a name. */
  private realSide(
    model: ModelState,
    ep: AppEndpoint,
  ): { model: string; app: string; saas?: string } {
    const saas = model.saas[ep.app];
    if (saas === undefined) return { model: model.name, app: ep.app };
    const offer = mustModel(this.runtime.state, saas.offerModel).offers[saas.offerName];
    return { model: saas.offerModel, app: offer?.app ?? "", saas: ep.app };
  }

  private findRelation(
    a: { model: string; app: string; endpoint: string },
    b: { model: string; app: string; endpoint: string },
  ): RelationState | undefined {
    return this.runtime.state.relations.find((r) => {
      if (r.peer || r.sides.length !== 2) return false;
      const match = (
        s: { model: string; app: string; endpoint: string } | undefined,
        t: typeof a,
      ): boolean =>
        s !== undefined && s.model === t.model && s.app === t.app && s.endpoint === t.endpoint;
      return (
        (match(r.sides[0], a) && match(r.sides[1], b)) ||
        (match(r.sides[0], b) && match(r.sides[1], a))
      );
    });
  }

  /**
   * Relates two applications (`juju integrate a[:ep] b[:ep]`), inferring endpoints; either may
   * be a consumed offer (cross-model).
   *
   * @example
   * ```ts
   * await c.integrate("jaas", "jimm:database", "postgresql"); // { id: 3, key: "jimm:database postgresql:database" }
   * ```
   */
  async integrate(modelName: string, a: string, b: string): Promise<{ id: number; key: string }> {
    const state = this.runtime.state;
    const model = mustModel(state, modelName);
    const [ep1, ep2] = inferEndpoints(a, b, (name) => this.endpointsOf(model, name));
    const key = relationKey([ep1, ep2]);
    const s1 = this.realSide(model, ep1);
    const s2 = this.realSide(model, ep2);
    if (s1.saas !== undefined && s2.saas !== undefined) {
      throw invalid(
        `cannot relate two consumed offers (${goQuote(ep1.app)} and ${goQuote(ep2.app)}) in model ${goQuote(modelName)}`,
      );
    }
    const side1 = { model: s1.model, app: s1.app, endpoint: ep1.name };
    const side2 = { model: s2.model, app: s2.app, endpoint: ep2.name };
    if (this.findRelation(side1, side2) !== undefined) {
      throw new SimError(
        "already-exists",
        `cannot add relation ${goQuote(key)}: relation ${key} already exists`,
      );
    }
    for (const [ep, side] of [
      [ep1, side1],
      [ep2, side2],
    ] as const) {
      const meta = this.meta(side.model, side.app).relations.get(side.endpoint);
      const limit = meta?.limit;
      if (limit === undefined || limit <= 0) continue;
      const count = relationsOfApp(state, side.model, side.app).filter(
        (r) =>
          r.life === "alive" &&
          r.sides[sideIndex(r, side.model, side.app)]?.endpoint === side.endpoint,
      ).length;
      if (count >= limit) {
        throw invalid(
          `establishing a new relation for ${ep.app}:${ep.name} would exceed its maximum relation limit of ${limit}`,
        );
      }
    }
    return this.hold(async () => {
      const rel: RelationState = {
        id: state.nextRelationId++,
        interface: ep1.interface,
        peer: false,
        life: "alive",
        sides: [
          { ...side1, role: ep1.role, appBag: {}, appVersion: 0, units: {} },
          { ...side2, role: ep2.role, appBag: {}, appVersion: 0, units: {} },
        ],
      };
      const saasSide = s1.saas !== undefined ? 0 : s2.saas !== undefined ? 1 : -1;
      if (saasSide >= 0) {
        const consumer = rel.sides[1 - saasSide];
        const offerModel = mustModel(state, rel.sides[saasSide]?.model ?? "");
        const saasName = (saasSide === 0 ? s1.saas : s2.saas) ?? "";
        const saas = model.saas[saasName];
        let remote = Object.values(offerModel.remoteApps).find(
          (r) => r.model === consumer?.model && r.app === consumer?.app,
        );
        if (remote === undefined) {
          let name = this.runtime.ids.remoteAppName();
          while (offerModel.remoteApps[name] !== undefined) name = this.runtime.ids.remoteAppName();
          remote = { name, model: consumer?.model ?? "", app: consumer?.app ?? "" };
          offerModel.remoteApps[remote.name] = remote;
        }
        rel.crossModel = {
          offerSide: saasSide,
          offerName: saas?.offerName ?? "",
          saasName,
          remoteAppName: remote.name,
        };
      }
      state.relations.push(rel);
      for (const side of rel.sides) {
        const m = mustModel(state, side.model);
        for (const unit of unitsOf(m, side.app)) {
          if (unit.agent.installed && unit.life === "alive")
            enterScope(state, rel, side.model, unit.name);
        }
      }
      return { id: rel.id, key };
    });
  }

  /**
   * Removes a relation (`juju remove-relation a b`, or by id): every unit departs the remote
   * units, then runs relation-broken.
   *
   * @example
   * ```ts
   * await c.removeRelation("jaas", "jimm", "postgresql");
   * await c.removeRelation("jaas", 3);
   * ```
   */
  async removeRelation(modelName: string, a: string | number, b?: string): Promise<void> {
    const state = this.runtime.state;
    const model = mustModel(state, modelName);
    let rel: RelationState | undefined;
    if (typeof a === "number") {
      rel = state.relations.find((r) => r.id === a && r.sides.some((s) => s.model === modelName));
      if (rel === undefined) throw notFound(`relation ${a} not found`);
    } else {
      if (b === undefined) throw invalid("remove-relation needs two endpoints or a relation id");
      const [ep1, ep2] = inferExisting(
        a,
        b,
        (name) => this.endpointsOf(model, name),
        (x, y) => {
          const s1 = this.realSide(model, x);
          const s2 = this.realSide(model, y);
          return (
            this.findRelation({ ...s1, endpoint: x.name }, { ...s2, endpoint: y.name }) !==
            undefined
          );
        },
      );
      const s1 = this.realSide(model, ep1);
      const s2 = this.realSide(model, ep2);
      rel = this.findRelation({ ...s1, endpoint: ep1.name }, { ...s2, endpoint: ep2.name });
      if (rel === undefined)
        throw notFound(`relation ${goQuote(relationKey([ep1, ep2]))} not found`);
    }
    if (rel.peer)
      throw invalid(
        `cannot remove peer relation ${rel.id}: peer relations last as long as their application`,
      );
    const target = rel;
    if (target.life !== "alive") return;
    await this.hold(async () => {
      target.life = "dying";
      this.runtime.cleanupRelations();
    });
  }

  // ---- cross-model -------------------------------------------------------------------------

  /**
   * Offers endpoints of an application to other models (`juju offer app:ep[,ep] [name]`).
   *
   * @example
   * ```ts
   * await c.offer("db", "postgresql:database"); // { url: "admin/db.postgresql", … }
   * ```
   */
  async offer(modelName: string, spec: string, name?: string): Promise<OfferInfo> {
    const model = mustModel(this.runtime.state, modelName);
    const { app, endpoint } = parseEndpointArg(spec);
    if (endpoint === undefined)
      throw invalid(
        `offer ${goQuote(spec)} must name endpoints: <application>:<endpoint>[,<endpoint>…]`,
      );
    mustApp(model, app);
    const meta = this.meta(modelName, app);
    const endpoints = endpoint.split(",").map((e) => e.trim());
    for (const e of endpoints) {
      const ep = meta.relations.get(e);
      if (ep === undefined)
        throw notFound(`application ${goQuote(app)} has no ${goQuote(e)} relation`);
      if (ep.role === "peers")
        throw invalid(`cannot offer peer endpoint ${goQuote(`${app}:${e}`)}`);
    }
    const offerName = name ?? app;
    if (!APP_NAME.test(offerName)) throw invalid(`offer name ${goQuote(offerName)} is not valid`);
    if (model.offers[offerName] !== undefined) {
      throw new SimError(
        "already-exists",
        `cannot add offer ${goQuote(offerName)}: application offer already exists`,
      );
    }
    return this.hold(async () => {
      const offer = { name: offerName, app, endpoints, url: `admin/${modelName}.${offerName}` };
      model.offers[offerName] = offer;
      return { ...offer };
    });
  }

  /**
   * Removes an offer (`juju remove-offer`); refused while relations use it, unless `force`,
   * which removes those relations too.
   *
   * @example
   * ```ts
   * await c.removeOffer("db", "postgresql", { force: true });
   * ```
   */
  async removeOffer(
    modelName: string,
    name: string,
    options: { force?: boolean } = {},
  ): Promise<void> {
    const state = this.runtime.state;
    const model = mustModel(state, modelName);
    if (model.offers[name] === undefined) throw notFound(`offer ${goQuote(name)} not found`);
    const used = state.relations.filter(
      (r) =>
        r.crossModel?.offerName === name && r.sides[r.crossModel.offerSide]?.model === modelName,
    );
    if (used.length > 0 && options.force !== true) {
      throw new SimError(
        "state",
        `cannot remove offer ${goQuote(name)}: it has ${used.length} relation${used.length === 1 ? "" : "s"} (use force to remove them too)`,
      );
    }
    await this.hold(async () => {
      for (const rel of used) rel.life = "dying";
      delete model.offers[name];
      for (const other of Object.values(state.models)) {
        for (const [alias, saas] of Object.entries(other.saas)) {
          if (saas.offerModel === modelName && saas.offerName === name) delete other.saas[alias];
        }
      }
      this.runtime.cleanupRelations();
    });
  }

  /**
   * Consumes an offer into a model (`juju consume [admin/]model.offer [alias]`).
   *
   * @example
   * ```ts
   * await c.consume("jaas", "admin/db.postgresql"); // SAAS "postgresql" in model jaas
   * ```
   */
  async consume(modelName: string, url: string, alias?: string): Promise<string> {
    const state = this.runtime.state;
    const model = mustModel(state, modelName);
    const match = /^(?:[^:/]+:)?(?:[^/]+\/)?([a-z0-9-]+)\.([a-z][a-z0-9-]*)$/.exec(url);
    if (match === null)
      throw invalid(`offer URL ${goQuote(url)} is not valid: expected [<user>/]<model>.<offer>`);
    const [, offerModelName = "", offerName = ""] = match;
    const offerModel = state.models[offerModelName];
    if (offerModel === undefined || offerModel.offers[offerName] === undefined) {
      throw notFound(`offer ${goQuote(url)} not found`);
    }
    if (offerModelName === modelName)
      throw invalid(`cannot consume offer ${goQuote(url)} into the model that offers it`);
    const name = alias ?? offerName;
    if (!APP_NAME.test(name)) throw invalid(`invalid application name ${goQuote(name)}`);
    if (model.applications[name] !== undefined || model.saas[name] !== undefined) {
      throw new SimError(
        "already-exists",
        `cannot add remote application ${goQuote(name)}: application already exists in model ${goQuote(modelName)}`,
      );
    }
    return this.hold(async () => {
      model.saas[name] = {
        name,
        url: `admin/${offerModelName}.${offerName}`,
        offerModel: offerModelName,
        offerName,
      };
      return name;
    });
  }

  /**
   * Removes a SAAS entry (`juju remove-saas`); its relations are removed.
   *
   * @example
   * ```ts
   * await c.removeSaas("jaas", "postgresql");
   * ```
   */
  async removeSaas(modelName: string, name: string): Promise<void> {
    const model = mustModel(this.runtime.state, modelName);
    if (model.saas[name] === undefined)
      throw notFound(`saas application ${goQuote(name)} not found`);
    await this.hold(async () => this.dropSaas(model, name));
  }

  private dropSaas(model: ModelState, name: string): void {
    for (const rel of this.runtime.state.relations) {
      if (rel.crossModel?.saasName === name && rel.sides.some((s) => s.model === model.name))
        rel.life = "dying";
    }
    delete model.saas[name];
    this.runtime.cleanupRelations();
  }

  // ---- user secrets ------------------------------------------------------------------------

  private userSecret(model: ModelState, ref: string) {
    let xid: string | undefined;
    try {
      xid = parseSecretUri(ref).xid;
    } catch {
      xid = undefined;
    }
    const secret = Object.values(model.secrets).find(
      (s) => s.owner.kind === "model" && (s.xid === xid || s.label === ref),
    );
    if (secret === undefined) throw notFound(`secret ${goQuote(ref)} not found`);
    return secret;
  }

  private checkContent(content: Record<string, string>): void {
    if (Object.keys(content).length === 0) throw invalid("missing secret value");
    for (const [key, value] of Object.entries(content)) {
      if (!SECRET_KEY.test(key)) throw invalid(`key ${goQuote(key)} not valid`);
      if (typeof value !== "string" || value === "")
        throw invalid(`empty secret value for key ${goQuote(key)}`);
    }
  }

  /**
   * Adds a user secret owned by the model (`juju add-secret <name> k=v`); returns its URI.
   *
   * @example
   * ```ts
   * const uri = await c.addSecret("jaas", "db-pass", { password: "s3cret" });
   * await c.grantSecret("jaas", "db-pass", "jimm");
   * ```
   */
  async addSecret(
    modelName: string,
    name: string,
    content: Record<string, string>,
    options: { description?: string } = {},
  ): Promise<string> {
    const model = mustModel(this.runtime.state, modelName);
    if (Object.values(model.secrets).some((s) => s.owner.kind === "model" && s.label === name)) {
      throw new SimError("already-exists", `secret with name ${goQuote(name)} already exists`);
    }
    this.checkContent(content);
    return this.hold(async () => {
      const xid = this.runtime.newSecretId();
      model.secrets[xid] = {
        xid,
        owner: { kind: "model" },
        label: name,
        ...(options.description !== undefined ? { description: options.description } : {}),
        revisions: { "1": { ...content } },
        latestRevision: 1,
        grants: [],
        consumers: {},
        removeNotified: [],
        expiredNotified: [],
      };
      return `secret:${xid}`;
    });
  }

  /**
   * Puts new content in a user secret (`juju update-secret`); its consumers get secret-changed.
   *
   * @example
   * ```ts
   * await c.updateSecret("jaas", "db-pass", { password: "n3w" });
   * ```
   */
  async updateSecret(
    modelName: string,
    ref: string,
    content: Record<string, string>,
  ): Promise<void> {
    const secret = this.userSecret(mustModel(this.runtime.state, modelName), ref);
    this.checkContent(content);
    await this.hold(async () => {
      secret.latestRevision += 1;
      secret.revisions[String(secret.latestRevision)] = { ...content };
    });
  }

  /**
   * Lets an application read a user secret (`juju grant-secret <name> <app>`).
   *
   * @example
   * ```ts
   * await c.grantSecret("jaas", "db-pass", "jimm");
   * ```
   */
  async grantSecret(modelName: string, ref: string, app: string): Promise<void> {
    const model = mustModel(this.runtime.state, modelName);
    const secret = this.userSecret(model, ref);
    mustApp(model, app);
    await this.hold(async () => {
      if (!secret.grants.some((g) => g.target === app)) {
        secret.grants.push({ relationId: -1, target: app, role: "view" });
      }
    });
  }

  /**
   * Takes a user secret away from an application (`juju revoke-secret <name> <app>`).
   *
   * @example
   * ```ts
   * await c.revokeSecret("jaas", "db-pass", "jimm");
   * ```
   */
  async revokeSecret(modelName: string, ref: string, app: string): Promise<void> {
    const secret = this.userSecret(mustModel(this.runtime.state, modelName), ref);
    await this.hold(async () => {
      secret.grants = secret.grants.filter((g) => g.target !== app);
    });
  }

  // ---- actions, errors ---------------------------------------------------------------------

  /**
   * Queues an action on a unit and returns its id at once (`juju run --background`).
   *
   * @example
   * ```ts
   * const id = await c.enqueueAction("jaas", "demo/0", "greet", { name: "Ada" });
   * ```
   */
  async enqueueAction(
    modelName: string,
    unitName: string,
    name: string,
    params: Record<string, unknown> = {},
  ): Promise<string> {
    const model = mustModel(this.runtime.state, modelName);
    const unit = mustUnit(model, unitName);
    const action = this.meta(modelName, unit.app).actions.get(name);
    if (action === undefined)
      throw invalid(`action ${goQuote(name)} not defined on unit ${goQuote(unitName)}`);
    if (unit.life !== "alive")
      throw new SimError("state", `unit ${goQuote(unitName)} is being removed`);
    const withDefaults = validateActionParams(action, params);
    return this.hold(async () => {
      const id = String(this.runtime.state.nextActionId++);
      model.actions[id] = {
        id,
        unit: unitName,
        name,
        params: withDefaults,
        status: "pending",
        results: {},
        log: [],
        stdout: "",
        stderr: "",
        enqueued: Date.now(),
      };
      unit.pendingActions.push(id);
      return id;
    });
  }

  /**
   * Runs an action and waits for its outcome (`juju run <unit> <action> k=v`).
   *
   * @example
   * ```ts
   * const r = await c.runAction("jaas", "demo/0", "greet", { name: "Ada" });
   * r.results; // { message: "hello, Ada!" }
   * ```
   */
  async runAction(
    modelName: string,
    unitName: string,
    name: string,
    params: Record<string, unknown> = {},
  ): Promise<ActionResult> {
    const id = await this.enqueueAction(modelName, unitName, name, params);
    const action = mustModel(this.runtime.state, modelName).actions[id] as ActionState;
    return toResult(await this.runtime.waitAction(action));
  }

  /**
   * An action's current state.
   *
   * @example
   * ```ts
   * c.action("jaas", "7")?.status; // "completed"
   * ```
   */
  action(modelName: string, id: string): ActionResult | undefined {
    const action = mustModel(this.runtime.state, modelName).actions[id];
    return action === undefined ? undefined : toResult(action);
  }

  /**
   * Clears a unit's hook error (`juju resolved`): with `retry` (the default) the failed hook
   * runs again at once; without, it is skipped as if it had succeeded, committing nothing.
   *
   * @example
   * ```ts
   * await c.resolve("jaas", "demo/0", { retry: false });
   * ```
   */
  async resolve(
    modelName: string,
    unitName: string,
    options: { retry?: boolean } = {},
  ): Promise<void> {
    const model = mustModel(this.runtime.state, modelName);
    const unit = mustUnit(model, unitName);
    const error = unit.error;
    if (error === undefined)
      throw new SimError("state", `unit ${goQuote(unitName)} is not in an error state`);
    await this.hold(async () => {
      if (options.retry ?? true) {
        error.retryAt = Date.now();
        return;
      }
      const now = Date.now();
      const run = {
        model: modelName,
        unit: unitName,
        info: error.hook,
        observed: observe(this.runtime.state, modelName, unitName, {
          meta: this.meta(modelName, unit.app),
          now,
        }),
        startedAt: now,
      };
      delete unit.error;
      unit.agentStatus = { status: "idle", message: "", since: now };
      await this.runtime.hookDone(run);
    });
  }

  // ---- queries -----------------------------------------------------------------------------

  /**
   * Waits until every unit is idle (no hook to run) or `timeoutMs` passes, and reports the
   * units in error.
   *
   * @example
   * ```ts
   * const { idle, errors } = await c.settle({ timeoutMs: 60_000 });
   * ```
   */
  async settle(options: { timeoutMs?: number } = {}): Promise<SettleResult> {
    const before = this.runtime.hooks.length;
    const idle = await this.runtime.scheduler.settle(options.timeoutMs ?? 120_000);
    return {
      idle,
      errors: this.runtime.errors(),
      hooksRun: this.runtime.hooks.length - before,
      busy: this.runtime.scheduler.busy(),
    };
  }

  /**
   * The model's status, shaped as `juju status --format=json` prints it.
   *
   * @example
   * ```ts
   * c.status("jaas").applications["demo"]?.units?.["demo/0"]?.["workload-status"].current; // "active"
   * ```
   */
  status(modelName: string): StatusOutput {
    return modelStatus(this.runtime.state, modelName, {
      controller: this.runtime.state.name,
      jujuVersion: this.runtime.jujuVersion,
      meta: (m, a) => this.meta(m, a),
    });
  }

  /**
   * A unit as `juju show-unit --format=json` prints it, with its relation data.
   *
   * @example
   * ```ts
   * c.showUnit("jaas", "demo/0")["demo/0"]?.["relation-info"];
   * ```
   */
  showUnit(modelName: string, unitName: string): ShowUnitOutput {
    return showUnit(this.runtime.state, modelName, unitName);
  }

  /**
   * A unit's status history, oldest first (`juju show-status-log`): workload statuses the charm
   * set, and the agent's (`executing`, `idle`, `error`).
   *
   * @example
   * ```ts
   * c.statusLog("jaas", "demo/0").filter((e) => e.kind === "workload");
   * ```
   */
  statusLog(modelName: string, unitName: string): StatusHistoryEntry[] {
    return structuredClone(
      mustUnit(mustModel(this.runtime.state, modelName), unitName).statusHistory,
    );
  }

  /**
   * A unit's log: hook output (stdout at DEBUG, stderr at WARNING) and juju-log records.
   *
   * @example
   * ```ts
   * c.unitLog("jaas", "demo/0").filter((l) => l.level === "ERROR");
   * ```
   */
  unitLog(modelName: string, unitName: string): LogEntry[] {
    return this.runtime.unitLog(modelName, unitName);
  }

  /**
   * Saves the state now (it is also saved after every change).
   *
   * @example
   * ```ts
   * c.save();
   * ```
   */
  save(): void {
    this.runtime.save();
  }

  /**
   * Stops the controller: kills running hooks, stops pods and the network, closes the socket.
   * The state stays on disk; `Controller.create({ stateDir })` resumes it.
   *
   * @example
   * ```ts
   * await c.close();
   * ```
   */
  async close(): Promise<void> {
    const errors: unknown[] = [];
    await this.runtime.close().catch((e: unknown) => errors.push(e));
    if (this.ownsNetwork)
      await this.runtime.network?.destroy().catch((e: unknown) => errors.push(e));
    if (errors.length > 0) throw errors[0];
  }

  /**
   * Closes the controller and removes its state directory (always, when it made the directory
   * itself; otherwise only with `removeState`).
   *
   * @example
   * ```ts
   * try { ... } finally { await c.destroy(); }
   * ```
   */
  async destroy(options: { removeState?: boolean } = {}): Promise<void> {
    try {
      await this.close();
    } finally {
      if (this.ownsStateDir || options.removeState === true) {
        rmSync(this.stateDir, { recursive: true, force: true });
      }
    }
  }
}

function toResult(action: ActionState): ActionResult {
  return {
    id: action.id,
    unit: action.unit,
    name: action.name,
    status: action.status,
    ...(action.message !== undefined ? { message: action.message } : {}),
    results: nest(action.results),
    log: [...action.log],
    stdout: action.stdout,
    stderr: action.stderr,
    ...(action.returnCode !== undefined ? { returnCode: action.returnCode } : {}),
  };
}

/** Infers the endpoints of an existing relation (remove-relation): like integrate, but among existing ones. */
function inferExisting(
  a: string,
  b: string,
  lookup: (app: string) => AppEndpoint[] | undefined,
  exists: (x: AppEndpoint, y: AppEndpoint) => boolean,
): [AppEndpoint, AppEndpoint] {
  try {
    return inferEndpoints(a, b, lookup);
  } catch (e) {
    if (!(e instanceof SimError) || !e.message.startsWith("ambiguous relation")) throw e;
    // Several candidates, but only one is an existing relation: that is the one meant.
    const eps1 = lookup(parseEndpointArg(a).app) ?? [];
    const eps2 = lookup(parseEndpointArg(b).app) ?? [];
    const found: [AppEndpoint, AppEndpoint][] = [];
    for (const x of eps1) for (const y of eps2) if (exists(x, y)) found.push([x, y]);
    if (found.length === 1) return found[0] as [AppEndpoint, AppEndpoint];
    throw e;
  }
}
