// Pebble's events reach the charm as Juju's workload hooks: the controller queues the workload
// manager's events per unit, in order, and runs `<container>-pebble-ready`,
// `-pebble-custom-notice`, `-pebble-check-failed` and `-pebble-check-recovered` with the
// variables Juju sets (JUJU_WORKLOAD_NAME, JUJU_NOTICE_ID/TYPE/KEY, JUJU_PEBBLE_CHECK_NAME).
// A stand-in workload manager raises the events, so this needs neither root nor Pebble (the
// real manager's own events are tested in lib/sim/workload and tests/workloads.test.ts).
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  ControllerWorkloads,
  StartedWorkload,
  WorkloadContainerSpec,
  WorkloadEvent,
  WorkloadUnitSpec,
} from "../workload/types.js";
import { hooksOf, lastSeq, tempDir, withController } from "./helpers.js";

/** A workload manager that starts nothing and raises the events the test asks for. */
class FakeWorkloads implements ControllerWorkloads {
  readonly started: string[] = [];
  readonly stopped: string[] = [];
  private readonly listeners = new Set<(event: WorkloadEvent) => void>();

  startUnit(
    unit: WorkloadUnitSpec,
    containers: readonly WorkloadContainerSpec[],
  ): Promise<StartedWorkload> {
    this.started.push(unit.unit);
    const out: StartedWorkload = { containers: {} };
    for (const c of containers) out.containers[c.name] = { socketPath: `/nonexistent/${c.name}` };
    return Promise.resolve(out);
  }

  stopUnit(ref: { model: string; unit: string }): Promise<void> {
    this.stopped.push(ref.unit);
    return Promise.resolve();
  }

  subscribe(listener: (event: WorkloadEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  charmProcessCommand(_ref: { model: string; unit: string }, command: readonly string[]): string[] {
    return [...command];
  }

  emit(event: WorkloadEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

let tmp: string;
let charm: string;
let image: string;
let cleanup: () => void;

beforeAll(() => {
  [tmp, cleanup] = tempDir();
  charm = join(tmp, "sidecar");
  image = join(tmp, "image");
  mkdirSync(charm, { recursive: true });
  mkdirSync(image, { recursive: true });
  writeFileSync(
    join(charm, "metadata.yaml"),
    [
      "name: sidecar",
      "summary: A shell charm with one container (workload-events.test.ts).",
      "description: Logs the workload variables of each hook.",
      "containers:",
      "  web:",
      "    resource: web-image",
      "resources:",
      "  web-image:",
      "    type: oci-image",
      "",
    ].join("\n"),
  );
  writeFileSync(
    join(charm, "dispatch"),
    [
      "#!/bin/sh",
      'case "$JUJU_DISPATCH_PATH" in',
      "  hooks/web-pebble-*)",
      '    juju-log "$JUJU_DISPATCH_PATH workload=$JUJU_WORKLOAD_NAME notice=${JUJU_NOTICE_ID-unset}/${JUJU_NOTICE_TYPE-unset}/${JUJU_NOTICE_KEY-unset} check=${JUJU_PEBBLE_CHECK_NAME-unset}"',
      "    ;;",
      "esac",
      "",
    ].join("\n"),
  );
  chmodSync(join(charm, "dispatch"), 0o755);
});
afterAll(() => cleanup?.());

describe("workload events", () => {
  it("run as the unit's pebble hooks, in order, with Juju's variables", async () => {
    const workloads = new FakeWorkloads();
    await withController({ workloads, deterministic: { seed: 41 } }, async (c) => {
      await c.addModel("m");
      await c.deploy("m", { charmDir: charm, scale: 2, resources: { "web-image": image } });
      expect(await c.settle({ timeoutMs: 60_000 })).toMatchObject({ idle: true, errors: [] });
      expect(workloads.started.sort()).toEqual(["sidecar/0", "sidecar/1"]);
      const mark = lastSeq(c);
      const base = { model: "m", unit: "sidecar/0", container: "web" } as const;
      workloads.emit({ kind: "pebble-ready", ...base });
      workloads.emit({
        kind: "pebble-custom-notice",
        ...base,
        notice: { id: "7", type: "custom", key: "example.com/ping" },
      });
      workloads.emit({ kind: "pebble-check-failed", ...base, checkName: "alive" });
      workloads.emit({ kind: "pebble-check-recovered", ...base, checkName: "alive" });
      // Events of units that do not exist are dropped.
      workloads.emit({ kind: "pebble-ready", model: "m", unit: "sidecar/9", container: "web" });
      expect(await c.settle({ timeoutMs: 60_000 })).toMatchObject({ idle: true, errors: [] });

      expect(hooksOf(c, "m", "sidecar/0", mark)).toEqual([
        "web-pebble-ready",
        "web-pebble-custom-notice",
        "web-pebble-check-failed",
        "web-pebble-check-recovered",
      ]);
      expect(hooksOf(c, "m", "sidecar/1", mark)).toEqual([]);
      const lines = c
        .unitLog("m", "sidecar/0")
        .map((l) => l.message)
        .filter((m) => m.startsWith("hooks/web-pebble-"));
      expect(lines).toEqual([
        "hooks/web-pebble-ready workload=web notice=unset/unset/unset check=unset",
        "hooks/web-pebble-custom-notice workload=web notice=7/custom/example.com/ping check=unset",
        "hooks/web-pebble-check-failed workload=web notice=unset/unset/unset check=alive",
        "hooks/web-pebble-check-recovered workload=web notice=unset/unset/unset check=alive",
      ]);

      // Pod churn stops the old pod and starts a new one.
      await c.churn("m", "sidecar/1");
      expect(await c.settle({ timeoutMs: 60_000 })).toMatchObject({ idle: true, errors: [] });
      expect(workloads.stopped).toContain("sidecar/1");
      expect(workloads.started.filter((u) => u === "sidecar/1")).toHaveLength(2);
    });
  }, 90_000);
});
