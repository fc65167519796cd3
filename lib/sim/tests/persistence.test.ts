// The controller survives a restart: its state is saved to one JSON file after every change,
// and a controller created on the same state directory resumes where it was, running no hook
// again; update-status runs on its interval only when asked.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Controller } from "../controller.js";
import { loadState } from "../model/persist.js";
import {
  buildTestCharm,
  hooksOf,
  lastSeq,
  tempDir,
  TEST_OPTIONS,
  withController,
} from "./helpers.js";

let tmp: string;
let relay: string;
let cleanup: () => void;

beforeAll(async () => {
  [tmp, cleanup] = tempDir();
  relay = await buildTestCharm("relay", tmp);
});
afterAll(() => cleanup?.());

describe("persistence", () => {
  it("saves the state and resumes it after a restart", async () => {
    const stateDir = join(tmp, "state");
    const options = { ...TEST_OPTIONS, persist: true, stateDir, deterministic: { seed: 51 } };
    const first = await Controller.create(options);
    let uuid: string;
    try {
      uuid = (await first.addModel("m")).uuid;
      await first.deploy("m", { charmDir: relay, scale: 2, config: { greeting: "hey" } });
      expect((await first.settle({ timeoutMs: 60_000 })).errors).toEqual([]);
    } finally {
      await first.close();
    }
    const saved = loadState(join(stateDir, "controller.json"));
    expect(saved?.models["m"]?.uuid).toBe(uuid);
    expect(saved?.models["m"]?.units["relay/1"]?.agent).toMatchObject({
      installed: true,
      started: true,
    });
    expect(saved?.models["m"]?.applications["relay"]?.config).toEqual({ greeting: "hey" });

    const second = await Controller.create(options);
    try {
      const resumed = await second.settle({ timeoutMs: 30_000 });
      expect(resumed).toMatchObject({ idle: true, errors: [], hooksRun: 0 });
      expect(second.status("m").applications["relay"]?.units?.["relay/0"]?.leader).toBe(true);
      const mark = lastSeq(second);
      await second.config("m", "relay", { greeting: "again" });
      expect((await second.settle({ timeoutMs: 60_000 })).errors).toEqual([]);
      expect(hooksOf(second, "m", "relay/0", mark)).toEqual(["config-changed"]);
      expect(hooksOf(second, "m", "relay/1", mark)).toEqual(["config-changed"]);
    } finally {
      await second.destroy({ removeState: true });
    }
    expect(existsSync(stateDir)).toBe(false);
  }, 120_000);

  it("runs update-status on its interval once the unit has started", async () => {
    await withController({ updateStatusIntervalMs: 400 }, async (c) => {
      await c.addModel("m");
      await c.deploy("m", { charmDir: relay });
      expect((await c.settle({ timeoutMs: 60_000 })).errors).toEqual([]);
      // Wait for two intervals' worth of hooks; a loaded machine runs each hook slower than the
      // 400 ms interval, so poll rather than sleep a fixed time.
      const deadline = Date.now() + 30_000;
      while (hooksOf(c, "m", "relay/0").length < 7 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
      }
      const hooks = hooksOf(c, "m", "relay/0");
      expect(hooks.slice(0, 5)).toEqual([
        "install",
        "peers-relation-created",
        "leader-elected",
        "config-changed",
        "start",
      ]);
      const updates = hooks.slice(5);
      expect(updates.length).toBeGreaterThanOrEqual(2);
      expect(new Set(updates)).toEqual(new Set(["update-status"]));
    });
  }, 60_000);
});
