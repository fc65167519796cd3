import { describe, expect, it } from "vitest";
import type { HookContextData } from "../context.js";
import { newHookContextData } from "../context.js";
import { runTool } from "../run-tool.js";

const run = (ctx: HookContextData, tool: string, ...args: string[]) => runTool(ctx, tool, args);

describe("config-get", () => {
  const ctx = (): HookContextData =>
    newHookContextData({
      unitName: "openfga/0",
      config: { port: 8080, "log-level": "info", debug: false, ratio: 0.5 },
      configUnsetOptions: ["dns-name"],
    });

  it("prints all set and defaulted options", () => {
    expect(run(ctx(), "config-get", "--format=json").stdout).toBe(
      '{"debug":false,"log-level":"info","port":8080,"ratio":0.5}\n',
    );
    expect(run(ctx(), "config-get").stdout).toBe(
      "debug: false\nlog-level: info\nport: 8080\nratio: 0.5\n",
    );
  });

  it("prints one key, or null for an unknown one", () => {
    expect(run(ctx(), "config-get", "port").stdout).toBe("8080\n");
    expect(run(ctx(), "config-get", "debug").stdout).toBe("False\n");
    expect(run(ctx(), "config-get", "--format=json", "log-level").stdout).toBe('"info"\n');
    expect(run(ctx(), "config-get", "--format=json", "nope")).toEqual({
      stdout: "null\n",
      stderr: "",
      exitCode: 0,
    });
  });

  it("adds unset options as null with --all", () => {
    expect(run(ctx(), "config-get", "--all", "--format=json").stdout).toBe(
      '{"debug":false,"dns-name":null,"log-level":"info","port":8080,"ratio":0.5}\n',
    );
    expect(run(ctx(), "config-get", "-a", "port").stderr).toBe(
      'ERROR cannot use argument --all together with key "port"\n',
    );
    expect(run(ctx(), "config-get", "a", "b").stderr).toBe('ERROR unrecognized args: ["b"]\n');
  });
});

describe("status-set / status-get", () => {
  it("sets the unit status at once and records it as immediate", () => {
    const ctx = newHookContextData({ unitName: "a/0" });
    expect(run(ctx, "status-set", "maintenance", "installing")).toEqual({
      stdout: "",
      stderr: "",
      exitCode: 0,
    });
    expect(run(ctx, "status-set", "--application=False", "active", "--", "-ready-")).toMatchObject({
      exitCode: 0,
    });
    expect(ctx.unitStatus).toEqual({ status: "active", message: "-ready-" });
    expect(ctx.immediate.unitStatusHistory).toEqual([
      { status: "maintenance", message: "installing" },
      { status: "active", message: "-ready-" },
    ]);
    expect(run(ctx, "status-get").stdout).toBe("active\n");
    expect(run(ctx, "status-get", "--format=json").stdout).toBe('{"status":"active"}\n');
    expect(run(ctx, "status-get", "--include-data", "--format=json").stdout).toBe(
      '{"message":"-ready-","status":"active","status-data":{}}\n',
    );
  });

  it("validates its arguments", () => {
    const ctx = newHookContextData({ unitName: "a/0" });
    expect(run(ctx, "status-set")).toEqual({
      stdout: "",
      stderr: "ERROR invalid args, require <status> [message]\n",
      exitCode: 2,
    });
    expect(run(ctx, "status-set", "error").stderr).toBe(
      'ERROR invalid status "error", expected one of [maintenance blocked waiting active]\n',
    );
    expect(run(ctx, "status-set", "active", "a", "b").stderr).toBe(
      'ERROR unrecognized args: ["b"]\n',
    );
  });

  it("needs leadership for the application status", () => {
    const follower = newHookContextData({ unitName: "a/1" });
    expect(run(follower, "status-set", "--application", "blocked", "no db")).toEqual({
      stdout: "",
      stderr: "ERROR this unit is not the leader\n",
      exitCode: 1,
    });
    expect(follower.immediate.appStatusHistory).toEqual([]);
    expect(run(follower, "status-get", "--application").stderr).toBe(
      "ERROR finding application status: this unit is not the leader\n",
    );
  });

  it("prints the application status with its units for the leader", () => {
    const ctx = newHookContextData({
      unitName: "a/0",
      leader: true,
      appUnitStatuses: { "a/1": { status: "waiting", message: "db" } },
    });
    run(ctx, "status-set", "--application", "active", "fine");
    run(ctx, "status-set", "active");
    expect(ctx.immediate.appStatusHistory).toEqual([{ status: "active", message: "fine" }]);
    expect(run(ctx, "status-get", "--application").stdout).toBe("active\n");
    expect(run(ctx, "status-get", "--application", "--format=json").stdout).toBe(
      '{"application-status":{"status":"active","units":{"a/0":{"status":"active"},"a/1":{"status":"waiting"}}}}\n',
    );
    expect(run(ctx, "status-get", "--application", "--include-data", "--format=json").stdout).toBe(
      '{"application-status":{"message":"fine","status":"active","status-data":{},"units":{"a/0":{"message":"","status":"active","status-data":{}},"a/1":{"message":"db","status":"waiting","status-data":{}}}}}\n',
    );
  });
});

describe("state-get / state-set / state-delete", () => {
  it('prints null when there is no state, and "" for a missing key', () => {
    const ctx = newHookContextData({ unitName: "a/0" });
    expect(run(ctx, "state-get", "--format=json").stdout).toBe("null\n");
    expect(run(ctx, "state-get").stdout).toBe("");
    expect(run(ctx, "state-get", "--format=json", "k").stdout).toBe('""\n');
    expect(run(ctx, "state-get", "k", "--strict")).toEqual({
      stdout: "",
      stderr: 'ERROR "k" not found\n',
      exitCode: 1,
    });
  });

  it("sets from --file - and key=value, deletes, and reads its writes", () => {
    const ctx = newHookContextData({ unitName: "a/0" });
    const set = runTool(ctx, "state-set", ["--file", "-", "b=2"], {
      stdin: '{"a":"[1, 2]","b":"1"}',
    });
    expect(set).toEqual({ stdout: "", stderr: "", exitCode: 0 });
    expect(ctx.charmState).toEqual({ a: "[1, 2]", b: "2" });
    expect(run(ctx, "state-get", "--format=json").stdout).toBe('{"a":"[1, 2]","b":"2"}\n');
    expect(run(ctx, "state-get", "--format=json", "a").stdout).toBe('"[1, 2]"\n');
    expect(run(ctx, "state-set", "c=")).toMatchObject({ exitCode: 0 });
    expect(ctx.charmState).toEqual({ a: "[1, 2]", b: "2", c: "" });
    expect(run(ctx, "state-delete", "a")).toMatchObject({ exitCode: 0 });
    expect(run(ctx, "state-delete")).toMatchObject({ exitCode: 0 });
    run(ctx, "state-delete", "b");
    run(ctx, "state-delete", "c");
    expect(run(ctx, "state-get", "--format=json").stdout).toBe("null\n");
  });

  it("enforces Juju's key and value size limits", () => {
    const ctx = newHookContextData({ unitName: "a/0" });
    expect(run(ctx, "state-set", `${"k".repeat(257)}=v`).stderr).toBe(
      "ERROR max allowed key length (256): quota limit exceeded\n",
    );
    expect(run(ctx, "state-set", `${"k".repeat(256)}=v`).exitCode).toBe(0);
    const big = runTool(ctx, "state-set", ["--file", "-"], {
      stdin: `v: ${"x".repeat(64 * 1024 + 1)}`,
    });
    expect(big).toMatchObject({
      stderr: "ERROR max allowed value length (65536): quota limit exceeded\n",
      exitCode: 1,
    });
  });
});
