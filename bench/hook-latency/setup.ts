/**
 * Prepares the two benchmark charms in a temporary directory: the TypeScript charm built with
 * `lib/pack` (its own Node 22 runtime), and the Python `ops` charm with a charmcraft-style
 * `dispatch` that starts the benchmark virtual environment's interpreter directly.
 *
 * @example
 * ```ts
 * const python = ensureBenchVenv();
 * const ts = await prepareTsCharm(join(tmp, "ts"));
 * const py = preparePyCharm(join(tmp, "py"), python);
 * ```
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type BuiltCharm, buildCharmDir } from "../../lib/pack/build.js";
import { nodeRuntimePath, REPO_ROOT } from "../../lib/pack/node-runtime.js";

/** The `ops` version the benchmark installs. */
export const OPS_VERSION = "3.9.0";

/** Where the benchmark's Python virtual environment lives. */
export const BENCH_VENV = join(REPO_ROOT, ".cache", "bench-venv");

const HERE = join(REPO_ROOT, "bench", "hook-latency");

/** A charm directory ready to run. */
export interface PreparedCharm {
  dir: string;
  dispatch: string;
}

/**
 * The pinned Node runtime, installed by `scripts/install-node-runtime.sh` when missing.
 *
 * @example
 * ```ts
 * const node = ensureNodeRuntime();
 * ```
 */
export function ensureNodeRuntime(): string {
  const path = nodeRuntimePath(REPO_ROOT, false);
  if (!existsSync(path)) {
    execFileSync("bash", [join(REPO_ROOT, "scripts", "install-node-runtime.sh")], {
      stdio: "inherit",
    });
  }
  return nodeRuntimePath();
}

/** The version of `ops` importable by `python`, or undefined. */
function opsVersion(python: string): string | undefined {
  const r = spawnSync(python, ["-c", "import ops; print(ops.__version__)"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * The benchmark venv's interpreter, with `ops` {@link OPS_VERSION} installed (made with
 * `python3 -m venv` and the venv's own pip when missing or different).
 *
 * @example
 * ```ts
 * const python = ensureBenchVenv(); // <repo>/.cache/bench-venv/bin/python3
 * ```
 */
export function ensureBenchVenv(): string {
  const python = join(BENCH_VENV, "bin", "python3");
  if (existsSync(python) && opsVersion(python) === OPS_VERSION) return python;
  if (!existsSync(python))
    execFileSync("python3", ["-m", "venv", BENCH_VENV], { stdio: "inherit" });
  execFileSync(
    join(BENCH_VENV, "bin", "pip"),
    ["install", "--quiet", "--disable-pip-version-check", `ops==${OPS_VERSION}`],
    { stdio: "inherit" },
  );
  const got = opsVersion(python);
  if (got !== OPS_VERSION)
    throw new Error(`bench venv: expected ops ${OPS_VERSION}, got ${got ?? "none"}`);
  return python;
}

/**
 * Builds the TypeScript charm into `outDir` with its own Node runtime (hard link or copy: the
 * same binary the `.charm` ships).
 *
 * @example
 * ```ts
 * const ts = await prepareTsCharm("/tmp/bench/ts");
 * ```
 */
export async function prepareTsCharm(
  outDir: string,
): Promise<PreparedCharm & { built: BuiltCharm }> {
  const charmDir = join(HERE, "ts-charm");
  const built = await buildCharmDir({
    charmDir,
    entry: join(charmDir, "src", "main.ts"),
    outDir,
    node: ensureNodeRuntime(),
  });
  return { dir: built.dir, dispatch: built.dispatch, built };
}

/**
 * The Python charm's `dispatch`: sets `PYTHONPATH` to `<charm>/lib:<charm>/src` as charmcraft's
 * does, and starts `python` (the venv's interpreter, not a version-manager shim) on
 * `src/charm.py`. Unlike charmcraft's, it finds its directory without starting `dirname`,
 * `realpath` or `uname`, so the Python side pays for no extra process either.
 */
function pyDispatch(python: string): string {
  return [
    "#!/bin/sh",
    "# Benchmark dispatch of the Python ops charm (charmcraft's, without its helper processes).",
    'JUJU_DISPATCH_PATH="${JUJU_DISPATCH_PATH:-$0}"',
    "export JUJU_DISPATCH_PATH",
    'case "$0" in',
    '  */*) charm_dir="${0%/*}" ;;',
    "  *) charm_dir=. ;;",
    "esac",
    'PYTHONPATH="$charm_dir/lib:$charm_dir/src"',
    "export PYTHONPATH",
    `exec '${python.replace(/'/g, `'\\''`)}' "$charm_dir/src/charm.py"`,
    "",
  ].join("\n");
}

/**
 * Copies the Python charm into `outDir` and writes its `dispatch`.
 *
 * @example
 * ```ts
 * const py = preparePyCharm("/tmp/bench/py", ensureBenchVenv());
 * ```
 */
export function preparePyCharm(outDir: string, python: string): PreparedCharm {
  cpSync(join(HERE, "py-charm"), outDir, { recursive: true });
  const dispatch = join(outDir, "dispatch");
  writeFileSync(dispatch, pyDispatch(python));
  chmodSync(dispatch, 0o755);
  return { dir: outDir, dispatch };
}
