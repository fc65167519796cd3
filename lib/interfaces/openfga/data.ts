/**
 * The `openfga` v1 wire format, as the openfga-k8s charm and its `openfga_k8s.v1.openfga` library
 * speak it. Plain string values. The requirer asks for a store by name; the provider answers with
 * the store id, the id of the secret that holds the API token (key `token`), and its HTTP and gRPC
 * URLs. The token itself never travels in the bag.
 *
 * @example
 * ```ts
 * renderRequirerBag("jimm"); // { store_name: "jimm" }
 * renderProviderBag({ storeId: "01GK...", tokenSecretId: secret.id!, httpApiUrl, grpcApiUrl });
 * ```
 */
import {
  type DataSource,
  InterfaceDataError,
  fieldSecretUri,
  fieldString,
  requireHttpUrl,
} from "../common/databag.js";

/**
 * The interface name in metadata and in error messages.
 *
 * @example
 * ```ts
 * new InterfaceDataError({ interfaceName: INTERFACE, relation: "ep:1", owner: "app" }, "field", "is missing");
 * ```
 */
export const INTERFACE = "openfga";

/**
 * The content key of the token secret.
 *
 * @example
 * ```ts
 * secret.getContent()[TOKEN_KEY];
 * ```
 */
export const TOKEN_KEY = "token";

/**
 * The requirer's app bag.
 *
 * @example
 * ```ts
 * relation.data(this.app).update(renderRequirerBag("jimm"));
 * ```
 */
export function renderRequirerBag(storeName: string): Record<string, string> {
  return { store_name: storeName };
}

/**
 * The store a requirer asks for (provider side); undefined while it has not asked.
 *
 * @example
 * ```ts
 * parseRequirerBag({ store_name: "jimm" }); // "jimm"
 * ```
 */
export function parseRequirerBag(bag: Record<string, string>): string | undefined {
  return fieldString(bag, "store_name");
}

/**
 * What the provider publishes.
 *
 * @example
 * ```ts
 * const d: ProviderData | undefined = parseProviderBag(bag, src);
 * ```
 */
export interface ProviderData {
  /** Empty or absent until the store exists. */
  storeId?: string;
  /** The URI of the secret holding `token`; absent until granted. */
  tokenSecretId?: string;
  /** `http(s)://host:port`, or an ingress URL with a path. */
  httpApiUrl: string;
  /** `host:port` (no scheme) or an ingress URL. */
  grpcApiUrl: string;
}

/**
 * The provider's app bag: the four keys of the v1 library, in its order. Empty values are left out
 * (Juju deletes a key set to `""`, as the library's `str(v) if v else ""` does).
 *
 * @example
 * ```ts
 * relation.data(this.app).replace(renderProviderBag(data));
 * ```
 */
export function renderProviderBag(d: ProviderData): Record<string, string> {
  const bag: Record<string, string> = { grpc_api_url: d.grpcApiUrl, http_api_url: d.httpApiUrl };
  if (d.storeId) bag.store_id = d.storeId;
  if (d.tokenSecretId) bag.token_secret_id = d.tokenSecretId;
  return bag;
}

const GRPC = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(\[[0-9A-Fa-f:.]+\]|[^\s/:[\]]+)(?::\d{1,5})?(?:\/\S*)?$/;

/**
 * Reads the provider's app bag. Undefined while the provider has written nothing of the v1
 * answer; throws {@link InterfaceDataError} on a partial or malformed answer. Keys of other
 * versions (`address`, `port`, `scheme`, a clear-text `token`) are ignored.
 *
 * @example
 * ```ts
 * const d = parseProviderBag(relation.data(relation.app!).toObject(), src);
 * if (d?.storeId && d.tokenSecretId) { ... }
 * ```
 */
export function parseProviderBag(
  bag: Record<string, string>,
  src: DataSource,
): ProviderData | undefined {
  const http = fieldString(bag, "http_api_url");
  const grpc = fieldString(bag, "grpc_api_url");
  const storeId = fieldString(bag, "store_id");
  const tokenSecretId = fieldString(bag, "token_secret_id");
  if (
    http === undefined &&
    grpc === undefined &&
    storeId === undefined &&
    tokenSecretId === undefined
  )
    return undefined;
  if (http === undefined) throw new InterfaceDataError(src, "http_api_url", "is missing");
  if (grpc === undefined) throw new InterfaceDataError(src, "grpc_api_url", "is missing");
  requireHttpUrl(http, "http_api_url", src);
  if (!GRPC.test(grpc))
    throw new InterfaceDataError(
      src,
      "grpc_api_url",
      `should be host:port or a URL, got ${JSON.stringify(grpc)}`,
    );
  fieldSecretUri(bag, "token_secret_id", src);
  return {
    httpApiUrl: http,
    grpcApiUrl: grpc,
    ...(storeId !== undefined ? { storeId } : {}),
    ...(tokenSecretId !== undefined ? { tokenSecretId } : {}),
  };
}

/**
 * A ready store: where to reach OpenFGA and how to authenticate. Holds the token: never log it.
 *
 * @example
 * ```ts
 * const store: StoreInfo | undefined = this.openfga.store();
 * ```
 */
export interface StoreInfo {
  storeId: string;
  token: string;
  httpApiUrl: string;
  grpcApiUrl: string;
}
