/**
 * Checks a bundle against its charms and the model it goes into, before anything changes, and
 * turns it into the list of changes to make (Juju's "bundle changes"): deploy each application,
 * consume each SAAS, add each relation, create each offer. Every problem is collected and
 * reported at once, in Juju's wording where Juju has one (JCH:bundledata.go `verifyBundle`):
 *
 * - charms that are not in the catalogue or not at their path;
 * - options the charm does not have, or of the wrong type;
 * - resources the charm does not have, missing files or OCI images, revisions;
 * - relations naming applications not in the bundle, unknown endpoints, ambiguous or impossible
 *   pairs, duplicates;
 * - SAAS URLs that are not valid or name no offer of this controller;
 * - offers of unknown or peer endpoints; names already taken in the model.
 *
 * @example
 * ```ts
 * const plan = planBundle(loaded.bundle, { model: "jaas", state: controller.state, catalogue });
 * plan.changes.map(describeChange); // ["deploy application demo from local charm demo with 2 units", ...]
 * ```
 */
import { statSync } from "node:fs";
import type { ConfigValue } from "../../jujuc/context.js";
import { goQuote, goQuoteList } from "../../jujuc/internal/go-format.js";
import { CharmMeta } from "../../ops/metadata.js";
import { SimError } from "../errors.js";
import type { ControllerState, ModelState } from "../model/types.js";
import { parseConfigValues } from "../validate/config.js";
import type { AppEndpoint } from "../validate/endpoints.js";
import { inferEndpoints, relationKey } from "../validate/endpoints.js";
import type { CharmCatalogue, LocatedCharm } from "./catalogue.js";
import { BundleError } from "./errors.js";
import { APPLICATION_NAME, ENDPOINT_NAME, OFFER_URL } from "./parse.js";
import type { Bundle } from "./types.js";

/** One change a bundle makes, in the order they run. */
export type BundleChange =
  | {
      kind: "deploy";
      app: string;
      charm: LocatedCharm;
      scale: number;
      options: Record<string, ConfigValue>;
      resources: Record<string, string>;
      trust: boolean;
    }
  | { kind: "consume"; name: string; url: string }
  | { kind: "integrate"; a: string; b: string; key: string }
  | { kind: "offer"; app: string; endpoints: string[]; name: string };

/** A checked bundle. */
export interface BundlePlan {
  changes: BundleChange[];
  /** Charm metadata per application of the bundle. */
  metas: Record<string, CharmMeta>;
}

/** What {@link planBundle} checks against. */
export interface PlanContext {
  model: string;
  /** The controller's state (`controller.state`). */
  state: ControllerState;
  catalogue: CharmCatalogue;
}

/**
 * Describes a change as `juju deploy` lists it under "Executing changes:".
 *
 * @example
 * ```ts
 * describeChange({ kind: "integrate", a: "a:db", b: "pg:database", key: "a:db pg:database" }); // "add relation a:db - pg:database"
 * ```
 */
export function describeChange(change: BundleChange): string {
  switch (change.kind) {
    case "deploy": {
      const from =
        change.charm.origin === "catalogue"
          ? `local charm ${change.charm.name} (catalogue)`
          : `local charm ${change.charm.dir}`;
      const units = `${change.scale} unit${change.scale === 1 ? "" : "s"}`;
      const extra = [
        ...(Object.keys(change.options).length > 0
          ? [`config ${Object.keys(change.options).sort().join(", ")}`]
          : []),
        ...(Object.keys(change.resources).length > 0
          ? [`resources ${Object.keys(change.resources).sort().join(", ")}`]
          : []),
        ...(change.trust ? ["trust"] : []),
      ];
      return `deploy application ${change.app} from ${from} with ${units}${extra.length > 0 ? ` (${extra.join("; ")})` : ""}`;
    }
    case "consume":
      return `consume ${change.url} as ${change.name}`;
    case "integrate":
      return `add relation ${change.a} - ${change.b}`;
    case "offer":
      return `create offer ${change.name} for ${change.app}:${change.endpoints.join(",")}`;
  }
}

/** The parts of a URL that matter here. */
function parseOfferUrl(
  url: string,
): { controller?: string; model: string; offer: string } | undefined {
  const m = OFFER_URL.exec(url);
  if (m === null) return undefined;
  return {
    ...(m[1] !== undefined ? { controller: m[1] } : {}),
    model: m[3] ?? "",
    offer: m[4] ?? "",
  };
}

function endpointsOfMeta(app: string, meta: CharmMeta): AppEndpoint[] {
  return [
    ...[...meta.relations.values()].map((ep) => ({
      app,
      name: ep.name,
      role: ep.role,
      interface: ep.interface,
      ...(ep.limit !== undefined ? { limit: ep.limit } : {}),
    })),
    { app, name: "juju-info", role: "provides" as const, interface: "juju-info", implicit: true },
  ];
}

/**
 * Checks the bundle (see the module documentation) and returns its changes; throws a
 * {@link BundleError} with every problem found, changing nothing.
 *
 * @example
 * ```ts
 * const { changes } = planBundle(bundle, { model: "jaas", state: c.state, catalogue: new CharmCatalogue() });
 * ```
 */
export function planBundle(bundle: Bundle, ctx: PlanContext): BundlePlan {
  const problems: string[] = [];
  const model: ModelState | undefined = ctx.state.models[ctx.model];
  if (model === undefined) {
    throw new SimError("not-found", `model ${goQuote(ctx.model)} not found`);
  }
  if (model.life !== "alive") {
    throw new SimError("state", `model ${goQuote(ctx.model)} is being destroyed`);
  }
  const kube = model.type === "kubernetes";
  const changes: BundleChange[] = [];
  const metas: Record<string, CharmMeta> = {};
  const offeredMetas = new Map<string, CharmMeta>();

  // Names.
  for (const name of Object.keys(bundle.saas)) {
    if (bundle.applications[name] !== undefined) {
      problems.push(`application ${goQuote(name)} already exists with SAAS ${goQuote(name)} name`);
    }
  }
  for (const name of Object.keys(bundle.applications)) {
    if (model.applications[name] !== undefined || model.saas[name] !== undefined) {
      problems.push(
        `application ${goQuote(name)} already exists in model ${goQuote(ctx.model)}: the local model deploys a bundle only into a model without its applications`,
      );
    }
  }

  // Charms, options, resources.
  for (const [name, app] of Object.entries(bundle.applications)) {
    let located: LocatedCharm;
    let meta: CharmMeta;
    try {
      located = ctx.catalogue.locate(app.charm, app.baseDir);
      meta = ctx.catalogue.meta(located);
    } catch (e) {
      problems.push(`application ${goQuote(name)}: ${(e as Error).message}`);
      continue;
    }
    if (meta.subordinate) {
      problems.push(
        `application ${goQuote(name)}: charm ${goQuote(meta.name)} is a subordinate charm: the local model does not run subordinates`,
      );
      continue;
    }
    metas[name] = meta;
    const options: Record<string, ConfigValue> = {};
    for (const key of Object.keys(app.options).sort()) {
      if (!meta.config.has(key)) {
        problems.push(
          `cannot validate application ${goQuote(name)}: configuration option ${goQuote(key)} not found in charm ${goQuote(app.charm)}`,
        );
        continue;
      }
      try {
        const value = parseConfigValues(meta, { [key]: app.options[key] ?? null })[key];
        if (value !== null && value !== undefined) options[key] = value;
      } catch (e) {
        problems.push(`cannot validate application ${goQuote(name)}: ${(e as Error).message}`);
      }
    }
    const resources: Record<string, string> = {};
    for (const [res, value] of Object.entries(app.resources)) {
      const spec = meta.resources.get(res);
      if (spec === undefined) {
        problems.push(
          `application ${goQuote(name)}: charm ${goQuote(meta.name)} has no resource ${goQuote(res)}`,
        );
      } else if (typeof value === "number") {
        problems.push(
          `application ${goQuote(name)}: resource ${goQuote(res)} revision ${value} needs Charmhub; give a file path${spec.type === "oci-image" ? " or an image" : ""} for a local charm`,
        );
      } else if (spec.type === "file" && !(value.startsWith("/") && fileExists(value))) {
        problems.push(
          `application ${goQuote(name)}: resource ${goQuote(res)}: file ${goQuote(value)} not found`,
        );
      } else resources[res] = value;
    }
    if (kube) {
      const missing = [...meta.resources.values()]
        .filter((r) => r.type === "oci-image" && app.resources[r.name] === undefined)
        .map((r) => r.name)
        .sort();
      if (missing.length > 0) {
        problems.push(
          `application ${goQuote(name)}: local charm missing OCI images for: ${missing.join(", ")}`,
        );
      }
    }
    changes.push({
      kind: "deploy",
      app: name,
      charm: located,
      scale: app.scale ?? 1,
      options,
      resources,
      trust: app.trust,
    });
  }

  // SAAS.
  const saasEndpoints = new Map<string, AppEndpoint[]>();
  for (const [name, saas] of Object.entries(bundle.saas)) {
    const url = parseOfferUrl(saas.url);
    if (url === undefined) continue; // reported when parsed
    if (url.controller !== undefined && url.controller !== ctx.state.name) {
      problems.push(
        `SAAS ${goQuote(name)}: controller ${goQuote(url.controller)} not found (this controller is ${goQuote(ctx.state.name)})`,
      );
      continue;
    }
    const offerModel = ctx.state.models[url.model];
    const offer = offerModel?.offers[url.offer];
    if (offerModel === undefined || offer === undefined) {
      problems.push(`SAAS ${goQuote(name)}: offer ${goQuote(saas.url)} not found`);
      continue;
    }
    if (url.model === ctx.model) {
      problems.push(
        `SAAS ${goQuote(name)}: cannot consume offer ${goQuote(saas.url)} into the model that offers it`,
      );
      continue;
    }
    const existing = model.saas[name];
    if (existing !== undefined) {
      if (existing.offerModel !== url.model || existing.offerName !== url.offer) {
        problems.push(
          `SAAS ${goQuote(name)} already exists in model ${goQuote(ctx.model)} for offer ${goQuote(existing.url)}`,
        );
        continue;
      }
    } else {
      changes.push({ kind: "consume", name, url: saas.url });
    }
    const app = offerModel.applications[offer.app];
    if (app === undefined) continue;
    let meta = offeredMetas.get(app.charmDir);
    if (meta === undefined) {
      meta = CharmMeta.fromCharmDir(app.charmDir);
      offeredMetas.set(app.charmDir, meta);
    }
    const offered = meta;
    saasEndpoints.set(
      name,
      offer.endpoints.flatMap((e) => {
        const ep = offered.relations.get(e);
        return ep === undefined
          ? []
          : [{ app: name, name: ep.name, role: ep.role, interface: ep.interface }];
      }),
    );
  }

  // Relations.
  const lookup = (app: string): AppEndpoint[] | undefined => {
    const meta = metas[app];
    if (meta !== undefined) return endpointsOfMeta(app, meta);
    return saasEndpoints.get(app);
  };
  const seen = new Set<string>();
  for (const pair of bundle.relations) {
    const shown = goQuoteList(pair);
    let syntaxOk = true;
    const apps: string[] = [];
    for (const ep of pair) {
      const [app = "", endpoint, extra] = ep.split(":");
      if (
        !APPLICATION_NAME.test(app) ||
        extra !== undefined ||
        (endpoint !== undefined && !ENDPOINT_NAME.test(endpoint))
      ) {
        problems.push(`invalid relation syntax ${goQuote(ep)}`);
        syntaxOk = false;
        continue;
      }
      apps.push(app);
      if (bundle.applications[app] === undefined && bundle.saas[app] === undefined) {
        problems.push(
          `relation ${shown} refers to application ${goQuote(app)} not defined in this bundle`,
        );
        syntaxOk = false;
      }
    }
    if (!syntaxOk) continue;
    if (apps[0] === apps[1]) {
      problems.push(`relation ${shown} relates an application to itself`);
      continue;
    }
    if (apps.every((a) => bundle.saas[a] !== undefined)) {
      problems.push(
        `relation ${shown} relates two SAAS entries: one side must be an application of the bundle`,
      );
      continue;
    }
    // Unknown charms were reported above; their relations cannot be checked.
    if (apps.some((a) => lookup(a) === undefined)) continue;
    let eps: [AppEndpoint, AppEndpoint];
    try {
      eps = inferEndpoints(pair[0], pair[1], lookup);
    } catch (e) {
      problems.push(
        `cannot infer endpoint between ${pair[0]} and ${pair[1]}: ${(e as Error).message}`,
      );
      continue;
    }
    const key = relationKey(eps);
    if (seen.has(key)) {
      problems.push(`relation ${shown} is defined more than once`);
      continue;
    }
    seen.add(key);
    changes.push({
      kind: "integrate",
      a: `${eps[0].app}:${eps[0].name}`,
      b: `${eps[1].app}:${eps[1].name}`,
      key,
    });
  }

  // Offers.
  const offerNames = new Set(Object.keys(model.offers));
  for (const [app, spec] of Object.entries(bundle.applications)) {
    for (const [offerName, offer] of Object.entries(spec.offers)) {
      if (offerNames.has(offerName)) {
        problems.push(`cannot add offer ${goQuote(offerName)}: application offer already exists`);
        continue;
      }
      offerNames.add(offerName);
      const meta = metas[app];
      if (meta === undefined) continue;
      let ok = true;
      for (const e of offer.endpoints) {
        const ep = meta.relations.get(e);
        if (ep === undefined) {
          problems.push(
            `offer ${goQuote(offerName)}: application ${goQuote(app)} has no ${goQuote(e)} relation`,
          );
          ok = false;
        } else if (ep.role === "peers") {
          problems.push(
            `offer ${goQuote(offerName)}: cannot offer peer endpoint ${goQuote(`${app}:${e}`)}`,
          );
          ok = false;
        }
      }
      if (ok) changes.push({ kind: "offer", app, endpoints: offer.endpoints, name: offerName });
    }
  }

  if (problems.length > 0) throw new BundleError(problems);
  return { changes, metas };
}

function fileExists(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
