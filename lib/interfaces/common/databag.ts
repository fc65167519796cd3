/**
 * Reading remote relation data safely. Every interface library parses what a remote charm wrote
 * through these helpers, so malformed data (bad JSON, wrong types, missing fields) becomes one
 * typed {@link InterfaceDataError} that names the relation, the field and what is wrong, which a
 * charm turns into a precise status message instead of a crashed hook.
 *
 * @example
 * ```ts
 * const bag = relation.data(relation.app!).toObject();
 * const port = fieldInt(bag, "port", where);         // throws InterfaceDataError on "eighty"
 * const tls = fieldBool(bag, "tls", where) ?? false;  // "true", "True", "false", "False"
 * ```
 */

/**
 * Where data came from, for error messages.
 *
 * @example
 * ```ts
 * const src: DataSource = { interfaceName: "openfga", relation: "openfga:3", owner: "openfga-k8s" };
 * ```
 */
export interface DataSource {
  /** The interface name, e.g. `postgresql_client`. */
  interfaceName: string;
  /** `<endpoint>:<id>`. */
  relation: string;
  /** The app or unit that wrote the bag. */
  owner: string;
}

/**
 * Remote relation data that breaks the interface's contract.
 *
 * @example
 * ```ts
 * try { parse(bag, src); } catch (e) { if (e instanceof InterfaceDataError) this.unit.status = new BlockedStatus(e.statusMessage); }
 * ```
 */
export class InterfaceDataError extends Error {
  constructor(
    readonly source: DataSource,
    /** The field at fault. */
    readonly field: string,
    /** What is wrong with it. */
    readonly problem: string,
  ) {
    super(
      `${source.interfaceName} data from ${source.owner} on ${source.relation}: "${field}" ${problem}`,
    );
    this.name = "InterfaceDataError";
  }

  /** A short status message for the operator. */
  get statusMessage(): string {
    return `invalid ${this.source.interfaceName} data from ${this.source.owner}: "${this.field}" ${this.problem}`;
  }
}

/**
 * Where the data of `relation` came from: `owner` defaults to the remote application (for a unit
 * bag, pass the unit's name).
 *
 * @example
 * ```ts
 * parseProviderBag(relation.data(relation.app!).toObject(), relationSource(INTERFACE, relation));
 * ```
 */
export function relationSource(
  interfaceName: string,
  relation: {
    readonly endpoint: string;
    readonly id: number;
    readonly app?: { readonly name: string } | undefined;
  },
  owner: string = relation.app?.name ?? "the remote application",
): DataSource {
  return { interfaceName, relation: `${relation.endpoint}:${relation.id}`, owner };
}

type Bag = Readonly<Record<string, string | undefined>>;

/**
 * A string field; undefined when absent or empty.
 *
 * @example
 * ```ts
 * fieldString({ store_name: "" }, "store_name"); // undefined
 * ```
 */
export function fieldString(bag: Bag, key: string): string | undefined {
  const v = bag[key];
  return v === undefined || v === "" ? undefined : v;
}

/**
 * A required string field; throws {@link InterfaceDataError} when absent or empty.
 *
 * @example
 * ```ts
 * const url = requireString(bag, "controller-url", src);
 * ```
 */
export function requireString(bag: Bag, key: string, src: DataSource): string {
  const v = fieldString(bag, key);
  if (v === undefined) throw new InterfaceDataError(src, key, "is missing");
  return v;
}

/**
 * A boolean field in either Python spelling (`true`/`True`, `false`/`False`).
 *
 * @example
 * ```ts
 * fieldBool({ tls: "True" }, "tls", src); // true
 * ```
 */
export function fieldBool(bag: Bag, key: string, src: DataSource): boolean | undefined {
  const v = fieldString(bag, key);
  if (v === undefined) return undefined;
  const lower = v.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  throw new InterfaceDataError(src, key, `should be true or false, got ${JSON.stringify(v)}`);
}

/**
 * An integer field.
 *
 * @example
 * ```ts
 * fieldInt({ port: "5432" }, "port", src); // 5432; throws on "eighty"
 * ```
 */
export function fieldInt(bag: Bag, key: string, src: DataSource): number | undefined {
  const v = fieldString(bag, key);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v))
    throw new InterfaceDataError(src, key, `should be an integer, got ${JSON.stringify(v)}`);
  return Number(v);
}

/**
 * A JSON field, checked by `guard`. `expected` describes the shape for the message.
 *
 * @example
 * ```ts
 * fieldJson(bag, "requested-secrets", src, isStringArray, "a JSON list of field names");
 * ```
 */
export function fieldJson<T>(
  bag: Bag,
  key: string,
  src: DataSource,
  guard: (v: unknown) => v is T,
  expected: string,
): T | undefined {
  const v = fieldString(bag, key);
  if (v === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    throw new InterfaceDataError(src, key, `is not valid JSON`);
  }
  if (!guard(parsed)) throw new InterfaceDataError(src, key, `should be ${expected}`);
  return parsed;
}

/**
 * A field holding a Juju secret URI (`secret:<id>` or `secret://<model uuid>/<id>`); undefined
 * when absent or empty.
 *
 * @example
 * ```ts
 * const tokenSecretId = fieldSecretUri(bag, "token_secret_id", src); // throws on "hunter2"
 * ```
 */
export function fieldSecretUri(bag: Bag, key: string, src: DataSource): string | undefined {
  const v = fieldString(bag, key);
  if (v !== undefined && !v.startsWith("secret:"))
    throw new InterfaceDataError(src, key, `should be a Juju secret URI, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * `value`, the field `field`, checked to be an http(s) URL. Throws {@link InterfaceDataError}
 * when it does not parse as a URL or has another scheme.
 *
 * @example
 * ```ts
 * const vaultUrl = requireHttpUrl(bag.vault_url!, "vault_url", src); // throws on "v:8200"
 * ```
 */
export function requireHttpUrl(value: string, field: string, src: DataSource): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new InterfaceDataError(src, field, `should be a URL, got ${JSON.stringify(value)}`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new InterfaceDataError(
      src,
      field,
      `should be an http(s) URL, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * The `url` member of a JSON object a field holds (`{"url": "http://…"}`): an http(s) URL. Throws
 * {@link InterfaceDataError} on `field` when it is missing, not a URL, or not http(s).
 *
 * @example
 * ```ts
 * const url = httpUrlMember(fieldJson(bag, "endpoint", src, isObject, "a JSON object")!, "endpoint", src);
 * ```
 */
export function httpUrlMember(
  obj: Readonly<Record<string, unknown>>,
  field: string,
  src: DataSource,
): string {
  const url = obj.url;
  if (typeof url !== "string" || url === "") {
    throw new InterfaceDataError(src, field, 'has no "url" string');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InterfaceDataError(src, field, `has an invalid URL ${JSON.stringify(url)}`);
  }
  if ((parsed.protocol !== "http:" && parsed.protocol !== "https:") || parsed.hostname === "") {
    throw new InterfaceDataError(src, field, `has a non-HTTP URL ${JSON.stringify(url)}`);
  }
  return url;
}

/**
 * Guard: an array of strings.
 *
 * @example
 * ```ts
 * isStringArray(["a", "b"]); // true
 * ```
 */
export const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === "string");

/**
 * Guard: a string-to-string map.
 *
 * @example
 * ```ts
 * isStringMap({ n0: "secret:cf0a" }); // true
 * ```
 */
export const isStringMap = (v: unknown): v is Record<string, string> =>
  typeof v === "object" &&
  v !== null &&
  !Array.isArray(v) &&
  Object.values(v).every((x) => typeof x === "string");

/**
 * Guard: a plain object.
 *
 * @example
 * ```ts
 * isObject(JSON.parse('{"url": "http://x"}')); // true
 * ```
 */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
