/**
 * Reads bundle documents: YAML text (one or several documents) into checked {@link BundlePart}s,
 * each field typed as Juju's `bundledata.go` declares it, with every problem collected (not
 * only the first). Relative charm paths (`./x`, `../x`), resource paths and `include-file://` /
 * `include-base64://` option values are resolved against the folder of the document's file, as
 * Juju does, so an overlay in another folder names its own files.
 *
 * Unknown fields are refused (`unknown field "num_unit" in application "db"`): a typo would
 * otherwise deploy something else than meant.
 *
 * @example
 * ```ts
 * const parts = parseBundleText(readFileSync("bundle.yaml", "utf8"), { baseDir: ".", source: "bundle.yaml" });
 * parts[0]?.applications?.["demo"]?.charm; // "demo"
 * ```
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import type { ConfigValue } from "../../jujuc/context.js";
import { goQuote } from "../../jujuc/internal/go-format.js";
import type { BundleOffer, BundleSaas } from "./types.js";

/** One application as one document gives it: only the fields it sets. */
export interface PartApplication {
  baseDir: string;
  charm?: string;
  /** `scale` or `num_units` (one field once a document is read). */
  scale?: number;
  /** A null value removes the key when the part is an overlay. */
  options?: Record<string, ConfigValue | null>;
  resources?: Record<string, string | number | null>;
  trust?: boolean;
  expose?: boolean;
  constraints?: string;
  storage?: Record<string, string | null>;
  offers?: Record<string, BundleOffer | null>;
  notes: string[];
}

/** One document of a bundle file (the base or an overlay). */
export interface BundlePart {
  /** `bundle.yaml`, or `bundle.yaml (document 2)`. */
  source: string;
  baseDir: string;
  type?: string;
  description?: string;
  /** A null application removes the base's (overlays). */
  applications?: Record<string, PartApplication | null>;
  relations?: [string, string][];
  saas?: Record<string, BundleSaas | null>;
  notes: string[];
}

/** Where a document came from. */
export interface DocumentSource {
  /** Relative paths in the document are resolved here. */
  baseDir: string;
  /** The file's name, for messages. */
  source: string;
}

type YamlMap = Record<string, unknown>;

const isMap = (v: unknown): v is YamlMap =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Juju's application (and SAAS and offer) names.
 *
 * @example
 * ```ts
 * APPLICATION_NAME.test("openfga-k8s"); // true
 * ```
 */
export const APPLICATION_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*$/;
/**
 * Juju's endpoint names.
 *
 * @example
 * ```ts
 * ENDPOINT_NAME.test("database"); // true
 * ```
 */
export const ENDPOINT_NAME = /^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$/;
/**
 * `[controller:][qualifier/]model.offer`.
 *
 * @example
 * ```ts
 * OFFER_URL.exec("local:admin/db.pg")?.slice(1); // ["local", "admin", "db", "pg"]
 * ```
 */
export const OFFER_URL =
  /^(?:([a-zA-Z0-9][a-zA-Z0-9_-]*):)?(?:([^/:.\s]+)\/)?([a-z0-9]+(?:-[a-z0-9]+)*)\.([a-z][a-z0-9]*(?:-[a-z0-9]+)*)$/;

const TOP_FIELDS = new Set([
  "bundle",
  "applications",
  "services",
  "relations",
  "saas",
  "machines",
  "series",
  "default-base",
  "description",
  "tags",
  "name",
  "docs",
  "issues",
  "source",
  "website",
]);

const APP_FIELDS = new Set([
  "charm",
  "channel",
  "revision",
  "series",
  "base",
  "resources",
  "num_units",
  "scale",
  "to",
  "placement",
  "expose",
  "exposed-endpoints",
  "options",
  "annotations",
  "constraints",
  "storage",
  "devices",
  "bindings",
  "offers",
  "plan",
  "trust",
]);

/** Fields Juju allows in overlays only. */
const OVERLAY_ONLY = ["offers", "exposed-endpoints"];

class Problems {
  readonly list: string[] = [];
  add(message: string): void {
    this.list.push(message);
  }
}

function describeType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (isMap(v)) return "a map";
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** Reads an `include-file://` or `include-base64://` option value. */
function resolveInclude(value: string, baseDir: string, problems: Problems, where: string): string {
  for (const [prefix, encode] of [
    ["include-file://", (b: Buffer) => b.toString("utf8")],
    ["include-base64://", (b: Buffer) => b.toString("base64")],
  ] as const) {
    if (!value.startsWith(prefix)) continue;
    const rel = value.slice(prefix.length);
    const path = isAbsolute(rel) ? rel : join(baseDir, rel);
    try {
      return encode(readFileSync(path));
    } catch (e) {
      problems.add(
        `${where}: resolving include ${goQuote(rel)}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? `file ${path} not found` : (e as Error).message}`,
      );
      return value;
    }
  }
  return value;
}

/** A resource value: local paths resolved against the document's folder. */
function resolveResource(value: string, baseDir: string): string {
  if (isAbsolute(value)) return value;
  if (value.startsWith(".")) return resolve(baseDir, value);
  const candidate = resolve(baseDir, value);
  return existsSync(candidate) ? candidate : value;
}

function stringMap(
  value: unknown,
  where: string,
  problems: Problems,
): Record<string, string | null> | undefined {
  if (value === null || value === undefined) return {};
  if (!isMap(value)) {
    problems.add(`${where} must be a map, got ${describeType(value)}`);
    return undefined;
  }
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || typeof v === "string") out[k] = v;
    else if (typeof v === "number" || typeof v === "boolean") out[k] = String(v);
    else problems.add(`${where}.${k} must be a string, got ${describeType(v)}`);
  }
  return out;
}

function readApplication(
  name: string,
  raw: unknown,
  doc: DocumentSource,
  isBase: boolean,
  problems: Problems,
): PartApplication | null {
  if (raw === null || raw === undefined || (isMap(raw) && Object.keys(raw).length === 0)) {
    if (isBase) problems.add(`bundle application for key ${goQuote(name)} is undefined`);
    return null;
  }
  if (!APPLICATION_NAME.test(name)) problems.add(`invalid application name ${goQuote(name)}`);
  if (!isMap(raw)) {
    problems.add(`application ${goQuote(name)} must be a map, got ${describeType(raw)}`);
    return null;
  }
  const app: PartApplication = { baseDir: doc.baseDir, notes: [] };
  const where = `application ${goQuote(name)}`;
  for (const key of Object.keys(raw)) {
    if (!APP_FIELDS.has(key)) problems.add(`unknown field ${goQuote(key)} in ${where}`);
    if (isBase && OVERLAY_ONLY.includes(key)) {
      problems.add(`applications.${name}.${key} can only appear in an overlay section`);
    }
  }
  const note = (text: string): void => {
    app.notes.push(`${where}: ${text}`);
  };

  if ("charm" in raw) {
    const charm = raw.charm;
    if (typeof charm !== "string" || charm === "") {
      problems.add(
        charm === "" || charm === null ? "empty charm path" : `${where}: charm must be a string`,
      );
    } else {
      app.charm = charm.startsWith(".") ? resolve(doc.baseDir, charm) : charm;
      if (charm.startsWith(".") || isAbsolute(charm)) {
        if (!existsSync(app.charm)) {
          problems.add(`charm path in application ${goQuote(name)} does not exist: ${app.charm}`);
        }
      }
    }
  }
  for (const key of ["channel", "series", "base", "plan"] as const) {
    if (key in raw && raw[key] !== null && raw[key] !== undefined) {
      if (typeof raw[key] !== "string") problems.add(`${where}: ${key} must be a string`);
      else note(`${key} ${goQuote(raw[key])} ignored (local charms only)`);
    }
  }
  if ("revision" in raw && raw.revision !== null) {
    if (!Number.isInteger(raw.revision)) problems.add(`${where}: revision must be an integer`);
    else note(`revision ${String(raw.revision)} ignored (local charms only)`);
  }
  const units: Record<"scale" | "num_units", number | undefined> = {
    scale: undefined,
    num_units: undefined,
  };
  for (const key of ["scale", "num_units"] as const) {
    if (!(key in raw) || raw[key] === null) continue;
    const n = raw[key];
    if (typeof n !== "number" || !Number.isInteger(n)) {
      problems.add(`${where}: ${key} must be a whole number, got ${describeType(n)}`);
    } else if (n < 0) {
      problems.add(`negative number of units specified on application ${goQuote(name)}`);
    } else units[key] = n;
  }
  if (units.scale !== undefined && units.num_units !== undefined) {
    if (units.scale > 0 && units.num_units > 0) {
      problems.add(`cannot specify both scale and num_units for application ${goQuote(name)}`);
    }
    app.scale = Math.max(units.scale, units.num_units);
  } else {
    const n = units.scale ?? units.num_units;
    if (n !== undefined) app.scale = n;
  }
  if ("to" in raw || "placement" in raw) note("placement ignored (one machine)");
  for (const key of ["trust", "expose"] as const) {
    if (!(key in raw) || raw[key] === null) continue;
    if (typeof raw[key] !== "boolean") {
      problems.add(`${where}: ${key} must be true or false, got ${describeType(raw[key])}`);
    } else app[key] = raw[key];
  }
  if (app.expose === true) {
    note("expose ignored: every unit address is reachable from this machine");
  }
  if ("exposed-endpoints" in raw) note("exposed-endpoints ignored");
  if ("constraints" in raw && raw.constraints !== null) {
    if (typeof raw.constraints !== "string") problems.add(`${where}: constraints must be a string`);
    else {
      app.constraints = raw.constraints;
      note(`constraints ${goQuote(raw.constraints)} accepted, not enforced`);
    }
  }
  if ("storage" in raw) {
    const storage = stringMap(raw.storage, `${where}: storage`, problems);
    if (storage !== undefined) {
      app.storage = storage;
      if (Object.keys(storage).length > 0)
        note("storage directives accepted; the charm's defaults are used");
    }
  }
  for (const key of ["annotations", "devices", "bindings"] as const) {
    if (key in raw && raw[key] !== null && !isMap(raw[key])) {
      problems.add(`${where}: ${key} must be a map, got ${describeType(raw[key])}`);
    }
  }
  if ("options" in raw) {
    const options = raw.options;
    if (options === null || options === undefined) app.options = {};
    else if (!isMap(options)) {
      problems.add(`${where}: options must be a map, got ${describeType(options)}`);
    } else {
      app.options = {};
      for (const [k, v] of Object.entries(options)) {
        if (v === null) app.options[k] = null;
        else if (typeof v === "string") {
          app.options[k] = resolveInclude(
            v,
            doc.baseDir,
            problems,
            `${where}: option ${goQuote(k)}`,
          );
        } else if (typeof v === "number" || typeof v === "boolean") app.options[k] = v;
        else {
          problems.add(
            `${where}: option ${goQuote(k)} must be a string, number or boolean, got ${describeType(v)}`,
          );
        }
      }
    }
  }
  if ("resources" in raw) {
    const resources = raw.resources;
    if (resources === null || resources === undefined) app.resources = {};
    else if (!isMap(resources)) {
      problems.add(`${where}: resources must be a map, got ${describeType(resources)}`);
    } else {
      app.resources = {};
      for (const [k, v] of Object.entries(resources)) {
        if (k === "") problems.add(`missing resource name on application ${goQuote(name)}`);
        if (v === null) app.resources[k] = null;
        else if (typeof v === "string") app.resources[k] = resolveResource(v, doc.baseDir);
        else if (typeof v === "number" && Number.isInteger(v)) app.resources[k] = v;
        else problems.add(`resource revision ${goQuote(name)} is not int or string`);
      }
    }
  }
  if ("offers" in raw) {
    const offers = raw.offers;
    app.offers = {};
    if (offers !== null && offers !== undefined && !isMap(offers)) {
      problems.add(`${where}: offers must be a map, got ${describeType(offers)}`);
    } else if (isMap(offers)) {
      for (const [offerName, spec] of Object.entries(offers)) {
        if (!APPLICATION_NAME.test(offerName)) {
          problems.add(`invalid offer name ${goQuote(offerName)} in application ${goQuote(name)}`);
        }
        if (spec === null) {
          app.offers[offerName] = null;
          continue;
        }
        if (!isMap(spec)) {
          problems.add(`${where}: offer ${goQuote(offerName)} must be a map`);
          continue;
        }
        const endpoints = spec.endpoints;
        if (!Array.isArray(endpoints) || endpoints.length === 0) {
          problems.add(`${where}: offer ${goQuote(offerName)} must list its endpoints`);
          continue;
        }
        const eps: string[] = [];
        for (const ep of endpoints) {
          if (typeof ep !== "string" || !ENDPOINT_NAME.test(ep)) {
            problems.add(
              `invalid endpoint name ${goQuote(String(ep))} for offer ${goQuote(offerName)} in application ${goQuote(name)}`,
            );
          } else eps.push(ep);
        }
        const acl = stringMap(spec.acl, `${where}: offer ${goQuote(offerName)} acl`, problems);
        const aclOut: Record<string, string> = {};
        for (const [k, v] of Object.entries(acl ?? {})) if (v !== null) aclOut[k] = v;
        app.offers[offerName] = { endpoints: eps, acl: aclOut };
      }
    }
  }
  return app;
}

function readRelations(raw: unknown, problems: Problems): [string, string][] {
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.add(`relations must be a list of pairs, got ${describeType(raw)}`);
    return [];
  }
  const out: [string, string][] = [];
  for (const pair of raw) {
    if (!Array.isArray(pair) || pair.some((e) => typeof e !== "string")) {
      problems.add(`relation ${JSON.stringify(pair)} must be a list of two endpoint strings`);
      continue;
    }
    if (pair.length !== 2) {
      problems.add(`relation ${JSON.stringify(pair)} has ${pair.length} endpoint(s), not 2`);
      continue;
    }
    out.push([pair[0] as string, pair[1] as string]);
  }
  return out;
}

function readSaas(raw: unknown, problems: Problems): Record<string, BundleSaas | null> | undefined {
  if (raw === null || raw === undefined) return {};
  if (!isMap(raw)) {
    problems.add(`saas must be a map, got ${describeType(raw)}`);
    return undefined;
  }
  const out: Record<string, BundleSaas | null> = {};
  for (const [name, spec] of Object.entries(raw)) {
    if (!APPLICATION_NAME.test(name)) problems.add(`invalid SAAS name ${goQuote(name)} found`);
    if (spec === null || (isMap(spec) && Object.keys(spec).length === 0)) {
      out[name] = null;
      continue;
    }
    if (!isMap(spec) || typeof spec.url !== "string") {
      problems.add(`SAAS ${goQuote(name)} must be a map with a url`);
      continue;
    }
    for (const key of Object.keys(spec)) {
      if (key !== "url") problems.add(`unknown field ${goQuote(key)} in SAAS ${goQuote(name)}`);
    }
    if (!OFFER_URL.test(spec.url)) {
      problems.add(`invalid offer URL ${goQuote(spec.url)} for SAAS ${name}`);
    }
    out[name] = { url: spec.url };
  }
  return out;
}

/**
 * Checks one parsed YAML document (`isBase`: the first one of the base file) and returns it as
 * a part; problems are appended to `problems`.
 *
 * @example
 * ```ts
 * const problems: string[] = [];
 * readDocument({ applications: { a: { charm: "demo" } } }, src, true, problems);
 * ```
 */
export function readDocument(
  raw: unknown,
  doc: DocumentSource,
  isBase: boolean,
  problems: string[],
): BundlePart {
  const p = new Problems();
  const part: BundlePart = { source: doc.source, baseDir: doc.baseDir, notes: [] };
  if (!isMap(raw)) {
    p.add(`${doc.source}: a bundle must be a YAML map, got ${describeType(raw)}`);
    problems.push(...p.list);
    return part;
  }
  for (const key of Object.keys(raw)) {
    if (!TOP_FIELDS.has(key)) p.add(`unknown field ${goQuote(key)} in ${doc.source}`);
  }
  if ("services" in raw) {
    p.add(
      isBase
        ? `${doc.source}: the deprecated 'services' key is not supported, use 'applications'`
        : "bundle overlay file used deprecated 'services' key, this is not valid for bundle overlay files",
    );
  }
  if ("bundle" in raw && raw.bundle !== null) {
    if (raw.bundle !== "kubernetes")
      p.add(`bundle has an invalid type ${goQuote(String(raw.bundle))}`);
    else part.type = "kubernetes";
  }
  if (typeof raw.description === "string") part.description = raw.description;
  if ("machines" in raw && raw.machines !== null) {
    if (raw.bundle === "kubernetes") p.add("bundle machines not valid for Kubernetes bundles");
    else part.notes.push(`${doc.source}: machines ignored (units run on this machine)`);
  }
  if ("applications" in raw) {
    const apps = raw.applications;
    part.applications = {};
    if (apps !== null && apps !== undefined && !isMap(apps)) {
      p.add(`applications must be a map, got ${describeType(apps)}`);
    } else if (isMap(apps)) {
      for (const [name, spec] of Object.entries(apps)) {
        part.applications[name] = readApplication(name, spec, doc, isBase, p);
      }
    }
  }
  if ("relations" in raw) part.relations = readRelations(raw.relations, p);
  if ("saas" in raw) {
    const saas = readSaas(raw.saas, p);
    if (saas !== undefined) part.saas = saas;
  }
  problems.push(...p.list);
  return part;
}

/**
 * Splits YAML text into its documents and reads each one; the first document of the base file
 * is the base, every other one an overlay. Empty documents are skipped.
 *
 * @example
 * ```ts
 * parseBundleText("applications:\n  a: {charm: demo}\n---\napplications:\n  a: {scale: 2}\n", src, true, problems);
 * ```
 */
export function parseBundleText(
  text: string,
  doc: DocumentSource,
  isBaseFile: boolean,
  problems: string[],
): BundlePart[] {
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true });
  const parts: BundlePart[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  let index = 0;
  for (const d of list) {
    index += 1;
    const source = list.length > 1 ? `${doc.source} (document ${index})` : doc.source;
    if (d.errors.length > 0) {
      for (const e of d.errors) problems.push(`${source}: cannot parse YAML: ${e.message}`);
      continue;
    }
    const value: unknown = d.toJS();
    if (value === null || value === undefined) continue;
    const isBase = isBaseFile && parts.length === 0;
    parts.push(readDocument(value, { baseDir: doc.baseDir, source }, isBase, problems));
  }
  return parts;
}
