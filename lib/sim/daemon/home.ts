/**
 * The controller's home: one folder per controller, `$JAAS_HOME` (default
 * `~/.local/share/jaas`), holding everything the daemon makes, so that removing it (after the
 * daemon stopped) leaves nothing behind:
 *
 * ```
 * $JAAS_HOME/
 *   daemon.json    the controller's name and options; the running daemon's pid, start time,
 *                  network prefix and paths
 *   daemon.log     the daemon's log
 *   client.json    the CLI's current model
 *   jaas.sock      the API socket (JSON lines, one request per connection)
 *   state/         the controller's state folder: controller.json, charms/, units/ (with each
 *                  unit's unit.log), the hook-tool socket
 *   logs/          the unit agents' lines of debug-log (`ran "install" hook`)
 *   wl/            workload containers (a real Pebble per container)
 * ```
 *
 * Unix socket paths are limited to 107 bytes: when the home's path is long, the API socket and
 * the workload folder move to `/tmp/jaas-<hash>.sock` and `/tmp/jaas-wl-<hash>` (the hash is
 * the home's), which the daemon records and `kill-controller` removes too.
 *
 * @example
 * ```ts
 * const home = jaasHome();                 // "/root/.local/share/jaas"
 * const paths = homePaths(home);           // { socket: "/root/.local/share/jaas/jaas.sock", ... }
 * ```
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** Paths of a home. */
export interface HomePaths {
  home: string;
  daemonFile: string;
  log: string;
  clientFile: string;
  socket: string;
  state: string;
  /** The unit agents' log lines (`<logs>/<model>/unit-<app>-<n>.log`). */
  logs: string;
  workloads: string;
}

/** The daemon's options, fixed at bootstrap and kept across restarts. */
export interface DaemonOptions {
  /** The controller's name. */
  name: string;
  /** A network namespace per unit (needs root). */
  networking: boolean;
  /** Real Pebble per workload container (needs root and Pebble). */
  workloads: boolean;
  /** update-status period in ms (0: off). */
  updateStatusIntervalMs: number;
}

/** `daemon.json`. */
export interface DaemonRecord {
  options: DaemonOptions;
  /** The running (or last) daemon. */
  pid?: number;
  /** Its start time in `/proc/<pid>/stat` (tells a reused pid apart). */
  startTime?: string;
  /** Its network's name prefix (namespaces and links are `<prefix>-…`). */
  networkPrefix?: string;
  socket: string;
  workloads: string;
  /** ISO time of bootstrap. */
  bootstrapped: string;
}

/** `client.json`. */
export interface ClientRecord {
  "current-model"?: string;
}

const MAX_SOCKET = 100;

/**
 * The home of the controller: `$JAAS_HOME`, else `~/.local/share/jaas`.
 *
 * @example
 * ```ts
 * jaasHome({ JAAS_HOME: "/tmp/j" }); // "/tmp/j"
 * ```
 */
export function jaasHome(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.JAAS_HOME;
  if (configured !== undefined && configured !== "") return resolve(configured);
  return join(env.HOME ?? homedir(), ".local", "share", "jaas");
}

/**
 * The paths of a home (see the module documentation).
 *
 * @example
 * ```ts
 * homePaths("/tmp/j").state; // "/tmp/j/state"
 * ```
 */
export function homePaths(home: string): HomePaths {
  const dir = resolve(home);
  const hash = createHash("sha256").update(dir).digest("hex").slice(0, 12);
  const socket = join(dir, "jaas.sock");
  // Pebble sockets go 50 bytes deeper than the workload folder (<model>/<app>-<n>/containers/…).
  const workloads = join(dir, "wl");
  return {
    home: dir,
    daemonFile: join(dir, "daemon.json"),
    log: join(dir, "daemon.log"),
    clientFile: join(dir, "client.json"),
    socket: Buffer.byteLength(socket) <= MAX_SOCKET ? socket : join(tmpdir(), `jaas-${hash}.sock`),
    state: join(dir, "state"),
    logs: join(dir, "logs"),
    workloads: Buffer.byteLength(workloads) <= 32 ? workloads : join(tmpdir(), `jaas-wl-${hash}`),
  };
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`${path} is not readable JSON: ${(e as Error).message}`, { cause: e });
  }
}

function writeJson(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + "\n", { mode: 0o600 });
  renameSync(tmp, path);
}

/**
 * Reads `daemon.json`, or undefined when the home has no controller.
 *
 * @example
 * ```ts
 * readDaemonRecord(homePaths(jaasHome()))?.options.name; // "local"
 * ```
 */
export function readDaemonRecord(paths: HomePaths): DaemonRecord | undefined {
  return readJson<DaemonRecord>(paths.daemonFile);
}

/**
 * Writes `daemon.json` atomically (making the home if needed).
 *
 * @example
 * ```ts
 * writeDaemonRecord(paths, { ...record, pid: process.pid });
 * ```
 */
export function writeDaemonRecord(paths: HomePaths, record: DaemonRecord): void {
  mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  writeJson(paths.daemonFile, record);
}

/**
 * Reads `client.json` (empty when absent).
 *
 * @example
 * ```ts
 * readClientRecord(paths)["current-model"]; // "jaas"
 * ```
 */
export function readClientRecord(paths: HomePaths): ClientRecord {
  return readJson<ClientRecord>(paths.clientFile) ?? {};
}

/**
 * Writes `client.json`.
 *
 * @example
 * ```ts
 * writeClientRecord(paths, { "current-model": "jaas" });
 * ```
 */
export function writeClientRecord(paths: HomePaths, record: ClientRecord): void {
  mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  writeJson(paths.clientFile, record);
}
