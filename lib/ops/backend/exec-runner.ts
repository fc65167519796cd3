/**
 * Runs the real hook tools: each call is one process, found on `PATH` (Juju puts its tools
 * directory first), started without a shell so no argument is ever interpreted.
 *
 * @example
 * ```ts
 * const runner = new ExecToolRunner();
 * runner.run("config-get", ["--format=json"]).stdout; // '{"log-level":"info"}\n'
 * ```
 */
import { spawnSync } from "node:child_process";
import type { ToolResult, ToolRunner } from "./runner.js";

/** A {@link ToolRunner} that executes the hook tools as processes. */
export class ExecToolRunner implements ToolRunner {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  run(tool: string, args: readonly string[], stdin?: string): ToolResult {
    const result = spawnSync(tool, args, {
      env: this.env,
      input: stdin ?? "",
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.error) {
      const code = (result.error as NodeJS.ErrnoException).code;
      const why =
        code === "ENOENT" ? `hook tool "${tool}" not found on PATH` : result.error.message;
      return { stdout: "", stderr: `ERROR ${why}\n`, exitCode: 127 };
    }
    return {
      stdout: result.stdout,
      stderr: result.stderr,
      exitCode: result.status ?? 1,
    };
  }
}
