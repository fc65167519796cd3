/**
 * Parsing of the arguments Juju's commands take: `key=value` pairs (config as strings, action
 * parameters as YAML values with dotted keys nesting), durations (`500ms`, `2s`, `5m`, or
 * plain seconds), whole numbers, and `--config`/`--resource` values of `deploy`. Bad input is a
 * {@link UsageError} (exit code 2).
 *
 * @example
 * ```ts
 * keyValues(["greeting=hi", "port=8080"], "config"); // { greeting: "hi", port: "8080" }
 * await actionParams(["name=Ada", "db.port=5432"]); // { name: "Ada", db: { port: 5432 } }
 * parseDuration("2s"); // 2000
 * ```
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseGoDuration } from "../jujuc/internal/go-format.js";
import { UsageError } from "./errors.js";
import { yaml } from "./format/output.js";

function splitPair(arg: string, what: string): [string, string] {
  const i = arg.indexOf("=");
  if (i <= 0) throw new UsageError(`expected "key=value" for ${what}, got ${JSON.stringify(arg)}`);
  return [arg.slice(0, i), arg.slice(i + 1)];
}

/**
 * `key=value` arguments as strings (a later key wins).
 *
 * @example
 * ```ts
 * keyValues(["a=1", "b=x=y"], "config"); // { a: "1", b: "x=y" }
 * ```
 */
export function keyValues(args: readonly string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of args) {
    const [k, v] = splitPair(arg, what);
    out[k] = v;
  }
  return out;
}

/**
 * Action parameters as `juju run` reads them: each value parsed as YAML (`3` is a number,
 * `true` a boolean) unless `strings` is set; `a.b=c` nests.
 *
 * @example
 * ```ts
 * await actionParams(["count=3", "name=Ada"]); // { count: 3, name: "Ada" }
 * await actionParams(["count=3"], true); // { count: "3" }
 * ```
 */
export async function actionParams(
  args: readonly string[],
  strings = false,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const parseYaml = strings || args.length === 0 ? undefined : (await yaml()).parse;
  for (const arg of args) {
    const [key, raw] = splitPair(arg, "an action parameter");
    let value: unknown = raw;
    if (parseYaml !== undefined) {
      try {
        value = raw === "" ? "" : (parseYaml(raw) as unknown);
      } catch {
        value = raw;
      }
      if (value === null) value = raw;
    }
    const parts = key.split(".");
    let node = out;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (typeof next === "object" && next !== null && !Array.isArray(next)) {
        node = next as Record<string, unknown>;
      } else {
        const fresh: Record<string, unknown> = {};
        node[part] = fresh;
        node = fresh;
      }
    }
    node[parts[parts.length - 1] ?? key] = value;
  }
  return out;
}

/**
 * A duration: Go's syntax (`1m30s`, `500ms`) or a number of seconds.
 *
 * @example
 * ```ts
 * parseDuration("1.5"); // 1500
 * ```
 */
export function parseDuration(value: string, what = "duration"): number {
  if (/^\d+(?:\.\d+)?$/.test(value)) return Number(value) * 1000;
  try {
    return parseGoDuration(value);
  } catch {
    throw new UsageError(`invalid ${what} ${JSON.stringify(value)}: use e.g. 500ms, 2s, 5m`);
  }
}

/**
 * A whole number at least `min`.
 *
 * @example
 * ```ts
 * wholeNumber("3", "scale"); // 3
 * ```
 */
export function wholeNumber(value: string, what: string, min = 0): number {
  if (!/^\d+$/.test(value) || Number(value) < min) {
    throw new UsageError(
      `invalid ${what} ${JSON.stringify(value)}: expected a whole number${min > 0 ? ` of at least ${min}` : ""}`,
    );
  }
  return Number(value);
}

/**
 * `deploy --config` values: `key=value` pairs, or YAML files of `{<application>: {key: value}}`
 * (the entry of `app`, or the only entry).
 *
 * @example
 * ```ts
 * await deployConfig(["port=9090", "./demo.yaml"], "demo", process.cwd());
 * ```
 */
export async function deployConfig(
  values: readonly string[],
  app: string,
  cwd: string,
): Promise<Record<string, string | number | boolean>> {
  const out: Record<string, string | number | boolean> = {};
  for (const value of values) {
    if (value.includes("=") && !existsSync(resolve(cwd, value))) {
      const [k, v] = splitPair(value, "--config");
      out[k] = v;
      continue;
    }
    const path = resolve(cwd, value);
    let doc: unknown;
    try {
      doc = (await yaml()).parse(readFileSync(path, "utf8"));
    } catch (e) {
      throw new UsageError(`cannot read config file ${path}: ${(e as Error).message}`);
    }
    const entries = typeof doc === "object" && doc !== null ? Object.entries(doc) : [];
    const settings =
      (doc as Record<string, unknown> | null)?.[app] ??
      (entries.length === 1 ? entries[0]?.[1] : undefined);
    if (typeof settings !== "object" || settings === null || Array.isArray(settings)) {
      throw new UsageError(
        `config file ${path} has no settings for application ${JSON.stringify(app)}`,
      );
    }
    for (const [k, v] of Object.entries(settings)) {
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[k] = v;
      else
        throw new UsageError(
          `config file ${path}: option ${JSON.stringify(k)} must be a string, number or boolean`,
        );
    }
  }
  return out;
}

/**
 * `deploy --resource name=value`: a value that names an existing file or folder becomes its
 * absolute path; anything else (an image reference) stays as it is.
 *
 * @example
 * ```ts
 * deployResources(["web-image=ubuntu:24.04", "config=./cfg.txt"], "/srv"); // { "web-image": "ubuntu:24.04", config: "/srv/cfg.txt" }
 * ```
 */
export function deployResources(values: readonly string[], cwd: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(keyValues(values, "--resource"))) {
    const path = resolve(cwd, value);
    out[name] = existsSync(path) ? path : value;
  }
  return out;
}
