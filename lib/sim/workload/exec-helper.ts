/**
 * The exec helper `jaas-sim-exec` (Go, `lib/sim/exec-helper`, built by
 * `scripts/install-sim-exec.sh` into `.cache/bin/jaas-sim-exec`) and the argument vectors that
 * run a workload container's Pebble and a unit's charm process through it.
 *
 * The helper joins the unit's network namespace, unshares a private mount namespace, builds the
 * process's root on a tmpfs (host directories overlaid or bound into it), adds bind mounts,
 * optionally switches user, and execs the command: the command keeps the helper's pid, so the
 * caller's signals reach it directly. No shell is involved.
 *
 * @module
 */

import { execFileSync } from "node:child_process";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/**
 * Where a workload container sees its Pebble binary, as in a Juju sidecar pod.
 *
 * @example
 * ```ts
 * await pebble.exec([CONTAINER_PEBBLE_PATH, "notify", "example.com/reload"]);
 * ```
 */
export const CONTAINER_PEBBLE_PATH = "/charm/bin/pebble";

/**
 * Where a workload container sees its own folder of the shared volume (socket, state).
 *
 * @example
 * ```ts
 * const env = { PEBBLE_SOCKET: `${CONTAINER_SHARED_DIR}/pebble.socket` };
 * ```
 */
export const CONTAINER_SHARED_DIR = "/charm/container";

/**
 * Where the charm sees the folders of the unit's containers (one per container).
 *
 * @example
 * ```ts
 * const socket = `${CHARM_CONTAINERS_DIR}/openfga/pebble.socket`;
 * ```
 */
export const CHARM_CONTAINERS_DIR = "/charm/containers";

/**
 * Where an image's executables appear in its container unless told otherwise.
 *
 * @example
 * ```ts
 * manager.startUnit(unit, [{ name: "openfga", image, imagePath: DEFAULT_IMAGE_PATH }]);
 * ```
 */
export const DEFAULT_IMAGE_PATH = "/usr/local/bin";

/**
 * Where `scripts/install-sim-exec.sh` puts the helper: `$JAAS_SIM_EXEC`, else
 * `.cache/bin/jaas-sim-exec` in the repository.
 *
 * @example
 * ```ts
 * spawn(execHelperPath(), charmProcessCommand({ ... }).slice(1));
 * ```
 */
export function execHelperPath(): string {
  return process.env.JAAS_SIM_EXEC || join(REPO_ROOT, ".cache", "bin", "jaas-sim-exec");
}

/**
 * Builds the helper if it is missing or its source changed (the install script is idempotent
 * and fast when nothing changed) and returns its path.
 *
 * @example
 * ```ts
 * const helper = ensureExecHelper();
 * ```
 */
export function ensureExecHelper(): string {
  if (process.env.JAAS_SIM_EXEC) return process.env.JAAS_SIM_EXEC;
  execFileSync(
    "bash",
    ["--norc", "--noprofile", join(REPO_ROOT, "scripts", "install-sim-exec.sh")],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return execHelperPath();
}

/**
 * What {@link charmProcessCommand} takes.
 *
 * @example
 * ```ts
 * const options: CharmProcessOptions = { containersDir, netns, command: [dispatch] };
 * ```
 */
export interface CharmProcessOptions {
  /** The charm's command (usually the charm directory's `dispatch`), run without a shell. */
  command: readonly string[];
  /** The unit's containers folder (`<unit>/containers`), seen by the charm as `/charm/containers`. */
  containersDir: string;
  /** The unit's network namespace; absent: the host's network. */
  netns?: string;
  /** The pod's host name (a private UTS namespace), `<app>-<n>` in Kubernetes. */
  hostname?: string;
  /**
   * An empty folder the helper mounts the charm's root on (in its private mount namespace, so
   * the folder stays empty for everyone else); made if missing. Default: `.charm-root` beside
   * `containersDir`.
   */
  rootDir?: string;
  /** Run as this uid/gid (Juju's `charm-user: non-root` is 170). */
  uid?: number;
  gid?: number;
  /** The helper binary; default {@link execHelperPath}. */
  helper?: string;
}

/**
 * The argv that runs a unit's charm process (its `dispatch`) as in a sidecar pod's charm
 * container: in the unit's network namespace (with its hosts files), seeing the unit's Pebble
 * sockets at `/charm/containers/<name>/pebble.socket`. The rest of the host's filesystem is
 * shared as it is (bound, not copied), so the charm directory, hook tools and sockets of the
 * controller work unchanged; `/charm` exists only in the charm's view, never on the host.
 * Spawn it with the charm directory as working directory: the helper keeps it.
 *
 * @example
 * ```ts
 * const [file, ...args] = charmProcessCommand({
 *   netns: unit.namespace,
 *   containersDir: manager.containersDir({ model: "jaas", unit: "openfga/0" }),
 *   command: [join(charmDir, "dispatch")],
 * });
 * spawn(file, args, { cwd: charmDir, env: hookEnv });
 * ```
 */
export function charmProcessCommand(options: CharmProcessOptions): string[] {
  assertAbsolute("containersDir", options.containersDir);
  if (options.command.length === 0) throw new Error("charmProcessCommand: empty command");
  const rootDir = options.rootDir ?? join(dirname(options.containersDir), ".charm-root");
  assertAbsolute("rootDir", rootDir);
  const argv = [options.helper ?? execHelperPath()];
  if (options.netns !== undefined) argv.push("--netns", options.netns);
  if (options.hostname !== undefined) argv.push("--hostname", options.hostname);
  argv.push("--rootfs", rootDir, "--bind", pair(options.containersDir, CHARM_CONTAINERS_DIR));
  argv.push(...userArgs(options.uid, options.gid));
  argv.push("--", ...options.command);
  return argv;
}

/**
 * A host folder mounted into a workload container (storage, for instance).
 *
 * @example
 * ```ts
 * const data: ContainerMount = { source: "/srv/storage/pgdata-0", location: "/var/lib/postgresql/data" };
 * ```
 */
export interface ContainerMount {
  /** The host folder or file. */
  source: string;
  /** Where the container sees it. */
  location: string;
  readOnly?: boolean;
}

/**
 * What {@link containerCommand} takes.
 *
 * @example
 * ```ts
 * const options: ContainerCommandOptions = { command: ["/charm/bin/pebble", "run"], sharedDir, pebble, rootDir, upperDir };
 * ```
 */
export interface ContainerCommandOptions {
  /** The command to run in the container, e.g. `["/charm/bin/pebble", "run", ...]`. */
  command: readonly string[];
  /** The container's folder of the shared volume, seen as `/charm/container`. */
  sharedDir: string;
  /** The Pebble binary to bind at `/charm/bin/pebble`. */
  pebble: string;
  /** An empty folder to mount the container's root on (made if missing). */
  rootDir: string;
  /** The container's own writable layers (`upper/`, `work/`, `tmp/`). */
  upperDir: string;
  /** Host top-level directories to share rather than copy on write (e.g. `/work`). */
  share?: readonly string[];
  /** The image folder and where it appears (merged read-only over what is there). */
  image?: { dir: string; path: string };
  mounts?: readonly ContainerMount[];
  netns?: string;
  hostname?: string;
  uid?: number;
  gid?: number;
  /** Signal the command (SIGTERM) when the spawning process ends. */
  dieWithParent?: boolean;
  helper?: string;
}

/**
 * The argv that runs a command (a Pebble daemon) as a workload container: its own root where
 * every host top-level directory is an overlay with a per-container upper layer, a fresh `/tmp`
 * and `/run`, the image merged over `/usr/local/bin` (or its path), `/charm/bin/pebble` and
 * `/charm/container` as in a sidecar pod, in the unit's network namespace.
 *
 * @example
 * ```ts
 * const argv = containerCommand({
 *   command: ["/charm/bin/pebble", "run", "--create-dirs", "--hold"],
 *   sharedDir: "/tmp/sim/jaas/openfga-0/containers/openfga",
 *   pebble: ".cache/bin/pebble",
 *   rootDir: "/tmp/sim/jaas/openfga-0/fs/openfga/root",
 *   upperDir: "/tmp/sim/jaas/openfga-0/fs/openfga",
 *   image: { dir: "/images/openfga", path: "/usr/local/bin" },
 *   netns: "jsimk3x9-1-jaas-openfga-0",
 * });
 * ```
 */
export function containerCommand(options: ContainerCommandOptions): string[] {
  if (options.command.length === 0) throw new Error("containerCommand: empty command");
  for (const [name, path] of [
    ["sharedDir", options.sharedDir],
    ["pebble", options.pebble],
    ["rootDir", options.rootDir],
    ["upperDir", options.upperDir],
  ] as const) {
    assertAbsolute(name, path);
  }
  const argv = [options.helper ?? execHelperPath()];
  if (options.netns !== undefined) argv.push("--netns", options.netns);
  if (options.hostname !== undefined) argv.push("--hostname", options.hostname);
  argv.push("--rootfs", options.rootDir, "--upper", options.upperDir);
  for (const dir of options.share ?? []) argv.push("--share", dir);
  argv.push("--ro-bind", pair(options.pebble, CONTAINER_PEBBLE_PATH));
  argv.push("--bind", pair(options.sharedDir, CONTAINER_SHARED_DIR));
  if (options.image !== undefined) {
    assertAbsolute("image.dir", options.image.dir);
    argv.push("--merge", pair(options.image.dir, options.image.path));
  }
  for (const m of options.mounts ?? []) {
    argv.push(m.readOnly ? "--ro-bind" : "--bind", pair(m.source, m.location));
  }
  argv.push(...userArgs(options.uid, options.gid));
  if (options.dieWithParent) argv.push("--die-with-parent");
  argv.push("--chdir", "/", "--", ...options.command);
  return argv;
}

function userArgs(uid: number | undefined, gid: number | undefined): string[] {
  const args: string[] = [];
  if (uid !== undefined) args.push("--uid", String(uid));
  if (gid !== undefined) args.push("--gid", String(gid));
  return args;
}

function pair(src: string, dst: string): string {
  assertAbsolute("mount source", src);
  assertAbsolute("mount target", dst);
  if (src.includes(":") || dst.includes(":"))
    throw new Error(`mount paths must not contain ':' (${src} -> ${dst})`);
  return `${src}:${dst}`;
}

function assertAbsolute(what: string, path: string): void {
  if (!isAbsolute(path)) throw new Error(`${what} must be an absolute path, got ${path}`);
}
