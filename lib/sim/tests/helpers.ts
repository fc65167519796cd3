/**
 * Helpers of the local-model tests: build the test charms once per file (Node linked, not
 * copied), start a controller in a temporary directory and always destroy it, and read the
 * hook records back as short strings.
 *
 * @example
 * ```ts
 * const relay = await buildTestCharm("relay", tmp);
 * await withController({ deterministic: { seed: 1 } }, async (c) => { ... });
 * ```
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildCharmDir } from "../../pack/build.js";
import { Controller } from "../controller.js";
import type { ControllerOptions } from "../controller.js";
import type { HookRecord } from "../runtime.js";

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * Builds `lib/sim/tests/charms/<name>` into `<outRoot>/<name>` with the machine's Node linked.
 *
 * @example
 * ```ts
 * const dir = await buildTestCharm("relay", tmp);
 * ```
 */
export async function buildTestCharm(name: string, outRoot: string): Promise<string> {
  const src = join(HERE, "charms", name);
  const built = await buildCharmDir({
    charmDir: src,
    entry: join(src, "main.ts"),
    outDir: join(outRoot, name),
    node: process.execPath,
    nodeInstall: "symlink",
  });
  return built.dir;
}

/**
 * A temporary directory, removed by the returned function.
 *
 * @example
 * ```ts
 * const [tmp, cleanup] = tempDir();
 * ```
 */
export function tempDir(prefix = "jsim-test-"): [string, () => void] {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return [dir, () => rmSync(dir, { recursive: true, force: true })];
}

/**
 * Fast, quiet defaults for tests.
 *
 * @example
 * ```ts
 * await Controller.create({ ...TEST_OPTIONS, deterministic: { seed: 1 } });
 * ```
 */
export const TEST_OPTIONS: ControllerOptions = {
  updateStatusIntervalMs: 0,
  timeScale: 0.005,
  persist: false,
};

/**
 * Runs `fn` with a new controller and destroys it afterwards, even when `fn` throws.
 *
 * @example
 * ```ts
 * await withController({ deterministic: { seed: 7 } }, async (c) => { await c.addModel("m"); });
 * ```
 */
export async function withController<T>(
  options: ControllerOptions,
  fn: (c: Controller) => Promise<T>,
): Promise<T> {
  const c = await Controller.create({ ...TEST_OPTIONS, ...options });
  try {
    return await fn(c);
  } finally {
    await c.destroy();
  }
}

/**
 * A hook record as a short string: `install`, `peers-relation-joined relay/1`,
 * `source-relation-departed relay/1 (departing relay/1)`, `action:echo`, with ` !1` when it
 * exited 1.
 *
 * @example
 * ```ts
 * hookText(record); // "db-relation-changed pg/0"
 * ```
 */
export function hookText(r: HookRecord): string {
  let text = r.hook;
  if (r.remoteUnit !== undefined) text += ` ${r.remoteUnit}`;
  if (r.departingUnit !== undefined && r.departingUnit !== r.remoteUnit) {
    text += ` (departing ${r.departingUnit})`;
  }
  if (r.exitCode !== 0) text += ` !${r.exitCode}`;
  return text;
}

/**
 * The hooks a unit ran (after record `since`), as {@link hookText} strings.
 *
 * @example
 * ```ts
 * hooksOf(c, "m", "relay/0"); // ["install", "peers-relation-created", "leader-elected", ...]
 * ```
 */
export function hooksOf(c: Controller, model: string, unit: string, since = 0): string[] {
  return c.hooks.filter((r) => r.seq > since && r.model === model && r.unit === unit).map(hookText);
}

/**
 * The sequence number of the last hook record so far.
 *
 * @example
 * ```ts
 * const mark = lastSeq(c); await c.config(...); await c.settle(); hooksOf(c, "m", "a/0", mark);
 * ```
 */
export function lastSeq(c: Controller): number {
  return c.hooks.reduce((max, r) => Math.max(max, r.seq), 0);
}
