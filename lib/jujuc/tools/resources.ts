/**
 * `resource-get <name>`: the path of the resource's file, printed with no newline.
 *
 * @example
 * ```ts
 * runTool(ctx, "resource-get", ["jimm-image"]).stdout; // "/var/lib/juju/.../resources/jimm-image/image"
 * ```
 */

import { checkEmpty } from "../internal/args.js";
import { ToolError, UsageError } from "../internal/errors.js";
import { FlagSet } from "../internal/flags.js";
import { goQuote } from "../internal/go-format.js";
import type { ToolDefinition } from "../internal/invocation.js";

/** The `resource-get` tool. */
export const resourceGet: ToolDefinition = {
  info: {
    name: "resource-get",
    args: "<resource name>",
    purpose: "Get the path to the locally cached resource file.",
  },
  run(inv) {
    const fs = new FlagSet(resourceGet.info);
    const args = fs.parse(inv.args);
    const name = args[0];
    if (name === undefined) throw new UsageError("missing required resource name");
    checkEmpty(args.slice(1));
    const path = inv.ctx.resources[name];
    // UNVERIFIED wording after the prefix: Juju annotates the download error it gets.
    if (path === undefined)
      throw new ToolError(`could not download resource: resource ${goQuote(name)} not found`);
    inv.stdout += path;
  },
};
