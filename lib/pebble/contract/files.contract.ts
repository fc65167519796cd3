/**
 * Contract: files (push, pull, a 10 MiB round trip, permissions and owners, list with patterns,
 * make-dirs, remove) and their error kinds.
 *
 * @module
 */

import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { APIError, isNotFound, PathError } from "../errors.js";
import { rejection, unique } from "./target.js";
import type { TargetRef } from "./target.js";

export function filesContract(target: TargetRef): void {
  describe("files", () => {
    it("pushes and pulls text and a 10 MiB binary file byte for byte", async () => {
      const t = target();
      const text = join(t.scratch, unique("text"));
      await t.pebble.push(text, "héllo\n");
      expect(await t.pebble.pullText(text)).toBe("héllo\n");
      const big = join(t.scratch, unique("big"));
      const data = randomBytes(10 * 1024 * 1024);
      await t.pebble.push(big, data);
      const back = await t.pebble.pull(big);
      expect(back.length).toBe(data.length);
      expect(back.equals(data)).toBe(true);
      const [info] = await t.pebble.listFiles(big);
      expect(info).toMatchObject({ type: "file", size: 10 * 1024 * 1024, permissions: 0o644 });
    });

    it("sets permissions and ownership on push, by name and by ID", async () => {
      const t = target();
      const byName = join(t.scratch, unique("owned"));
      await t.pebble.push(byName, "secret", {
        permissions: 0o600,
        user: "nobody",
        group: "nogroup",
      });
      const [named] = await t.pebble.listFiles(byName, { itself: true });
      expect(named).toMatchObject({
        path: byName,
        permissions: 0o600,
        user: "nobody",
        userId: 65534,
        group: "nogroup",
        groupId: 65534,
      });
      const byId = join(t.scratch, unique("owned-id"));
      await t.pebble.push(byId, "x", { permissions: 0o640, userId: 65534, groupId: 0 });
      const [numbered] = await t.pebble.listFiles(byId);
      expect(numbered).toMatchObject({
        permissions: 0o640,
        userId: 65534,
        groupId: 0,
        user: "nobody",
        group: "root",
      });
      const defaults = join(t.scratch, unique("root-owned"));
      await t.pebble.push(defaults, "x");
      expect((await t.pebble.listFiles(defaults))[0]).toMatchObject({
        permissions: 0o644,
        userId: 0,
        user: "root",
      });
      const unknown = await rejection(
        t.pebble.push(join(t.scratch, unique("x")), "x", { user: "no-such-user-here" }),
      );
      expect(unknown).toBeInstanceOf(PathError);
      expect(unknown.message).toContain("no-such-user-here");
    });

    it("makes directories, with parents, permissions and owners", async () => {
      const t = target();
      const top = join(t.scratch, unique("dir"));
      const nested = join(top, "a", "b");
      const missingParent = await rejection(t.pebble.makeDir(nested));
      expect(missingParent).toBeInstanceOf(PathError);
      expect((missingParent as PathError).kind).toBe("not-found");
      await t.pebble.makeDir(nested, {
        makeParents: true,
        permissions: 0o750,
        user: "nobody",
        group: "nogroup",
      });
      const [b] = await t.pebble.listFiles(nested, { itself: true });
      expect(b).toMatchObject({
        type: "directory",
        permissions: 0o750,
        user: "nobody",
        group: "nogroup",
        name: "b",
      });
      expect(b?.size).toBeUndefined();
      await t.pebble.makeDir(nested, { makeParents: true });
      const exists = await rejection(t.pebble.makeDir(nested));
      expect(exists).toMatchObject({ kind: "generic-file-error" });
      expect(exists.message).toContain("file exists");
      await t.pebble.push(join(top, "x", "y", "file.txt"), "deep", { makeDirs: true });
      expect(await t.pebble.pullText(join(top, "x", "y", "file.txt"))).toBe("deep");
      const noDirs = await rejection(t.pebble.push(join(top, "nope", "file.txt"), "x"));
      expect(noDirs).toBeInstanceOf(PathError);
      expect((noDirs as PathError).kind).toBe("not-found");
    });

    it("lists a directory, with glob patterns and itself", async () => {
      const t = target();
      const dir = join(t.scratch, unique("list"));
      await t.pebble.makeDir(dir);
      for (const name of ["a.conf", "b.conf", "c.txt"]) await t.pebble.push(join(dir, name), name);
      await t.pebble.makeDir(join(dir, "sub.d"));
      const all = await t.pebble.listFiles(dir);
      expect(all.map((f) => f.name)).toEqual(["a.conf", "b.conf", "c.txt", "sub.d"]);
      expect(all.find((f) => f.name === "sub.d")?.type).toBe("directory");
      expect(all[0]?.path).toBe(join(dir, "a.conf"));
      expect(all[0]?.lastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
      expect((await t.pebble.listFiles(dir, { pattern: "*.conf" })).map((f) => f.name)).toEqual([
        "a.conf",
        "b.conf",
      ]);
      expect((await t.pebble.listFiles(dir, { pattern: "[bc].*" })).map((f) => f.name)).toEqual([
        "b.conf",
        "c.txt",
      ]);
      expect((await t.pebble.listFiles(dir, { pattern: "?.txt" })).map((f) => f.name)).toEqual([
        "c.txt",
      ]);
      expect(await t.pebble.listFiles(dir, { pattern: "*.none" })).toEqual([]);
      const itself = await t.pebble.listFiles(dir, { itself: true });
      expect(itself).toHaveLength(1);
      expect(itself[0]).toMatchObject({ path: dir, type: "directory" });
      const relative = await rejection(t.pebble.listFiles("relative/path"));
      expect(relative).toBeInstanceOf(APIError);
      expect((relative as APIError).statusCode).toBe(400);
    });

    it("removes files and directories, recursively when asked", async () => {
      const t = target();
      const dir = join(t.scratch, unique("rm"));
      await t.pebble.push(join(dir, "inner", "f"), "x", { makeDirs: true });
      const notEmpty = await rejection(t.pebble.removePath(dir));
      expect(notEmpty).toMatchObject({ kind: "generic-file-error" });
      expect(notEmpty.message).toContain("directory not empty");
      await t.pebble.removePath(join(dir, "inner", "f"));
      expect(await t.pebble.listFiles(join(dir, "inner"))).toEqual([]);
      await t.pebble.push(join(dir, "inner", "g"), "y");
      await t.pebble.removePath(dir, { recursive: true });
      expect(isNotFound(await rejection(t.pebble.listFiles(dir)))).toBe(true);
      await t.pebble.removePath(dir, { recursive: true });
      const missing = await rejection(t.pebble.removePath(dir));
      expect(missing).toBeInstanceOf(PathError);
      expect((missing as PathError).kind).toBe("not-found");
    });

    it("reports not-found and wrong-type errors with Pebble's kinds", async () => {
      const t = target();
      const missing = join(t.scratch, unique("missing"));
      const pull = await rejection(t.pebble.pull(missing));
      expect(pull).toBeInstanceOf(PathError);
      expect(pull).toMatchObject({ kind: "not-found", path: missing });
      expect(pull.message).toContain("no such file or directory");
      const list = await rejection(t.pebble.listFiles(missing));
      expect(list).toMatchObject({ kind: "not-found" });
      const dir = await rejection(t.pebble.pull(t.scratch));
      expect(dir).toMatchObject({ kind: "generic-file-error" });
      expect(dir.message).toContain("can only read a regular file");
    });
  });
}
