/**
 * The action tools: `action-get`, `action-set`, `action-fail` and `action-log`. They work only
 * while an action runs (`not running an action` otherwise). Results, the failure message and
 * progress messages are immediate effects (`ctx.immediate`): Juju reports them even when the
 * action's process fails.
 *
 * @example
 * ```ts
 * runTool(ctx, "action-get", ["--format=json", "db.user"]); // "admin"\n
 * runTool(ctx, "action-set", ["result.url=https://x", "count=3"]);
 * // ctx.immediate.actionResults: { "result.url": "https://x", count: "3" }
 * ```
 */

import type { ActionData, HookContextData } from "../context.js";
import { checkEmpty } from "../internal/args.js";
import { ToolError, UsageError } from "../internal/errors.js";
import { FlagSet } from "../internal/flags.js";
import { goQuote } from "../internal/go-format.js";
import type { GoValue } from "../internal/go-value.js";
import type { ToolDefinition } from "../internal/invocation.js";
import { OutputFlags } from "../internal/output.js";

const KEY_RULE = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const RESERVED = ["stdout", "stdout-encoding", "stderr", "stderr-encoding"];

function runningAction(ctx: HookContextData): ActionData {
  if (ctx.action === undefined) throw new ToolError("not running an action");
  return ctx.action;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Converts action parameters (YAML data) to printable values. */
function toGoValue(value: unknown): GoValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
    return value;
  if (Array.isArray(value)) return value.map(toGoValue);
  if (isPlainObject(value)) {
    const out: Record<string, GoValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toGoValue(v);
    return out;
  }
  return String(value);
}

/** The `action-get` tool: all parameters, or the value at a dotted key (`null` if absent). */
export const actionGet: ToolDefinition = {
  info: { name: "action-get", args: "[<key>[.<key>.<key>...]]", purpose: "Get action parameters." },
  run(inv) {
    const fs = new FlagSet(actionGet.info);
    const out = new OutputFlags(fs, "smart", ["smart", "yaml", "json"]);
    const args = fs.parse(inv.args);
    const keys = args[0] === undefined ? [] : args[0].split(".");
    checkEmpty(args.slice(1));
    const params = runningAction(inv.ctx).params;
    let answer: unknown = params;
    for (const key of keys) {
      answer = isPlainObject(answer) && Object.hasOwn(answer, key) ? answer[key] : undefined;
      if (answer === undefined) break;
    }
    out.write(inv, toGoValue(answer), { dynamic: true });
  },
};

/** The `action-set` tool: `key[.sub...]=value`, flattened into `immediate.actionResults`. */
export const actionSet: ToolDefinition = {
  info: {
    name: "action-set",
    args: "<key>=<value> [<key>=<value> ...]",
    purpose: "Set action results.",
  },
  run(inv) {
    const fs = new FlagSet(actionSet.info);
    const args = fs.parse(inv.args);
    const pairs: [string[], string][] = [];
    for (const arg of args) {
      const eq = arg.indexOf("=");
      if (eq < 0) throw new UsageError(`argument ${goQuote(arg)} must be of the form key...=value`);
      const keys = arg.slice(0, eq).split(".");
      for (const key of keys) {
        if (!KEY_RULE.test(key)) {
          throw new UsageError(
            `key ${goQuote(key)} must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods`,
          );
        }
        if (RESERVED.includes(key)) throw new UsageError(`cannot set reserved action key "${key}"`);
      }
      pairs.push([keys, arg.slice(eq + 1)]);
    }
    runningAction(inv.ctx);
    const results = inv.ctx.immediate.actionResults;
    for (const [keys, value] of pairs) {
      // Nested maps as dotted keys: a value replaces anything below it, and any scalar above it.
      const path = keys.join(".");
      for (const existing of Object.keys(results)) {
        if (existing.startsWith(path + ".")) delete results[existing];
      }
      for (let i = 1; i < keys.length; i++) delete results[keys.slice(0, i).join(".")];
      results[path] = value;
    }
  },
};

/** The `action-fail` tool: marks the action failed; the process keeps running. */
export const actionFail: ToolDefinition = {
  info: {
    name: "action-fail",
    args: '["<failure message>"]',
    purpose: "Set action fail status with message.",
  },
  run(inv) {
    const fs = new FlagSet(actionFail.info);
    const args = fs.parse(inv.args);
    const message = args[0] ?? "action failed without reason given, check action for errors";
    checkEmpty(args.slice(1));
    runningAction(inv.ctx);
    inv.ctx.immediate.actionFailure = message;
  },
};

/** The `action-log` tool: a progress message, reported at once. */
export const actionLog: ToolDefinition = {
  info: {
    name: "action-log",
    args: "<message>",
    purpose: "record a progress message for the current action",
  },
  run(inv) {
    const fs = new FlagSet(actionLog.info);
    const args = fs.parse(inv.args);
    if (args.length === 0) throw new UsageError("no message specified");
    runningAction(inv.ctx);
    inv.ctx.immediate.actionLogs.push(args.join(" "));
  },
};
