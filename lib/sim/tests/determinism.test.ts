// The seeded deterministic mode: one hook at a time in the whole controller, in an order drawn
// from the seed, so two controllers given the same seed and the same operations run the same
// hooks in the same order.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Controller } from "../controller.js";
import { buildTestCharm, hookText, tempDir, withController } from "./helpers.js";

let relay: string;
let cleanup: () => void;

beforeAll(async () => {
  const [tmp, remove] = tempDir();
  cleanup = remove;
  relay = await buildTestCharm("relay", tmp);
});
afterAll(() => cleanup?.());

/** Deploys two related applications, scales one, and returns every hook run, in order. */
async function scenario(c: Controller): Promise<string[]> {
  await c.addModel("m");
  await c.deploy("m", { charmDir: relay, name: "a", scale: 2 });
  await c.deploy("m", { charmDir: relay, name: "b" });
  await c.integrate("m", "a:source", "b:sink");
  expect(await c.settle({ timeoutMs: 60_000 })).toMatchObject({ idle: true, errors: [] });
  await c.scale("m", "b", 2);
  expect(await c.settle({ timeoutMs: 60_000 })).toMatchObject({ idle: true, errors: [] });
  return c.hooks.map((r) => `${r.unit} ${hookText(r)}`);
}

describe("deterministic mode", () => {
  it("the same seed runs the same hooks in the same order", async () => {
    const first = await withController({ deterministic: { seed: 77 } }, scenario);
    const second = await withController({ deterministic: { seed: 77 } }, scenario);
    expect(first.length).toBeGreaterThan(20);
    expect(second).toEqual(first);
  }, 120_000);
});
