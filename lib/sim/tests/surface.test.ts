// What units can do besides relations: storage (attached before install, storage-add, detaching
// on removal), opened ports and workload version in status and show-unit, relation-model-get,
// and the unit log with hook output and juju-log records.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestCharm, hooksOf, lastSeq, tempDir, withController } from "./helpers.js";

let relay: string;
let keeper: string;
let cleanup: () => void;

beforeAll(async () => {
  const [tmp, remove] = tempDir();
  cleanup = remove;
  relay = await buildTestCharm("relay", tmp);
  keeper = await buildTestCharm("keeper", tmp);
});
afterAll(() => cleanup?.());

describe("storage", () => {
  it("attaches before install, adds on request, detaches before remove", async () => {
    await withController({ deterministic: { seed: 81 } }, async (c) => {
      await c.addModel("m");
      await c.deploy("m", { charmDir: keeper });
      expect((await c.settle({ timeoutMs: 60_000 })).errors).toEqual([]);
      expect(hooksOf(c, "m", "keeper/0")).toEqual([
        "data-storage-attached",
        "install",
        "leader-elected",
        "config-changed",
        "start",
      ]);
      const first = c.state.models["m"]!.units["keeper/0"]!.storage[0]!;
      expect(first).toMatchObject({ id: "data/0", kind: "filesystem" });
      expect(readFileSync(join(first.location, "attached"), "utf8")).toBe("data/0\n");

      let mark = lastSeq(c);
      await c.runAction("m", "keeper/0", "add-storage", { count: 2 });
      expect((await c.settle({ timeoutMs: 60_000 })).errors).toEqual([]);
      expect(hooksOf(c, "m", "keeper/0", mark)).toEqual([
        "action:add-storage",
        "data-storage-attached",
        "data-storage-attached",
      ]);
      expect(c.state.models["m"]!.units["keeper/0"]!.storage.map((s) => s.id)).toEqual([
        "data/0",
        "data/1",
        "data/2",
      ]);

      mark = lastSeq(c);
      await c.scale("m", "keeper", 0);
      expect((await c.settle({ timeoutMs: 60_000 })).errors).toEqual([]);
      expect(hooksOf(c, "m", "keeper/0", mark)).toEqual([
        "stop",
        "data-storage-detaching",
        "data-storage-detaching",
        "data-storage-detaching",
        "remove",
      ]);
      expect(existsSync(first.location)).toBe(false);
    });
  }, 90_000);
});

describe("ports, versions, remote model, logs", () => {
  it("shows what the charm set", async () => {
    await withController({ deterministic: { seed: 82 } }, async (c) => {
      const m = await c.addModel("m");
      await c.deploy("m", { charmDir: relay, name: "up" });
      await c.deploy("m", { charmDir: relay, name: "down" });
      await c.integrate("m", "up", "down:sink");
      expect((await c.settle({ timeoutMs: 60_000 })).errors).toEqual([]);

      await c.runAction("m", "up/0", "open-port", { port: 8080 });
      await c.runAction("m", "up/0", "set-version", { version: "1.2.3" });
      const status = c.status("m").applications["up"];
      expect(status?.units?.["up/0"]?.["open-ports"]).toEqual(["8080/tcp"]);
      expect(status?.version).toBe("1.2.3");
      expect(c.showUnit("m", "up/0")["up/0"]).toMatchObject({
        "opened-ports": ["8080/tcp"],
        "workload-version": "1.2.3",
        charm: "local:relay-1",
        leader: true,
        life: "alive",
      });

      const remote = await c.runAction("m", "down/0", "remote-model");
      const sink = c.state.relations.find((r) => !r.peer)!;
      expect(remote.results[`sink-${sink.id}`]).toBe(m.uuid);

      const crash = await c.runAction("m", "up/0", "crash");
      expect(crash.status).toBe("failed");
      const log = c.unitLog("m", "up/0");
      expect(
        log.some(
          (l) =>
            l.logger === "unit.up/0.action" &&
            l.level === "WARNING" &&
            l.message.includes("crash requested"),
        ),
      ).toBe(true);
      expect(log.some((l) => l.logger === "unit.up/0.juju-log" && l.level === "ERROR")).toBe(true);
    });
  }, 90_000);
});
