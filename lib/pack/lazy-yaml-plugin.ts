/**
 * An esbuild plugin that keeps the `yaml` package off the start-up path of a hook.
 *
 * Evaluating `yaml` and running its first parse cost about 35 ms of CPU per hook, more than
 * the framework itself. Two things make a hook pay it although it rarely needs YAML:
 *
 * - the framework reads `metadata.yaml`, `config.yaml` and `actions.yaml` on every hook;
 * - modules on the start-up path import `yaml` statically (e.g. the Pebble layer code reached
 *   from the container model), which evaluates the whole package at load time.
 *
 * For every importer outside `node_modules`, the plugin replaces `yaml` with a small module
 * whose functions load the real package (bundled, but evaluated only on the first call). Its
 * `parse` also knows the metadata files the build wrote: given exactly one of those texts it
 * returns the value they parse to without loading `yaml` at all; any other text (a file edited
 * after the build, say) is parsed for real. The replacement offers the functions of `yaml`'s
 * API, not its classes: an importer that needs a class (`Document`, `YAMLMap`, ...) fails the
 * build with "No matching export"; build it with `lazyYaml: false`.
 *
 * @example
 * ```ts
 * const text = renderYaml(files.metadata);
 * plugins: [lazyYaml([{ text, value: parseYaml(text) }])]
 * ```
 */
import type { Plugin } from "esbuild";

/** A YAML text and the value it parses to. */
export interface PreparsedDocument {
  text: string;
  value: unknown;
}

/** The functions of `yaml`'s API that the replacement provides. */
export const LAZY_YAML_FUNCTIONS = [
  "parse",
  "stringify",
  "parseDocument",
  "parseAllDocuments",
  "visit",
  "visitAsync",
  "isAlias",
  "isCollection",
  "isDocument",
  "isMap",
  "isNode",
  "isPair",
  "isScalar",
  "isSeq",
] as const;

const NAMESPACE = "charm-lazy-yaml";

/**
 * The source of the replacement module.
 *
 * @example
 * ```ts
 * lazyYamlModule([{ text: "a: 1\n", value: { a: 1 } }]); // "const PREPARSED = new Map(...); ..."
 * ```
 */
export function lazyYamlModule(docs: readonly PreparsedDocument[]): string {
  const entries = docs.map((d) => [d.text, JSON.stringify(d.value)]);
  const lines = [
    `const PREPARSED = new Map(${JSON.stringify(entries)});`,
    "let real;",
    'const load = () => (real ??= require("yaml"));',
    "export function parse(src, ...rest) {",
    '  const hit = typeof src === "string" && rest.length === 0 ? PREPARSED.get(src) : undefined;',
    "  if (hit !== undefined) return JSON.parse(hit);",
    "  return load().parse(src, ...rest);",
    "}",
  ];
  for (const name of LAZY_YAML_FUNCTIONS) {
    if (name !== "parse")
      lines.push(`export function ${name}(...args) { return load().${name}(...args); }`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The plugin.
 *
 * @example
 * ```ts
 * await esbuild.build({ ..., plugins: [lazyYaml(docs)] });
 * ```
 */
export function lazyYaml(docs: readonly PreparsedDocument[] = []): Plugin {
  return {
    name: "charm-lazy-yaml",
    setup(build) {
      build.onResolve({ filter: /^yaml$/ }, (args) => {
        if (args.namespace === NAMESPACE || /[\\/]node_modules[\\/]/.test(args.importer))
          return undefined;
        return { path: "yaml", namespace: NAMESPACE, pluginData: { resolveDir: args.resolveDir } };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: lazyYamlModule(docs),
        loader: "js",
        resolveDir: (args.pluginData as { resolveDir: string }).resolveDir,
      }));
    },
  };
}
