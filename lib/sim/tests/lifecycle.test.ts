// Removing an application tears its units and relations down (the other side departs and
// breaks); destroying a model removes everything in it, with the teardown hooks.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestCharm, hooksOf, lastSeq, tempDir, withController } from "./helpers.js";

let relay: string;
let cleanup: () => void;

beforeAll(async () => {
  const [tmp, remove] = tempDir();
  cleanup = remove;
  relay = await buildTestCharm("relay", tmp);
});
afterAll(() => cleanup?.());

describe("lifecycle", () => {
  it("remove-application, then destroy-model", async () => {
    await withController({ deterministic: { seed: 71 } }, async (c) => {
      await c.addModel("m");
      await c.deploy("m", { charmDir: relay, name: "up", scale: 2 });
      await c.deploy("m", { charmDir: relay, name: "down" });
      await c.integrate("m", "up", "down:sink");
      expect((await c.settle({ timeoutMs: 60_000 })).errors).toEqual([]);

      let mark = lastSeq(c);
      await c.removeApplication("m", "down");
      expect((await c.settle({ timeoutMs: 60_000 })).errors).toEqual([]);
      expect(hooksOf(c, "m", "down/0", mark)).toEqual([
        "sink-relation-departed up/0 (departing down/0)",
        "sink-relation-departed up/1 (departing down/0)",
        "sink-relation-broken",
        "stop",
        "remove",
      ]);
      for (const unit of ["up/0", "up/1"]) {
        expect(hooksOf(c, "m", unit, mark)).toEqual([
          "source-relation-departed down/0",
          "source-relation-broken",
        ]);
      }
      const model = c.state.models["m"]!;
      expect(Object.keys(model.applications)).toEqual(["up"]);
      expect(c.state.relations.map((r) => r.sides.map((s) => `${s.app}:${s.endpoint}`))).toEqual([
        ["up:peers"],
      ]);

      mark = lastSeq(c);
      await c.destroyModel("m");
      expect(hooksOf(c, "m", "up/0", mark)).toEqual([
        "peers-relation-departed up/1 (departing up/0)",
        "stop",
        "remove",
      ]);
      expect(c.state.models["m"]).toBeUndefined();
      expect(c.state.relations).toEqual([]);
      expect(existsSync(join(c.stateDir, "units", "m"))).toBe(false);
    });
  }, 90_000);
});
