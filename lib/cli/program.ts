/**
 * The `jaas` program: Juju's verbs against the local controller, and how a run ends. Every
 * failure prints `ERROR <message>` on stderr; bad arguments exit 2, refused or failed
 * operations exit 1.
 *
 * @example
 * ```ts
 * const code = await runCli(["status", "--format=json"], {
 *   out: (s) => process.stdout.write(s),
 *   err: (s) => process.stderr.write(s),
 * });
 * ```
 */
import { Command, CommanderError } from "commander";
import { DaemonError, NotRunningError } from "../sim/daemon/protocol.js";
import { SimError } from "../sim/errors.js";
import { registerActionCommands } from "./commands/actions.js";
import { registerApplicationCommands } from "./commands/apps.js";
import { registerControllerCommands } from "./commands/controller.js";
import { registerModelCommands } from "./commands/models.js";
import { registerRelationCommands } from "./commands/relations.js";
import { registerStatusCommands } from "./commands/status.js";
import type { CliIo } from "./context.js";
import { CliContext } from "./context.js";
import { CliError } from "./errors.js";

/**
 * Builds the program for a context (its commands write through `ctx`).
 *
 * @example
 * ```ts
 * const program = buildProgram(new CliContext(io));
 * await program.parseAsync(["add-model", "jaas"], { from: "user" });
 * ```
 */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command("jaas")
    .description(
      "The local Juju controller: Juju's verbs against charms that run as real processes on this machine.\n" +
        `Its home is $JAAS_HOME (now ${ctx.paths.home}).`,
    )
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => ctx.io.out(s),
      writeErr: (s) => ctx.io.err(s),
      outputError: () => undefined,
    })
    .exitOverride();
  registerControllerCommands(program, ctx);
  registerModelCommands(program, ctx);
  registerApplicationCommands(program, ctx);
  registerRelationCommands(program, ctx);
  registerActionCommands(program, ctx);
  registerStatusCommands(program, ctx);
  for (const command of program.commands) {
    command.exitOverride().configureOutput({
      writeOut: (s) => ctx.io.out(s),
      writeErr: (s) => ctx.io.err(s),
      outputError: () => undefined,
    });
  }
  return program;
}

/**
 * The message and exit code of a failure.
 *
 * @example
 * ```ts
 * failure(new UsageError("bad")); // { message: "bad", code: 2 }
 * ```
 */
export function failure(e: unknown): { message: string; code: number } {
  if (e instanceof CommanderError) {
    return { message: e.message.replace(/^error: /, ""), code: 2 };
  }
  if (e instanceof CliError) return { message: e.message, code: e.exitCode };
  if (e instanceof DaemonError || e instanceof SimError || e instanceof NotRunningError) {
    return { message: e.message, code: 1 };
  }
  return { message: e instanceof Error ? e.message : String(e), code: 1 };
}

/**
 * Runs the CLI with `args` (without `node` and the script) and returns the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2), io);
 * ```
 */
export async function runCli(
  args: readonly string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const ctx = new CliContext(io, env);
  const program = buildProgram(ctx);
  try {
    if (args.length === 0) {
      program.outputHelp();
      return 0;
    }
    await program.parseAsync([...args], { from: "user" });
    return 0;
  } catch (e) {
    if (
      e instanceof CommanderError &&
      (e.exitCode === 0 || e.code === "commander.helpDisplayed" || e.code === "commander.version")
    ) {
      return 0;
    }
    const { message, code } = failure(e);
    io.err(`ERROR ${message}\n`);
    return code;
  }
}
