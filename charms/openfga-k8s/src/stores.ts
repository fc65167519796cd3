/**
 * Store creation for `openfga` requirers, through OpenFGA's own API with `@openfga/sdk`: a store
 * is reused when one with the requested name exists (the listing is followed across pages),
 * else created. OpenFGA may still be starting when a hook asks (right after a restart): calls
 * that fail because it does not answer yet are retried with exponential backoff, and when it
 * still does not answer the caller gets an {@link OpenFgaUnavailableError} to wait on, not a
 * failed hook.
 *
 * The SDK is loaded with a dynamic `import()` the first time a store is needed: hooks that
 * create no store never load it (about 0.14 s of start-up saved).
 *
 * @example
 * ```ts
 * const stores = new StoreClient({ apiUrl: "http://127.0.0.1:8080", token });
 * const id = await stores.ensureStore("jimm"); // the existing store's id, or a new one's
 * ```
 */
import type { Agent as HttpsAgent } from "node:https";
import type * as OpenFgaSdk from "@openfga/sdk";

/**
 * OpenFGA did not answer (not started, restarting, refusing connections) within the retries.
 *
 * @example
 * ```ts
 * try { await stores.ensureStore("jimm"); } catch (e) { if (e instanceof OpenFgaUnavailableError) wait(); }
 * ```
 */
export class OpenFgaUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "OpenFgaUnavailableError";
  }
}

/**
 * How long to keep trying while OpenFGA starts.
 *
 * @example
 * ```ts
 * const fast: Backoff = { attempts: 3, initialMs: 10, maxMs: 20 };
 * ```
 */
export interface Backoff {
  /** Tries in all (default 7). */
  attempts: number;
  /** First delay (default 250 ms); each next one doubles. */
  initialMs: number;
  /** Longest single delay (default 4 s). The defaults wait about 11 s in all. */
  maxMs: number;
}

/** The default backoff: 0.25, 0.5, 1, 2, 4, 4 s between seven tries. */
export const DEFAULT_BACKOFF: Backoff = { attempts: 7, initialMs: 250, maxMs: 4000 };

/**
 * Options of {@link StoreClient}.
 *
 * @example
 * ```ts
 * const opts: StoreClientOptions = { apiUrl: "https://127.0.0.1:8080", token, ca: caPem };
 * ```
 */
export interface StoreClientOptions {
  /** OpenFGA's HTTP API, `http(s)://127.0.0.1:8080` from the charm. */
  apiUrl: string;
  /** The preshared key. */
  token: string;
  /** The CA that signed OpenFGA's certificate, for an https `apiUrl`. */
  ca?: string;
  backoff?: Backoff;
  /** Page size of the store listing (default 100, OpenFGA's maximum). */
  pageSize?: number;
  /** Progress messages (never given the token). */
  log?: (message: string) => void;
  /** The sleep between tries (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
}

/** The part of the SDK's error classes the retry decision reads. */
interface SdkErrorShape {
  statusCode?: number;
  code?: string;
  cause?: unknown;
  message?: string;
}

/** Whether an SDK error means "OpenFGA is not serving yet" rather than a real refusal. */
export function isUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = error;
  while (e && typeof e === "object" && !seen.has(e)) {
    seen.add(e);
    const s = e as SdkErrorShape;
    if (s.statusCode !== undefined) return s.statusCode >= 500 || s.statusCode === 429;
    if (
      s.code &&
      ["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "EAI_AGAIN"].includes(
        s.code,
      )
    )
      return true;
    e = s.cause;
  }
  // No HTTP status at all: the request never got an answer.
  return !(error as SdkErrorShape | undefined)?.statusCode;
}

/** A short description of an SDK error for logs (the SDK's messages hold no credentials). */
function describe(error: unknown): string {
  const s = error as SdkErrorShape;
  const status = s.statusCode !== undefined ? `HTTP ${s.statusCode}` : (s.code ?? "no answer");
  return `${status}: ${s.message ?? String(error)}`;
}

// Types only (erased): the SDK itself is loaded on demand.
type Sdk = typeof OpenFgaSdk;
type Client = InstanceType<Sdk["OpenFgaClient"]>;

/**
 * Creates or reuses OpenFGA stores by name.
 *
 * @example
 * ```ts
 * const id = await new StoreClient({ apiUrl, token }).ensureStore("jimm");
 * ```
 */
export class StoreClient {
  private client: Client | undefined;
  /** Store names to ids, filled by the first listing of this hook. */
  private known: Map<string, string> | undefined;
  private readonly backoff: Backoff;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: StoreClientOptions) {
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  private async sdk(): Promise<Client> {
    if (this.client) return this.client;
    // A literal specifier, so that the bundler keeps the SDK in its own lazily loaded chunk.
    const sdk = await import("@openfga/sdk");
    const baseOptions: { timeout: number; httpsAgent?: HttpsAgent } = { timeout: 5000 };
    if (this.options.apiUrl.startsWith("https:")) {
      const { Agent } = await import("node:https");
      // OpenFGA's certificate has 127.0.0.1 as an IP SAN: verify it against our CA.
      baseOptions.httpsAgent = new Agent(this.options.ca ? { ca: this.options.ca } : {});
    }
    this.client = new sdk.OpenFgaClient({
      apiUrl: this.options.apiUrl,
      credentials: {
        method: sdk.CredentialsMethod.ApiToken,
        config: { token: this.options.token },
      },
      baseOptions,
      // Retries are ours (with a longer backoff); the SDK's would multiply them.
      retryParams: { maxRetry: 0 },
    });
    return this.client;
  }

  /** Runs `call`, retrying with backoff while OpenFGA does not answer. */
  private async retrying<T>(what: string, call: () => Promise<T>): Promise<T> {
    let delay = this.backoff.initialMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (e) {
        if (!isUnavailable(e)) throw e;
        if (attempt >= this.backoff.attempts) {
          throw new OpenFgaUnavailableError(
            `OpenFGA did not answer ${what} after ${attempt} tries (${describe(e)})`,
            { cause: e },
          );
        }
        this.options.log?.(
          `OpenFGA not answering ${what} yet (${describe(e)}); retrying in ${delay} ms`,
        );
        await this.sleep(delay);
        delay = Math.min(delay * 2, this.backoff.maxMs);
      }
    }
  }

  /** Every store, name to id, following `continuation_token` across pages. */
  async listStores(): Promise<Map<string, string>> {
    const client = await this.sdk();
    const stores = new Map<string, string>();
    let token: string | undefined;
    do {
      const page = await this.retrying("the store listing", () =>
        client.listStores({
          pageSize: this.options.pageSize ?? 100,
          ...(token ? { continuationToken: token } : {}),
        }),
      );
      // The oldest store of a name wins, as a listing in creation order gives it first.
      for (const s of page.stores ?? []) if (!stores.has(s.name)) stores.set(s.name, s.id);
      token = page.continuation_token || undefined;
    } while (token);
    return stores;
  }

  /** The id of the store called `name`, created when there is none. */
  async ensureStore(name: string): Promise<{ id: string; created: boolean }> {
    this.known ??= await this.listStores();
    const existing = this.known.get(name);
    if (existing) return { id: existing, created: false };
    const client = await this.sdk();
    const store = await this.retrying(`the creation of store ${JSON.stringify(name)}`, () =>
      client.createStore({ name }),
    );
    this.known.set(name, store.id);
    return { id: store.id, created: true };
  }
}
