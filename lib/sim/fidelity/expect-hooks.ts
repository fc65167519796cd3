/**
 * Hook counting for the fidelity test: the hooks a unit ran since a mark, keyed as
 * `<hook> [<remote unit>] [(departing <unit>)]`, compared with what Juju runs. Juju runs most
 * hooks an exact number of times; only `relation-changed` may be coalesced (several remote
 * writes seen in one hook), so it is given as a range `[min, max]`.
 *
 * @example
 * ```ts
 * const mark = lastSeq(c);
 * await c.config("m", "py", { greeting: "hi" });
 * await c.settle();
 * expectHooks(c, "m", "py/0", mark, { "config-changed": 1 });
 * ```
 */
import { expect } from "vitest";
import type { Controller } from "../controller.js";
import type { HookRecord } from "../runtime.js";

/** Expected count of each hook key: exact, or `[min, max]` where Juju may coalesce. */
export type ExpectedHooks = Record<string, number | readonly [number, number]>;

/**
 * A hook record as a key: `install`, `share-relation-joined ts/0`,
 * `cluster-relation-departed py/0 (departing py/1)`, `action:greet`.
 *
 * @example
 * ```ts
 * hookKey(record); // "share-relation-changed ts/1"
 * ```
 */
export function hookKey(r: HookRecord): string {
  let key = r.hook;
  if (r.remoteUnit !== undefined) key += ` ${r.remoteUnit}`;
  if (r.departingUnit !== undefined && r.departingUnit !== r.remoteUnit) {
    key += ` (departing ${r.departingUnit})`;
  }
  return key;
}

/**
 * The records of one unit after `since` (a sequence number), in order.
 *
 * @example
 * ```ts
 * recordsOf(c, "fid", "py/0", mark).map(hookKey);
 * ```
 */
export function recordsOf(c: Controller, model: string, unit: string, since = 0): HookRecord[] {
  return c.hooks.filter((r) => r.seq > since && r.model === model && r.unit === unit);
}

/**
 * The keys of the hooks a unit ran after `since`, in order.
 *
 * @example
 * ```ts
 * keysOf(c, "fid", "py/0"); // ["install", "cluster-relation-created", ...]
 * ```
 */
export function keysOf(c: Controller, model: string, unit: string, since = 0): string[] {
  return recordsOf(c, model, unit, since).map(hookKey);
}

/**
 * The highest sequence number so far (a mark to count from).
 *
 * @example
 * ```ts
 * const mark = lastSeq(c);
 * ```
 */
export function lastSeq(c: Controller): number {
  return c.hooks.reduce((max, r) => Math.max(max, r.seq), 0);
}

/**
 * Checks that the unit ran exactly the hooks in `expected` after `since` (every key, and no
 * other), each the expected number of times, and that every one of them exited 0.
 *
 * @example
 * ```ts
 * expectHooks(c, "fid", "ts/0", mark, { "share-relation-joined py/1": 1, "share-relation-changed py/1": [1, 3] });
 * ```
 */
export function expectHooks(
  c: Controller,
  model: string,
  unit: string,
  since: number,
  expected: ExpectedHooks,
): void {
  const records = recordsOf(c, model, unit, since);
  const counts: Record<string, number> = {};
  for (const r of records) counts[hookKey(r)] = (counts[hookKey(r)] ?? 0) + 1;
  const where = `${unit}: ${records.map(hookKey).join(", ")}`;
  expect(Object.keys(counts).sort(), where).toEqual(Object.keys(expected).sort());
  for (const [key, want] of Object.entries(expected)) {
    const got = counts[key] ?? 0;
    if (typeof want === "number") expect(got, `${where}\n${key}`).toBe(want);
    else {
      expect(got, `${where}\n${key}`).toBeGreaterThanOrEqual(want[0]);
      expect(got, `${where}\n${key}`).toBeLessThanOrEqual(want[1]);
    }
  }
  expect(
    records.filter((r) => r.exitCode !== 0).map(hookKey),
    `${where}: hooks that failed`,
  ).toEqual([]);
}

/**
 * Checks that `first` ran before `second` (both present) in the unit's hooks after `since`.
 *
 * @example
 * ```ts
 * expectBefore(keysOf(c, "fid", "py/1", mark), "share-relation-joined ts/0", "share-relation-changed ts/0");
 * ```
 */
export function expectBefore(keys: readonly string[], first: string, second: string): void {
  const a = keys.indexOf(first);
  const b = keys.indexOf(second);
  expect(a, `${first} in ${keys.join(", ")}`).toBeGreaterThanOrEqual(0);
  expect(b, `${second} in ${keys.join(", ")}`).toBeGreaterThan(a);
}
