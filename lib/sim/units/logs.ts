/**
 * Units' logs, as Juju's debug-log shows them: a hook's stdout at DEBUG and stderr at WARNING
 * (logger `unit.<unit>.<hook>`), `juju-log` records at their level (`unit.<unit>.juju-log`),
 * and the agent's own messages. Kept in memory (the latest entries per unit) and appended to
 * `<unit dir>/unit.log`.
 *
 * @example
 * ```ts
 * const logs = new UnitLogs((model, unit) => join(stateDir, "units", model, unit));
 * logs.output("jaas", "demo/0", "install", "stderr", "warning: …\n");
 * logs.of("jaas", "demo/0")[0]?.level; // "WARNING"
 * ```
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { LogRecord } from "../../jujuc/context.js";

/** One line of a unit's log. */
export interface LogEntry {
  time: number;
  model: string;
  unit: string;
  /** `unit.<unit>.<hook>` for process output, `unit.<unit>.juju-log` for juju-log. */
  logger: string;
  level: LogRecord["level"];
  message: string;
}

/** Entries kept in memory per unit. */
const MAX_LOG_ENTRIES = 5000;

/**
 * The logs of every unit (see the module documentation).
 *
 * @example
 * ```ts
 * const logs = new UnitLogs((m, u) => `/state/units/${m}/${u}`);
 * logs.add({ time: Date.now(), model: "m", unit: "a/0", logger: "unit.a/0.juju-log", level: "INFO", message: "hi" });
 * ```
 */
export class UnitLogs {
  private readonly entries = new Map<string, LogEntry[]>();

  constructor(private readonly unitDir: (model: string, unit: string) => string) {}

  /** Appends one entry. */
  add(entry: LogEntry): void {
    const key = `${entry.model}:${entry.unit}`;
    let list = this.entries.get(key);
    if (list === undefined) this.entries.set(key, (list = []));
    list.push(entry);
    if (list.length > MAX_LOG_ENTRIES) list.splice(0, list.length - MAX_LOG_ENTRIES);
    const dir = this.unitDir(entry.model, entry.unit);
    try {
      mkdirSync(dir, { recursive: true });
      appendFileSync(
        join(dir, "unit.log"),
        `${new Date(entry.time).toISOString()} ${entry.level} ${entry.logger} ${entry.message}\n`,
      );
    } catch {
      // The unit directory may be gone (unit removed): the memory copy is enough.
    }
  }

  /** A hook process's output, one entry per line. */
  output(
    model: string,
    unit: string,
    hook: string,
    stream: "stdout" | "stderr",
    text: string,
  ): void {
    for (const line of text.split("\n")) {
      if (line === "") continue;
      this.add({
        time: Date.now(),
        model,
        unit,
        logger: `unit.${unit}.${hook}`,
        level: stream === "stdout" ? "DEBUG" : "WARNING",
        message: line,
      });
    }
  }

  /** A unit's entries, oldest first. */
  of(model: string, unit: string): LogEntry[] {
    return [...(this.entries.get(`${model}:${unit}`) ?? [])];
  }
}
