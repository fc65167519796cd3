/**
 * Actions (queue, run, look up) and resolving a unit's hook error.
 *
 * @example
 * ```ts
 * const result = await runAction(ctx, "jaas", "demo/0", "greet", { name: "Ada" });
 * await resolve(ctx, "jaas", "demo/1", { retry: false });
 * ```
 */
import { goQuote } from "../../jujuc/internal/go-format.js";
import { invalid, SimError } from "../errors.js";
import type { ActionState } from "../model/types.js";
import { mustModel, mustUnit } from "../model/view.js";
import { observe } from "../uniter/remote-state.js";
import { validateActionParams } from "../validate/action-params.js";
import type { OpContext } from "./context.js";

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

/**
 * `action-set`'s dotted keys as nested maps.
 *
 * @example
 * ```ts
 * nest({ "a.b": "1", c: "2" }); // { a: { b: "1" }, c: "2" }
 * ```
 */
export function nest(flat: Record<string, string>): Record<string, unknown> {
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
 * An action's state as {@link ActionResult}.
 *
 * @example
 * ```ts
 * toResult(model.actions["3"]!).status; // "completed"
 * ```
 */
export function toResult(action: ActionState): ActionResult {
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

/**
 * Queues an action on a unit and returns its id at once (`juju run --background`).
 *
 * @example
 * ```ts
 * const id = await enqueueAction(ctx, "jaas", "demo/0", "greet", { name: "Ada" });
 * ```
 */
export async function enqueueAction(
  ctx: OpContext,
  modelName: string,
  unitName: string,
  name: string,
  params: Record<string, unknown> = {},
): Promise<string> {
  const model = mustModel(ctx.runtime.state, modelName);
  const unit = mustUnit(model, unitName);
  const action = ctx.meta(modelName, unit.app).actions.get(name);
  if (action === undefined)
    throw invalid(`action ${goQuote(name)} not defined on unit ${goQuote(unitName)}`);
  if (unit.life !== "alive")
    throw new SimError("state", `unit ${goQuote(unitName)} is being removed`);
  const withDefaults = validateActionParams(action, params);
  return ctx.hold(async () => {
    const id = String(ctx.runtime.state.nextActionId++);
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
 * const r = await runAction(ctx, "jaas", "demo/0", "greet", { name: "Ada" });
 * r.results; // { message: "hello, Ada!" }
 * ```
 */
export async function runAction(
  ctx: OpContext,
  modelName: string,
  unitName: string,
  name: string,
  params: Record<string, unknown> = {},
): Promise<ActionResult> {
  const id = await enqueueAction(ctx, modelName, unitName, name, params);
  const action = mustModel(ctx.runtime.state, modelName).actions[id] as ActionState;
  return toResult(await ctx.runtime.waitAction(action));
}

/**
 * An action's current state.
 *
 * @example
 * ```ts
 * action(ctx, "jaas", "7")?.status; // "completed"
 * ```
 */
export function action(ctx: OpContext, modelName: string, id: string): ActionResult | undefined {
  const action = mustModel(ctx.runtime.state, modelName).actions[id];
  return action === undefined ? undefined : toResult(action);
}

/**
 * Clears a unit's hook error (`juju resolved`): with `retry` (the default) the failed hook
 * runs again at once; without, it is skipped as if it had succeeded, committing nothing.
 *
 * @example
 * ```ts
 * await resolve(ctx, "jaas", "demo/0", { retry: false });
 * ```
 */
export async function resolve(
  ctx: OpContext,
  modelName: string,
  unitName: string,
  options: { retry?: boolean } = {},
): Promise<void> {
  const model = mustModel(ctx.runtime.state, modelName);
  const unit = mustUnit(model, unitName);
  const error = unit.error;
  if (error === undefined)
    throw new SimError("state", `unit ${goQuote(unitName)} is not in an error state`);
  await ctx.hold(async () => {
    if (options.retry ?? true) {
      error.retryAt = Date.now();
      return;
    }
    const now = Date.now();
    const run = {
      model: modelName,
      unit: unitName,
      info: error.hook,
      observed: observe(ctx.runtime.state, modelName, unitName, {
        meta: ctx.meta(modelName, unit.app),
        now,
      }),
      startedAt: now,
    };
    delete unit.error;
    unit.agentStatus = { status: "idle", message: "", since: now };
    await ctx.runtime.hookDone(run);
  });
}
