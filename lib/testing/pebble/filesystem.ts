/**
 * The in-memory Pebble's file system: files and directories with permissions, owners and
 * modification times, and the error kinds and messages Pebble's files API reports.
 *
 * @module
 */

import { posix } from "node:path";
import { APIError, PathError } from "../../pebble/errors.js";
import type {
  FileInfo,
  MakeDirOptions,
  Ownership,
  PushOptions,
  RemovePathOptions,
} from "../../pebble/types.js";

/** One entry of the in-memory file system. */
export interface MemoryEntry {
  type: "file" | "directory";
  /** File contents (files only). */
  data: Buffer;
  permissions: number;
  userId: number;
  groupId: number;
  lastModified: string;
}

/** Known users and groups, for resolving names and IDs as Pebble does with the system's. */
export class Accounts {
  private readonly users = new Map<string, { uid: number; gid: number }>();
  private readonly groups = new Map<string, number>();

  constructor() {
    this.addGroup("root", 0);
    this.addUser("root", 0, 0);
    this.addGroup("nogroup", 65534);
    this.addUser("nobody", 65534, 65534);
  }

  /** Adds (or replaces) a user with its primary group ID. */
  addUser(name: string, uid: number, gid: number): void {
    this.users.set(name, { uid, gid });
  }

  /** Adds (or replaces) a group. */
  addGroup(name: string, gid: number): void {
    this.groups.set(name, gid);
  }

  /** The user name of a UID, if known. */
  userName(uid: number): string | undefined {
    for (const [name, u] of this.users) if (u.uid === uid) return name;
    return undefined;
  }

  /** The group name of a GID, if known. */
  groupName(gid: number): string | undefined {
    for (const [name, g] of this.groups) if (g === gid) return name;
    return undefined;
  }

  /**
   * Resolves ownership fields to a UID and GID as Pebble does: names are looked up and must agree
   * with IDs; a user without a group gets the user's primary group; a group alone is an error.
   * Returns `undefined` when no ownership was asked for. Raises a plain Error with Pebble's text.
   */
  resolve(o: Ownership): { uid: number; gid: number } | undefined {
    let uid = o.userId;
    let gid = o.groupId;
    if (uid === undefined && gid === undefined && !o.user && !o.group) return undefined;
    if (o.user) {
      const user = this.users.get(o.user);
      if (!user) throw new Error(`user: unknown user ${o.user}`);
      if (uid !== undefined && uid !== user.uid) {
        throw new Error(`user "${o.user}" UID (${user.uid}) does not match user-id (${uid})`);
      }
      uid = user.uid;
    }
    if (o.group) {
      const group = this.groups.get(o.group);
      if (group === undefined) throw new Error(`group: unknown group ${o.group}`);
      if (gid !== undefined && gid !== group) {
        throw new Error(`group "${o.group}" GID (${group}) does not match group-id (${gid})`);
      }
      gid = group;
    }
    if (gid === undefined) {
      if (uid === undefined) throw new Error("must specify user, not just group");
      const primary = [...this.users.values()].find((u) => u.uid === uid);
      if (!primary) throw new Error(`user: unknown userid ${uid}`);
      gid = primary.gid;
    }
    if (uid === undefined) throw new Error("must specify user, not just group");
    return { uid, gid };
  }
}

/**
 * Converts a Go `path.Match` pattern to a regular expression (`*`, `?`, `[...]`, `[^...]` and
 * backslash escapes; `*` and `?` never match `/`).
 */
export function globToRegExp(pattern: string): RegExp {
  let out = "^";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === "*") out += "[^/]*";
    else if (ch === "?") out += "[^/]";
    else if (ch === "\\") {
      const next = pattern[++i];
      if (next === undefined) throw new Error("syntax error in pattern");
      out += next.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    } else if (ch === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) throw new Error("syntax error in pattern");
      let body = pattern.slice(i + 1, end);
      if (body.startsWith("^")) body = "^" + body.slice(1).replace(/\\/g, "\\\\");
      else body = body.replace(/\\/g, "\\\\");
      out += `[${body}]`;
      i = end;
    } else out += ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(out + "$");
}

function fileError(
  path: string,
  kind: "not-found" | "generic-file-error" | "permission-denied",
  message: string,
): PathError {
  return new PathError(path, kind, message);
}

/**
 * An in-memory file tree rooted at `/`. Paths must be absolute; `..` and duplicate slashes are
 * cleaned. The process runs as root, so permission bits are recorded but never enforced.
 */
export class MemoryFileSystem {
  private readonly entries = new Map<string, MemoryEntry>();

  constructor(readonly accounts: Accounts = new Accounts()) {
    this.entries.set("/", this.newEntry("directory", 0o755, 0, 0));
  }

  private newEntry(
    type: MemoryEntry["type"],
    permissions: number,
    userId: number,
    groupId: number,
  ): MemoryEntry {
    return {
      type,
      data: Buffer.alloc(0),
      permissions,
      userId,
      groupId,
      lastModified: new Date().toISOString().slice(0, 19) + "Z",
    };
  }

  private clean(path: string): string {
    if (!posix.isAbsolute(path))
      throw fileError(path, "generic-file-error", `paths must be absolute, got "${path}"`);
    return posix.normalize(path).replace(/(.)\/$/, "$1");
  }

  /** The entry at a path, if any. */
  entry(path: string): MemoryEntry | undefined {
    return this.entries.get(this.clean(path));
  }

  /** All paths, sorted. */
  paths(): string[] {
    return [...this.entries.keys()].sort();
  }

  private parentDir(path: string, op: string): MemoryEntry {
    const parent = this.entries.get(posix.dirname(path));
    if (!parent) throw fileError(path, "not-found", `${op} ${path}: no such file or directory`);
    if (parent.type !== "directory")
      throw fileError(path, "generic-file-error", `${op} ${path}: not a directory`);
    return parent;
  }

  private owner(path: string, o: Ownership): { uid: number; gid: number } | undefined {
    try {
      return this.accounts.resolve(o);
    } catch (e) {
      throw fileError(
        path,
        "generic-file-error",
        `cannot look up user and group: ${(e as Error).message}`,
      );
    }
  }

  private mkdirs(path: string, permissions: number, uid: number, gid: number): void {
    const existing = this.entries.get(path);
    if (existing) {
      if (existing.type !== "directory")
        throw fileError(path, "generic-file-error", `mkdir ${path}: not a directory`);
      return;
    }
    if (path !== "/") this.mkdirs(posix.dirname(path), permissions, uid, gid);
    this.entries.set(path, this.newEntry("directory", permissions, uid, gid));
  }

  /** Writes a file as `POST /v1/files` (action write) does. */
  write(rawPath: string, data: Buffer, options: PushOptions = {}): void {
    const path = this.clean(rawPath);
    const owner = this.owner(path, options);
    const permissions = options.permissions ?? 0o644;
    if (options.makeDirs) this.mkdirs(posix.dirname(path), 0o755, owner?.uid ?? 0, owner?.gid ?? 0);
    this.parentDir(path, "open");
    const existing = this.entries.get(path);
    if (existing?.type === "directory") {
      throw fileError(path, "generic-file-error", `rename ${path}: file exists`);
    }
    const entry = this.newEntry("file", permissions, owner?.uid ?? 0, owner?.gid ?? 0);
    entry.data = Buffer.from(data);
    this.entries.set(path, entry);
  }

  /** Reads a file as `GET /v1/files?action=read` does. */
  read(rawPath: string): Buffer {
    const path = this.clean(rawPath);
    const entry = this.entries.get(path);
    if (!entry) throw fileError(path, "not-found", `stat ${path}: no such file or directory`);
    if (entry.type !== "file")
      throw fileError(path, "generic-file-error", `can only read a regular file: "${path}"`);
    return Buffer.from(entry.data);
  }

  /** Creates a directory as the make-dirs action does. */
  makeDir(rawPath: string, options: MakeDirOptions = {}): void {
    const path = this.clean(rawPath);
    const owner = this.owner(path, options);
    const permissions = options.permissions ?? 0o755;
    const existing = this.entries.get(path);
    if (existing) {
      if (existing.type !== "directory")
        throw fileError(path, "generic-file-error", `mkdir ${path}: not a directory`);
      if (options.makeParents) return;
      throw fileError(path, "generic-file-error", `mkdir ${path}: file exists`);
    }
    if (options.makeParents) {
      this.mkdirs(path, permissions, owner?.uid ?? 0, owner?.gid ?? 0);
      return;
    }
    this.parentDir(path, "mkdir");
    this.entries.set(
      path,
      this.newEntry("directory", permissions, owner?.uid ?? 0, owner?.gid ?? 0),
    );
  }

  /** Removes a path as the remove action does. */
  remove(rawPath: string, options: RemovePathOptions = {}): void {
    const path = this.clean(rawPath);
    const entry = this.entries.get(path);
    if (!entry) {
      if (options.recursive) return;
      throw fileError(path, "not-found", `remove ${path}: no such file or directory`);
    }
    const prefix = path === "/" ? "/" : `${path}/`;
    const children = [...this.entries.keys()].filter((p) => p.startsWith(prefix) && p !== path);
    if (children.length > 0 && !options.recursive) {
      throw fileError(path, "generic-file-error", `remove ${path}: directory not empty`);
    }
    for (const child of children) this.entries.delete(child);
    if (path !== "/") this.entries.delete(path);
  }

  private info(path: string, entry: MemoryEntry): FileInfo {
    const info: FileInfo = {
      path,
      name: posix.basename(path) || "/",
      type: entry.type,
      permissions: entry.permissions,
      lastModified: entry.lastModified,
      userId: entry.userId,
      groupId: entry.groupId,
    };
    if (entry.type === "file") info.size = entry.data.length;
    const user = this.accounts.userName(entry.userId);
    const group = this.accounts.groupName(entry.groupId);
    if (user) info.user = user;
    if (group) info.group = group;
    return info;
  }

  /** Lists a directory as `GET /v1/files?action=list` does. */
  list(rawPath: string, pattern?: string, itself?: boolean): FileInfo[] {
    if (!posix.isAbsolute(rawPath))
      throw new APIError(400, "Bad Request", `path must be absolute, got "${rawPath}"`);
    const path = this.clean(rawPath);
    const entry = this.entries.get(path);
    if (!entry) throw fileError(path, "not-found", `stat ${path}: no such file or directory`);
    let matcher: RegExp | undefined;
    if (pattern) {
      try {
        matcher = globToRegExp(pattern);
      } catch {
        throw fileError(path, "generic-file-error", "syntax error in pattern");
      }
    }
    const candidates: [string, MemoryEntry][] =
      entry.type !== "directory" || itself
        ? [[path, entry]]
        : [...this.entries].filter(([p]) => p !== path && posix.dirname(p) === path);
    return candidates
      .filter(([p]) => !matcher || matcher.test(posix.basename(p)))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([p, e]) => this.info(p, e));
  }
}
