import { describe, expect, it } from "vitest";
import type { HookContextData } from "./context.js";
import { newHookContextData, newRelationData } from "./context.js";
import { InProcessToolRunner } from "./in-process-runner.js";

/**
 * The commit rule is the caller's: the tools mutate the working copy they are given; a harness
 * keeps it when the hook exits 0, and when it fails keeps only `immediate` (what Juju applies
 * at once). These tests play both outcomes from a snapshot.
 */
function hookContext(): HookContextData {
  return newHookContextData({
    unitName: "jimm/0",
    leader: true,
    relations: [newRelationData({ id: 3, endpoint: "db", remoteApp: "postgresql" })],
    currentRelationId: 3,
  });
}

function runHook(ctx: HookContextData): void {
  const runner = new InProcessToolRunner(ctx, { newSecretId: () => "cs1ir5ipgbgs73c6bng0" });
  runner.run("relation-set", ["--file", "-"], '{"database":"jimm"}');
  runner.run("state-set", ["deferred=[]"]);
  runner.run("open-port", ["8080"]);
  runner.run("secret-add", ["password=s3cret"]);
  runner.run("status-set", ["active", "ready"]);
  runner.run("juju-log", ["hook ran"]);
}

describe("InProcessToolRunner", () => {
  it("runs tools against the context it was given, reading its own writes", () => {
    const ctx = hookContext();
    const runner = new InProcessToolRunner(ctx);
    expect(runner.run("relation-set", ["user=jimm"])).toEqual({
      stdout: "",
      stderr: "",
      exitCode: 0,
    });
    expect(runner.run("relation-get", ["--format=json", "user", "jimm/0"]).stdout).toBe('"jimm"\n');
    expect(runner.run("relation-get", ["-r", "db:9"]).exitCode).toBe(2);
  });

  it("a hook that exits 0: the caller keeps the whole working copy", () => {
    const committed = structuredClone(hookContext());
    runHook(committed);
    expect(committed.relations[0]?.localUnitData).toEqual({ database: "jimm" });
    expect(committed.charmState).toEqual({ deferred: "[]" });
    expect(committed.openedPorts).toEqual([{ protocol: "tcp", port: 8080 }]);
    expect(committed.secrets.map((s) => s.id)).toEqual(["secret:cs1ir5ipgbgs73c6bng0"]);
  });

  it("a hook that fails: the caller drops the copy and keeps only the immediate effects", () => {
    const before = hookContext();
    const working = structuredClone(before);
    runHook(working);
    const after: HookContextData = { ...structuredClone(before), immediate: working.immediate };
    expect(after.relations[0]?.localUnitData).toEqual({});
    expect(after.charmState).toBeNull();
    expect(after.secrets).toEqual([]);
    expect(after.immediate.unitStatusHistory).toEqual([{ status: "active", message: "ready" }]);
    expect(after.immediate.logs).toEqual([{ level: "INFO", message: "db:3: hook ran" }]);
  });
});
