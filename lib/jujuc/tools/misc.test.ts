import { describe, expect, it } from "vitest";
import type { HookContextData } from "../context.js";
import { newHookContextData, newRelationData } from "../context.js";
import { runTool } from "../run-tool.js";

const run = (ctx: HookContextData, tool: string, ...args: string[]) => runTool(ctx, tool, args);

describe("storage-get / storage-list / storage-add", () => {
  const ctx = (): HookContextData =>
    newHookContextData({
      unitName: "pg/0",
      storages: [
        { id: "data/1", kind: "filesystem", location: "/srv/data1" },
        { id: "data/0", kind: "filesystem", location: "/srv/data0" },
        { id: "logs/0", kind: "block", location: "/dev/sdb" },
      ],
      currentStorageId: "data/0",
    });

  it("prints the hook's storage or the one given with -s", () => {
    expect(run(ctx(), "storage-get", "--format=json").stdout).toBe(
      '{"kind":"filesystem","location":"/srv/data0"}\n',
    );
    expect(run(ctx(), "storage-get", "-s", "logs/0", "location").stdout).toBe("/dev/sdb\n");
    expect(run(ctx(), "storage-get", "size")).toEqual({
      stdout: "",
      stderr: 'ERROR invalid storage attribute "size"\n',
      exitCode: 1,
    });
    expect(run(newHookContextData({ unitName: "pg/0" }), "storage-get").stderr).toBe(
      "ERROR no storage instance specified\n",
    );
    expect(run(ctx(), "storage-get", "-s", "bad").stderr).toBe(
      'ERROR invalid value "bad" for option -s: invalid storage ID "bad"\n',
    );
  });

  it("lists attached storage, optionally by name", () => {
    expect(run(ctx(), "storage-list", "--format=json").stdout).toBe(
      '["data/0","data/1","logs/0"]\n',
    );
    expect(run(ctx(), "storage-list", "logs").stdout).toBe("logs/0\n");
  });

  it("collects storage-add requests", () => {
    const c = ctx();
    expect(run(c, "storage-add", "data=2", "logs")).toEqual({
      stdout: "",
      stderr: "",
      exitCode: 0,
    });
    run(c, "storage-add", "data");
    expect(c.storageAdd).toEqual({ data: 3, logs: 1 });
    expect(run(c, "storage-add").stderr).toBe("ERROR storage add requires a storage directive\n");
    expect(run(c, "storage-add", "data=10G").stderr).toBe(
      'ERROR only count can be specified for "data"\n',
    );
  });
});

describe("resource-get", () => {
  it("prints the path without a newline", () => {
    const ctx = newHookContextData({
      unitName: "a/0",
      resources: { image: "/var/lib/juju/resources/image/x.tar" },
    });
    expect(run(ctx, "resource-get", "image")).toEqual({
      stdout: "/var/lib/juju/resources/image/x.tar",
      stderr: "",
      exitCode: 0,
    });
    expect(run(ctx, "resource-get").stderr).toBe("ERROR missing required resource name\n");
    expect(run(ctx, "resource-get", "nope").stderr).toBe(
      'ERROR could not download resource: resource "nope" not found\n',
    );
  });
});

describe("leadership tools", () => {
  it("is-leader prints True/False, or JSON booleans", () => {
    expect(run(newHookContextData({ unitName: "a/0", leader: true }), "is-leader").stdout).toBe(
      "True\n",
    );
    expect(run(newHookContextData({ unitName: "a/1" }), "is-leader", "--format=json").stdout).toBe(
      "false\n",
    );
  });

  it("leader-set writes at once for the leader only; leader-get reads it", () => {
    const ctx = newHookContextData({
      unitName: "a/0",
      leader: true,
      leaderSettings: { old: "1", keep: "2" },
    });
    expect(run(ctx, "leader-set", "new=x", "old=")).toEqual({
      stdout: "",
      stderr: "",
      exitCode: 0,
    });
    expect(ctx.immediate.leaderSettings).toEqual({ keep: "2", new: "x" });
    expect(run(ctx, "leader-get", "--format=json").stdout).toBe('{"keep":"2","new":"x"}\n');
    expect(run(ctx, "leader-get", "new").stdout).toBe("x\n");
    expect(run(ctx, "leader-get", "--format=json", "gone").stdout).toBe("null\n");
    expect(run(newHookContextData({ unitName: "a/1" }), "leader-set", "a=b").stderr).toBe(
      "ERROR cannot write leadership settings: cannot write settings: not the leader\n",
    );
  });
});

describe("goal-state", () => {
  it("prints units and related applications and units", () => {
    const ctx = newHookContextData({
      unitName: "a/0",
      goalUnits: { "a/0": "active", "a/1": "waiting" },
      goalSince: {
        "a/0": "2026-11-26T22:48:41.250Z",
        "a/1": "2026-11-26T22:50:00Z",
        pg: "2026-11-26T21:00:00Z",
        "pg/0": "2026-11-26T21:00:05Z",
      },
      relations: [
        newRelationData({ id: 1, endpoint: "peers", peer: true, remoteApp: "a" }),
        newRelationData({ id: 2, endpoint: "db", remoteApp: "pg", remoteUnits: { "pg/0": {} } }),
      ],
    });
    expect(run(ctx, "goal-state", "--format=json").stdout).toBe(
      '{"units":{"a/0":{"status":"active","since":"2026-11-26 22:48:41Z"},"a/1":{"status":"waiting","since":"2026-11-26 22:50:00Z"}},"relations":{"db":{"pg":{"status":"joined","since":"2026-11-26 21:00:00Z"},"pg/0":{"status":"active","since":"2026-11-26 21:00:05Z"}},"peers":{"a/1":{"status":"waiting","since":"2026-11-26 22:50:00Z"}}}}\n',
    );
    expect(run(ctx, "goal-state").stdout).toMatch(
      /^units:\n {2}a\/0:\n {4}status: active\n {4}since: "2026-11-26 22:48:41Z"\n/,
    );
  });

  it("always prints since, as ops requires: the time of the call when the context has none", () => {
    const ctx = newHookContextData({ unitName: "a/0", goalUnits: { "a/0": "active" } });
    const before = Date.now();
    const out = JSON.parse(run(ctx, "goal-state", "--format=json").stdout) as {
      units: Record<string, { status: string; since: string }>;
    };
    const since = out.units["a/0"]?.since ?? "";
    expect(since).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
    expect(Date.parse(since.replace(" ", "T"))).toBeGreaterThan(before - 2000);
  });
});

describe("credential-get", () => {
  it("needs trust", () => {
    expect(run(newHookContextData({ unitName: "a/0" }), "credential-get").stderr).toBe(
      "ERROR cannot access cloud credentials: permission denied\n",
    );
    const ctx = newHookContextData({
      unitName: "a/0",
      trusted: true,
      cloudSpec: {
        type: "kubernetes",
        name: "microk8s",
        credential: { authType: "certificate", attrs: { token: "t" } },
      },
    });
    expect(run(ctx, "credential-get", "--format=json").stdout).toBe(
      '{"type":"kubernetes","name":"microk8s","credential":{"auth-type":"certificate","attrs":{"token":"t"}}}\n',
    );
  });
});

describe("application-version-set", () => {
  it("sets the workload version at once", () => {
    const ctx = newHookContextData({ unitName: "a/0" });
    expect(run(ctx, "application-version-set", "--", "-1.2")).toEqual({
      stdout: "",
      stderr: "",
      exitCode: 0,
    });
    expect(ctx.workloadVersion).toBe("-1.2");
    expect(ctx.immediate.workloadVersionHistory).toEqual(["-1.2"]);
    expect(run(ctx, "application-version-set").stderr).toBe("ERROR no version specified\n");
  });
});

describe("every tool", () => {
  it("prints help on stdout with exit 0, and refuses unknown tools like Juju's server", () => {
    const ctx = newHookContextData({ unitName: "a/0" });
    const help = run(ctx, "secret-get", "--help");
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/^Usage: secret-get \[options\] <ID> \[key\[#base64\]\]\n/);
    expect(run(ctx, "unit-get", "private-address")).toEqual({
      stdout: "",
      stderr: "error: bad request: unknown command: unit-get\n",
      exitCode: 1,
    });
  });

  it("writes --output files relative to the working directory", async () => {
    const { mkdtempSync, readFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "jujuc-out-"));
    try {
      const ctx = newHookContextData({ unitName: "a/0", leader: true });
      expect(
        runTool(ctx, "is-leader", ["--format=json", "-o", "out.json"], { cwd: dir }).stdout,
      ).toBe("");
      expect(readFileSync(join(dir, "out.json"), "utf8")).toBe("true\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
