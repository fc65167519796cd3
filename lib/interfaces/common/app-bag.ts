/**
 * Writing this application's bag as the leader, the one unit Juju lets write it. A library that
 * publishes the same data on every relation of its endpoint uses {@link publishAppBag}; a
 * requirer that asks once per relation (and again after a leader change, until the request is
 * there) uses {@link ensureAppBag}. On a non-leader both do nothing.
 *
 * @example
 * ```ts
 * publishAppBag(this, this.endpoint, renderRequirerAppData(protocols)); // stale keys removed
 * ensureAppBag(this.model, relation, renderRequirerBag(this.options.storeName)); // only when missing
 * ```
 */
import type { JujuContext } from "../../ops/juju-context.js";
import type { Model } from "../../ops/model/model.js";
import type { Relation } from "../../ops/model/relation.js";
import { liveRelations } from "./relations.js";

/**
 * As leader, replaces this app's bag with `bag` on every live relation of `endpoint` (keys not in
 * `bag` are removed); a no-op on other units. `owner` is the library object (any `CharmObject`).
 *
 * @example
 * ```ts
 * const bag = renderDashboardData(data); // render first: invalid data throws on every unit
 * publishAppBag(this, this.endpoint, bag);
 * ```
 */
export function publishAppBag(
  owner: { readonly model: Model; readonly juju: JujuContext },
  endpoint: string,
  bag: Record<string, string>,
): void {
  if (!owner.model.unit.isLeader()) return;
  for (const relation of liveRelations(owner, endpoint))
    relation.data(owner.model.app).replace(bag);
}

/**
 * As leader, adds `wanted` to this app's bag of `relation` unless every key of it already holds
 * the wanted value (other keys are kept); a no-op on other units.
 *
 * @example
 * ```ts
 * ensureAppBag(this.model, relation, { version: "1" }); // writes once, then finds it there
 * ```
 */
export function ensureAppBag(
  model: Model,
  relation: Relation,
  wanted: Record<string, string>,
): void {
  if (!model.unit.isLeader()) return;
  const bag = relation.data(model.app);
  if (Object.entries(wanted).some(([k, v]) => bag.get(k) !== v)) bag.update(wanted);
}
