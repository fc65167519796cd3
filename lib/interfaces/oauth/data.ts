/**
 * `oauth` v0 wire format (hydra `hydra.v0.oauth`, LIBPATCH 12; CRI `oauth/v0/schemas`).
 *
 * Requirer app bag (the client config): `redirect_uri` (a plain URL, or a JSON list of URLs when
 * there are several, as `charmlibs-interfaces-oauth` 1.2.0 writes), `scope` (space separated),
 * `grant_types` (JSON list), `audience` (JSON list, required even when empty),
 * `token_endpoint_auth_method`. Provider app bag: the issuer and its endpoints, `scope`, `groups`,
 * `ca_chain` (JSON list of PEM), `jwt_access_token` (`"True"`/`"False"`), and once the client is
 * registered `client_id` and `client_secret_id`, the URI of a secret whose key `secret` holds the
 * client secret.
 *
 * The Python libraries read every value with `json.loads`, keeping the raw string when that fails;
 * the parsers here accept the same data and reject what their JSON schemas reject.
 *
 * @example
 * ```ts
 * relation.data(this.app).replace(renderClientConfig({ redirectUri, scope: "openid email", grantTypes: ["authorization_code"] }));
 * const info = parseProviderInfo(relation.data(relation.app!).toObject(), src);
 * ```
 */
import { type DataSource, InterfaceDataError } from "../common/databag.js";
import { pyJsonDumps, pyJsonLoadsOrRaw } from "../common/python-json.js";

/**
 * The interface name.
 *
 * @example
 * ```ts
 * const src = { interfaceName: INTERFACE, relation: "oauth:3", owner: "hydra" };
 * ```
 */
export const INTERFACE = "oauth";

/**
 * The key of the client secret in the provider's secret.
 *
 * @example
 * ```ts
 * const clientSecret = secret.getContent()[CLIENT_SECRET_FIELD];
 * ```
 */
export const CLIENT_SECRET_FIELD = "secret";

/**
 * Grant types the provider accepts.
 *
 * @example
 * ```ts
 * GRANT_TYPES.includes("refresh_token"); // true
 * ```
 */
export const GRANT_TYPES = [
  "authorization_code",
  "refresh_token",
  "client_credentials",
  "urn:ietf:params:oauth:grant-type:device_code",
] as const;

/**
 * An OAuth grant type.
 *
 * @example
 * ```ts
 * const grants: GrantType[] = ["authorization_code", "refresh_token"];
 * ```
 */
export type GrantType = (typeof GRANT_TYPES)[number];

/**
 * How the client authenticates at the token endpoint.
 *
 * @example
 * ```ts
 * const method: TokenEndpointAuthMethod = "client_secret_post";
 * ```
 */
export type TokenEndpointAuthMethod = "client_secret_basic" | "client_secret_post";

const AUTH_METHODS: ReadonlySet<string> = new Set(["client_secret_basic", "client_secret_post"]);

/**
 * The OAuth client a requirer asks for.
 *
 * @example
 * ```ts
 * const c: ClientConfig = { redirectUri: "https://jimm.example.com/auth/callback", scope: "openid", grantTypes: ["authorization_code"] };
 * ```
 */
export interface ClientConfig {
  /**
   * One redirect URI or several (at least one with the `authorization_code` grant). One URI is
   * written as a plain string, several as a JSON list (accepted by providers from
   * `charmlibs-interfaces-oauth` 1.2.0 on); {@link redirectUris} reads either form.
   */
  redirectUri?: string | readonly string[];
  /** Space-separated scopes. */
  scope: string;
  grantTypes: GrantType[];
  /** Default `[]`. */
  audience?: string[];
  /** Default `client_secret_basic`. */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
}

/**
 * A client config the interface would refuse (a bug or bad config in our charm).
 *
 * @example
 * ```ts
 * try { validateClientConfig(c); } catch (e) { if (e instanceof ClientConfigError) blocked(e.message); }
 * ```
 */
export class ClientConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ClientConfigError";
  }
}

// The Python library's URL check: http(s), a domain (or IPv4), optional port and path.
const URL_RE =
  /^((http:\/\/)|(https:\/\/)(?:(?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+(?:[A-Z]{2,6}\.?|[A-Z0-9-]{2,}\.?)|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})(?::\d+)?(?:\/?|[/?]\S+)$)/i;

/**
 * The redirect URIs of a client config as a list, whichever form `redirectUri` has (empty when
 * unset or empty).
 *
 * @example
 * ```ts
 * redirectUris({ redirectUri: "https://a.example.com/cb", scope: "openid", grantTypes: [] }); // ["https://a.example.com/cb"]
 * ```
 */
export function redirectUris(c: Pick<ClientConfig, "redirectUri">): string[] {
  if (c.redirectUri === undefined || c.redirectUri === "") return [];
  return typeof c.redirectUri === "string" ? [c.redirectUri] : [...c.redirectUri];
}

/**
 * Checks a client config as the Python library does (`ClientConfig.validate`); throws
 * {@link ClientConfigError}.
 *
 * @example
 * ```ts
 * validateClientConfig({ scope: "openid", grantTypes: ["authorization_code"] }); // throws: redirect_uri is required
 * ```
 */
export function validateClientConfig(c: ClientConfig): void {
  const uris = redirectUris(c);
  if (c.grantTypes.includes("authorization_code") && uris.length === 0) {
    throw new ClientConfigError(
      "redirect_uri is required when using authorization_code grant_type",
    );
  }
  for (const uri of uris) {
    if (typeof uri !== "string" || !URL_RE.test(uri)) {
      throw new ClientConfigError(`Invalid URL ${String(uri)}`);
    }
  }
  for (const g of c.grantTypes) {
    if (!(GRANT_TYPES as readonly string[]).includes(g)) {
      throw new ClientConfigError(
        `Invalid grant_type ${g}, must be one of ${GRANT_TYPES.join(", ")}`,
      );
    }
  }
  const method = c.tokenEndpointAuthMethod ?? "client_secret_basic";
  if (!AUTH_METHODS.has(method)) {
    throw new ClientConfigError(`Invalid client auth method ${method}`);
  }
  if (typeof c.scope !== "string") throw new ClientConfigError("scope must be a string");
}

/**
 * The requirer app bag for a (validated) client config, as `_dump_data(ClientConfig.to_dict())`
 * writes it: lists as JSON, strings raw, `redirect_uri` a plain string when there is one URI, a
 * JSON list when there are several, left out when there is none.
 *
 * @example
 * ```ts
 * renderClientConfig({ redirectUri: "https://jimm.example.com/auth/callback", scope: "openid", grantTypes: ["authorization_code"] });
 * // { redirect_uri: "https://…", scope: "openid", grant_types: '["authorization_code"]', audience: "[]", token_endpoint_auth_method: "client_secret_basic" }
 * ```
 */
export function renderClientConfig(c: ClientConfig): Record<string, string> {
  validateClientConfig(c);
  const uris = redirectUris(c);
  return {
    ...(uris.length === 1 ? { redirect_uri: uris[0]! } : {}),
    ...(uris.length > 1 ? { redirect_uri: pyJsonDumps(uris) } : {}),
    scope: c.scope,
    grant_types: pyJsonDumps(c.grantTypes),
    audience: pyJsonDumps(c.audience ?? []),
    token_endpoint_auth_method: c.tokenEndpointAuthMethod ?? "client_secret_basic",
  };
}

/**
 * What the provider publishes.
 *
 * @example
 * ```ts
 * provider.setProviderInfo({ issuerUrl, authorizationEndpoint, tokenEndpoint, introspectionEndpoint, userinfoEndpoint, jwksEndpoint, scope: "openid" });
 * ```
 */
export interface ProviderInfo {
  issuerUrl: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  introspectionEndpoint: string;
  userinfoEndpoint: string;
  jwksEndpoint: string;
  /** Space-separated scopes the provider supports. */
  scope: string;
  /** The name of the groups claim, when the provider has one. */
  groups?: string;
  /** CA certificates (PEM) to trust for the provider's URLs. */
  caChain?: string[];
  jwtAccessToken?: boolean;
}

/**
 * What the provider publishes once our client exists.
 *
 * @example
 * ```ts
 * renderClientRef({ clientId: "c1", clientSecretId: "secret:abc" });
 * ```
 */
export interface ClientCredentialsRef {
  clientId: string;
  /** The URI of the secret holding the client secret (key `secret`). */
  clientSecretId: string;
}

/**
 * The provider's bag: its info, and the client reference once registered.
 *
 * @example
 * ```ts
 * const d: ProviderData | undefined = this.oauth.getProviderInfo(); d?.clientId;
 * ```
 */
export interface ProviderData extends ProviderInfo {
  clientId?: string;
  clientSecretId?: string;
}

function pyString(
  bag: Readonly<Record<string, string>>,
  key: string,
  src: DataSource,
  required: boolean,
): string | undefined {
  const raw = bag[key];
  if (raw === undefined || raw === "") {
    if (required) throw new InterfaceDataError(src, key, "is missing");
    return undefined;
  }
  const v = pyJsonLoadsOrRaw(raw);
  if (typeof v !== "string") {
    throw new InterfaceDataError(src, key, `should be a string, got JSON ${typeof v}`);
  }
  return v;
}

function pyStringList(
  bag: Readonly<Record<string, string>>,
  key: string,
  src: DataSource,
): string[] | undefined {
  const raw = bag[key];
  if (raw === undefined || raw === "") return undefined;
  const v = pyJsonLoadsOrRaw(raw);
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
    throw new InterfaceDataError(src, key, "should be a JSON list of strings");
  }
  return v as string[];
}

function pyStringOrList(
  bag: Readonly<Record<string, string>>,
  key: string,
  src: DataSource,
): string | string[] | undefined {
  const raw = bag[key];
  if (raw === undefined || raw === "") return undefined;
  const v = pyJsonLoadsOrRaw(raw);
  if (typeof v === "string") return v;
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  throw new InterfaceDataError(src, key, "should be a string or a JSON list of strings");
}

function pyBool(
  bag: Readonly<Record<string, string>>,
  key: string,
  src: DataSource,
): boolean | undefined {
  const raw = bag[key];
  if (raw === undefined || raw === "") return undefined;
  // Python writes str(bool): "True"/"False"; accept the JSON spelling too.
  const lower = raw.toLowerCase();
  if (["true", "y", "yes", "t", "on", "1"].includes(lower)) return true;
  if (["false", "n", "no", "f", "off", "0"].includes(lower)) return false;
  throw new InterfaceDataError(src, key, `should be True or False, got ${JSON.stringify(raw)}`);
}

/**
 * Parses the provider's app bag; undefined while it is empty. Throws {@link InterfaceDataError}
 * when an endpoint is missing or a value has the wrong type.
 *
 * @example
 * ```ts
 * const data = parseProviderData(relation.data(relation.app!).toObject(), src);
 * if (data?.clientId) ...
 * ```
 */
export function parseProviderData(
  bag: Readonly<Record<string, string>>,
  src: DataSource,
): ProviderData | undefined {
  if (Object.keys(bag).length === 0) return undefined;
  const req = (k: string): string => pyString(bag, k, src, true)!;
  const out: ProviderData = {
    issuerUrl: req("issuer_url"),
    authorizationEndpoint: req("authorization_endpoint"),
    tokenEndpoint: req("token_endpoint"),
    introspectionEndpoint: req("introspection_endpoint"),
    userinfoEndpoint: req("userinfo_endpoint"),
    jwksEndpoint: req("jwks_endpoint"),
    scope: req("scope"),
  };
  const groups = pyString(bag, "groups", src, false);
  if (groups !== undefined) out.groups = groups;
  const ca = pyStringList(bag, "ca_chain", src);
  if (ca !== undefined) out.caChain = ca;
  out.jwtAccessToken = pyBool(bag, "jwt_access_token", src) ?? false;
  const clientId = pyString(bag, "client_id", src, false);
  const secretId = pyString(bag, "client_secret_id", src, false);
  if (clientId !== undefined) out.clientId = clientId;
  if (secretId !== undefined) {
    if (!/^secret:/.test(secretId)) {
      throw new InterfaceDataError(src, "client_secret_id", "is not a Juju secret URI");
    }
    out.clientSecretId = secretId;
  }
  return out;
}

/**
 * The provider's info keys, as `set_provider_info_in_relation_data` writes them.
 *
 * @example
 * ```ts
 * renderProviderInfo({ issuerUrl, authorizationEndpoint, …, scope: "openid profile email phone", jwtAccessToken: true });
 * ```
 */
export function renderProviderInfo(i: ProviderInfo): Record<string, string> {
  const out: Record<string, string> = {
    issuer_url: i.issuerUrl,
    authorization_endpoint: i.authorizationEndpoint,
    token_endpoint: i.tokenEndpoint,
    introspection_endpoint: i.introspectionEndpoint,
    userinfo_endpoint: i.userinfoEndpoint,
    jwks_endpoint: i.jwksEndpoint,
    scope: i.scope,
    jwt_access_token: i.jwtAccessToken ? "True" : "False",
  };
  if (i.groups) out.groups = i.groups;
  if (i.caChain && i.caChain.length > 0) out.ca_chain = pyJsonDumps(i.caChain);
  return out;
}

/**
 * The keys of the client reference in the provider's bag.
 *
 * @example
 * ```ts
 * renderClientRef({ clientId: "c1", clientSecretId: "secret:abc" }); // { client_id: "c1", client_secret_id: "secret:abc" }
 * ```
 */
export function renderClientRef(r: ClientCredentialsRef): Record<string, string> {
  return { client_id: r.clientId, client_secret_id: r.clientSecretId };
}

/**
 * Parses a requirer's client config as the provider's schema checks it; undefined while the bag
 * is empty. Throws {@link InterfaceDataError}.
 *
 * @example
 * ```ts
 * const config = parseClientConfig(relation.data(relation.app!).toObject(), src);
 * ```
 */
export function parseClientConfig(
  bag: Readonly<Record<string, string>>,
  src: DataSource,
): ClientConfig | undefined {
  if (Object.keys(bag).length === 0) return undefined;
  const scope = pyString(bag, "scope", src, true)!;
  const grantTypes = pyStringList(bag, "grant_types", src);
  if (grantTypes === undefined) throw new InterfaceDataError(src, "grant_types", "is missing");
  for (const g of grantTypes) {
    if (!(GRANT_TYPES as readonly string[]).includes(g)) {
      throw new InterfaceDataError(
        src,
        "grant_types",
        `has an unknown grant type ${JSON.stringify(g)}`,
      );
    }
  }
  const audience = pyStringList(bag, "audience", src);
  if (audience === undefined) throw new InterfaceDataError(src, "audience", "is missing");
  const method = pyString(bag, "token_endpoint_auth_method", src, true)!;
  if (!AUTH_METHODS.has(method)) {
    throw new InterfaceDataError(
      src,
      "token_endpoint_auth_method",
      `is not one of ${[...AUTH_METHODS].join(", ")}`,
    );
  }
  const redirectUri = pyStringOrList(bag, "redirect_uri", src);
  if (
    grantTypes.includes("authorization_code") &&
    redirectUris({ ...(redirectUri !== undefined ? { redirectUri } : {}) }).length === 0
  ) {
    throw new InterfaceDataError(
      src,
      "redirect_uri",
      "is required with the authorization_code grant",
    );
  }
  return {
    ...(redirectUri !== undefined ? { redirectUri } : {}),
    scope,
    grantTypes: grantTypes as GrantType[],
    audience,
    tokenEndpointAuthMethod: method as TokenEndpointAuthMethod,
  };
}

/**
 * The provider's client secret could not be read (not granted, gone, or without `secret`).
 *
 * @example
 * ```ts
 * try { this.oauth.getClientCredentials(); } catch (e) { if (e instanceof OAuthSecretError) blocked(e.statusMessage); }
 * ```
 */
export class OAuthSecretError extends InterfaceDataError {
  constructor(src: DataSource, problem: string) {
    super(src, "client_secret_id", problem);
    this.name = "OAuthSecretError";
  }
}

/**
 * The label the provider gives the secret of a relation's client.
 *
 * @example
 * ```ts
 * clientSecretLabel(7); // "client_secret_7"
 * ```
 */
export function clientSecretLabel(relationId: number): string {
  return `client_secret_${relationId}`;
}
