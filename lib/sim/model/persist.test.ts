// The saved state round-trips; other files and other format versions are refused.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../tests/helpers.js";
import { loadState, saveState } from "./persist.js";
import { emptyControllerState } from "./types.js";

const [tmp, cleanup] = tempDir();
afterAll(cleanup);

describe("persist", () => {
  it("saves and loads the same state", () => {
    const state = emptyControllerState("sim", "6f1e9a0c-0000-4000-8000-000000000001");
    state.nextRelationId = 7;
    const path = join(tmp, "controller.json");
    saveState(path, state);
    expect(loadState(path)).toEqual(state);
    expect(loadState(join(tmp, "missing.json"))).toBeUndefined();
  });

  it("refuses a file that is not a saved controller, or another version", () => {
    const path = join(tmp, "other.json");
    writeFileSync(path, '{"hello": 1}');
    expect(() => loadState(path)).toThrow("is not a saved local controller");
    writeFileSync(path, '{"format": "jaas-sim-controller", "version": 99, "state": {}}');
    expect(() => loadState(path)).toThrow("format version 99");
  });
});
