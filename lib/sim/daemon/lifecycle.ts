/**
 * Starting, finding, stopping and killing a home's daemon, from the client's side:
 *
 * - {@link bootstrap} writes the controller's options to `daemon.json` and starts the daemon
 *   detached (its own session and process group; output to `daemon.log`), then waits until it
 *   answers; a stopped controller of the same home is restarted from its saved state;
 * - {@link ensureRunning} restarts a stopped controller (the CLI calls it before every request);
 * - {@link stopController} stops it and keeps its state;
 * - {@link killController} has it destroy everything it made, then makes sure (killing its
 *   process group, removing its network by prefix and its containers by marker) and removes
 *   the home.
 *
 * @example
 * ```ts
 * const paths = homePaths(jaasHome());
 * await bootstrap(paths, { name: "local", networking: true, workloads: true, updateStatusIntervalMs: 300_000 });
 * await call(paths.socket, "add-model", { name: "jaas" });
 * await killController(paths);
 * ```
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { goQuote } from "../../jujuc/internal/go-format.js";
import type { DaemonOptions, DaemonRecord, HomePaths } from "./home.js";
import { readDaemonRecord, writeDaemonRecord } from "./home.js";
import { call, NotRunningError } from "./protocol.js";

const HERE = dirname(fileURLToPath(import.meta.url));
/**
 * The daemon's entry point.
 *
 * @example
 * ```ts
 * spawn(process.execPath, ["--import", "tsx", DAEMON_MAIN, home]);
 * ```
 */
export const DAEMON_MAIN = join(HERE, "main.ts");
/** The repository (the daemon runs there so that `--import tsx` resolves). */
const REPO_ROOT = resolve(HERE, "..", "..", "..");

/** Where a home's daemon stands. */
export type DaemonState =
  | { kind: "none" }
  | { kind: "stopped"; record: DaemonRecord }
  | { kind: "running"; record: DaemonRecord; pid: number };

/** Reports a step. */
export type Progress = (line: string) => void;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A process's start time (field 22 of `/proc/<pid>/stat`), or undefined when it is gone: with
 * the pid it names a process even after the pid is reused. (The network module has the same
 * helper; this copy keeps the CLI's start-up from loading it.)
 *
 * @example
 * ```ts
 * await processStartTime(process.pid); // "594205"
 * ```
 */
export async function processStartTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/**
 * Whether the home has a controller, and whether its daemon runs.
 *
 * @example
 * ```ts
 * (await daemonState(paths)).kind; // "running"
 * ```
 */
export async function daemonState(paths: HomePaths): Promise<DaemonState> {
  const record = readDaemonRecord(paths);
  if (record === undefined) return { kind: "none" };
  if (record.pid !== undefined) {
    const start = await processStartTime(record.pid);
    if (start !== undefined && (record.startTime === undefined || start === record.startTime)) {
      return { kind: "running", record, pid: record.pid };
    }
  }
  return { kind: "stopped", record };
}

function logTail(paths: HomePaths, lines = 20): string {
  try {
    return readFileSync(paths.log, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** Starts the daemon process and waits until it answers. */
async function spawnDaemon(paths: HomePaths, timeoutMs: number): Promise<number> {
  const out = openSync(paths.log, "a");
  let exited: number | null | undefined;
  let pid: number | undefined;
  try {
    const child = spawn(process.execPath, ["--import", "tsx", DAEMON_MAIN, paths.home], {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ["ignore", out, out],
      env: { ...process.env, JAAS_HOME: paths.home },
    });
    pid = child.pid;
    child.on("exit", (code) => {
      exited = code;
    });
    child.unref();
  } finally {
    closeSync(out);
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== undefined) {
      throw new Error(
        `the controller exited during start-up (code ${String(exited)}); its log ${paths.log} ends with:\n${logTail(paths)}`,
      );
    }
    try {
      await call(paths.socket, "ping");
      return pid ?? 0;
    } catch (e) {
      if (!(e instanceof NotRunningError)) throw e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `the controller did not answer within ${timeoutMs / 1000}s; see ${paths.log}`,
      );
    }
    await sleep(100);
  }
}

/**
 * Creates (or restarts) the home's controller and waits until it answers. Refuses when its
 * daemon is already running.
 *
 * @example
 * ```ts
 * await bootstrap(paths, { name: "local", networking: false, workloads: false, updateStatusIntervalMs: 0 });
 * ```
 */
export async function bootstrap(
  paths: HomePaths,
  options: DaemonOptions,
  progress: Progress = () => undefined,
  timeoutMs = 120_000,
): Promise<{ restarted: boolean; pid: number }> {
  const state = await daemonState(paths);
  if (state.kind === "running") {
    throw Object.assign(
      new Error(
        `controller ${goQuote(state.record.options.name)} already exists (running, pid ${state.pid}, home ${paths.home})`,
      ),
      { code: "already-exists" },
    );
  }
  if (state.kind === "stopped") {
    if (state.record.options.name !== options.name) {
      throw Object.assign(
        new Error(
          `home ${paths.home} holds controller ${goQuote(state.record.options.name)}: kill it first (jaas kill-controller) or use another JAAS_HOME`,
        ),
        { code: "already-exists" },
      );
    }
    progress(`Restarting controller ${goQuote(options.name)} from its saved state`);
    return { restarted: true, pid: await spawnDaemon(paths, timeoutMs) };
  }
  writeDaemonRecord(paths, {
    options,
    socket: paths.socket,
    workloads: paths.workloads,
    bootstrapped: new Date().toISOString(),
  });
  progress(`Creating controller ${goQuote(options.name)} in ${paths.home}`);
  try {
    return { restarted: false, pid: await spawnDaemon(paths, timeoutMs) };
  } catch (e) {
    // A controller that never started leaves no home behind, only the log's tail in the error.
    rmSync(paths.home, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Makes sure the home's daemon runs, restarting a stopped one; refuses when there is no
 * controller.
 *
 * @example
 * ```ts
 * await ensureRunning(paths, (l) => console.error(l));
 * ```
 */
export async function ensureRunning(
  paths: HomePaths,
  progress: Progress = () => undefined,
): Promise<void> {
  const state = await daemonState(paths);
  if (state.kind === "running") return;
  if (state.kind === "none") {
    throw Object.assign(
      new Error(`no controller in ${paths.home}: create one with "jaas bootstrap"`),
      { code: "not-found" },
    );
  }
  progress(
    `Controller ${goQuote(state.record.options.name)} was not running: restarting it from its saved state`,
  );
  await spawnDaemon(paths, 120_000);
}

async function waitExit(
  pid: number,
  startTime: string | undefined,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const start = await processStartTime(pid);
    if (start === undefined || (startTime !== undefined && start !== startTime)) return true;
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
}

/**
 * Stops the daemon, keeping the controller's state (the next command restarts it).
 *
 * @example
 * ```ts
 * await stopController(paths);
 * ```
 */
export async function stopController(paths: HomePaths, timeoutMs = 120_000): Promise<boolean> {
  const state = await daemonState(paths);
  if (state.kind !== "running") return false;
  await call(paths.socket, "stop").catch((e: unknown) => {
    if (!(e instanceof NotRunningError)) throw e;
  });
  if (!(await waitExit(state.pid, state.record.startTime, timeoutMs))) {
    throw new Error(`the controller (pid ${state.pid}) did not stop within ${timeoutMs / 1000}s`);
  }
  return true;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Gone already.
  }
}

/**
 * Destroys the controller: asks the daemon to destroy everything it made; if it does not answer
 * or stop, kills its process group; then removes its network and containers by name and marker
 * (a backstop after a crash) and the home. Resolves false when the home had no controller.
 *
 * @example
 * ```ts
 * await killController(paths, (l) => console.error(l));
 * ```
 */
export async function killController(
  paths: HomePaths,
  progress: Progress = () => undefined,
  timeoutMs = 180_000,
): Promise<boolean> {
  const state = await daemonState(paths);
  if (state.kind === "none") {
    if (existsSync(paths.home)) rmSync(paths.home, { recursive: true, force: true });
    return false;
  }
  const record = state.record;
  if (state.kind === "running") {
    try {
      await call(paths.socket, "kill", {}, { onProgress: progress });
    } catch (e) {
      progress(
        `The controller did not complete its teardown (${(e as Error).message}): killing it`,
      );
    }
    if (!(await waitExit(state.pid, record.startTime, 15_000))) {
      killGroup(state.pid, "SIGTERM");
      if (!(await waitExit(state.pid, record.startTime, timeoutMs))) {
        killGroup(state.pid, "SIGKILL");
        await waitExit(state.pid, record.startTime, 10_000);
      }
    }
  }
  // Backstop: whatever a crashed or killed daemon left.
  const fresh = readDaemonRecord(paths) ?? record;
  if (fresh.networkPrefix !== undefined) {
    const { cleanupStale } = await import("../network/cleanup.js");
    await cleanupStale(fresh.networkPrefix).catch(() => undefined);
  }
  if (existsSync(fresh.workloads)) {
    // Loaded here only: the workload manager's module graph is large, and every CLI run loads this file.
    const { cleanupWorkloads } = await import("../workload/manager.js");
    await cleanupWorkloads(fresh.workloads);
  }
  rmSync(fresh.socket, { force: true });
  rmSync(paths.home, { recursive: true, force: true });
  progress(`Controller ${goQuote(record.options.name)} destroyed`);
  return true;
}
