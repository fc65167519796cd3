/**
 * Application verbs: `deploy` (a charm path, a catalogue name, or a bundle file with
 * `--overlay`s), `scale-application`, `config`, `remove-application`.
 *
 * @example
 * ```ts
 * registerApplicationCommands(program, ctx);
 * // jaas deploy ./bundle.yaml --overlay overlays/cmr.yaml
 * // jaas deploy demo -n 2 --resource web-image=ubuntu:24.04 --config greeting=hi
 * // jaas config demo port=9090
 * ```
 */
import { statSync } from "node:fs";
import { basename, resolve } from "node:path";
import type { Command } from "commander";
import { goQuote } from "../../jujuc/internal/go-format.js";
import type { ConfigView } from "../../sim/daemon/views.js";
import { deployConfig, deployResources, keyValues, wholeNumber } from "../args.js";
import type { CliContext } from "../context.js";
import { UsageError } from "../errors.js";
import { parseFormat, toJson, toYaml } from "../format/output.js";

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

interface DeployOpts {
  model?: string;
  numUnits?: string;
  config?: string[];
  resource?: string[];
  trust?: boolean;
  overlay?: string[];
  dryRun?: boolean;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Registers the application verbs.
 *
 * @example
 * ```ts
 * registerApplicationCommands(new Command("jaas"), ctx);
 * ```
 */
export function registerApplicationCommands(program: Command, ctx: CliContext): void {
  program
    .command("deploy")
    .description("Deploy a charm (a path or a catalogue name) or a bundle file")
    .argument("<charm-or-bundle>", "./path/to/charm, a charm name, or ./bundle.yaml")
    .argument("[application-name]", "the application's name (charms only)")
    .option("-m, --model <model>", "the model to deploy into")
    .option("-n, --num-units <n>", "number of units")
    .option("--config <key=value|file>", "config value or YAML file (repeatable)", collect)
    .option("--resource <name=path>", "resource file, folder or image (repeatable)", collect)
    .option("--trust", "grant the application access to the cloud credential")
    .option("--overlay <file>", "bundle overlay (repeatable)", collect)
    .option("--dry-run", "check and show the changes without making them")
    .action(async (target: string, name: string | undefined, opts: DeployOpts) => {
      const model = ctx.model(opts.model);
      const cwd = process.cwd();
      const path = resolve(cwd, target);
      if (isFile(path)) {
        const unsupported = [
          ...(opts.numUnits !== undefined ? ["-n"] : []),
          ...(opts.config !== undefined ? ["--config"] : []),
          ...(opts.resource !== undefined ? ["--resource"] : []),
          ...(opts.trust === true ? ["--trust"] : []),
          ...(name !== undefined ? ["[application-name]"] : []),
        ];
        if (unsupported.length > 0) {
          throw new UsageError(
            `options provided but not supported when deploying a bundle: ${unsupported.join(", ")}`,
          );
        }
        await ctx.request("deploy-bundle", {
          model,
          path,
          overlays: (opts.overlay ?? []).map((o) => resolve(cwd, o)),
          dryRun: opts.dryRun === true,
        });
        return;
      }
      if (opts.overlay !== undefined) {
        throw new UsageError("flags provided but not supported when deploying a charm: --overlay");
      }
      const scale =
        opts.numUnits !== undefined ? wholeNumber(opts.numUnits, "number of units") : undefined;
      const appName = name ?? basename(target.replace(/^ch:/, ""));
      const params = {
        model,
        charm: target,
        baseDir: cwd,
        ...(name !== undefined ? { name } : {}),
        config: await deployConfig(opts.config ?? [], appName, cwd),
        resources: deployResources(opts.resource ?? [], cwd),
        ...(opts.trust === true ? { trust: true } : {}),
        ...(scale !== undefined ? { scale } : {}),
      };
      if (opts.dryRun === true) {
        ctx.note(`Would deploy ${goQuote(appName)} from ${target} into model ${goQuote(model)}`);
        return;
      }
      await ctx.request("deploy", params);
    });

  program
    .command("scale-application")
    .description("Set the number of units of an application")
    .argument("<application>")
    .argument("<scale>")
    .option("-m, --model <model>")
    .action(async (application: string, scaleArg: string, opts: { model?: string }) => {
      const scale = wholeNumber(scaleArg, "scale");
      await ctx.request("scale", { model: ctx.model(opts.model), application, scale });
      ctx.note(`${application} scaled to ${scale} unit${scale === 1 ? "" : "s"}`);
    });

  program
    .command("config")
    .description("Show, set or reset an application's config")
    .argument("<application>")
    .argument("[settings...]", "key (show one), or key=value pairs (set)")
    .option("-m, --model <model>")
    .option("--reset <keys>", "keys to reset to their defaults (comma-separated)")
    .option("--format <format>", "yaml or json", "yaml")
    .action(
      async (
        application: string,
        settings: string[],
        opts: { model?: string; reset?: string; format: string },
      ) => {
        const model = ctx.model(opts.model);
        const format = parseFormat(opts.format, ["yaml", "json"]);
        const sets = settings.filter((s) => s.includes("="));
        const gets = settings.filter((s) => !s.includes("="));
        const reset = (opts.reset ?? "")
          .split(",")
          .map((k) => k.trim())
          .filter((k) => k !== "");
        if (gets.length > 0 && (sets.length > 0 || reset.length > 0)) {
          throw new UsageError("cannot get a value and set or reset values at once");
        }
        if (gets.length > 1)
          throw new UsageError("can only retrieve a single value, or all values");
        if (sets.length > 0 || reset.length > 0) {
          await ctx.request("config", {
            model,
            application,
            set: keyValues(sets, "config"),
            reset,
          });
          return;
        }
        const view = (await ctx.request("config", { model, application })) as ConfigView;
        const key = gets[0];
        if (key !== undefined) {
          const setting =
            view.settings[key] ?? (key === "trust" ? view["application-config"].trust : undefined);
          if (setting === undefined)
            throw new UsageError(
              `key ${goQuote(key)} not found in ${goQuote(application)} application config or charm settings.`,
            );
          const value = setting.value ?? "";
          ctx.print(typeof value === "string" ? value : JSON.stringify(value));
          return;
        }
        ctx.io.out(format === "json" ? toJson(view) : await toYaml(view));
      },
    );

  program
    .command("remove-application")
    .description("Remove an application: its units tear down and its relations go")
    .argument("<application>")
    .option("-m, --model <model>")
    .action(async (application: string, opts: { model?: string }) => {
      await ctx.request("remove-application", { model: ctx.model(opts.model), application });
      ctx.note(`will remove application ${application}`);
    });
}
