/**
 * Application config checked against the charm's options, as Juju's `charm.Config` does:
 * unknown keys are `unknown option "<k>"`, values of the wrong type are
 * `option "<k>" expected <type>, got <value>` (Go's `%#v`: strings quoted). Strings are parsed as
 * `juju config app k=v` parses them (`strconv.ParseInt`, `ParseFloat`, `ParseBool`); typed values
 * must have the option's type; `null` resets an option to its default.
 *
 * @example
 * ```ts
 * parseConfigValues(meta, { port: "8080", debug: "true" }); // { port: 8080, debug: true }
 * parseConfigValues(meta, { port: "abc" }); // throws SimError: option "port" expected int, got "abc"
 * ```
 */
import { createHash } from "node:crypto";
import type { ConfigValue } from "../../jujuc/context.js";
import { goQuote, parseGoBool } from "../../jujuc/internal/go-format.js";
import { parseSecretUri } from "../../jujuc/internal/secret-uri.js";
import type { CharmMeta, ConfigOptionMeta } from "../../ops/metadata.js";
import { invalid } from "../errors.js";

/** A value given to `config`: a CLI string, a typed value, or null to reset. */
export type ConfigInput = ConfigValue | null;

/** Go's `%#v` of a value, for error messages. */
function goRepr(value: unknown): string {
  if (typeof value === "string") return goQuote(value);
  if (typeof value === "number" && Number.isInteger(value) && Math.abs(value) < 1e21) {
    return String(value);
  }
  return JSON.stringify(value) ?? String(value);
}

const INT_RE = /^[+-]?[0-9]+$/;
const FLOAT_RE =
  /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$|^[+-]?(?:inf|infinity|nan)$/i;

function parseOne(option: ConfigOptionMeta, value: ConfigValue): ConfigValue {
  const fail = (): never => {
    throw invalid(`option ${goQuote(option.name)} expected ${option.type}, got ${goRepr(value)}`);
  };
  switch (option.type) {
    case "string":
      return typeof value === "string" ? value : fail();
    case "secret": {
      if (typeof value !== "string") return fail();
      try {
        parseSecretUri(value);
      } catch {
        fail();
      }
      return value;
    }
    case "int": {
      if (typeof value === "number") return Number.isInteger(value) ? value : fail();
      if (typeof value === "string" && INT_RE.test(value)) {
        const n = Number(value);
        return Number.isSafeInteger(n) ? n : fail();
      }
      return fail();
    }
    case "float": {
      if (typeof value === "number") return value;
      if (typeof value === "string" && FLOAT_RE.test(value)) return Number(value);
      return fail();
    }
    case "boolean": {
      if (typeof value === "boolean") return value;
      if (typeof value === "string") {
        try {
          return parseGoBool(value);
        } catch {
          return fail();
        }
      }
      return fail();
    }
  }
}

/**
 * Checks and converts `values` against the charm's options. Keys are checked in sorted order so
 * the first error is stable. Returns the typed values (`null` kept, meaning "reset").
 *
 * @example
 * ```ts
 * parseConfigValues(meta, { count: 3, name: null }); // { count: 3, name: null }
 * ```
 */
export function parseConfigValues(
  meta: CharmMeta,
  values: Readonly<Record<string, ConfigInput>>,
): Record<string, ConfigValue | null> {
  const out: Record<string, ConfigValue | null> = {};
  for (const key of Object.keys(values).sort()) {
    const option = meta.config.get(key);
    if (option === undefined) throw invalid(`unknown option ${goQuote(key)}`);
    const value = values[key];
    out[key] = value === null || value === undefined ? null : parseOne(option, value);
  }
  return out;
}

/**
 * The config a unit sees: defaults, overridden by the values set.
 *
 * @example
 * ```ts
 * effectiveConfig(meta, { port: 9090 }); // { greeting: "hello", port: 9090 }
 * ```
 */
export function effectiveConfig(
  meta: CharmMeta,
  set: Readonly<Record<string, ConfigValue>>,
): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const option of meta.config.values()) {
    if (option.default !== undefined) out[option.name] = option.default;
  }
  for (const [k, v] of Object.entries(set)) if (meta.config.has(k)) out[k] = v;
  return out;
}

/**
 * The hash Juju's uniter compares to decide on config-changed: the effective config and the
 * trust flag.
 *
 * @example
 * ```ts
 * configHash({ port: 8080 }, false) !== configHash({ port: 8081 }, false); // true
 * ```
 */
export function configHash(config: Readonly<Record<string, ConfigValue>>, trust: boolean): string {
  const sorted = Object.keys(config)
    .sort()
    .map((k) => [k, config[k]]);
  return createHash("sha256")
    .update(JSON.stringify({ config: sorted, trust }))
    .digest("hex")
    .slice(0, 16);
}
