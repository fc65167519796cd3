/**
 * Operation verbs: `run <unit> <action> [key=value ...]` (waits and prints the results as YAML,
 * as `juju run` does; `--background` queues it; `--wait <duration>` bounds the wait),
 * `resolve <unit>` (alias `resolved`; `--no-retry` skips the failed hook) and `wait` (until
 * every unit is idle; a jaas extra).
 *
 * @example
 * ```ts
 * registerActionCommands(program, ctx);
 * // jaas run demo/0 greet name=Ada      -> message: hello, Ada!
 * // jaas run demo/leader rotate-token
 * // jaas resolve demo/0 --no-retry
 * ```
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { goQuote } from "../../jujuc/internal/go-format.js";
import type { ActionResult, SettleResult } from "../../sim/controller.js";
import type { StatusOutput } from "../../sim/status.js";
import { actionParams, parseDuration } from "../args.js";
import type { CliContext } from "../context.js";
import { CliError, UsageError } from "../errors.js";
import { parseFormat, toJson, toYaml, yaml } from "../format/output.js";

/**
 * The unit an `<app>/leader` names (other names are returned as they are).
 *
 * @example
 * ```ts
 * await resolveLeader(ctx, "jaas", "demo/leader"); // "demo/0"
 * ```
 */
export async function resolveLeader(ctx: CliContext, model: string, unit: string): Promise<string> {
  if (!unit.endsWith("/leader")) return unit;
  const app = unit.slice(0, -"/leader".length);
  const { status } = (await ctx.request("status", { model }, { progress: false })) as {
    status: StatusOutput;
  };
  const units = status.applications[app]?.units;
  if (units === undefined) throw new CliError(`application ${goQuote(app)} not found`);
  const leader = Object.entries(units).find(([, u]) => u.leader === true)?.[0];
  if (leader === undefined) throw new CliError(`could not determine leader for ${goQuote(app)}`);
  return leader;
}

function timeOf(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** `juju run --format yaml|json`: the task keyed by unit. */
function taskView(r: ActionResult): Record<string, unknown> {
  return {
    [r.unit]: {
      id: r.id,
      ...(r.message !== undefined ? { message: r.message } : {}),
      results: {
        ...r.results,
        ...(r.returnCode !== undefined ? { "return-code": r.returnCode } : {}),
        ...(r.stdout !== "" ? { stdout: r.stdout } : {}),
        ...(r.stderr !== "" ? { stderr: r.stderr } : {}),
      },
      status: r.status,
      ...(r.log.length > 0 ? { log: r.log } : {}),
      unit: r.unit,
    },
  };
}

/**
 * Registers `run`, `show-task`, `resolve` and `wait`.
 *
 * @example
 * ```ts
 * registerActionCommands(new Command("jaas"), ctx);
 * ```
 */
export function registerActionCommands(program: Command, ctx: CliContext): void {
  program
    .command("run")
    .description("Run an action on a unit and show its results")
    .argument("<unit>", "a unit, or <application>/leader")
    .argument("<action>")
    .argument("[params...]", "key=value parameters (values read as YAML; a.b=c nests)")
    .option("-m, --model <model>")
    .option("--background", "queue the action and print its id")
    .option("--wait [duration]", "how long to wait for the result (default: until done)")
    .option("--params <file>", "a YAML file of parameters")
    .option("--string-args", "take every value as a string")
    .option("--format <format>", "plain, yaml or json", "plain")
    .action(
      async (
        unitArg: string,
        action: string,
        args: string[],
        opts: {
          model?: string;
          background?: boolean;
          wait?: string | boolean;
          params?: string;
          stringArgs?: boolean;
          format: string;
        },
      ) => {
        const model = ctx.model(opts.model);
        const format = parseFormat(opts.format, ["plain", "yaml", "json"]);
        let params: Record<string, unknown> = {};
        if (opts.params !== undefined) {
          let doc: unknown;
          try {
            doc = (await yaml()).parse(readFileSync(opts.params, "utf8"));
          } catch (e) {
            throw new UsageError(`cannot read params file ${opts.params}: ${(e as Error).message}`);
          }
          if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
            throw new UsageError(`params file ${opts.params} must hold a YAML map`);
          }
          params = doc as Record<string, unknown>;
        }
        params = { ...params, ...(await actionParams(args, opts.stringArgs === true)) };
        const timeoutMs =
          typeof opts.wait === "string" ? parseDuration(opts.wait, "wait") : undefined;
        const unit = await resolveLeader(ctx, model, unitArg);
        const result = (await ctx.request("run", {
          model,
          unit,
          action,
          params,
          ...(opts.background === true ? { background: true } : {}),
          ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        })) as ActionResult | { id: string };
        if (!("status" in result)) {
          ctx.note(`Scheduled operation ${result.id} with task ${result.id}`);
          ctx.note(`Check the task's status with: jaas show-task ${result.id}`);
          return;
        }
        if (result.status === "pending" || result.status === "running") {
          throw new CliError(`timed out waiting for results from: task ${result.id}`);
        }
        for (const line of result.log) ctx.note(`${timeOf(Date.now())} ${line}`);
        if (format === "json") ctx.io.out(toJson(taskView(result)));
        else if (format === "yaml") ctx.io.out(await toYaml(taskView(result)));
        else if (Object.keys(result.results).length > 0) ctx.io.out(await toYaml(result.results));
        if (result.status !== "completed") {
          if (result.message !== undefined)
            ctx.note(`Action id ${result.id} ${result.status}: ${result.message}`);
          throw new CliError(
            `the following task failed:\n id ${goQuote(result.id)} with return code ${result.returnCode ?? 0}\n\nuse 'jaas show-unit ${result.unit}' and 'jaas debug-log --include ${result.unit} --replay' to inspect the failure`,
          );
        }
      },
    );

  program
    .command("show-task")
    .description("Show an action's status and results")
    .argument("<task-id>")
    .option("-m, --model <model>")
    .option("--format <format>", "plain, yaml or json", "plain")
    .action(async (id: string, opts: { model?: string; format: string }) => {
      const format = parseFormat(opts.format, ["plain", "yaml", "json"]);
      const result = (await ctx.request(
        "task",
        { model: ctx.model(opts.model), id },
        { progress: false },
      )) as ActionResult;
      if (format === "json") ctx.io.out(toJson(taskView(result)));
      else if (format === "yaml" || result.status !== "completed")
        ctx.io.out(await toYaml(taskView(result)));
      else if (Object.keys(result.results).length > 0) ctx.io.out(await toYaml(result.results));
    });

  program
    .command("resolve")
    .alias("resolved")
    .description("Clear a unit's hook error: retry the hook, or skip it with --no-retry")
    .argument("<unit>")
    .option("-m, --model <model>")
    .option("--no-retry", "skip the failed hook instead of running it again")
    .action(async (unit: string, opts: { model?: string; retry: boolean }) => {
      await ctx.request("resolve", { model: ctx.model(opts.model), unit, retry: opts.retry });
    });

  program
    .command("wait")
    .description("Wait until every unit is idle (no hook to run) and report units in error")
    .option("-t, --timeout <duration>", "how long to wait", "10m")
    .action(async (opts: { timeout: string }) => {
      const timeoutMs = parseDuration(opts.timeout, "timeout");
      const r = (await ctx.request("wait", { timeoutMs })) as SettleResult;
      if (r.errors.length > 0) {
        throw new CliError(
          `units in error: ${r.errors.map((e) => `${e.unit} (${e.message})`).join(", ")}`,
        );
      }
      if (!r.idle)
        throw new CliError(
          `timed out after ${opts.timeout}; still busy: ${r.busy.join(", ") || "(settling)"}`,
        );
      ctx.note(`All units idle (${r.hooksRun} hook${r.hooksRun === 1 ? "" : "s"} run)`);
    });
}
