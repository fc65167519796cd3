import { describe, expect, it } from "vitest";
import type { HookContextData } from "../context.js";
import { newHookContextData, newRelationData } from "../context.js";
import { runTool } from "../run-tool.js";

const run = (ctx: HookContextData, tool: string, ...args: string[]) => runTool(ctx, tool, args);

function actionContext(): HookContextData {
  return newHookContextData({
    unitName: "jimm/0",
    action: {
      name: "create-user",
      id: "7",
      params: { user: "admin", db: { host: "pg", port: 5432, tags: ["a", "b"] }, dry: false },
    },
  });
}

describe("action-get", () => {
  it("prints all parameters or the value at a dotted key", () => {
    const ctx = actionContext();
    expect(run(ctx, "action-get", "--format=json").stdout).toBe(
      '{"db":{"host":"pg","port":5432,"tags":["a","b"]},"dry":false,"user":"admin"}\n',
    );
    expect(run(ctx, "action-get", "db.port").stdout).toBe("5432\n");
    expect(run(ctx, "action-get", "user").stdout).toBe("admin\n");
    expect(run(ctx, "action-get", "db.tags").stdout).toBe("- a\n- b\n");
    expect(run(ctx, "action-get", "--format=json", "db.nope").stdout).toBe("null\n");
    expect(run(ctx, "action-get", "user.x", "--format=json").stdout).toBe("null\n");
  });
});

describe("action-set", () => {
  it("records dotted keys, later values replacing what they cover", () => {
    const ctx = actionContext();
    expect(run(ctx, "action-set", "result.url=https://x", "count=3", "foo=1")).toEqual({
      stdout: "",
      stderr: "",
      exitCode: 0,
    });
    run(ctx, "action-set", "foo.bar=2");
    expect(ctx.immediate.actionResults).toEqual({
      "result.url": "https://x",
      count: "3",
      "foo.bar": "2",
    });
    run(ctx, "action-set", "result=done");
    expect(ctx.immediate.actionResults).toEqual({ count: "3", "foo.bar": "2", result: "done" });
  });

  it("checks keys like Juju", () => {
    const ctx = actionContext();
    expect(run(ctx, "action-set", "novalue").stderr).toBe(
      'ERROR argument "novalue" must be of the form key...=value\n',
    );
    expect(run(ctx, "action-set", "Bad=1").stderr).toBe(
      'ERROR key "Bad" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods\n',
    );
    expect(run(ctx, "action-set", "a.stdout=1")).toEqual({
      stdout: "",
      stderr: 'ERROR cannot set reserved action key "stdout"\n',
      exitCode: 2,
    });
  });
});

describe("action-fail / action-log", () => {
  it("records the failure and progress messages as immediate effects", () => {
    const ctx = actionContext();
    run(ctx, "action-log", "step", "one");
    run(ctx, "action-fail", "db unreachable");
    expect(ctx.immediate.actionLogs).toEqual(["step one"]);
    expect(ctx.immediate.actionFailure).toBe("db unreachable");
    const other = actionContext();
    run(other, "action-fail");
    expect(other.immediate.actionFailure).toBe(
      "action failed without reason given, check action for errors",
    );
    expect(run(other, "action-log").stderr).toBe("ERROR no message specified\n");
  });

  it("refuses all action tools outside an action", () => {
    const ctx = newHookContextData({ unitName: "jimm/0" });
    for (const [tool, args] of [
      ["action-get", []],
      ["action-set", ["a=1"]],
      ["action-fail", ["x"]],
      ["action-log", ["x"]],
    ] as const) {
      expect(runTool(ctx, tool, args)).toEqual({
        stdout: "",
        stderr: "ERROR not running an action\n",
        exitCode: 1,
      });
    }
  });
});

describe("juju-log", () => {
  it("logs at the given level with the relation prefix in relation hooks", () => {
    const ctx = newHookContextData({
      unitName: "jimm/0",
      relations: [newRelationData({ id: 3, endpoint: "db", remoteApp: "pg" })],
      currentRelationId: 3,
    });
    run(ctx, "juju-log", "--log-level", "warning", "--", "disk", "full");
    run(ctx, "juju-log", "-l", "ERROR", "boom");
    run(ctx, "juju-log", "--debug", "details");
    run(ctx, "juju-log", "-l", "LOUD", "hello");
    expect(ctx.immediate.logs).toEqual([
      { level: "WARNING", message: "db:3: disk full" },
      { level: "ERROR", message: "db:3: boom" },
      { level: "DEBUG", message: "db:3: details" },
      { level: "WARNING", message: 'Specified log level of "LOUD" is not valid' },
      { level: "INFO", message: "db:3: hello" },
    ]);
    expect(run(ctx, "juju-log").stderr).toBe("ERROR no message specified\n");
  });
});
