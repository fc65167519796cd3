/**
 * The `--format`/`-o`/`--output` flags of Juju's hook tools (`cmd.Output`) and the three
 * formatters: `smart` (strings as they are, string lists one per line, booleans `True`/`False`,
 * anything else YAML), `yaml` and `json` (always one line plus a newline, `null` included).
 *
 * @example
 * ```ts
 * const out = new OutputFlags(fs, "smart", ["smart", "yaml", "json"]);
 * fs.parse(["--format=json"]);
 * out.write(inv, ["db/0"]); // ["db/0"]\n
 * ```
 */

import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { FlagSet } from "./flags.js";
import { goQuote } from "./go-format.js";
import type { GoValue } from "./go-value.js";
import { goJson, goYaml } from "./go-value.js";
import type { Invocation } from "./invocation.js";

/** An output format name. */
export type FormatName = "smart" | "yaml" | "json";

/** How a value is typed in Go, where the smart formatter cares. */
export interface WriteOptions {
  /**
   * True when lists in the value are `[]interface{}` (e.g. action parameters) rather than
   * `[]string`: the smart formatter prints them as YAML instead of one item per line.
   */
  dynamic?: boolean;
}

function smart(value: GoValue, options: WriteOptions): string {
  if (value === null || value === undefined) return "";
  let text: string;
  if (typeof value === "string") text = value;
  else if (typeof value === "boolean") text = value ? "True" : "False";
  else if (
    Array.isArray(value) &&
    !options.dynamic &&
    value.every((v: GoValue) => typeof v === "string")
  ) {
    text = value.join("\n");
  } else return goYaml(value);
  return text === "" ? "" : text + "\n";
}

/** Formats `value` in `format` exactly as the hook tool would print it. */
export function formatValue(
  format: FormatName,
  value: GoValue,
  options: WriteOptions = {},
): string {
  if (format === "json") return goJson(value) + "\n";
  if (format === "yaml") return goYaml(value);
  return smart(value, options);
}

/** The output flags of one invocation. */
export class OutputFlags {
  private format: FormatName;
  private readonly path: { value: string };

  constructor(fs: FlagSet, initial: FormatName, allowed: readonly FormatName[]) {
    this.format = initial;
    const choices = [...allowed].sort().join("|");
    fs.custom(["format"], `Specify output format (${choices})`, (value) => {
      if (!(allowed as readonly string[]).includes(value)) {
        throw new Error(`unknown format ${goQuote(value)}`);
      }
      this.format = value as FormatName;
    });
    this.path = fs.string(["o", "output"], "Specify an output file");
  }

  /** The chosen format. */
  get name(): FormatName {
    return this.format;
  }

  /** Writes `value` to stdout, or to the `--output` file (relative to the tool's directory). */
  write(inv: Invocation, value: GoValue, options: WriteOptions = {}): void {
    const text = formatValue(this.format, value, options);
    if (this.path.value === "") {
      inv.stdout += text;
      return;
    }
    writeFileSync(resolve(inv.cwd, this.path.value), text);
  }
}
