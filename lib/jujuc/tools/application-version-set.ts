/**
 * `application-version-set <version>`: the workload version shown in `juju status`. Juju applies
 * it at once, so it is also recorded in `ctx.immediate.workloadVersionHistory`.
 *
 * @example
 * ```ts
 * runTool(ctx, "application-version-set", ["--", "1.4.2"]); // ctx.workloadVersion === "1.4.2"
 * ```
 */

import { checkEmpty } from "../internal/args.js";
import { UsageError } from "../internal/errors.js";
import { FlagSet } from "../internal/flags.js";
import type { ToolDefinition } from "../internal/invocation.js";

/** The `application-version-set` tool. */
export const applicationVersionSet: ToolDefinition = {
  info: {
    name: "application-version-set",
    args: "<new-version>",
    purpose: "specify which version of the application is deployed",
  },
  run(inv) {
    const fs = new FlagSet(applicationVersionSet.info);
    const args = fs.parse(inv.args);
    const version = args[0];
    if (version === undefined) throw new UsageError("no version specified");
    checkEmpty(args.slice(1));
    inv.ctx.workloadVersion = version;
    inv.ctx.immediate.workloadVersionHistory.push(version);
  },
};
