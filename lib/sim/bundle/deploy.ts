/**
 * Deploys a bundle, or one charm, into a model of the local controller, reporting progress as
 * `juju deploy` does. A bundle is checked whole first (`plan.ts`) and its charms are built
 * before the first change, so a bad bundle or a charm that does not build changes nothing;
 * then applications are deployed, SAAS entries consumed, relations added and offers created.
 *
 * @example
 * ```ts
 * const loaded = loadBundle("bundle.yaml", { overlays: ["overlay.yaml"] });
 * await deployBundle(controller, "jaas", loaded, { catalogue, progress: (l) => console.log(l) });
 * // Located charm "demo" in the local catalogue (examples/demo)
 * // Executing changes:
 * // - deploy application demo from local charm demo (catalogue) with 1 unit
 * // Deploy of bundle completed.
 * ```
 */
import { relative } from "node:path";
import type { ConfigValue } from "../../jujuc/context.js";
import { goQuote } from "../../jujuc/internal/go-format.js";
import type { DeployOptions, OfferInfo } from "../controller.js";
import { SimError } from "../errors.js";
import type { ControllerState } from "../model/types.js";
import type { ConfigInput } from "../validate/config.js";
import type { BuiltCharmRef, CharmCatalogue, LocatedCharm } from "./catalogue.js";
import type { LoadedBundle } from "./load.js";
import { describeChange, planBundle } from "./plan.js";
import type { BundleChange } from "./plan.js";

/** The controller operations a deployment uses (the `Controller` class has them). */
export interface DeployTarget {
  readonly state: ControllerState;
  deploy(model: string, options: DeployOptions): Promise<string>;
  consume(model: string, url: string, alias?: string): Promise<string>;
  integrate(model: string, a: string, b: string): Promise<{ id: number; key: string }>;
  offer(model: string, spec: string, name?: string): Promise<OfferInfo>;
}

/** Options of {@link deployBundle} and {@link deployCharm}. */
export interface DeployRunOptions {
  catalogue: CharmCatalogue;
  /** Receives one line per step. */
  progress?: (line: string) => void;
  /** Check and list the changes, change nothing. */
  dryRun?: boolean;
}

/** What a bundle deployment did. */
export interface BundleDeployResult {
  /** The changes, as listed. */
  changes: string[];
  applications: string[];
}

/** Where a charm was found, as a progress line. */
function locatedLine(charm: LocatedCharm, root: string): string {
  if (charm.origin === "catalogue") {
    return `Located charm ${goQuote(charm.name)} in the local catalogue (${relative(root, charm.dir) || charm.dir})`;
  }
  return `Located local charm ${goQuote(charm.name)} at ${charm.dir}`;
}

function builtLine(built: BuiltCharmRef, charm: LocatedCharm): string {
  if (charm.kind === "built") return `Using built charm ${goQuote(built.name)} as it is`;
  return built.cached
    ? `Charm ${goQuote(built.name)} is up to date (${built.dir})`
    : `Built charm ${goQuote(built.name)} in ${(built.ms / 1000).toFixed(1)}s`;
}

/**
 * Deploys a loaded bundle (see the module documentation). Throws a `BundleError` listing every
 * problem, before any change, when the bundle does not fit its charms or the model.
 *
 * @example
 * ```ts
 * const { changes } = await deployBundle(c, "jaas", loadBundle("bundle.yaml"), { catalogue, dryRun: true });
 * ```
 */
export async function deployBundle(
  target: DeployTarget,
  model: string,
  loaded: LoadedBundle,
  options: DeployRunOptions,
): Promise<BundleDeployResult> {
  const say = options.progress ?? ((): void => undefined);
  const plan = planBundle(loaded.bundle, {
    model,
    state: target.state,
    catalogue: options.catalogue,
  });
  for (const note of loaded.notes) say(`Note: ${note}`);
  const deploys = plan.changes.filter(
    (c): c is Extract<BundleChange, { kind: "deploy" }> => c.kind === "deploy",
  );
  const seen = new Set<string>();
  for (const change of deploys) {
    if (seen.has(change.charm.dir)) continue;
    seen.add(change.charm.dir);
    say(locatedLine(change.charm, options.catalogue.root));
  }
  const lines = plan.changes.map(describeChange);
  if (options.dryRun === true) {
    say("Changes to deploy bundle:");
    for (const line of lines) say(`- ${line}`);
    return { changes: lines, applications: deploys.map((d) => d.app) };
  }
  // Build every charm before the first change: a charm that does not build changes nothing.
  const built = new Map<string, BuiltCharmRef>();
  for (const change of deploys) {
    if (built.has(change.charm.dir)) continue;
    if (!options.catalogue.isBuilt(change.charm))
      say(`Building charm ${goQuote(change.charm.name)}...`);
    const result = await options.catalogue.build(change.charm);
    built.set(change.charm.dir, result);
    say(builtLine(result, change.charm));
  }
  say("Executing changes:");
  const done: string[] = [];
  for (const [i, change] of plan.changes.entries()) {
    const line = lines[i] ?? "";
    say(`- ${line}`);
    try {
      await apply(target, model, change, built);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const code = e instanceof SimError ? e.code : "invalid";
      const before =
        done.length > 0 ? ` (done before it: ${done.join("; ")})` : " (nothing was changed)";
      throw new SimError(code, `cannot deploy bundle: ${line}: ${message}${before}`);
    }
    done.push(line);
  }
  say("Deploy of bundle completed.");
  return { changes: lines, applications: deploys.map((d) => d.app) };
}

async function apply(
  target: DeployTarget,
  model: string,
  change: BundleChange,
  built: Map<string, BuiltCharmRef>,
): Promise<void> {
  switch (change.kind) {
    case "deploy": {
      const charm = built.get(change.charm.dir);
      if (charm === undefined) throw new Error(`charm ${change.charm.name} was not built`);
      await target.deploy(model, {
        charmDir: charm.dir,
        name: change.app,
        config: change.options,
        resources: change.resources,
        trust: change.trust,
        scale: change.scale,
      });
      return;
    }
    case "consume":
      await target.consume(model, change.url, change.name);
      return;
    case "integrate":
      await target.integrate(model, change.a, change.b);
      return;
    case "offer":
      await target.offer(model, `${change.app}:${change.endpoints.join(",")}`, change.name);
      return;
  }
}

/** What {@link deployCharm} deploys. */
export interface CharmDeployRequest {
  /** A charm name (catalogue) or a path (relative to `baseDir`). */
  charm: string;
  baseDir?: string;
  /** Application name (default: the charm's). */
  name?: string;
  config?: Record<string, ConfigInput>;
  resources?: Record<string, string>;
  trust?: boolean;
  scale?: number;
}

/**
 * Deploys one charm (`jaas deploy <charm>`): located in the catalogue or at its path, built if
 * needed, then deployed; returns the application's name.
 *
 * @example
 * ```ts
 * await deployCharm(c, "jaas", { charm: "demo", scale: 2, resources: { "web-image": "ubuntu:24.04" } }, { catalogue });
 * ```
 */
export async function deployCharm(
  target: DeployTarget,
  model: string,
  request: CharmDeployRequest,
  options: DeployRunOptions,
): Promise<string> {
  const say = options.progress ?? ((): void => undefined);
  const catalogue = options.catalogue;
  const located = catalogue.locate(request.charm, request.baseDir);
  say(locatedLine(located, catalogue.root));
  if (target.state.models[model] === undefined) {
    throw new SimError("not-found", `model ${goQuote(model)} not found`);
  }
  const config: Record<string, ConfigValue | null> = { ...(request.config ?? {}) };
  if (options.dryRun === true) return request.name ?? located.name;
  if (!catalogue.isBuilt(located)) say(`Building charm ${goQuote(located.name)}...`);
  const built = await catalogue.build(located);
  say(builtLine(built, located));
  const name = request.name ?? located.name;
  say(`Deploying ${goQuote(name)} from local charm ${goQuote(located.name)}`);
  return target.deploy(model, {
    charmDir: built.dir,
    name,
    config,
    ...(request.resources !== undefined ? { resources: request.resources } : {}),
    ...(request.trust !== undefined ? { trust: request.trust } : {}),
    ...(request.scale !== undefined ? { scale: request.scale } : {}),
  });
}
