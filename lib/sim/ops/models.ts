/**
 * Models: add one, destroy one with everything in it (units run their teardown hooks first).
 *
 * @example
 * ```ts
 * await addModel(ctx, "jaas");
 * await destroyModel(ctx, "jaas");
 * ```
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { CloudSpecData } from "../../jujuc/context.js";
import { goQuote } from "../../jujuc/internal/go-format.js";
import { invalid, SimError } from "../errors.js";
import type { ModelState, ModelType } from "../model/types.js";
import { mustModel } from "../model/view.js";
import { dyingApplication } from "./applications.js";
import type { OpContext } from "./context.js";
import { MODEL_NAME } from "./context.js";
import { dropSaas } from "./cross-model.js";
import { cleanupRelations, removeApplicationNow, removeUnitNow } from "../units/lifecycle.js";

/**
 * Adds a model (`juju add-model`).
 *
 * @example
 * ```ts
 * await addModel(ctx, "jaas"); // { name: "jaas", uuid: "…", type: "kubernetes" }
 * ```
 */
export async function addModel(
  ctx: OpContext,
  name: string,
  options: { type?: ModelType; cloudSpec?: CloudSpecData } = {},
): Promise<{ name: string; uuid: string; type: ModelType }> {
  const state = ctx.runtime.state;
  if (!MODEL_NAME.test(name)) {
    throw invalid(
      `${goQuote(name)} is not a valid name: model names may only contain lowercase letters, digits and hyphens`,
    );
  }
  if (state.models[name] !== undefined) {
    throw new SimError("already-exists", `model ${goQuote(name)} already exists`);
  }
  const type = options.type ?? "kubernetes";
  if (type !== "kubernetes" && type !== "iaas")
    throw invalid(`model type ${goQuote(String(type))} not valid`);
  return ctx.hold(async () => {
    let uuid = ctx.runtime.ids.uuid();
    while (Object.values(state.models).some((m) => m.uuid === uuid)) uuid = ctx.runtime.ids.uuid();
    const model: ModelState = {
      name,
      uuid,
      type,
      life: "alive",
      applications: {},
      units: {},
      secrets: {},
      offers: {},
      saas: {},
      remoteApps: {},
      actions: {},
      cloudSpec: options.cloudSpec ?? {
        type: type === "kubernetes" ? "kubernetes" : "lxd",
        name: type === "kubernetes" ? "sim-k8s" : "localhost",
        region: "default",
      },
    };
    state.models[name] = model;
    return { name, uuid: model.uuid, type };
  });
}

/**
 * Destroys a model: every application goes (their units run their teardown hooks), then the
 * model. Resolves when it is gone; units stuck in error are removed after `timeoutMs`.
 *
 * @example
 * ```ts
 * await destroyModel(ctx, "jaas");
 * ```
 */
export async function destroyModel(
  ctx: OpContext,
  name: string,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const model = mustModel(ctx.runtime.state, name);
  await ctx.hold(async () => {
    model.life = "dying";
    for (const app of Object.values(model.applications)) await dyingApplication(ctx, model, app);
    for (const saas of Object.keys(model.saas)) dropSaas(ctx, model, saas);
  });
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  while (Object.keys(model.units).length > 0 && Date.now() < deadline) {
    await ctx.runtime.scheduler.settle(Math.max(1, deadline - Date.now()));
    if (ctx.runtime.errors().some((e) => e.model === name)) break;
  }
  await ctx.hold(async () => {
    for (const unit of Object.keys(model.units)) await removeUnitNow(ctx.runtime, name, unit);
    for (const app of Object.keys(model.applications)) removeApplicationNow(ctx.runtime, name, app);
    for (const other of Object.values(ctx.runtime.state.models)) {
      for (const [alias, saas] of Object.entries(other.saas)) {
        if (saas.offerModel === name) dropSaas(ctx, other, alias);
      }
    }
    cleanupRelations(ctx.runtime);
    delete ctx.runtime.state.models[name];
    rmSync(join(ctx.stateDir, "units", name), { recursive: true, force: true });
    rmSync(join(ctx.stateDir, "charms", name), { recursive: true, force: true });
  });
}
