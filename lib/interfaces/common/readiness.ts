/**
 * Where a requirer stands, and the status a charm shows for it. The requirers that read a
 * provider's answer (openfga, vault-kv, postgresql-client, tls-certificates) report one of these
 * states from `readiness()`, each adding its own `ready` payload (and tls-certificates two more
 * states), and turn it into a collect-status status the same way.
 *
 * @example
 * ```ts
 * status(): StatusBase | undefined {
 *   return readinessStatus(this.readiness(), this.endpoint, this.options.required ?? true);
 * }
 * ```
 */
import { BlockedStatus, type StatusBase, WaitingStatus } from "../../ops/model/status.js";
import type { InterfaceDataError } from "./databag.js";

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
