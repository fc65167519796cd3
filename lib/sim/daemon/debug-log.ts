/**
 * `debug-log` from the units' log files: the controller appends every line of a unit's log
 * (hook output, `juju-log`) to `<state>/units/<model>/unit-<app>-<n>/unit.log` as
 * `<ISO time> <LEVEL> <logger> <message>`; the daemon adds the unit agent's own lines (`ran
 * "install" hook`) in the same format under its agent folder. Reading the files (rather than
 * the controller's memory) keeps the history across daemon restarts. A cursor (bytes read per file) lets a
 * client follow the log (`--tail`) by asking again.
 *
 * @example
 * ```ts
 * const first = readDebugLog({ state: stateDir }, { model: "jaas", lines: 10 });
 * const next = readDebugLog({ state: stateDir }, { model: "jaas", cursor: first.cursor });
 * formatLogEntry(next.entries[0]); // "unit-demo-0: 21:45:03 INFO unit.demo/0.juju-log started"
 * ```
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { join } from "node:path";

/** One log line. */
export interface DebugLogEntry {
  /** Milliseconds since the epoch. */
  time: number;
  /** `demo/0`. */
  unit: string;
  level: string;
  logger: string;
  message: string;
}

/** What to read. */
export interface DebugLogQuery {
  model: string;
  /** Units (`demo/0`, `unit-demo-0`) or applications (`demo`); all when empty. */
  include?: readonly string[];
  /** Lowest level shown (`DEBUG`, `INFO`, `WARNING`, `ERROR`). */
  level?: string;
  /** Everything from the start (else the last `lines`). */
  replay?: boolean;
  /** How many lines of history without `replay` (default 10). */
  lines?: number;
  /** Bytes already read per file: only what came after. */
  cursor?: Record<string, number>;
}

/** What {@link readDebugLog} returns. */
export interface DebugLogResult {
  entries: DebugLogEntry[];
  cursor: Record<string, number>;
}

const LEVELS = ["TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];
const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) ([A-Z]+) (\S+) ?(.*)$/;
/** Without `replay`, at most this much of each file's end is read. */
const TAIL_BYTES = 256 * 1024;

/**
 * The unit a unit folder (`unit-demo-0`) holds.
 *
 * @example
 * ```ts
 * unitOfFolder("unit-openfga-k8s-1"); // "openfga-k8s/1"
 * ```
 */
export function unitOfFolder(folder: string): string | undefined {
  const m = /^unit-(.+)-(\d+)$/.exec(folder);
  return m === null ? undefined : `${m[1]}/${m[2]}`;
}

function selected(unit: string, include: readonly string[] | undefined): boolean {
  if (include === undefined || include.length === 0) return true;
  const app = unit.split("/")[0];
  const tag = `unit-${unit.replace("/", "-")}`;
  return include.some((i) => i === unit || i === tag || i === app || i === `application-${app}`);
}

function readFrom(path: string, start: number, end: number): string {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(end - start);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, start + read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** Where the logs are. */
export interface DebugLogRoots {
  /** The controller's state folder (`<state>/units/<model>/unit-<app>-<n>/unit.log`). */
  state: string;
  /** The agent logs the daemon writes (`<agent>/<model>/unit-<app>-<n>.log`). */
  agent?: string;
}

/** One log file of a unit, and its key in the cursor. */
interface LogFile {
  key: string;
  unit: string;
  path: string;
}

function logFiles(roots: DebugLogRoots, model: string): LogFile[] {
  const files: LogFile[] = [];
  const list = (dir: string): string[] => {
    try {
      return readdirSync(dir).sort();
    } catch {
      return [];
    }
  };
  for (const folder of list(join(roots.state, "units", model))) {
    const unit = unitOfFolder(folder);
    if (unit !== undefined)
      files.push({
        key: folder,
        unit,
        path: join(roots.state, "units", model, folder, "unit.log"),
      });
  }
  if (roots.agent !== undefined) {
    for (const name of list(join(roots.agent, model))) {
      const unit = name.endsWith(".log") ? unitOfFolder(name.slice(0, -4)) : undefined;
      if (unit !== undefined)
        files.push({ key: `agent:${name}`, unit, path: join(roots.agent, model, name) });
    }
  }
  return files;
}

/**
 * Reads the log (see the module documentation).
 *
 * @example
 * ```ts
 * readDebugLog({ state: "/root/.local/share/jaas/state" }, { model: "jaas", include: ["demo"], replay: true });
 * ```
 */
export function readDebugLog(roots: DebugLogRoots, query: DebugLogQuery): DebugLogResult {
  const minLevel = Math.max(0, LEVELS.indexOf((query.level ?? "TRACE").toUpperCase()));
  const entries: DebugLogEntry[] = [];
  const cursor: Record<string, number> = {};
  for (const file of logFiles(roots, query.model)) {
    const { key, unit, path } = file;
    if (!selected(unit, query.include)) continue;
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      continue;
    }
    const known = query.cursor?.[key];
    // Following (a cursor): a file that appeared since is read from its start.
    const fromStart = query.replay === true || query.cursor !== undefined;
    let start = known ?? (fromStart ? 0 : Math.max(0, size - TAIL_BYTES));
    if (start > size) start = 0; // the file was replaced (the unit was removed and came back)
    const text = readFrom(path, start, size);
    const complete = text.lastIndexOf("\n") + 1;
    cursor[key] = start + Buffer.byteLength(text.slice(0, complete));
    let lines = text.slice(0, complete).split("\n");
    // A tail read may start mid-line.
    if (known === undefined && start > 0) lines = lines.slice(1);
    let last: DebugLogEntry | undefined;
    for (const line of lines) {
      if (line === "") continue;
      const m = LINE.exec(line);
      if (m === null) {
        // A message with several lines: the rest of the previous entry.
        if (last !== undefined) last.message += `\n${line}`;
        continue;
      }
      const [, iso = "", level = "", logger = "", message = ""] = m;
      last = { time: Date.parse(iso), unit, level, logger, message };
      if (LEVELS.indexOf(level) >= minLevel) entries.push(last);
    }
  }
  entries.sort((a, b) => a.time - b.time);
  const fresh = query.cursor === undefined && query.replay !== true;
  return { entries: fresh ? entries.slice(-(query.lines ?? 10)) : entries, cursor };
}

/**
 * A line as `juju debug-log` prints it: `<entity>: <HH:MM:SS> <LEVEL> <logger> <message>`.
 *
 * @example
 * ```ts
 * formatLogEntry({ time: 0, unit: "demo/0", level: "INFO", logger: "unit.demo/0.juju-log", message: "hi" });
 * // "unit-demo-0: 00:00:00 INFO unit.demo/0.juju-log hi"
 * ```
 */
export function formatLogEntry(entry: DebugLogEntry): string {
  const time = new Date(entry.time).toISOString().slice(11, 19);
  return `unit-${entry.unit.replace("/", "-")}: ${time} ${entry.level} ${entry.logger} ${entry.message}`;
}
