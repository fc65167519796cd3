/**
 * Model verbs: `add-model <name>` (and makes it current, as Juju does), `destroy-model <name>`,
 * `models`, `switch <name>`.
 *
 * @example
 * ```ts
 * registerModelCommands(program, ctx);
 * // jaas add-model jaas
 * // jaas destroy-model jaas --no-prompt
 * ```
 */
import type { Command } from "commander";
import { goQuote } from "../../jujuc/internal/go-format.js";
import { parseDuration } from "../args.js";
import type { CliContext } from "../context.js";
import { CliError } from "../errors.js";
import { parseFormat, table, toJson, toYaml } from "../format/output.js";
import { confirm } from "./controller.js";

interface ModelInfo {
  name: string;
  uuid: string;
  type: string;
  life: string;
  cloud: string;
  region: string;
  applications: number;
  units: number;
}

/**
 * Registers the model verbs.
 *
 * @example
 * ```ts
 * registerModelCommands(new Command("jaas"), ctx);
 * ```
 */
export function registerModelCommands(program: Command, ctx: CliContext): void {
  program
    .command("add-model")
    .description("Add a model to the controller and switch to it")
    .argument("<name>", "the model's name")
    .option("--type <type>", "kubernetes (default) or iaas")
    .action(async (name: string, opts: { type?: string }) => {
      const params = { name, ...(opts.type !== undefined ? { type: opts.type } : {}) };
      const model = (await ctx.request("add-model", params)) as { cloud: string; region: string };
      ctx.setCurrentModel(name);
      ctx.note(
        `Added ${goQuote(name).replace(/"/g, "'")} model on ${model.cloud}/${model.region} for user 'admin'`,
      );
    });

  program
    .command("destroy-model")
    .description("Destroy a model: its applications tear down, then it goes")
    .argument("<name>", "the model's name")
    .option("-y, --no-prompt", "do not ask for confirmation")
    .option("-t, --timeout <duration>", "how long units may take to tear down", "2m")
    .action(async (name: string, opts: { prompt: boolean; timeout: string }) => {
      const model = name.includes(":") ? name.slice(name.indexOf(":") + 1) : name;
      const timeoutMs = parseDuration(opts.timeout, "timeout");
      await confirm(
        ctx,
        `WARNING This command will destroy the ${goQuote(model)} model and all its applications and units.`,
        opts.prompt,
      );
      await ctx.request("destroy-model", { model, timeoutMs });
      try {
        if (ctx.model(undefined) === model) ctx.setCurrentModel(undefined);
      } catch {
        // No current model.
      }
      ctx.note("Model destroyed.");
    });

  program
    .command("models")
    .description("List the controller's models")
    .option("--format <format>", "tabular, json or yaml", "tabular")
    .action(async (opts: { format: string }) => {
      const format = parseFormat(opts.format, ["tabular", "json", "yaml"]);
      const models = (await ctx.request("models")) as ModelInfo[];
      let current: string | undefined;
      try {
        current = ctx.model(undefined);
      } catch {
        current = undefined;
      }
      if (format === "json")
        return ctx.io.out(toJson({ models, "current-model": current ?? null }));
      if (format === "yaml")
        return ctx.io.out(await toYaml({ models, "current-model": current ?? null }));
      ctx.io.out(
        table([
          ["Model", "Cloud/Region", "Type", "Status", "Apps", "Units"],
          ...models.map((m) => [
            `${m.name}${m.name === current ? "*" : ""}`,
            `${m.cloud}/${m.region}`,
            m.type,
            m.life === "alive" ? "available" : "destroying",
            String(m.applications),
            String(m.units),
          ]),
        ]),
      );
    });

  program
    .command("switch")
    .description("Select the current model")
    .argument("<model>", "the model's name")
    .action(async (name: string) => {
      const model = ctx.model(name);
      const models = (await ctx.request("models")) as ModelInfo[];
      if (!models.some((m) => m.name === model))
        throw new CliError(`model ${goQuote(model)} not found`);
      let before: string | undefined;
      try {
        before = ctx.model(undefined);
      } catch {
        before = undefined;
      }
      ctx.setCurrentModel(model);
      ctx.note(`${before ?? "(none)"} -> ${model}`);
    });
}
