import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CharmMeta } from "../metadata.js";
import { MetadataError } from "../errors.js";

const dirs: string[] = [];
function charmDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "meta-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("CharmMeta", () => {
  it("reads the example charm's charmcraft.yaml", () => {
    const meta = CharmMeta.fromCharmDir("examples/demo");
    expect(meta.name).toBe("demo");
    expect(meta.relations.get("website")).toMatchObject({ role: "provides", interface: "http" });
    expect(meta.peers.map((p) => p.name)).toEqual(["replicas"]);
    expect(meta.containers.get("web")?.resource).toBe("web-image");
    expect(meta.config.get("port")).toMatchObject({ type: "int", default: 8080 });
    expect(meta.actions.get("greet")).toMatchObject({
      required: ["name"],
      additionalProperties: false,
    });
  });

  it("prefers the packed metadata.yaml, config.yaml and actions.yaml", () => {
    const dir = charmDir({
      "metadata.yaml":
        "name: packed\nrequires:\n  db:\n    interface: postgresql_client\n    limit: 1\n",
      "config.yaml": "options:\n  debug:\n    type: boolean\n    default: false\n",
      "actions.yaml": "backup:\n  description: Back up.\n",
      "charmcraft.yaml": "name: source\n",
    });
    const meta = CharmMeta.fromCharmDir(dir);
    expect(meta.name).toBe("packed");
    expect(meta.relations.get("db")).toMatchObject({ role: "requires", limit: 1 });
    expect(meta.config.get("debug")?.default).toBe(false);
    expect([...meta.actions.keys()]).toEqual(["backup"]);
  });

  it("refuses invalid metadata with a precise message", () => {
    const bad = (
      doc: Record<string, unknown>,
      config: Record<string, unknown> | undefined,
      msg: string,
    ) => expect(() => CharmMeta.fromDocuments(doc, config)).toThrow(msg);
    bad({}, undefined, "`name` is required");
    bad({ name: "x", requires: { db: {} } }, undefined, 'endpoint "db" needs an `interface`');
    bad(
      { name: "x", requires: { db: { interface: "a" } }, provides: { db: { interface: "b" } } },
      undefined,
      'endpoint "db" is defined twice',
    );
    bad({ name: "x" }, { options: { level: { type: "enum" } } }, 'option "level" has type "enum"');
    bad({ name: "x", containers: { Web_1: {} } }, undefined, "not a valid RFC 1123 label");
    expect(() => CharmMeta.fromCharmDir(charmDir({}))).toThrow(MetadataError);
    expect(() => CharmMeta.fromCharmDir(charmDir({ "metadata.yaml": "name: [" }))).toThrow(
      "is not valid YAML",
    );
  });
});
