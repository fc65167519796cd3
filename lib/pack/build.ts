/**
 * Builds a runnable charm directory from a TypeScript charm: what `charmcraft pack` puts in a
 * `.charm`, laid out on disk.
 *
 * ```
 * <outDir>/
 *   dispatch              sh script: exec bin/node dist/charm.mjs
 *   hooks/install         -> ../dispatch  (also start, upgrade-charm: for very old Juju)
 *   bin/node              the Node runtime the charm carries
 *   dist/charm.mjs        the esbuild bundle (+ dist/chunks/* for dynamic imports)
 *   metadata.yaml  config.yaml  actions.yaml  manifest.yaml
 *   README.md  LICENSE  icon.svg   (copied when the charm has them)
 * ```
 *
 * @example
 * ```ts
 * const built = await buildCharmDir({
 *   charmDir: "examples/demo",
 *   entry: "examples/demo/src/main.ts",
 *   outDir: "/tmp/demo-charm",
 *   node: nodeRuntimePath(),
 * });
 * // run a hook: JUJU_DISPATCH_PATH=hooks/install ... /tmp/demo-charm/dispatch
 * ```
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join, relative, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { bundleCharm } from "./bundle.js";
import { dispatchScript } from "./dispatch-script.js";
import { jujuFilesFromCharmcraft, manifest, renderYaml, type YamlMap } from "./juju-files.js";
import { lazyYaml, type PreparsedDocument } from "./lazy-yaml-plugin.js";

/** How the Node binary gets into the charm directory. */
export type NodeInstallMode = "auto" | "copy" | "hardlink" | "symlink";

/** Options of {@link buildCharmDir}. */
export interface BuildCharmDirOptions {
  /** The charm's source directory, holding `charmcraft.yaml`. */
  charmDir: string;
  /** The charm's entry point (default `<charmDir>/src/main.ts`); relative paths are from the working directory. */
  entry?: string;
  /** The directory to build into. Replaced if it holds an earlier build; refused if it holds anything else. */
  outDir: string;
  /** The Node binary to ship (see `nodeRuntimePath()`). */
  node: string;
  /**
   * How to place the Node binary (default `auto`: hard link, or copy across file systems).
   * `symlink` avoids a 125 MB copy in tests; a `.charm` packed from such a directory still
   * carries the real binary, since packing follows links.
   */
  nodeInstall?: NodeInstallMode;
  /** Minify the bundle (default true). */
  minify?: boolean;
  /**
   * Load `yaml` only on first use, and bundle the parsed metadata files so that reading them
   * needs no `yaml` at all (default true; see `lazy-yaml-plugin.ts`).
   */
  lazyYaml?: boolean;
  /**
   * Let `dispatch` keep Node's compile cache in `<charm>/.node-compile-cache` (default true):
   * the first hook writes it, later hooks skip compiling the bundle (about 8 ms of CPU per
   * hook). Node checks each entry against the file's content, and goes on without a cache if
   * the directory cannot be written. `packCharm` leaves the directory out.
   */
  compileCache?: boolean;
  /** Extra Node command-line options for `dispatch`. */
  nodeOptions?: readonly string[];
  /** Fills `charmcraft-version` in `manifest.yaml` (default: this packer's name). */
  tool?: string;
  /** The build time written to `manifest.yaml` (default now). */
  now?: Date;
}

/** What {@link buildCharmDir} built. */
export interface BuiltCharm {
  /** The charm directory (absolute). */
  dir: string;
  /** The charm's name (from `charmcraft.yaml`). */
  name: string;
  /** `<dir>/dispatch`. */
  dispatch: string;
  /** The bundle's main file. */
  bundle: string;
  /** Size of the bundle's main file in bytes. */
  bundleBytes: number;
  /** Bytes of the bundle's main file per input package. */
  bundleInputs: Record<string, number>;
  /** Every file of the directory, relative to it, sorted. */
  files: string[];
}

/** Node binary, bundle and dispatch locations inside a built charm. */
const NODE_PATH = "bin/node";
const DIST_DIR = "dist";
const BUNDLE_NAME = "charm";
/** Node's compile cache, relative to the charm directory (also named in `pack.ts`). */
export const COMPILE_CACHE_DIR = ".node-compile-cache";
/** Hooks charmcraft always links to `dispatch`, for Juju versions without dispatch. */
const MANDATORY_HOOKS = ["install", "start", "upgrade-charm"];
/** Files copied from the charm's source directory when present. */
const EXTRA_FILES = ["README.md", "LICENSE", "icon.svg"];
const DEFAULT_TOOL = "jaas-charms lib/pack";

function readCharmcraft(charmDir: string): YamlMap {
  const path = join(charmDir, "charmcraft.yaml");
  if (!existsSync(path)) throw new Error(`${charmDir} has no charmcraft.yaml`);
  const doc: unknown = parseYaml(readFileSync(path, "utf8"));
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new Error(`${path} must be a YAML map`);
  }
  return doc as YamlMap;
}

/** Empties `outDir`, refusing to touch a directory that is not an earlier build. */
function prepareOutDir(outDir: string, charmDir: string): void {
  const rel = relative(outDir, charmDir);
  if (rel === "" || !rel.startsWith("..")) {
    throw new Error(`outDir ${outDir} must not be the charm's source directory or contain it`);
  }
  if (existsSync(outDir)) {
    const entries = readdirSync(outDir);
    const earlierBuild = entries.includes("dispatch") && entries.includes("manifest.yaml");
    if (entries.length > 0 && !earlierBuild) {
      throw new Error(
        `outDir ${outDir} is not empty and does not hold an earlier charm build: refusing to replace it`,
      );
    }
    rmSync(outDir, { recursive: true, force: true });
  }
  mkdirSync(outDir, { recursive: true });
}

/** Puts the Node binary at `dest`, executable. */
function installNode(source: string, dest: string, mode: NodeInstallMode): void {
  const src = resolve(source);
  if (!existsSync(src)) throw new Error(`node binary ${src} does not exist`);
  if (mode === "symlink") {
    symlinkSync(src, dest);
    return;
  }
  if (mode === "auto" || mode === "hardlink") {
    try {
      linkSync(src, dest);
      chmodSync(dest, 0o755);
      return;
    } catch (err) {
      if (mode === "hardlink") throw err;
    }
  }
  copyFileSync(src, dest);
  chmodSync(dest, 0o755);
}

function listFiles(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out.sort();
}

/**
 * Builds a runnable charm directory. See the module documentation for the layout.
 *
 * @example
 * ```ts
 * await buildCharmDir({ charmDir: "examples/demo", outDir: "/tmp/demo", node: nodeRuntimePath(), nodeInstall: "symlink" });
 * ```
 */
export async function buildCharmDir(options: BuildCharmDirOptions): Promise<BuiltCharm> {
  const charmDir = resolve(options.charmDir);
  const outDir = resolve(options.outDir);
  const entry = resolve(options.entry ?? join(charmDir, "src", "main.ts"));
  const doc = readCharmcraft(charmDir);
  const files = jujuFilesFromCharmcraft(doc);
  const manifestDoc = manifest(doc, options.tool ?? DEFAULT_TOOL, options.now ?? new Date());

  const yamlFiles: Record<string, string> = { "metadata.yaml": renderYaml(files.metadata) };
  if (files.config) yamlFiles["config.yaml"] = renderYaml(files.config);
  if (files.actions) yamlFiles["actions.yaml"] = renderYaml(files.actions);
  const preparsed: PreparsedDocument[] = Object.values(yamlFiles).map((text) => ({
    text,
    value: parseYaml(text),
  }));

  prepareOutDir(outDir, charmDir);
  const bundle = await bundleCharm({
    entry,
    outDir: join(outDir, DIST_DIR),
    name: BUNDLE_NAME,
    minify: options.minify ?? true,
    plugins: options.lazyYaml === false ? [] : [lazyYaml(preparsed)],
  });

  for (const [name, text] of Object.entries(yamlFiles)) writeFileSync(join(outDir, name), text);
  writeFileSync(join(outDir, "manifest.yaml"), renderYaml(manifestDoc, false));
  for (const name of EXTRA_FILES) {
    if (existsSync(join(charmDir, name))) copyFileSync(join(charmDir, name), join(outDir, name));
  }

  const dispatch = join(outDir, "dispatch");
  writeFileSync(
    dispatch,
    dispatchScript({
      node: NODE_PATH,
      bundle: relative(outDir, bundle.main),
      ...(options.compileCache === false ? {} : { compileCache: COMPILE_CACHE_DIR }),
      ...(options.nodeOptions ? { nodeOptions: options.nodeOptions } : {}),
    }),
  );
  chmodSync(dispatch, 0o755);
  mkdirSync(join(outDir, "hooks"));
  for (const hook of MANDATORY_HOOKS) symlinkSync("../dispatch", join(outDir, "hooks", hook));

  mkdirSync(join(outDir, "bin"));
  installNode(options.node, join(outDir, NODE_PATH), options.nodeInstall ?? "auto");

  return {
    dir: outDir,
    name: String(files.metadata.name),
    dispatch,
    bundle: bundle.main,
    bundleBytes: bundle.mainBytes,
    bundleInputs: bundle.inputs,
    files: listFiles(outDir),
  };
}
