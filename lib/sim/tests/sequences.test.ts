// Hook sequences per unit, as Juju produces them (reference §3.2), in deterministic mode: deploy,
// integrate, relation data changes, remove-relation, config change, scale up and down (with the
// leader removed), refresh and pod churn.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestCharm, hooksOf, lastSeq, tempDir, withController } from "./helpers.js";
import type { Controller } from "../controller.js";

let relay: string;
let cleanup: () => void;

beforeAll(async () => {
  const [tmp, remove] = tempDir();
  cleanup = remove;
  relay = await buildTestCharm("relay", tmp);
});
afterAll(() => cleanup?.());

const DEPLOY_LEADER = [
  "install",
  "peers-relation-created",
  "leader-elected",
  "config-changed",
  "start",
];
const DEPLOY_FOLLOWER = [
  "install",
  "peers-relation-created",
  "leader-settings-changed",
  "config-changed",
  "start",
];

/**
 * After the setup hooks, each peer must be joined then changed, and nothing else may run: the
 * order between peers depends on when they entered scope.
 */
function expectPeerHooks(rest: string[], peers: string[]): void {
  expect([...rest].sort()).toEqual(
    peers.flatMap((p) => [`peers-relation-changed ${p}`, `peers-relation-joined ${p}`]).sort(),
  );
  for (const p of peers) {
    expect(rest.indexOf(`peers-relation-joined ${p}`)).toBeLessThan(
      rest.indexOf(`peers-relation-changed ${p}`),
    );
  }
}

async function settled(c: Controller): Promise<void> {
  const r = await c.settle({ timeoutMs: 60_000 });
  expect(r.errors).toEqual([]);
  expect(r.idle).toBe(true);
}

describe("deploy", () => {
  it("runs install, peer relation-created, leadership, config-changed, start, then peer joins", async () => {
    await withController({ deterministic: { seed: 11 } }, async (c) => {
      await c.addModel("m");
      await c.deploy("m", { charmDir: relay, scale: 3 });
      await settled(c);
      const leader = hooksOf(c, "m", "relay/0");
      expect(leader.slice(0, 5)).toEqual(DEPLOY_LEADER);
      expectPeerHooks(leader.slice(5), ["relay/1", "relay/2"]);
      for (const [unit, peers] of [
        ["relay/1", ["relay/0", "relay/2"]],
        ["relay/2", ["relay/0", "relay/1"]],
      ] as const) {
        const hooks = hooksOf(c, "m", unit);
        expect(hooks.slice(0, 5)).toEqual(DEPLOY_FOLLOWER);
        expectPeerHooks(hooks.slice(5), [...peers]);
      }
      const status = c.status("m").applications["relay"];
      expect(status?.units?.["relay/0"]?.leader).toBe(true);
      expect(status?.units?.["relay/1"]?.["workload-status"]).toMatchObject({
        current: "active",
        message: "ready",
      });
      expect(status?.units?.["relay/2"]?.["juju-status"].current).toBe("idle");
    });
  }, 60_000);

  it("runs exactly the single-unit sequence", async () => {
    await withController({ deterministic: { seed: 3 } }, async (c) => {
      await c.addModel("m");
      await c.deploy("m", { charmDir: relay, name: "solo" });
      await settled(c);
      expect(hooksOf(c, "m", "solo/0")).toEqual(DEPLOY_LEADER);
    });
  }, 60_000);
});

describe("relations", () => {
  it("integrate: created, then joined and changed per remote unit in order; remove-relation: departed each, then broken", async () => {
    await withController({ deterministic: { seed: 5 } }, async (c) => {
      await c.addModel("m");
      await c.deploy("m", { charmDir: relay, name: "up", scale: 2 });
      await c.deploy("m", { charmDir: relay, name: "down", scale: 2 });
      await settled(c);
      let mark = lastSeq(c);
      const { key } = await c.integrate("m", "up:source", "down");
      expect(key).toBe("down:sink up:source");
      await settled(c);
      for (const unit of ["up/0", "up/1"]) {
        expect(hooksOf(c, "m", unit, mark)).toEqual([
          "source-relation-created",
          "source-relation-joined down/0",
          "source-relation-changed down/0",
          "source-relation-joined down/1",
          "source-relation-changed down/1",
        ]);
      }
      for (const unit of ["down/0", "down/1"]) {
        expect(hooksOf(c, "m", unit, mark)).toEqual([
          "sink-relation-created",
          "sink-relation-joined up/0",
          "sink-relation-changed up/0",
          "sink-relation-joined up/1",
          "sink-relation-changed up/1",
        ]);
      }

      mark = lastSeq(c);
      await c.removeRelation("m", "up", "down");
      await settled(c);
      for (const unit of ["up/0", "up/1"]) {
        expect(hooksOf(c, "m", unit, mark)).toEqual([
          "source-relation-departed down/0",
          "source-relation-departed down/1",
          "source-relation-broken",
        ]);
      }
      for (const unit of ["down/0", "down/1"]) {
        expect(hooksOf(c, "m", unit, mark)).toEqual([
          "sink-relation-departed up/0",
          "sink-relation-departed up/1",
          "sink-relation-broken",
        ]);
      }
      expect(c.state.relations.filter((r) => !r.peer)).toEqual([]);
      const departed = c.hooks.find((r) => r.seq > mark && r.unit === "up/0");
      expect(departed?.departingUnit).toBe("down/0");
    });
  }, 60_000);

  it("changed follows a committed remote write: unit bags name the writer, app bags none; no changed for own writes", async () => {
    await withController({ deterministic: { seed: 8 } }, async (c) => {
      await c.addModel("m");
      await c.deploy("m", { charmDir: relay, name: "up", scale: 2 });
      await c.deploy("m", { charmDir: relay, name: "down" });
      await c.integrate("m", "up", "down:sink");
      await settled(c);

      let mark = lastSeq(c);
      const set = await c.runAction("m", "up/1", "set-data", { key: "colour", value: "blue" });
      expect(set.status).toBe("completed");
      await settled(c);
      expect(hooksOf(c, "m", "up/1", mark)).toEqual(["action:set-data"]);
      expect(hooksOf(c, "m", "up/0", mark)).toEqual(["peers-relation-changed up/1"]);
      expect(hooksOf(c, "m", "down/0", mark)).toEqual(["sink-relation-changed up/1"]);

      mark = lastSeq(c);
      await c.runAction("m", "up/0", "set-app-data", { key: "mode", value: "fast" });
      await settled(c);
      // The leader wrote both its peer and its source application bags.
      expect(hooksOf(c, "m", "up/0", mark)).toEqual(["action:set-app-data"]);
      expect(hooksOf(c, "m", "up/1", mark)).toEqual(["peers-relation-changed"]);
      expect(hooksOf(c, "m", "down/0", mark)).toEqual(["sink-relation-changed"]);

      const info = c.showUnit("m", "down/0")["down/0"];
      const shown = info?.["relation-info"].find((r) => r.endpoint === "sink");
      expect(shown?.["application-data"]).toEqual({ mode: "fast" });
      expect(shown?.["related-units"]?.["up/1"]?.data.colour).toBe("blue");
      expect(shown?.["related-units"]?.["up/1"]?.data["ingress-address"]).toMatch(/^10\./);
    });
  }, 60_000);
});

describe("config, scale, refresh, churn", () => {
  it("config change runs config-changed on every unit; an unchanged value runs nothing", async () => {
    await withController({ deterministic: { seed: 2 } }, async (c) => {
      await c.addModel("m");
      await c.deploy("m", { charmDir: relay, scale: 2 });
      await settled(c);
      let mark = lastSeq(c);
      await c.config("m", "relay", { greeting: "hello", count: "3" });
      await settled(c);
      expect(hooksOf(c, "m", "relay/0", mark)).toEqual(["config-changed"]);
      expect(hooksOf(c, "m", "relay/1", mark)).toEqual(["config-changed"]);
      expect(c.getConfig("m", "relay")).toMatchObject({ greeting: "hello", count: 3 });
      mark = lastSeq(c);
      await c.config("m", "relay", { count: 3 });
      await settled(c);
      expect(hooksOf(c, "m", "relay/0", mark)).toEqual([]);
      await c.trust("m", "relay", true);
      await settled(c);
      expect(hooksOf(c, "m", "relay/1", mark)).toEqual(["config-changed"]);
    });
  }, 60_000);

  it("scale up: new units set up and join; others join them", async () => {
    await withController({ deterministic: { seed: 4 } }, async (c) => {
      await c.addModel("m");
      await c.deploy("m", { charmDir: relay, name: "up" });
      await c.deploy("m", { charmDir: relay, name: "down" });
      await c.integrate("m", "up", "down:sink");
      await settled(c);
      const mark = lastSeq(c);
      await c.scale("m", "up", 2);
      await settled(c);
      expect(hooksOf(c, "m", "up/1", mark)).toEqual([
        "install",
        "peers-relation-created",
        "source-relation-created",
        "leader-settings-changed",
        "config-changed",
        "start",
        "peers-relation-joined up/0",
        "peers-relation-changed up/0",
        "source-relation-joined down/0",
        "source-relation-changed down/0",
      ]);
      expect(hooksOf(c, "m", "up/0", mark)).toEqual([
        "peers-relation-joined up/1",
        "peers-relation-changed up/1",
      ]);
      expect(hooksOf(c, "m", "down/0", mark)).toEqual([
        "sink-relation-joined up/1",
        "sink-relation-changed up/1",
      ]);
    });
  }, 60_000);

  it("remove-unit of the leader (machine model): leavers depart and tear down, the survivor is elected", async () => {
    await withController({ deterministic: { seed: 9 } }, async (c) => {
      // Kubernetes models refuse remove-unit (see refusals.test.ts); machine models allow it.
      await c.addModel("m", { type: "iaas" });
      await c.deploy("m", { charmDir: relay, name: "up", scale: 3 });
      await c.deploy("m", { charmDir: relay, name: "down" });
      await c.integrate("m", "up", "down:sink");
      await settled(c);
      const mark = lastSeq(c);
      await c.removeUnit("m", "up/0", "up/1");
      await settled(c);
      expect(hooksOf(c, "m", "up/0", mark)).toEqual([
        "peers-relation-departed up/1 (departing up/0)",
        "peers-relation-departed up/2 (departing up/0)",
        "source-relation-departed down/0 (departing up/0)",
        "source-relation-broken",
        "stop",
        "remove",
      ]);
      expect(hooksOf(c, "m", "up/1", mark)).toEqual([
        "peers-relation-departed up/0 (departing up/1)",
        "peers-relation-departed up/2 (departing up/1)",
        "source-relation-departed down/0 (departing up/1)",
        "source-relation-broken",
        "stop",
        "remove",
      ]);
      const survivor = hooksOf(c, "m", "up/2", mark);
      expect([...survivor].sort()).toEqual(
        ["leader-elected", "peers-relation-departed up/0", "peers-relation-departed up/1"].sort(),
      );
      expect(survivor.indexOf("peers-relation-departed up/0")).toBeLessThan(
        survivor.indexOf("peers-relation-departed up/1"),
      );
      expect(hooksOf(c, "m", "down/0", mark)).toEqual([
        "sink-relation-departed up/0",
        "sink-relation-departed up/1",
      ]);
      const state = c.state.models["m"];
      expect(Object.keys(state?.units ?? {}).sort()).toEqual(["down/0", "up/2"]);
      expect(state?.applications["up"]?.leader).toBe("up/2");
      // A machine model's status has no scale (Kubernetes only): one unit remains.
      expect(Object.keys(c.status("m").applications["up"]?.units ?? {})).toEqual(["up/2"]);
    });
  }, 60_000);

  it("scale down removes the highest units; a follower's removal elects no one", async () => {
    await withController({ deterministic: { seed: 6 } }, async (c) => {
      await c.addModel("m");
      await c.deploy("m", { charmDir: relay, scale: 2 });
      await settled(c);
      const mark = lastSeq(c);
      await c.scale("m", "relay", 1);
      await settled(c);
      expect(hooksOf(c, "m", "relay/1", mark)).toEqual([
        "peers-relation-departed relay/0 (departing relay/1)",
        "stop",
        "remove",
      ]);
      expect(hooksOf(c, "m", "relay/0", mark)).toEqual(["peers-relation-departed relay/1"]);
    });
  }, 60_000);

  it("refresh on Kubernetes: stop, upgrade-charm, config-changed, leader-settings-changed (followers), start", async () => {
    await withController({ deterministic: { seed: 12 } }, async (c) => {
      await c.addModel("m");
      await c.deploy("m", { charmDir: relay, scale: 2 });
      await settled(c);
      const mark = lastSeq(c);
      await c.refresh("m", "relay");
      await settled(c);
      expect(hooksOf(c, "m", "relay/0", mark)).toEqual([
        "stop",
        "upgrade-charm",
        "config-changed",
        "start",
      ]);
      expect(hooksOf(c, "m", "relay/1", mark)).toEqual([
        "stop",
        "upgrade-charm",
        "config-changed",
        "leader-settings-changed",
        "start",
      ]);
      expect(c.status("m").applications["relay"]?.charm).toBe("local:relay-2");
    });
  }, 60_000);

  it("pod churn: the old pod stops; the new one runs upgrade-charm, config-changed, start; charm state survives", async () => {
    await withController({ deterministic: { seed: 13 } }, async (c) => {
      await c.addModel("m");
      await c.deploy("m", { charmDir: relay, scale: 2 });
      await settled(c);
      const stateBefore = c.state.models["m"]?.units["relay/1"]?.charmState;
      const mark = lastSeq(c);
      await c.churn("m", "relay/1");
      await settled(c);
      expect(hooksOf(c, "m", "relay/1", mark)).toEqual([
        "stop",
        "upgrade-charm",
        "config-changed",
        "start",
      ]);
      expect(hooksOf(c, "m", "relay/0", mark)).toEqual([]);
      expect(c.state.models["m"]?.units["relay/1"]?.charmState).toEqual(stateBefore);
    });
  }, 60_000);

  it("refresh on a machine model: upgrade-charm, config-changed; no pod churn there", async () => {
    await withController({ deterministic: { seed: 14 } }, async (c) => {
      await c.addModel("vm", { type: "iaas" });
      await c.deploy("vm", { charmDir: relay, scale: 2 });
      await settled(c);
      expect(hooksOf(c, "vm", "relay/1").slice(0, 5)).toEqual(DEPLOY_FOLLOWER);
      const mark = lastSeq(c);
      await c.refresh("vm", "relay");
      await settled(c);
      expect(hooksOf(c, "vm", "relay/0", mark)).toEqual(["upgrade-charm", "config-changed"]);
      expect(hooksOf(c, "vm", "relay/1", mark)).toEqual(["upgrade-charm", "config-changed"]);
      await expect(c.churn("vm", "relay/0")).rejects.toThrow("churn needs a kubernetes model");
      expect(c.status("vm").model.type).toBe("iaas");
      expect(c.status("vm").applications["relay"]?.units?.["relay/0"]?.machine).toBe("0");
    });
  }, 60_000);
});
