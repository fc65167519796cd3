/**
 * Contract: system info, health, layers and the plan, plan diffing and ensureLayer.
 *
 * @module
 */

import { describe, expect, it } from "vitest";
import { ensureLayer } from "../ensure-layer.js";
import { APIError } from "../errors.js";
import { LayerError } from "../layer.js";
import type { Layer, ServiceSpec } from "../layer.js";
import { layerChangesPlan } from "../plan-diff.js";
import { rejection, unique, untilSignalled } from "./target.js";
import type { TargetRef } from "./target.js";

export function planContract(target: TargetRef): void {
  describe("system info and health", () => {
    it("reports a version and a boot ID", async () => {
      const info = await target().pebble.getSystemInfo();
      expect(info.version).toMatch(/^v\d+\.\d+\.\d+/);
      expect(info.bootId).not.toBe("");
    });

    it("is healthy when no check is down, at every level", async () => {
      const { pebble } = target();
      expect(await pebble.health({ names: [unique("no-such-check")] })).toBe(true);
      expect(await pebble.health({ level: "alive", names: [unique("no-such-check")] })).toBe(true);
    });
  });

  describe("layers and plan", () => {
    it("adds a layer given as an object and shows it in the plan", async () => {
      const { pebble } = target();
      const svc = unique("plan-svc");
      await pebble.addLayer(unique("label"), {
        summary: "contract",
        services: {
          [svc]: {
            override: "replace",
            command: "sleep 1000",
            environment: { A: "1" },
            "backoff-delay": "60s",
          },
        },
      });
      const plan = await pebble.getPlan();
      expect(plan.services[svc]).toMatchObject({
        override: "replace",
        command: "sleep 1000",
        environment: { A: "1" },
      });
    });

    it("adds a layer given as YAML", async () => {
      const { pebble } = target();
      const svc = unique("yaml-svc");
      await pebble.addLayer(
        unique("label"),
        `services:\n  ${svc}:\n    override: replace\n    command: sleep 1000\n`,
      );
      expect((await pebble.getPlan()).services[svc]?.command).toBe("sleep 1000");
    });

    it("merges into an existing label with combine, and refuses a duplicate label without", async () => {
      const { pebble } = target();
      const svc = unique("combine-svc");
      const label = unique("label");
      await pebble.addLayer(label, {
        services: {
          [svc]: { override: "replace", command: "sleep 1000", environment: { A: "1" } },
        },
      });
      await pebble.addLayer(
        label,
        { services: { [svc]: { override: "merge", environment: { B: "2" } } } },
        { combine: true },
      );
      expect((await pebble.getPlan()).services[svc]?.environment).toEqual({ A: "1", B: "2" });
      const error = await rejection(
        pebble.addLayer(label, { services: { [svc]: { override: "merge", summary: "x" } } }),
      );
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).statusCode).toBe(400);
      expect(error.message).toContain("already exists");
    });

    it("replaces an entry with override: replace in a higher layer", async () => {
      const { pebble } = target();
      const svc = unique("replace-svc");
      await pebble.addLayer(unique("label"), {
        services: {
          [svc]: { override: "replace", command: "sleep 1000", environment: { A: "1" } },
        },
      });
      await pebble.addLayer(unique("label"), {
        services: { [svc]: { override: "replace", command: "sleep 2000" } },
      });
      const plan = await pebble.getPlan();
      expect(plan.services[svc]?.command).toBe("sleep 2000");
      expect(plan.services[svc]?.environment).toBeUndefined();
    });

    it("rejects bad YAML layers with a 400 and bad object layers before sending", async () => {
      const { pebble } = target();
      const svc = unique("bad-svc");
      const yamlError = await rejection(
        pebble.addLayer(unique("label"), `services:\n  ${svc}:\n    command: x\n`),
      );
      expect(yamlError).toBeInstanceOf(APIError);
      expect((yamlError as APIError).statusCode).toBe(400);
      expect(yamlError.message).toContain("override");
      const objectError = await rejection(
        pebble.addLayer(unique("label"), {
          services: { [svc]: { override: "sideways" as "merge", command: "x" } },
        }),
      );
      expect(objectError).toBeInstanceOf(LayerError);
    });

    it("rejects a layer that leaves a service without a command", async () => {
      const { pebble } = target();
      const svc = unique("nocmd-svc");
      const error = await rejection(
        pebble.addLayer(unique("label"), {
          services: { [svc]: { override: "merge", summary: "no command" } },
        }),
      );
      expect(error).toBeInstanceOf(APIError);
      expect(error.message).toContain(`plan must define "command" for service "${svc}"`);
      expect((await pebble.getPlan()).services[svc]).toBeUndefined();
    });

    it("reports a check's default threshold and a duration the way Pebble prints it", async () => {
      const { pebble } = target();
      const check = unique("plan-check");
      await pebble.addLayer(unique("label"), {
        checks: {
          [check]: { override: "replace", period: "1m", startup: "disabled", tcp: { port: 1 } },
        },
      });
      const spec = (await pebble.getPlan()).checks[check];
      expect(spec?.threshold).toBe(3);
      expect(spec?.period === "1m0s" || spec?.period === "1m").toBe(true);
      expect(
        layerChangesPlan(await pebble.getPlan(), {
          checks: { [check]: { override: "merge", period: "60s" } },
        }),
      ).toBe(false);
    });
  });

  describe("ensureLayer", () => {
    it("adds and replans only when the layer changes the plan", async () => {
      const t = target();
      const { pebble } = t;
      const svc = unique("ensure-svc");
      const label = unique("label");
      t.handleExec(["sleep", "1001"], untilSignalled);
      const service: ServiceSpec = {
        override: "replace",
        command: "sleep 1001",
        startup: "enabled",
        environment: { V: "1" },
      };
      const layer: Layer = { services: { [svc]: service } };
      expect(await ensureLayer(pebble, label, layer)).toBe(true);
      const [first] = await pebble.getServices([svc]);
      expect(first?.current).toBe("active");
      expect(await ensureLayer(pebble, label, layer)).toBe(false);
      const [same] = await pebble.getServices([svc]);
      expect(same?.currentSince).toBe(first?.currentSince);
      const changed: Layer = { services: { [svc]: { ...service, environment: { V: "2" } } } };
      expect(await ensureLayer(pebble, label, changed)).toBe(true);
      const [restarted] = await pebble.getServices([svc]);
      expect(restarted?.current).toBe("active");
      expect(restarted?.currentSince).not.toBe(first?.currentSince);
      // Leave nothing enabled behind for later replans.
      await pebble.addLayer(
        label,
        { services: { [svc]: { override: "merge", startup: "disabled" } } },
        { combine: true },
      );
      await pebble.stopServices([svc]);
    });
  });
}
