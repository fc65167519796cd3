/**
 * Data types of the Pebble v1 API and the {@link Pebble} interface that both the real client
 * ({@link PebbleClient} in `client.ts`) and the in-memory Pebble (`lib/testing/pebble`) implement.
 *
 * Field names follow Pebble's JSON, converted to camelCase; timestamps stay the RFC 3339 strings
 * Pebble sends (with nanoseconds), so that they can be passed back (e.g. as a notices `after`
 * filter) without losing precision.
 *
 * @module
 */

import type { Readable, Writable } from "node:stream";
import type { Layer, Plan } from "./layer.js";

/** Result of `GET /v1/system-info`. */
export interface SystemInfo {
  /** Changes every time the machine boots. */
  bootId: string;
  /** Pebble's version, such as `v1.26.0`. */
  version: string;
  /** The TCP address of the HTTP API, when Pebble was started with `--http`. */
  httpAddress?: string;
  /** The TCP address of the HTTPS API, when Pebble was started with `--https`. */
  httpsAddress?: string;
}

/** Check level: `alive` checks also count for `ready`. */
export type CheckLevel = "alive" | "ready";

/** Options of `GET /v1/health`. */
export interface HealthOptions {
  /** Only consider checks of this level (`ready` includes `alive` checks). */
  level?: CheckLevel;
  /** Only consider these checks. */
  names?: readonly string[];
}

/** A service's startup mode. */
export type ServiceStartup = "enabled" | "disabled";

/** A service's current state. */
export type ServiceStatus = "active" | "inactive" | "backoff" | "error";

/** One row of `GET /v1/services`. */
export interface ServiceInfo {
  name: string;
  startup: ServiceStartup;
  current: ServiceStatus;
  /** When the service entered its current state (absent if it never ran). */
  currentSince?: string;
}

/** The statuses a change or task can be in. */
export type ChangeStatus =
  | "Default"
  | "Do"
  | "Doing"
  | "Done"
  | "Abort"
  | "Undo"
  | "Undoing"
  | "Undone"
  | "Hold"
  | "Error"
  | "Wait";

/** Progress of a task. */
export interface TaskProgress {
  label: string;
  done: number;
  total: number;
}

/** A task inside a change. */
export interface Task {
  id: string;
  kind: string;
  summary: string;
  status: ChangeStatus;
  log: string[];
  progress: TaskProgress;
  spawnTime: string;
  readyTime?: string;
  /** Task data; for an exec task, `data["exit-code"]` is the exit code. */
  data: Record<string, unknown>;
}

/** A change: a unit of asynchronous work made of tasks. */
export interface Change {
  id: string;
  kind: string;
  summary: string;
  status: ChangeStatus;
  tasks: Task[];
  ready: boolean;
  /** Why the change failed (set when `status` is `Error`). */
  err?: string;
  spawnTime: string;
  readyTime?: string;
  data: Record<string, unknown>;
}

/** Which changes `GET /v1/changes` returns. */
export type ChangeSelect = "all" | "in-progress" | "ready";

/** Options of {@link Pebble.getChanges}. */
export interface ChangesOptions {
  /** Default `in-progress`, as in Pebble. */
  select?: ChangeSelect;
  /** Only changes about this service. */
  service?: string;
}

/** Options of {@link Pebble.waitChange}. */
export interface WaitChangeOptions {
  /** Give up after this many milliseconds (raises {@link TimeoutError}). Default: wait forever. */
  timeout?: number;
}

/** Options of the service actions (start, stop, restart, replan, autostart). */
export interface ServiceActionOptions {
  /** Wait for the change to finish (default true). When false, the change ID is returned at once. */
  wait?: boolean;
  /** When waiting, give up after this many milliseconds (default 30 s). */
  timeout?: number;
}

/** A check's status. `inactive` means the check is stopped. */
export type CheckStatus = "up" | "down" | "inactive";

/** One row of `GET /v1/checks`. */
export interface CheckInfo {
  name: string;
  level?: CheckLevel;
  startup: "enabled" | "disabled";
  status: CheckStatus;
  successes: number;
  failures: number;
  threshold: number;
  /** The current `perform-check` or `recover-check` change. */
  changeId?: string;
}

/** Options of {@link Pebble.getChecks}. */
export interface ChecksOptions {
  level?: CheckLevel;
  names?: readonly string[];
}

/** Result of {@link Pebble.refreshCheck}: the check's state after running it once, now. */
export interface CheckRefreshResult {
  info: CheckInfo;
  /** The check's failure message, when this run failed. */
  error?: string;
}

/** Type of a file-system entry. */
export type FileType =
  "file" | "directory" | "symlink" | "socket" | "named-pipe" | "device" | "unknown";

/** One row of `GET /v1/files?action=list`. */
export interface FileInfo {
  path: string;
  name: string;
  type: FileType;
  /** Size in bytes, for regular files only. */
  size?: number;
  /** Permission bits, as a number (e.g. `0o644`). */
  permissions: number;
  lastModified: string;
  userId?: number;
  user?: string;
  groupId?: number;
  group?: string;
}

/** Ownership fields shared by push and make-dirs. Names and IDs must agree when both are given. */
export interface Ownership {
  userId?: number;
  user?: string;
  groupId?: number;
  group?: string;
}

/** Options of {@link Pebble.push}. */
export interface PushOptions extends Ownership {
  /** Create missing parent directories (with mode 0o755 and the same owner). */
  makeDirs?: boolean;
  /** Permission bits of the file, default `0o644`. */
  permissions?: number;
}

/** Options of {@link Pebble.listFiles}. */
export interface ListFilesOptions {
  /** Shell glob on the entry names (as Go's `path.Match`). */
  pattern?: string;
  /** List the directory itself rather than its entries. */
  itself?: boolean;
}

/** Options of {@link Pebble.makeDir}. */
export interface MakeDirOptions extends Ownership {
  /** Create missing parents too; an existing directory is then not an error. */
  makeParents?: boolean;
  /** Permission bits, default `0o755`. */
  permissions?: number;
}

/** Options of {@link Pebble.removePath}. */
export interface RemovePathOptions {
  /** Remove a directory and everything in it; a missing path is then not an error. */
  recursive?: boolean;
}

/** Options shared by {@link Pebble.exec} and {@link Pebble.spawn}. */
export interface ExecOptions {
  /** Extra environment variables (merged over Pebble's own environment). */
  environment?: Record<string, string>;
  /** Working directory; default the user's home directory. */
  workingDir?: string;
  /** Kill the command after this many milliseconds; the call then raises {@link TimeoutError}. */
  timeout?: number;
  userId?: number;
  user?: string;
  groupId?: number;
  group?: string;
  /** Run with the environment, user and working directory of this service. */
  serviceContext?: string;
  /** Data for the command's standard input. Without it, standard input is closed at once. */
  stdin?: string | Buffer;
  /** Deliver standard error separately (default false: it is mixed into stdout). */
  splitStderr?: boolean;
}

/** What a finished command produced. */
export interface ExecResult {
  exitCode: number;
  /** Standard output (combined output unless `splitStderr`), decoded as UTF-8. */
  stdout: string;
  /** Standard error (empty unless `splitStderr`), decoded as UTF-8. */
  stderr: string;
  stdoutBytes: Buffer;
  stderrBytes: Buffer;
}

/**
 * A running command, from {@link Pebble.spawn}. Write to `stdin` and end it when done; read
 * `stdout` (and `stderr` when split) or let {@link ExecProcess.wait} collect them.
 */
export interface ExecProcess {
  readonly changeId: string;
  readonly taskId: string;
  /** The command's standard input. Ending it sends end-of-file. */
  readonly stdin: Writable;
  /** The command's standard output (or combined output). */
  readonly stdout: Readable;
  /** The command's standard error, or `null` when it is not split. */
  readonly stderr: Readable | null;
  /** Sends a signal (`"SIGTERM"`, `"SIGKILL"`, ...) to the process. */
  sendSignal(signal: string): Promise<void>;
  /**
   * Waits for the process to exit and returns its exit code and the output that was not read from
   * the streams. Raises {@link ExecError} for a non-zero exit code.
   */
  wait(): Promise<ExecResult>;
}

/** One line of service output from `GET /v1/logs`. */
export interface LogEntry {
  time: string;
  service: string;
  message: string;
}

/** Options of {@link Pebble.getLogs}. */
export interface LogsOptions {
  /** Services to read (default all). */
  services?: readonly string[];
  /** How many of the latest lines (default 30; -1 for all). */
  n?: number;
}

/** Notice types Pebble records. */
export type NoticeType = "change-update" | "custom" | "warning";

/** A notice: something that happened, deduplicated by type and key. */
export interface Notice {
  id: string;
  /** Owner UID, or `null` for a public notice. */
  userId: number | null;
  type: NoticeType;
  key: string;
  firstOccurred: string;
  lastOccurred: string;
  lastRepeated: string;
  occurrences: number;
  lastData: Record<string, string>;
  /** Go duration, such as `1h0m0s`. */
  repeatAfter?: string;
  /** Go duration, such as `168h0m0s`. */
  expireAfter?: string;
}

/** Filters of {@link Pebble.getNotices}. */
export interface NoticesFilter {
  types?: readonly NoticeType[];
  keys?: readonly string[];
  /** Only notices repeated after this time (a notice's `lastRepeated` can be passed as is). */
  after?: string | Date;
  /** Only notices of this user (admin only). */
  userId?: number;
  /** `all` for every user's notices (admin only). */
  users?: "all";
}

/** Options of {@link Pebble.notify}. */
export interface NotifyOptions {
  /** Data stored with the occurrence (string values, 4 KiB in total at most). */
  data?: Record<string, string>;
  /** Only bump `lastRepeated` when this many milliseconds passed since the last repeat. */
  repeatAfter?: number;
}

/** Options of {@link Pebble.addLayer}. */
export interface AddLayerOptions {
  /** Merge into the existing layer with the same label instead of failing (default false). */
  combine?: boolean;
  /** Insert inside the label's group of layers (`inner`, Pebble ≥ 1.11). */
  inner?: boolean;
}

/**
 * Every operation of Pebble's v1 API that a charm uses. {@link PebbleClient} talks to a real
 * daemon; `InMemoryPebble` (lib/testing/pebble) keeps the same behaviour in memory for tests.
 *
 * @example
 * ```ts
 * async function configure(pebble: Pebble): Promise<void> {
 *   await pebble.addLayer("web", { services: { web: { override: "replace", command: "web" } } }, { combine: true });
 *   await pebble.replan();
 * }
 * ```
 */
export interface Pebble {
  /** `GET /v1/system-info`. */
  getSystemInfo(): Promise<SystemInfo>;
  /** `GET /v1/health`: true when no selected check is down. */
  health(options?: HealthOptions): Promise<boolean>;
  /** `GET /v1/plan?format=yaml`, parsed. */
  getPlan(): Promise<Plan>;
  /** `POST /v1/layers` (action `add`). The layer may be a {@link Layer} or its YAML. */
  addLayer(label: string, layer: Layer | string, options?: AddLayerOptions): Promise<void>;

  /** `GET /v1/services`, sorted by name. */
  getServices(names?: readonly string[]): Promise<ServiceInfo[]>;
  /** Starts services (and what they require); returns the change ID. */
  startServices(names: readonly string[], options?: ServiceActionOptions): Promise<string>;
  /** Stops services (and what requires them); returns the change ID. */
  stopServices(names: readonly string[], options?: ServiceActionOptions): Promise<string>;
  /** Stops then starts services; returns the change ID. */
  restartServices(names: readonly string[], options?: ServiceActionOptions): Promise<string>;
  /** Restarts services whose configuration changed and starts enabled ones; returns the change ID. */
  replan(options?: ServiceActionOptions): Promise<string>;
  /** Starts the services whose startup is `enabled`; returns the change ID. */
  autostart(options?: ServiceActionOptions): Promise<string>;

  /** `GET /v1/changes`. */
  getChanges(options?: ChangesOptions): Promise<Change[]>;
  /** `GET /v1/changes/{id}`. */
  getChange(id: string): Promise<Change>;
  /** `GET /v1/changes/{id}/wait`: the change once ready (its failure is in `err`). */
  waitChange(id: string, options?: WaitChangeOptions): Promise<Change>;
  /** `POST /v1/changes/{id}` (action `abort`). */
  abortChange(id: string): Promise<Change>;

  /** `GET /v1/checks`. */
  getChecks(options?: ChecksOptions): Promise<CheckInfo[]>;
  /** Starts checks; returns the names of the checks that were stopped before. */
  startChecks(names: readonly string[]): Promise<string[]>;
  /** Stops checks; returns the names of the checks that were running before. */
  stopChecks(names: readonly string[]): Promise<string[]>;
  /** Runs a check once, now. */
  refreshCheck(name: string): Promise<CheckRefreshResult>;

  /** Runs a command to completion. Raises {@link ExecError} for a non-zero exit code. */
  exec(command: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Starts a command and returns a handle for its streams and signals. */
  spawn(command: readonly string[], options?: ExecOptions): Promise<ExecProcess>;

  /** Writes a file. */
  push(path: string, data: string | Buffer | Uint8Array, options?: PushOptions): Promise<void>;
  /** Reads a file. */
  pull(path: string): Promise<Buffer>;
  /** Reads a file as UTF-8 text. */
  pullText(path: string): Promise<string>;
  /** Lists a directory (or describes one file). */
  listFiles(path: string, options?: ListFilesOptions): Promise<FileInfo[]>;
  /** Creates a directory. */
  makeDir(path: string, options?: MakeDirOptions): Promise<void>;
  /** Removes a file or directory. */
  removePath(path: string, options?: RemovePathOptions): Promise<void>;

  /** `GET /v1/logs`. */
  getLogs(options?: LogsOptions): Promise<LogEntry[]>;
  /** `POST /v1/signals`. */
  sendSignal(signal: string, services: readonly string[]): Promise<void>;

  /** `GET /v1/notices`. */
  getNotices(filter?: NoticesFilter): Promise<Notice[]>;
  /** Long-polls `GET /v1/notices` until a matching notice exists or `timeout` ms pass. */
  waitNotices(filter: NoticesFilter, timeout: number): Promise<Notice[]>;
  /** `GET /v1/notices/{id}`. */
  getNotice(id: string): Promise<Notice>;
  /** Records a custom notice (key like `example.com/thing`); returns its ID. */
  notify(key: string, options?: NotifyOptions): Promise<string>;
}
