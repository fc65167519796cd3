/**
 * Cross-model: offers, consumed offers (SAAS entries) and their removal. Integrating with a
 * SAAS entry is `relations.ts`'s `integrate`.
 *
 * @example
 * ```ts
 * await offer(ctx, "db", "postgresql:database");
 * await consume(ctx, "jaas", "admin/db.postgresql");
 * ```
 */
import { goQuote } from "../../jujuc/internal/go-format.js";
import { invalid, notFound, SimError } from "../errors.js";
import type { ModelState } from "../model/types.js";
import { mustApp, mustModel } from "../model/view.js";
import { parseEndpointArg } from "../validate/endpoints.js";
import type { OpContext } from "./context.js";
import { APP_NAME } from "./context.js";
import { cleanupRelations } from "../units/lifecycle.js";

/** An offer as `juju offer` reports it. */
export interface OfferInfo {
  name: string;
  url: string;
  app: string;
  endpoints: string[];
}

/**
 * Offers endpoints of an application to other models (`juju offer app:ep[,ep] [name]`).
 *
 * @example
 * ```ts
 * await offer(ctx, "db", "postgresql:database"); // { url: "admin/db.postgresql", … }
 * ```
 */
export async function offer(
  ctx: OpContext,
  modelName: string,
  spec: string,
  name?: string,
): Promise<OfferInfo> {
  const model = mustModel(ctx.runtime.state, modelName);
  const { app, endpoint } = parseEndpointArg(spec);
  if (endpoint === undefined)
    throw invalid(
      `offer ${goQuote(spec)} must name endpoints: <application>:<endpoint>[,<endpoint>…]`,
    );
  mustApp(model, app);
  const meta = ctx.meta(modelName, app);
  const endpoints = endpoint.split(",").map((e) => e.trim());
  for (const e of endpoints) {
    const ep = meta.relations.get(e);
    if (ep === undefined)
      throw notFound(`application ${goQuote(app)} has no ${goQuote(e)} relation`);
    if (ep.role === "peers") throw invalid(`cannot offer peer endpoint ${goQuote(`${app}:${e}`)}`);
  }
  const offerName = name ?? app;
  if (!APP_NAME.test(offerName)) throw invalid(`offer name ${goQuote(offerName)} is not valid`);
  if (model.offers[offerName] !== undefined) {
    throw new SimError(
      "already-exists",
      `cannot add offer ${goQuote(offerName)}: application offer already exists`,
    );
  }
  return ctx.hold(async () => {
    const offer = { name: offerName, app, endpoints, url: `admin/${modelName}.${offerName}` };
    model.offers[offerName] = offer;
    return { ...offer };
  });
}

/**
 * Removes an offer (`juju remove-offer`); refused while relations use it, unless `force`,
 * which removes those relations too.
 *
 * @example
 * ```ts
 * await removeOffer(ctx, "db", "postgresql", { force: true });
 * ```
 */
export async function removeOffer(
  ctx: OpContext,
  modelName: string,
  name: string,
  options: { force?: boolean } = {},
): Promise<void> {
  const state = ctx.runtime.state;
  const model = mustModel(state, modelName);
  if (model.offers[name] === undefined) throw notFound(`offer ${goQuote(name)} not found`);
  const used = state.relations.filter(
    (r) => r.crossModel?.offerName === name && r.sides[r.crossModel.offerSide]?.model === modelName,
  );
  if (used.length > 0 && options.force !== true) {
    throw new SimError(
      "state",
      `cannot remove offer ${goQuote(name)}: it has ${used.length} relation${used.length === 1 ? "" : "s"} (use force to remove them too)`,
    );
  }
  await ctx.hold(async () => {
    for (const rel of used) rel.life = "dying";
    delete model.offers[name];
    for (const other of Object.values(state.models)) {
      for (const [alias, saas] of Object.entries(other.saas)) {
        if (saas.offerModel === modelName && saas.offerName === name) delete other.saas[alias];
      }
    }
    cleanupRelations(ctx.runtime);
  });
}

/**
 * Consumes an offer into a model (`juju consume [admin/]model.offer [alias]`).
 *
 * @example
 * ```ts
 * await consume(ctx, "jaas", "admin/db.postgresql"); // SAAS "postgresql" in model jaas
 * ```
 */
export async function consume(
  ctx: OpContext,
  modelName: string,
  url: string,
  alias?: string,
): Promise<string> {
  const state = ctx.runtime.state;
  const model = mustModel(state, modelName);
  const match = /^(?:[^:/]+:)?(?:[^/]+\/)?([a-z0-9-]+)\.([a-z][a-z0-9-]*)$/.exec(url);
  if (match === null)
    throw invalid(`offer URL ${goQuote(url)} is not valid: expected [<user>/]<model>.<offer>`);
  const [, offerModelName = "", offerName = ""] = match;
  const offerModel = state.models[offerModelName];
  if (offerModel === undefined || offerModel.offers[offerName] === undefined) {
    throw notFound(`offer ${goQuote(url)} not found`);
  }
  if (offerModelName === modelName)
    throw invalid(`cannot consume offer ${goQuote(url)} into the model that offers it`);
  const name = alias ?? offerName;
  if (!APP_NAME.test(name)) throw invalid(`invalid application name ${goQuote(name)}`);
  if (model.applications[name] !== undefined || model.saas[name] !== undefined) {
    throw new SimError(
      "already-exists",
      `cannot add remote application ${goQuote(name)}: application already exists in model ${goQuote(modelName)}`,
    );
  }
  return ctx.hold(async () => {
    model.saas[name] = {
      name,
      url: `admin/${offerModelName}.${offerName}`,
      offerModel: offerModelName,
      offerName,
    };
    return name;
  });
}

/**
 * Removes a SAAS entry (`juju remove-saas`); its relations are removed.
 *
 * @example
 * ```ts
 * await removeSaas(ctx, "jaas", "postgresql");
 * ```
 */
export async function removeSaas(ctx: OpContext, modelName: string, name: string): Promise<void> {
  const model = mustModel(ctx.runtime.state, modelName);
  if (model.saas[name] === undefined) throw notFound(`saas application ${goQuote(name)} not found`);
  await ctx.hold(async () => dropSaas(ctx, model, name));
}

/**
 * Deletes a SAAS entry; its relations start dying.
 *
 * @example
 * ```ts
 * dropSaas(ctx, model, "postgresql");
 * ```
 */
export function dropSaas(ctx: OpContext, model: ModelState, name: string): void {
  for (const rel of ctx.runtime.state.relations) {
    if (rel.crossModel?.saasName === name && rel.sides.some((s) => s.model === model.name))
      rel.life = "dying";
  }
  delete model.saas[name];
  cleanupRelations(ctx.runtime);
}
