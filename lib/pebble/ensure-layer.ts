/**
 * The reconcile step charms use for their workload: add a layer and replan only if the layer
 * changes the plan, so workloads are never restarted for nothing.
 *
 * @module
 */

import type { Layer } from "./layer.js";
import { diffPlan } from "./plan-diff.js";
import type { PlanDiff } from "./plan-diff.js";
import type { Pebble, ServiceActionOptions } from "./types.js";

/**
 * Compares `layer` with the current plan; when it would change something, adds it under `label`
 * with `combine` and replans. Returns whether anything changed.
 *
 * The diff assumes the layer lands on top of the plan, which holds when `label` is the highest
 * layer that sets these entries (the usual case: one label per charm-managed layer).
 *
 * @example
 * ```ts
 * const changed = await ensureLayer(container.pebble, "jimm", {
 *   services: { jimm: { override: "replace", command: "/root/jimmsrv", startup: "enabled", environment } },
 * });
 * if (changed) log("JIMM restarted with the new configuration");
 * ```
 */
export async function ensureLayer(
  pebble: Pebble,
  label: string,
  layer: Layer,
  options?: ServiceActionOptions,
): Promise<boolean> {
  return (await ensureLayerDiff(pebble, label, layer, options)).changed;
}

/**
 * Like {@link ensureLayer}, but returns what changed.
 *
 * @example
 * ```ts
 * const diff = await ensureLayerDiff(pebble, "web", layer);
 * console.log(diff.services); // ["web"] when web was restarted
 * ```
 */
export async function ensureLayerDiff(
  pebble: Pebble,
  label: string,
  layer: Layer,
  options?: ServiceActionOptions,
): Promise<PlanDiff> {
  const diff = diffPlan(await pebble.getPlan(), layer);
  if (diff.changed) {
    await pebble.addLayer(label, layer, { combine: true });
    await pebble.replan(options);
  }
  return diff;
}
