/**
 * The unit-test harness, modelled on Scenario: a {@link Context} runs one event against a
 * {@link State} and returns the new State. The charm runs in-process through the real
 * framework; Juju's hook tools are answered by the same emulation the local model uses
 * (`lib/jujuc`), so refusals, output shapes and error texts are Juju's.
 *
 * @example
 * ```ts
 * const ctx = new Context(DemoCharm, { charmDir: "examples/demo" });
 * const out = await ctx.run(ctx.on.configChanged(), state({ config: { greeting: "hi" } }));
 * expect(out.unitStatus).toEqual({ status: "active", message: "hi" });
 * ```
 */
import { resolve } from "node:path";
import { InProcessToolRunner } from "../jujuc/in-process-runner.js";
import type { HookContextData, LogRecord, StatusData } from "../jujuc/context.js";
import type { CharmClass } from "../ops/charm.js";
import { dispatch } from "../ops/dispatch.js";
import { CharmMeta } from "../ops/metadata.js";
import { checkConsistency } from "./consistency.js";
import { TestContainers } from "./containers.js";
import { fromHookContext, toHookContext } from "./convert.js";
import { eventEnv } from "./env.js";
import { EventFactories, type TestEvent } from "./events.js";
import { ExecBackend } from "./exec-backend.js";
import { type State, deepFreeze } from "./state.js";

/** Options of a {@link Context}. */
export interface ContextOptions {
  /** The charm directory holding `charmcraft.yaml` (or the packed metadata files). */
  charmDir?: string;
  /** The metadata, when not read from `charmDir`. */
  meta?: CharmMeta;
  appName?: string;
  unitId?: number;
  jujuVersion?: string;
  /**
   * Run the charm as a real process (bundled from this entry module, which calls `main`), with
   * the real hook-tool executables, instead of in-process. Containers cannot be reached by the
   * process, so States in this mode must have none that can connect. Call `close()` when done.
   */
  exec?: { entry: string };
}

/** The charm raised an error the framework did not handle; the hook would fail in Juju. */
export class UncaughtCharmError extends Error {
  constructor(
    message: string,
    override readonly cause: Error,
  ) {
    super(message);
    this.name = "UncaughtCharmError";
  }
}

/** The action called `fail` (Juju marks it failed). */
export class ActionFailed extends Error {
  constructor(
    message: string,
    /** The results set before the failure. */
    readonly results: Record<string, string>,
    /** The state after the hook (an action that fails still commits its writes). */
    readonly state: State,
  ) {
    super(message);
    this.name = "ActionFailed";
  }
}

/** Runs events against states, and records what happened in the last run. */
export class Context {
  readonly meta: CharmMeta;
  readonly appName: string;
  readonly unitId: number;
  readonly jujuVersion: string;
  /** The charm directory the hook runs in. */
  readonly charmDir: string;
  /** Event factories: `ctx.on.install()`, `ctx.on.relationChanged(rel)`, ... */
  readonly on: EventFactories;

  /** `juju-log` lines of the last run. */
  logs: LogRecord[] = [];
  /** Statuses set on the unit during the last run, in order. */
  unitStatusHistory: StatusData[] = [];
  /** Statuses set on the app during the last run, in order. */
  appStatusHistory: StatusData[] = [];
  workloadVersionHistory: string[] = [];
  actionLogs: string[] = [];
  actionResults: Record<string, string> = {};
  /** Event kinds emitted in the last run (deferred re-emits first). */
  emittedEvents: string[] = [];
  /** Secret revisions removed in the last run (`<id>/<revision>`). */
  removedSecretRevisions: string[] = [];
  /** Storage requested with `storage-add` in the last run. */
  requestedStorages: Record<string, number> = {};
  /** Hook-tool calls per tool in the last run. */
  toolCalls = new Map<string, number>();
  /** Commands run in containers during the last run. */
  execHistory: string[][] = [];

  private readonly execEntry: string | undefined;
  private execBackend: Promise<ExecBackend> | undefined;

  constructor(
    readonly charm: CharmClass,
    options: ContextOptions = {},
  ) {
    this.execEntry = options.exec?.entry;
    if (!options.meta && !options.charmDir) throw new Error("Context needs `charmDir` or `meta`");
    this.meta = options.meta ?? CharmMeta.fromCharmDir(options.charmDir!);
    this.appName = options.appName ?? this.meta.name;
    this.unitId = options.unitId ?? 0;
    this.jujuVersion = options.jujuVersion ?? "3.6.8";
    this.charmDir = options.charmDir ? resolve(options.charmDir) : "/var/lib/juju/charm";
    this.on = new EventFactories(this.appName);
  }

  private reset(): void {
    this.logs = [];
    this.unitStatusHistory = [];
    this.appStatusHistory = [];
    this.workloadVersionHistory = [];
    this.actionLogs = [];
    this.actionResults = {};
    this.emittedEvents = [];
    this.removedSecretRevisions = [];
    this.requestedStorages = {};
    this.toolCalls = new Map();
    this.execHistory = [];
  }

  private record(hook: HookContextData): void {
    const im = hook.immediate;
    this.logs = im.logs;
    this.unitStatusHistory = im.unitStatusHistory;
    this.appStatusHistory = im.appStatusHistory;
    this.workloadVersionHistory = im.workloadVersionHistory;
    this.actionLogs = im.actionLogs;
    this.actionResults = im.actionResults;
    this.removedSecretRevisions = hook.removedSecretRevisions;
    this.requestedStorages = hook.storageAdd;
  }

  /**
   * Runs `event` against `before` and returns the state after the hook. `before` is never
   * changed. Throws {@link UncaughtCharmError} if the charm fails the hook, and
   * {@link ActionFailed} if an action calls `fail`.
   */
  async run(event: TestEvent, before: State): Promise<State> {
    checkConsistency(this.meta, before, event);
    this.reset();
    const identity = { appName: this.appName, unitId: this.unitId, jujuVersion: this.jujuVersion };
    const hook = toHookContext(before, event, this.meta, identity);
    const containers = new TestContainers(before.containers, this.execHistory);
    let failure: Error | undefined;
    if (this.execEntry) {
      if (before.containers.some((c) => c.canConnect)) {
        throw new Error(
          "exec mode cannot reach the in-memory Pebble: give containers canConnect: false",
        );
      }
      this.execBackend ??= ExecBackend.start(this.execEntry);
      const backend = await this.execBackend;
      const endpoint = backend.endpoint(hook.unitName);
      const env = eventEnv(event, hook, this.charmDir, endpoint);
      const r = await backend.run(hook, env, this.charmDir, endpoint.contextId);
      if (r.exitCode !== 0) failure = new Error(r.stderr.trim() || `hook exited ${r.exitCode}`);
    } else {
      const result = await dispatch(this.charm, {
        env: eventEnv(event, hook, this.charmDir),
        runner: new InProcessToolRunner(hook),
        pebble: (name) => containers.pebble(name),
        meta: this.meta,
      });
      this.emittedEvents = result.emitted;
      this.toolCalls = result.toolCalls;
      if (result.exitCode !== 0)
        failure = result.error ?? new Error(`hook exited ${result.exitCode}`);
    }
    this.record(hook);
    if (failure) {
      throw new UncaughtCharmError(`${event.dispatchPath} failed: ${failure.message}`, failure);
    }
    const after = deepFreeze({
      ...fromHookContext(before, hook),
      containers: await containers.snapshot(),
    });
    if (hook.immediate.actionFailure !== undefined) {
      throw new ActionFailed(hook.immediate.actionFailure, hook.immediate.actionResults, after);
    }
    return after;
  }

  /** Stops what exec mode started (tool server, bundle). Safe to call in any mode. */
  async close(): Promise<void> {
    const backend = await this.execBackend;
    this.execBackend = undefined;
    await backend?.close();
  }
}
