/**
 * Output helpers: aligned tables as Juju's `tabwriter` prints them (columns two spaces apart,
 * trailing blanks trimmed), YAML as `juju` prints it (block style, no line folding), JSON, and
 * the `--format` option's values.
 *
 * @example
 * ```ts
 * table([["Unit", "Workload"], ["demo/0*", "active"]]); // "Unit     Workload\ndemo/0*  active\n"
 * await toYaml({ "demo/0": { leader: true } }); // "demo/0:\n  leader: true\n"
 * ```
 */
import type * as YamlPackage from "yaml";
import { UsageError } from "../errors.js";

/** Output formats. */
export type Format = "tabular" | "plain" | "yaml" | "json";

/**
 * Lays out rows as columns two spaces apart; columns in `right` are right-aligned.
 *
 * @example
 * ```ts
 * table([["App", "Scale"], ["demo", "2"]], new Set([1]));
 * ```
 */
export function table(
  rows: readonly (readonly string[])[],
  right: ReadonlySet<number> = new Set(),
): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => {
          const pad = " ".repeat((widths[i] ?? 0) - [...cell].length);
          return right.has(i) ? pad + cell : cell + pad;
        })
        .join("  ")
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join("");
}

type YamlModule = typeof YamlPackage;
let yamlModule: Promise<YamlModule> | undefined;

/**
 * The `yaml` package, loaded on first use: it is the largest part of the CLI's start-up, and
 * most commands never need it.
 *
 * @example
 * ```ts
 * const { parse } = await yaml();
 * ```
 */
export function yaml(): Promise<YamlModule> {
  yamlModule ??= import("yaml");
  return yamlModule;
}

/**
 * YAML as `juju` prints it.
 *
 * @example
 * ```ts
 * await toYaml({ message: "hello, Ada!" }); // "message: hello, Ada!\n"
 * ```
 */
export async function toYaml(value: unknown): Promise<string> {
  return (await yaml()).stringify(value, { lineWidth: 0, minContentWidth: 0 });
}

/**
 * JSON on one line, as `juju --format=json` prints it.
 *
 * @example
 * ```ts
 * toJson({ a: 1 }); // "{\"a\":1}\n"
 * ```
 */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

/**
 * Checks a `--format` value against the formats a command knows.
 *
 * @example
 * ```ts
 * parseFormat("json", ["tabular", "json", "yaml"]); // "json"
 * ```
 */
export function parseFormat(value: string, allowed: readonly Format[]): Format {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(
      `invalid value ${JSON.stringify(value)} for option --format: unknown format (use ${allowed.join(", ")})`,
    );
  }
  return value as Format;
}
