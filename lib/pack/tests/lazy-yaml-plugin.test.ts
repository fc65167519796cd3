import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Plugin } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleCharm } from "../bundle.js";
import { lazyYaml } from "../lazy-yaml-plugin.js";
import { nodeRuntimePath, REPO_ROOT } from "../node-runtime.js";

let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "pack-yaml-"));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Stands in for the real yaml package behind the lazy module, and records its evaluation. */
function fakeRealYaml(path: string): Plugin {
  writeFileSync(
    path,
    'globalThis.__fakeYamlLoaded = true;\nexports.parse = (s) => ({ parsedFor: s });\nexports.stringify = () => "fake\\n";\n',
  );
  return {
    name: "fake-real-yaml",
    setup(b) {
      b.onResolve({ filter: /^yaml$/ }, (args) =>
        args.namespace === "charm-lazy-yaml" ? { path } : undefined,
      );
    },
  };
}

describe("lazyYaml", () => {
  it("answers pre-parsed texts without evaluating yaml, and loads it for anything else", async () => {
    const out = await bundleCharm({
      entry: join(REPO_ROOT, "lib/pack/tests/fixtures/yaml-entry.ts"),
      outDir: join(tmp, "dist"),
      plugins: [
        fakeRealYaml(join(tmp, "fake-yaml.cjs")),
        lazyYaml([{ text: "a: 1\n", value: { a: 1 } }]),
      ],
    });
    const r = spawnSync(nodeRuntimePath(), [out.main], { encoding: "utf8", cwd: tmp });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({
      known: { a: 1 },
      loadedAfterKnown: false,
      other: { parsedFor: "b: 2\n" },
      loadedAfterOther: true,
      text: "fake\n",
    });
  });

  it("works with the real yaml package", async () => {
    const out = await bundleCharm({
      entry: join(REPO_ROOT, "lib/pack/tests/fixtures/yaml-entry.ts"),
      outDir: join(tmp, "real"),
      plugins: [lazyYaml([{ text: "a: 1\n", value: { a: 1 } }])],
    });
    const r = spawnSync(nodeRuntimePath(), [out.main], { encoding: "utf8", cwd: tmp });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toMatchObject({
      known: { a: 1 },
      other: { b: 2 },
      text: "x: 1\n",
    });
  });
});
