/**
 * The `dispatch` script of a built charm: a POSIX `sh` script that starts the Node binary the
 * charm carries on the charm's bundle.
 *
 * It finds the charm directory from its own path with parameter expansion only (no `dirname`
 * or subshell: every extra process is paid on every hook). Juju sets `JUJU_DISPATCH_PATH`;
 * when a very old Juju runs `hooks/<name>` (a link to `dispatch`) instead, the script sets it
 * from its own name, as charmcraft's dispatch does.
 *
 * @example
 * ```ts
 * writeFileSync(join(outDir, "dispatch"), dispatchScript({ node: "bin/node", bundle: "dist/charm.mjs" }), { mode: 0o755 });
 * ```
 */

/** What the script runs, as paths relative to the charm directory. */
export interface DispatchScriptOptions {
  /** The Node binary, e.g. `bin/node`. */
  node: string;
  /** The bundle, e.g. `dist/charm.mjs`. */
  bundle: string;
  /**
   * A directory (relative to the charm directory) for Node's on-disk compile cache
   * (`NODE_COMPILE_CACHE`), or undefined for none.
   */
  compileCache?: string;
  /** Extra Node command-line options, e.g. `["--stack-trace-limit=50"]`. */
  nodeOptions?: readonly string[];
}

const SAFE_RELATIVE = /^[A-Za-z0-9._/-]+$/;

function checkRelative(what: string, path: string): string {
  if (!SAFE_RELATIVE.test(path) || path.startsWith("/") || path.split("/").includes("..")) {
    throw new Error(`dispatch: ${what} "${path}" must be a plain path inside the charm directory`);
  }
  return path;
}

/** Quotes a word for `sh`. */
function shellQuote(word: string): string {
  return /^[A-Za-z0-9._/=:,@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The text of the `dispatch` script.
 *
 * @example
 * ```ts
 * dispatchScript({ node: "bin/node", bundle: "dist/charm.mjs" }).startsWith("#!/bin/sh\n"); // true
 * ```
 */
export function dispatchScript(options: DispatchScriptOptions): string {
  const node = checkRelative("node", options.node);
  const bundle = checkRelative("bundle", options.bundle);
  const flags = (options.nodeOptions ?? []).map(shellQuote).join(" ");
  const lines = [
    "#!/bin/sh",
    "# Runs this charm: its JavaScript bundle on the Node.js binary the charm carries.",
    "# Juju runs this file with the charm directory as working directory and sets",
    "# JUJU_DISPATCH_PATH; a very old Juju runs hooks/<name> (a link to this file) instead.",
    'JUJU_DISPATCH_PATH="${JUJU_DISPATCH_PATH:-$0}"',
    "export JUJU_DISPATCH_PATH",
    'case "$0" in',
    '  */*) charm_dir="${0%/*}" ;;',
    "  *) charm_dir=. ;;",
    "esac",
    'case "$charm_dir" in',
    '  hooks | */hooks) charm_dir="$charm_dir/.." ;;',
    "esac",
  ];
  if (options.compileCache !== undefined) {
    const cache = checkRelative("compileCache", options.compileCache);
    lines.push(`NODE_COMPILE_CACHE="$charm_dir/${cache}"`, "export NODE_COMPILE_CACHE");
  }
  lines.push(`exec "$charm_dir/${node}"${flags ? ` ${flags}` : ""} "$charm_dir/${bundle}"`, "");
  return lines.join("\n");
}
