/**
 * Controller verbs: `bootstrap [name]` starts the controller daemon of `$JAAS_HOME` (or
 * restarts a stopped one from its saved state), `kill-controller` destroys it and everything it
 * made, `stop-controller` stops the daemon and keeps its state (any later command restarts it).
 *
 * @example
 * ```ts
 * registerControllerCommands(program, ctx);
 * // jaas bootstrap local --no-network
 * // jaas kill-controller local --no-prompt
 * ```
 */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { goQuote } from "../../jujuc/internal/go-format.js";
import type { DaemonOptions } from "../../sim/daemon/home.js";
import {
  bootstrap,
  daemonState,
  killController,
  stopController,
} from "../../sim/daemon/lifecycle.js";
import { parseDuration } from "../args.js";
import type { CliContext } from "../context.js";
import { CliError } from "../errors.js";

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9.-]*$/;

/**
 * Asks for confirmation on a terminal; refuses without one unless `--no-prompt` was given.
 *
 * @example
 * ```ts
 * await confirm(ctx, "This will destroy the model.", opts.prompt !== false);
 * ```
 */
export async function confirm(ctx: CliContext, warning: string, prompt: boolean): Promise<void> {
  if (!prompt) return;
  if (ctx.io.readLine === undefined || ctx.io.isTty !== true) {
    throw new CliError(`${warning} Run again with --no-prompt (or -y) to confirm.`);
  }
  ctx.io.err(`${warning}\nContinue [y/N]? `);
  const answer = ((await ctx.io.readLine()) ?? "").trim().toLowerCase();
  if (answer !== "y" && answer !== "yes") throw new CliError("aborted");
}

/**
 * Registers `bootstrap`, `kill-controller` and `stop-controller`.
 *
 * @example
 * ```ts
 * registerControllerCommands(new Command("jaas"), ctx);
 * ```
 */
export function registerControllerCommands(program: Command, ctx: CliContext): void {
  program
    .command("bootstrap")
    .description("Start the local controller (a background daemon) in $JAAS_HOME")
    .argument("[name]", "the controller's name", "local")
    .option("--no-network", "run units on the host's network (no namespace per unit)")
    .option("--no-workloads", "run charms without workload containers (no Pebble)")
    .option("--update-status-interval <duration>", "update-status period (0 turns it off)", "5m")
    .action(
      async (
        name: string,
        opts: { network: boolean; workloads: boolean; updateStatusInterval: string },
      ) => {
        if (!NAME.test(name)) throw new CliError(`invalid controller name ${goQuote(name)}`);
        const root = process.getuid?.() === 0;
        const notes: string[] = [];
        let networking = opts.network;
        let workloads = opts.workloads;
        if (!root && (networking || workloads)) {
          notes.push("not running as root: no network namespaces and no workload containers");
          networking = workloads = false;
        }
        // Loaded here only: the workload manager's module graph is large.
        const { defaultPebble } = await import("../../sim/workload/manager.js");
        if (workloads && !existsSync(defaultPebble())) {
          notes.push(
            `Pebble is not installed at ${defaultPebble()} (bash scripts/setup.sh): no workload containers`,
          );
          workloads = false;
        }
        for (const note of notes) ctx.note(`Note: ${note}`);
        const options: DaemonOptions = {
          name,
          networking,
          workloads,
          updateStatusIntervalMs: parseDuration(
            opts.updateStatusInterval,
            "update-status interval",
          ),
        };
        const { restarted, pid } = await bootstrap(ctx.paths, options, (l) => ctx.note(l));
        ctx.note(
          `Controller ${goQuote(name)} ${restarted ? "restarted" : "started"} (pid ${pid}; networking ${networking ? "on" : "off"}, workloads ${workloads ? "on" : "off"}; log ${ctx.paths.log})`,
        );
        ctx.note(`Bootstrap complete, controller ${goQuote(name)} is now available`);
        if (!restarted) {
          ctx.note(
            "Now you can run\n\tjaas add-model <model-name>\nto create a new model to deploy workloads.",
          );
        }
      },
    );

  program
    .command("kill-controller")
    .description("Destroy the controller and everything it made, and remove its home")
    .argument("[name]", "the controller's name (checked against $JAAS_HOME's)")
    .option("-y, --no-prompt", "do not ask for confirmation")
    .action(async (name: string | undefined, opts: { prompt: boolean }) => {
      const state = await daemonState(ctx.paths);
      if (state.kind === "none") {
        throw new CliError(
          name !== undefined
            ? `controller ${goQuote(name)} not found (no controller in ${ctx.paths.home})`
            : `no controller in ${ctx.paths.home}`,
        );
      }
      const actual = state.record.options.name;
      if (name !== undefined && name !== actual) {
        throw new CliError(
          `controller ${goQuote(name)} not found (the controller in ${ctx.paths.home} is ${goQuote(actual)})`,
        );
      }
      await confirm(
        ctx,
        `WARNING This command will destroy the ${goQuote(actual)} controller and all its models, units, workloads and network namespaces.`,
        opts.prompt,
      );
      await killController(ctx.paths, (l) => ctx.note(l));
    });

  program
    .command("stop-controller")
    .description("Stop the controller's daemon; its state is kept and the next command restarts it")
    .action(async () => {
      const state = await daemonState(ctx.paths);
      if (state.kind === "none") throw new CliError(`no controller in ${ctx.paths.home}`);
      const stopped = await stopController(ctx.paths);
      ctx.note(
        stopped
          ? `Controller ${goQuote(state.record.options.name)} stopped; its state is kept in ${ctx.paths.home}`
          : `Controller ${goQuote(state.record.options.name)} was not running`,
      );
    });
}
