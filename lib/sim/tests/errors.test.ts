// A failed hook puts the unit in error with `hook failed: "<hook>"`, is retried with growing
// delays, blocks the unit's other hooks (actions still run) and is cleared by resolve; actions
// never put a unit in error, and a failing process commits nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Controller } from "../controller.js";
import { buildTestCharm, hooksOf, lastSeq, tempDir, withController } from "./helpers.js";

let relay: string;
let cleanup: () => void;

beforeAll(async () => {
  const [tmp, remove] = tempDir();
  cleanup = remove;
  relay = await buildTestCharm("relay", tmp);
});
afterAll(() => cleanup?.());

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function unitError(c: Controller, unit: string) {
  return c.state.models["m"]?.units[unit]?.error;
}

describe("hook errors", () => {
  it("a failed hook: error status, other hooks wait, actions run, resolve retries it", async () => {
    await withController({ deterministic: { seed: 1 }, retryHooks: false }, async (c) => {
      await c.addModel("m");
      await c.deploy("m", { charmDir: relay, config: { "fail-hook": "start" } });
      const settled = await c.settle({ timeoutMs: 60_000 });
      expect(settled.errors).toEqual([
        {
          model: "m",
          unit: "relay/0",
          hook: "start",
          message: 'hook failed: "start"',
          attempts: 1,
        },
      ]);
      expect(hooksOf(c, "m", "relay/0")).toEqual([
        "install",
        "peers-relation-created",
        "leader-elected",
        "config-changed",
        "start !1",
      ]);
      const unit = c.status("m").applications["relay"]?.units?.["relay/0"];
      expect(unit?.["workload-status"]).toMatchObject({
        current: "error",
        message: 'hook failed: "start"',
      });
      expect(unit?.["juju-status"]).toMatchObject({
        current: "error",
        message: 'hook failed: "start"',
      });

      // Config waits while the unit is in error; actions still run.
      let mark = lastSeq(c);
      await c.config("m", "relay", { "fail-hook": "" });
      const echo = await c.runAction("m", "relay/0", "echo", { value: "x" });
      expect(echo.status).toBe("completed");
      await c.settle({ timeoutMs: 10_000 });
      expect(hooksOf(c, "m", "relay/0", mark)).toEqual(["action:echo"]);

      mark = lastSeq(c);
      await c.resolve("m", "relay/0");
      const after = await c.settle({ timeoutMs: 60_000 });
      expect(after.errors).toEqual([]);
      expect(hooksOf(c, "m", "relay/0", mark)).toEqual(["start", "config-changed"]);
      expect(c.hooks.filter((r) => r.hook === "start").map((r) => r.attempt)).toEqual([1, 2]);
      expect(
        c.status("m").applications["relay"]?.units?.["relay/0"]?.["workload-status"].current,
      ).toBe("active");
      await expect(c.resolve("m", "relay/0")).rejects.toThrow(
        'unit "relay/0" is not in an error state',
      );
    });
  }, 90_000);

  it("retries with exponential backoff; resolve without retry skips the hook", async () => {
    const timeScale = 0.02; // 100 ms, 200 ms, 400 ms …
    await withController({ deterministic: { seed: 2 }, timeScale }, async (c) => {
      await c.addModel("m");
      await c.deploy("m", { charmDir: relay });
      await c.settle({ timeoutMs: 60_000 });
      const mark = lastSeq(c);
      await c.config("m", "relay", { "fail-hook": "config-changed" });
      await until("three attempts", () => (unitError(c, "relay/0")?.attempts ?? 0) >= 3);
      const attempts = c.hooks.filter((r) => r.seq > mark && r.hook === "config-changed");
      expect(attempts.slice(0, 3).map((r) => [r.attempt, r.exitCode])).toEqual([
        [1, 1],
        [2, 1],
        [3, 1],
      ]);
      // Each retry waits 5 s x 2^(n-1), scaled: the gaps between attempts grow.
      for (let i = 1; i < 3; i++) {
        const prev = attempts[i - 1]!;
        const gap = attempts[i]!.startedAt - (prev.startedAt + prev.durationMs);
        expect(gap).toBeGreaterThanOrEqual(5000 * 2 ** (i - 1) * timeScale * 0.9);
      }

      await c.resolve("m", "relay/0", { retry: false });
      const settled = await c.settle({ timeoutMs: 30_000 });
      expect(settled.errors).toEqual([]);
      const skipMark = lastSeq(c);
      await new Promise((r) => setTimeout(r, 300));
      expect(hooksOf(c, "m", "relay/0", skipMark)).toEqual([]);
      expect(c.status("m").applications["relay"]?.units?.["relay/0"]?.["juju-status"].current).toBe(
        "idle",
      );

      await c.config("m", "relay", { "fail-hook": "" });
      await c.settle({ timeoutMs: 30_000 });
      expect(hooksOf(c, "m", "relay/0", skipMark)).toEqual(["config-changed"]);
    });
  }, 90_000);

  it("actions never put the unit in error; a failing action process commits nothing", async () => {
    await withController({ deterministic: { seed: 3 } }, async (c) => {
      await c.addModel("m");
      await c.deploy("m", { charmDir: relay, name: "up" });
      await c.deploy("m", { charmDir: relay, name: "down" });
      await c.integrate("m", "up", "down:sink");
      await c.settle({ timeoutMs: 60_000 });

      const failed = await c.runAction("m", "up/0", "fail");
      expect(failed).toMatchObject({
        status: "failed",
        message: "failed on request",
        returnCode: 0,
      });

      const mark = lastSeq(c);
      const crashed = await c.runAction("m", "up/0", "crash");
      expect(crashed.status).toBe("failed");
      expect(crashed.message).toBe("exit status 1");
      expect(crashed.returnCode).toBe(1);
      expect(crashed.log).toEqual(["about to crash"]);
      expect(crashed.stderr).toContain("crash requested");
      const settled = await c.settle({ timeoutMs: 30_000 });
      expect(settled).toMatchObject({ idle: true, errors: [] });
      expect(c.hooks.filter((r) => r.hook === "action:crash")).toHaveLength(1);
      // The relation write was dropped (no -changed on the other side); the status, set at once, stays.
      expect(hooksOf(c, "m", "down/0", mark)).toEqual([]);
      const bag = c.state.relations.find((r) => !r.peer)?.sides[0]?.units["up/0"]?.bag;
      expect(bag?.["crashed"]).toBeUndefined();
      expect(c.state.models["m"]?.units["up/0"]?.workloadStatus.message).toBe("crashing");
    });
  }, 90_000);
});
