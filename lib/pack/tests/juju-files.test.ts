import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { dispatchScript } from "../dispatch-script.js";
import { jujuFilesFromCharmcraft, manifest, manifestBases, renderYaml } from "../juju-files.js";

const base = { name: "x", summary: "s", description: "d" };

describe("jujuFilesFromCharmcraft", () => {
  it("keeps only metadata keys in metadata.yaml and renames title", () => {
    const files = jujuFilesFromCharmcraft({
      ...base,
      type: "charm",
      title: "X",
      base: "ubuntu@24.04",
      platforms: { amd64: null },
      parts: { charm: { plugin: "nil" } },
      requires: { db: { interface: "pg" } },
      "charm-user": "non-root",
      config: { options: { a: { type: "int", default: 1 } } },
      actions: { go: { description: "go" } },
    });
    expect(files.metadata).toEqual({
      ...base,
      "display-name": "X",
      requires: { db: { interface: "pg" } },
      "charm-user": "non-root",
    });
    expect(files.config).toEqual({ options: { a: { type: "int", default: 1 } } });
    expect(files.actions).toEqual({ go: { description: "go" } });
  });

  it("flattens links as charmcraft does", () => {
    const files = jujuFilesFromCharmcraft({
      ...base,
      links: {
        documentation: "https://docs.example/x",
        contact: "Someone <a@b.c>",
        issues: "https://issues.example/x",
        source: ["https://src.example/x"],
        website: "https://x.example",
      },
    });
    expect(files.metadata).toEqual({
      ...base,
      docs: "https://docs.example/x",
      maintainers: ["Someone <a@b.c>"],
      issues: "https://issues.example/x",
      source: ["https://src.example/x"],
      website: "https://x.example",
    });
  });

  it("omits empty config and actions, and requires name, summary and description", () => {
    const files = jujuFilesFromCharmcraft({ ...base, config: {}, actions: null });
    expect(files.config).toBeUndefined();
    expect(files.actions).toBeUndefined();
    expect(() => jujuFilesFromCharmcraft({ name: "x", summary: "s" })).toThrow(/description/);
  });
});

describe("manifestBases", () => {
  it("reads base + platforms, including build-for and multi-base labels", () => {
    expect(
      manifestBases({ base: "ubuntu@24.04", platforms: { amd64: null, arm64: null } }),
    ).toEqual([{ name: "ubuntu", channel: "24.04", architectures: ["amd64", "arm64"] }]);
    expect(
      manifestBases({
        platforms: {
          "ubuntu@22.04:amd64": null,
          jammy: { "build-on": ["ubuntu@22.04:amd64"], "build-for": ["ubuntu@22.04:arm64"] },
        },
      }),
    ).toEqual([{ name: "ubuntu", channel: "22.04", architectures: ["amd64", "arm64"] }]);
  });

  it("reads the older bases form", () => {
    expect(
      manifestBases({
        bases: [
          {
            "build-on": [{ name: "ubuntu", channel: "22.04" }],
            "run-on": [{ name: "ubuntu", channel: "22.04", architectures: ["amd64"] }],
          },
        ],
      }),
    ).toEqual([{ name: "ubuntu", channel: "22.04", architectures: ["amd64"] }]);
  });

  it("refuses a charm with no base", () => {
    expect(() => manifestBases({ platforms: { amd64: null } })).toThrow(/no base/);
    expect(() => manifestBases({})).toThrow(/platforms/);
  });

  it("writes the manifest fields Juju and charmcraft use", () => {
    const doc = manifest(
      { base: "ubuntu@24.04", platforms: { amd64: null } },
      "t 1",
      new Date("2026-01-02T03:04:05Z"),
    );
    expect(parseYaml(renderYaml(doc, false))).toEqual({
      "charmcraft-version": "t 1",
      "charmcraft-started-at": "2026-01-02T03:04:05.000Z",
      bases: [{ name: "ubuntu", channel: "24.04", architectures: ["amd64"] }],
      analysis: { attributes: [] },
    });
  });
});

describe("renderYaml", () => {
  it("sorts keys at every level, as PyYAML's safe_dump does", () => {
    expect(renderYaml({ b: { d: 1, c: 2 }, a: "x" })).toBe("a: x\nb:\n  c: 2\n  d: 1\n");
  });
});

describe("dispatchScript", () => {
  it("execs the bundled node on the bundle from the script's own directory", () => {
    const text = dispatchScript({
      node: "bin/node",
      bundle: "dist/charm.mjs",
      compileCache: ".cache",
    });
    expect(text.startsWith("#!/bin/sh\n")).toBe(true);
    expect(text).toContain('exec "$charm_dir/bin/node" "$charm_dir/dist/charm.mjs"');
    expect(text).toContain('NODE_COMPILE_CACHE="$charm_dir/.cache"');
    expect(text).toContain('JUJU_DISPATCH_PATH="${JUJU_DISPATCH_PATH:-$0}"');
  });

  it("refuses paths outside the charm directory", () => {
    expect(() => dispatchScript({ node: "/usr/bin/node", bundle: "dist/charm.mjs" })).toThrow(
      /inside the charm/,
    );
    expect(() => dispatchScript({ node: "bin/node", bundle: "../charm.mjs" })).toThrow(
      /inside the charm/,
    );
    expect(() => dispatchScript({ node: "bin/no de", bundle: "dist/charm.mjs" })).toThrow(
      /inside the charm/,
    );
  });
});
