/**
 * The workload manager behind the local controller, end to end: the demo charm
 * (`examples/demo`) deployed with two units, each unit in its own network namespace with a real
 * Pebble in its `web` container. The charm's pebble-ready hook talks to Pebble over
 * `/charm/containers/web/pebble.socket` and starts `python3 -m http.server 8080`; both units
 * then serve on port 8080 at their own addresses. Needs root and `.cache/bin/pebble`.
 */

import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { buildCharmDir } from "../../pack/build.js";
import { Controller } from "../controller.js";
import type { WorkloadEvent } from "./events.js";
import { ensureExecHelper } from "./exec-helper.js";
import { defaultPebble, WorkloadManager } from "./manager.js";
import { delay, pidsWithMarker } from "./procs.js";

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

describe.skipIf(process.getuid?.() !== 0 || !existsSync(defaultPebble()))(
  "workload manager behind the controller (real kernel, real Pebble)",
  () => {
    let work: string;
    let charmDir: string;
    let image: string;

    beforeAll(async () => {
      ensureExecHelper();
      work = await mkdtemp(join(tmpdir(), "wl-ctl-"));
      image = join(work, "image"); // the demo runs python3 from the base system: an empty image
      await mkdir(image);
      const built = await buildCharmDir({
        charmDir: DEMO,
        entry: join(DEMO, "src", "main.ts"),
        outDir: join(work, "demo"),
        node: process.execPath,
        nodeInstall: "symlink",
        minify: false,
      });
      charmDir = built.dir;
    }, 120_000);

    afterAll(async () => {
      if (work) await rm(work, { recursive: true, force: true });
    });

    it("runs the demo charm's workload in every unit, each on port 8080 at its own address", async () => {
      const manager = new WorkloadManager({ stateDir: join(work, "wl") });
      const events: WorkloadEvent[] = [];
      manager.subscribe((e) => {
        events.push(e);
      });
      const c = await Controller.create({
        stateDir: join(work, "ctl"),
        networking: true,
        workloads: manager,
        updateStatusIntervalMs: 0,
        timeScale: 0.005,
        persist: false,
      });
      try {
        await c.addModel("jaas");
        await c.deploy("jaas", {
          charmDir,
          name: "demo",
          scale: 2,
          resources: { "web-image": image },
        });
        const settled = await c.settle({ timeoutMs: 90_000 });
        expect(settled.errors).toEqual([]);
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
        try {
          await c.destroy();
        } finally {
          await manager.close();
        }
      }
      expect(await pidsWithMarker(join(work, "wl"))).toEqual([]);
    }, 180_000);
  },
);
