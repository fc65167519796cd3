/**
 * Set-up of the fidelity test: the virtual environment with the real `ops` from PyPI, the
 * Python charm ready to deploy (a copy of `py-charm/` whose `venv` links to that environment)
 * and the TypeScript charm built with `lib/pack`.
 *
 * @example
 * ```ts
 * const venv = ensureFidelityVenv();              // <repo>/.cache/fidelity-venv
 * const py = preparePyCharm(join(tmp, "py"), venv);
 * const ts = await buildTsCharm(join(tmp, "ts"));
 * ```
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, symlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildCharmDir } from "../../pack/build.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, "..", "..", "..");

/** The `ops` version the Python charm runs (the one the project's benchmark pins). */
export const OPS_VERSION = "3.9.0";

/** Where the fidelity test keeps its virtual environment. */
export const FIDELITY_VENV = join(REPO_ROOT, ".cache", "fidelity-venv");

/** The version of `ops` that `python` imports, or undefined. */
function opsVersion(python: string): string | undefined {
  const r = spawnSync(python, ["-c", "import ops; print(ops.__version__)"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * Makes the virtual environment with `ops` {@link OPS_VERSION} (`python3 -m venv`, then its own
 * pip), unless it is already there; returns its directory.
 *
 * @example
 * ```ts
 * const venv = ensureFidelityVenv(); // "<repo>/.cache/fidelity-venv"
 * ```
 */
export function ensureFidelityVenv(venv: string = FIDELITY_VENV): string {
  const python = join(venv, "bin", "python3");
  if (existsSync(python) && opsVersion(python) === OPS_VERSION) return venv;
  if (!existsSync(python)) execFileSync("python3", ["-m", "venv", venv], { stdio: "inherit" });
  execFileSync(
    join(venv, "bin", "pip"),
    ["install", "--quiet", "--disable-pip-version-check", `ops==${OPS_VERSION}`],
    { stdio: "inherit" },
  );
  const got = opsVersion(python);
  if (got !== OPS_VERSION) {
    throw new Error(`fidelity venv: expected ops ${OPS_VERSION}, got ${got ?? "none"}`);
  }
  return venv;
}

/**
 * Copies the Python charm into `outDir` and links its `venv` to `venv`, as charmcraft packs the
 * dependencies of a Python charm in the charm's own `venv/`.
 *
 * @example
 * ```ts
 * const dir = preparePyCharm("/tmp/fid/py", ensureFidelityVenv());
 * ```
 */
export function preparePyCharm(outDir: string, venv: string): string {
  cpSync(join(HERE, "py-charm"), outDir, {
    recursive: true,
    filter: (src) => !src.includes("__pycache__"),
  });
  symlinkSync(resolve(venv), join(outDir, "venv"));
  return outDir;
}

/**
 * Builds the TypeScript charm into `outDir` with the machine's Node linked (not copied).
 *
 * @example
 * ```ts
 * const dir = await buildTsCharm("/tmp/fid/ts");
 * ```
 */
export async function buildTsCharm(outDir: string): Promise<string> {
  const src = join(HERE, "ts-charm");
  const built = await buildCharmDir({
    charmDir: src,
    entry: join(src, "main.ts"),
    outDir,
    node: process.execPath,
    nodeInstall: "symlink",
    minify: false,
  });
  return built.dir;
}
