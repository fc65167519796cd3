/**
 * `grafana_dashboard` wire format, provider side (GRAF lib LIBPATCH 48, cos-lib `LZMABase64` and
 * `DashboardPath40UID`). The leader writes one app key, `dashboards`:
 *
 * ```json
 * {"templates": {"file:<stem>": {"charm": "<charm>", "content": "<base64 of LZMA data>",
 *   "juju_topology": {"model": …, "model_uuid": …, "application": …, "unit": …},
 *   "inject_dropdowns": true, "dashboard_alt_uid": "<16 hex>"}}, "uuid": "<uuid4>"}
 * ```
 *
 * Grafana decodes `content` with Python's `lzma.decompress`, which reads the `.xz` format Python
 * writes and the legacy `.lzma` ("alone") format this module writes (pure-JS LZMA, no native
 * code). Each dashboard's `uid` becomes a 40-hex shake-256 hash of the charm name and the
 * dashboard's path in the charm, and it gets a `charm: <name>` tag, as the Python library does.
 *
 * @example
 * ```ts
 * const content = await lzmaBase64Compress(pyJsonDumps(prepareDashboard(dash, { charmName, path })));
 * ```
 */
import { createHash } from "node:crypto";
import { type DataSource, InterfaceDataError, fieldJson, isObject } from "../common/databag.js";
import { type PyJson, pyJsonDumps } from "../common/python-json.js";
import type { JujuTopology } from "../common/topology.js";

/**
 * The interface name.
 *
 * @example
 * ```ts
 * const src = { interfaceName: INTERFACE, relation: "grafana-dashboard:5", owner: "grafana" };
 * ```
 */
export const INTERFACE = "grafana_dashboard";

interface LzmaCodec {
  compress(data: Uint8Array, mode: number): Uint8Array | number[];
  decompress(data: Uint8Array): Uint8Array | number[] | string;
}

let codec: Promise<LzmaCodec> | undefined;

/** Loads the pure-JS LZMA codec once, lazily (only hooks that write dashboards pay for it). */
async function lzma(): Promise<LzmaCodec> {
  codec ??= import("lzma/src/lzma_worker.js").then((m: unknown) => {
    const mod = m as { LZMA_WORKER?: LzmaCodec; default?: { LZMA_WORKER?: LzmaCodec } };
    const worker = mod.LZMA_WORKER ?? mod.default?.LZMA_WORKER;
    if (!worker) throw new Error("the lzma package has no LZMA_WORKER export");
    return worker;
  });
  return codec;
}

/**
 * LZMA-compresses UTF-8 text (`.lzma` "alone" format, fast preset) and base64-encodes it; Python's
 * `lzma.decompress(base64.b64decode(s))` reads it back.
 *
 * @example
 * ```ts
 * const s = await lzmaBase64Compress('{"title": "JIMM"}');
 * ```
 */
export async function lzmaBase64Compress(text: string): Promise<string> {
  const out = (await lzma()).compress(new Uint8Array(Buffer.from(text, "utf8")), 1);
  return Buffer.from(Uint8Array.from(out, (b) => b & 0xff)).toString("base64");
}

/**
 * Decodes what {@link lzmaBase64Compress} (or Python's `LZMABase64.compress` in the `.lzma`
 * format) wrote. Throws on data it cannot decode.
 *
 * @example
 * ```ts
 * JSON.parse(await lzmaBase64Decompress(template.content));
 * ```
 */
export async function lzmaBase64Decompress(b64: string): Promise<string> {
  const out = (await lzma()).decompress(new Uint8Array(Buffer.from(b64, "base64")));
  if (typeof out === "string") return out;
  return Buffer.from(Uint8Array.from(out, (b) => b & 0xff)).toString("utf8");
}

function shake256Hex(text: string, bytes: number): string {
  return createHash("shake256", { outputLength: bytes }).update(text, "utf8").digest("hex");
}

/**
 * The 40-hex dashboard uid of `DashboardPath40UID.generate(charmName, path)`.
 *
 * @example
 * ```ts
 * dashboardUid("juju-jimm-k8s", "src/grafana_dashboards/jaas-metrics.json");
 * ```
 */
export function dashboardUid(charmName: string, path: string): string {
  return shake256Hex(`${charmName}-${path}`, 20);
}

/**
 * Whether `uid` already is a 40-hex "Path40" uid (then it is kept).
 *
 * @example
 * ```ts
 * isPath40Uid("jimm"); // false: the uid gets replaced
 * ```
 */
export function isPath40Uid(uid: unknown): boolean {
  return typeof uid === "string" && /^[0-9a-fA-F]{40}$/.test(uid);
}

/**
 * The `dashboard_alt_uid`: 16 hex characters of shake-256 of `<charm>-<template id>`.
 *
 * @example
 * ```ts
 * dashboardAltUid("juju-jimm-k8s", "file:jaas-metrics"); // 16 hex characters
 * ```
 */
export function dashboardAltUid(charmName: string, templateId: string): string {
  return shake256Hex(`${charmName}-${templateId}`, 8);
}

/**
 * A Grafana dashboard, as parsed JSON.
 *
 * @example
 * ```ts
 * const d: Dashboard = { title: "JIMM", panels: [] };
 * ```
 */
export type Dashboard = { [key: string]: PyJson | undefined };

/**
 * A copy of `dashboard` with its uid replaced by the Path40 uid of `(charmName, path)` (unless it
 * already is one) and a `charm: <charmName>` tag added (unless a `charm: ` tag is there).
 *
 * @example
 * ```ts
 * prepareDashboard(JSON.parse(text), { charmName: "juju-jimm-k8s", path: "src/grafana_dashboards/jaas.json" });
 * ```
 */
export function prepareDashboard(
  dashboard: Dashboard,
  opts: { charmName: string; path: string },
): Dashboard {
  const out: Dashboard = { ...dashboard };
  if (!isPath40Uid(out.uid)) out.uid = dashboardUid(opts.charmName, opts.path);
  const tags = Array.isArray(out.tags) ? [...(out.tags as PyJson[])] : [];
  if (!tags.some((t) => typeof t === "string" && t.startsWith("charm: "))) {
    tags.push(`charm: ${opts.charmName}`);
  }
  out.tags = tags;
  return out;
}

/**
 * The topology in a template: model, model UUID, application, unit.
 *
 * @example
 * ```ts
 * const t: TemplateTopology = { model: "m", model_uuid: uuid, application: "jimm", unit: "jimm/0" };
 * ```
 */
export interface TemplateTopology {
  model: string;
  model_uuid: string;
  application: string;
  unit: string;
  [key: string]: string;
}

/**
 * The template topology of a Juju topology: its wire dict without the charm name, as the Python
 * library writes `juju_topology`.
 *
 * @example
 * ```ts
 * templateTopology(JujuTopology.fromModel(this.model, this.meta.name)); // { model, model_uuid, application, unit }
 * ```
 */
export function templateTopology(topology: JujuTopology): TemplateTopology {
  const { charm_name: _charmName, ...rest } = topology.asDict();
  return rest;
}

/**
 * One dashboard template of the `dashboards` value.
 *
 * @example
 * ```ts
 * const t: DashboardTemplate = dashboardTemplate({ charmName, content, topology });
 * ```
 */
export interface DashboardTemplate {
  charm: string;
  /** Base64 of the LZMA-compressed dashboard JSON. */
  content: string;
  /** The topology, or `{}` when `inject_dropdowns` is false. */
  juju_topology: TemplateTopology | Record<string, never>;
  inject_dropdowns: boolean;
  dashboard_alt_uid?: string;
  [key: string]: PyJson | undefined;
}

/**
 * One template, in the key order of the Python library.
 *
 * @example
 * ```ts
 * dashboardTemplate({ charmName, content, topology, injectDropdowns: true, altUid });
 * ```
 */
export function dashboardTemplate(opts: {
  charmName: string;
  content: string;
  topology: TemplateTopology;
  injectDropdowns?: boolean;
  altUid?: string;
}): DashboardTemplate {
  const inject = opts.injectDropdowns ?? true;
  return {
    charm: opts.charmName,
    content: opts.content,
    juju_topology: inject ? { ...opts.topology } : {},
    inject_dropdowns: inject,
    ...(opts.altUid !== undefined ? { dashboard_alt_uid: opts.altUid } : {}),
  };
}

/**
 * The `dashboards` value: the templates and a fresh uuid4, so that every write changes the bag.
 *
 * @example
 * ```ts
 * relation.data(this.app).set("dashboards", renderDashboards(templates, randomUUID()));
 * ```
 */
export function renderDashboards(
  templates: Readonly<Record<string, DashboardTemplate>>,
  uuid: string,
): string {
  return pyJsonDumps({ templates: templates as { [k: string]: PyJson }, uuid });
}

/**
 * The templates of a `dashboards` value (ours, read back to compare); undefined when absent.
 * Throws {@link InterfaceDataError} when it is not the expected JSON.
 *
 * @example
 * ```ts
 * parseDashboards(relation.data(this.app).toObject(), src)?.["file:jaas-metrics"];
 * ```
 */
export function parseDashboards(
  bag: Readonly<Record<string, string>>,
  src: DataSource,
): Record<string, DashboardTemplate> | undefined {
  const v = fieldJson(bag, "dashboards", src, isObject, "a JSON object");
  if (v === undefined) return undefined;
  if (!isObject(v.templates))
    throw new InterfaceDataError(src, "dashboards", 'has no "templates" object');
  for (const [id, t] of Object.entries(v.templates)) {
    if (!isObject(t) || typeof t.content !== "string" || typeof t.charm !== "string") {
      throw new InterfaceDataError(src, "dashboards", `template "${id}" is malformed`);
    }
  }
  return v.templates as Record<string, DashboardTemplate>;
}

/**
 * What Grafana reported about our dashboards (its `event` key).
 *
 * @example
 * ```ts
 * const s: DashboardStatus | undefined = parseDashboardStatus(bag, src);
 * ```
 */
export interface DashboardStatus {
  valid: boolean;
  errors: PyJson[];
}

/**
 * Grafana's `event` report; undefined when absent or `{}`. Throws {@link InterfaceDataError}
 * when malformed.
 *
 * @example
 * ```ts
 * parseDashboardStatus({ event: '{"valid": false, "errors": ["bad"]}' }, src); // { valid: false, errors: ["bad"] }
 * ```
 */
export function parseDashboardStatus(
  bag: Readonly<Record<string, string>>,
  src: DataSource,
): DashboardStatus | undefined {
  const ev = fieldJson(bag, "event", src, isObject, "a JSON object");
  if (!ev || Object.keys(ev).length === 0) return undefined;
  if (ev.valid !== undefined && typeof ev.valid !== "boolean") {
    throw new InterfaceDataError(src, "event", 'has a non-boolean "valid"');
  }
  if (ev.errors !== undefined && !Array.isArray(ev.errors)) {
    throw new InterfaceDataError(src, "event", 'has non-list "errors"');
  }
  return { valid: ev.valid ?? true, errors: (ev.errors as PyJson[] | undefined) ?? [] };
}
