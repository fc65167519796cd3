/**
 * An esbuild plugin that makes `await import("some-package")` give the same namespace in the
 * split bundle as in Node.
 *
 * With code splitting, esbuild turns a dynamically imported CommonJS package into a chunk whose
 * only export is `default` (`module.exports`): ES module chunks cannot carry run-time named
 * exports (esbuild issues #1847, #3245). Node itself also exposes the package's named exports,
 * so `const { OpenFgaClient } = await import("@openfga/sdk")` works under `tsx` and would get
 * `undefined` from the bundle. The plugin rewrites each dynamic import of a bare package name
 * in the charm's own sources (not in `node_modules`) to pass the namespace through a helper that
 * adds `module.exports`' properties as named exports when `default` is all there is.
 *
 * @example
 * ```ts
 * await esbuild.build({ entryPoints: ["src/main.ts"], bundle: true, splitting: true, format: "esm", plugins: [lazyImportInterop()] });
 * ```
 */
import { readFile } from "node:fs/promises";
import type { Loader, Plugin } from "esbuild";

const HELPER_MODULE = "charm-pack:import-interop";
const HELPER_NAME = "__charmImportInterop";

/** A dynamic import of a bare package name (not relative, not absolute, not `node:`). */
const DYNAMIC_BARE_IMPORT = /\bimport\(\s*(["'])((?!node:)[^"'./][^"']*)\1\s*\)/g;

const HELPER_SOURCE = `
export function ${HELPER_NAME}(ns) {
  const keys = Object.keys(ns);
  const d = ns.default;
  if (keys.length === 1 && keys[0] === "default" && d !== null && (typeof d === "object" || typeof d === "function")) {
    return Object.freeze(Object.assign(Object.create(null), d, { default: d }));
  }
  return ns;
}
`;

const LOADERS: Record<string, Loader> = {
  ts: "ts",
  mts: "ts",
  cts: "ts",
  tsx: "tsx",
  js: "js",
  mjs: "js",
  cjs: "js",
  jsx: "jsx",
};

/**
 * Rewrites the dynamic imports of bare package names in `source`; returns undefined when there
 * are none.
 *
 * @example
 * ```ts
 * rewriteDynamicImports('const m = await import("yaml");');
 * // 'import { __charmImportInterop } from "charm-pack:import-interop";\nconst m = await import("yaml").then(__charmImportInterop);'
 * ```
 */
export function rewriteDynamicImports(source: string): string | undefined {
  let changed = false;
  const out = source.replace(DYNAMIC_BARE_IMPORT, (match) => {
    changed = true;
    return `${match}.then(${HELPER_NAME})`;
  });
  return changed ? `import { ${HELPER_NAME} } from "${HELPER_MODULE}";\n${out}` : undefined;
}

/**
 * The plugin.
 *
 * @example
 * ```ts
 * plugins: [lazyImportInterop()]
 * ```
 */
export function lazyImportInterop(): Plugin {
  return {
    name: "charm-lazy-import-interop",
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${HELPER_MODULE}$`) }, () => ({
        path: HELPER_MODULE,
        namespace: "charm-pack",
      }));
      build.onLoad({ filter: /.*/, namespace: "charm-pack" }, () => ({
        contents: HELPER_SOURCE,
        loader: "js",
      }));
      build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
        if (args.path.includes("/node_modules/")) return undefined;
        const source = await readFile(args.path, "utf8");
        const contents = rewriteDynamicImports(source);
        if (contents === undefined) return undefined;
        const ext = args.path.slice(args.path.lastIndexOf(".") + 1);
        return { contents, loader: LOADERS[ext] ?? "ts" };
      });
    },
  };
}
