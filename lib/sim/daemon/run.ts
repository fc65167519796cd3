/**
 * The daemon's body: starts the controller of a home (resuming its saved state: every unit's
 * pod comes back, as after a pod churn), serves the API socket, and stops cleanly on SIGTERM,
 * SIGINT or a `stop` request, keeping the state; a `kill` request destroys everything the
 * controller made (hook processes, workload containers, network namespaces, its state).
 *
 * Before starting, whatever a previous daemon of the same home left behind after a crash is
 * removed: its network (by the prefix it recorded) and its workload containers (by their
 * marker).
 *
 * @example
 * ```ts
 * // lib/sim/daemon/main.ts runs:
 * await runDaemon(homePaths("/root/.local/share/jaas"));
 * ```
 */
import { existsSync, rmSync } from "node:fs";
import { CharmCatalogue } from "../bundle/catalogue.js";
import { Controller } from "../controller.js";
import { cleanupStale, processStartTime } from "../network/cleanup.js";
import { ensureExecHelper } from "../workload/exec-helper.js";
import { cleanupWorkloads, WorkloadManager } from "../workload/manager.js";
import { AgentLog } from "./agent-log.js";
import { DaemonApi } from "./api.js";
import type { HomePaths } from "./home.js";
import { readDaemonRecord, writeDaemonRecord } from "./home.js";
import { serve } from "./server.js";
import type { DaemonServer } from "./server.js";

/**
 * A log line with a timestamp, to the daemon's log (its stdout).
 *
 * @example
 * ```ts
 * log("controller ready");
 * ```
 */
export function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} ${message}\n`);
}

/**
 * Whether `pid` is a live process started at `startTime` (so not a reused pid).
 *
 * @example
 * ```ts
 * await isRunning(record.pid, record.startTime);
 * ```
 */
export async function isRunning(
  pid: number | undefined,
  startTime: string | undefined,
): Promise<boolean> {
  if (pid === undefined) return false;
  const actual = await processStartTime(pid);
  return actual !== undefined && (startTime === undefined || actual === startTime);
}

/**
 * Runs the daemon of `paths` until it is stopped; resolves when it has stopped.
 *
 * @example
 * ```ts
 * await runDaemon(homePaths(jaasHome()));
 * ```
 */
export async function runDaemon(paths: HomePaths): Promise<void> {
  const record = readDaemonRecord(paths);
  if (record === undefined) throw new Error(`${paths.home} has no controller (no daemon.json)`);
  if (record.pid !== process.pid && (await isRunning(record.pid, record.startTime))) {
    throw new Error(`the controller of ${paths.home} is already running (pid ${record.pid})`);
  }
  // Leftovers of a daemon that did not stop cleanly.
  if (record.networkPrefix !== undefined) {
    const report = await cleanupStale(record.networkPrefix).catch((e: unknown) => {
      log(`cleaning up network ${record.networkPrefix}: ${(e as Error).message}`);
      return undefined;
    });
    if (report !== undefined && report.namespaces.length + report.links.length > 0) {
      log(`removed ${report.namespaces.length} namespace(s) left by the previous run`);
    }
  }
  if (existsSync(record.workloads)) {
    const killed = await cleanupWorkloads(record.workloads);
    if (killed.length > 0)
      log(`killed ${killed.length} workload process(es) left by the previous run`);
  }

  const options = record.options;
  let manager: WorkloadManager | undefined;
  if (options.workloads) {
    ensureExecHelper();
    manager = new WorkloadManager({
      stateDir: record.workloads,
      onError: (e, where) => log(`workloads: ${where}: ${(e as Error).message ?? String(e)}`),
    });
  }
  const resumed = existsSync(`${paths.state}/controller.json`);
  log(
    `${resumed ? "resuming" : "starting"} controller ${options.name} (networking ${options.networking ? "on" : "off"}, workloads ${options.workloads ? "on" : "off"})`,
  );
  const controller = await Controller.create({
    stateDir: paths.state,
    name: options.name,
    networking: options.networking,
    ...(manager !== undefined ? { workloads: manager } : {}),
    updateStatusIntervalMs: options.updateStatusIntervalMs,
  });
  const prefix = controller.network?.prefix;
  writeDaemonRecord(paths, {
    ...record,
    pid: process.pid,
    startTime: (await processStartTime(process.pid)) ?? "",
    ...(prefix !== undefined ? { networkPrefix: prefix } : {}),
  });

  const serving: { server?: DaemonServer } = {};
  let stopping: Promise<void> | undefined;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });

  const stop = (kill: boolean): Promise<void> => {
    stopping ??= (async () => {
      log(kill ? "kill requested: destroying everything" : "stopping (the state is kept)");
      agentLog.stop();
      try {
        if (kill) {
          await controller
            .destroy({ removeState: true })
            .catch((e: unknown) => log(`destroy: ${(e as Error).message}`));
        } else {
          await controller.close().catch((e: unknown) => log(`close: ${(e as Error).message}`));
        }
        await manager
          ?.close()
          .catch((e: unknown) => log(`workloads close: ${(e as Error).message}`));
        if (kill) {
          await cleanupWorkloads(record.workloads).catch(() => []);
          if (prefix !== undefined) await cleanupStale(prefix).catch(() => undefined);
          rmSync(paths.state, { recursive: true, force: true });
        } else {
          const current = readDaemonRecord(paths);
          if (current !== undefined) {
            const { pid: _pid, startTime: _start, ...rest } = current;
            writeDaemonRecord(paths, rest);
          }
        }
      } finally {
        // Let the answer to a stop or kill request go out first.
        setTimeout(
          () => {
            void (serving.server?.close() ?? Promise.resolve()).finally(() => {
              log("stopped");
              resolveDone();
            });
          },
          kill ? 100 : 0,
        );
      }
    })();
    return stopping;
  };

  const agentLog = new AgentLog(() => controller.hooks, paths.logs);
  agentLog.start();
  const api = new DaemonApi({
    controller,
    agentLog,
    catalogue: new CharmCatalogue(),
    stateDir: paths.state,
    options,
    onExit: stop,
  });
  serving.server = await serve(paths.socket, async (request, ctx) => {
    if (stopping !== undefined && request.method !== "ping") {
      throw Object.assign(new Error("the controller is stopping"), { code: "state" });
    }
    return api.handle(request, ctx);
  });
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      log(`${signal} received`);
      void stop(false);
    });
  }
  process.on("SIGHUP", () => undefined);
  log(`controller ${options.name} ready on ${paths.socket} (pid ${process.pid})`);
  await done;
}
