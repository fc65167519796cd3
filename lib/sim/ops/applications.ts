/**
 * Applications: deploy, remove, scale, remove units, config, trust, refresh, pod churn. Each
 * checks its input first and changes nothing when it refuses.
 *
 * @example
 * ```ts
 * await deploy(ctx, "jaas", { charmDir: "build/demo", scale: 3 });
 * await config(ctx, "jaas", "demo", { port: "9090" });
 * ```
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { ConfigValue } from "../../jujuc/context.js";
import { goQuote } from "../../jujuc/internal/go-format.js";
import type { CharmMeta } from "../../ops/metadata.js";
import { invalid, notFound, SimError } from "../errors.js";
import { inspectCharmDir, storeCharm } from "../model/charm-store.js";
import type { ApplicationState, HookInfo, ModelState } from "../model/types.js";
import { mustApp, mustModel, mustUnit, relationsOfApp, sideIndex, unitsOf } from "../model/view.js";
import type { ConfigInput } from "../validate/config.js";
import { effectiveConfig, parseConfigValues } from "../validate/config.js";
import type { OpContext } from "./context.js";
import { APP_NAME } from "./context.js";
import { addUnits, killUnit, removeApplicationNow, replacePod } from "../units/lifecycle.js";

/** What `deploy` takes. */
export interface DeployOptions {
  /** A built charm directory (`lib/pack` `buildCharmDir`, or one with `metadata.yaml`). */
  charmDir: string;
  /** Application name (default: the charm's name). */
  name?: string;
  config?: Record<string, ConfigInput>;
  /** Resource name to a file path (file resources) or an image reference (oci-image). */
  resources?: Record<string, string>;
  trust?: boolean;
  /** Number of units (default 1). */
  scale?: number;
}

/**
 * Deploys a charm (`juju deploy ./charm [name] --config … --resource … --trust -n N`).
 *
 * @example
 * ```ts
 * await deploy(ctx, "jaas", { charmDir: "build/demo", config: { port: 8080 }, scale: 3 });
 * ```
 */
export async function deploy(
  ctx: OpContext,
  modelName: string,
  options: DeployOptions,
): Promise<string> {
  const model = mustModel(ctx.runtime.state, modelName);
  if (model.life !== "alive")
    throw new SimError("state", `model ${goQuote(modelName)} is being destroyed`);
  const charm = inspectCharmDir(options.charmDir);
  const name = options.name ?? charm.meta.name;
  if (!APP_NAME.test(name)) throw invalid(`invalid application name ${goQuote(name)}`);
  if (model.applications[name] !== undefined || model.saas[name] !== undefined) {
    throw new SimError(
      "already-exists",
      `cannot add application ${goQuote(name)}: application already exists`,
    );
  }
  const scale = options.scale ?? 1;
  if (!Number.isInteger(scale) || scale < 0)
    throw invalid(`scale must be a whole number >= 0, got ${scale}`);
  const parsed = parseConfigValues(charm.meta, options.config ?? {});
  const resources = checkResources(ctx, model, charm.meta, options.resources ?? {});
  return ctx.hold(async () => {
    const config: Record<string, ConfigValue> = {};
    for (const [k, v] of Object.entries(parsed)) if (v !== null) config[k] = v;
    const now = Date.now();
    const app: ApplicationState = {
      name,
      charmName: charm.meta.name,
      charmSource: charm.dir,
      charmDir: storeCharm(charm.dir, ctx.stateDir, modelName, name, 1),
      charmRevision: 1,
      config,
      resources,
      trust: options.trust ?? false,
      scale,
      nextUnit: 0,
      leader: null,
      leaderSettings: {},
      leaderSettingsVersion: 0,
      status: { status: "unknown", message: "", since: now },
      life: "alive",
    };
    model.applications[name] = app;
    for (const peer of charm.meta.peers) {
      ctx.runtime.state.relations.push({
        id: ctx.runtime.state.nextRelationId++,
        interface: peer.interface,
        peer: true,
        life: "alive",
        sides: [
          {
            model: modelName,
            app: name,
            endpoint: peer.name,
            role: "peers",
            appBag: {},
            appVersion: 0,
            units: {},
          },
        ],
      });
    }
    await addUnits(ctx.runtime, modelName, name, scale);
    return name;
  });
}

function checkResources(
  ctx: OpContext,
  model: ModelState,
  meta: CharmMeta,
  given: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    const resource = meta.resources.get(name);
    if (resource === undefined)
      throw invalid(`charm ${goQuote(meta.name)} has no resource ${goQuote(name)}`);
    if (resource.type === "file") {
      const path = resolve(value);
      if (!existsSync(path))
        throw notFound(`resource ${goQuote(name)}: file ${goQuote(value)} not found`);
      out[name] = path;
    } else out[name] = value;
  }
  if (model.type === "kubernetes") {
    const missing = [...meta.resources.values()]
      .filter((r) => r.type === "oci-image" && out[r.name] === undefined)
      .map((r) => r.name)
      .sort();
    if (missing.length > 0)
      throw invalid(`local charm missing OCI images for: ${missing.join(", ")}`);
  }
  return out;
}

/**
 * Marks an application dying with its units and relations (removed at once if it has no units).
 *
 * @example
 * ```ts
 * await dyingApplication(ctx, model, model.applications["demo"]!);
 * ```
 */
export async function dyingApplication(
  ctx: OpContext,
  model: ModelState,
  app: ApplicationState,
): Promise<void> {
  app.life = "dying";
  for (const rel of relationsOfApp(ctx.runtime.state, model.name, app.name)) rel.life = "dying";
  for (const unit of unitsOf(model, app.name)) await killUnit(ctx.runtime, model.name, unit.name);
  if (unitsOf(model, app.name).length === 0)
    removeApplicationNow(ctx.runtime, model.name, app.name);
}

/**
 * Removes an application (`juju remove-application`): its units tear down, its relations go.
 *
 * @example
 * ```ts
 * await removeApplication(ctx, "jaas", "demo");
 * ```
 */
export async function removeApplication(
  ctx: OpContext,
  modelName: string,
  appName: string,
): Promise<void> {
  const model = mustModel(ctx.runtime.state, modelName);
  const app = mustApp(model, appName);
  const offer = Object.values(model.offers).find((o) => o.app === appName);
  if (offer !== undefined) {
    throw new SimError(
      "state",
      `cannot remove application ${goQuote(appName)}: it is offered as ${goQuote(offer.name)} (remove the offer first)`,
    );
  }
  await ctx.hold(() => dyingApplication(ctx, model, app));
}

/**
 * Sets the number of units (`juju scale-application`); scaling down removes the
 * highest-numbered units, as a Kubernetes StatefulSet does.
 *
 * @example
 * ```ts
 * await scale(ctx, "jaas", "openfga", 3);
 * ```
 */
export async function scale(
  ctx: OpContext,
  modelName: string,
  appName: string,
  scale: number,
): Promise<void> {
  const model = mustModel(ctx.runtime.state, modelName);
  const app = mustApp(model, appName);
  if (!Number.isInteger(scale) || scale < 0)
    throw invalid(`scale must be a whole number >= 0, got ${scale}`);
  if (app.life !== "alive")
    throw new SimError("state", `application ${goQuote(appName)} is being removed`);
  await ctx.hold(async () => {
    const alive = unitsOf(model, appName).filter((u) => u.life === "alive");
    app.scale = scale;
    if (scale > alive.length) await addUnits(ctx.runtime, modelName, appName, scale - alive.length);
    for (const unit of alive.slice(scale).reverse())
      await killUnit(ctx.runtime, modelName, unit.name);
  });
}

/**
 * Removes particular units (`juju remove-unit`) of a machine model. A Kubernetes model refuses,
 * as Juju does: its units are pods of a StatefulSet, removed highest-numbered first by
 * scaling the application down.
 *
 * @example
 * ```ts
 * await removeUnit(ctx, "vms", "postgresql/0", "postgresql/1");
 * ```
 */
export async function removeUnit(
  ctx: OpContext,
  modelName: string,
  ...units: string[]
): Promise<void> {
  const model = mustModel(ctx.runtime.state, modelName);
  if (units.length === 0) throw invalid("no units specified");
  for (const name of units) {
    const unit = mustUnit(model, name);
    if (unit.life !== "alive")
      throw new SimError("state", `unit ${goQuote(name)} is already being removed`);
  }
  if (model.type === "kubernetes") {
    const app = mustUnit(model, units[0] ?? "").app;
    const alive = unitsOf(model, app).filter((u) => u.life === "alive").length;
    const named = units.filter((u) => mustUnit(model, u).app === app).length;
    throw new SimError(
      "unsupported",
      `k8s models do not support removing named units; scale the application down instead (scale-application ${app} ${alive - named})`,
    );
  }
  await ctx.hold(async () => {
    for (const name of units) {
      const unit = mustUnit(model, name);
      const app = mustApp(model, unit.app);
      app.scale = Math.max(0, app.scale - 1);
      await killUnit(ctx.runtime, modelName, name);
    }
  });
}

/**
 * Sets config (`juju config app k=v`): strings are parsed as the CLI parses them, typed
 * values must have the option's type, null resets to the default.
 *
 * @example
 * ```ts
 * await config(ctx, "jaas", "demo", { port: "9090", greeting: null });
 * ```
 */
export async function config(
  ctx: OpContext,
  modelName: string,
  appName: string,
  values: Record<string, ConfigInput>,
): Promise<void> {
  const model = mustModel(ctx.runtime.state, modelName);
  const app = mustApp(model, appName);
  const parsed = parseConfigValues(ctx.meta(modelName, appName), values);
  await ctx.hold(async () => {
    for (const [k, v] of Object.entries(parsed)) {
      if (v === null) delete app.config[k];
      else app.config[k] = v;
    }
  });
}

/**
 * The effective config of an application (defaults and set values).
 *
 * @example
 * ```ts
 * getConfig(ctx, "jaas", "demo").port; // 8080
 * ```
 */
export function getConfig(
  ctx: OpContext,
  modelName: string,
  appName: string,
): Record<string, ConfigValue> {
  const app = mustApp(mustModel(ctx.runtime.state, modelName), appName);
  return effectiveConfig(ctx.meta(modelName, appName), app.config);
}

/**
 * Grants or revokes trust (`juju trust`); units get config-changed.
 *
 * @example
 * ```ts
 * await trust(ctx, "jaas", "jimm", true);
 * ```
 */
export async function trust(
  ctx: OpContext,
  modelName: string,
  appName: string,
  trusted: boolean,
): Promise<void> {
  const app = mustApp(mustModel(ctx.runtime.state, modelName), appName);
  await ctx.hold(async () => {
    app.trust = trusted;
  });
}

/**
 * Upgrades an application to a new build of its charm (`juju refresh --path`). On
 * Kubernetes every unit's pod is replaced: stop, upgrade-charm, config-changed,
 * leader-settings-changed (non-leaders), start; on machines upgrade-charm, config-changed.
 *
 * @example
 * ```ts
 * await refresh(ctx, "jaas", "demo", { charmDir: "build/demo-v2" });
 * ```
 */
export async function refresh(
  ctx: OpContext,
  modelName: string,
  appName: string,
  options: { charmDir?: string } = {},
): Promise<void> {
  const model = mustModel(ctx.runtime.state, modelName);
  const app = mustApp(model, appName);
  const charm = inspectCharmDir(options.charmDir ?? app.charmSource);
  if (charm.meta.name !== app.charmName) {
    throw invalid(
      `cannot refresh ${goQuote(appName)} from charm ${goQuote(app.charmName)} to a different charm ${goQuote(charm.meta.name)}`,
    );
  }
  for (const rel of relationsOfApp(ctx.runtime.state, modelName, appName)) {
    const side = rel.sides[sideIndex(rel, modelName, appName)];
    const ep = side !== undefined ? charm.meta.relations.get(side.endpoint) : undefined;
    if (side !== undefined && (ep === undefined || ep.interface !== rel.interface)) {
      throw invalid(
        `cannot upgrade application ${goQuote(appName)} to charm ${goQuote(charm.meta.name)}: would break relation ${goQuote(`${appName}:${side.endpoint}`)}`,
      );
    }
  }
  await ctx.hold(async () => {
    app.charmRevision += 1;
    app.charmSource = charm.dir;
    app.charmDir = storeCharm(charm.dir, ctx.stateDir, modelName, appName, app.charmRevision);
    for (const key of Object.keys(app.config))
      if (!charm.meta.config.has(key)) delete app.config[key];
    for (const unit of unitsOf(model, appName)) {
      if (unit.life !== "alive" || !unit.agent.installed) continue;
      const kube = model.type === "kubernetes";
      const steps: HookInfo[] = [];
      if (kube && unit.agent.started) steps.push({ kind: "stop" });
      steps.push({ kind: "upgrade-charm" }, { kind: "config-changed" });
      if (kube && app.leader !== unit.name) steps.push({ kind: "leader-settings-changed" });
      unit.agent.queue = steps;
      if (kube) {
        if (unit.agent.started) unit.replacePod = true;
        else await replacePod(ctx.runtime, modelName, unit.name);
      }
    }
  });
}

/**
 * Replaces a unit's pod (`kubectl delete pod`): the old pod runs stop; the new one has a
 * fresh charm directory, a new address and new containers, and runs upgrade-charm,
 * config-changed and start. Charm state (in the controller) survives.
 *
 * @example
 * ```ts
 * await churn(ctx, "jaas", "openfga/1");
 * ```
 */
export async function churn(ctx: OpContext, modelName: string, unitName: string): Promise<void> {
  const model = mustModel(ctx.runtime.state, modelName);
  const unit = mustUnit(model, unitName);
  if (model.type !== "kubernetes")
    throw invalid(
      `unit ${goQuote(unitName)} is not a Kubernetes pod: churn needs a kubernetes model`,
    );
  if (unit.life !== "alive")
    throw new SimError("state", `unit ${goQuote(unitName)} is being removed`);
  await ctx.hold(async () => {
    if (!unit.agent.installed) {
      await replacePod(ctx.runtime, modelName, unitName);
      return;
    }
    unit.agent.queue = [
      ...(unit.agent.started ? [{ kind: "stop" } as const] : []),
      { kind: "upgrade-charm" },
      { kind: "config-changed" },
    ];
    if (unit.agent.started) unit.replacePod = true;
    else await replacePod(ctx.runtime, modelName, unitName);
  });
}
