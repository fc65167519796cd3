/**
 * Lookups over the controller state, and how one side of a relation names the other: the same
 * model uses real names; across models the offering side sees the consumer as
 * `remote-<token>` (units `remote-<token>/<n>`) and the consuming side sees the offer under its
 * SAAS name (units `<saas>/<n>`).
 *
 * @example
 * ```ts
 * const rel = relationById(state, 4)!;
 * const mine = sideIndex(rel, "jaas", "jimm");        // 0
 * viewAppName(rel, mine, otherSide(rel, mine));       // "postgresql" (the SAAS name)
 * ```
 */
import { goQuote } from "../../jujuc/internal/go-format.js";
import { notFound } from "../errors.js";
import type {
  ApplicationState,
  ControllerState,
  ModelState,
  RelationSide,
  RelationState,
  UnitState,
} from "./types.js";

/**
 * The model named `name`, or a `model "<name>" not found` refusal.
 *
 * @example
 * ```ts
 * const model = mustModel(state, "jaas");
 * ```
 */
export function mustModel(state: ControllerState, name: string): ModelState {
  const model = state.models[name];
  if (model === undefined) throw notFound(`model ${goQuote(name)} not found`);
  return model;
}

/**
 * The application, or `application "<name>" not found`.
 *
 * @example
 * ```ts
 * mustApp(model, "openfga").scale;
 * ```
 */
export function mustApp(model: ModelState, name: string): ApplicationState {
  const app = model.applications[name];
  if (app === undefined) throw notFound(`application ${goQuote(name)} not found`);
  return app;
}

/**
 * The unit, or `unit "<name>" not found`.
 *
 * @example
 * ```ts
 * mustUnit(model, "openfga/0").life;
 * ```
 */
export function mustUnit(model: ModelState, name: string): UnitState {
  const unit = model.units[name];
  if (unit === undefined) throw notFound(`unit ${goQuote(name)} not found`);
  return unit;
}

/**
 * The units of an application, by unit number.
 *
 * @example
 * ```ts
 * unitsOf(model, "openfga").map((u) => u.name); // ["openfga/0", "openfga/1"]
 * ```
 */
export function unitsOf(model: ModelState, app: string): UnitState[] {
  return Object.values(model.units)
    .filter((u) => u.app === app)
    .sort((a, b) => a.number - b.number);
}

/**
 * The relation with this id.
 *
 * @example
 * ```ts
 * relationById(state, 3)?.life;
 * ```
 */
export function relationById(state: ControllerState, id: number): RelationState | undefined {
  return state.relations.find((r) => r.id === id);
}

/**
 * Index of the side of `rel` held by `app` of `model`, or -1.
 *
 * @example
 * ```ts
 * sideIndex(rel, "jaas", "jimm"); // 0
 * ```
 */
export function sideIndex(rel: RelationState, model: string, app: string): number {
  return rel.sides.findIndex((s) => s.model === model && s.app === app);
}

/**
 * The index of the side a unit on side `mine` relates to (itself for a peer relation).
 *
 * @example
 * ```ts
 * otherSide(rel, 0); // 1
 * ```
 */
export function otherSide(rel: RelationState, mine: number): number {
  return rel.peer ? mine : 1 - mine;
}

/**
 * The relations `app` of `model` is in, by id.
 *
 * @example
 * ```ts
 * relationsOfApp(state, "jaas", "jimm").map((r) => r.id); // [0, 3]
 * ```
 */
export function relationsOfApp(
  state: ControllerState,
  model: string,
  app: string,
): RelationState[] {
  return state.relations.filter((r) => sideIndex(r, model, app) >= 0).sort((a, b) => a.id - b.id);
}

/**
 * The name side `viewer` uses for the application on side `target`.
 *
 * @example
 * ```ts
 * viewAppName(crossRel, offerSide, consumerSide); // "remote-0f3c…"
 * ```
 */
export function viewAppName(rel: RelationState, viewer: number, target: number): string {
  const side = rel.sides[target] as RelationSide;
  const cmr = rel.crossModel;
  if (cmr === undefined || viewer === target) return side.app;
  return viewer === cmr.offerSide ? cmr.remoteAppName : cmr.saasName;
}

/**
 * The name side `viewer` uses for unit `unit` (`<app>/<n>` in its own model) of side `target`.
 *
 * @example
 * ```ts
 * viewUnitName(crossRel, offerSide, consumerSide, "jimm/1"); // "remote-0f3c…/1"
 * ```
 */
export function viewUnitName(
  rel: RelationState,
  viewer: number,
  target: number,
  unit: string,
): string {
  return `${viewAppName(rel, viewer, target)}/${unit.slice(unit.lastIndexOf("/") + 1)}`;
}

/**
 * The real unit name (in the target side's model) behind a name as side `viewer` sees it.
 *
 * @example
 * ```ts
 * realUnitName(crossRel, consumerSide, "remote-0f3c…/1"); // "jimm/1"
 * ```
 */
export function realUnitName(rel: RelationState, target: number, viewName: string): string {
  const side = rel.sides[target] as RelationSide;
  return `${side.app}/${viewName.slice(viewName.lastIndexOf("/") + 1)}`;
}

/**
 * The units of side `target` in scope, as side `viewer` names them, with their bag versions;
 * `exclude` (a real unit name on the target side) is left out (a unit is not its own peer).
 *
 * @example
 * ```ts
 * membersInScope(rel, 0, 0, "demo/0"); // { "demo/1": 1, "demo/2": 1 }
 * ```
 */
export function membersInScope(
  rel: RelationState,
  viewer: number,
  target: number,
  exclude?: string,
): Record<string, number> {
  const out: Record<string, number> = {};
  const side = rel.sides[target] as RelationSide;
  for (const [name, u] of Object.entries(side.units)) {
    if (!u.inScope || name === exclude) continue;
    out[viewUnitName(rel, viewer, target, name)] = u.version;
  }
  return out;
}

/**
 * The model that holds a side's application.
 *
 * @example
 * ```ts
 * sideModel(state, rel, 1).uuid;
 * ```
 */
export function sideModel(state: ControllerState, rel: RelationState, side: number): ModelState {
  return mustModel(state, (rel.sides[side] as RelationSide).model);
}

/**
 * Plain-string order, as Go's `sort.Strings` (Juju sorts remote units this way).
 *
 * @example
 * ```ts
 * ["a/10", "a/2"].sort(goStringOrder); // ["a/10", "a/2"]
 * ```
 */
export function goStringOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
