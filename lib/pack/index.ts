/**
 * Builds runnable charm directories and `.charm` files from TypeScript charms.
 *
 * @example
 * ```ts
 * import { buildCharmDir, nodeRuntimePath, packCharm } from "../../lib/pack/index.js";
 * const built = await buildCharmDir({ charmDir: "examples/demo", outDir: "build/demo", node: nodeRuntimePath() });
 * await packCharm({ dir: built.dir, out: "build/demo_amd64.charm" });
 * ```
 */
export * from "./build.js";
export * from "./bundle.js";
export * from "./dispatch-script.js";
export * from "./juju-files.js";
export * from "./node-runtime.js";
export * from "./pack.js";
export * from "./fake-hook-tools.js";
export * from "./hook-env.js";
export * from "./lazy-import-plugin.js";
export * from "./builtins-plugin.js";
export * from "./lazy-yaml-plugin.js";
