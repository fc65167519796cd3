/**
 * Bundles a charm's TypeScript entry point into one ES module for Node 22 with esbuild.
 *
 * - Format `esm` with code splitting: every dynamic `import()` (heavy SDKs such as
 *   `@openfga/sdk` or `@kubernetes/client-node`) becomes its own chunk under `dist/chunks/`, so
 *   a hook that does not reach that code path never reads or compiles it. The main file holds
 *   only what every hook needs.
 * - `keepNames`: class and function names survive (error names, observer method names in
 *   deferred events, stack traces).
 * - Dynamic imports of CommonJS packages get their named exports, as under Node (see
 *   `lazy-import-plugin.ts`).
 * - A banner defines `require` (through `createRequire`); Node's built-in modules are loaded
 *   with it, not with `import`, which would build ES module facades that load undici and TLS on
 *   every start (see `builtins-plugin.ts`). CommonJS packages in the bundle use it too.
 *
 * @example
 * ```ts
 * const out = await bundleCharm({ entry: "examples/demo/src/main.ts", outDir: "build/demo/dist" });
 * out.main; // "build/demo/dist/charm.mjs"
 * ```
 */
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { build, type Plugin } from "esbuild";
import { requireBuiltins } from "./builtins-plugin.js";
import { lazyImportInterop } from "./lazy-import-plugin.js";

/** Options of {@link bundleCharm}. */
export interface BundleOptions {
  /** The charm's entry point, e.g. `charms/openfga-k8s/src/main.ts`. */
  entry: string;
  /** Where the bundle goes (created if missing), e.g. `<charm>/dist`. */
  outDir: string;
  /** Base name of the main file (default `charm`, giving `charm.mjs`). */
  name?: string;
  /** Minify (default true: smaller files parse faster; names are kept). */
  minify?: boolean;
  /** Write `<name>.mjs.map` beside the bundle (default false). */
  sourcemap?: boolean;
  /** Packages left out of the bundle (they must then be shipped some other way). */
  external?: string[];
  /** Load Node's built-ins with `require` (default true; false only to measure the difference). */
  requireBuiltins?: boolean;
  /** More esbuild plugins, run before the bundler's own (e.g. stubs when profiling). */
  plugins?: Plugin[];
}

/** What {@link bundleCharm} wrote. */
export interface BundleResult {
  /** The main file (absolute path). */
  main: string;
  /** Every file written (absolute paths), the main file first. */
  files: string[];
  /** Size of the main file in bytes. */
  mainBytes: number;
  /** Bytes of the main file per input package or directory (for size reports). */
  inputs: Record<string, number>;
}

/** Groups an esbuild input path by package (`node_modules/<pkg>`) or by two path segments. */
function inputGroup(path: string): string {
  const parts = path.split("/");
  const nm = parts.lastIndexOf("node_modules");
  if (nm >= 0) {
    const scoped = parts[nm + 1]?.startsWith("@");
    return parts.slice(nm, nm + (scoped ? 3 : 2)).join("/");
  }
  return parts.slice(0, 2).join("/");
}

const REQUIRE_BANNER =
  'import { createRequire as __charmCreateRequire } from "node:module"; const require = __charmCreateRequire(import.meta.url);';

/**
 * Bundles `entry` into `outDir`.
 *
 * @example
 * ```ts
 * await bundleCharm({ entry: "src/main.ts", outDir: "out/dist", minify: false });
 * ```
 */
export async function bundleCharm(options: BundleOptions): Promise<BundleResult> {
  const name = options.name ?? "charm";
  const outDir = resolve(options.outDir);
  const result = await build({
    entryPoints: { [name]: resolve(options.entry) },
    outdir: outDir,
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    platform: "node",
    format: "esm",
    target: "node22",
    keepNames: true,
    minify: options.minify ?? true,
    sourcemap: options.sourcemap ? "external" : false,
    legalComments: "none",
    external: options.external ?? [],
    define: { "process.env.NODE_ENV": '"production"' },
    banner: { js: REQUIRE_BANNER },
    plugins: [
      ...(options.plugins ?? []),
      ...(options.requireBuiltins === false ? [] : [requireBuiltins()]),
      lazyImportInterop(),
    ],
    metafile: true,
    logLevel: "silent",
    absWorkingDir: process.cwd(),
  });
  const main = join(outDir, `${name}.mjs`);
  const files = Object.keys(result.metafile.outputs).map((p) => resolve(p));
  files.sort((a, b) => (a === main ? -1 : b === main ? 1 : a.localeCompare(b)));
  const inputs: Record<string, number> = {};
  const mainOut = Object.entries(result.metafile.outputs).find(([p]) => resolve(p) === main)?.[1];
  for (const [path, info] of Object.entries(mainOut?.inputs ?? {})) {
    const group = inputGroup(path);
    inputs[group] = (inputs[group] ?? 0) + info.bytesInOutput;
  }
  return { main, files, mainBytes: statSync(main).size, inputs };
}
