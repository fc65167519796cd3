/**
 * Where a requirer stands, and the status a charm shows for it. The requirers that read a
 * provider's answer (openfga, vault-kv, postgresql-client, tls-certificates) report one of these
 * states from `readiness()`, each adding its own `ready` payload (and tls-certificates two more
 * states), and turn it into a collect-status status the same way. {@link invalidOnDataError} turns
 * the typed error of a remote bag into the `invalid` state, {@link readinessProblem} reads it back.
 *
 * @example
 * ```ts
 * status(): StatusBase | undefined {
 *   return readinessStatus(this.readiness(), this.endpoint, this.options.required ?? true);
 * }
 * ```
 */
import { BlockedStatus, type StatusBase, WaitingStatus } from "../../ops/model/status.js";
import { InterfaceDataError } from "./databag.js";

/**
 * The states every requirer's readiness has; a library's own type adds the `ready` payload.
 *
 * @example
 * ```ts
 * type StoreReadiness = Exclude<Readiness, { state: "ready" }> | { state: "ready"; store: StoreInfo };
 * ```
 */
export type Readiness =
  | { state: "absent" }
  | { state: "waiting"; reason: string }
  | { state: "invalid"; error: InterfaceDataError }
  | { state: "ready" };

/**
 * A library's readiness: the shared states, with `Ready` (the library's own payload) added to the
 * `ready` state.
 *
 * @example
 * ```ts
 * export type StoreReadiness = ReadinessOf<{ store: StoreInfo }>;
 * // { state: "absent" } | { state: "waiting"; reason } | { state: "invalid"; error } | { state: "ready"; store }
 * ```
 */
export type ReadinessOf<Ready extends object> =
  Exclude<Readiness, { state: "ready" }> | ({ state: "ready" } & Ready);

/**
 * The result of `compute`, or the `invalid` state when it throws an {@link InterfaceDataError}
 * (bad remote data); any other error propagates.
 *
 * @example
 * ```ts
 * return invalidOnDataError(() => {
 *   const d = parseProviderBag(r.data(r.app!).toObject(), src); // may throw InterfaceDataError
 *   return d ? { state: "ready", store: d } : { state: "waiting", reason: "waiting for OpenFGA" };
 * });
 * ```
 */
export function invalidOnDataError<R>(
  compute: () => R,
): R | { state: "invalid"; error: InterfaceDataError } {
  try {
    return compute();
  } catch (e) {
    if (e instanceof InterfaceDataError) return { state: "invalid", error: e };
    throw e;
  }
}

/**
 * The typed error of an `invalid` readiness, undefined in any other state.
 *
 * @example
 * ```ts
 * get problem(): InterfaceDataError | undefined { return readinessProblem(this.readiness()); }
 * ```
 */
export function readinessProblem(readiness: {
  readonly state: string;
  readonly error?: InterfaceDataError;
}): InterfaceDataError | undefined {
  return readiness.state === "invalid" ? readiness.error : undefined;
}

/**
 * The collect-status status of a readiness: blocked `needs a(n) <endpoint> relation` when absent
 * and `required`, waiting `<endpoint>: <reason>`, blocked with the error's status message when the
 * remote data is invalid, undefined when ready (or absent and optional).
 *
 * @example
 * ```ts
 * readinessStatus({ state: "absent" }, "openfga", true); // BlockedStatus("needs an openfga relation")
 * ```
 */
export function readinessStatus(
  readiness: Readiness,
  endpoint: string,
  required: boolean,
): StatusBase | undefined {
  switch (readiness.state) {
    case "absent": {
      const article = /^[aeiou]/i.test(endpoint) ? "an" : "a";
      return required ? new BlockedStatus(`needs ${article} ${endpoint} relation`) : undefined;
    }
    case "waiting":
      return new WaitingStatus(`${endpoint}: ${readiness.reason}`);
    case "invalid":
      return new BlockedStatus(readiness.error.statusMessage);
    case "ready":
      return undefined;
  }
}
