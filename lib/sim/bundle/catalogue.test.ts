// The charm catalogue: names from charmcraft.yaml in the search folders (the first folder
// wins), local paths (sources and built charms), precise refusals, and builds cached by a hash
// of the sources: built once, rebuilt after a change, earlier builds of the source pruned.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CharmCatalogue, DEFAULT_SEARCH_DIRS } from "./catalogue.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const RELAY = join(ROOT, "lib", "sim", "tests", "charms", "relay");

/** A minimal charm source outside the repository (it imports the framework by path). */
function tinyCharm(dir: string): void {
  mkdirSync(join(dir, "src"), { recursive: true });
  writeFileSync(
    join(dir, "charmcraft.yaml"),
    "name: tiny\ntype: charm\nsummary: t\ndescription: t\nbase: ubuntu@24.04\nplatforms:\n  amd64:\n",
  );
  writeFileSync(
    join(dir, "src", "main.ts"),
    `import { ActiveStatus, CharmBase, main } from ${JSON.stringify(join(ROOT, "lib", "ops", "index.js"))};\n` +
      "class Tiny extends CharmBase {}\nvoid ActiveStatus;\nmain(Tiny);\n",
  );
}

let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "jaas-catalogue-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("charm catalogue", () => {
  it("knows the repository's charms and stand-ins by their charmcraft name", () => {
    expect(DEFAULT_SEARCH_DIRS).toEqual(["charms", "integration-tests/charms", "examples"]);
    const names = new CharmCatalogue({ cacheDir: join(tmp, "c0") }).entries().map((e) => e.name);
    expect(names).toContain("demo");
    const first = join(tmp, "first");
    const second = join(tmp, "second");
    cpSync(RELAY, join(first, "folder-name"), { recursive: true });
    cpSync(RELAY, join(second, "relay"), { recursive: true });
    mkdirSync(join(second, "not-a-charm"));
    const catalogue = new CharmCatalogue({
      searchDirs: [first, second],
      cacheDir: join(tmp, "c1"),
    });
    expect(catalogue.entries()).toEqual([{ name: "relay", dir: join(first, "folder-name") }]);
    expect(catalogue.locate("ch:relay")).toMatchObject({
      name: "relay",
      kind: "source",
      origin: "catalogue",
      entry: join(first, "folder-name", "main.ts"),
    });
  });

  it("refuses unknown names, missing paths and folders that hold no charm", () => {
    const catalogue = new CharmCatalogue({
      searchDirs: ["lib/sim/tests/charms"],
      cacheDir: join(tmp, "c2"),
    });
    expect(() => catalogue.locate("postgresql-k8s")).toThrow(
      'charm "postgresql-k8s" is not in the local catalogue (it has: census, keeper, relay; searched lib/sim/tests/charms/); give a local path (./path/to/charm) to deploy another charm',
    );
    expect(() => catalogue.locate("./nope", tmp)).toThrow(
      `charm path "${join(tmp, "nope")}" does not exist`,
    );
    mkdirSync(join(tmp, "empty"));
    expect(() => catalogue.locate("./empty", tmp)).toThrow(
      "holds neither a built charm (dispatch and metadata.yaml) nor a TypeScript charm",
    );
    writeFileSync(join(tmp, "x.charm"), "");
    expect(() => catalogue.locate(join(tmp, "x.charm"))).toThrow(
      "packed .charm files are not supported",
    );
  });

  it("builds a source once, reuses the build, rebuilds after a change and prunes the old one", async () => {
    const src = join(tmp, "src", "tiny");
    tinyCharm(src);
    const cacheDir = join(tmp, "c3");
    const catalogue = new CharmCatalogue({ searchDirs: [], cacheDir, node: process.execPath });
    const located = catalogue.locate(src);
    expect(located).toMatchObject({ name: "tiny", kind: "source", origin: "path" });
    const [a, b] = await Promise.all([catalogue.build(located), catalogue.build(located)]);
    expect(a).toBe(b); // one build shared
    expect(a?.cached).toBe(false);
    expect(existsSync(join(a?.dir ?? "", "dispatch"))).toBe(true);
    const again = await catalogue.build(located);
    expect(again).toMatchObject({ dir: a?.dir, cached: true });

    writeFileSync(join(src, "extra.txt"), "a change");
    const rebuilt = await catalogue.build(located);
    expect(rebuilt.cached).toBe(false);
    expect(rebuilt.dir).not.toBe(a?.dir);
    expect(readdirSync(cacheDir).filter((n) => !n.endsWith(".source"))).toEqual([
      rebuilt.dir.split("/").pop(),
    ]);

    // A built charm folder is deployed as it is.
    const built = catalogue.locate(rebuilt.dir);
    expect(built).toMatchObject({ kind: "built", name: "tiny" });
    expect(await catalogue.build(built)).toMatchObject({ dir: rebuilt.dir, cached: true, ms: 0 });
  }, 60_000);
});
