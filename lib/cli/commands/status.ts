/**
 * Inspection verbs: `status` (a table, or `--format=json|yaml` in Juju's shape; `--relations`;
 * `--watch [interval]` redraws until Ctrl-C), `show-unit` (relation data, YAML by default),
 * `debug-log` (`--include`, `--level`, `--replay`, `-n`, `--tail` follows until Ctrl-C).
 *
 * @example
 * ```ts
 * registerStatusCommands(program, ctx);
 * // jaas status --format=json
 * // jaas status --watch 2s --relations
 * // jaas debug-log --include demo/0 --replay
 * ```
 */
import type { Command } from "commander";
import type { DebugLogEntry } from "../../sim/daemon/debug-log.js";
import { formatLogEntry } from "../../sim/daemon/debug-log.js";
import type { IntegrationRow } from "../../sim/daemon/views.js";
import type { ShowUnitOutput } from "../../sim/show-unit.js";
import type { StatusOutput } from "../../sim/status.js";
import { parseDuration, wholeNumber } from "../args.js";
import type { CliContext } from "../context.js";
import { parseFormat, toJson, toYaml } from "../format/output.js";
import { filterStatus, statusTable } from "../format/status.js";

const collect = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value.split(",").filter((v) => v !== ""),
];

/**
 * Resolves after `ms`, or at once when `signal` aborts.
 *
 * @example
 * ```ts
 * await pause(1000, stop.signal);
 * ```
 */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });
}

/**
 * An abort signal for Ctrl-C (SIGINT) and SIGTERM, and the function that stops listening.
 *
 * @example
 * ```ts
 * const [signal, release] = interrupted();
 * try { while (!signal.aborted) await pause(500, signal); } finally { release(); }
 * ```
 */
export function interrupted(): [AbortSignal, () => void] {
  const abort = new AbortController();
  const stop = (): void => abort.abort(new Error("interrupted"));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  return [
    abort.signal,
    () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    },
  ];
}

/**
 * Registers `status`, `show-unit` and `debug-log`.
 *
 * @example
 * ```ts
 * registerStatusCommands(new Command("jaas"), ctx);
 * ```
 */
export function registerStatusCommands(program: Command, ctx: CliContext): void {
  program
    .command("status")
    .description("Show the model's applications, units, offers and integrations")
    .argument("[filter...]", "applications or units to show (a trailing * matches a prefix)")
    .option("-m, --model <model>")
    .option("--format <format>", "tabular, json or yaml", "tabular")
    .option("--relations", "show the Integration section")
    .option("--watch [interval]", "redraw every interval (default 1s) until Ctrl-C")
    .action(
      async (
        filters: string[],
        opts: { model?: string; format: string; relations?: boolean; watch?: string | boolean },
      ) => {
        const model = ctx.model(opts.model);
        const format = parseFormat(opts.format, ["tabular", "json", "yaml"]);
        const render = async (): Promise<string> => {
          const { status, integrations } = (await ctx.request(
            "status",
            { model },
            { progress: false },
          )) as {
            status: StatusOutput;
            integrations: IntegrationRow[];
          };
          const shown = filterStatus(status, filters);
          if (format === "json") return toJson(shown);
          if (format === "yaml") return await toYaml(shown);
          return statusTable(shown, integrations, { relations: opts.relations === true });
        };
        if (opts.watch === undefined || opts.watch === false) {
          ctx.io.out(await render());
          return;
        }
        const interval = opts.watch === true ? 1000 : parseDuration(opts.watch, "watch interval");
        const [signal, release] = interrupted();
        try {
          let first = true;
          while (!signal.aborted) {
            const frame = await render();
            if (signal.aborted) break;
            const header = `Every ${interval / 1000}s: jaas status -m ${model}    ${new Date().toISOString().slice(11, 19)}Z\n\n`;
            if (ctx.io.isTty === true) ctx.io.out(`\x1b[H\x1b[2J${header}${frame}`);
            else ctx.io.out(`${first ? "" : "\n"}${header}${frame}`);
            first = false;
            await pause(interval, signal);
          }
        } finally {
          release();
        }
      },
    );

  program
    .command("show-unit")
    .description("Show units with their relation data")
    .argument("<unit...>")
    .option("-m, --model <model>")
    .option("--format <format>", "yaml or json", "yaml")
    .option("--endpoint <endpoint>", "only relations of this endpoint")
    .action(
      async (units: string[], opts: { model?: string; format: string; endpoint?: string }) => {
        const model = ctx.model(opts.model);
        const format = parseFormat(opts.format, ["yaml", "json"]);
        const out: ShowUnitOutput = {};
        for (const unit of units) {
          const shown = (await ctx.request(
            "show-unit",
            { model, unit },
            { progress: false },
          )) as ShowUnitOutput;
          for (const [name, info] of Object.entries(shown)) {
            out[name] =
              opts.endpoint === undefined
                ? info
                : {
                    ...info,
                    "relation-info": info["relation-info"].filter(
                      (r) => r.endpoint === opts.endpoint,
                    ),
                  };
          }
        }
        ctx.io.out(format === "json" ? toJson(out) : await toYaml(out));
      },
    );

  program
    .command("debug-log")
    .description("Show the units' logs (hook output and juju-log)")
    .option("-m, --model <model>")
    .option("-i, --include <entity>", "units or applications to show (repeatable)", collect)
    .option("--level <level>", "lowest level shown (DEBUG, INFO, WARNING, ERROR)")
    .option("--replay", "show the whole log")
    .option("-n, --lines <n>", "lines of history without --replay", "10")
    .option("--tail", "keep following the log until Ctrl-C")
    .option("--no-tail", "stop after the history (the default)")
    .action(
      async (opts: {
        model?: string;
        include?: string[];
        level?: string;
        replay?: boolean;
        lines: string;
        tail: boolean;
      }) => {
        const model = ctx.model(opts.model);
        const base = {
          model,
          include: opts.include ?? [],
          ...(opts.level !== undefined ? { level: opts.level } : {}),
        };
        const print = (entries: DebugLogEntry[]): void => {
          for (const e of entries) ctx.print(formatLogEntry(e));
        };
        let result = (await ctx.request(
          "debug-log",
          {
            ...base,
            replay: opts.replay === true,
            lines: wholeNumber(opts.lines, "number of lines"),
          },
          { progress: false },
        )) as { entries: DebugLogEntry[]; cursor: Record<string, number> };
        print(result.entries);
        if (opts.tail !== true) return;
        const [signal, release] = interrupted();
        try {
          while (!signal.aborted) {
            await pause(500, signal);
            if (signal.aborted) break;
            result = (await ctx.request(
              "debug-log",
              { ...base, cursor: result.cursor },
              { progress: false },
            )) as typeof result;
            print(result.entries);
          }
        } finally {
          release();
        }
      },
    );
}
