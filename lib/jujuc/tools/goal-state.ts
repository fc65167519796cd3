/**
 * `goal-state`: the units the application should have (`ctx.goalUnits`) and, per endpoint, the
 * related applications (`joined`) and their units. Only `yaml` (default) and `json`. Every
 * entry has Juju's `since`, formatted as Juju's `FormatTime(t, true)` does
 * (`2006-01-02 15:04:05Z`, UTC): `ctx.goalSince` when it has the entry, else the time of the
 * call. (Juju's `omitempty` never drops it: every goal-state status has a time, and ops fails
 * with `KeyError: 'since'` without one.)
 *
 * @example
 * ```ts
 * runTool(ctx, "goal-state", ["--format=json"]).stdout;
 * // {"units":{"openfga/0":{"status":"active","since":"2026-11-26 22:48:41Z"}},"relations":{...}}\n
 * ```
 */

import { checkEmpty } from "../internal/args.js";
import { FlagSet } from "../internal/flags.js";
import { GoStruct } from "../internal/go-value.js";
import type { GoValue } from "../internal/go-value.js";
import type { ToolDefinition } from "../internal/invocation.js";
import { OutputFlags } from "../internal/output.js";

/** Juju's `common.FormatTime(t, true)`: UTC, a space between date and time, whole seconds. */
export function formatGoalTime(date: Date): string {
  return date
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
}

function sinceOf(since: Record<string, string> | undefined, name: string, now: Date): string {
  const given = since?.[name];
  const date = given !== undefined ? new Date(given) : now;
  return formatGoalTime(Number.isNaN(date.getTime()) ? now : date);
}

/** The `goal-state` tool. */
export const goalState: ToolDefinition = {
  info: {
    name: "goal-state",
    args: "",
    purpose: "print the status of the charm's peers and related units",
  },
  run(inv) {
    const fs = new FlagSet(goalState.info);
    const out = new OutputFlags(fs, "yaml", ["yaml", "json"]);
    checkEmpty(fs.parse(inv.args));
    const ctx = inv.ctx;
    const now = new Date();
    const status = (value: string, name: string): GoStruct =>
      new GoStruct([
        ["status", value],
        ["since", sinceOf(ctx.goalSince, name, now)],
      ]);
    const units: Record<string, GoValue> = {};
    for (const [unit, value] of Object.entries(ctx.goalUnits)) units[unit] = status(value, unit);
    const relations: Record<string, Record<string, GoValue>> = {};
    for (const relation of ctx.relations) {
      if (relation.broken) continue;
      const entry = (relations[relation.endpoint] ??= {});
      if (relation.peer) {
        for (const [unit, value] of Object.entries(ctx.goalUnits)) {
          if (unit !== ctx.unitName) entry[unit] = status(value, unit);
        }
        continue;
      }
      entry[relation.remoteApp] = status("joined", relation.remoteApp);
      for (const unit of Object.keys(relation.remoteUnits)) entry[unit] = status("active", unit);
    }
    out.write(
      inv,
      new GoStruct([
        ["units", units],
        ["relations", relations],
      ]),
    );
  },
};
