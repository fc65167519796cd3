/**
 * Writes the per-namespace files under `/etc/netns/<ns>/`.
 *
 * `ip netns exec` bind-mounts each of these files over `/etc/<file>` when it starts a process.
 * A bind mount pins the inode, so a long-running process (Pebble, a workload) keeps seeing the
 * file it started with if the file were replaced by `rename`. Hence two ways of writing:
 *
 * - a new namespace folder is filled under a temporary name and renamed into place, so
 *   `ip netns exec` never sees a half-written folder;
 * - an existing file is updated in place (same inode) with one `pwrite` of the whole new text,
 *   padded with a comment line up to the old length, then truncated: a concurrent reader sees
 *   the old text, the new text plus a comment, or the new text, never a missing line. (A read
 *   racing the single page copy could in theory see a mix; at a few kilobytes that window is a
 *   memcpy long.)
 *
 * @module
 */

import { mkdir, open, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Where iproute2 looks for per-namespace `/etc` files.
 *
 * @example
 * ```ts
 * join(NETNS_ETC_DIR, unit.namespace, "hosts"); // "/etc/netns/jsimk3x9-1-jaas-openfga-0/hosts"
 * ```
 */
export const NETNS_ETC_DIR = "/etc/netns";

/**
 * File name (e.g. `hosts`) to content.
 *
 * @example
 * ```ts
 * const files: EtcFiles = { hosts: "127.0.0.1\tlocalhost\n" };
 * ```
 */
export type EtcFiles = Readonly<Record<string, string>>;

function padding(length: number): string {
  if (length <= 0) return "";
  if (length === 1) return "\n";
  return `#${" ".repeat(length - 2)}\n`;
}

/**
 * Replaces a file's content keeping its inode (see the module comment); creates the file if it
 * does not exist.
 *
 * @example
 * ```ts
 * await writeInPlace("/etc/netns/jsimk3x9-1-jaas-openfga-0/hosts", renderHosts(view));
 * ```
 */
export async function writeInPlace(path: string, content: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, "r+");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    await writeFile(path, content, { mode: 0o644 });
    return;
  }
  try {
    const { size } = await handle.stat();
    const body = Buffer.from(content, "utf8");
    const buf = Buffer.concat([body, Buffer.from(padding(size - body.length), "utf8")]);
    let done = 0;
    while (done < buf.length) {
      const { bytesWritten } = await handle.write(buf, done, buf.length - done, done);
      done += bytesWritten;
    }
    if (buf.length !== body.length) await handle.truncate(body.length);
  } finally {
    await handle.close();
  }
}

/**
 * Creates `<root>/<ns>/` with the given files, atomically: filled as `<root>/.<ns>.tmp/`, then
 * renamed. A leftover folder of the same name (from a crashed run) is replaced.
 *
 * @example
 * ```ts
 * await createEtcDir("jsimk3x9-1-jaas-openfga-0", { hosts, "resolv.conf": resolv });
 * ```
 */
export async function createEtcDir(
  namespace: string,
  files: EtcFiles,
  root: string = NETNS_ETC_DIR,
): Promise<string> {
  const dir = join(root, namespace);
  const tmp = join(root, `.${namespace}.tmp`);
  await mkdir(root, { recursive: true, mode: 0o755 });
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { mode: 0o755 });
  try {
    for (const [name, content] of Object.entries(files)) {
      await writeFile(join(tmp, name), content, { mode: 0o644 });
    }
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return dir;
}

/**
 * Rewrites the files of an existing `<root>/<ns>/` in place, so processes already running in
 * the namespace see the change.
 *
 * @example
 * ```ts
 * await updateEtcDir("jsimk3x9-1-jaas-openfga-0", { hosts: renderHosts(view) });
 * ```
 */
export async function updateEtcDir(
  namespace: string,
  files: EtcFiles,
  root: string = NETNS_ETC_DIR,
): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await writeInPlace(join(root, namespace, name), content);
  }
}

/**
 * Removes `<root>/<ns>/` and its temporary twin; missing folders are fine.
 *
 * @example
 * ```ts
 * await removeEtcDir("jsimk3x9-1-jaas-openfga-0");
 * ```
 */
export async function removeEtcDir(namespace: string, root: string = NETNS_ETC_DIR): Promise<void> {
  await rm(join(root, namespace), { recursive: true, force: true });
  await rm(join(root, `.${namespace}.tmp`), { recursive: true, force: true });
}
