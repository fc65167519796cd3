/**
 * Test support for the interface libraries (not shipped in charms): checks databags against the
 * published relation-interface JSON schemas kept in `../shared/interface-schemas` (beside the repo
 * root), and finds secret values in bags and logs.
 *
 * The generated schemas (ingress, prometheus_scrape, …) describe the decoded bag: a field with
 * `contentMediaType: application/json` is JSON text whose value must match `contentSchema`. The
 * checker decodes those fields and validates the decoded values, since validators ignore
 * `contentSchema`. The hand-written oauth schemas describe `application-data` after the Python
 * library's `json.loads`-or-raw decoding, which the checker applies too.
 *
 * @example
 * ```ts
 * expect(checkBags("ingress/v2/requirer.json", { app: appBag, unit: unitBag })).toEqual([]);
 * ```
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/**
 * Where the published schemas are kept: `<repo>/../shared/interface-schemas`.
 *
 * @example
 * ```ts
 * readFileSync(join(SCHEMAS_DIR, "ingress/v2/requirer.json"), "utf8");
 * ```
 */
export const SCHEMAS_DIR = join(REPO_ROOT, "..", "shared", "interface-schemas");

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Replaces every JSON-text property by its content schema. */
function decodedSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(decodedSchema);
  if (!isObj(node)) return node;
  if (node.contentMediaType === "application/json" && node.contentSchema !== undefined) {
    return decodedSchema(node.contentSchema);
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = decodedSchema(v);
  return out;
}

/** The JSON-text field names of a schema (any property with `contentMediaType` JSON). */
function jsonFields(node: unknown, acc = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => jsonFields(n, acc));
  else if (isObj(node)) {
    if (isObj(node.properties)) {
      for (const [k, v] of Object.entries(node.properties)) {
        if (isObj(v) && v.contentMediaType === "application/json") acc.add(k);
      }
    }
    for (const v of Object.values(node)) jsonFields(v, acc);
  }
  return acc;
}

function pyLoad(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Juju's own unit keys, which no schema describes. */
const JUJU_KEYS = new Set(["private-address", "ingress-address", "egress-subnets"]);

function withoutJujuKeys(bag: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(bag).filter(([k]) => !JUJU_KEYS.has(k)));
}

/**
 * Validates bags against a published schema (path relative to {@link SCHEMAS_DIR}) and returns
 * the errors (empty when valid). `app`/`unit` are raw bags as written to Juju.
 *
 * @example
 * ```ts
 * checkBags("prometheus_scrape/v0/provider.json", { app, unit });
 * ```
 */
export function checkBags(
  schemaPath: string,
  bags: { app?: Readonly<Record<string, string>>; unit?: Readonly<Record<string, string>> },
): string[] {
  const raw = JSON.parse(readFileSync(join(SCHEMAS_DIR, schemaPath), "utf8")) as Json;
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  let instance: Json;
  let schema: unknown;
  if (isObj(raw.properties) && "application-data" in raw.properties) {
    // Hand-written draft-07 schema: {"application-data": …, "related-units": …}.
    schema = raw;
    const appData: Json = {};
    for (const [k, v] of Object.entries(bags.app ?? {})) appData[k] = pyLoad(v);
    instance = { "application-data": appData, "related-units": {} };
  } else {
    const fields = jsonFields(raw);
    schema = decodedSchema(raw);
    const decode = (bag: Readonly<Record<string, string>>): Json => {
      const out: Json = {};
      for (const [k, v] of Object.entries(withoutJujuKeys(bag))) {
        out[k] = fields.has(k) ? JSON.parse(v) : v;
      }
      return out;
    };
    instance = {};
    if (bags.app) instance.app = decode(bags.app);
    if (bags.unit) instance.unit = decode(bags.unit);
  }
  const validate = ajv.compile(schema as Json);
  if (validate(instance)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`);
}

/**
 * Every place a secret value shows up in the given bags and log lines (empty when none).
 *
 * @example
 * ```ts
 * expect(findSecret("s3cr3t", { bags: [appBag], logs: ctx.logs.map((l) => l.message) })).toEqual([]);
 * ```
 */
export function findSecret(
  secret: string,
  where: { bags?: readonly Readonly<Record<string, string>>[]; logs?: readonly string[] },
): string[] {
  const hits: string[] = [];
  for (const [i, bag] of (where.bags ?? []).entries()) {
    for (const [k, v] of Object.entries(bag))
      if (v.includes(secret)) hits.push(`bag ${i} key ${k}`);
  }
  for (const line of where.logs ?? []) if (line.includes(secret)) hits.push(`log: ${line}`);
  return hits;
}
