/**
 * One workload container: its Pebble daemon, started through the exec helper in its own root
 * and the unit's network namespace, with the socket where Juju puts it.
 *
 * @module
 */

import { spawn } from "node:child_process";
import { closeSync, existsSync, fstatSync, openSync, readSync } from "node:fs";

import { PebbleClient } from "../../pebble/client.js";
import { CONTAINER_PEBBLE_PATH, CONTAINER_SHARED_DIR, containerCommand } from "./exec-helper.js";
import type { ContainerCommandOptions } from "./exec-helper.js";
import {
  delay,
  isAlive,
  killAll,
  MARKER_ENV,
  mountNamespaceOf,
  pidsInMountNamespace,
} from "./procs.js";

/**
 * What {@link startDaemon} takes.
 *
 * @example
 * ```ts
 * const options: DaemonOptions = { name: "web", container, socketPath, env, marker, logPath, startTimeoutMs: 30_000 };
 * ```
 */
export interface DaemonOptions {
  /** The container's name (`JUJU_CONTAINER_NAME`). */
  name: string;
  /** The helper's container options, without the command. */
  container: Omit<ContainerCommandOptions, "command">;
  /** The socket as the host sees it: `<sharedDir>/pebble.socket`. */
  socketPath: string;
  /** Environment of the daemon and so of its services (`PATH`, ...). */
  env: Record<string, string>;
  /** Marker value for the container's processes (see `MARKER_ENV`). */
  marker: string;
  /**
   * Where Pebble's output (and so its services') is appended. A file, not a pipe: a pipe whose
   * reader died would kill Pebble with SIGPIPE before it stopped its services.
   */
  logPath: string;
  /** How long to wait for the socket to answer, ms. */
  startTimeoutMs: number;
  /** Called when the daemon ends without being asked to. */
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

/** How much of the log {@link Daemon.output} returns. */
const OUTPUT_LIMIT = 64 * 1024;

/**
 * A running container daemon.
 *
 * @example
 * ```ts
 * const d: Daemon = await startDaemon(options);
 * console.log(d.pid, d.readyMs, d.output());
 * ```
 */
export interface Daemon {
  readonly pid: number;
  readonly socketPath: string;
  /** A client of the daemon. */
  readonly client: PebbleClient;
  /** Milliseconds from spawn until `/v1/system-info` answered. */
  readonly readyMs: number;
  /** The container's mount namespace: every process of the container is in it. */
  readonly mountNamespace: string;
  /** The end of the daemon's log (its output and its services'). */
  output(): string;
  /**
   * Stops the daemon (SIGTERM: Pebble stops its services, then exits; SIGKILL after
   * `graceMs`), then kills whatever is left in the container's mount namespace.
   */
  stop(graceMs: number): Promise<void>;
}

/**
 * Starts a container's Pebble: `pebble run --create-dirs --hold --verbose` with
 * `PEBBLE=/charm/container/pebble` and `PEBBLE_SOCKET=/charm/container/pebble.socket` (as Juju
 * 3.5+ sets them); resolves once the daemon answers `GET /v1/system-info`.
 *
 * @example
 * ```ts
 * const d = await startDaemon({ name: "web", container, socketPath, env, marker, startTimeoutMs: 30_000 });
 * await d.client.getSystemInfo();
 * await d.stop(10_000);
 * ```
 */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const argv = containerCommand({
    ...options.container,
    command: [CONTAINER_PEBBLE_PATH, "run", "--create-dirs", "--hold", "--verbose"],
  });
  const env = {
    ...options.env,
    JUJU_CONTAINER_NAME: options.name,
    PEBBLE: `${CONTAINER_SHARED_DIR}/pebble`,
    PEBBLE_SOCKET: `${CONTAINER_SHARED_DIR}/pebble.socket`,
    [MARKER_ENV]: options.marker,
  };
  const started = performance.now();
  const log = openSync(options.logPath, "a", 0o640);
  let child;
  try {
    child = spawn(argv[0] as string, argv.slice(1), {
      env,
      cwd: "/",
      stdio: ["ignore", log, log],
      // Its own process group: a Ctrl-C meant for the caller does not reach the daemon.
      detached: true,
    });
  } finally {
    closeSync(log);
  }
  // The daemon must not keep the caller alive: `--die-with-parent` ends it with the caller.
  child.unref();
  const output = (): string => tail(options.logPath, OUTPUT_LIMIT);

  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      if (!stopping) options.onExit?.(code, signal);
      resolve();
    });
  });
  let spawnError: Error | undefined;
  child.once("error", (e) => (spawnError = e));

  const client = new PebbleClient({ socketPath: options.socketPath });
  let mountNamespace: string | undefined;
  const stop = async (graceMs: number): Promise<void> => {
    stopping = true;
    client.close();
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      const graceful = await Promise.race([
        exited.then(() => true),
        delay(graceMs).then(() => false),
      ]);
      if (!graceful) {
        try {
          process.kill(child.pid, "SIGKILL");
        } catch {
          // already gone
        }
        await exited;
      }
    }
    // Services Pebble lost track of, `pebble exec` leftovers, their children: all share the
    // container's mount namespace, which lives as long as any of them.
    if (mountNamespace !== undefined) await killAll(await pidsInMountNamespace(mountNamespace));
  };

  try {
    const deadline = Date.now() + options.startTimeoutMs;
    for (;;) {
      if (spawnError !== undefined)
        throw new Error(`cannot start ${argv[0]}: ${spawnError.message}`);
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `pebble of container ${options.name} exited during start-up (${child.exitCode ?? child.signalCode}):\n${output()}`,
        );
      }
      if (existsSync(options.socketPath) && (await client.canConnect())) break;
      if (Date.now() > deadline) {
        throw new Error(
          `pebble of container ${options.name} did not answer within ${options.startTimeoutMs} ms:\n${output()}`,
        );
      }
      await delay(5);
    }
    const readyMs = performance.now() - started;
    // The daemon answered, so the helper has exec'd it: its namespace is the container's.
    const pid = child.pid as number;
    const ns = await mountNamespaceOf(pid);
    if (ns === undefined || !(await isAlive(pid))) {
      throw new Error(`pebble of container ${options.name} ended during start-up:\n${output()}`);
    }
    if (ns === (await mountNamespaceOf(process.pid))) {
      throw new Error(`pebble of container ${options.name} runs in the host's mount namespace`);
    }
    mountNamespace = ns;
    return {
      pid,
      socketPath: options.socketPath,
      client,
      readyMs,
      mountNamespace,
      output,
      stop,
    };
  } catch (error) {
    await stop(1_000).catch(() => undefined);
    throw error;
  }
}

/** The last `limit` bytes of a file (empty when it is missing). */
function tail(path: string, limit: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const size = fstatSync(fd).size;
    const length = Math.min(size, limit);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    return buf.toString("utf8");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
