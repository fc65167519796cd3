/**
 * Charm directories on disk: the controller keeps one copy of each application's charm per
 * revision (so later edits of the source do not leak into a running model), and every unit runs
 * from its own copy of it, as every Juju unit has its own charm directory. Copies keep symlinks
 * as they are (a built charm links `bin/node` to the machine's Node) and hard-link large files
 * instead of copying them.
 *
 * @example
 * ```ts
 * copyCharmTree("/src/demo", "/state/charms/jaas/demo-1");
 * ```
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { join } from "node:path";

/** Files at least this large are hard-linked rather than copied (when on one file system). */
const LINK_THRESHOLD = 1024 * 1024;

/** Directories never copied (builds' caches and VCS data). */
const SKIPPED = new Set([".git", "node_modules", ".node-compile-cache"]);

function copyInto(src: string, dest: string): void {
  mkdirSync(dest, { recursive: true });
  for (const entry of readdirSync(src, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const from = join(src, entry.name);
    const to = join(dest, entry.name);
    if (entry.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else if (entry.isDirectory()) copyInto(from, to);
    else if (entry.isFile()) {
      const { size, mode } = lstatSync(from);
      if (size >= LINK_THRESHOLD) {
        try {
          linkSync(from, to);
          continue;
        } catch {
          // Another file system: copy below.
        }
      }
      copyFileSync(from, to);
      // Keep executables executable whatever the copy did with the mode.
      if ((statSync(to).mode & 0o777) !== (mode & 0o777)) chmodSync(to, mode & 0o777);
    }
  }
}

/**
 * Replaces `dest` with a copy of the charm directory `src`.
 *
 * @example
 * ```ts
 * copyCharmTree(app.charmDir, join(unitDir, "charm"));
 * ```
 */
export function copyCharmTree(src: string, dest: string): void {
  if (existsSync(dest)) rmSync(dest, { recursive: true, force: true });
  copyInto(src, dest);
}
