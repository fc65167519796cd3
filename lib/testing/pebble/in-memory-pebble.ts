/**
 * {@link InMemoryPebble}: the {@link Pebble} interface kept in memory, for unit tests of charms.
 *
 * It follows the real daemon where the contract suite (`lib/pebble/contract`) can check it
 * against Pebble v1.26: layers and the combined plan (merge/replace, validation), services with
 * start/stop/restart/replan/autostart changes and statuses, changes (list, wait, abort), checks
 * (statuses, thresholds, start/stop/refresh, health), files (permissions, owners, make-dirs, glob
 * listing, Pebble's error kinds), exec (handlers by command prefix), logs, signals and notices.
 *
 * What it cannot model:
 * - No process runs. Commands (exec, exec checks, services) do what a registered handler says
 *   ({@link InMemoryPebble.handleExec}); an exec with no handler fails as a missing executable
 *   would, and a service with no handler runs silently until stopped.
 * - Time: a service "exits quickly" when its handler finishes within `startDelay` ms (Pebble's
 *   okay-delay is 1 s). Checks run only when a test calls {@link InMemoryPebble.runChecks} or
 *   `refreshCheck`, never on their period; HTTP and TCP checks succeed unless a test sets a
 *   failure with {@link InMemoryPebble.setCheckFailure}.
 * - Backoff restarts, `on-check-failure` actions, `shutdown` actions (the daemon exiting), service
 *   start ordering (`after`/`before`, beyond `requires` pulling services in), `kill-delay`, log
 *   forwarding to log targets, and the `inner` option of layers are not carried out.
 * - Users and groups are a small table (root, nobody/nogroup, plus what tests add); permission
 *   bits are stored but never enforced (the daemon runs as root), and users have no home
 *   directories (the real daemon refuses an exec as a user whose home does not exist unless a
 *   working directory is given).
 * - Terminals (`terminal`/`interactive` exec), window resizing, identities, pairing, metrics,
 *   warnings and notice expiry are not modelled.
 *
 * @example
 * ```ts
 * const pebble = new InMemoryPebble();
 * pebble.handleExec(["jimmctl", "version"], { stdout: "3.1.0\n" });
 * await charmUnderTest.reconcile(pebble);
 * expect(pebble.runningServices()).toEqual(["jimm"]);
 * expect(pebble.fileText("/etc/jimm/config.yaml")).toContain("dsn:");
 * ```
 *
 * @module
 */

import { randomUUID } from "node:crypto";
import { PassThrough } from "node:stream";
import type { Writable } from "node:stream";
import { parseServiceCommand, splitCommand } from "../../pebble/command.js";
import { formatGoDuration, parseDuration } from "../../pebble/duration.js";
import {
  APIError,
  ChangeError,
  ConnectionError,
  ExecError,
  PebbleError,
  TimeoutError,
} from "../../pebble/errors.js";
import {
  combineLayers,
  LayerError,
  parseLayer,
  validateLayer,
  validatePlan,
} from "../../pebble/layer.js";
import type { CheckSpec, Layer, Plan, ServiceSpec } from "../../pebble/layer.js";
import type {
  AddLayerOptions,
  Change,
  ChangesOptions,
  CheckInfo,
  CheckRefreshResult,
  ChecksOptions,
  CheckStatus,
  ExecOptions,
  ExecProcess,
  ExecResult,
  FileInfo,
  HealthOptions,
  ListFilesOptions,
  LogEntry,
  LogsOptions,
  MakeDirOptions,
  Notice,
  NoticesFilter,
  NotifyOptions,
  Pebble,
  PushOptions,
  RemovePathOptions,
  ServiceActionOptions,
  ServiceInfo,
  ServiceStatus,
  SystemInfo,
  WaitChangeOptions,
} from "../../pebble/types.js";
import { ChangeStore, snapshot } from "./changes.js";
import type { MutableChange } from "./changes.js";
import { timestamp } from "./clock.js";
import { ExecHandlers, runHandler, SIGNALS } from "./exec-handlers.js";
import type { ExecContext, ExecHandler, ExecHandlerResult } from "./exec-handlers.js";
import { Accounts, MemoryFileSystem } from "./filesystem.js";
import { NoticeStore } from "./notices.js";

/** Options of {@link InMemoryPebble}. */
export interface InMemoryPebbleOptions {
  /**
   * How long (ms) a service must stay up for its start to succeed, like Pebble's 1 s okay-delay.
   * Default 0: a service whose handler returns at once has "exited quickly".
   */
  startDelay?: number;
  /** What `getSystemInfo` reports as the version (default `v1.26.0`). */
  version?: string;
  /** The socket path named in {@link ConnectionError}s while disconnected. */
  socketPath?: string;
  /** UID the calls are made as (default 0, root: notices get this owner). */
  uid?: number;
}

/** Signals whose default action does not end a process. */
const NON_TERMINATING = new Set([
  "SIGCHLD",
  "SIGCONT",
  "SIGURG",
  "SIGWINCH",
  "SIGSTOP",
  "SIGTSTP",
  "SIGTTIN",
  "SIGTTOU",
]);

const BASE_ENVIRONMENT: Readonly<Record<string, string>> = {
  PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  HOME: "/root",
  USER: "root",
  LANG: "C.UTF-8",
};

interface ServiceState {
  status: ServiceStatus;
  currentSince?: string;
  /** The configuration the running process was started with (canonical JSON). */
  startedConfig?: string;
  process?: Runner;
  signals: string[];
  starts: number;
}

interface CheckState {
  status: CheckStatus;
  successes: number;
  failures: number;
  changeId?: string;
  config: string;
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : new Promise((r) => setImmediate(r));
}

function titleCase(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function badRequest(message: string, kind = ""): APIError {
  return new APIError(400, "Bad Request", message, kind);
}

/**
 * One running command (exec or service): its streams, signals and outcome. Handlers see it
 * through an {@link ExecContext}.
 */
class Runner {
  readonly stdin = new PassThrough();
  readonly stdout = new PassThrough();
  readonly stderr: PassThrough | null;
  readonly signals: string[] = [];
  readonly controller = new AbortController();
  readonly result: Promise<Required<ExecHandlerResult>>;
  finished = false;
  private readonly signalListeners: ((signal: string) => void)[] = [];

  constructor(
    handler: ExecHandler | undefined,
    context: Omit<
      ExecContext,
      "readStdin" | "stdout" | "stderr" | "signal" | "signals" | "onSignal"
    >,
    splitStderr: boolean,
    onOutput?: (data: Buffer) => void,
  ) {
    this.stderr = splitStderr ? new PassThrough() : null;
    const stdinChunks: Buffer[] = [];
    const stdinDone = new Promise<Buffer>((resolve) => {
      this.stdin.on("data", (c: Buffer) => stdinChunks.push(c));
      this.stdin.on("end", () => resolve(Buffer.concat(stdinChunks)));
    });
    const toBuffer = (data: string | Buffer): Buffer =>
      typeof data === "string" ? Buffer.from(data) : data;
    const writeOut = (data: string | Buffer): void => {
      if (this.finished) return;
      onOutput?.(toBuffer(data));
      this.stdout.write(toBuffer(data));
    };
    const writeErr = (data: string | Buffer): void => {
      if (this.finished) return;
      if (this.stderr) this.stderr.write(toBuffer(data));
      else writeOut(data);
    };
    const ctx: ExecContext = {
      ...context,
      readStdin: () => stdinDone,
      stdout: writeOut,
      stderr: writeErr,
      signal: this.controller.signal,
      signals: this.signals,
      onSignal: (listener) => this.signalListeners.push(listener),
    };
    const run = handler
      ? runHandler(handler, ctx)
      : new Promise<Required<ExecHandlerResult>>((resolve) =>
          this.controller.signal.addEventListener("abort", () =>
            resolve({
              exitCode: 128 + (SIGNALS[String(this.controller.signal.reason)] ?? 9),
              stdout: "",
              stderr: "",
            }),
          ),
        );
    this.result = run.then(
      (r) => {
        if (r.stdout.length) writeOut(r.stdout);
        if (r.stderr.length) writeErr(r.stderr);
        this.finish();
        return r;
      },
      (error: unknown) => {
        writeErr(`${(error as Error).message ?? String(error)}\n`);
        this.finish();
        return { exitCode: 1, stdout: "", stderr: "" };
      },
    );
  }

  private finish(): void {
    this.finished = true;
    this.stdout.end();
    this.stderr?.end();
  }

  /** Delivers a signal: to the handler's listeners if it traps signals, else its default action. */
  signal(name: string): void {
    this.signals.push(name);
    if (this.signalListeners.length > 0) {
      for (const listener of this.signalListeners) listener(name);
      return;
    }
    if (!NON_TERMINATING.has(name) && !this.controller.signal.aborted) this.controller.abort(name);
  }

  /** Ends the process: SIGTERM, then SIGKILL if it is still running after `grace` ms. */
  async terminate(grace = 50): Promise<void> {
    if (this.finished) return;
    this.signal("SIGTERM");
    const ended = await Promise.race([
      this.result.then(() => true),
      delay(grace).then(() => false),
    ]);
    if (!ended) this.kill();
  }

  /** Kills the process at once. */
  kill(): void {
    if (this.finished) return;
    this.signals.push("SIGKILL");
    if (!this.controller.signal.aborted) this.controller.abort("SIGKILL");
    this.finish();
  }
}

/** The {@link ExecProcess} of an in-memory exec. */
class MemoryProcess implements ExecProcess {
  readonly stdin: Writable;
  readonly stdout: PassThrough;
  readonly stderr: PassThrough | null;
  private outcome: Promise<ExecResult> | undefined;

  constructor(
    readonly changeId: string,
    readonly taskId: string,
    private readonly command: readonly string[],
    private readonly runner: Runner,
    private readonly done: Promise<Change>,
  ) {
    this.stdin = runner.stdin;
    this.stdout = runner.stdout;
    this.stderr = runner.stderr;
  }

  async sendSignal(signal: string): Promise<void> {
    if (this.runner.finished)
      throw new PebbleError(`cannot send ${signal}: the process has finished`);
    if (SIGNALS[signal] === undefined) return; // Pebble logs and ignores unknown names.
    this.runner.signal(signal);
  }

  wait(): Promise<ExecResult> {
    this.outcome ??= this.collect();
    return this.outcome;
  }

  private async collect(): Promise<ExecResult> {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    if (this.stdout.listenerCount("data") === 0 && this.stdout.listenerCount("readable") === 0) {
      this.stdout.on("data", (c: Buffer) => out.push(c));
    }
    if (
      this.stderr &&
      this.stderr.listenerCount("data") === 0 &&
      this.stderr.listenerCount("readable") === 0
    ) {
      this.stderr.on("data", (c: Buffer) => err.push(c));
    }
    const change = await this.done;
    await new Promise<void>((r) => setImmediate(r));
    const stdoutBytes = Buffer.concat(out);
    const stderrBytes = Buffer.concat(err);
    if (change.err) {
      if (/timed out after/.test(change.err)) {
        throw new TimeoutError(`command ${JSON.stringify(this.command)} ${change.err}`, change);
      }
      throw new ChangeError(change);
    }
    const code = change.tasks[0]?.data["exit-code"];
    const exitCode = typeof code === "number" ? code : -1;
    const result: ExecResult = {
      exitCode,
      stdout: stdoutBytes.toString("utf8"),
      stderr: stderrBytes.toString("utf8"),
      stdoutBytes,
      stderrBytes,
    };
    if (exitCode !== 0) throw new ExecError(this.command, exitCode, result.stdout, result.stderr);
    return result;
  }
}

/** A recorded exec, for tests to inspect. */
export interface ExecRecord {
  command: string[];
  options: Omit<ExecOptions, "stdin">;
  stdin?: string | Buffer;
}

/**
 * An in-memory Pebble for unit tests; see the module documentation for what it models and what it
 * cannot.
 *
 * @example
 * ```ts
 * const pebble = new InMemoryPebble();
 * await pebble.addLayer("app", { services: { app: { override: "replace", command: "app", startup: "enabled" } } });
 * await pebble.replan();
 * pebble.serviceStatus("app"); // "active"
 * ```
 */
export class InMemoryPebble implements Pebble {
  /** The file system, for tests to seed and inspect. */
  readonly fs: MemoryFileSystem;
  /** Users and groups known to the file system and exec. */
  readonly accounts: Accounts;
  /** Every exec, in order. */
  readonly execHistory: ExecRecord[] = [];

  private readonly handlers = new ExecHandlers();
  private readonly notices = new NoticeStore();
  private readonly changes = new ChangeStore(this.notices);
  private layers: { label: string; layer: Layer }[] = [];
  private plan: Plan = combineLayers([]);
  private readonly services = new Map<string, ServiceState>();
  private readonly checks = new Map<string, CheckState>();
  private readonly checkFailures = new Map<string, string>();
  private readonly logs: LogEntry[] = [];
  private readonly startDelay: number;
  private readonly version: string;
  private readonly socketPath: string;
  private readonly uid: number;
  private readonly bootId = randomUUID();
  private connected = true;

  constructor(options: InMemoryPebbleOptions = {}) {
    this.accounts = new Accounts();
    this.fs = new MemoryFileSystem(this.accounts);
    this.startDelay = options.startDelay ?? 0;
    this.version = options.version ?? "v1.26.0";
    this.socketPath = options.socketPath ?? "/charm/containers/workload/pebble.socket";
    this.uid = options.uid ?? 0;
  }

  // ---------------------------------------------------------------- test controls

  /**
   * Registers what a command does, by prefix (the longest registered prefix wins).
   *
   * @example
   * ```ts
   * pebble.handleExec(["false"], 1);
   * pebble.handleExec(["sh", "-c"], (ctx) => ({ stdout: `ran ${ctx.command[2]}\n` }));
   * ```
   */
  handleExec(prefix: readonly string[], handler: ExecHandler): void {
    if (prefix.length === 0) throw new Error("an exec handler needs a command prefix");
    this.handlers.register(prefix, handler);
  }

  /**
   * Simulates the container going away (`false`: every call raises {@link ConnectionError}) or
   * coming back.
   *
   * @example
   * ```ts
   * pebble.setConnected(false);
   * await expect(pebble.getSystemInfo()).rejects.toBeInstanceOf(ConnectionError);
   * ```
   */
  setConnected(connected: boolean): void {
    this.connected = connected;
  }

  /**
   * Forces the outcome of a check's runs: a message makes it fail with that error, `undefined`
   * returns to the default (exec checks use their handler; HTTP and TCP checks succeed).
   *
   * @example
   * ```ts
   * pebble.setCheckFailure("ready", "connection refused");
   * await pebble.runChecks();
   * ```
   */
  setCheckFailure(name: string, message: string | undefined): void {
    if (message === undefined) this.checkFailures.delete(name);
    else this.checkFailures.set(name, message);
  }

  /**
   * Sets a check's status directly (`up` resets failures; `down` sets failures to the threshold).
   *
   * @example
   * ```ts
   * pebble.setCheckStatus("alive", "down");
   * ```
   */
  setCheckStatus(name: string, status: "up" | "down"): void {
    const state = this.checks.get(name);
    const spec = this.plan.checks[name];
    if (!state || !spec) throw new Error(`no check "${name}" in the plan`);
    if (status === "down") {
      state.failures = Math.max(state.failures, spec.threshold ?? 3);
      if (state.status !== "down") this.checkDown(name, state, "set down by test");
    } else if (state.status === "down") {
      state.failures = 0;
      this.checkUp(name, state);
    }
  }

  /**
   * Runs every active check once, as one period of Pebble's check manager would.
   *
   * @example
   * ```ts
   * await pebble.runChecks();
   * ```
   */
  async runChecks(): Promise<void> {
    for (const [name, state] of this.checks) {
      if (state.status !== "inactive") await this.performCheck(name, true);
    }
  }

  /**
   * Appends a line to a service's log, as if the service printed it.
   *
   * @example
   * ```ts
   * pebble.addLog("web", "listening on :8080");
   * ```
   */
  addLog(service: string, message: string): void {
    this.logs.push({ time: timestamp(), service, message });
  }

  /** The names of the services that are active, sorted. */
  runningServices(): string[] {
    return [...this.services]
      .filter(([, s]) => s.status === "active")
      .map(([name]) => name)
      .sort();
  }

  /** A service's status (`inactive` for unknown services). */
  serviceStatus(name: string): ServiceStatus {
    return this.services.get(name)?.status ?? "inactive";
  }

  /** How many times a service has been started. */
  serviceStarts(name: string): number {
    return this.services.get(name)?.starts ?? 0;
  }

  /** Signals sent to a service (through `sendSignal` or stops), in order. */
  serviceSignals(name: string): string[] {
    return [...(this.services.get(name)?.signals ?? [])];
  }

  /** The layers added so far, lowest first. */
  layerList(): { label: string; layer: Layer }[] {
    return structuredClone(this.layers);
  }

  /** The combined plan (synchronously, for assertions). */
  currentPlan(): Plan {
    return structuredClone(this.plan);
  }

  /** A file's bytes, or `undefined` when there is no such file. */
  file(path: string): Buffer | undefined {
    const entry = this.fs.entry(path);
    return entry?.type === "file" ? Buffer.from(entry.data) : undefined;
  }

  /** A file's text, or `undefined` when there is no such file. */
  fileText(path: string): string | undefined {
    return this.file(path)?.toString("utf8");
  }

  /** Every change so far (ready or not), oldest first. */
  changeList(): Change[] {
    return this.changes.all();
  }

  // ---------------------------------------------------------------- Pebble interface

  private ensureConnected(): void {
    if (!this.connected) {
      throw new ConnectionError(
        this.socketPath,
        "socket not found (is the Pebble daemon running?)",
        { code: "ENOENT" },
      );
    }
  }

  async getSystemInfo(): Promise<SystemInfo> {
    this.ensureConnected();
    return { bootId: this.bootId, version: this.version };
  }

  async health(options: HealthOptions = {}): Promise<boolean> {
    this.ensureConnected();
    for (const [name, state] of this.checks) {
      const level = this.plan.checks[name]?.level;
      const levelMatch =
        !options.level ||
        options.level === level ||
        (options.level === "ready" && level === "alive");
      const nameMatch = !options.names?.length || options.names.includes(name);
      if (levelMatch && nameMatch && state.status === "down") return false;
    }
    return true;
  }

  async getPlan(): Promise<Plan> {
    this.ensureConnected();
    return structuredClone(this.plan);
  }

  async addLayer(
    label: string,
    layer: Layer | string,
    options: AddLayerOptions = {},
  ): Promise<void> {
    this.ensureConnected();
    if (!label) throw badRequest("label must be set");
    let parsed: Layer;
    if (typeof layer === "string") {
      try {
        parsed = parseLayer(layer, label);
      } catch (error) {
        if (error instanceof LayerError) {
          throw badRequest(`cannot parse layer YAML: ${error.message}`);
        }
        throw error;
      }
    } else {
      // The client validates object layers before sending them, raising LayerError.
      validateLayer(layer, label);
      parsed = structuredClone(layer);
    }
    const index = this.layers.findIndex((l) => l.label === label);
    const layers = structuredClone(this.layers);
    if (index >= 0) {
      if (!options.combine) throw badRequest(`layer "${label}" already exists`);
      const existing = layers[index] as { label: string; layer: Layer };
      const combined = combineLayers([existing.layer, parsed]);
      existing.layer = { ...existing.layer, ...parsed, ...combined };
    } else {
      layers.push({ label, layer: parsed });
    }
    const plan = combineLayers(layers.map((l) => l.layer));
    try {
      validatePlan(plan);
    } catch (error) {
      if (error instanceof LayerError) throw badRequest(error.message);
      throw error;
    }
    this.layers = layers;
    this.plan = plan;
    for (const name of Object.keys(plan.services)) {
      if (!this.services.has(name))
        this.services.set(name, { status: "inactive", signals: [], starts: 0 });
    }
    this.syncChecks();
  }

  async getServices(names?: readonly string[]): Promise<ServiceInfo[]> {
    this.ensureConnected();
    return Object.keys(this.plan.services)
      .filter((name) => !names?.length || names.includes(name))
      .sort()
      .map((name) => {
        const state = this.services.get(name);
        const spec = this.plan.services[name] as ServiceSpec;
        const info: ServiceInfo = {
          name,
          startup: spec.startup === "enabled" ? "enabled" : "disabled",
          current: state?.status ?? "inactive",
        };
        if (state?.currentSince) info.currentSince = state.currentSince;
        return info;
      });
  }

  private requireServices(action: string, names: readonly string[]): void {
    for (const name of names) {
      if (!this.plan.services[name]) {
        throw badRequest(`cannot ${action} services: service "${name}" does not exist`);
      }
    }
  }

  /** Names plus what they require, transitively (start order). */
  private withRequired(action: string, names: readonly string[]): string[] {
    const out: string[] = [];
    const visit = (name: string): void => {
      if (out.includes(name)) return;
      this.requireServices(action, [name]);
      for (const dep of this.plan.services[name]?.requires ?? []) visit(dep);
      out.push(name);
    };
    for (const name of names) visit(name);
    return out;
  }

  /** Names plus the services that require them, transitively (stop order). */
  private withDependents(action: string, names: readonly string[]): string[] {
    this.requireServices(action, names);
    const out = new Set(names);
    let grew = true;
    while (grew) {
      grew = false;
      for (const [name, spec] of Object.entries(this.plan.services)) {
        if (!out.has(name) && (spec.requires ?? []).some((r) => out.has(r))) {
          out.add(name);
          grew = true;
        }
      }
    }
    return [...out];
  }

  private async serviceChange(
    action: string,
    requested: readonly string[],
    stops: string[],
    starts: string[],
    options: ServiceActionOptions,
  ): Promise<string> {
    const tasks = [
      ...stops.map((s) => ({ kind: "stop", summary: `Stop service "${s}"` })),
      ...starts.map((s) => ({ kind: "start", summary: `Start service "${s}"` })),
    ];
    const all = [...new Set([...stops, ...starts])];
    const first = requested[0] ?? all[0] ?? "";
    const summary =
      tasks.length === 0
        ? `${titleCase(action)} - no services`
        : all.length === 1
          ? `${titleCase(action)} service "${first}"`
          : `${titleCase(action)} service "${first}" and ${all.length - 1} more`;
    const change = this.changes.create(
      action,
      summary,
      tasks,
      requested.length ? [...requested] : all,
    );
    if (tasks.length > 0) void this.runServiceTasks(change, stops, starts);
    if (options.wait === false) return change.id;
    const done = await this.waitChange(change.id, { timeout: options.timeout ?? 30_000 });
    if (done.err) throw new ChangeError(done);
    return change.id;
  }

  private async runServiceTasks(
    change: MutableChange,
    stops: string[],
    starts: string[],
  ): Promise<void> {
    let index = 0;
    for (const name of stops) {
      await this.stopOne(name);
      this.changes.finishTask(change, index++);
    }
    for (const name of starts) {
      if (change.abortRequested) break;
      const error = await this.startOne(name, change);
      this.changes.finishTask(change, index++, error);
    }
    this.changes.finish(change);
  }

  private async startOne(name: string, change: MutableChange): Promise<string | undefined> {
    const state = this.services.get(name) as ServiceState;
    const spec = this.plan.services[name] as ServiceSpec;
    if (state.status === "active") return undefined;
    const { base, extra } = parseServiceCommand(spec.command ?? "");
    const command = [...base, ...extra];
    const environment = { ...BASE_ENVIRONMENT, ...(spec.environment ?? {}) };
    let owner: { uid: number; gid: number } | undefined;
    try {
      owner = this.accounts.resolve({
        userId: spec["user-id"],
        user: spec.user,
        groupId: spec["group-id"],
        group: spec.group,
      });
    } catch (error) {
      return `cannot start service: ${(error as Error).message}`;
    }
    let pending = "";
    const runner = new Runner(
      this.handlers.find(command),
      {
        command,
        environment,
        workingDir: spec["working-dir"] ?? "/",
        ...(owner ? { userId: owner.uid, groupId: owner.gid } : {}),
        service: name,
      },
      false,
      (data) => {
        pending += data.toString("utf8");
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) this.addLog(name, line);
      },
    );
    runner.stdin.end();
    state.process = runner;
    state.status = "active";
    state.currentSince = timestamp();
    state.startedConfig = JSON.stringify(spec);
    state.starts++;
    let exitCode: number | undefined;
    void runner.result.then((r) => {
      if (pending) this.addLog(name, pending);
      pending = "";
      exitCode = r.exitCode;
      if (state.process === runner && state.status === "active")
        this.serviceExited(name, state, r.exitCode);
    });
    let aborted = false;
    change.onAbort = () => {
      aborted = true;
    };
    await Promise.race([delay(this.startDelay), runner.result]);
    await delay(0);
    change.onAbort = undefined;
    if (aborted || change.abortRequested) {
      runner.kill();
      state.process = undefined;
      state.status = "inactive";
      state.currentSince = timestamp();
      return "start aborted, sent SIGKILL to process";
    }
    if (exitCode !== undefined) {
      const action = this.exitAction(spec, exitCode === 0);
      return `service start attempt: exited quickly with code ${exitCode}, will ${action}`;
    }
    return undefined;
  }

  private exitAction(spec: ServiceSpec, success: boolean): string {
    return (success ? spec["on-success"] : spec["on-failure"]) || "restart";
  }

  private serviceExited(name: string, state: ServiceState, exitCode: number): void {
    const spec = this.plan.services[name];
    const action = spec ? this.exitAction(spec, exitCode === 0) : "restart";
    state.process = undefined;
    state.currentSince = timestamp();
    if (action === "restart") state.status = "backoff";
    else if (action === "ignore" && exitCode === 0) state.status = "inactive";
    else state.status = "error";
  }

  private async stopOne(name: string): Promise<void> {
    const state = this.services.get(name);
    if (!state || state.status === "inactive") return;
    const runner = state.process;
    state.process = undefined;
    if (runner) {
      await runner.terminate();
      state.signals.push(
        ...runner.signals.filter((s) => s === "SIGTERM" || s === "SIGKILL").slice(-1),
      );
    }
    state.status = "inactive";
    state.currentSince = timestamp();
  }

  async startServices(
    names: readonly string[],
    options: ServiceActionOptions = {},
  ): Promise<string> {
    this.ensureConnected();
    if (names.length === 0) throw badRequest("must specify services for start action");
    const order = this.withRequired("start", names);
    return this.serviceChange("start", names, [], order, options);
  }

  async stopServices(
    names: readonly string[],
    options: ServiceActionOptions = {},
  ): Promise<string> {
    this.ensureConnected();
    if (names.length === 0) throw badRequest("must specify services for stop action");
    const order = this.withDependents("stop", names);
    return this.serviceChange("stop", names, order, [], options);
  }

  async restartServices(
    names: readonly string[],
    options: ServiceActionOptions = {},
  ): Promise<string> {
    this.ensureConnected();
    if (names.length === 0) throw badRequest("must specify services for restart action");
    const stops = this.withDependents("restart", names).filter((n) => names.includes(n));
    const starts = this.withRequired("restart", names);
    return this.serviceChange("restart", names, stops, starts, options);
  }

  async replan(options: ServiceActionOptions = {}): Promise<string> {
    this.ensureConnected();
    const stops: string[] = [];
    const starts: string[] = [];
    for (const [name, spec] of Object.entries(this.plan.services)) {
      const state = this.services.get(name);
      const running = state?.status === "active";
      if (running && state?.startedConfig !== JSON.stringify(spec)) {
        stops.push(name);
        starts.push(name);
      } else if (!running && spec.startup === "enabled") {
        starts.push(name);
      }
    }
    const startOrder = this.withRequired("replan", starts.sort());
    return this.serviceChange("replan", [], stops.sort(), startOrder, options);
  }

  async autostart(options: ServiceActionOptions = {}): Promise<string> {
    this.ensureConnected();
    const enabled = Object.entries(this.plan.services)
      .filter(([, spec]) => spec.startup === "enabled")
      .map(([name]) => name)
      .sort();
    if (enabled.length === 0) throw badRequest("no default services", "no-default-services");
    return this.serviceChange(
      "autostart",
      enabled,
      [],
      this.withRequired("autostart", enabled),
      options,
    );
  }

  async getChanges(options?: ChangesOptions): Promise<Change[]> {
    this.ensureConnected();
    return this.changes.list(options);
  }

  async getChange(id: string): Promise<Change> {
    this.ensureConnected();
    return snapshot(this.changes.get(id));
  }

  async waitChange(id: string, options: WaitChangeOptions = {}): Promise<Change> {
    this.ensureConnected();
    const change = this.changes.get(id);
    if (options.timeout === undefined) {
      await change.readyPromise;
    } else {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        change.readyPromise.then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), options.timeout))),
      ]);
      clearTimeout(timer);
      if (timedOut)
        throw new TimeoutError(`timed out waiting for change ${id} after ${options.timeout} ms`);
    }
    return snapshot(change);
  }

  async abortChange(id: string): Promise<Change> {
    this.ensureConnected();
    return this.changes.abort(id);
  }

  // ---------------------------------------------------------------- checks

  private checkInfo(name: string, state: CheckState): CheckInfo {
    const spec = this.plan.checks[name] as CheckSpec;
    const info: CheckInfo = {
      name,
      startup: spec.startup === "disabled" ? "disabled" : "enabled",
      status: state.status,
      successes: state.successes,
      failures: state.failures,
      threshold: spec.threshold ?? 3,
    };
    if (spec.level) info.level = spec.level;
    if (state.changeId && state.status !== "inactive") info.changeId = state.changeId;
    return info;
  }

  private checkKind(spec: CheckSpec): string {
    return spec.http ? "http" : spec.tcp ? "tcp" : "exec";
  }

  private startCheck(name: string, state: CheckState): void {
    const spec = this.plan.checks[name] as CheckSpec;
    const change = this.changes.create(
      "perform-check",
      `Perform ${this.checkKind(spec)} check "${name}"`,
      [{ kind: "perform-check", summary: `Perform ${this.checkKind(spec)} check "${name}"` }],
      [],
      { "check-name": name },
    );
    state.status = "up";
    state.changeId = change.id;
  }

  private stopCheck(state: CheckState): void {
    if (state.changeId) {
      const change = this.changes.get(state.changeId);
      if (!change.ready) this.changes.finish(change);
    }
    state.status = "inactive";
    state.changeId = undefined;
  }

  private checkDown(name: string, state: CheckState, error: string): void {
    const spec = this.plan.checks[name] as CheckSpec;
    if (state.changeId) {
      const change = this.changes.get(state.changeId);
      this.changes.finishTask(
        change,
        0,
        `check failure threshold ${spec.threshold ?? 3} hit: ${error}`,
      );
      this.changes.finish(change);
    }
    const recover = this.changes.create(
      "recover-check",
      `Recover ${this.checkKind(spec)} check "${name}"`,
      [{ kind: "recover-check", summary: `Recover ${this.checkKind(spec)} check "${name}"` }],
      [],
      { "check-name": name },
    );
    state.status = "down";
    state.changeId = recover.id;
  }

  private checkUp(name: string, state: CheckState): void {
    if (state.changeId) {
      const change = this.changes.get(state.changeId);
      this.changes.finishTask(change, 0);
      this.changes.finish(change);
    }
    this.startCheck(name, state);
  }

  /** Brings check states in line with the plan (new checks start, changed ones restart). */
  private syncChecks(): void {
    for (const [name, spec] of Object.entries(this.plan.checks)) {
      const config = JSON.stringify(spec);
      const state = this.checks.get(name);
      if (state && state.config === config) continue;
      if (state) this.stopCheck(state);
      const fresh: CheckState = { status: "inactive", successes: 0, failures: 0, config };
      this.checks.set(name, fresh);
      if (spec.startup !== "disabled") this.startCheck(name, fresh);
    }
  }

  /** Runs a check once; returns its error message, if it failed. */
  private async evaluateCheck(name: string): Promise<string | undefined> {
    const forced = this.checkFailures.get(name);
    if (forced !== undefined) return forced;
    const spec = this.plan.checks[name] as CheckSpec;
    if (!spec.exec) return undefined;
    const command = splitCommand(spec.exec.command ?? "");
    const handler = this.handlers.find(command);
    if (!handler) return `exec: "${command[0] ?? ""}": executable file not found in $PATH`;
    const runner = new Runner(
      handler,
      {
        command,
        environment: { ...BASE_ENVIRONMENT, ...(spec.exec.environment ?? {}) },
        workingDir: spec.exec["working-dir"] ?? "/",
      },
      false,
    );
    runner.stdin.end();
    runner.stdout.resume();
    const timeout = parseDuration(spec.timeout ?? "3s") ?? 3000;
    const outcome = await Promise.race([runner.result, delay(timeout).then(() => undefined)]);
    if (!outcome) {
      runner.kill();
      return `exec check timed out`;
    }
    return outcome.exitCode === 0 ? undefined : `exit status ${outcome.exitCode}`;
  }

  private async performCheck(name: string, updateState: boolean): Promise<string | undefined> {
    const error = await this.evaluateCheck(name);
    const state = this.checks.get(name);
    const spec = this.plan.checks[name];
    if (!state || !spec || !updateState) return error;
    if (error === undefined) {
      state.successes++;
      state.failures = 0;
      if (state.status === "down") this.checkUp(name, state);
    } else {
      state.failures++;
      if (state.status === "up" && state.failures >= (spec.threshold ?? 3))
        this.checkDown(name, state, error);
    }
    return error;
  }

  async getChecks(options: ChecksOptions = {}): Promise<CheckInfo[]> {
    this.ensureConnected();
    return [...this.checks]
      .filter(([name]) => this.plan.checks[name])
      .filter(([name]) => !options.level || this.plan.checks[name]?.level === options.level)
      .filter(([name]) => !options.names?.length || options.names.includes(name))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, state]) => this.checkInfo(name, state));
  }

  private checkNames(action: string, names: readonly string[]): void {
    if (names.length === 0) throw badRequest(`must specify checks for ${action} action`);
    const missing = names.filter((n) => !this.plan.checks[n]);
    if (missing.length) {
      throw badRequest(
        `cannot ${action} checks: cannot find checks in plan: ${missing.join(", ")}`,
      );
    }
  }

  async startChecks(names: readonly string[]): Promise<string[]> {
    this.ensureConnected();
    this.checkNames("start", names);
    const changed: string[] = [];
    for (const name of names) {
      const state = this.checks.get(name) as CheckState;
      if (state.status !== "inactive") continue;
      state.failures = 0;
      this.startCheck(name, state);
      changed.push(name);
    }
    return changed.sort();
  }

  async stopChecks(names: readonly string[]): Promise<string[]> {
    this.ensureConnected();
    this.checkNames("stop", names);
    const changed: string[] = [];
    for (const name of names) {
      const state = this.checks.get(name) as CheckState;
      if (state.status === "inactive") continue;
      this.stopCheck(state);
      changed.push(name);
    }
    return changed.sort();
  }

  async refreshCheck(name: string): Promise<CheckRefreshResult> {
    this.ensureConnected();
    if (!name) throw badRequest("must specify check name");
    const state = this.checks.get(name);
    if (!this.plan.checks[name] || !state)
      throw new APIError(404, "Not Found", `cannot find check with name "${name}"`);
    const error = await this.performCheck(name, state.status !== "inactive");
    const result: CheckRefreshResult = { info: this.checkInfo(name, state) };
    if (error) result.error = error;
    return result;
  }

  // ---------------------------------------------------------------- exec

  async exec(command: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const proc = await this.spawn(command, { ...options, stdin: options.stdin ?? "" });
    return proc.wait();
  }

  async spawn(command: readonly string[], options: ExecOptions = {}): Promise<ExecProcess> {
    this.ensureConnected();
    if (command.length === 0) throw badRequest("must specify command");
    const { stdin, ...recorded } = options;
    this.execHistory.push({
      command: [...command],
      options: structuredClone(recorded),
      ...(stdin !== undefined ? { stdin } : {}),
    });
    const handler = this.handlers.find(command);
    if (!handler) throw badRequest(`cannot find executable "${command[0]}"`);
    let context: ServiceSpec = { override: "replace" };
    if (options.serviceContext) {
      const spec = this.plan.services[options.serviceContext];
      if (!spec) throw badRequest(`context service "${options.serviceContext}" not found`);
      context = spec;
    }
    let owner: { uid: number; gid: number } | undefined;
    try {
      owner = this.accounts.resolve({
        userId: options.userId ?? context["user-id"],
        user: options.user ?? context.user,
        groupId: options.groupId ?? context["group-id"],
        group: options.group ?? context.group,
      });
    } catch (error) {
      throw badRequest((error as Error).message);
    }
    const environment = {
      ...BASE_ENVIRONMENT,
      ...(context.environment ?? {}),
      ...(options.environment ?? {}),
    };
    const workingDir = options.workingDir ?? context["working-dir"] ?? environment.HOME ?? "/";
    const workingEntry = this.fs.entry(workingDir);
    if (options.workingDir && !workingEntry) {
      throw new APIError(
        500,
        "Internal Server Error",
        `cannot call exec: working directory "${workingDir}" does not exist`,
      );
    }
    const change = this.changes.create("exec", `Execute command "${command[0]}"`, [
      { kind: "exec", summary: `Execute command "${command[0]}"` },
    ]);
    const runner = new Runner(
      handler,
      {
        command: [...command],
        environment,
        workingDir,
        ...(owner ? { userId: owner.uid, groupId: owner.gid } : {}),
      },
      !!options.splitStderr,
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      if (options.timeout !== undefined) timer = setTimeout(() => resolve(true), options.timeout);
      void runner.result.then(() => resolve(false));
    });
    const done = timedOut.then(async (expired) => {
      clearTimeout(timer);
      if (expired && !runner.finished) {
        runner.kill();
        this.changes.finishTask(
          change,
          0,
          `timed out after ${formatGoDuration(options.timeout ?? 0)}: context deadline exceeded`,
          { "exit-code": -1 },
        );
      } else {
        const result = await runner.result;
        this.changes.finishTask(change, 0, undefined, { "exit-code": result.exitCode });
      }
      this.changes.finish(change);
      return snapshot(change);
    });
    const proc = new MemoryProcess(change.id, change.tasks[0]?.id ?? "", command, runner, done);
    if (stdin !== undefined) proc.stdin.end(typeof stdin === "string" ? Buffer.from(stdin) : stdin);
    return proc;
  }

  // ---------------------------------------------------------------- files

  async push(
    path: string,
    data: string | Buffer | Uint8Array,
    options?: PushOptions,
  ): Promise<void> {
    this.ensureConnected();
    this.fs.write(path, typeof data === "string" ? Buffer.from(data) : Buffer.from(data), options);
  }

  async pull(path: string): Promise<Buffer> {
    this.ensureConnected();
    return this.fs.read(path);
  }

  async pullText(path: string): Promise<string> {
    return (await this.pull(path)).toString("utf8");
  }

  async listFiles(path: string, options: ListFilesOptions = {}): Promise<FileInfo[]> {
    this.ensureConnected();
    return this.fs.list(path, options.pattern, options.itself);
  }

  async makeDir(path: string, options?: MakeDirOptions): Promise<void> {
    this.ensureConnected();
    this.fs.makeDir(path, options);
  }

  async removePath(path: string, options?: RemovePathOptions): Promise<void> {
    this.ensureConnected();
    this.fs.remove(path, options);
  }

  // ---------------------------------------------------------------- logs, signals, notices

  async getLogs(options: LogsOptions = {}): Promise<LogEntry[]> {
    this.ensureConnected();
    const n = options.n ?? 30;
    if (!Number.isInteger(n) || n < -1) throw badRequest("n must be -1, 0, or a positive integer");
    const selected = this.logs.filter(
      (l) => !options.services?.length || options.services.includes(l.service),
    );
    const out = n === -1 ? selected : n === 0 ? [] : selected.slice(-n);
    return structuredClone(out);
  }

  async sendSignal(signal: string, services: readonly string[]): Promise<void> {
    this.ensureConnected();
    if (services.length === 0) throw badRequest("must specify one or more services");
    for (const name of services) {
      const state = this.services.get(name);
      if (!state || state.status !== "active" || !state.process) {
        throw new APIError(
          500,
          "Internal Server Error",
          `cannot send signal to "${name}": service is not running`,
        );
      }
      if (SIGNALS[signal] === undefined) {
        throw new APIError(
          500,
          "Internal Server Error",
          `cannot send signal to "${name}": invalid signal name "${signal}"`,
        );
      }
    }
    for (const name of services) {
      const state = this.services.get(name) as ServiceState;
      state.signals.push(signal);
      state.process?.signal(signal);
    }
  }

  async getNotices(filter: NoticesFilter = {}): Promise<Notice[]> {
    this.ensureConnected();
    return this.notices.list({ ...filter, userId: filter.userId ?? this.uid });
  }

  async waitNotices(filter: NoticesFilter, timeout: number): Promise<Notice[]> {
    this.ensureConnected();
    return this.notices.wait({ ...filter, userId: filter.userId ?? this.uid }, timeout);
  }

  async getNotice(id: string): Promise<Notice> {
    this.ensureConnected();
    return this.notices.get(id);
  }

  async notify(key: string, options: NotifyOptions = {}): Promise<string> {
    this.ensureConnected();
    return this.notices.addCustom(this.uid, key, options.data, options.repeatAfter);
  }
}
