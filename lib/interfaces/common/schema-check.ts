/**
 * Test support for the interface libraries (not shipped in charms): validates the databags we
 * write against the published relation-interface JSON schemas (`shared/interface-schemas`, next to
 * the repository), and finds secret values that leaked into a databag, a log line or a status.
 *
 * Two kinds of schema are published:
 *
 * - Generated (pydantic) schemas, with `app`/`unit` properties, describe the *decoded* bag: a
 *   `Json[...]` field is `type: string` with `contentMediaType: application/json` and a
 *   `contentSchema`, which ajv ignores. So fields with a `contentSchema` are decoded and checked
 *   against it; fields the schema types as arrays, objects, integers or booleans without a
 *   `contentSchema` (pydantic models that the library json-encodes field by field) are decoded
 *   first too. Each bag given is checked against its side; a side not given is not checked.
 * - Hand-written draft-07 schemas (oauth), with `application-data`/`related-units`, describe the
 *   app bag after the Python library's `json.loads`-or-raw decoding, which is applied first.
 *
 * Juju's own unit keys (`ingress-address`, …) are never described by a schema and are left out.
 *
 * @example
 * ```ts
 * expect(schemaErrors("openfga/v1/provider.json", { app: bag })).toEqual([]);
 * expect(leaks({ ...out, logs: ctx.logs }, [password])).toEqual([]);
 * ```
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { pyJsonLoadsOrRaw } from "./python-json.js";

/**
 * `shared/interface-schemas`, resolved from this file: `<repo>/../shared/interface-schemas`.
 *
 * @example
 * ```ts
 * readFileSync(`${SCHEMA_DIR}openfga/v1/provider.json`, "utf8");
 * ```
 */
export const SCHEMA_DIR = fileURLToPath(
  new URL("../../../../shared/interface-schemas/", import.meta.url),
);

/**
 * Whether the schemas are present (they live outside the repository).
 *
 * @example
 * ```ts
 * it.skipIf(!schemasAvailable())("matches the schema", () => {});
 * ```
 */
export const schemasAvailable = (): boolean => existsSync(SCHEMA_DIR);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = { [k: string]: Json };

const isSchema = (v: Json | undefined): v is Schema =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A validator with the formats (`uri`, …) the published schemas use. */
function newAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  return ajv;
}

function resolve(root: Schema, s: Schema): Schema {
  const ref = s.$ref;
  if (typeof ref === "string" && ref.startsWith("#/")) {
    let cur: Json | undefined = root;
    for (const part of ref.slice(2).split("/")) cur = isSchema(cur) ? cur[part] : undefined;
    return isSchema(cur) ? resolve(root, cur) : s;
  }
  // `anyOf: [X, {type: null}]` (pydantic's Optional): look at X.
  if (Array.isArray(s.anyOf)) {
    const first = s.anyOf.find((x) => isSchema(x) && x.type !== "null");
    if (isSchema(first)) return resolve(root, first);
  }
  return s;
}

/**
 * Rewrites a databag schema so that it validates decoded values, and decodes `bag` to match.
 * Returns the rewritten bag schema and the decoded bag.
 */
function decodeBag(
  root: Schema,
  bagSchema: Schema,
  bag: Readonly<Record<string, string>>,
): { schema: Schema; data: Record<string, Json> } {
  const props = isSchema(bagSchema.properties) ? bagSchema.properties : {};
  const newProps: Schema = {};
  const data: Record<string, Json> = {};
  for (const [k, v] of Object.entries(bag)) data[k] = v;
  for (const [k, p] of Object.entries(props)) {
    if (!isSchema(p)) continue;
    const target = resolve(root, p);
    const content = target.contentSchema;
    const decodeAs = isSchema(content)
      ? content
      : ["array", "object", "integer", "boolean"].includes(String(target.type))
        ? p
        : undefined;
    newProps[k] = isSchema(content) ? content : p;
    const raw = bag[k];
    if (decodeAs && raw !== undefined) {
      try {
        data[k] = JSON.parse(raw) as Json;
      } catch {
        data[k] = raw; // left as text: the schema reports the type mismatch
      }
    }
  }
  return { schema: { ...bagSchema, properties: newProps }, data };
}

/** A hand-written schema: the app bag as the Python library decodes it, no unit bags. */
function handWrittenErrors(root: Schema, app: Readonly<Record<string, string>>): string[] {
  const appData: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(app)) appData[k] = pyJsonLoadsOrRaw(v);
  const validate = newAjv().compile(root);
  if (validate({ "application-data": appData, "related-units": {} })) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`.trim());
}

/**
 * Errors (empty when valid) of the bags we wrote against `<interface>/<version>/<side>.json`.
 * Pass only the bags this side writes, raw as written to Juju; a `unit` or `app` the schema
 * requires but that is not given is not checked. `relax` may loosen the parsed schema first.
 *
 * @example
 * ```ts
 * expect(schemaErrors("vault_kv/v0/provider.json", { app: bag })).toEqual([]);
 * expect(schemaErrors("ingress/v2/requirer.json", { app, unit })).toEqual([]);
 * ```
 */
export function schemaErrors(
  file: string,
  bags: { app?: Readonly<Record<string, string>>; unit?: Readonly<Record<string, string>> },
  opts: { relax?: (schema: Schema) => void } = {},
): string[] {
  const root = JSON.parse(readFileSync(`${SCHEMA_DIR}${file}`, "utf8")) as Schema;
  opts.relax?.(root);
  const topProps = isSchema(root.properties) ? root.properties : {};
  if ("application-data" in topProps) {
    return bags.app === undefined ? [] : handWrittenErrors(root, withoutJujuKeys(bags.app));
  }
  const errors: string[] = [];
  for (const side of ["app", "unit"] as const) {
    const bag = bags[side];
    const p = topProps[side];
    if (bag === undefined || !isSchema(p)) continue;
    const bagSchema = resolve(root, p);
    const { schema, data } = decodeBag(root, bagSchema, withoutJujuKeys(bag));
    const validate = newAjv().compile({ ...schema, $defs: root.$defs ?? {} });
    if (!validate(data)) {
      for (const e of validate.errors ?? [])
        errors.push(`${side}${e.instancePath} ${e.message ?? ""}`.trim());
    }
  }
  return errors;
}

/** Juju's own unit keys, which no schema describes. */
const JUJU_KEYS: ReadonlySet<string> = new Set([
  "private-address",
  "ingress-address",
  "egress-subnets",
]);

/**
 * A bag without Juju's own unit keys, which no schema describes.
 *
 * @example
 * ```ts
 * withoutJujuKeys(out.relations[0]!.localUnitData); // no ingress-address etc.
 * ```
 */
export function withoutJujuKeys(bag: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(bag)) if (!JUJU_KEYS.has(k)) out[k] = v;
  return out;
}

/**
 * Every place a secret value must never appear in a test's output.
 *
 * @example
 * ```ts
 * leaks({ relations: out.relations, logs: ctx.logs } satisfies LeakSurfaces, [password]);
 * ```
 */
export interface LeakSurfaces {
  relations: readonly {
    readonly localAppData: Readonly<Record<string, string>>;
    readonly localUnitData: Readonly<Record<string, string>>;
  }[];
  logs: readonly { readonly message: string }[];
  unitStatus?: { readonly message: string };
  appStatus?: { readonly message: string };
}

/**
 * The places among `surfaces` that contain one of `secrets` (empty when nothing leaked).
 *
 * @example
 * ```ts
 * expect(leaks({ ...out, logs: ctx.logs }, [password])).toEqual([]);
 * ```
 */
export function leaks(surfaces: LeakSurfaces, secrets: readonly string[]): string[] {
  const found: string[] = [];
  const check = (where: string, text: string): void => {
    for (const s of secrets)
      if (s && text.includes(s)) found.push(`${where} contains a secret value`);
  };
  surfaces.relations.forEach((r, i) => {
    for (const [k, v] of Object.entries(r.localAppData)) check(`relation ${i} app bag "${k}"`, v);
    for (const [k, v] of Object.entries(r.localUnitData)) check(`relation ${i} unit bag "${k}"`, v);
  });
  surfaces.logs.forEach((l, i) => check(`log line ${i}`, l.message));
  if (surfaces.unitStatus) check("unit status", surfaces.unitStatus.message);
  if (surfaces.appStatus) check("app status", surfaces.appStatus.message);
  return found;
}
