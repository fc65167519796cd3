// The relation index (lib/ops/backend/relation-index.ts): which hooks drop what, how the file is
// written, and how HookTools uses it (a hit makes no call; verify mode fails on a difference).
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildHookEnv, type HookEnvOptions } from "../../jujuc/env.js";
import { HookTools } from "../backend/hook-tools.js";
import { RELATION_INDEX_FILE, RelationIndex } from "../backend/relation-index.js";
import type { ToolResult, ToolRunner } from "../backend/runner.js";
import { JujuContext } from "../juju-context.js";

let charmDir: string;
beforeEach(() => {
  charmDir = mkdtempSync(join(tmpdir(), "relation-index-"));
});
afterEach(() => rmSync(charmDir, { recursive: true, force: true }));

type Event = Pick<HookEnvOptions, "hook" | "action" | "relation" | "workload">;

function juju(event: Event, unit = "app/0"): JujuContext {
  return JujuContext.fromEnv(
    buildHookEnv({
      ...event,
      unitName: unit,
      modelName: "m",
      modelUuid: "00000000-0000-4000-8000-000000000000",
      jujuVersion: "3.6.8",
      contextId: "ctx",
      socketPath: "/nonexistent",
      charmDir,
      toolsDir: "/nonexistent",
    }),
  );
}

const rel = (endpoint: string, id: number, remoteUnit = "db/0") => ({
  endpoint,
  id,
  remoteApp: "db",
  remoteUnit,
});

/** A runner answering `relation-ids` from `ids` and `relation-list --app` from `apps`. */
class FakeRunner implements ToolRunner {
  calls: string[] = [];
  apps: Record<number, string> = {};
  constructor(public ids: Record<string, number[]>) {}
  run(tool: string, args: readonly string[]): ToolResult {
    if (tool === "relation-list") {
      this.calls.push(`${tool} ${args.join(" ")}`);
      const id = Number(args[1]?.split(":")[1]);
      return { stdout: JSON.stringify(this.apps[id] ?? ""), stderr: "", exitCode: 0 };
    }
    this.calls.push(`${tool} ${args[0] ?? ""}`);
    const endpoint = args[0] ?? "";
    const out = (this.ids[endpoint] ?? []).map((id) => `${endpoint}:${id}`);
    return { stdout: JSON.stringify(out), stderr: "", exitCode: 0 };
  }
}

/** Runs one "hook": an index for `event`, and `relation-ids` of each endpoint through it. */
function hook(event: Event, runner: FakeRunner, env: Record<string, string> = {}): number[][] {
  const index = RelationIndex.forHook(juju(event), env);
  const tools = new HookTools(runner, index);
  return ["db", "web"].map((ep) => tools.relationIds(ep));
}

function saved(): Record<string, number[]> {
  const file = JSON.parse(readFileSync(join(charmDir, RELATION_INDEX_FILE), "utf8")) as {
    endpoints: Record<string, number[]>;
  };
  return file.endpoints;
}

describe("RelationIndex", () => {
  it("answers later hooks without relation-ids and writes a 0600 file", () => {
    const runner = new FakeRunner({ db: [3], web: [] });
    expect(hook({ hook: "install" }, runner)).toEqual([[3], []]);
    expect(runner.calls).toEqual(["relation-ids db", "relation-ids web"]);
    expect(saved()).toEqual({ db: [3], web: [] });
    expect(statSync(join(charmDir, RELATION_INDEX_FILE)).mode & 0o777).toBe(0o600);

    runner.calls = [];
    expect(hook({ hook: "config-changed" }, runner)).toEqual([[3], []]);
    expect(hook({ hook: "web-pebble-ready", workload: { name: "web" } }, runner)).toEqual([
      [3],
      [],
    ]);
    expect(hook({ action: { name: "backup", id: "1" } }, runner)).toEqual([[3], []]);
    expect(hook({ hook: "db-relation-changed", relation: rel("db", 3) }, runner)).toEqual([
      [3],
      [],
    ]);
    expect(runner.calls).toEqual([]);
  });

  it("drops an endpoint at its relation-created and relation-broken", () => {
    const runner = new FakeRunner({ db: [3], web: [] });
    hook({ hook: "install" }, runner);
    runner.ids = { db: [3], web: [7] };
    runner.calls = [];
    expect(hook({ hook: "web-relation-created", relation: rel("web", 7, "") }, runner)).toEqual([
      [3],
      [7],
    ]);
    expect(runner.calls).toEqual(["relation-ids web"]);

    runner.ids = { db: [], web: [7] };
    runner.calls = [];
    expect(hook({ hook: "db-relation-broken", relation: rel("db", 3, "") }, runner)).toEqual([
      [],
      [7],
    ]);
    expect(runner.calls).toEqual(["relation-ids db"]);
    expect(saved()).toEqual({ db: [], web: [7] });
  });

  it("drops an endpoint when a relation hook names a relation it does not list", () => {
    const runner = new FakeRunner({ db: [3], web: [] });
    hook({ hook: "install" }, runner);
    runner.ids = { db: [3, 9], web: [] };
    runner.calls = [];
    expect(hook({ hook: "db-relation-joined", relation: rel("db", 9) }, runner)).toEqual([
      [3, 9],
      [],
    ]);
    expect(runner.calls).toEqual(["relation-ids db"]);
  });

  it("starts afresh on install, upgrade-charm and update-status", () => {
    for (const name of ["install", "upgrade-charm", "update-status"]) {
      const runner = new FakeRunner({ db: [3], web: [] });
      hook({ hook: "config-changed" }, runner);
      runner.ids = { db: [4], web: [5] };
      runner.calls = [];
      expect(hook({ hook: name }, runner)).toEqual([[4], [5]]);
      expect(runner.calls).toHaveLength(2);
    }
  });

  it("ignores a file of another unit or format, and an unreadable file", () => {
    writeFileSync(
      join(charmDir, RELATION_INDEX_FILE),
      JSON.stringify({ format: 1, unit: "other/0", endpoints: { db: [1] } }),
    );
    const runner = new FakeRunner({ db: [3], web: [] });
    expect(hook({ hook: "config-changed" }, runner)).toEqual([[3], []]);
    writeFileSync(join(charmDir, RELATION_INDEX_FILE), "{not json");
    runner.calls = [];
    expect(hook({ hook: "config-changed" }, runner)).toEqual([[3], []]);
    expect(runner.calls).toHaveLength(2);
  });

  it("is off with JAAS_RELATION_INDEX=off", () => {
    expect(RelationIndex.forHook(juju({ hook: "install" }), { JAAS_RELATION_INDEX: "off" })).toBe(
      undefined,
    );
  });

  it("in verify mode asks relation-ids on every hit and fails on a difference", () => {
    const runner = new FakeRunner({ db: [3], web: [] });
    hook({ hook: "install" }, runner);
    runner.calls = [];
    const verify = { JAAS_RELATION_INDEX: "verify" };
    expect(hook({ hook: "config-changed" }, runner, verify)).toEqual([[3], []]);
    expect(runner.calls).toHaveLength(2);
    runner.ids = { db: [3, 4], web: [] };
    expect(() => hook({ hook: "config-changed" }, runner, verify)).toThrow(
      'relation index out of date for "db": it holds [3], relation-ids answers [3, 4]',
    );
  });

  it("keeps the remote application of listed relations, and forgets it with the relation", () => {
    const runner = new FakeRunner({ db: [3], web: [] });
    runner.apps = { 3: "postgresql" };
    const appOf = (event: Event, id: number, env: Record<string, string> = {}) => {
      const tools = new HookTools(runner, RelationIndex.forHook(juju(event), env));
      tools.relationIds("db");
      return tools.relationRemoteApp("db", id);
    };
    expect(appOf({ hook: "install" }, 3)).toBe("postgresql");
    runner.calls = [];
    expect(appOf({ hook: "config-changed" }, 3)).toBe("postgresql");
    expect(runner.calls).toEqual([]);

    runner.apps = { 3: "other" };
    expect(() => appOf({ hook: "config-changed" }, 3, { JAAS_RELATION_INDEX: "verify" })).toThrow(
      'relation index out of date for relation db:3: it holds application "postgresql"',
    );

    // The relation goes: its -broken hook drops the endpoint, and the application with it.
    runner.ids = { db: [], web: [] };
    appOf({ hook: "db-relation-broken", relation: rel("db", 3, "") }, 3);
    const file = JSON.parse(readFileSync(join(charmDir, RELATION_INDEX_FILE), "utf8")) as {
      remoteApps: Record<string, string>;
    };
    expect(file.remoteApps).toEqual({});
  });
});
