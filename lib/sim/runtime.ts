/**
 * The controller's engine: it owns the state, the hook-tool server, the unit directories, the
 * optional network and workload manager, and the scheduler; it decides each unit's next hook
 * (resolver plus error handling), runs it, and commits it or puts the unit in error. The public
 * operations live in `controller.ts`, which changes the state through this engine.
 *
 * @example
 * ```ts
 * const runtime = await Runtime.start(resolvedOptions);
 * runtime.scheduler.kick();
 * await runtime.scheduler.settle(60_000);
 * await runtime.close();
 * ```
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { NetworkData } from "../jujuc/context.js";
import type { HookToolServer } from "../jujuc/server.js";
import { makeToolsDir } from "../jujuc/tools-dir.js";
import { CharmMeta } from "../ops/metadata.js";
import type { SimNetwork } from "./network/network.js";
import { networkGetAnswer } from "./network/network.js";
import { IdSource } from "./model/ids.js";
import { saveState } from "./model/persist.js";
import { refreshAddresses } from "./model/scope.js";
import type {
  ActionState,
  ControllerState,
  HookInfo,
  ModelState,
  UnitState,
} from "./model/types.js";
import { hookName } from "./model/types.js";
import { mustApp, mustModel, mustUnit } from "./model/view.js";
import { commitHookContext } from "./runner/commit.js";
import type { ImmediateTarget } from "./runner/immediate.js";
import type { HookProcess } from "./runner/process.js";
import { runHook } from "./runner/run-hook.js";
import type { RunnerHost, UnitPaths } from "./runner/run-hook.js";
import { copyCharmTree } from "./runner/charm-files.js";
import { rotationDelayMs } from "./runner/secret-rotation.js";
import { markDone } from "./uniter/done.js";
import type { HookRun } from "./uniter/done.js";
import { observe } from "./uniter/remote-state.js";
import { nextHook } from "./uniter/resolver.js";
import { Scheduler } from "./uniter/scheduler.js";
import type { SchedulerHost, UnitRef } from "./uniter/scheduler.js";
import type { ControllerWorkloads, WorkloadEvent } from "./workload/types.js";
import { immediateTarget } from "./units/immediate-target.js";
import { cleanupRelations, reap, removeUnitNow, replacePod } from "./units/lifecycle.js";
import { UnitLogs } from "./units/logs.js";
import type { LogEntry } from "./units/logs.js";
import { errorMessage, setAgentStatus, setWorkloadStatus } from "./units/statuses.js";

export type { LogEntry } from "./units/logs.js";
export { errorMessage } from "./units/statuses.js";
import { namespaceArgv } from "./network/exec.js";

/** Options the engine runs with (all resolved). */
export interface RuntimeOptions {
  stateDir: string;
  jujuVersion: string;
  updateStatusIntervalMs: number;
  retryHooks: boolean;
  /** Multiplies retry delays (tests make them short). */
  timeScale: number;
  hookTimeoutMs: number;
  storageBeforeInstall: boolean;
  maxParallelHooks: number;
  seed: number | undefined;
  persist: boolean;
  agentPath: string | undefined;
  shimPath: string;
}

/** One hook run, as the controller records it. */
export interface HookRecord {
  seq: number;
  model: string;
  unit: string;
  /** The hook name (`db-relation-joined`), or `action:<name>` for an action. */
  hook: string;
  remoteUnit?: string;
  departingUnit?: string;
  relationId?: number;
  exitCode: number;
  /** 1 for a first run, 2 and more for retries. */
  attempt: number;
  startedAt: number;
  durationMs: number;
  /** Milliseconds spent by the controller around the process (context, commit). */
  overheadMs: number;
  /** Hook-tool calls the hook made. */
  toolCalls: number;
}

/** A unit whose hook failed. */
export interface UnitErrorReport {
  model: string;
  unit: string;
  hook: string;
  message: string;
  attempts: number;
}

const MAX_HOOK_RECORDS = 100_000;
const RETRY_BASE_MS = 5000;
const RETRY_MAX_MS = 5 * 60 * 1000;
/** Juju's `RotateRetryDelay` and `ExpireRetryDelay`. */
const SECRET_RETRY_MS = 5 * 60 * 1000;

/**
 * The engine (see the module documentation).
 *
 * @example
 * ```ts
 * const runtime = new Runtime(state, options, server, undefined, undefined);
 * runtime.scheduler.kick();
 * ```
 */
export class Runtime implements SchedulerHost, RunnerHost {
  readonly scheduler: Scheduler;
  readonly ids: IdSource;
  readonly hooks: HookRecord[] = [];
  readonly logs: UnitLogs;
  private readonly metas = new Map<string, CharmMeta>();
  private readonly processes = new Set<HookProcess>();
  /** Units whose pods have workload containers running (`<model>:<unit>`). */
  readonly withContainers = new Set<string>();
  private readonly actionWaiters = new Map<string, ((a: ActionState) => void)[]>();
  private readonly workloadUnsubscribe: (() => void) | undefined;
  private seq = 0;
  private closed = false;
  /** How far the controller's clock is ahead of the machine's ({@link advanceClock}). */
  private clockOffsetMs = 0;

  constructor(
    readonly state: ControllerState,
    readonly options: RuntimeOptions,
    readonly server: HookToolServer,
    readonly network: SimNetwork | undefined,
    readonly workloads: ControllerWorkloads | undefined,
  ) {
    this.ids = new IdSource(options.seed);
    this.logs = new UnitLogs((model, unit) => this.unitDir(model, unit));
    this.scheduler = new Scheduler(this, {
      maxParallel: options.maxParallelHooks,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    });
    this.workloadUnsubscribe = workloads?.subscribe((e) => this.onWorkloadEvent(e));
  }

  /**
   * The controller's clock (ms since the epoch): the machine's, plus what
   * {@link advanceClock} added. Everything timed by the controller reads it: secret rotation
   * and expiry, update-status, hook retries, the times it records.
   */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Moves the controller's clock forward by `ms`; what falls due runs at once. */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
    this.scheduler.kick();
  }

  get jujuVersion(): string {
    return this.options.jujuVersion;
  }

  get hookTimeoutMs(): number {
    return this.options.hookTimeoutMs;
  }

  get agentPath(): string | undefined {
    return this.options.agentPath;
  }

  // ---- charm metadata, directories, persistence -------------------------------------------

  /** The metadata of the charm an application runs (cached per charm copy). */
  meta(model: string, app: string): CharmMeta {
    const dir = mustApp(mustModel(this.state, model), app).charmDir;
    let meta = this.metas.get(dir);
    if (meta === undefined) {
      meta = CharmMeta.fromCharmDir(dir);
      this.metas.set(dir, meta);
    }
    return meta;
  }

  /** `<stateDir>/units/<model>/unit-<app>-<n>`. */
  unitDir(model: string, unit: string): string {
    return join(this.options.stateDir, "units", model, `unit-${unit.replace("/", "-")}`);
  }

  prepareUnit(model: string, unit: string, freshCharm: boolean): UnitPaths {
    const dir = this.unitDir(model, unit);
    const charm = join(dir, "charm");
    const tools = join(dir, "tools");
    const app = mustApp(
      mustModel(this.state, model),
      mustUnit(mustModel(this.state, model), unit).app,
    );
    if (freshCharm || !existsDir(charm)) copyCharmTree(app.charmDir, charm);
    if (!existsDir(tools)) makeToolsDir(tools, this.options.shimPath);
    return { charm, tools };
  }

  /** Where a storage instance of a unit lives (made on demand). */
  storageLocation(model: string, unit: string, id: string): string {
    const path = join(this.unitDir(model, unit), "storage", id.replace("/", "-"));
    mkdirSync(path, { recursive: true });
    return path;
  }

  resourcePath(model: string, app: string, name: string): string {
    const application = mustApp(mustModel(this.state, model), app);
    const value = application.resources[name] ?? "";
    const meta = this.meta(model, app).resources.get(name);
    if (meta?.type === "file") return resolve(value);
    // An OCI image resource reads as a file with the image's registry path, as Juju gives it.
    const dir = join(this.options.stateDir, "resources", model, app);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${name}.json`);
    const content = JSON.stringify({ registrypath: value, username: "", password: "" });
    if (!existsFile(path, content)) writeFileSync(path, content);
    return path;
  }

  namespace(model: string, unit: string): string | undefined {
    return this.network?.unit({ model, unit })?.namespace;
  }

  wrapCommand(model: string, unit: string): ((argv: readonly string[]) => string[]) | undefined {
    const workloads = this.workloads;
    if (workloads !== undefined && this.withContainers.has(`${model}:${unit}`)) {
      return (argv) => workloads.charmProcessCommand({ model, unit }, argv);
    }
    const namespace = this.namespace(model, unit);
    return namespace === undefined ? undefined : (argv) => namespaceArgv(namespace, argv);
  }

  networkFor(model: string, unit: UnitState): NetworkData {
    const net = this.network?.unit({ model, unit: unit.name });
    if (net !== undefined && this.network !== undefined) {
      return networkGetAnswer(this.network.networkInfo({ model, unit: unit.name }));
    }
    return {
      bindAddresses: [
        {
          macAddress: "",
          interfaceName: "eth0",
          addresses: [{ hostname: "", value: unit.address, cidr: "10.1.0.0/16" }],
        },
      ],
      egressSubnets: [`${unit.address}/32`],
      ingressAddresses: [unit.address],
    };
  }

  newSecretId(): string {
    // A seeded source repeats its ids after a restart: skip ids already taken.
    for (;;) {
      const xid = this.ids.secretXid();
      if (Object.values(this.state.models).every((m) => m.secrets[xid] === undefined)) return xid;
    }
  }

  /** Saves the state when persistence is on. */
  save(): void {
    if (this.options.persist && !this.closed) {
      saveState(join(this.options.stateDir, "controller.json"), this.state);
    }
  }

  // ---- logs --------------------------------------------------------------------------------

  /** Appends to a unit's log. */
  log(entry: LogEntry): void {
    this.logs.add(entry);
  }

  /** A unit's log lines. */
  unitLog(model: string, unit: string): LogEntry[] {
    return this.logs.of(model, unit);
  }

  output(run: HookRun, stream: "stdout" | "stderr", text: string): void {
    const name = run.info.kind === "action" ? "action" : hookName(run.info);
    this.logs.output(run.model, run.unit, name, stream, text);
  }

  track(process: HookProcess): () => void {
    this.processes.add(process);
    return () => this.processes.delete(process);
  }

  // ---- immediate effects -------------------------------------------------------------------

  immediateTarget(run: HookRun): ImmediateTarget {
    return immediateTarget(this, run);
  }

  // ---- scheduling --------------------------------------------------------------------------

  units(): UnitRef[] {
    const out: UnitRef[] = [];
    for (const model of Object.values(this.state.models)) {
      for (const unit of Object.keys(model.units)) out.push({ model: model.name, unit });
    }
    return out;
  }

  next(ref: UnitRef, now: number): HookInfo | undefined {
    const model = this.state.models[ref.model];
    const unit = model?.units[ref.unit];
    if (model === undefined || unit === undefined || unit.podPending === true) return undefined;
    const error = unit.error;
    const observed = observe(this.state, ref.model, ref.unit, {
      meta: this.meta(ref.model, unit.app),
      now,
    });
    const hook = nextHook(
      unit.agent,
      observed,
      {
        now,
        updateStatusIntervalMs: this.options.updateStatusIntervalMs,
        storageBeforeInstall: this.options.storageBeforeInstall,
        inError: error !== undefined,
      },
      unit.name,
    );
    if (hook !== undefined || error === undefined) return hook;
    if (error.retryAt !== undefined && now >= error.retryAt) return error.hook;
    return undefined;
  }

  wakeAt(now: number): number | undefined {
    let at: number | undefined;
    const consider = (t: number | undefined): void => {
      if (t !== undefined && t > now && (at === undefined || t < at)) at = t;
    };
    for (const model of Object.values(this.state.models)) {
      for (const unit of Object.values(model.units)) {
        consider(unit.error?.retryAt);
        if (unit.agent.started && this.options.updateStatusIntervalMs > 0) {
          consider(unit.agent.lastUpdateStatus + this.options.updateStatusIntervalMs);
        }
      }
      for (const secret of Object.values(model.secrets)) {
        consider(secret.rotateAt);
        for (const [rev, due] of Object.entries(secret.expiries ?? {})) {
          if (secret.revisions[rev] !== undefined) consider(due);
        }
      }
    }
    return at;
  }

  /** Runs one hook and applies its result; never rejects. */
  async run(ref: UnitRef, info: HookInfo): Promise<void> {
    const model = this.state.models[ref.model];
    const unit = model?.units[ref.unit];
    if (model === undefined || unit === undefined || this.closed) return;
    const startedAt = this.now();
    const clock = performance.now();
    const run: HookRun = {
      model: ref.model,
      unit: ref.unit,
      info,
      observed: observe(this.state, ref.model, ref.unit, {
        meta: this.meta(ref.model, unit.app),
        now: startedAt,
      }),
      startedAt,
    };
    const attempt =
      (unit.error !== undefined && sameHook(unit.error.hook, info) ? unit.error.attempts : 0) + 1;
    const name =
      info.kind === "action"
        ? `action:${model.actions[info.actionId]?.name ?? "?"}`
        : hookName(info);
    setAgentStatus(
      unit,
      "executing",
      info.kind === "action" ? `running action ${name.slice(7)}` : `running ${name} hook`,
    );
    if (info.kind === "install" && unit.workloadStatus.message === "installing agent") {
      setWorkloadStatus(unit, { status: "maintenance", message: "installing charm software" });
    }
    const action = info.kind === "action" ? model.actions[info.actionId] : undefined;
    if (action !== undefined) {
      action.status = "running";
      action.started = startedAt;
    }
    if (info.kind === "secret-expired") this.requeueExpiry(info, startedAt);
    let exitCode = 1;
    let processMs = 0;
    let toolCalls = 0;
    try {
      const execution = await runHook(this, run);
      processMs = execution.outcome.durationMs;
      toolCalls = execution.toolCalls;
      exitCode = execution.outcome.exitCode;
      if (this.closed || this.state.models[ref.model]?.units[ref.unit] === undefined) return;
      if (action !== undefined) {
        this.finishAction(action, execution.outcome, unit.name);
      }
      if (exitCode === 0) {
        const result = commitHookContext(this.state, run, execution.before, execution.after, {
          meta: this.meta(ref.model, unit.app),
          now: this.now(),
          storageLocation: (m, u, id) => this.storageLocation(m, u, id),
        });
        await this.hookDone(run);
        for (const id of result.peerAppWrites) {
          const local = unit.agent.relations[String(id)];
          const side = this.state.relations.find((r) => r.id === id)?.sides[0];
          if (local !== undefined && side !== undefined) local.appVersion = side.appVersion;
        }
        if (info.kind === "secret-rotate") this.afterRotate(run, result.newRevisions);
        if (info.kind === "config-changed") refreshAddresses(this.state, ref.model, unit.name);
        if (unit.error !== undefined && sameHook(unit.error.hook, info)) delete unit.error;
      } else if (info.kind !== "action") {
        this.failHook(unit, info, attempt, execution.outcome.stderr);
      } else {
        // A failed action is done all the same: it never puts the unit in error.
        unit.pendingActions = unit.pendingActions.filter((a) => a !== info.actionId);
      }
    } catch (e) {
      this.log({
        time: this.now(),
        model: ref.model,
        unit: ref.unit,
        logger: `juju.worker.uniter`,
        level: "ERROR",
        message: `cannot run ${name}: ${(e as Error).stack ?? String(e)}`,
      });
      if (info.kind !== "action") this.failHook(unit, info, attempt, (e as Error).message);
      else if (action !== undefined) {
        unit.pendingActions = unit.pendingActions.filter((a) => a !== info.actionId);
        action.status = "failed";
        action.message = (e as Error).message;
        this.notifyAction(action);
      }
    } finally {
      const live = this.state.models[ref.model]?.units[ref.unit];
      if (live !== undefined && live.agentStatus.status === "executing") {
        setAgentStatus(
          live,
          live.error !== undefined ? "error" : "idle",
          live.error !== undefined ? errorMessage(live.error.hook) : "",
        );
      }
      const durationMs = Math.round((performance.now() - clock) * 10) / 10;
      if (this.hooks.length >= MAX_HOOK_RECORDS)
        this.hooks.splice(0, this.hooks.length - MAX_HOOK_RECORDS + 1);
      this.hooks.push({
        seq: ++this.seq,
        model: ref.model,
        unit: ref.unit,
        hook: name,
        ...("remoteUnit" in info && info.remoteUnit !== undefined
          ? { remoteUnit: info.remoteUnit }
          : {}),
        ...(info.kind === "relation-departed" && info.departingUnit !== undefined
          ? { departingUnit: info.departingUnit }
          : {}),
        ...("relationId" in info ? { relationId: info.relationId } : {}),
        exitCode,
        attempt,
        startedAt,
        durationMs,
        overheadMs: Math.max(0, Math.round((durationMs - processMs) * 10) / 10),
        toolCalls,
      });
      reap(this);
      this.save();
    }
  }

  /** Marks a hook done and does what only the controller can do after it. */
  async hookDone(run: HookRun): Promise<void> {
    const model = mustModel(this.state, run.model);
    const unit = mustUnit(model, run.unit);
    markDone(this.state, run, this.now());
    const info = run.info;
    if (info.kind === "start" && unit.workloadStatus.message === "installing charm software") {
      // Juju moves a unit whose charm set no status from maintenance to unknown.
      setWorkloadStatus(unit, { status: "unknown", message: "" });
    }
    if (info.kind === "stop" && unit.replacePod === true) {
      delete unit.replacePod;
      await replacePod(this, run.model, unit.name);
    }
    if (info.kind === "remove") await removeUnitNow(this, run.model, unit.name);
    if (info.kind === "relation-broken") cleanupRelations(this);
  }

  private failHook(unit: UnitState, info: HookInfo, attempt: number, stderr: string): void {
    const now = this.now();
    const delay =
      Math.min(RETRY_BASE_MS * 2 ** (attempt - 1), RETRY_MAX_MS) * this.options.timeScale;
    unit.error = {
      hook: info,
      attempts: attempt,
      since: unit.error?.since ?? now,
      ...(this.options.retryHooks ? { retryAt: now + delay } : {}),
    };
    const model = this.modelOfUnit(unit);
    const message = errorMessage(info);
    setAgentStatus(unit, "error", message);
    unit.statusHistory.push({ kind: "workload", status: "error", message, since: now });
    this.log({
      time: now,
      model: model?.name ?? "",
      unit: unit.name,
      logger: "juju.worker.uniter.operation",
      level: "ERROR",
      message: `hook ${JSON.stringify(hookName(info))} (via hook dispatching script: dispatch) failed: ${stderr.trim().split("\n").pop() ?? "exit status 1"}`,
    });
  }

  private modelOfUnit(unit: UnitState): ModelState | undefined {
    return Object.values(this.state.models).find((m) => m.units[unit.name] === unit);
  }

  private finishAction(
    action: ActionState,
    outcome: { exitCode: number; stdout: string; stderr: string; missing: boolean },
    unit: string,
  ): void {
    action.stdout = outcome.stdout;
    action.stderr = outcome.stderr;
    action.returnCode = outcome.exitCode;
    action.completed = this.now();
    if (outcome.missing) {
      action.status = "failed";
      action.message = `action not implemented on unit ${JSON.stringify(unit)}`;
    } else if (outcome.exitCode !== 0) {
      action.status = "failed";
      action.message ??= `exit status ${outcome.exitCode}`;
    } else {
      action.status = action.message !== undefined ? "failed" : "completed";
    }
    this.notifyAction(action);
  }

  notifyAction(action: ActionState): void {
    for (const resolve of this.actionWaiters.get(action.id) ?? []) resolve(action);
    this.actionWaiters.delete(action.id);
  }

  /** Resolves once the action has finished (completed, failed or aborted). */
  waitAction(action: ActionState): Promise<ActionState> {
    if (action.status !== "pending" && action.status !== "running") return Promise.resolve(action);
    return new Promise((resolve) => {
      const list = this.actionWaiters.get(action.id) ?? [];
      list.push(resolve);
      this.actionWaiters.set(action.id, list);
    });
  }

  /**
   * Juju queues an expired revision again 5 minutes after handing it to the unit (its
   * `ExpireRetryDelay`), whatever the hook does, and runs `secret-expired` again then unless
   * the revision is gone.
   */
  private requeueExpiry(info: HookInfo, now: number): void {
    if (info.kind !== "secret-expired" || info.revision === undefined) return;
    const expiries = this.state.models[info.model]?.secrets[info.xid]?.expiries;
    if (expiries?.[String(info.revision)] === undefined) return;
    expiries[String(info.revision)] = now + SECRET_RETRY_MS * this.options.timeScale;
  }

  private afterRotate(run: HookRun, newRevisions: string[]): void {
    if (run.info.kind !== "secret-rotate") return;
    const secret = this.state.models[run.info.model]?.secrets[run.info.xid];
    if (secret === undefined) return;
    const period = secret.rotate !== undefined ? rotationDelayMs(secret.rotate) : undefined;
    if (period === undefined) delete secret.rotateAt;
    // Juju repeats secret-rotate 5 minutes later (its RotateRetryDelay) until the owner makes a
    // new revision.
    else
      secret.rotateAt =
        this.now() +
        (newRevisions.includes(secret.xid) ? period : SECRET_RETRY_MS * this.options.timeScale);
  }

  // ---- units -------------------------------------------------------------------------------

  private onWorkloadEvent(event: WorkloadEvent): void {
    const unit = this.state.models[event.model]?.units[event.unit];
    if (unit === undefined || unit.life !== "alive") return;
    const info: HookInfo =
      event.kind === "pebble-ready"
        ? { kind: "pebble-ready", container: event.container }
        : event.kind === "pebble-custom-notice"
          ? { kind: "pebble-custom-notice", container: event.container, notice: event.notice }
          : { kind: event.kind, container: event.container, checkName: event.checkName };
    unit.workloadEvents.push(info);
    this.scheduler.kick();
  }

  // ---- errors ------------------------------------------------------------------------------

  /** Units whose last hook failed. */
  errors(): UnitErrorReport[] {
    const out: UnitErrorReport[] = [];
    for (const model of Object.values(this.state.models)) {
      for (const unit of Object.values(model.units)) {
        if (unit.error === undefined) continue;
        out.push({
          model: model.name,
          unit: unit.name,
          hook: hookName(unit.error.hook),
          message: errorMessage(unit.error.hook),
          attempts: unit.error.attempts,
        });
      }
    }
    return out;
  }

  // ---- shutdown ----------------------------------------------------------------------------

  /** Kills running hooks, stops scheduling, stops pods and the tool server. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.save();
    this.closed = true;
    for (const p of this.processes) p.kill();
    await this.scheduler.close();
    this.workloadUnsubscribe?.();
    const errors: unknown[] = [];
    for (const model of Object.values(this.state.models)) {
      for (const unit of Object.keys(model.units)) {
        await this.workloads
          ?.stopUnit({ model: model.name, unit })
          .catch((e: unknown) => errors.push(e));
      }
    }
    for (const [id, list] of this.actionWaiters) {
      for (const model of Object.values(this.state.models)) {
        const action = model.actions[id];
        if (action !== undefined) for (const resolve of list) resolve(action);
      }
    }
    this.actionWaiters.clear();
    await this.server.close().catch((e: unknown) => errors.push(e));
    if (errors.length > 0) throw errors[0];
  }
}

function existsFile(path: string, content: string): boolean {
  try {
    return readFileSync(path, "utf8") === content;
  } catch {
    return false;
  }
}

function existsDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function sameHook(a: HookInfo, b: HookInfo): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
