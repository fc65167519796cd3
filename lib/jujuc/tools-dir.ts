/**
 * The hook tools as executables: the Go shim (`lib/jujuc/shim`, built by
 * `scripts/install-jujuc-shim.sh` into `.cache/bin/jujuc-shim`) and a tools directory holding
 * one symlink to it per tool name, to put first in a hook's `PATH` (Juju's
 * `/var/lib/juju/tools/unit-<app>-<n>`).
 *
 * @example
 * ```ts
 * const toolsDir = makeToolsDir(join(tmp, "tools")); // tools/relation-get -> .cache/bin/jujuc-shim, ...
 * ```
 */

import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { HOOK_TOOL_NAMES } from "./tools/index.js";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * Where `scripts/install-jujuc-shim.sh` puts the shim.
 *
 * @example
 * ```ts
 * makeToolsDir(toolsDir, defaultShimPath());
 * ```
 */
export function defaultShimPath(): string {
  return join(REPO_ROOT, ".cache", "bin", "jujuc-shim");
}

/**
 * Builds the shim if its binary is missing or its source changed (the install script is
 * idempotent and fast when nothing changed), and returns its path.
 *
 * @example
 * ```ts
 * const shim = ensureJujucShim();
 * ```
 */
export function ensureJujucShim(): string {
  execFileSync(
    "bash",
    ["--norc", "--noprofile", join(REPO_ROOT, "scripts", "install-jujuc-shim.sh")],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  return defaultShimPath();
}

/**
 * Creates `dir` (if needed) with one symlink per hook tool name to `shimPath` (default: the
 * built shim), replacing links that point elsewhere. Returns `dir`.
 *
 * @example
 * ```ts
 * const toolsDir = makeToolsDir("/tmp/unit-jimm-0/tools", ensureJujucShim());
 * ```
 */
export function makeToolsDir(dir: string, shimPath: string = defaultShimPath()): string {
  const target = resolve(shimPath);
  if (!existsSync(target)) {
    throw new Error(`hook-tool shim not found at ${target}: run scripts/install-jujuc-shim.sh`);
  }
  mkdirSync(dir, { recursive: true });
  for (const name of HOOK_TOOL_NAMES) {
    const link = join(dir, name);
    let current: string | undefined;
    try {
      current = lstatSync(link).isSymbolicLink() ? readlinkSync(link) : "";
    } catch {
      current = undefined;
    }
    if (current === target) continue;
    if (current !== undefined) rmSync(link, { force: true });
    symlinkSync(target, link);
  }
  return dir;
}
