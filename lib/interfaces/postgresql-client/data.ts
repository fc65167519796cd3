/**
 * The `postgresql_client` v0 wire format, as `data_interfaces` (v0) and postgresql-k8s speak it:
 * the requirer's request, the provider's answer, and the secrets that carry the credentials
 * (the provider's v1 format is in `data-v1.ts`).
 * Pure functions: parse a remote bag into typed data (or throw {@link InterfaceDataError}),
 * render typed data into the exact bag a Python charm would write.
 *
 * @example
 * ```ts
 * renderRequest({ database: "jimm" });
 * // { database: "jimm", "requested-secrets": '["username", "password", "tls", ...]' }
 * const answer = parseProviderBag(relation.data(relation.app!).toObject(), src);
 * ```
 */
import {
  type DataSource,
  InterfaceDataError,
  fieldBool,
  fieldJson,
  fieldSecretUri,
  fieldString,
  isObject,
  isStringArray,
} from "../common/databag.js";
import { pyJsonDumps } from "../common/python-json.js";

/**
 * The interface name in metadata and in error messages.
 *
 * @example
 * ```ts
 * new InterfaceDataError({ interfaceName: INTERFACE, relation: "ep:1", owner: "app" }, "field", "is missing");
 * ```
 */
export const INTERFACE = "postgresql_client";

/**
 * The fields a requirer asks to receive through secrets: the `data_interfaces` requirer's default
 * list, in its order. `username` and `password` must be in it.
 *
 * @example
 * ```ts
 * renderRequest({ database: "jimm", requestedSecrets: DEFAULT_REQUESTED_SECRETS });
 * ```
 */
export const DEFAULT_REQUESTED_SECRETS: readonly string[] = [
  "username",
  "password",
  "tls",
  "tls-ca",
  "uris",
  "read-only-uris",
  "entity-name",
  "entity-password",
];

/**
 * Which secret ("group") each secret field travels in; anything else goes to `extra`.
 *
 * @example
 * ```ts
 * SECRET_GROUP_OF["tls-ca"]; // "tls"
 * ```
 */
export const SECRET_GROUP_OF: Readonly<Record<string, SecretGroup>> = {
  username: "user",
  password: "user",
  uris: "user",
  "read-only-uris": "user",
  tls: "tls",
  "tls-ca": "tls",
  "mtls-cert": "mtls",
  "entity-name": "entity",
  "entity-password": "entity",
};

/**
 * Secret groups of `data_interfaces`.
 *
 * @example
 * ```ts
 * const g: SecretGroup = "user";
 * ```
 */
export type SecretGroup = "user" | "tls" | "mtls" | "entity" | "extra";

/**
 * The provider bag key that holds a group's secret URI: `secret-user`, `secret-tls`, ...
 *
 * @example
 * ```ts
 * secretField("user"); // "secret-user"
 * ```
 */
export const secretField = (group: SecretGroup): string => `secret-${group}`;

/**
 * The label the provider gives a group's secret, `<endpoint>.<relation id>.<group>.secret` (v0),
 * or `<endpoint>.<relation id>.<request-id>.<group>.secret` for a v1 request, as
 * `data_interfaces` does.
 *
 * @example
 * ```ts
 * secretLabel("database", 7, "user"); // "database.7.user.secret"
 * secretLabel("database", 7, "user", "9d6806fc04c3f55d"); // "database.7.9d6806fc04c3f55d.user.secret"
 * ```
 */
export const secretLabel = (
  endpoint: string,
  relationId: number,
  group: SecretGroup,
  requestId?: string,
): string =>
  requestId === undefined
    ? `${endpoint}.${relationId}.${group}.secret`
    : `${endpoint}.${relationId}.${requestId}.${group}.secret`;

/**
 * What a requirer asks for.
 *
 * @example
 * ```ts
 * const req: DatabaseRequest = { database: "jimm", extraUserRoles: "admin" };
 * ```
 */
export interface DatabaseRequest {
  /** The database name (`name*` asks for prefix matching). */
  database: string;
  /** Comma-separated extra roles for the user; must never change once written. */
  extraUserRoles?: string;
  /** Fields to receive through secrets; absent means everything travels in clear. */
  requestedSecrets?: readonly string[];
  /** `"true"` for subordinate routers that need external connectivity. */
  externalNodeConnectivity?: boolean;
}

/**
 * The requirer's app bag for `req`: `database`, `requested-secrets` (JSON) and the options. Write
 * it in one hook: the provider decides "secret or bag" when it first answers.
 *
 * @example
 * ```ts
 * relation.data(this.app).update(renderRequest({ database: "openfga" }));
 * ```
 */
export function renderRequest(req: DatabaseRequest): Record<string, string> {
  const bag: Record<string, string> = { database: req.database };
  const secrets = req.requestedSecrets ?? DEFAULT_REQUESTED_SECRETS;
  if (secrets.length > 0) bag["requested-secrets"] = pyJsonDumps(secrets);
  if (req.extraUserRoles) bag["extra-user-roles"] = req.extraUserRoles;
  if (req.externalNodeConnectivity) bag["external-node-connectivity"] = "true";
  return bag;
}

/**
 * Reads a requirer's app bag (provider side). Undefined while it has not asked for a database.
 *
 * @example
 * ```ts
 * const req = parseRequest(relation.data(relation.app!).toObject(), src); // { database: "jimm", ... }
 * ```
 */
export function parseRequest(
  bag: Record<string, string>,
  src: DataSource,
): DatabaseRequest | undefined {
  const database = fieldString(bag, "database");
  if (database === undefined) return undefined;
  const requested = fieldJson(
    bag,
    "requested-secrets",
    src,
    isStringArray,
    "a JSON list of field names",
  );
  const roles = fieldString(bag, "extra-user-roles");
  const external = fieldBool(bag, "external-node-connectivity", src);
  return {
    database,
    ...(requested !== undefined ? { requestedSecrets: requested } : {}),
    ...(roles !== undefined ? { extraUserRoles: roles } : {}),
    ...(external ? { externalNodeConnectivity: true } : {}),
  };
}

/**
 * One `host:port` endpoint.
 *
 * @example
 * ```ts
 * const primary: Endpoint = connection.endpoints[0]!; // { host, port, text }
 * ```
 */
export interface Endpoint {
  host: string;
  port: number;
  /** As written, `host:port` (IPv6 hosts in brackets). */
  text: string;
}

const ENDPOINT = /^(\[[0-9A-Fa-f:.]+\]|[^\s:,[\]]+):(\d{1,5})$/;

/**
 * Parses a comma-separated `host:port` list (`endpoints`, `read-only-endpoints`).
 *
 * @example
 * ```ts
 * parseEndpoints("pg-primary.m.svc.cluster.local:5432", src, "endpoints")[0].port; // 5432
 * ```
 */
export function parseEndpoints(value: string, src: DataSource, field: string): Endpoint[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((text) => {
      const m = ENDPOINT.exec(text);
      const port = m ? Number(m[2]) : NaN;
      if (!m || port < 1 || port > 65535) {
        throw new InterfaceDataError(
          src,
          field,
          `should be host:port[,host:port], got ${JSON.stringify(text)}`,
        );
      }
      return { host: m[1]!.replace(/^\[(.*)\]$/, "$1"), port, text };
    });
}

/**
 * A status the provider raised on the relation (`data_interfaces` `raise_status`).
 *
 * @example
 * ```ts
 * bag.statuses.map((s: RelationStatus) => s.message);
 * ```
 */
export interface RelationStatus {
  code: number;
  message: string;
  resolution: string;
}

const isStatusList = (v: unknown): v is RelationStatus[] =>
  Array.isArray(v) &&
  v.every(
    (s) =>
      isObject(s) &&
      typeof s.code === "number" &&
      typeof s.message === "string" &&
      typeof s.resolution === "string",
  );

/**
 * The provider's app bag, before its secrets are read.
 *
 * @example
 * ```ts
 * const bag: ProviderBag = parseProviderBag(remoteBag, src);
 * ```
 */
export interface ProviderBag {
  /** Secret URIs by group (`secret-user`, `secret-tls`, ...). */
  secrets: Partial<Record<SecretGroup, string>>;
  database?: string;
  endpoints?: Endpoint[];
  readOnlyEndpoints?: Endpoint[];
  version?: string;
  /** Fields sent in clear (providers without secrets, or requirers that asked for none). */
  clear: {
    username?: string;
    password?: string;
    uris?: string;
    readOnlyUris?: string;
    tls?: boolean;
    tlsCa?: string;
  };
  /** A subordinate provider (a router): wait for its unit's `state` = `ready`. */
  subordinated: boolean;
  statuses: RelationStatus[];
}

/**
 * Reads the provider's app bag. Throws {@link InterfaceDataError} on malformed fields; unknown keys
 * (`data`, other library versions' keys) are ignored.
 *
 * @example
 * ```ts
 * const bag = parseProviderBag(relation.data(relation.app!).toObject(), src);
 * bag.secrets.user; // "secret://.../d2f..."
 * ```
 */
export function parseProviderBag(bag: Record<string, string>, src: DataSource): ProviderBag {
  const secrets: Partial<Record<SecretGroup, string>> = {};
  for (const group of ["user", "tls", "mtls", "entity", "extra"] as const) {
    const uri = fieldSecretUri(bag, secretField(group), src);
    if (uri !== undefined) secrets[group] = uri;
  }
  const endpoints = fieldString(bag, "endpoints");
  const readOnly = fieldString(bag, "read-only-endpoints");
  const clear: ProviderBag["clear"] = {};
  const put = (key: keyof ProviderBag["clear"], field: string): void => {
    const v = fieldString(bag, field);
    if (v !== undefined) (clear as Record<string, string>)[key] = v;
  };
  put("username", "username");
  put("password", "password");
  put("uris", "uris");
  put("readOnlyUris", "read-only-uris");
  put("tlsCa", "tls-ca");
  const tls = fieldBool(bag, "tls", src);
  if (tls !== undefined) clear.tls = tls;
  const statuses =
    fieldJson(bag, "status", src, isStatusList, "a JSON list of {code, message, resolution}") ?? [];
  const database = fieldString(bag, "database");
  const version = fieldString(bag, "version");
  return {
    secrets,
    ...(database !== undefined ? { database } : {}),
    ...(endpoints !== undefined ? { endpoints: parseEndpoints(endpoints, src, "endpoints") } : {}),
    ...(readOnly !== undefined
      ? { readOnlyEndpoints: parseEndpoints(readOnly, src, "read-only-endpoints") }
      : {}),
    ...(version !== undefined ? { version } : {}),
    clear,
    subordinated: fieldBool(bag, "subordinated", src) ?? false,
    statuses,
  };
}

/**
 * Everything a workload needs to connect. Holds the password: never log it.
 *
 * @example
 * ```ts
 * const c: DatabaseConnection | undefined = this.db.connection();
 * ```
 */
export interface DatabaseConnection {
  /** The database actually created. */
  database: string;
  username: string;
  password: string;
  /** Read/write endpoints; the first is the primary. */
  endpoints: Endpoint[];
  /** Read-only endpoints (may be the primary when there are no replicas). */
  readOnlyEndpoints: Endpoint[];
  uris?: string;
  readOnlyUris?: string;
  tls: boolean;
  /** PEM CA chain, when TLS is on. */
  tlsCa?: string;
  version?: string;
}

/**
 * The decoded content of the provider's secrets, by group.
 *
 * @example
 * ```ts
 * const contents: SecretContents = { user: { username: "u", password: "p" } };
 * ```
 */
export type SecretContents = Partial<Record<SecretGroup, Record<string, string>>>;

/**
 * Combines the provider bag with its secrets' content into a connection, or a reason to wait.
 * Throws {@link InterfaceDataError} when the secrets hold malformed values.
 *
 * @example
 * ```ts
 * const r = resolveConnection(bag, { user: userSecret.getContent(), tls: tlsSecret.getContent() }, src);
 * if (r.ready) connect(r.connection);
 * ```
 */
export function resolveConnection(
  bag: ProviderBag,
  secrets: SecretContents,
  src: DataSource,
  requestedDatabase: string,
): { ready: true; connection: DatabaseConnection } | { ready: false; reason: string } {
  const user = secrets.user ?? {};
  const tlsSecret = secrets.tls ?? {};
  const username = fieldString(user, "username") ?? bag.clear.username;
  const password = fieldString(user, "password") ?? bag.clear.password;
  if (username === undefined || password === undefined) {
    return { ready: false, reason: "waiting for the database credentials" };
  }
  if (!bag.endpoints || bag.endpoints.length === 0)
    return { ready: false, reason: "waiting for the database endpoints" };
  const tls =
    fieldBool(tlsSecret, "tls", {
      ...src,
      owner: `the ${secretField("tls")} secret of ${src.owner}`,
    }) ??
    bag.clear.tls ??
    false;
  const tlsCa = fieldString(tlsSecret, "tls-ca") ?? bag.clear.tlsCa;
  const uris = fieldString(user, "uris") ?? bag.clear.uris;
  const readOnlyUris = fieldString(user, "read-only-uris") ?? bag.clear.readOnlyUris;
  return {
    ready: true,
    connection: {
      // PG writes `database` last, but it is the name asked for unless prefix matching is used.
      database: bag.database ?? requestedDatabase,
      username,
      password,
      endpoints: bag.endpoints,
      readOnlyEndpoints: bag.readOnlyEndpoints ?? [],
      ...(uris !== undefined ? { uris } : {}),
      ...(readOnlyUris !== undefined ? { readOnlyUris } : {}),
      tls,
      ...(tlsCa !== undefined ? { tlsCa } : {}),
      ...(bag.version !== undefined ? { version: bag.version } : {}),
    },
  };
}

/**
 * What a provider publishes for one relation. Holds the password: never log it.
 *
 * @example
 * ```ts
 * this.db.publish(relation, { database: "jimm", username, password, endpoints: "pg:5432", tls: false } satisfies ProviderAnswer);
 * ```
 */
export interface ProviderAnswer {
  /** The v1 request answered (`DatabaseRequestedEvent.request.requestId`); unset for v0. */
  requestId?: string;
  database: string;
  username: string;
  password: string;
  /** `host:port[,host:port]`. */
  endpoints: string;
  readOnlyEndpoints?: string;
  uris?: string;
  readOnlyUris?: string;
  tls: boolean;
  tlsCa?: string;
  version?: string;
}

/**
 * Splits a provider answer as postgresql-k8s does: every field the requirer listed in
 * `requested-secrets` goes into its group's secret; the rest goes into the bag. `tls` is
 * `"True"`/`"False"` (Python `str(bool)`); `tls-ca` only when TLS is on; `read-only-uris` only when
 * requested as a secret. Returns the bag without the `secret-*` URIs, which the caller adds once the
 * secrets exist.
 *
 * @example
 * ```ts
 * const { bag, secrets } = splitAnswer(answer, request.requestedSecrets);
 * // secrets.user = { username, password, uris }; bag = { endpoints, version, database, ... }
 * ```
 */
export function splitAnswer(
  answer: ProviderAnswer,
  requestedSecrets: readonly string[] | undefined,
): { bag: Record<string, string>; secrets: SecretContents } {
  const fields: Record<string, string> = {
    username: answer.username,
    password: answer.password,
    endpoints: answer.endpoints,
    tls: answer.tls ? "True" : "False",
  };
  if (answer.uris !== undefined) fields.uris = answer.uris;
  if (answer.tls && answer.tlsCa) fields["tls-ca"] = answer.tlsCa;
  if (answer.readOnlyEndpoints !== undefined)
    fields["read-only-endpoints"] = answer.readOnlyEndpoints;
  const asSecret = new Set(requestedSecrets ?? []);
  if (answer.readOnlyUris !== undefined && asSecret.has("read-only-uris"))
    fields["read-only-uris"] = answer.readOnlyUris;
  if (answer.version !== undefined) fields.version = answer.version;
  fields.database = answer.database;
  const bag: Record<string, string> = {};
  const secrets: SecretContents = {};
  for (const [k, v] of Object.entries(fields)) {
    if (asSecret.has(k)) {
      const group = SECRET_GROUP_OF[k] ?? "extra";
      (secrets[group] ??= {})[k] = v;
    } else {
      bag[k] = v;
    }
  }
  return { bag, secrets };
}
