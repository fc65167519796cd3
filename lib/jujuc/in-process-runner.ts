/**
 * The in-memory harness's implementation of the framework's `ToolRunner` seam: every call runs
 * the emulated hook tool against one hook context, in process.
 *
 * @example
 * ```ts
 * const ctx = newHookContextData({ unitName: "jimm/0", leader: true });
 * const runner = new InProcessToolRunner(ctx);
 * runner.run("status-set", ["active", "ready"]);
 * ctx.unitStatus; // { status: "active", message: "ready" }
 * ```
 */

import type { ToolResult, ToolRunner } from "../ops/backend/runner.js";
import type { HookContextData } from "./context.js";
import { runTool } from "./run-tool.js";

/**
 * Options of {@link InProcessToolRunner}.
 *
 * @example
 * ```ts
 * new InProcessToolRunner(ctx, { newSecretId: () => "cs1ir5ipgbgs73c6bng0" });
 * ```
 */
export interface InProcessToolRunnerOptions {
  /** The working directory tools resolve relative paths against (default: `process.cwd()`). */
  cwd?: string;
  /** Makes new secret ids (default: xids). Inject one for deterministic tests. */
  newSecretId?: () => string;
}

/**
 * Runs hook tools in process against a (mutable) hook context.
 *
 * @example
 * ```ts
 * const runner = new InProcessToolRunner(ctx);
 * runner.run("is-leader", ["--format=json"]); // { stdout: "true\n", stderr: "", exitCode: 0 }
 * ```
 */
export class InProcessToolRunner implements ToolRunner {
  constructor(
    /** The hook context the tools read and write. */
    readonly context: HookContextData,
    private readonly options: InProcessToolRunnerOptions = {},
  ) {}

  /** Runs `tool`; see {@link runTool}. */
  run(tool: string, args: readonly string[], stdin?: string): ToolResult {
    return runTool(this.context, tool, args, {
      ...(stdin !== undefined ? { stdin } : {}),
      ...(this.options.cwd !== undefined ? { cwd: this.options.cwd } : {}),
      ...(this.options.newSecretId !== undefined ? { newSecretId: this.options.newSecretId } : {}),
    });
  }
}
