/**
 * One call of a hook tool: the context it runs against, its arguments and input, and the output
 * it has produced so far. Tool handlers mutate `ctx` in place and append to `stdout`/`stderr`.
 *
 * @example
 * ```ts
 * const handler: ToolHandler = (inv) => {
 *   inv.stdout += inv.ctx.unitName + "\n";
 * };
 * ```
 */

import type { HookContextData } from "../context.js";
import type { ToolInfo } from "./flags.js";

/** The state of one hook tool call. */
export interface Invocation {
  /** The hook context the tool reads and writes. */
  readonly ctx: HookContextData;
  /** The arguments after the tool name. */
  readonly args: readonly string[];
  /** Standard input, when the caller supplied it. */
  readonly stdin: string | undefined;
  /** The caller's working directory (relative paths resolve against it). */
  readonly cwd: string;
  /** Makes the 20-character id of a new secret. */
  readonly newSecretId: () => string;
  /** What the tool printed on stdout so far. */
  stdout: string;
  /** What the tool printed on stderr so far (besides the final `ERROR` line). */
  stderr: string;
}

/** Runs one tool against an invocation; throws `ToolError`/`UsageError`/`HelpRequested`. */
export type ToolHandler = (inv: Invocation) => void;

/** A hook tool: what `--help` says about it, and its handler. */
export interface ToolDefinition {
  info: ToolInfo;
  run: ToolHandler;
}
