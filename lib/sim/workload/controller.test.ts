/**
 * The workload manager behind the local controller, end to end: the demo charm
 * (`examples/demo`) deployed with two units, each unit in its own network namespace with a real
 * Pebble in its `web` container. The charm's pebble-ready hook talks to Pebble over
 * `/charm/containers/web/pebble.socket` and starts `python3 -m http.server 8080`; both units
 * then serve on port 8080 at their own addresses. Needs root and `.cache/bin/pebble`.
 */

import { mkdir } from "node:fs/promises";
import { request } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { buildCharms, localModelPrerequisites, startLocalModel } from "../testing/local-model.js";
import type { BuiltCharms, LeftOver } from "../testing/local-model.js";
import type { WorkloadEvent } from "./events.js";
import { delay } from "./procs.js";

const DEMO = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "examples", "demo");

function get(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: "/", timeout: 2_000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}

const missing = localModelPrerequisites();
if (missing.length > 0)
  console.warn(`workload controller test skipped: needs ${missing.join(", ")}`);

describe.skipIf(missing.length > 0)(
  "workload manager behind the controller (real kernel, real Pebble)",
  () => {
    let charms: BuiltCharms<"demo"> | undefined;

    beforeAll(async () => {
      charms = await buildCharms({ demo: DEMO });
    }, 120_000);

    afterAll(async () => {
      await charms?.remove();
    });

    it("runs the demo charm's workload in every unit, each on port 8080 at its own address", async () => {
      const charmDir = charms!.dirs.demo;
      const model = await startLocalModel({ models: ["jaas"] });
      const c = model.controller;
      const events: WorkloadEvent[] = [];
      model.workloads.subscribe((e) => {
        events.push(e);
      });
      let leftOver: LeftOver;
      try {
        const image = join(model.dir, "image"); // the demo runs python3 from the base system: an empty image
        await mkdir(image);
        await c.deploy("jaas", {
          charmDir,
          name: "demo",
          scale: 2,
          resources: { "web-image": image },
        });
        await model.settle("deploy", { timeoutMs: 90_000 });
        expect(
          events
            .filter((e) => e.kind === "pebble-ready")
            .map((e) => e.unit)
            .sort(),
        ).toEqual(["demo/0", "demo/1"]);
        // pebble-ready is the last event to make the charm start its server; wait for it.
        const units = c.status("jaas").applications.demo?.units ?? {};
        expect(Object.keys(units).sort()).toEqual(["demo/0", "demo/1"]);
        for (const [name, unit] of Object.entries(units)) {
          const address = unit.address as string;
          let code = 0;
          for (let i = 0; i < 100 && code !== 200; i++) {
            code = await get(address, 8080).catch(() => 0);
            if (code !== 200) await delay(100);
          }
          expect(code, `${name} at ${address}`).toBe(200);
        }
        const log = c.unitLog("jaas", "demo/0").map((l) => l.message);
        expect(log.join("\n")).not.toContain("Uncaught exception");
      } finally {
        leftOver = await model.close();
      }
      expect(leftOver.processes).toEqual([]);
    }, 180_000);
  },
);
