/**
 * `juju-log [-l|--log-level LEVEL] [--debug] <message...>`: a record in the unit's log, kept in
 * `ctx.immediate.logs` (Juju writes it at once). In a relation hook the message gets a
 * `<endpoint>:<id>: ` prefix. An unknown level logs a warning and falls back to INFO.
 *
 * @example
 * ```ts
 * runTool(ctx, "juju-log", ["--log-level", "WARNING", "--", "disk almost full"]);
 * // ctx.immediate.logs ends with { level: "WARNING", message: "db:3: disk almost full" }
 * ```
 */

import type { LogRecord } from "../context.js";
import { UsageError } from "../internal/errors.js";
import { FlagSet } from "../internal/flags.js";
import { goQuote } from "../internal/go-format.js";
import type { ToolDefinition } from "../internal/invocation.js";
import { hookRelation, relationFakeId } from "../internal/relation-flag.js";

/**
 * Juju's `loggo.ParseLevel` (case-insensitive; WARN means WARNING). CRITICAL has no level of
 * its own in {@link LogRecord}, so it is recorded as ERROR.
 */
function parseLevel(level: string): LogRecord["level"] | undefined {
  switch (level.toUpperCase()) {
    case "TRACE":
      return "TRACE";
    case "DEBUG":
      return "DEBUG";
    case "INFO":
    case "UNSPECIFIED":
      return "INFO";
    case "WARN":
    case "WARNING":
      return "WARNING";
    case "ERROR":
    case "CRITICAL":
      return "ERROR";
    default:
      return undefined;
  }
}

/** The `juju-log` tool. */
export const jujuLog: ToolDefinition = {
  info: { name: "juju-log", args: "<message>", purpose: "write a message to the juju log" },
  run(inv) {
    const fs = new FlagSet(jujuLog.info);
    const debug = fs.bool(["debug"], "log at debug level");
    const level = fs.string(["l", "log-level"], "Send log message at the given level", "INFO");
    const format = fs.string(["format"], "deprecated format flag");
    const args = fs.parse(inv.args);
    if (args.length === 0) throw new UsageError("no message specified");
    if (format.value !== "") inv.stderr += `--format flag deprecated for command "juju-log"`;
    const logs = inv.ctx.immediate.logs;
    let parsed: LogRecord["level"] = "INFO";
    if (debug.value) parsed = "DEBUG";
    else if (level.value !== "") {
      const known = parseLevel(level.value);
      if (known === undefined) {
        logs.push({
          level: "WARNING",
          message: `Specified log level of ${goQuote(level.value)} is not valid`,
        });
      } else parsed = known;
    }
    const relation = hookRelation(inv.ctx);
    const prefix = relation === undefined ? "" : `${relationFakeId(relation)}: `;
    logs.push({ level: parsed, message: prefix + args.join(" ") });
  },
};
