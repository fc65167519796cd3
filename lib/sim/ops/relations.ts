/**
 * Relations: integrate (endpoint inference, roles, interfaces, limits, duplicates, across
 * models through a SAAS entry) and remove-relation.
 *
 * @example
 * ```ts
 * await integrate(ctx, "jaas", "jimm", "postgresql");
 * await removeRelation(ctx, "jaas", "jimm", "postgresql");
 * ```
 */
import { goQuote } from "../../jujuc/internal/go-format.js";
import { invalid, notFound, SimError } from "../errors.js";
import { enterScope } from "../model/scope.js";
import type { ModelState, RelationState } from "../model/types.js";
import { mustModel, relationsOfApp, sideIndex, unitsOf } from "../model/view.js";
import type { AppEndpoint } from "../validate/endpoints.js";
import { inferEndpoints, parseEndpointArg, relationKey } from "../validate/endpoints.js";
import type { OpContext } from "./context.js";
import { cleanupRelations } from "../units/lifecycle.js";

/** The endpoints an application (or a consumed offer) has, for inference. */
function endpointsOf(ctx: OpContext, model: ModelState, name: string): AppEndpoint[] | undefined {
  const app = model.applications[name];
  if (app !== undefined) {
    if (app.life !== "alive") return undefined;
    const meta = ctx.meta(model.name, name);
    return [
      ...[...meta.relations.values()].map((ep) => ({
        app: name,
        name: ep.name,
        role: ep.role,
        interface: ep.interface,
        ...(ep.limit !== undefined ? { limit: ep.limit } : {}),
      })),
      {
        app: name,
        name: "juju-info",
        role: "provides" as const,
        interface: "juju-info",
        implicit: true,
      },
    ];
  }
  const saas = model.saas[name];
  if (saas === undefined) return undefined;
  const offerModel = ctx.runtime.state.models[saas.offerModel];
  const offer = offerModel?.offers[saas.offerName];
  if (offerModel === undefined || offer === undefined) return undefined;
  const meta = ctx.meta(offerModel.name, offer.app);
  return offer.endpoints.flatMap((e) => {
    const ep = meta.relations.get(e);
    return ep === undefined
      ? []
      : [{ app: name, name: ep.name, role: ep.role, interface: ep.interface }];
  });
}

/** Where an endpoint really lives: (model, app) of the application behind a name. */
function realSide(
  ctx: OpContext,
  model: ModelState,
  ep: AppEndpoint,
): { model: string; app: string; saas?: string } {
  const saas = model.saas[ep.app];
  if (saas === undefined) return { model: model.name, app: ep.app };
  const offer = mustModel(ctx.runtime.state, saas.offerModel).offers[saas.offerName];
  return { model: saas.offerModel, app: offer?.app ?? "", saas: ep.app };
}

function findRelation(
  ctx: OpContext,
  a: { model: string; app: string; endpoint: string },
  b: { model: string; app: string; endpoint: string },
): RelationState | undefined {
  return ctx.runtime.state.relations.find((r) => {
    if (r.peer || r.sides.length !== 2) return false;
    const match = (
      s: { model: string; app: string; endpoint: string } | undefined,
      t: typeof a,
    ): boolean =>
      s !== undefined && s.model === t.model && s.app === t.app && s.endpoint === t.endpoint;
    return (
      (match(r.sides[0], a) && match(r.sides[1], b)) ||
      (match(r.sides[0], b) && match(r.sides[1], a))
    );
  });
}

/**
 * Relates two applications (`juju integrate a[:ep] b[:ep]`), inferring endpoints; either may
 * be a consumed offer (cross-model).
 *
 * @example
 * ```ts
 * await integrate(ctx, "jaas", "jimm:database", "postgresql"); // { id: 3, key: "jimm:database postgresql:database" }
 * ```
 */
export async function integrate(
  ctx: OpContext,
  modelName: string,
  a: string,
  b: string,
): Promise<{ id: number; key: string }> {
  const state = ctx.runtime.state;
  const model = mustModel(state, modelName);
  const [ep1, ep2] = inferEndpoints(a, b, (name) => endpointsOf(ctx, model, name));
  const key = relationKey([ep1, ep2]);
  const s1 = realSide(ctx, model, ep1);
  const s2 = realSide(ctx, model, ep2);
  if (s1.saas !== undefined && s2.saas !== undefined) {
    throw invalid(
      `cannot relate two consumed offers (${goQuote(ep1.app)} and ${goQuote(ep2.app)}) in model ${goQuote(modelName)}`,
    );
  }
  const side1 = { model: s1.model, app: s1.app, endpoint: ep1.name };
  const side2 = { model: s2.model, app: s2.app, endpoint: ep2.name };
  if (findRelation(ctx, side1, side2) !== undefined) {
    throw new SimError(
      "already-exists",
      `cannot add relation ${goQuote(key)}: relation ${key} already exists`,
    );
  }
  for (const [ep, side] of [
    [ep1, side1],
    [ep2, side2],
  ] as const) {
    const meta = ctx.meta(side.model, side.app).relations.get(side.endpoint);
    const limit = meta?.limit;
    if (limit === undefined || limit <= 0) continue;
    const count = relationsOfApp(state, side.model, side.app).filter(
      (r) =>
        r.life === "alive" &&
        r.sides[sideIndex(r, side.model, side.app)]?.endpoint === side.endpoint,
    ).length;
    if (count >= limit) {
      throw invalid(
        `establishing a new relation for ${ep.app}:${ep.name} would exceed its maximum relation limit of ${limit}`,
      );
    }
  }
  return ctx.hold(async () => {
    const rel: RelationState = {
      id: state.nextRelationId++,
      interface: ep1.interface,
      peer: false,
      life: "alive",
      sides: [
        { ...side1, role: ep1.role, appBag: {}, appVersion: 0, units: {} },
        { ...side2, role: ep2.role, appBag: {}, appVersion: 0, units: {} },
      ],
    };
    const saasSide = s1.saas !== undefined ? 0 : s2.saas !== undefined ? 1 : -1;
    if (saasSide >= 0) {
      const consumer = rel.sides[1 - saasSide];
      const offerModel = mustModel(state, rel.sides[saasSide]?.model ?? "");
      const saasName = (saasSide === 0 ? s1.saas : s2.saas) ?? "";
      const saas = model.saas[saasName];
      let remote = Object.values(offerModel.remoteApps).find(
        (r) => r.model === consumer?.model && r.app === consumer?.app,
      );
      if (remote === undefined) {
        let name = ctx.runtime.ids.remoteAppName();
        while (offerModel.remoteApps[name] !== undefined) name = ctx.runtime.ids.remoteAppName();
        remote = { name, model: consumer?.model ?? "", app: consumer?.app ?? "" };
        offerModel.remoteApps[remote.name] = remote;
      }
      rel.crossModel = {
        offerSide: saasSide,
        offerName: saas?.offerName ?? "",
        saasName,
        remoteAppName: remote.name,
      };
    }
    state.relations.push(rel);
    for (const side of rel.sides) {
      const m = mustModel(state, side.model);
      for (const unit of unitsOf(m, side.app)) {
        if (unit.agent.installed && unit.life === "alive")
          enterScope(state, rel, side.model, unit.name);
      }
    }
    return { id: rel.id, key };
  });
}

/**
 * Removes a relation (`juju remove-relation a b`, or by id): every unit departs the remote
 * units, then runs relation-broken.
 *
 * @example
 * ```ts
 * await removeRelation(ctx, "jaas", "jimm", "postgresql");
 * await removeRelation(ctx, "jaas", 3);
 * ```
 */
export async function removeRelation(
  ctx: OpContext,
  modelName: string,
  a: string | number,
  b?: string,
): Promise<void> {
  const state = ctx.runtime.state;
  const model = mustModel(state, modelName);
  let rel: RelationState | undefined;
  if (typeof a === "number") {
    rel = state.relations.find((r) => r.id === a && r.sides.some((s) => s.model === modelName));
    if (rel === undefined) throw notFound(`relation ${a} not found`);
  } else {
    if (b === undefined) throw invalid("remove-relation needs two endpoints or a relation id");
    const [ep1, ep2] = inferExisting(
      a,
      b,
      (name) => endpointsOf(ctx, model, name),
      (x, y) => {
        const s1 = realSide(ctx, model, x);
        const s2 = realSide(ctx, model, y);
        return (
          findRelation(ctx, { ...s1, endpoint: x.name }, { ...s2, endpoint: y.name }) !== undefined
        );
      },
    );
    const s1 = realSide(ctx, model, ep1);
    const s2 = realSide(ctx, model, ep2);
    rel = findRelation(ctx, { ...s1, endpoint: ep1.name }, { ...s2, endpoint: ep2.name });
    if (rel === undefined) throw notFound(`relation ${goQuote(relationKey([ep1, ep2]))} not found`);
  }
  if (rel.peer)
    throw invalid(
      `cannot remove peer relation ${rel.id}: peer relations last as long as their application`,
    );
  const target = rel;
  if (target.life !== "alive") return;
  await ctx.hold(async () => {
    target.life = "dying";
    cleanupRelations(ctx.runtime);
  });
}

/** Infers the endpoints of an existing relation (remove-relation): like integrate, but among existing ones. */
function inferExisting(
  a: string,
  b: string,
  lookup: (app: string) => AppEndpoint[] | undefined,
  exists: (x: AppEndpoint, y: AppEndpoint) => boolean,
): [AppEndpoint, AppEndpoint] {
  try {
    return inferEndpoints(a, b, lookup);
  } catch (e) {
    if (!(e instanceof SimError) || !e.message.startsWith("ambiguous relation")) throw e;
    // Several candidates, but only one is an existing relation: that is the one meant.
    const eps1 = lookup(parseEndpointArg(a).app) ?? [];
    const eps2 = lookup(parseEndpointArg(b).app) ?? [];
    const found: [AppEndpoint, AppEndpoint][] = [];
    for (const x of eps1) for (const y of eps2) if (exists(x, y)) found.push([x, y]);
    if (found.length === 1) return found[0] as [AppEndpoint, AppEndpoint];
    throw e;
  }
}
