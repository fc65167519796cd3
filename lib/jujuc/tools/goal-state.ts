/**
 * `goal-state`: the units the application should have (`ctx.goalUnits`) and, per endpoint, the
 * related applications (`joined`) and their units. Only `yaml` (default) and `json`. Juju's
 * `since` timestamps are not modelled, so they are left out (they are `omitempty`).
 *
 * @example
 * ```ts
 * runTool(ctx, "goal-state", ["--format=json"]).stdout;
 * // {"units":{"openfga/0":{"status":"active"}},"relations":{"db":{"postgresql":{"status":"joined"},...}}}\n
 * ```
 */

import { checkEmpty } from "../internal/args.js";
import { FlagSet } from "../internal/flags.js";
import { GoStruct } from "../internal/go-value.js";
import type { GoValue } from "../internal/go-value.js";
import type { ToolDefinition } from "../internal/invocation.js";
import { OutputFlags } from "../internal/output.js";

function status(value: string): GoStruct {
  return new GoStruct([["status", value]]);
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
    const units: Record<string, GoValue> = {};
    for (const [unit, value] of Object.entries(ctx.goalUnits)) units[unit] = status(value);
    const relations: Record<string, Record<string, GoValue>> = {};
    for (const relation of ctx.relations) {
      if (relation.broken) continue;
      const entry = (relations[relation.endpoint] ??= {});
      if (relation.peer) {
        for (const [unit, value] of Object.entries(ctx.goalUnits)) {
          if (unit !== ctx.unitName) entry[unit] = status(value);
        }
        continue;
      }
      entry[relation.remoteApp] = status("joined");
      for (const unit of Object.keys(relation.remoteUnits)) entry[unit] = status("active");
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
