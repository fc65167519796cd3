/**
 * The single seam between the framework and Juju: running one hook tool.
 *
 * In production the runner executes the real tool found on `PATH` (see `ExecToolRunner`). The
 * test harness and the local model answer the same calls from their own emulation of Juju's
 * tools, so everything above this seam (argument building, output parsing, error mapping,
 * caching) is the same code in every setting.
 *
 * @example
 * ```ts
 * const result = runner.run("is-leader", ["--format=json"]);
 * if (result.exitCode === 0) console.log(JSON.parse(result.stdout));
 * ```
 */
export interface ToolRunner {
  /**
   * Runs `tool` with `args`, feeding `stdin` if given. Never throws for a non-zero exit: the
   * caller maps exit codes and stderr to typed errors.
   */
  run(tool: string, args: readonly string[], stdin?: string): ToolResult;
}

/** What a hook tool printed and how it exited. */
export interface ToolResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}
