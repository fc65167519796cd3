/**
 * The in-memory Pebble for unit tests: {@link InMemoryPebble} implements the same `Pebble`
 * interface as the real client, so charm code runs unchanged against it.
 *
 * @example
 * ```ts
 * import { InMemoryPebble } from "../testing/pebble/index.js";
 * const pebble = new InMemoryPebble();
 * pebble.handleExec(["openfga", "migrate"], { stdout: "done\n" });
 * ```
 *
 * @module
 */

export { InMemoryPebble } from "./in-memory-pebble.js";
export type { ExecRecord, InMemoryPebbleOptions } from "./in-memory-pebble.js";
export { ExecHandlers, SIGNALS } from "./exec-handlers.js";
export type { ExecContext, ExecHandler, ExecHandlerResult } from "./exec-handlers.js";
export { Accounts, globToRegExp, MemoryFileSystem } from "./filesystem.js";
export type { MemoryEntry } from "./filesystem.js";
