/**
 * Merges a bundle's documents, Juju's rules (JCH:overlay.go `applyOverlay`, `mergeStructs`):
 *
 * - the first document is the base; every later one (in the same file, then in each
 *   `--overlay` file, in order) is merged onto it;
 * - an overlay application or SAAS with no properties removes the base's, with every relation
 *   that names it;
 * - a new application is added; an existing one is merged field by field: scalars overwrite;
 *   an empty map clears the base's map; otherwise keys are set one by one, and a key set to
 *   null is removed (an option set to null goes back to the charm's default);
 * - relations are appended; `bundle` and `description` overwrite.
 *
 * @example
 * ```ts
 * const bundle = mergeParts([base, overlay], problems);
 * bundle.applications["demo"]?.scale; // the overlay's, if it set one
 * ```
 */
import type { ConfigValue } from "../../jujuc/context.js";
import type { BundlePart, PartApplication } from "./parse.js";
import type { Bundle, BundleApplication, BundleOffer, BundleSaas } from "./types.js";

function mergeMap<T>(
  base: Record<string, T | null> | undefined,
  overlay: Record<string, T | null> | undefined,
): Record<string, T | null> | undefined {
  if (overlay === undefined) return base;
  if (Object.keys(overlay).length === 0) return {};
  const out: Record<string, T | null> = { ...(base ?? {}) };
  for (const [k, v] of Object.entries(overlay)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

function mergeApplication(base: PartApplication, overlay: PartApplication): PartApplication {
  return {
    baseDir: overlay.charm !== undefined ? overlay.baseDir : base.baseDir,
    ...(overlay.charm !== undefined || base.charm !== undefined
      ? { charm: overlay.charm ?? base.charm }
      : {}),
    ...(overlay.scale !== undefined || base.scale !== undefined
      ? { scale: overlay.scale ?? base.scale }
      : {}),
    options: mergeMap(base.options, overlay.options),
    resources: mergeMap(base.resources, overlay.resources),
    storage: mergeMap(base.storage, overlay.storage),
    offers: mergeMap(base.offers, overlay.offers),
    ...(overlay.trust !== undefined || base.trust !== undefined
      ? { trust: overlay.trust ?? base.trust }
      : {}),
    ...(overlay.expose !== undefined || base.expose !== undefined
      ? { expose: overlay.expose ?? base.expose }
      : {}),
    ...(overlay.constraints !== undefined || base.constraints !== undefined
      ? { constraints: overlay.constraints ?? base.constraints }
      : {}),
    notes: [...base.notes, ...overlay.notes],
  };
}

/** Whether a relation endpoint (`app` or `app:ep`) names `name`. */
function names(endpoint: string, name: string): boolean {
  return endpoint === name || endpoint.startsWith(`${name}:`);
}

function dropNulls<T>(map: Record<string, T | null> | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(map ?? {})) if (v !== null) out[k] = v;
  return out;
}

/**
 * Merges the parts (see the module documentation) into a bundle. An application left without a
 * charm is reported in `problems` (`empty charm path`).
 *
 * @example
 * ```ts
 * const problems: string[] = [];
 * const bundle = mergeParts(parts, problems);
 * ```
 */
export function mergeParts(parts: readonly BundlePart[], problems: string[]): Bundle {
  let type: string | undefined;
  let description: string | undefined;
  const apps: Record<string, PartApplication> = {};
  const saas: Record<string, BundleSaas> = {};
  let relations: [string, string][] = [];
  for (const part of parts) {
    if (part.type !== undefined) type = part.type;
    if (part.description !== undefined) description = part.description;
    for (const [name, app] of Object.entries(part.applications ?? {})) {
      const existing = apps[name];
      if (app === null) {
        delete apps[name];
        relations = relations.filter(([a, b]) => !names(a, name) && !names(b, name));
      } else apps[name] = existing === undefined ? app : mergeApplication(existing, app);
    }
    for (const [name, spec] of Object.entries(part.saas ?? {})) {
      if (spec === null) {
        delete saas[name];
        relations = relations.filter(([a, b]) => !names(a, name) && !names(b, name));
      } else saas[name] = spec;
    }
    relations = [...relations, ...(part.relations ?? [])];
  }
  const applications: Record<string, BundleApplication> = {};
  for (const [name, app] of Object.entries(apps)) {
    if (app.charm === undefined) {
      problems.push(`empty charm path in application ${JSON.stringify(name)}`);
      continue;
    }
    const options: Record<string, ConfigValue> = dropNulls(app.options);
    const offers: Record<string, BundleOffer> = dropNulls(app.offers);
    applications[name] = {
      charm: app.charm,
      baseDir: app.baseDir,
      ...(app.scale !== undefined ? { scale: app.scale } : {}),
      options,
      resources: dropNulls(app.resources),
      trust: app.trust ?? false,
      expose: app.expose ?? false,
      ...(app.constraints !== undefined ? { constraints: app.constraints } : {}),
      storage: dropNulls(app.storage),
      offers,
      notes: app.notes,
    };
  }
  if (Object.keys(applications).length === 0 && problems.length === 0) {
    problems.push("at least one application must be specified");
  }
  return {
    ...(type !== undefined ? { type } : {}),
    ...(description !== undefined ? { description } : {}),
    applications,
    relations,
    saas,
  };
}
