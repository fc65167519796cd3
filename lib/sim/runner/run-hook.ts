/**
 * Runs one hook of one unit, as Juju's unit agent does, without deciding what it means: builds
 * the hook context from the controller's state, registers it with the controller's hook-tool
 * server under a fresh context id, builds the environment from scratch (tools directory first
 * on `PATH`), starts the charm's `dispatch` in the unit's charm directory (inside its network
 * namespace when there is one), forwards immediate effects while it runs, and returns the
 * context before and after with the process outcome. Committing or failing is the caller's job.
 *
 * @example
 * ```ts
 * const execution = await runHook(host, run);
 * if (execution.outcome.exitCode === 0) commitHookContext(state, run, execution.before, execution.after, deps);
 * ```
 */
import type { HookContextData, NetworkData } from "../../jujuc/context.js";
import { buildHookEnv } from "../../jujuc/env.js";
import type { HookEnvOptions } from "../../jujuc/env.js";
import type { HookToolServer } from "../../jujuc/server.js";
import type { CharmMeta } from "../../ops/metadata.js";
import type { ControllerState, UnitState } from "../model/types.js";
import { hookName } from "../model/types.js";
import { mustApp, mustModel, mustUnit } from "../model/view.js";
import type { HookRun } from "../uniter/done.js";
import { buildHookContext } from "./context.js";
import { ImmediateApplier } from "./immediate.js";
import type { ImmediateTarget } from "./immediate.js";
import { startHookProcess } from "./process.js";
import type { HookProcess, HookProcessOutcome } from "./process.js";

/** A unit's directories. */
export interface UnitPaths {
  /** The unit's charm directory (its own copy). */
  charm: string;
  /** Its hook tools (links to the shim), first on `PATH`. */
  tools: string;
}

/** What {@link runHook} needs from the controller. */
export interface RunnerHost {
  readonly state: ControllerState;
  readonly server: HookToolServer;
  readonly jujuVersion: string;
  readonly hookTimeoutMs: number;
  /** The agent's `PATH` after the tools directory. */
  readonly agentPath: string | undefined;
  meta(model: string, app: string): CharmMeta;
  /** The unit's directories, made ready (charm copied when missing or when `freshCharm`). */
  prepareUnit(model: string, unit: string, freshCharm: boolean): UnitPaths;
  /** Wraps a hook's argv to run it in the unit's namespaces (undefined: run it as is). */
  wrapCommand(model: string, unit: string): ((argv: readonly string[]) => string[]) | undefined;
  networkFor(model: string, unit: UnitState): NetworkData;
  resourcePath(model: string, app: string, name: string): string;
  newSecretId(): string;
  immediateTarget(run: HookRun): ImmediateTarget;
  output(run: HookRun, stream: "stdout" | "stderr", text: string): void;
  /** Tracks the running process so that closing the controller can kill it. */
  track(process: HookProcess): () => void;
}

/** What one hook run produced. */
export interface HookExecution {
  contextId: string;
  /** The context as built, before the hook touched it. */
  before: HookContextData;
  /** The context after the hook (the tools' writes). */
  after: HookContextData;
  outcome: HookProcessOutcome;
  /** Hook-tool calls the process made. */
  toolCalls: number;
}

let contexts = 0;

function envOptions(
  run: HookRun,
  ctx: HookContextData,
  unit: UnitState,
): Pick<HookEnvOptions, "hook" | "action" | "relation" | "workload" | "secret" | "storage"> {
  const info = run.info;
  switch (info.kind) {
    case "action":
      return { action: { name: ctx.action?.name ?? "", id: info.actionId } };
    case "relation-created":
    case "relation-joined":
    case "relation-changed":
    case "relation-departed":
    case "relation-broken":
      return {
        hook: hookName(info),
        relation: {
          endpoint: info.endpoint,
          id: info.relationId,
          remoteApp: ctx.remoteApp ?? info.remoteApp,
          ...(info.remoteUnit !== undefined ? { remoteUnit: info.remoteUnit } : {}),
          ...(info.kind === "relation-departed" && info.departingUnit !== undefined
            ? { departingUnit: info.departingUnit }
            : {}),
        },
      };
    case "pebble-ready":
    case "pebble-custom-notice":
    case "pebble-check-failed":
    case "pebble-check-recovered":
      return {
        hook: hookName(info),
        workload: {
          name: info.container,
          ...(info.notice !== undefined ? { notice: info.notice } : {}),
          ...(info.checkName !== undefined ? { checkName: info.checkName } : {}),
        },
      };
    case "secret-changed":
    case "secret-rotate":
    case "secret-expired":
    case "secret-remove":
      return {
        hook: hookName(info),
        secret: {
          id: info.uri,
          ...(info.label !== undefined ? { label: info.label } : {}),
          ...(info.kind !== "secret-changed" &&
          info.kind !== "secret-rotate" &&
          info.revision !== undefined
            ? { revision: info.revision }
            : {}),
        },
      };
    case "storage-attached":
    case "storage-detaching": {
      const storage = unit.storage.find((s) => s.id === info.storageId);
      return {
        hook: hookName(info),
        storage: {
          id: info.storageId,
          location: storage?.location ?? "",
          kind: storage?.kind ?? "filesystem",
        },
      };
    }
    default:
      return { hook: hookName(info) };
  }
}

/**
 * Runs the hook of `run` (see the module documentation). Never throws for a failing charm: a
 * failure is a non-zero exit code in the outcome.
 *
 * @example
 * ```ts
 * const { outcome, before, after } = await runHook(host, run);
 * ```
 */
export async function runHook(host: RunnerHost, run: HookRun): Promise<HookExecution> {
  const model = mustModel(host.state, run.model);
  const unit = mustUnit(model, run.unit);
  const app = mustApp(model, unit.app);
  const fresh = run.info.kind === "install" || run.info.kind === "upgrade-charm";
  const paths = host.prepareUnit(run.model, run.unit, fresh);
  const ctx = buildHookContext(host.state, run, {
    meta: host.meta(run.model, app.name),
    jujuVersion: host.jujuVersion,
    networkFor: (m, u) => host.networkFor(m, u),
    resourcePath: (m, a, n) => host.resourcePath(m, a, n),
  });
  const before = structuredClone(ctx);
  const name = run.info.kind === "action" ? (ctx.action?.name ?? "action") : hookName(run.info);
  const contextId = `${run.unit}-${name}-${++contexts}`;
  const applier = new ImmediateApplier(ctx, host.immediateTarget(run));
  let toolCalls = 0;
  host.server.register(contextId, ctx, {
    newSecretId: () => host.newSecretId(),
    onCall: () => {
      toolCalls += 1;
      applier.apply();
    },
  });
  try {
    const env = buildHookEnv({
      ...envOptions(run, ctx, unit),
      unitName: unit.name,
      modelName: model.name,
      modelUuid: model.uuid,
      jujuVersion: host.jujuVersion,
      contextId,
      socketPath: host.server.socketPath,
      charmDir: paths.charm,
      toolsDir: paths.tools,
      ...(host.agentPath !== undefined ? { agentPath: host.agentPath } : {}),
    });
    const dispatchPath = env["JUJU_DISPATCH_PATH"] ?? "";
    const wrap = host.wrapCommand(run.model, run.unit);
    const proc = startHookProcess({
      charmDir: paths.charm,
      dispatchPath,
      env,
      timeoutMs: host.hookTimeoutMs,
      ...(wrap !== undefined ? { wrap } : {}),
      onOutput: (stream, text) => host.output(run, stream, text),
    });
    const untrack = host.track(proc);
    const outcome = await proc.done;
    untrack();
    return { contextId, before, after: ctx, outcome, toolCalls };
  } finally {
    host.server.unregister(contextId);
    applier.apply();
  }
}
