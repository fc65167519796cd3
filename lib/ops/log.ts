/**
 * Logging to the unit's Juju log through `juju-log`.
 *
 * @example
 * ```ts
 * this.log.info("store created");
 * this.log.debug(`plan: ${yaml}`); // dropped unless the level allows DEBUG
 * ```
 */
import type { HookTools } from "./backend/hook-tools.js";

/** Log levels `juju-log` takes. */
export type LogLevel = "DEBUG" | "INFO" | "WARNING" | "ERROR";

const ORDER: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40 };

/** A logger that sends each line to `juju-log`. */
export class JujuLogger {
  constructor(
    private readonly tools: HookTools,
    /** Lines below this level are dropped without calling `juju-log` (each call is a process). */
    readonly level: LogLevel = "INFO",
  ) {}

  /** Logs at `level`. */
  log(level: LogLevel, message: string): void {
    if (ORDER[level] < ORDER[this.level]) return;
    this.tools.jujuLog(level, message);
  }

  debug(message: string): void {
    this.log("DEBUG", message);
  }
  info(message: string): void {
    this.log("INFO", message);
  }
  warning(message: string): void {
    this.log("WARNING", message);
  }
  error(message: string): void {
    this.log("ERROR", message);
  }
}
