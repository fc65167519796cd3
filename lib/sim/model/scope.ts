/**
 * Relation scopes: a unit enters the scope of each relation of its application when its agent
 * knows the relation (at install for the relations that exist then, at integrate time for units
 * already installed); from then on the remote units see it (`-joined`). It leaves when it is
 * dying or its relation is broken. Juju fills every unit's bag with its addresses on entry and
 * refreshes them when config-changed is committed.
 *
 * @example
 * ```ts
 * enterScopes(state, "jaas", "openfga/1"); // the other units now get -joined for openfga/1
 * ```
 */
import type { Databag } from "../../jujuc/context.js";
import type { ControllerState, RelationState } from "./types.js";
import { mustModel, mustUnit, relationsOfApp, sideIndex } from "./view.js";

/**
 * The three keys Juju writes in every unit's bag.
 *
 * @example
 * ```ts
 * addressBag("10.1.0.7"); // { "egress-subnets": "10.1.0.7/32", "ingress-address": "10.1.0.7", "private-address": "10.1.0.7" }
 * ```
 */
export function addressBag(address: string): Databag {
  return {
    "egress-subnets": `${address}/32`,
    "ingress-address": address,
    "private-address": address,
  };
}

/**
 * Puts a unit in the scope of one relation (keeping the bag it had, if it was there before).
 *
 * @example
 * ```ts
 * enterScope(state, rel, "jaas", "openfga/0");
 * ```
 */
export function enterScope(
  state: ControllerState,
  rel: RelationState,
  model: string,
  unitName: string,
): void {
  const unit = mustUnit(mustModel(state, model), unitName);
  const side = rel.sides[sideIndex(rel, model, unit.app)];
  if (side === undefined || rel.life !== "alive" || unit.life !== "alive") return;
  const existing = side.units[unitName];
  if (existing !== undefined) {
    if (!existing.inScope) {
      existing.inScope = true;
      existing.version += 1;
    }
    return;
  }
  side.units[unitName] = { bag: addressBag(unit.address), version: 0, inScope: true };
}

/**
 * Puts an installed, live unit in the scope of every live relation of its application.
 *
 * @example
 * ```ts
 * enterScopes(state, "jaas", "openfga/0");
 * ```
 */
export function enterScopes(state: ControllerState, model: string, unitName: string): void {
  const unit = mustUnit(mustModel(state, model), unitName);
  for (const rel of relationsOfApp(state, model, unit.app)) enterScope(state, rel, model, unitName);
}

/**
 * Takes a unit out of the scope of one relation (its data stays readable).
 *
 * @example
 * ```ts
 * leaveScope(rel, "jaas", "openfga", "openfga/2");
 * ```
 */
export function leaveScope(rel: RelationState, model: string, app: string, unitName: string): void {
  const entry = rel.sides[sideIndex(rel, model, app)]?.units[unitName];
  if (entry !== undefined) entry.inScope = false;
}

/**
 * Takes a unit out of every scope (it is dying: the others depart it).
 *
 * @example
 * ```ts
 * leaveScopes(state, "jaas", "openfga/2");
 * ```
 */
export function leaveScopes(state: ControllerState, model: string, unitName: string): void {
  const app = unitName.slice(0, unitName.indexOf("/"));
  for (const rel of relationsOfApp(state, model, app)) leaveScope(rel, model, app, unitName);
}

/**
 * Rewrites a unit's address keys where they changed (a new pod has a new address), bumping the
 * bag versions so that the remote units get -changed.
 *
 * @example
 * ```ts
 * refreshAddresses(state, "jaas", "openfga/0");
 * ```
 */
export function refreshAddresses(state: ControllerState, model: string, unitName: string): void {
  const unit = mustUnit(mustModel(state, model), unitName);
  const want = addressBag(unit.address);
  for (const rel of relationsOfApp(state, model, unit.app)) {
    const entry = rel.sides[sideIndex(rel, model, unit.app)]?.units[unitName];
    if (entry === undefined || !entry.inScope) continue;
    let changed = false;
    for (const [k, v] of Object.entries(want)) {
      if (entry.bag[k] !== v) {
        entry.bag[k] = v;
        changed = true;
      }
    }
    if (changed) entry.version += 1;
  }
}
