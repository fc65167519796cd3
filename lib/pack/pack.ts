/**
 * Zips a built charm directory into a `.charm` file, keeping every file's Unix mode in the
 * archive. Juju unpacks a charm with the modes stored in it and does not make `dispatch`
 * executable itself, so the mode must be there.
 *
 * As charmcraft does, symbolic links are followed: `hooks/install -> ../dispatch` is stored as
 * a copy of `dispatch`, and a `bin/node` linked to a cached runtime is stored as the binary.
 * Only files are stored; Juju makes their directories. Node's compile cache, which a local run
 * of the charm may have left, is not stored.
 *
 * @example
 * ```ts
 * const built = await buildCharmDir({ charmDir, outDir, node: nodeRuntimePath() });
 * const charm = await packCharm({ dir: built.dir, out: "demo_amd64.charm" });
 * charm.entries.find((e) => e.path === "dispatch")?.mode; // 0o100755
 * ```
 */
import { createWriteStream, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { ZipFile } from "yazl";

/** Options of {@link packCharm}. */
export interface PackOptions {
  /** The built charm directory. */
  dir: string;
  /** The `.charm` file to write (its directory is created). */
  out: string;
  /** Deflate level, 0 (store) to 9 (default 6, zlib's default). */
  compressionLevel?: number;
  /** Modification time stored for every entry (default: each file's own). */
  mtime?: Date;
}

/** One file in the archive. */
export interface PackedEntry {
  /** Path inside the archive, `/`-separated. */
  path: string;
  /** The full Unix mode stored (file type and permission bits, e.g. `0o100755`). */
  mode: number;
  /** Uncompressed size in bytes. */
  size: number;
}

/** What {@link packCharm} wrote. */
export interface PackResult {
  /** The `.charm` file (absolute path). */
  path: string;
  /** Its size in bytes. */
  bytes: number;
  /** Its entries, in archive order. */
  entries: PackedEntry[];
}

/**
 * Top-level entries a run of the charm leaves in its directory, never packed: Node's compile
 * cache (machine- and path-specific; the unit writes its own).
 */
const RUNTIME_ONLY = new Set([".node-compile-cache"]);

/** Files under `dir` (following links), sorted, as paths relative to it. */
function walk(dir: string, prefix = ""): { rel: string; abs: string }[] {
  const out: { rel: string; abs: string }[] = [];
  const names = readdirSync(join(dir, prefix)).sort();
  for (const name of names) {
    if (prefix === "" && RUNTIME_ONLY.has(name)) continue;
    const rel = prefix ? `${prefix}/${name}` : name;
    const abs = join(dir, rel);
    const st = statSync(abs);
    if (st.isDirectory()) out.push(...walk(dir, rel));
    else if (st.isFile()) out.push({ rel, abs });
  }
  return out;
}

/**
 * Packs `dir` into `out`.
 *
 * @example
 * ```ts
 * await packCharm({ dir: "/tmp/demo", out: "/tmp/demo.charm", compressionLevel: 1 });
 * ```
 */
export async function packCharm(options: PackOptions): Promise<PackResult> {
  const dir = resolve(options.dir);
  const out = resolve(options.out);
  const level = options.compressionLevel ?? 6;
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new Error(`compressionLevel must be an integer from 0 to 9, got ${level}`);
  }
  for (const required of ["dispatch", "metadata.yaml", "manifest.yaml"]) {
    if (!statSync(join(dir, required), { throwIfNoEntry: false })?.isFile()) {
      throw new Error(`${dir} is not a built charm: it has no ${required}`);
    }
  }
  const dispatchMode = statSync(join(dir, "dispatch")).mode;
  if ((dispatchMode & 0o111) === 0) throw new Error(`${join(dir, "dispatch")} is not executable`);

  const zip = new ZipFile();
  const entries: PackedEntry[] = [];
  for (const { rel, abs } of walk(dir)) {
    const st = statSync(abs);
    const mode = st.mode & 0o170777;
    zip.addFile(abs, rel, { mode, mtime: options.mtime ?? st.mtime, compressionLevel: level });
    entries.push({ path: rel, mode, size: st.size });
  }
  zip.end();
  mkdirSync(dirname(out), { recursive: true });
  await pipeline(zip.outputStream, createWriteStream(out));
  return { path: out, bytes: statSync(out).size, entries };
}
