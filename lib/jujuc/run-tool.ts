/**
 * Runs one of Juju's hook tools against a hook context, in process, and returns what the real
 * tool would print and its exit code. The tool mutates `ctx` in place, as Juju's hook context
 * caches a unit's own writes so that it reads them back at once.
 *
 * Committing is the caller's job, as it is Juju's: keep the mutated context when the hook exits
 * 0; when it fails, drop it and keep only `ctx.immediate` (status, logs, workload version,
 * action logs, results and failure, leader settings), which Juju applies at once.
 *
 * @example
 * ```ts
 * const ctx = newHookContextData({ unitName: "openfga/0", leader: true });
 * runTool(ctx, "is-leader", ["--format=json"]); // { stdout: "true\n", stderr: "", exitCode: 0 }
 * runTool(ctx, "relation-get", ["-r", "db:99"]);
 * // { stdout: "", stderr: 'ERROR invalid value "db:99" for option -r: relation not found\n', exitCode: 2 }
 * ```
 */

import type { ToolResult } from "../ops/backend/runner.js";
import type { HookContextData } from "./context.js";
import { HelpRequested, ToolError } from "./internal/errors.js";
import type { Invocation } from "./internal/invocation.js";
import { newXid } from "./internal/secret-uri.js";
import { HOOK_TOOLS } from "./tools/index.js";

/**
 * Options of {@link runTool}.
 *
 * @example
 * ```ts
 * runTool(ctx, "relation-set", ["--file", "-"], { stdin: '{"a":"b"}', cwd: "/charm" });
 * ```
 */
export interface RunToolOptions {
  /** Standard input (read by `relation-set --file -` and `state-set --file -`). */
  stdin?: string;
  /** The caller's working directory; relative paths resolve against it (default: `process.cwd()`). */
  cwd?: string;
  /** Makes the 20-character id of a new secret (default: an xid from time and randomness). */
  newSecretId?: () => string;
}

/**
 * Runs `tool` with `args` against `ctx`. Never throws for a tool failure: `ERROR <message>` goes
 * to stderr with exit code 1 (run-time) or 2 (arguments). An unknown tool answers as Juju's
 * hook-tool server does (`error: bad request: unknown command: <tool>`, exit 1).
 *
 * @example
 * ```ts
 * const { stdout, exitCode } = runTool(ctx, "config-get", ["--format=json"]);
 * ```
 */
export function runTool(
  ctx: HookContextData,
  tool: string,
  args: readonly string[],
  options: RunToolOptions = {},
): ToolResult {
  const definition = HOOK_TOOLS.get(tool);
  if (definition === undefined) {
    return { stdout: "", stderr: `error: bad request: unknown command: ${tool}\n`, exitCode: 1 };
  }
  const inv: Invocation = {
    ctx,
    args,
    stdin: options.stdin,
    cwd: options.cwd ?? process.cwd(),
    newSecretId: options.newSecretId ?? newXid,
    stdout: "",
    stderr: "",
  };
  try {
    definition.run(inv);
    return { stdout: inv.stdout, stderr: inv.stderr, exitCode: 0 };
  } catch (err) {
    if (err instanceof HelpRequested) return { stdout: err.help, stderr: "", exitCode: 0 };
    if (err instanceof ToolError) {
      return {
        stdout: inv.stdout,
        stderr: `${inv.stderr}ERROR ${err.message}\n`,
        exitCode: err.exitCode,
      };
    }
    throw err;
  }
}
