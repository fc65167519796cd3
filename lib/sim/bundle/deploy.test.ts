// Bundles deployed into a real local controller (no network, no workloads): a cross-model pair
// (one bundle's overlay offers an endpoint, another bundle consumes it and relates to it), and
// refusals that leave the model exactly as it was, even when the failure (a charm that does
// not build) comes after the bundle itself was checked.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Controller } from "../controller.js";
import { CharmCatalogue } from "./catalogue.js";
import { deployBundle, deployCharm } from "./deploy.js";
import { BundleError } from "./errors.js";
import { loadBundle, loadBundleText } from "./load.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

let tmp: string;
let catalogue: CharmCatalogue;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "jaas-bundle-deploy-"));
  catalogue = new CharmCatalogue({
    searchDirs: ["lib/sim/tests/charms"],
    cacheDir: join(tmp, "cache"),
    node: process.execPath,
  });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function withController(fn: (c: Controller) => Promise<void>): Promise<void> {
  const c = await Controller.create({
    updateStatusIntervalMs: 0,
    timeScale: 0.005,
    persist: false,
  });
  try {
    await fn(c);
  } finally {
    await c.destroy();
  }
}

describe("deploying bundles", () => {
  it("offers from an overlay, consumes with saas, relates across models", async () => {
    await withController(async (c) => {
      await c.addModel("db");
      await c.addModel("app");
      writeFileSync(join(tmp, "db.yaml"), "applications:\n  owner: {charm: relay, scale: 2}\n");
      writeFileSync(
        join(tmp, "offers.yaml"),
        "applications:\n  owner:\n    offers:\n      shared: {endpoints: [source]}\n",
      );
      const lines: string[] = [];
      const first = await deployBundle(
        c,
        "db",
        loadBundle(join(tmp, "db.yaml"), { overlays: [join(tmp, "offers.yaml")] }),
        { catalogue, progress: (l) => lines.push(l) },
      );
      expect(first.applications).toEqual(["owner"]);
      expect(lines).toEqual([
        `Located charm "relay" in the local catalogue (lib/sim/tests/charms/relay)`,
        'Building charm "relay"...',
        expect.stringMatching(/^Built charm "relay" in \d+\.\d+s$/),
        "Executing changes:",
        "- deploy application owner from local charm relay (catalogue) with 2 units",
        "- create offer shared for owner:source",
        "Deploy of bundle completed.",
      ]);
      const second = loadBundleText(
        [
          "applications:\n  reader: {charm: relay, options: {greeting: hello}}\nsaas:\n  shared: {url: admin/db.shared}\nrelations:\n  - [reader, shared]\n",
        ],
        tmp,
      );
      await deployBundle(c, "app", second, { catalogue });
      expect((await c.settle({ timeoutMs: 60_000 })).errors).toEqual([]);
      const status = c.status("app");
      expect(status["application-endpoints"]?.["shared"]).toMatchObject({
        url: "admin/db.shared",
        relations: { source: ["reader"] },
      });
      expect(status.applications["reader"]?.units?.["reader/0"]?.["workload-status"].current).toBe(
        "active",
      );
      expect(c.status("db").offers?.["shared"]?.["total-connected-count"]).toBe(1);
      expect(c.getConfig("app", "reader").greeting).toBe("hello");
    });
  }, 120_000);

  it("changes nothing when the bundle is refused or a charm does not build", async () => {
    await withController(async (c) => {
      await c.addModel("m");
      const before = JSON.stringify(c.state);
      const bad = loadBundleText(
        [
          "applications:\n  a: {charm: relay}\n  b: {charm: relay, options: {count: lots}}\nrelations:\n  - [a:source, b:sink]\n",
        ],
        tmp,
      );
      await expect(deployBundle(c, "m", bad, { catalogue })).rejects.toThrow(BundleError);
      expect(JSON.stringify(c.state)).toBe(before);

      // A charm whose source does not compile: checked fine, refused at build, before any change.
      const broken = join(tmp, "broken");
      cpSync(join(ROOT, "lib", "sim", "tests", "charms", "relay"), broken, { recursive: true });
      writeFileSync(join(broken, "main.ts"), "const x = ;\n");
      const mixed = loadBundleText(
        [`applications:\n  a: {charm: relay}\n  b: {charm: ${broken}}\n`],
        tmp,
      );
      await expect(deployBundle(c, "m", mixed, { catalogue })).rejects.toThrow(
        /cannot build charm "relay" from .*broken/,
      );
      expect(JSON.stringify(c.state)).toBe(before);

      // One charm by name: an unknown name lists the catalogue, and changes nothing.
      await expect(deployCharm(c, "m", { charm: "nope" }, { catalogue })).rejects.toThrow(
        'charm "nope" is not in the local catalogue (it has: census, keeper, relay;',
      );
      expect(JSON.stringify(c.state)).toBe(before);
    });
  }, 120_000);
});
