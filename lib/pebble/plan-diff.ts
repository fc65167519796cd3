/**
 * Plan diffing: would adding a layer change the plan? Charms call this (through
 * {@link ensureLayer}) so that they replan, and so restart workloads, only when something changed.
 *
 * The comparison is by meaning, not by text: durations are compared as lengths of time (`60s`
 * equals `1m0s`, the form Pebble prints), empty lists and maps equal absent ones, `override` is
 * ignored, and checks get Pebble's default threshold on both sides.
 *
 * @module
 */

import { parseDuration } from "./duration.js";
import type { CheckSpec, Layer, LogTargetSpec, Plan, ServiceSpec } from "./layer.js";
import { CHECK_DEFAULTS, mergeCheck, mergeLogTarget, mergeService } from "./layer.js";

/** What a layer would change in a plan, by section. */
export interface PlanDiff {
  /** True when any entry would be added, removed or changed. */
  changed: boolean;
  /** Services that would be added or changed. */
  services: string[];
  /** Checks that would be added or changed. */
  checks: string[];
  /** Log targets that would be added or changed. */
  logTargets: string[];
}

const DURATION_FIELDS = new Set([
  "backoff-delay",
  "backoff-limit",
  "kill-delay",
  "period",
  "timeout",
]);

/** Returns a canonical, comparable form of an entry (sorted keys, durations in ms). */
function canonical(value: unknown, key = ""): unknown {
  if (value === undefined || value === null || value === "") return undefined;
  if (Array.isArray(value)) {
    const items = value.map((v) => canonical(v)).filter((v) => v !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      if (k === "override") continue;
      const v = canonical((value as Record<string, unknown>)[k], k);
      if (v !== undefined) out[k] = v;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  if (typeof value === "string" && DURATION_FIELDS.has(key)) return parseDuration(value) ?? value;
  return value;
}

function sameEntry(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a) ?? {}) === JSON.stringify(canonical(b) ?? {});
}

function withCheckDefaults(check: CheckSpec | undefined): CheckSpec | undefined {
  if (!check) return undefined;
  return { ...check, threshold: check.threshold || CHECK_DEFAULTS.threshold };
}

function diffSection<T extends { override: "merge" | "replace" }>(
  current: Record<string, T>,
  entries: Record<string, T> | undefined,
  merge: (base: T, other: T) => T,
  normalise: (spec: T | undefined) => T | undefined = (spec) => spec,
): string[] {
  const changed: string[] = [];
  for (const [name, spec] of Object.entries(entries ?? {})) {
    const existing = current[name];
    const next = spec.override === "merge" && existing ? merge(existing, spec) : spec;
    if (!existing || !sameEntry(normalise(existing), normalise(next))) changed.push(name);
  }
  return changed.sort();
}

/**
 * Lists what adding `layer` on top of `current` would change, applying Pebble's `merge` and
 * `replace` rules.
 *
 * @example
 * ```ts
 * const diff = diffPlan(await pebble.getPlan(), layer);
 * if (diff.services.includes("web")) log("web will restart");
 * ```
 */
export function diffPlan(current: Plan, layer: Layer): PlanDiff {
  const services = diffSection<ServiceSpec>(current.services, layer.services, mergeService);
  const checks = diffSection<CheckSpec>(
    current.checks,
    layer.checks,
    mergeCheck,
    withCheckDefaults,
  );
  const logTargets = diffSection<LogTargetSpec>(
    current["log-targets"],
    layer["log-targets"],
    mergeLogTarget,
  );
  return {
    changed: services.length + checks.length + logTargets.length > 0,
    services,
    checks,
    logTargets,
  };
}

/**
 * Whether adding `layer` on top of `current` would change the plan.
 *
 * @example
 * ```ts
 * if (layerChangesPlan(await pebble.getPlan(), layer)) { await pebble.addLayer("app", layer, { combine: true }); await pebble.replan(); }
 * ```
 */
export function layerChangesPlan(current: Plan, layer: Layer): boolean {
  return diffPlan(current, layer).changed;
}
