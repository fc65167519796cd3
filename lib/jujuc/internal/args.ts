/**
 * Argument helpers shared by the hook tools: Juju's `cmd.CheckEmpty`, `keyvalues.Parse`, name
 * validation (`names.IsValidUnit`/`IsValidApplication`), reading `--file` settings as YAML and
 * resolving paths against the caller's directory.
 *
 * @example
 * ```ts
 * checkEmpty(["x"]); // throws UsageError: unrecognized args: ["x"]
 * parseKeyValues(["a=1", "b="]); // { a: "1", b: "" }
 * ```
 */

import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { resolve } from "node:path";
import { isMap, isScalar, parseDocument } from "yaml";
import { ToolError, UsageError } from "./errors.js";
import { goQuote, goQuoteList } from "./go-format.js";
import type { Invocation } from "./invocation.js";

/** Throws `unrecognized args: [...]` (exit 2) when `args` is not empty. */
export function checkEmpty(args: readonly string[]): void {
  if (args.length > 0) throw new UsageError(`unrecognized args: ${goQuoteList(args)}`);
}

/**
 * Juju's `keyvalues.Parse(args, true)`: `key=value` pairs, trimmed, empty values allowed,
 * duplicates rejected. Errors are argument errors (exit 2).
 */
export function parseKeyValues(args: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const kv of args) {
    if (kv === "") continue;
    const eq = kv.indexOf("=");
    if (eq < 0) throw new UsageError(`expected "key=value", got ${goQuote(kv)}`);
    const key = kv.slice(0, eq).trim();
    const value = kv.slice(eq + 1).trim();
    if (key === "") throw new UsageError(`expected "key=value", got "${key}=${value}"`);
    if (Object.hasOwn(result, key)) {
      throw new UsageError(`key ${goQuote(key)} specified more than once`);
    }
    result[key] = value;
  }
  return result;
}

const APP_SNIPPET = "(?:[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*)";
const APP_RE = new RegExp(`^${APP_SNIPPET}$`);
const UNIT_RE = new RegExp(`^${APP_SNIPPET}/(?:0|[1-9][0-9]*)$`);

/** Juju's `names.IsValidApplication`. */
export function isValidApplication(name: string): boolean {
  return APP_RE.test(name);
}

/** Juju's `names.IsValidUnit`. */
export function isValidUnit(name: string): boolean {
  return UNIT_RE.test(name);
}

/** The application part of a unit name. */
export function unitApplication(unit: string): string {
  const slash = unit.indexOf("/");
  return slash < 0 ? unit : unit.slice(0, slash);
}

/** Resolves a path the way Juju's `utils.NormalizePath` plus `ctx.AbsPath` do. */
export function resolvePath(cwd: string, path: string): string {
  const expanded = path === "~" || path.startsWith("~/") ? homedir() + path.slice(1) : path;
  return resolve(cwd, expanded);
}

/** Reads a file, turning failures into Go-like `open <path>: ...` run-time errors. */
export function readFileLikeGo(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such file or directory"
        : code === "EACCES"
          ? "permission denied"
          : code === "EISDIR"
            ? "is a directory"
            : (err as Error).message;
    throw new ToolError(`open ${path}: ${reason}`);
  }
}

/**
 * Reads the `--file` of `relation-set`/`state-set`: `-` means stdin (empty when the caller sent
 * none), anything else a path relative to the caller's directory.
 */
export function readFileFlag(inv: Invocation, path: string): string {
  if (path === "-") return inv.stdin ?? "";
  return readFileLikeGo(resolvePath(inv.cwd, path));
}

const NULLS = new Set(["", "~", "null", "Null", "NULL"]);

/**
 * Decodes a YAML (or JSON) map of settings into strings, as `yaml.v2` does into a
 * `map[string]string`: scalars keep their source text, null becomes `""`, nested maps and
 * lists are errors. Errors are run-time errors (exit 1).
 */
export function parseSettingsYaml(text: string): Record<string, string> {
  const doc = parseDocument(text, { schema: "failsafe", uniqueKeys: false });
  const firstError = doc.errors[0];
  if (firstError !== undefined) {
    const line = firstError.linePos?.[0]?.line;
    const message = firstError.message.split("\n")[0] ?? firstError.message;
    throw new ToolError(`yaml: ${line !== undefined ? `line ${line}: ` : ""}${message}`);
  }
  const contents = doc.contents;
  const result: Record<string, string> = {};
  if (contents === null || (isScalar(contents) && NULLS.has(String(contents.value)))) return result;
  if (!isMap(contents)) {
    throw new ToolError(
      "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str into map[string]string",
    );
  }
  for (const pair of contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const value = pair.value;
    if (value === null || value === undefined) {
      result[key] = "";
    } else if (isScalar(value)) {
      const text = String(value.value);
      result[key] = value.type === "PLAIN" && NULLS.has(text) ? "" : text;
    } else {
      const kind = isMap(value) ? "!!map" : "!!seq";
      const line = value.range ? lineOf(text, value.range[0]) : 1;
      throw new ToolError(
        `yaml: unmarshal errors:\n  line ${line}: cannot unmarshal ${kind} into string`,
      );
    }
  }
  return result;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === "\n") line++;
  return line;
}
