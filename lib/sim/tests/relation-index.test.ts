// The relation index of lib/ops (relation-ids answers kept across hooks) against the local
// model: through integrate, a second endpoint, remove-relation, scale up and down, re-integrate
// and a cross-model relation, every unit of the census charm reads exactly the relations the
// model holds. The charm runs the index in verify mode, so any hit that differs from
// `relation-ids` fails its hook; each step ends with a config-changed, which reads every
// endpoint from the index.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RELATION_INDEX_FILE } from "../../ops/backend/relation-index.js";
import type { Controller } from "../controller.js";
import { buildTestCharm, tempDir, withController } from "./helpers.js";

let census: string;
let relay: string;
let cleanup: () => void;

beforeAll(async () => {
  const [tmp, remove] = tempDir();
  cleanup = remove;
  census = await buildTestCharm("census", tmp);
  relay = await buildTestCharm("relay", tmp);
});
afterAll(() => cleanup?.());

const ENDPOINTS = ["api", "db", "peers"] as const;

/** What the model holds: relation ids per endpoint of `unit`, from `show-unit`. */
function truth(c: Controller, model: string, unit: string): Record<string, number[]> {
  const out: Record<string, number[]> = Object.fromEntries(ENDPOINTS.map((e) => [e, []]));
  for (const info of c.showUnit(model, unit)[unit]?.["relation-info"] ?? []) {
    out[info.endpoint]?.push(info["relation-id"]);
  }
  for (const ids of Object.values(out)) ids.sort((a, b) => a - b);
  return out;
}

let tick = 0;

/** Runs config-changed on every census unit and checks what each saw and what it kept. */
async function expectCensus(c: Controller, model: string): Promise<void> {
  await c.config(model, "census", { tick: String(++tick) });
  const r = await c.settle({ timeoutMs: 120_000 });
  expect(r.errors).toEqual([]);
  const units = c.status(model).applications["census"]?.units ?? {};
  expect(Object.keys(units).length).toBeGreaterThan(0);
  for (const [unit, status] of Object.entries(units)) {
    const want = truth(c, model, unit);
    const message = ENDPOINTS.map((e) => `${e}=[${want[e]!.join(",")}]`).join(" ");
    expect({ unit, message: status["workload-status"].message }).toEqual({ unit, message });
    const dir = join(c.stateDir, "units", model, `unit-${unit.replace("/", "-")}`, "charm");
    const index = JSON.parse(readFileSync(join(dir, RELATION_INDEX_FILE), "utf8")) as {
      unit: string;
      endpoints: Record<string, number[]>;
    };
    expect(index.unit).toBe(unit);
    expect(index.endpoints).toEqual(want);
  }
}

describe("relation index in the local model", () => {
  it("matches the model through relation changes, scaling and a cross-model relation", async () => {
    await withController({}, async (c) => {
      await c.addModel("m");
      await c.deploy("m", { charmDir: census, scale: 2 });
      await c.deploy("m", { charmDir: relay });
      await expectCensus(c, "m");

      await c.integrate("m", "census:db", "relay:source");
      await expectCensus(c, "m");
      await c.integrate("m", "relay:sink", "census:api");
      await expectCensus(c, "m");

      await c.removeRelation("m", "census:db", "relay:source");
      await expectCensus(c, "m");

      await c.scale("m", "census", 3);
      await expectCensus(c, "m");
      await c.integrate("m", "census:db", "relay:source");
      await expectCensus(c, "m");
      await c.scale("m", "census", 1);
      await expectCensus(c, "m");

      // A second provider in another model, offered and consumed (db has limit 1 on relay
      // only; census:db takes several).
      await c.addModel("vm");
      await c.deploy("vm", { charmDir: relay, name: "far" });
      await c.offer("vm", "far:source", "far-db");
      await c.consume("m", "admin/vm.far-db");
      await c.integrate("m", "census:db", "far-db");
      await expectCensus(c, "m");
      await c.removeRelation("m", "census:db", "far-db");
      await expectCensus(c, "m");
    });
  }, 600_000);
});
