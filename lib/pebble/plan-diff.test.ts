import { describe, expect, it } from "vitest";
import { ensureLayer } from "./ensure-layer.js";
import { combineLayers } from "./layer.js";
import type { Layer } from "./layer.js";
import { diffPlan, layerChangesPlan } from "./plan-diff.js";
import { InMemoryPebble } from "../testing/pebble/in-memory-pebble.js";

const base: Layer = {
  services: {
    web: { override: "replace", command: "web", environment: { A: "1" }, "kill-delay": "60s" },
    db: { override: "replace", command: "db" },
  },
  checks: { up: { override: "replace", period: "10s", tcp: { port: 80 } } },
  "log-targets": {
    loki: { override: "replace", type: "loki", location: "http://l/", services: ["all"] },
  },
};

describe("plan diff", () => {
  const plan = combineLayers([base]);

  it("sees no change when the layer restates the plan, whatever the duration spelling", () => {
    expect(layerChangesPlan(plan, base)).toBe(false);
    expect(
      layerChangesPlan(plan, { services: { web: { override: "merge", "kill-delay": "1m0s" } } }),
    ).toBe(false);
    expect(
      layerChangesPlan(plan, { services: { web: { override: "merge", environment: { A: "1" } } } }),
    ).toBe(false);
    expect(layerChangesPlan(plan, { checks: { up: { override: "merge", threshold: 3 } } })).toBe(
      false,
    );
    expect(
      layerChangesPlan(plan, {
        checks: { up: { override: "replace", period: "10s", tcp: { port: 80 } } },
      }),
    ).toBe(false);
    expect(layerChangesPlan(plan, {})).toBe(false);
  });

  it("lists what merge and replace would change", () => {
    const diff = diffPlan(plan, {
      services: {
        web: { override: "merge", environment: { B: "2" } },
        db: { override: "replace", command: "db" },
        cache: { override: "replace", command: "cache" },
      },
      checks: { up: { override: "merge", threshold: 1 } },
      "log-targets": { loki: { override: "merge", services: ["-db"] } },
    });
    expect(diff).toEqual({
      changed: true,
      services: ["cache", "web"],
      checks: ["up"],
      logTargets: ["loki"],
    });
    expect(
      diffPlan(plan, { services: { web: { override: "replace", command: "web" } } }).services,
    ).toEqual(["web"]);
  });
});

describe("ensureLayer", () => {
  it("adds and replans only on change (in memory)", async () => {
    const pebble = new InMemoryPebble();
    const layer: Layer = {
      services: { web: { override: "replace", command: "web", startup: "enabled" } },
    };
    expect(await ensureLayer(pebble, "web", layer)).toBe(true);
    expect(pebble.serviceStarts("web")).toBe(1);
    expect(await ensureLayer(pebble, "web", layer)).toBe(false);
    expect(pebble.changeList()).toHaveLength(1);
    expect(
      await ensureLayer(pebble, "web", {
        services: { web: { override: "merge", environment: { X: "1" } } },
      }),
    ).toBe(true);
    expect(pebble.serviceStarts("web")).toBe(2);
    expect(pebble.layerList().map((l) => l.label)).toEqual(["web"]);
  });
});
