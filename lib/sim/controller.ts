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
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { CloudSpecData, ConfigValue } from "../jujuc/context.js";
import { startHookToolServer } from "../jujuc/server.js";
import { ensureJujucShim } from "../jujuc/tools-dir.js";
import type { CharmMeta } from "../ops/metadata.js";
import { SimError } from "./errors.js";
import { IdSource } from "./model/ids.js";
import { loadState } from "./model/persist.js";
import type { ControllerState, ModelType, StatusHistoryEntry } from "./model/types.js";
import { emptyControllerState } from "./model/types.js";
import { mustModel, mustUnit } from "./model/view.js";
import { SimNetwork } from "./network/network.js";
import type { SimNetworkOptions } from "./network/network.js";
import type { HookRecord, LogEntry, UnitErrorReport } from "./runtime.js";
import { Runtime } from "./runtime.js";
import { showUnit } from "./show-unit.js";
import type { ShowUnitOutput } from "./show-unit.js";
import { modelStatus } from "./status.js";
import type { StatusOutput } from "./status.js";
import type { ConfigInput } from "./validate/config.js";
import type { ControllerWorkloads } from "./workload/types.js";
import * as actions from "./ops/actions.js";
import type { ActionResult } from "./ops/actions.js";
import * as apps from "./ops/applications.js";
import type { DeployOptions } from "./ops/applications.js";
import type { OpContext } from "./ops/context.js";
import * as crossModel from "./ops/cross-model.js";
import type { OfferInfo } from "./ops/cross-model.js";
import * as models from "./ops/models.js";
import * as relations from "./ops/relations.js";
import * as secrets from "./ops/secrets.js";
import { startPod } from "./units/lifecycle.js";

export type { ActionResult } from "./ops/actions.js";
export type { DeployOptions } from "./ops/applications.js";
export type { OfferInfo } from "./ops/cross-model.js";

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
  private readonly ops: OpContext;
  /** A directory made for the socket when the state directory's path is too long. */
  private socketDir: string | undefined;

  private constructor(
    private readonly runtime: Runtime,
    /** The directory holding the controller's state. */
    readonly stateDir: string,
    private readonly ownsStateDir: boolean,
    private readonly ownsNetwork: boolean,
  ) {
    this.ops = {
      runtime,
      stateDir,
      hold: (fn) => this.hold(fn),
      meta: (model, app) => this.meta(model, app),
    };
  }

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
    let socketDir: string | undefined;
    try {
      const seed = options.deterministic?.seed;
      const saved = loadState(join(stateDir, "controller.json"));
      const state = saved ?? emptyControllerState(options.name ?? "sim", new IdSource(seed).uuid());
      const shimPath = ensureJujucShim();
      let socketPath = join(stateDir, "jujuc.sock");
      if (Buffer.byteLength(socketPath) > 100) {
        // Unix socket paths are limited to 107 bytes: use a short directory of our own.
        socketDir = mkdtempSync(join(tmpdir(), "jsim-sock-"));
        socketPath = join(socketDir, "jujuc.sock");
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
      controller.socketDir = socketDir;
      if (saved !== undefined) await controller.resume();
      runtime.save();
      runtime.scheduler.kick();
      return controller;
    } catch (e) {
      await network?.destroy().catch(() => undefined);
      if (socketDir !== undefined) rmSync(socketDir, { recursive: true, force: true });
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
        await startPod(this.runtime, model.name, unit.name);
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
    return models.addModel(this.ops, name, options);
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
    return models.destroyModel(this.ops, name, options);
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
    return apps.deploy(this.ops, modelName, options);
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
    return apps.removeApplication(this.ops, modelName, appName);
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
    return apps.scale(this.ops, modelName, appName, scale);
  }

  /**
   * Removes particular units (`juju remove-unit`) of a machine model. Kubernetes models refuse,
   * as Juju does: scale the application down instead (`scale`), which removes the
   * highest-numbered units.
   *
   * @example
   * ```ts
   * await c.removeUnit("vms", "postgresql/0", "postgresql/1");
   * ```
   */
  async removeUnit(modelName: string, ...units: string[]): Promise<void> {
    return apps.removeUnit(this.ops, modelName, ...units);
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
    return apps.config(this.ops, modelName, appName, values);
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
    return apps.getConfig(this.ops, modelName, appName);
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
    return apps.trust(this.ops, modelName, appName, trusted);
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
    return apps.refresh(this.ops, modelName, appName, options);
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
    return apps.churn(this.ops, modelName, unitName);
  }

  // ---- relations ---------------------------------------------------------------------------

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
    return relations.integrate(this.ops, modelName, a, b);
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
    return relations.removeRelation(this.ops, modelName, a, b);
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
    return crossModel.offer(this.ops, modelName, spec, name);
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
    return crossModel.removeOffer(this.ops, modelName, name, options);
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
    return crossModel.consume(this.ops, modelName, url, alias);
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
    return crossModel.removeSaas(this.ops, modelName, name);
  }

  // ---- user secrets ------------------------------------------------------------------------

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
    return secrets.addSecret(this.ops, modelName, name, content, options);
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
    return secrets.updateSecret(this.ops, modelName, ref, content);
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
    return secrets.grantSecret(this.ops, modelName, ref, app);
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
    return secrets.revokeSecret(this.ops, modelName, ref, app);
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
    return actions.enqueueAction(this.ops, modelName, unitName, name, params);
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
    return actions.runAction(this.ops, modelName, unitName, name, params);
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
    return actions.action(this.ops, modelName, id);
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
    return actions.resolve(this.ops, modelName, unitName, options);
  }

  /**
   * Moves the controller's clock forward by `ms`, for tests: what falls due in that span
   * (secret rotation and expiry, update-status, hook retries) runs as if the time had passed.
   * Durations a charm gives (`secret-add --expire 1h`) count from the machine's clock.
   *
   * @example
   * ```ts
   * c.advanceClock(60 * 60 * 1000); // an hourly secret rotation falls due
   * await c.settle();
   * ```
   */
  advanceClock(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new SimError("invalid", `clock advance must be a duration >= 0 ms, got ${ms}`);
    }
    this.runtime.advanceClock(ms);
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
    if (this.socketDir !== undefined) rmSync(this.socketDir, { recursive: true, force: true });
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
