import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltCharm, buildCharmDir } from "../build.js";
import { countToolCalls, writeFakeHookTools } from "../fake-hook-tools.js";
import { hookEnv } from "../hook-env.js";
import { nodeRuntimePath, REPO_ROOT } from "../node-runtime.js";
import { packCharm, type PackResult } from "../pack.js";

let tmp: string;
let built: BuiltCharm;
let packed: PackResult;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "pack-zip-"));
  built = await buildCharmDir({
    charmDir: join(REPO_ROOT, "examples", "demo"),
    outDir: join(tmp, "demo"),
    node: nodeRuntimePath(),
    nodeInstall: "symlink",
  });
  packed = await packCharm({
    dir: built.dir,
    out: join(tmp, "out", "demo_amd64.charm"),
    compressionLevel: 1,
  });
}, 120_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** `zipinfo` lines: mode string and name, e.g. ["-rwxr-xr-x", "dispatch"]. */
function zipListing(path: string): Map<string, string> {
  const r = spawnSync("zipinfo", [path], { encoding: "utf8" });
  expect(r.status).toBe(0);
  const out = new Map<string, string>();
  for (const line of r.stdout.split("\n")) {
    const m = /^([-dlrwxsStT]{10})\s.*\s(\S+)$/.exec(line);
    if (m) out.set(m[2]!, m[1]!);
  }
  return out;
}

describe("packCharm", () => {
  it("stores every file with its mode, following links as charmcraft does", () => {
    const listing = zipListing(packed.path);
    expect([...listing.keys()].sort()).toEqual(built.files);
    expect(listing.get("dispatch")).toBe("-rwxr-xr-x");
    expect(listing.get("bin/node")).toBe("-rwxr-xr-x");
    expect(listing.get("hooks/install")).toBe("-rwxr-xr-x");
    expect(listing.get("metadata.yaml")).toBe("-rw-r--r--");
    const node = packed.entries.find((e) => e.path === "bin/node");
    expect(node?.size).toBe(statSync(nodeRuntimePath()).size);
    expect(packed.bytes).toBe(statSync(packed.path).size);
  });

  it("unpacks into a charm whose dispatch runs", () => {
    const dir = join(tmp, "unpacked");
    mkdirSync(dir);
    const unzip = spawnSync("unzip", ["-q", packed.path, "-d", dir], { encoding: "utf8" });
    expect(unzip.status).toBe(0);
    expect(statSync(join(dir, "dispatch")).mode & 0o111).toBe(0o111);
    const tools = writeFakeHookTools(join(tmp, "tools"), {
      unit: "demo/0",
      config: { port: 8080 },
    });
    const env = hookEnv({
      charmDir: dir,
      unit: "demo/0",
      hook: "config-changed",
      toolsDir: tools.dir,
    });
    const r = spawnSync(join(dir, "dispatch"), [], { cwd: dir, env, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(countToolCalls(tools.log)["status-set"]).toBe(1);
  });

  it("leaves out the compile cache a local run of the charm wrote", async () => {
    mkdirSync(join(built.dir, ".node-compile-cache", "v22"), { recursive: true });
    writeFileSync(join(built.dir, ".node-compile-cache", "v22", "entry"), "cache");
    const again = await packCharm({
      dir: built.dir,
      out: join(tmp, "again.charm"),
      compressionLevel: 0,
    });
    expect(again.entries.map((e) => e.path)).toEqual(packed.entries.map((e) => e.path));
  });

  it("refuses a directory that is not a built charm", async () => {
    await expect(
      packCharm({ dir: join(REPO_ROOT, "examples", "demo"), out: join(tmp, "x.charm") }),
    ).rejects.toThrow(/not a built charm/);
    await expect(
      packCharm({ dir: built.dir, out: join(tmp, "y.charm"), compressionLevel: 12 }),
    ).rejects.toThrow(/compressionLevel/);
  });
});
