// With the workload manager (root only): the demo charm's `web` container gets a real Pebble in
// each unit's pod; the controller queues web-pebble-ready, the charm reaches Pebble at
// /charm/containers/web/pebble.socket, starts its service and goes active.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCharmDir } from "../../pack/build.js";
import { REPO_ROOT } from "../../pack/node-runtime.js";
import { ensureExecHelper } from "../workload/exec-helper.js";
import { WorkloadManager } from "../workload/manager.js";
import { hooksOf, tempDir, withController } from "./helpers.js";

const root = process.getuid?.() === 0;
let tmp: string;
let demo: string;
let cleanup: () => void;

beforeAll(async () => {
  [tmp, cleanup] = tempDir();
  const src = join(REPO_ROOT, "examples", "demo");
  const built = await buildCharmDir({
    charmDir: src,
    entry: join(src, "src", "main.ts"),
    outDir: join(tmp, "demo"),
    node: process.execPath,
    nodeInstall: "symlink",
  });
  demo = built.dir;
  if (root) ensureExecHelper();
}, 120_000);
afterAll(() => cleanup?.());

describe.runIf(root)("workload containers", () => {
  it("runs pebble-ready and the charm drives its Pebble", async () => {
    const manager = new WorkloadManager({ stateDir: join(tmp, "wl") });
    const image = join(tmp, "image");
    mkdirSync(image, { recursive: true });
    try {
      await withController(
        { networking: true, workloads: manager, deterministic: { seed: 91 } },
        async (c) => {
          await c.addModel("m");
          await c.deploy("m", { charmDir: demo, scale: 2, resources: { "web-image": image } });
          const settled = await c.settle({ timeoutMs: 120_000 });
          expect(settled).toMatchObject({ idle: true, errors: [] });
          for (const unit of ["demo/0", "demo/1"]) {
            const hooks = hooksOf(c, "m", unit);
            expect(hooks).toContain("web-pebble-ready");
            expect(hooks.indexOf("install")).toBe(0);
          }
          const status = c.status("m").applications["demo"]?.units;
          expect(status?.["demo/0"]?.["workload-status"]).toMatchObject({
            current: "active",
            message: "hello",
          });
          expect(status?.["demo/1"]?.["workload-status"]).toMatchObject({
            current: "active",
            message: "hello",
          });
        },
      );
    } finally {
      await manager.close();
    }
  }, 180_000);
});
