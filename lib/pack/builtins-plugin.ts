/**
 * An esbuild plugin that loads Node's built-in modules with `require()` inside the ES module
 * bundle instead of `import`.
 *
 * Importing a built-in from an ES module makes Node build an ES module facade for it, and the
 * facade reads every export of the built-in once. For `node:http` that read trips the lazy
 * getters that load undici (Node's fetch and WebSocket implementation) and `node:tls`: about
 * 15-25 ms of every hook, for code a charm never runs. `require()` returns the CommonJS exports
 * object without a facade, so the lazy getters stay lazy. The bundle's banner defines `require`.
 *
 * @example
 * ```ts
 * await esbuild.build({ entryPoints: ["src/main.ts"], bundle: true, format: "esm", plugins: [requireBuiltins()] });
 * ```
 */
import { builtinModules } from "node:module";
import type { Plugin } from "esbuild";

const BUILTINS = new Set(builtinModules);

/**
 * Whether `specifier` names a Node built-in module (`node:fs`, `fs`, `fs/promises`).
 *
 * @example
 * ```ts
 * isBuiltinModule("node:http"); // true
 * isBuiltinModule("yaml");      // false
 * ```
 */
export function isBuiltinModule(specifier: string): boolean {
  return specifier.startsWith("node:") || BUILTINS.has(specifier);
}

/**
 * The plugin: each static `import` of a built-in becomes a tiny CommonJS module that requires
 * it (esbuild then reads its named exports at run time, as for any CommonJS module).
 *
 * @example
 * ```ts
 * plugins: [requireBuiltins()]
 * ```
 */
export function requireBuiltins(): Plugin {
  return {
    name: "charm-require-builtins",
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind !== "import-statement" || args.namespace === "charm-builtin")
          return undefined;
        if (!isBuiltinModule(args.path)) return undefined;
        return { path: args.path, namespace: "charm-builtin" };
      });
      build.onLoad({ filter: /.*/, namespace: "charm-builtin" }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
        loader: "js",
      }));
    },
  };
}
