import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { CharmMeta } from "../../ops/metadata.js";
import { type BuiltCharm, buildCharmDir } from "../build.js";
import { bundleCharm } from "../bundle.js";
import {
  countToolCalls,
  type FakeHookTools,
  readToolCalls,
  writeFakeHookTools,
} from "../fake-hook-tools.js";
import { hookEnv } from "../hook-env.js";
import { nodeRuntimePath, REPO_ROOT } from "../node-runtime.js";

const DEMO = join(REPO_ROOT, "examples", "demo");
const UNIT = "demo/0";

let tmp: string;
let built: BuiltCharm;
let tools: FakeHookTools;

function runHook(hook: string, opts: { via?: string; dropDispatchPath?: boolean } = {}) {
  const env = hookEnv({ charmDir: built.dir, unit: UNIT, hook, toolsDir: tools.dir });
  if (opts.dropDispatchPath) delete env.JUJU_DISPATCH_PATH;
  return spawnSync(opts.via ?? built.dispatch, [], {
    cwd: built.dir,
    env,
    encoding: "utf8",
    timeout: 20_000,
  });
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "pack-build-"));
  built = await buildCharmDir({
    charmDir: DEMO,
    entry: join(DEMO, "src", "main.ts"),
    outDir: join(tmp, "demo"),
    node: nodeRuntimePath(),
    nodeInstall: "symlink",
  });
  tools = writeFakeHookTools(join(tmp, "tools"), {
    unit: UNIT,
    config: { greeting: "hello", port: 8080 },
    relations: [
      { endpoint: "website", id: 3, remoteApp: "client", remoteUnits: ["client/0"] },
      {
        endpoint: "replicas",
        id: 1,
        remoteApp: "demo",
        data: { demo: { "token-secret-id": "secret:d5fake00000000000000" } },
      },
    ],
  });
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("buildCharmDir: layout", () => {
  it("writes the files a charm needs", () => {
    const chunks = built.files.filter((f) => f.startsWith("dist/chunks/"));
    expect(chunks.every((f) => f.endsWith(".mjs"))).toBe(true);
    expect(built.files.filter((f) => !chunks.includes(f))).toEqual([
      "actions.yaml",
      "bin/node",
      "config.yaml",
      "dispatch",
      "dist/charm.mjs",
      "hooks/install",
      "hooks/start",
      "hooks/upgrade-charm",
      "manifest.yaml",
      "metadata.yaml",
    ]);
    expect(built.name).toBe("demo");
    expect(statSync(built.dispatch).mode & 0o111).toBe(0o111);
    expect(statSync(join(built.dir, "bin", "node")).mode & 0o111).toBe(0o111);
    for (const hook of ["install", "start", "upgrade-charm"]) {
      expect(readlinkSync(join(built.dir, "hooks", hook))).toBe("../dispatch");
    }
  });

  it("links the Node binary when asked, and hard-links or copies it by default", async () => {
    expect(readlinkSync(join(built.dir, "bin", "node"))).toBe(nodeRuntimePath());
    const fakeNode = join(tmp, "fake-node");
    writeFileSync(fakeNode, "#!/bin/sh\n", { mode: 0o755 });
    const copy = await buildCharmDir({ charmDir: DEMO, outDir: join(tmp, "copy"), node: fakeNode });
    const st = statSync(join(copy.dir, "bin", "node"));
    expect(st.isFile() && (st.mode & 0o111) === 0o111).toBe(true);
  });

  it("refuses to replace a directory that is not an earlier build, and replaces one that is", async () => {
    const other = join(tmp, "other");
    mkdirSync(other);
    writeFileSync(join(other, "precious.txt"), "keep me");
    await expect(
      buildCharmDir({
        charmDir: DEMO,
        outDir: other,
        node: nodeRuntimePath(),
        nodeInstall: "symlink",
      }),
    ).rejects.toThrow(/refusing/);
    expect(existsSync(join(other, "precious.txt"))).toBe(true);
    await expect(
      buildCharmDir({ charmDir: DEMO, outDir: DEMO, node: nodeRuntimePath() }),
    ).rejects.toThrow(/source directory/);
    const again = await buildCharmDir({
      charmDir: DEMO,
      outDir: join(tmp, "copy"),
      node: nodeRuntimePath(),
      nodeInstall: "symlink",
    });
    expect(again.files).toContain("dispatch");
  });
});

describe("buildCharmDir: metadata files", () => {
  const source = () =>
    parseYaml(readFileSync(join(DEMO, "charmcraft.yaml"), "utf8")) as Record<string, unknown>;
  const read = (name: string) =>
    parseYaml(readFileSync(join(built.dir, name), "utf8")) as Record<string, unknown>;

  it("metadata.yaml holds the metadata keys of charmcraft.yaml and nothing else", () => {
    const doc = source();
    expect(read("metadata.yaml")).toEqual({
      name: doc.name,
      "display-name": doc.title,
      summary: doc.summary,
      description: doc.description,
      assumes: doc.assumes,
      containers: doc.containers,
      resources: doc.resources,
      provides: doc.provides,
      peers: doc.peers,
    });
  });

  it("config.yaml and actions.yaml are charmcraft.yaml's config and actions", () => {
    const doc = source();
    expect(read("config.yaml")).toEqual(doc.config);
    expect(read("actions.yaml")).toEqual(doc.actions);
  });

  it("manifest.yaml names the base the charm runs on", () => {
    expect(read("manifest.yaml").bases).toEqual([
      { name: "ubuntu", channel: "24.04", architectures: ["amd64"] },
    ]);
  });

  it("the framework reads the same metadata from the built charm as from the source", () => {
    const fromSource = CharmMeta.fromCharmDir(DEMO);
    const fromBuilt = CharmMeta.fromCharmDir(built.dir);
    expect(fromBuilt.name).toBe(fromSource.name);
    expect([...fromBuilt.relations]).toEqual([...fromSource.relations]);
    expect([...fromBuilt.containers]).toEqual([...fromSource.containers]);
    expect([...fromBuilt.config]).toEqual([...fromSource.config]);
    expect([...fromBuilt.actions]).toEqual([...fromSource.actions]);
  });
});

describe("buildCharmDir: dispatch runs the charm on its own Node", () => {
  it("runs config-changed with exit 0 and talks to the hook tools", () => {
    writeFileSync(tools.log, "");
    const r = runHook("config-changed");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const calls = countToolCalls(tools.log);
    expect(calls["config-get"]).toBe(1);
    expect(calls["status-set"]).toBe(1);
    const set = readToolCalls(tools.log).find((c) => c.tool === "relation-set");
    expect(set?.args).toBe("-r website:3 --file -");
    expect(JSON.parse(set?.stdin ?? "{}")).toEqual({ url: "http://demo-0.demo:8080" });
    expect(existsSync(join(built.dir, ".node-compile-cache"))).toBe(true);
  });

  it("runs hooks/install as a very old Juju would, without JUJU_DISPATCH_PATH", () => {
    writeFileSync(tools.log, "");
    const r = runHook("install", {
      via: join(built.dir, "hooks", "install"),
      dropDispatchPath: true,
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(countToolCalls(tools.log)["status-set"]).toBe(1);
  });

  it("exits non-zero and says why when the hook is unknown", () => {
    const r = runHook("no-such-hook");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/unknown hook "no-such-hook"/);
  });
});

describe("bundleCharm", () => {
  it("keeps dynamically imported packages out of the main file", async () => {
    const out = join(tmp, "lazy");
    const result = await bundleCharm({
      entry: join(REPO_ROOT, "lib/pack/tests/fixtures/lazy-entry.ts"),
      outDir: out,
    });
    expect(result.files.length).toBeGreaterThan(1);
    expect(result.mainBytes).toBeLessThan(2_000);
    const node = nodeRuntimePath();
    const idle = spawnSync(node, [result.main], { encoding: "utf8", cwd: tmp });
    expect(idle.stdout).toBe("idle\n");
    const load = spawnSync(node, [result.main, "load"], { encoding: "utf8", cwd: tmp });
    expect(load.stderr).toBe("");
    expect(load.stdout).toBe("loaded: true\n");
  });
});
