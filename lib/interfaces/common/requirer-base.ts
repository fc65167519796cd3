/**
 * The readiness plumbing of a requirer that reads one provider's answer on an endpoint with
 * `limit: 1` (openfga, vault-kv, postgresql-client): the live relation, `readiness()` (absent
 * without a relation, else what the library's `readinessOf` computes), the typed `problem` of bad
 * remote data, and the collect-status `status()`. A library adds its events, what it writes and
 * its `ready` payload; nothing here knows a field of any protocol.
 *
 * @example
 * ```ts
 * export class OpenFgaRequirer extends SingleRelationRequirer<{ store: StoreInfo }> {
 *   protected readonly required: boolean;
 *   protected readinessOf(r: Relation): StoreReadiness { ... }
 *   store(): StoreInfo | undefined { const r = this.readiness(); return r.state === "ready" ? r.store : undefined; }
 * }
 * ```
 */
import { CharmObject } from "../../ops/charm.js";
import type { Relation } from "../../ops/model/relation.js";
import type { StatusBase } from "../../ops/model/status.js";
import type { InterfaceDataError } from "./databag.js";
import { type ReadinessOf, readinessProblem, readinessStatus } from "./readiness.js";
import { liveRelations } from "./relations.js";

/**
 * A requirer of one relation whose readiness carries the payload `Ready` when ready.
 *
 * @example
 * ```ts
 * class VaultKvRequirer extends SingleRelationRequirer<{ credentials: VaultCredentials }> { ... }
 * vault.readiness(); // { state: "waiting", reason: "waiting for vault to answer" }
 * ```
 */
export abstract class SingleRelationRequirer<Ready extends object> extends CharmObject {
  /** The endpoint this requirer serves. */
  abstract readonly endpoint: string;
  /** Whether a missing relation blocks the charm in {@link status}. */
  protected abstract readonly required: boolean;

  /** Where `relation` (live, of this endpoint) stands. Never throws for remote data. */
  protected abstract readinessOf(relation: Relation): ReadinessOf<Ready>;

  /** The live relation, if any (a relation being broken does not count). */
  get relation(): Relation | undefined {
    return liveRelations(this, this.endpoint)[0];
  }

  /** Where the relation stands now. Never throws for remote data. */
  readiness(): ReadinessOf<Ready> {
    const r = this.relation;
    return r ? this.readinessOf(r) : { state: "absent" };
  }

  /** The typed error of malformed remote data, if any. */
  get problem(): InterfaceDataError | undefined {
    return readinessProblem(this.readiness());
  }

  /** A status for collect-status, or undefined when ready (or absent and optional). */
  status(): StatusBase | undefined {
    return readinessStatus(this.readiness(), this.endpoint, this.required);
  }
}
