/**
 * Action parameters checked against the action's JSON Schema, with the messages Juju's
 * validator gives (`juju run` refuses before anything is queued), and defaults filled in as
 * Juju's `InsertDefaults` does. The schema is the one Juju builds from `actions.yaml`:
 * `{type: object, properties: <params>, required, additionalProperties}`.
 *
 * Supported keywords: `type` (string or list), `properties`, `required`, `additionalProperties`
 * (boolean), `items` (one schema), `enum`, `const`, `minimum`, `maximum`, `exclusiveMinimum`,
 * `exclusiveMaximum` (numbers), `minLength`, `maxLength`, `pattern`, `minItems`, `maxItems`,
 * `default`. Others are ignored.
 *
 * @example
 * ```ts
 * validateActionParams(meta.actions.get("echo")!, {});
 * // throws SimError: validation failed: (root) : "value" property is missing and required, given {}
 * ```
 */
import type { ActionMeta } from "../../ops/metadata.js";
import { invalid } from "../errors.js";

type Schema = Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Go's `json.Marshal` of a value: map keys sorted, no spaces.
 *
 * @example
 * ```ts
 * goJson({ b: 1, a: "x" }); // '{"a":"x","b":1}'
 * ```
 */
export function goJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goJson).join(",")}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${goJson(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  if (typeof v === "object") return "object";
  return typeof v;
}

function typeMatches(want: string, v: unknown): boolean {
  const got = jsonType(v);
  return want === got || (want === "number" && got === "integer");
}

function check(schema: Schema, value: unknown, path: string, errors: string[]): void {
  const at = (msg: string): void => {
    errors.push(`${path} : ${msg}`);
  };
  const types = typeof schema.type === "string" ? [schema.type] : schema.type;
  if (Array.isArray(types) && types.length > 0) {
    if (!types.some((t) => typeof t === "string" && typeMatches(t, value))) {
      at(`must be of type ${types.join(", ")}, given ${goJson(value)}`);
      return;
    }
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => goJson(e) === goJson(value))) {
    at(
      `must be one of the following: ${schema.enum.map(goJson).join(", ")}, given ${goJson(value)}`,
    );
  }
  if (schema.const !== undefined && goJson(schema.const) !== goJson(value)) {
    at(`must be ${goJson(schema.const)}, given ${goJson(value)}`);
  }
  if (typeof value === "number") {
    const n = (k: string): number | undefined =>
      typeof schema[k] === "number" ? (schema[k] as number) : undefined;
    const min = n("minimum");
    const max = n("maximum");
    const exMin = n("exclusiveMinimum");
    const exMax = n("exclusiveMaximum");
    if (min !== undefined && value < min)
      at(`must be greater than or equal to ${min}, given ${value}`);
    if (max !== undefined && value > max)
      at(`must be less than or equal to ${max}, given ${value}`);
    if (exMin !== undefined && value <= exMin) at(`must be greater than ${exMin}, given ${value}`);
    if (exMax !== undefined && value >= exMax) at(`must be less than ${exMax}, given ${value}`);
  }
  if (typeof value === "string") {
    const len = [...value].length;
    if (typeof schema.minLength === "number" && len < schema.minLength) {
      at(`length must be greater than or equal to ${schema.minLength}, given ${goJson(value)}`);
    }
    if (typeof schema.maxLength === "number" && len > schema.maxLength) {
      at(`length must be less than or equal to ${schema.maxLength}, given ${goJson(value)}`);
    }
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) {
      at(`does not match pattern ${goJson(schema.pattern)}, given ${goJson(value)}`);
    }
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === "number" && value.length < schema.minItems) {
      at(`must have at least ${schema.minItems} items, given ${goJson(value)}`);
    }
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems) {
      at(`must have at most ${schema.maxItems} items, given ${goJson(value)}`);
    }
    if (isObject(schema.items)) {
      const items = schema.items;
      value.forEach((item, i) => check(items, item, `${path}.${i}`, errors));
    }
  }
  if (isObject(value)) {
    const properties = isObject(schema.properties) ? schema.properties : {};
    const required = Array.isArray(schema.required) ? schema.required : [];
    for (const name of required) {
      if (typeof name === "string" && !Object.hasOwn(value, name)) {
        at(`${JSON.stringify(name)} property is missing and required, given ${goJson(value)}`);
      }
    }
    for (const key of Object.keys(value).sort()) {
      const sub = properties[key];
      if (isObject(sub)) check(sub, value[key], `${path}.${key}`, errors);
      else if (schema.additionalProperties === false) {
        at(`additional property ${JSON.stringify(key)} is not allowed, given ${goJson(value)}`);
      }
    }
  }
}

/** Fills missing properties that have a `default`, recursively into nested objects. */
function insertDefaults(schema: Schema, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...value };
  const properties = isObject(schema.properties) ? schema.properties : {};
  for (const [key, sub] of Object.entries(properties)) {
    if (!isObject(sub)) continue;
    if (!Object.hasOwn(out, key) && sub.default !== undefined) {
      out[key] = structuredClone(sub.default);
    } else if (isObject(out[key]) && isObject(sub.properties)) {
      out[key] = insertDefaults(sub, out[key] as Record<string, unknown>);
    }
  }
  return out;
}

/**
 * The JSON Schema Juju builds for an action.
 *
 * @example
 * ```ts
 * actionSchema(meta.actions.get("greet")!).required; // ["name"]
 * ```
 */
export function actionSchema(action: ActionMeta): Schema {
  return {
    type: "object",
    properties: action.params,
    required: action.required,
    additionalProperties: action.additionalProperties,
  };
}

/**
 * Checks `params` and returns them with defaults filled in; throws a {@link SimError} listing
 * every problem (`validation failed: <p1>; <p2>`).
 *
 * @example
 * ```ts
 * validateActionParams(meta.actions.get("greet")!, { name: "Ada" }); // { name: "Ada" }
 * ```
 */
export function validateActionParams(
  action: ActionMeta,
  params: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const schema = actionSchema(action);
  const errors: string[] = [];
  check(schema, params, "(root)", errors);
  if (errors.length > 0) throw invalid(`validation failed: ${errors.join("; ")}`);
  return insertDefaults(schema, params);
}
