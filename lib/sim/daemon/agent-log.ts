/**
 * The unit agents' own log lines, as `juju debug-log` shows them next to the charm's:
 *
 * ```
 * unit-demo-0: 21:45:03 INFO juju.worker.uniter.operation ran "install" hook (via hook dispatching script: dispatch)
 * unit-demo-0: 21:45:10 INFO juju.worker.uniter.operation ran "greet" action
 * ```
 *
 * The daemon follows the controller's hook records and appends one line per hook run to
 * `<agent dir>/<model>/unit-<app>-<n>.log` (the unit log files' format), so `debug-log`
 * reads both. Failed hooks are left out: the controller logs them itself, in the unit's log
 * (`hook "start" (via hook dispatching script: dispatch) failed: …`).
 *
 * @example
 * ```ts
 * const agentLog = new AgentLog(() => controller.hooks, "/root/.local/share/jaas/logs");
 * agentLog.start();
 * agentLog.flush(); // before reading
 * agentLog.stop();
 * ```
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { HookRecord } from "../runtime.js";

/**
 * The agent's line for one hook run (level and message).
 *
 * @example
 * ```ts
 * agentLine({ hook: "install", exitCode: 0 } as HookRecord); // ["INFO", 'ran "install" hook (via hook dispatching script: dispatch)']
 * ```
 */
export function agentLine(record: Pick<HookRecord, "hook" | "exitCode">): [string, string] {
  if (record.hook.startsWith("action:")) {
    const name = record.hook.slice("action:".length);
    return record.exitCode === 0
      ? ["INFO", `ran ${JSON.stringify(name)} action`]
      : ["ERROR", `action ${JSON.stringify(name)} failed: exit status ${record.exitCode}`];
  }
  const via = "(via hook dispatching script: dispatch)";
  return record.exitCode === 0
    ? ["INFO", `ran ${JSON.stringify(record.hook)} hook ${via}`]
    : [
        "ERROR",
        `hook ${JSON.stringify(record.hook)} ${via} failed: exit status ${record.exitCode}`,
      ];
}

/**
 * Writes the agent lines (see the module documentation).
 *
 * @example
 * ```ts
 * new AgentLog(() => controller.hooks, paths.logs).start();
 * ```
 */
export class AgentLog {
  #lastSeq: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly hooks: () => readonly HookRecord[],
    /** Where the per-model folders go. */
    readonly dir: string,
  ) {
    this.#lastSeq = hooks().reduce((max, r) => Math.max(max, r.seq), 0);
  }

  /**
   * Writes lines for the hooks recorded since the last call.
   *
   * @example
   * ```ts
   * agentLog.flush();
   * ```
   */
  flush(): void {
    for (const record of this.hooks()) {
      if (record.seq <= this.#lastSeq) continue;
      this.#lastSeq = record.seq;
      if (record.exitCode !== 0 && !record.hook.startsWith("action:")) continue;
      const [level, message] = agentLine(record);
      const time = new Date(record.startedAt + record.durationMs).toISOString();
      const folder = join(this.dir, record.model);
      try {
        mkdirSync(folder, { recursive: true });
        appendFileSync(
          join(folder, `unit-${record.unit.replace("/", "-")}.log`),
          `${time} ${level} juju.worker.uniter.operation ${message}\n`,
        );
      } catch {
        // A log line is not worth failing over.
      }
    }
  }

  /**
   * Flushes every `intervalMs` until {@link AgentLog.stop}.
   *
   * @example
   * ```ts
   * agentLog.start(250);
   * ```
   */
  start(intervalMs = 250): void {
    this.#timer ??= setInterval(() => this.flush(), intervalMs);
    this.#timer.unref();
  }

  /**
   * Stops flushing (after a last flush).
   *
   * @example
   * ```ts
   * agentLog.stop();
   * ```
   */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.flush();
  }
}
