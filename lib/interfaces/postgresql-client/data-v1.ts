/**
 * The `postgresql_client` v1 wire format, provider side: the request-list contract of the v1
 * `data_interfaces` library (published as `dpcharmlibs-interfaces`). Pure functions: parse a
 * requirer's app bag (v0 or v1) into typed requests (or {@link InterfaceDataError}), and render the
 * provider's v1 answer with the exact bytes the Python provider writes.
 *
 * The v1 requirer app bag holds `version: "v1"` and `requests`, a JSON list of
 * `{resource, request-id, salt, ...}`. The provider answers in its app bag with `version: "v1"`,
 * `requests` (a JSON list of responses, one per `request-id`, each naming its `secret-user` and
 * `secret-tls` secrets) and `data` (a JSON object: per `request-id`, the request as the provider
 * last read it; the Python requirer refuses a response whose `request-id` is not in it).
 *
 * @example
 * ```ts
 * const parsed = parseRequirerBag(relation.data(relation.app!).toObject(), src);
 * if (parsed.version === "v1") parsed.requests.map((r) => r.ok ? r.request.requestId : r.error.message);
 * ```
 */
import { createHash } from "node:crypto";
import {
  type DataSource,
  InterfaceDataError,
  fieldJson,
  fieldString,
  isObject,
} from "../common/databag.js";
import { type PyJson, asPyJson, pyJsonDumps } from "../common/python-json.js";
import {
  type DatabaseRequest,
  type ProviderAnswer,
  type SecretContents,
  parseRequest,
} from "./data.js";

/**
 * The `version` value of the v1 contract.
 *
 * @example
 * ```ts
 * bag["version"] === V1;
 * ```
 */
export const V1 = "v1";

/**
 * A request as the provider sees it. `requestId` and `salt` are set for a v1 requirer only; the
 * answer to a v1 request must carry its `requestId`.
 *
 * @example
 * ```ts
 * const r: ProviderRequest = { database: "interop", requestId: "9d6806fc04c3f55d", salt: "nrleXfnza9YzKS9p" };
 * ```
 */
export interface ProviderRequest extends DatabaseRequest {
  /** v1: the `request-id` the answer is filed under (16 hex digits). */
  requestId?: string;
  /** v1: the requirer's `salt`, echoed in the answer. */
  salt?: string;
}

/**
 * The `request-id` of a v1 request that does not carry one: the first 16 hex digits of the
 * SHA-256 of `<resource>:<salt>` (UTF-8), as the Python library derives it.
 *
 * @example
 * ```ts
 * requestIdFor("interop", "nrleXfnza9YzKS9p"); // 16 hex digits
 * ```
 */
export function requestIdFor(resource: string, salt: string): string {
  return createHash("sha256").update(`${resource}:${salt}`, "utf8").digest("hex").slice(0, 16);
}

/**
 * One entry of a v1 `requests` list: the typed request and the record the provider keeps in its
 * `data` field, or why the entry cannot be served.
 *
 * @example
 * ```ts
 * for (const e of entries) if (e.ok) answer(e.request); else log(e.error.message);
 * ```
 */
export type V1Entry =
  | { ok: true; request: ProviderRequest & { requestId: string }; record: Record<string, PyJson> }
  | { ok: false; error: InterfaceDataError };

/**
 * A requirer's app bag, by contract version.
 *
 * @example
 * ```ts
 * const bag: RequirerBag = parseRequirerBag(remote, src);
 * ```
 */
export type RequirerBag =
  { version: "v0"; request: DatabaseRequest | undefined } | { version: "v1"; entries: V1Entry[] };

/** Keys of a v1 request in the Python model's order (the record keeps this order). */
const RECORD_FIELDS = [
  "extra-user-roles",
  "extra-group-roles",
  "external-node-connectivity",
  "entity-type",
  "entity-permissions",
  "secret-mtls",
  "mtls-cert",
  "secret-requested-entity",
  "entity-name",
  "entity-password",
  "prefix-matching",
] as const;

/** Keys the Python provider blanks in its record (it never stores them in clear). */
const BLANKED = new Set(["mtls-cert", "entity-name", "entity-password", "password"]);

/** Keys that name the requested resource, `resource` first. */
const RESOURCE_KEYS = ["resource", "database"] as const;

const optionalString = (
  item: Record<string, unknown>,
  key: string,
  src: DataSource,
  at: string,
): string | undefined => {
  const v = item[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string")
    throw new InterfaceDataError(src, `${at}.${key}`, `should be a string, got ${typeof v}`);
  return v;
};

/**
 * Parses one v1 request (entry `index` of `requests`); throws {@link InterfaceDataError}.
 *
 * @example
 * ```ts
 * parseV1Request({ resource: "interop", "request-id": "9d68...", salt: "nrle..." }, 0, src);
 * ```
 */
export function parseV1Request(
  item: unknown,
  index: number,
  src: DataSource,
): { request: ProviderRequest & { requestId: string }; record: Record<string, PyJson> } {
  const at = `requests[${index}]`;
  if (!isObject(item)) throw new InterfaceDataError(src, at, "should be a JSON object");
  let resource: string | undefined;
  for (const key of RESOURCE_KEYS) resource ??= optionalString(item, key, src, at) || undefined;
  if (resource === undefined) throw new InterfaceDataError(src, `${at}.resource`, "is missing");
  const salt = optionalString(item, "salt", src, at);
  const given = optionalString(item, "request-id", src, at);
  if (given === "") throw new InterfaceDataError(src, `${at}.request-id`, "is empty");
  if (given === undefined && salt === undefined)
    throw new InterfaceDataError(src, at, "has neither a request-id nor a salt");
  const requestId = given ?? requestIdFor(resource, salt ?? "");
  const roles = optionalString(item, "extra-user-roles", src, at);
  for (const key of ["extra-group-roles", "prefix-matching"]) optionalString(item, key, src, at);
  const external = item["external-node-connectivity"];
  if (external !== undefined && external !== null && typeof external !== "boolean") {
    throw new InterfaceDataError(
      src,
      `${at}.external-node-connectivity`,
      `should be true or false, got ${JSON.stringify(external)}`,
    );
  }
  const entityType = item["entity-type"];
  if (entityType !== undefined && entityType !== null) {
    throw new InterfaceDataError(
      src,
      `${at}.entity-type`,
      "asks for an entity (a user or group without a database), which this provider does not serve",
    );
  }
  // The record: the request without nulls and defaults, in the model's order, then other keys.
  const record: Record<string, PyJson> = { resource, "request-id": requestId };
  if (salt !== undefined) record.salt = salt;
  const put = (key: string, out: string): void => {
    const v = item[key];
    if (v === undefined || v === null || (key === "external-node-connectivity" && v === false))
      return;
    record[out] = BLANKED.has(key) ? "" : asPyJson(v);
  };
  for (const key of RECORD_FIELDS) put(key, key === "entity-password" ? "password" : key);
  const known = new Set<string>([...RESOURCE_KEYS, "request-id", "salt", ...RECORD_FIELDS]);
  for (const key of Object.keys(item)) if (!known.has(key) && !(key in record)) put(key, key);
  return {
    request: {
      database: resource,
      requestId,
      ...(salt !== undefined ? { salt } : {}),
      ...(roles ? { extraUserRoles: roles } : {}),
      ...(external === true ? { externalNodeConnectivity: true } : {}),
    },
    record,
  };
}

/**
 * Reads a requirer's app bag, v0 (no `version`, or `v0`) or v1. Throws
 * {@link InterfaceDataError} when the bag as a whole is malformed (unknown `version`, `requests`
 * not a JSON list, a v0 field of the wrong type); a malformed v1 entry is returned as such, next
 * to the good ones. Two entries with the same `request-id` are both refused.
 *
 * @example
 * ```ts
 * parseRequirerBag({ version: "v1", requests: '[{"resource": "a", "salt": "s"}]' }, src);
 * // { version: "v1", entries: [{ ok: true, request: { database: "a", requestId: "...", salt: "s" }, record }] }
 * ```
 */
export function parseRequirerBag(bag: Record<string, string>, src: DataSource): RequirerBag {
  const version = fieldString(bag, "version");
  if (version === undefined || version === "v0")
    return { version: "v0", request: parseRequest(bag, src) };
  if (version !== V1)
    throw new InterfaceDataError(
      src,
      "version",
      `should be v0 or v1, got ${JSON.stringify(version)}`,
    );
  const list =
    fieldJson(bag, "requests", src, (v): v is unknown[] => Array.isArray(v), "a JSON list") ?? [];
  const entries: V1Entry[] = list.map((item, i) => {
    try {
      return { ok: true, ...parseV1Request(item, i, src) };
    } catch (e) {
      if (e instanceof InterfaceDataError) return { ok: false, error: e };
      throw e;
    }
  });
  const count = new Map<string, number>();
  for (const e of entries)
    if (e.ok) count.set(e.request.requestId, (count.get(e.request.requestId) ?? 0) + 1);
  return {
    version: "v1",
    entries: entries.map((e, i): V1Entry => {
      if (!e.ok || count.get(e.request.requestId) === 1) return e;
      const error = new InterfaceDataError(
        src,
        `requests[${i}].request-id`,
        `${JSON.stringify(e.request.requestId)} is used by another request`,
      );
      return { ok: false, error };
    }),
  };
}

/**
 * The v1 secret contents of an answer: `user` (`username`, `password`, `uris`,
 * `read-only-uris`) and `tls` (`tls` as JSON, `"true"`/`"false"`, and `tls-ca` when non-empty:
 * Juju refuses empty secret values). Unlike v0, v1 has no `requested-secrets`: these always
 * travel in secrets.
 *
 * @example
 * ```ts
 * splitV1Answer({ ...answer, tls: false }).tls; // { tls: "false" }
 * ```
 */
export function splitV1Answer(answer: ProviderAnswer): SecretContents {
  const user: Record<string, string> = { username: answer.username, password: answer.password };
  if (answer.uris) user.uris = answer.uris;
  if (answer.readOnlyUris) user["read-only-uris"] = answer.readOnlyUris;
  const tls: Record<string, string> = { tls: answer.tls ? "true" : "false" };
  if (answer.tlsCa) tls["tls-ca"] = answer.tlsCa;
  return { user, tls };
}

/**
 * One response of the provider's v1 `requests` list, with every key the Python provider writes,
 * in its order (`null` for what is not set).
 *
 * @example
 * ```ts
 * renderV1Response(request, answer, { user: "secret://.../a", tls: "secret://.../b" });
 * ```
 */
export function renderV1Response(
  request: ProviderRequest & { requestId: string },
  answer: ProviderAnswer,
  secretUris: { user?: string; tls?: string },
): Record<string, PyJson> {
  return {
    resource: answer.database,
    "request-id": request.requestId,
    salt: request.salt ?? "",
    endpoints: answer.endpoints,
    "read-only-endpoints": answer.readOnlyEndpoints ?? null,
    "secret-user": secretUris.user ?? null,
    "secret-tls": secretUris.tls ?? null,
    "secret-extra": null,
    "secret-entity": null,
    version: answer.version ?? null,
    "prefix-resources": null,
    "mtls-cert": null,
    "entity-name": null,
    "entity-password": null,
    password: null,
  };
}

/**
 * The provider's own v1 fields, read back leniently (it wrote them): its responses and its
 * `data` record. Anything unreadable counts as empty.
 *
 * @example
 * ```ts
 * const own = readOwnV1(relation.data(this.model.app).toObject());
 * own.responses.find((r) => r["request-id"] === id);
 * ```
 */
export function readOwnV1(bag: Record<string, string>): {
  responses: Record<string, PyJson>[];
  data: Record<string, PyJson>;
} {
  const load = (key: string): unknown => {
    try {
      return JSON.parse(bag[key] ?? "null") as unknown;
    } catch {
      return null;
    }
  };
  const list = load("requests");
  const data = load("data");
  return {
    responses: Array.isArray(list)
      ? list.filter(isObject).map((r) => asPyJson(r) as Record<string, PyJson>)
      : [],
    data: isObject(data) ? (asPyJson(data) as Record<string, PyJson>) : {},
  };
}

/**
 * The `request-id`s the provider has answered with credentials (a `secret-user`).
 *
 * @example
 * ```ts
 * answeredIds(readOwnV1(bag).responses).has("9d6806fc04c3f55d");
 * ```
 */
export function answeredIds(responses: readonly Record<string, PyJson>[]): Set<string> {
  const out = new Set<string>();
  for (const r of responses) {
    const id = r["request-id"];
    if (typeof id === "string" && typeof r["secret-user"] === "string") out.add(id);
  }
  return out;
}

/**
 * The v1 fields of the provider's app bag, JSON as Python's `json.dumps` writes it.
 *
 * @example
 * ```ts
 * relation.data(this.model.app).replace(renderV1Bag(responses, data));
 * // { version: "v1", requests: '[{"resource": ...}]', data: '{"9d68...": {...}}' }
 * ```
 */
export function renderV1Bag(
  responses: readonly Record<string, PyJson>[],
  data: Record<string, PyJson>,
): Record<string, string> {
  return { version: V1, requests: pyJsonDumps(responses), data: pyJsonDumps(data) };
}
