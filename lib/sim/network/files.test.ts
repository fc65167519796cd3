import { mkdtemp, readFile, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { createEtcDir, removeEtcDir, updateEtcDir, writeInPlace } from "./files.js";

describe("namespace /etc files", () => {
  let root = "";
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "jsim-files-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("creates a folder atomically, leaving no temporary folder", async () => {
    const dir = await createEtcDir("jsimt-1-m-a-0", { hosts: "h\n", "resolv.conf": "r\n" }, root);
    expect((await readdir(dir)).sort()).toEqual(["hosts", "resolv.conf"]);
    expect(await readdir(root)).toEqual(["jsimt-1-m-a-0"]);
    await removeEtcDir("jsimt-1-m-a-0", root);
    expect(await readdir(root)).toEqual([]);
  });

  it("updates in place: same inode, so bind mounts of the file see the change", async () => {
    const dir = await createEtcDir("ns", { hosts: "a long first version of the file\n" }, root);
    const path = join(dir, "hosts");
    const inode = (await stat(path)).ino;
    await updateEtcDir("ns", { hosts: "short\n" }, root);
    expect(await readFile(path, "utf8")).toBe("short\n");
    await writeInPlace(path, "a longer text than before, by far, really\n");
    expect(await readFile(path, "utf8")).toBe("a longer text than before, by far, really\n");
    await writeInPlace(path, "x\n");
    expect(await readFile(path, "utf8")).toBe("x\n");
    expect((await stat(path)).ino).toBe(inode);
  });
});
