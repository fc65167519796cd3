// Three applications of three units each, chained by two relations, converge to idle with no
// hook errors, running exactly the hooks Juju runs for the same operations (units in parallel).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestCharm, tempDir, withController } from "./helpers.js";

let relay: string;
let cleanup: () => void;

beforeAll(async () => {
  const [tmp, remove] = tempDir();
  cleanup = remove;
  relay = await buildTestCharm("relay", tmp);
});
afterAll(() => cleanup?.());

/**
 * What Juju runs for: deploy a, b, c with 3 units each, integrate a:source-b:sink and
 * b:source-c:sink, no relation data written by the charm.
 *
 * Per unit at deploy (9 units): install, peers-relation-created, leader-elected (3 leaders) or
 * leader-settings-changed (6 followers), config-changed, start, and joined + changed for each of
 * its 2 peers. Per relation, on each of the 6 units of its two applications: relation-created,
 * then joined + changed for each of the 3 remote units.
 */
const EXPECTED: Record<string, number> = {
  install: 9,
  "peers-relation-created": 9,
  "leader-elected": 3,
  "leader-settings-changed": 6,
  "config-changed": 9,
  start: 9,
  "peers-relation-joined": 9 * 2,
  "peers-relation-changed": 9 * 2,
  "source-relation-created": 6,
  "source-relation-joined": 6 * 3,
  "source-relation-changed": 6 * 3,
  "sink-relation-created": 6,
  "sink-relation-joined": 6 * 3,
  "sink-relation-changed": 6 * 3,
};
const EXPECTED_TOTAL = 165;

describe("3 applications x 3 units", () => {
  it("converge to idle with the hook counts Juju would run", async () => {
    expect(Object.values(EXPECTED).reduce((a, b) => a + b, 0)).toBe(EXPECTED_TOTAL);
    await withController({ maxParallelHooks: 4 }, async (c) => {
      await c.addModel("m");
      const started = Date.now();
      for (const name of ["a", "b", "c"]) await c.deploy("m", { charmDir: relay, name, scale: 3 });
      // Integrated before the units are up: relation-created may come before start.
      await c.integrate("m", "a:source", "b:sink");
      await c.integrate("m", "b:source", "c:sink");
      const settled = await c.settle({ timeoutMs: 240_000 });
      const elapsed = Date.now() - started;
      expect(settled.errors).toEqual([]);
      expect(settled.idle).toBe(true);

      const counts: Record<string, number> = {};
      for (const r of c.hooks) counts[r.hook] = (counts[r.hook] ?? 0) + 1;
      expect(counts).toEqual(EXPECTED);
      expect(c.hooks).toHaveLength(EXPECTED_TOTAL);
      expect(c.hooks.every((r) => r.exitCode === 0)).toBe(true);

      // One hook at a time per unit; units in parallel (up to maxParallelHooks at once).
      const span = (r: (typeof c.hooks)[number]): [number, number] => [
        r.startedAt,
        r.startedAt + r.durationMs,
      ];
      const overlaps = (x: [number, number], y: [number, number]): boolean =>
        x[0] < y[1] - 2 && y[0] < x[1] - 2; // 2 ms: the start is Date.now(), the length performance.now()
      let across = 0;
      for (const [i, r] of c.hooks.entries()) {
        for (const other of c.hooks.slice(i + 1)) {
          if (!overlaps(span(r), span(other))) continue;
          expect(other.unit, `${r.unit} ${r.hook} overlaps ${other.hook}`).not.toBe(r.unit);
          across += 1;
        }
      }
      expect(across).toBeGreaterThan(0);
      const running = (t: number): number =>
        c.hooks.filter((r) => span(r)[0] <= t && t < span(r)[1] - 2).length;
      expect(Math.max(...c.hooks.map((r) => running(r.startedAt + 1)))).toBeLessThanOrEqual(4);

      const status = c.status("m");
      for (const app of ["a", "b", "c"]) {
        const units = Object.values(status.applications[app]?.units ?? {});
        expect(units).toHaveLength(3);
        for (const u of units) {
          expect(u["workload-status"].current).toBe("active");
          expect(u["juju-status"].current).toBe("idle");
        }
      }
      const overhead = c.hooks.map((r) => r.overheadMs).sort((x, y) => x - y);
      const process = c.hooks.map((r) => r.durationMs - r.overheadMs).sort((x, y) => x - y);
      console.log(
        `3x3 converged in ${elapsed} ms: ${c.hooks.length} hooks; controller overhead per hook median ${overhead[Math.floor(overhead.length / 2)]?.toFixed(1)} ms; hook process median ${process[Math.floor(process.length / 2)]?.toFixed(0)} ms`,
      );
    });
  }, 300_000);
});
