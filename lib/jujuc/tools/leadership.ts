/**
 * Leadership tools: `is-leader`, and the legacy `leader-get`/`leader-set`. `leader-set` writes at
 * once in Juju (it survives a failing hook): the whole resulting bag is kept in
 * `ctx.immediate.leaderSettings`, which `leader-get` reads before `ctx.leaderSettings`.
 *
 * @example
 * ```ts
 * runTool(ctx, "is-leader", ["--format=json"]).stdout; // "true\n"
 * runTool(ctx, "leader-set", ["cluster=ready"]);
 * ```
 */

import type { Databag, HookContextData } from "../context.js";
import { checkEmpty, parseKeyValues } from "../internal/args.js";
import { ToolError, UsageError } from "../internal/errors.js";
import { FlagSet } from "../internal/flags.js";
import { goQuote } from "../internal/go-format.js";
import type { ToolDefinition } from "../internal/invocation.js";
import { OutputFlags } from "../internal/output.js";

function currentLeaderSettings(ctx: HookContextData): Databag {
  return { ...(ctx.immediate.leaderSettings ?? ctx.leaderSettings ?? {}) };
}

/** The `is-leader` tool. */
export const isLeader: ToolDefinition = {
  info: { name: "is-leader", args: "", purpose: "Print application leadership status." },
  run(inv) {
    const fs = new FlagSet(isLeader.info);
    const out = new OutputFlags(fs, "smart", ["smart", "yaml", "json"]);
    checkEmpty(fs.parse(inv.args));
    out.write(inv, inv.ctx.leader);
  },
};

/** The `leader-get` tool. */
export const leaderGet: ToolDefinition = {
  info: { name: "leader-get", args: "[<key>]", purpose: "print application leadership settings" },
  run(inv) {
    const fs = new FlagSet(leaderGet.info);
    const out = new OutputFlags(fs, "smart", ["smart", "yaml", "json"]);
    const args = fs.parse(inv.args);
    let key = args[0] ?? "";
    if (key === "-") key = "";
    else if (key.includes("=")) throw new UsageError(`invalid key ${goQuote(key)}`);
    if (args.length > 0) checkEmpty(args.slice(1));
    const settings = currentLeaderSettings(inv.ctx);
    if (key === "") out.write(inv, settings);
    else out.write(inv, Object.hasOwn(settings, key) ? (settings[key] ?? null) : null);
  },
};

/** The `leader-set` tool (leader only; `""` deletes a key). */
export const leaderSet: ToolDefinition = {
  info: {
    name: "leader-set",
    args: "<key>=<value> [...]",
    purpose: "Write application leadership settings.",
  },
  run(inv) {
    const fs = new FlagSet(leaderSet.info);
    const values = parseKeyValues(fs.parse(inv.args));
    if (!inv.ctx.leader) {
      throw new ToolError(
        "cannot write leadership settings: cannot write settings: not the leader",
      );
    }
    const settings = currentLeaderSettings(inv.ctx);
    for (const [key, value] of Object.entries(values)) {
      if (value === "") delete settings[key];
      else settings[key] = value;
    }
    inv.ctx.immediate.leaderSettings = settings;
  },
};
