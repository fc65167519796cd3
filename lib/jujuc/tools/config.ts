/**
 * `config-get [<key>] [-a|--all]`: the application's config as Juju prints it. Without `--all`
 * options that are unset and have no default are left out; a single unknown key prints `null`.
 *
 * @example
 * ```ts
 * runTool(ctx, "config-get", ["--format=json"]); // {"log-level":"info","port":8080}\n
 * runTool(ctx, "config-get", ["port"]); // 8080\n
 * ```
 */

import type { GoValue } from "../internal/go-value.js";
import { checkEmpty } from "../internal/args.js";
import { UsageError } from "../internal/errors.js";
import { FlagSet } from "../internal/flags.js";
import { goQuote } from "../internal/go-format.js";
import type { ToolDefinition } from "../internal/invocation.js";
import { OutputFlags } from "../internal/output.js";

/** The `config-get` tool. */
export const configGet: ToolDefinition = {
  info: { name: "config-get", args: "[<key>]", purpose: "Print application configuration." },
  run(inv) {
    const fs = new FlagSet(configGet.info);
    const out = new OutputFlags(fs, "smart", ["smart", "yaml", "json"]);
    const all = fs.bool(["a", "all"], "print all keys");
    const args = fs.parse(inv.args);
    const key = args[0] ?? "";
    if (key !== "" && all.value) {
      throw new UsageError(`cannot use argument --all together with key ${goQuote(key)}`);
    }
    checkEmpty(args.slice(1));
    const settings: Record<string, GoValue> = { ...inv.ctx.config };
    if (all.value) {
      for (const name of inv.ctx.configUnsetOptions ?? []) {
        if (!Object.hasOwn(settings, name)) settings[name] = null;
      }
    }
    if (key === "") out.write(inv, settings);
    else out.write(inv, Object.hasOwn(settings, key) ? (settings[key] ?? null) : null);
  },
};
