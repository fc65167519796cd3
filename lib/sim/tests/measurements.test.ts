// Figures reported in the README and the hand-over: the hook-tool round trip seen by a charm,
// and the controller's own time per hook around the charm process (with state saving on).
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

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

describe("measurements", () => {
  it("hook-tool round trip and controller overhead per hook", async () => {
    await withController({ persist: true, deterministic: { seed: 101 } }, async (c) => {
      await c.addModel("m");
      await c.deploy("m", { charmDir: relay, scale: 2 });
      expect((await c.settle({ timeoutMs: 60_000 })).errors).toEqual([]);
      for (let i = 0; i < 6; i++) {
        await c.config("m", "relay", { count: i + 2 });
        await c.settle({ timeoutMs: 60_000 });
      }
      const bench = await c.runAction("m", "relay/0", "bench-tools", { n: 100 });
      expect(bench.status).toBe("completed");
      const roundTrip = Number(bench.results["mean-ms"]);
      const hooks = c.hooks.filter((h) => !h.hook.startsWith("action:"));
      const overhead = median(hooks.map((h) => h.overheadMs));
      const process = median(hooks.map((h) => h.durationMs - h.overheadMs));
      const tools = median(hooks.map((h) => h.toolCalls));
      console.log(
        `hook-tool round trip (is-leader, spawned by the charm) ${roundTrip} ms; controller overhead per hook median ${overhead} ms over ${hooks.length} hooks; hook process median ${process} ms with ${tools} tool calls`,
      );
      expect(roundTrip).toBeGreaterThan(0);
      expect(overhead).toBeLessThan(100);
    });
  }, 120_000);
});
