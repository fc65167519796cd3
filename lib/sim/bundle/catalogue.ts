/**
 * The charm catalogue: what a charm name in a bundle (or `jaas deploy <name>`) means in the
 * local model. The local model deploys no charm from Charmhub; a name is looked up among this
 * repository's TypeScript charms and the local stand-ins of the charms it does not write:
 *
 * ```
 * charms/<name>/                    the project's charms           (charmcraft.yaml + src/main.ts)
 * integration-tests/charms/<name>/  local stand-ins (postgresql-k8s, vault-k8s, ...)
 * examples/<name>/                  examples
 * $JAAS_CHARM_PATH                  more folders, colon-separated
 * ```
 *
 * A charm's name is the `name:` of its `charmcraft.yaml` (else its folder's name); the first
 * folder in the list above wins. A local path (`./x`, `/x`) is deployed as it is: a built charm
 * (`dispatch` and `metadata.yaml`) or a TypeScript source (`charmcraft.yaml` with `src/main.ts`
 * or `main.ts`). Sources are built with `lib/pack` `buildCharmDir` into
 * `.cache/charms/<name>-<hash>/`, where the hash covers the charm's files, the framework's
 * sources it bundles (`lib/ops`, `lib/pebble`, `lib/interfaces`, `lib/jujuc`, `lib/pack`), the
 * lock file and the Node runtime: an unchanged charm is never built twice.
 *
 * @example
 * ```ts
 * const catalogue = new CharmCatalogue();
 * const located = catalogue.locate("demo");               // examples/demo
 * const built = await catalogue.build(located);           // { dir: ".cache/charms/demo-1f2e…", cached: false }
 * await controller.deploy("jaas", { charmDir: built.dir });
 * ```
 */
import { createHash, randomBytes } from "node:crypto";
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { delimiter, isAbsolute, join, relative, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { goQuote } from "../../jujuc/internal/go-format.js";
import { CharmMeta } from "../../ops/metadata.js";
import { buildCharmDir } from "../../pack/build.js";
import { nodeRuntimePath, REPO_ROOT } from "../../pack/node-runtime.js";
import { invalid, notFound } from "../errors.js";

/**
 * The catalogue's folders, relative to the repository, in order of precedence.
 *
 * @example
 * ```ts
 * new CharmCatalogue({ searchDirs: [...DEFAULT_SEARCH_DIRS, "lib/sim/tests/charms"] });
 * ```
 */
export const DEFAULT_SEARCH_DIRS = ["charms", "integration-tests/charms", "examples"];

/** Options of {@link CharmCatalogue}. */
export interface CatalogueOptions {
  /** The repository (default: this checkout). */
  root?: string;
  /** Folders holding one charm per sub-folder (default {@link DEFAULT_SEARCH_DIRS} and `$JAAS_CHARM_PATH`). */
  searchDirs?: readonly string[];
  /** Where builds are cached (default `$JAAS_CHARM_CACHE`, else `<root>/.cache/charms`). */
  cacheDir?: string;
  /** The Node binary built charms run on (default the pinned runtime if installed, else this Node). */
  node?: string;
}

/** A charm the catalogue knows by name. */
export interface CatalogueEntry {
  name: string;
  /** Its source folder (absolute). */
  dir: string;
}

/** A charm reference resolved to a folder. */
export interface LocatedCharm {
  /** What was asked for (`demo`, `./charms/jimm`). */
  ref: string;
  /** The charm's name (its metadata's). */
  name: string;
  /** The folder (absolute). */
  dir: string;
  /** A TypeScript source to build, or a runnable charm folder. */
  kind: "source" | "built";
  /** Found by name in the catalogue, or given as a path. */
  origin: "catalogue" | "path";
  /** The entry point of a source. */
  entry?: string;
}

/** A runnable charm folder. */
export interface BuiltCharmRef {
  name: string;
  dir: string;
  /** True when an earlier build was reused (or the charm needed no build). */
  cached: boolean;
  /** Milliseconds spent building (0 when cached). */
  ms: number;
}

/** Sources the framework bundles into every charm: a change rebuilds. */
const FRAMEWORK_DIRS = ["lib/ops", "lib/pebble", "lib/interfaces", "lib/jujuc", "lib/pack"];
const SKIP_DIRS = new Set(["node_modules", "tests", "dist", "build"]);
const HASH_VERSION = "jaas-catalogue-1";

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The `name:` of a charmcraft.yaml, if it has one. */
function charmcraftName(dir: string): string | undefined {
  try {
    const doc: unknown = parseYaml(readFileSync(join(dir, "charmcraft.yaml"), "utf8"));
    if (typeof doc === "object" && doc !== null && !Array.isArray(doc)) {
      const name = (doc as Record<string, unknown>).name;
      if (typeof name === "string" && name !== "") return name;
    }
  } catch {
    // Unreadable: the folder's name stands in; building it reports the problem.
  }
  return undefined;
}

function sourceEntry(dir: string): string | undefined {
  if (!existsSync(join(dir, "charmcraft.yaml"))) return undefined;
  for (const candidate of [join(dir, "src", "main.ts"), join(dir, "main.ts")]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Adds every file below `dir` (sorted, skipping tests and build output) to the hash. */
function hashTree(hash: ReturnType<typeof createHash>, dir: string, base: string): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith(".") || SKIP_DIRS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) hashTree(hash, path, base);
    else if (entry.isFile() && !entry.name.endsWith(".test.ts")) {
      hash.update(`\0${relative(base, path)}\0`);
      hash.update(readFileSync(path));
    }
  }
}

/**
 * The catalogue (see the module documentation).
 *
 * @example
 * ```ts
 * const built = await new CharmCatalogue().build(new CharmCatalogue().locate("demo"));
 * ```
 */
export class CharmCatalogue {
  readonly root: string;
  readonly searchDirs: readonly string[];
  readonly cacheDir: string;
  readonly #node: string | undefined;
  readonly #building = new Map<string, Promise<BuiltCharmRef>>();

  constructor(options: CatalogueOptions = {}) {
    this.root = resolve(options.root ?? REPO_ROOT);
    const extra = (process.env.JAAS_CHARM_PATH ?? "").split(delimiter).filter((d) => d !== "");
    this.searchDirs = (options.searchDirs ?? [...DEFAULT_SEARCH_DIRS, ...extra]).map((d) =>
      resolve(this.root, d),
    );
    this.cacheDir = resolve(
      options.cacheDir ?? process.env.JAAS_CHARM_CACHE ?? join(this.root, ".cache", "charms"),
    );
    this.#node = options.node;
  }

  /**
   * Every charm the catalogue knows, sorted by name.
   *
   * @example
   * ```ts
   * new CharmCatalogue().entries().map((e) => e.name); // ["demo", "jimm-k8s", ...]
   * ```
   */
  entries(): CatalogueEntry[] {
    const found = new Map<string, CatalogueEntry>();
    for (const searchDir of this.searchDirs) {
      let names: string[];
      try {
        names = readdirSync(searchDir).sort();
      } catch {
        continue;
      }
      for (const folder of names) {
        const dir = join(searchDir, folder);
        if (!isDir(dir) || sourceEntry(dir) === undefined) continue;
        const name = charmcraftName(dir) ?? folder;
        if (!found.has(name)) found.set(name, { name, dir });
      }
    }
    return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** How the search folders read in messages: relative to the repository where possible. */
  private searchedText(): string {
    return this.searchDirs
      .map((d) => {
        const rel = relative(this.root, d);
        return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? `${d}/` : `${rel}/`;
      })
      .join(", ");
  }

  /**
   * Resolves a charm reference: a path (starting with `.` or `/`, relative to `baseDir`) or a
   * name (an optional `ch:` prefix is dropped). Throws a `SimError` naming what the catalogue
   * knows when the name is unknown.
   *
   * @example
   * ```ts
   * catalogue.locate("./charms/jimm", "/srv/jaas"); // { kind: "source", origin: "path", ... }
   * catalogue.locate("nope"); // throws: charm "nope" is not in the local catalogue (it has: demo, ...)
   * ```
   */
  locate(ref: string, baseDir: string = process.cwd()): LocatedCharm {
    if (ref.startsWith(".") || isAbsolute(ref)) return this.locatePath(ref, baseDir);
    const name = ref.startsWith("ch:") ? ref.slice(3) : ref;
    const entry = this.entries().find((e) => e.name === name);
    if (entry === undefined) {
      const known = this.entries().map((e) => e.name);
      throw notFound(
        `charm ${goQuote(name)} is not in the local catalogue (it has: ${known.length > 0 ? known.join(", ") : "nothing"}; searched ${this.searchedText()}); give a local path (./path/to/charm) to deploy another charm`,
      );
    }
    return {
      ref,
      name: entry.name,
      dir: entry.dir,
      kind: "source",
      origin: "catalogue",
      entry: sourceEntry(entry.dir) as string,
    };
  }

  private locatePath(ref: string, baseDir: string): LocatedCharm {
    const dir = resolve(baseDir, ref);
    if (!existsSync(dir)) throw notFound(`charm path ${goQuote(dir)} does not exist`);
    if (!isDir(dir)) {
      throw invalid(
        dir.endsWith(".charm")
          ? `${goQuote(dir)}: packed .charm files are not supported by the local model; deploy the charm's folder`
          : `charm path ${goQuote(dir)} is not a folder`,
      );
    }
    if (isExecutable(join(dir, "dispatch")) && existsSync(join(dir, "metadata.yaml"))) {
      return { ref, name: this.metaOf(dir).name, dir, kind: "built", origin: "path" };
    }
    const entry = sourceEntry(dir);
    if (entry === undefined) {
      throw invalid(
        `charm path ${goQuote(dir)} holds neither a built charm (dispatch and metadata.yaml) nor a TypeScript charm (charmcraft.yaml with src/main.ts or main.ts)`,
      );
    }
    return { ref, name: this.metaOf(dir).name, dir, kind: "source", origin: "path", entry };
  }

  private metaOf(dir: string): CharmMeta {
    try {
      return CharmMeta.fromCharmDir(dir);
    } catch (e) {
      throw invalid(`charm ${goQuote(dir)}: ${(e as Error).message}`);
    }
  }

  /**
   * The metadata of a located charm (read from its source: no build needed).
   *
   * @example
   * ```ts
   * catalogue.meta(catalogue.locate("demo")).config.get("port")?.type; // "int"
   * ```
   */
  meta(located: LocatedCharm): CharmMeta {
    return this.metaOf(located.dir);
  }

  /** The Node binary builds ship. */
  private node(): string {
    if (this.#node !== undefined) return this.#node;
    const pinned = nodeRuntimePath(this.root, false);
    return existsSync(pinned) ? pinned : process.execPath;
  }

  /**
   * The cache key of a source: a hash of everything that goes into its build.
   *
   * @example
   * ```ts
   * catalogue.sourceHash(catalogue.locate("demo")); // "1f2e3d4c5b6a7988"
   * ```
   */
  sourceHash(located: LocatedCharm): string {
    const hash = createHash("sha256");
    const node = this.node();
    hash.update(`${HASH_VERSION}\0${realpathSync(node)}\0${statSync(node).size}\0`);
    hashTree(hash, located.dir, located.dir);
    for (const dir of FRAMEWORK_DIRS) hashTree(hash, join(this.root, dir), this.root);
    const lock = join(this.root, "package-lock.json");
    if (existsSync(lock)) hash.update(readFileSync(lock));
    return hash.digest("hex").slice(0, 16);
  }

  /**
   * Whether a located charm can be deployed without building (a built folder, or a source whose
   * build is cached).
   *
   * @example
   * ```ts
   * if (!catalogue.isBuilt(located)) console.log("Building ...");
   * ```
   */
  isBuilt(located: LocatedCharm): boolean {
    if (located.kind === "built") return true;
    const dir = join(this.cacheDir, `${located.name}-${this.sourceHash(located)}`);
    return isExecutable(join(dir, "dispatch")) && existsSync(join(dir, "manifest.yaml"));
  }

  /**
   * A runnable folder for a located charm: a built one as it is; a source from the cache, or
   * built into it. Concurrent builds of one source share one build.
   *
   * @example
   * ```ts
   * const { dir, cached } = await catalogue.build(catalogue.locate("demo"));
   * ```
   */
  async build(located: LocatedCharm): Promise<BuiltCharmRef> {
    if (located.kind === "built") {
      return { name: located.name, dir: located.dir, cached: true, ms: 0 };
    }
    const key = `${located.name}-${this.sourceHash(located)}`;
    const running = this.#building.get(key);
    if (running !== undefined) return running;
    const promise = this.buildInto(located, key).finally(() => this.#building.delete(key));
    this.#building.set(key, promise);
    return promise;
  }

  private async buildInto(located: LocatedCharm, key: string): Promise<BuiltCharmRef> {
    const final = join(this.cacheDir, key);
    if (isExecutable(join(final, "dispatch")) && existsSync(join(final, "manifest.yaml"))) {
      return { name: located.name, dir: final, cached: true, ms: 0 };
    }
    mkdirSync(this.cacheDir, { recursive: true });
    const started = Date.now();
    const tmp = join(
      this.cacheDir,
      `.build-${key}-${process.pid}-${randomBytes(4).toString("hex")}`,
    );
    try {
      await buildCharmDir({
        charmDir: located.dir,
        entry: located.entry ?? join(located.dir, "src", "main.ts"),
        outDir: tmp,
        node: this.node(),
        nodeInstall: "symlink",
      });
      try {
        renameSync(tmp, final);
      } catch (e) {
        // Another process built the same key meanwhile: keep its build.
        if (!existsSync(join(final, "dispatch"))) throw e;
      }
      writeFileSync(`${final}.source`, `${located.dir}\n`);
    } catch (e) {
      throw invalid(
        `cannot build charm ${goQuote(located.name)} from ${located.dir}: ${(e as Error).message}`,
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    this.prune(located.dir, key);
    return { name: located.name, dir: final, cached: false, ms: Date.now() - started };
  }

  /** Removes earlier builds of the same source (deployed charms are copies: none is in use). */
  private prune(sourceDir: string, keep: string): void {
    for (const name of readdirSync(this.cacheDir)) {
      if (!name.endsWith(".source") || name === `${keep}.source`) continue;
      const marker = join(this.cacheDir, name);
      try {
        if (readFileSync(marker, "utf8").trim() === sourceDir) {
          rmSync(marker.slice(0, -".source".length), { recursive: true, force: true });
          rmSync(marker, { force: true });
        }
      } catch {
        // Removed meanwhile.
      }
    }
  }
}
