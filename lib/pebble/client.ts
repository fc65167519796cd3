/**
 * {@link PebbleClient}: the {@link Pebble} interface over a real daemon's Unix socket.
 *
 * @module
 */

import { isAbsolute, resolve } from "node:path";
import { createInterface } from "node:readline";
import { APIError, ChangeError, PebbleError, TimeoutError } from "./errors.js";
import { formatDuration } from "./duration.js";
import { runCommand, spawnCommand } from "./exec.js";
import { listFiles, makeDir, pullFile, pushFile, removePath } from "./files.js";
import { parsePlan, renderLayer, validateLayer } from "./layer.js";
import type { Layer, Plan } from "./layer.js";
import { resolveSocketPath } from "./socket.js";
import { decodeEnvelope, Transport } from "./transport.js";
import type {
  AddLayerOptions,
  Change,
  ChangeStatus,
  ChangesOptions,
  CheckInfo,
  CheckRefreshResult,
  ChecksOptions,
  ExecOptions,
  ExecProcess,
  ExecResult,
  FileInfo,
  HealthOptions,
  ListFilesOptions,
  LogEntry,
  LogsOptions,
  MakeDirOptions,
  Notice,
  NoticesFilter,
  NotifyOptions,
  Pebble,
  PushOptions,
  RemovePathOptions,
  ServiceActionOptions,
  ServiceInfo,
  SystemInfo,
  Task,
  WaitChangeOptions,
} from "./types.js";

/** Options of {@link PebbleClient}. */
export interface PebbleClientOptions {
  /** The Unix socket; default from {@link resolveSocketPath}. */
  socketPath?: string;
  /** Default wait for service changes, in milliseconds (default 30 000). */
  serviceTimeout?: number;
}

interface RawTask {
  id: string;
  kind: string;
  summary: string;
  status: ChangeStatus;
  log?: string[];
  progress?: { label: string; done: number; total: number };
  "spawn-time": string;
  "ready-time"?: string;
  data?: Record<string, unknown>;
}

interface RawChange {
  id: string;
  kind: string;
  summary: string;
  status: ChangeStatus;
  tasks?: RawTask[];
  ready: boolean;
  err?: string;
  "spawn-time": string;
  "ready-time"?: string;
  data?: Record<string, unknown>;
}

interface RawNotice {
  id: string;
  "user-id": number | null;
  type: Notice["type"];
  key: string;
  "first-occurred": string;
  "last-occurred": string;
  "last-repeated": string;
  occurrences: number;
  "last-data"?: Record<string, string>;
  "repeat-after"?: string;
  "expire-after"?: string;
}

interface RawCheck {
  name: string;
  level?: CheckInfo["level"];
  startup: CheckInfo["startup"];
  status: CheckInfo["status"];
  successes?: number;
  failures?: number;
  threshold: number;
  "change-id"?: string;
}

function toTask(raw: RawTask): Task {
  const task: Task = {
    id: raw.id,
    kind: raw.kind,
    summary: raw.summary,
    status: raw.status,
    log: raw.log ?? [],
    progress: raw.progress ?? { label: "", done: 0, total: 0 },
    spawnTime: raw["spawn-time"],
    data: raw.data ?? {},
  };
  if (raw["ready-time"]) task.readyTime = raw["ready-time"];
  return task;
}

/**
 * Converts Pebble's change JSON to a {@link Change}.
 *
 * @example
 * ```ts
 * const change = toChange(await transport.sync({ method: "GET", path: "/v1/changes/1" }));
 * ```
 */
export function toChange(raw: RawChange): Change {
  const change: Change = {
    id: raw.id,
    kind: raw.kind,
    summary: raw.summary,
    status: raw.status,
    tasks: (raw.tasks ?? []).map(toTask),
    ready: raw.ready,
    spawnTime: raw["spawn-time"],
    data: raw.data ?? {},
  };
  if (raw.err) change.err = raw.err;
  if (raw["ready-time"]) change.readyTime = raw["ready-time"];
  return change;
}

function toNotice(raw: RawNotice): Notice {
  const notice: Notice = {
    id: raw.id,
    userId: raw["user-id"],
    type: raw.type,
    key: raw.key,
    firstOccurred: raw["first-occurred"],
    lastOccurred: raw["last-occurred"],
    lastRepeated: raw["last-repeated"],
    occurrences: raw.occurrences,
    lastData: raw["last-data"] ?? {},
  };
  if (raw["repeat-after"]) notice.repeatAfter = raw["repeat-after"];
  if (raw["expire-after"]) notice.expireAfter = raw["expire-after"];
  return notice;
}

function toCheck(raw: RawCheck): CheckInfo {
  const check: CheckInfo = {
    name: raw.name,
    startup: raw.startup,
    status: raw.status,
    successes: raw.successes ?? 0,
    failures: raw.failures ?? 0,
    threshold: raw.threshold,
  };
  if (raw.level) check.level = raw.level;
  if (raw["change-id"]) check.changeId = raw["change-id"];
  return check;
}

function noticesQuery(
  filter: NoticesFilter,
): Record<string, string | readonly string[] | undefined> {
  const after = filter.after instanceof Date ? filter.after.toISOString() : filter.after;
  return {
    types: filter.types?.length ? filter.types.join(",") : undefined,
    keys: filter.keys?.length ? filter.keys.join(",") : undefined,
    after: after || undefined,
    "user-id": filter.userId !== undefined ? String(filter.userId) : undefined,
    users: filter.users,
  };
}

/**
 * A client of a real Pebble daemon, over its Unix socket.
 *
 * @example
 * ```ts
 * const pebble = new PebbleClient({ socketPath: containerSocketPath("web") });
 * await pebble.addLayer("web", { services: { web: { override: "replace", command: "web", startup: "enabled" } } }, { combine: true });
 * await pebble.replan();
 * const { stdout } = await pebble.exec(["cat", "/etc/hostname"]);
 * pebble.close();
 * ```
 */
export class PebbleClient implements Pebble {
  /** The socket this client talks to. */
  readonly socketPath: string;
  /** The HTTP transport, for calls this class does not wrap. */
  readonly transport: Transport;
  private readonly serviceTimeout: number;

  constructor(options: PebbleClientOptions = {}) {
    const path = options.socketPath ?? resolveSocketPath();
    this.socketPath = isAbsolute(path) ? path : resolve(path);
    this.transport = new Transport(this.socketPath);
    this.serviceTimeout = options.serviceTimeout ?? 30_000;
  }

  /** Drops idle connections to the daemon. The client stays usable. */
  close(): void {
    this.transport.close();
  }

  /**
   * `GET /v1/system-info`. Also the cheapest way to see whether Pebble is up.
   *
   * @example
   * ```ts
   * const { version } = await pebble.getSystemInfo();
   * ```
   */
  async getSystemInfo(): Promise<SystemInfo> {
    const raw = await this.transport.sync<Record<string, string>>({
      method: "GET",
      path: "/v1/system-info",
    });
    const info: SystemInfo = { bootId: raw["boot-id"] ?? "", version: raw.version ?? "" };
    if (raw["http-address"]) info.httpAddress = raw["http-address"];
    if (raw["https-address"]) info.httpsAddress = raw["https-address"];
    return info;
  }

  /**
   * Whether Pebble can be reached: true when `system-info` answers.
   *
   * @example
   * ```ts
   * if (!(await pebble.canConnect())) return defer();
   * ```
   */
  async canConnect(): Promise<boolean> {
    try {
      await this.getSystemInfo();
      return true;
    } catch (error) {
      if (error instanceof PebbleError) return false;
      throw error;
    }
  }

  /**
   * `GET /v1/health`: false when a selected check is down (Pebble answers 502 then).
   *
   * @example
   * ```ts
   * const ready = await pebble.health({ level: "ready" });
   * ```
   */
  async health(options: HealthOptions = {}): Promise<boolean> {
    const result = await this.transport.sync<{ healthy: boolean }>({
      method: "GET",
      path: "/v1/health",
      query: {
        level: options.level,
        names: options.names?.length ? options.names.join(",") : undefined,
      },
    });
    return result.healthy;
  }

  /**
   * The combined plan as YAML text, exactly as Pebble prints it.
   *
   * @example
   * ```ts
   * console.log(await pebble.getPlanYaml());
   * ```
   */
  async getPlanYaml(): Promise<string> {
    return this.transport.sync<string>({
      method: "GET",
      path: "/v1/plan",
      query: { format: "yaml" },
    });
  }

  /**
   * The combined plan, parsed.
   *
   * @example
   * ```ts
   * const plan = await pebble.getPlan();
   * plan.services.web?.command;
   * ```
   */
  async getPlan(): Promise<Plan> {
    return parsePlan(await this.getPlanYaml());
  }

  /**
   * Adds a layer (validated first when given as an object).
   *
   * @example
   * ```ts
   * await pebble.addLayer("web", layer, { combine: true });
   * ```
   */
  async addLayer(
    label: string,
    layer: Layer | string,
    options: AddLayerOptions = {},
  ): Promise<void> {
    let yaml: string;
    if (typeof layer === "string") {
      yaml = layer;
    } else {
      validateLayer(layer, label);
      yaml = renderLayer(layer);
    }
    await this.transport.sync<boolean>({
      method: "POST",
      path: "/v1/layers",
      json: {
        action: "add",
        combine: !!options.combine,
        inner: !!options.inner,
        label,
        format: "yaml",
        layer: yaml,
      },
    });
  }

  /**
   * `GET /v1/services`.
   *
   * @example
   * ```ts
   * const [web] = await pebble.getServices(["web"]);
   * web?.current === "active";
   * ```
   */
  async getServices(names?: readonly string[]): Promise<ServiceInfo[]> {
    const raw = await this.transport.sync<
      {
        name: string;
        startup: ServiceInfo["startup"];
        current: ServiceInfo["current"];
        "current-since"?: string;
      }[]
    >({
      method: "GET",
      path: "/v1/services",
      query: { names: names?.length ? names.join(",") : undefined },
    });
    return raw.map((s) => {
      const info: ServiceInfo = { name: s.name, startup: s.startup, current: s.current };
      if (s["current-since"]) info.currentSince = s["current-since"];
      return info;
    });
  }

  private async serviceAction(
    action: string,
    services: readonly string[],
    options: ServiceActionOptions = {},
  ): Promise<string> {
    const { change } = await this.transport.async({
      method: "POST",
      path: "/v1/services",
      json: { action, services: [...services] },
    });
    if (options.wait === false) return change;
    const done = await this.waitChange(change, { timeout: options.timeout ?? this.serviceTimeout });
    if (done.err) throw new ChangeError(done);
    return change;
  }

  /**
   * Starts services and waits; raises {@link ChangeError} if one fails to start.
   *
   * @example
   * ```ts
   * await pebble.startServices(["web"]);
   * ```
   */
  startServices(names: readonly string[], options?: ServiceActionOptions): Promise<string> {
    return this.serviceAction("start", names, options);
  }

  /**
   * Stops services and waits.
   *
   * @example
   * ```ts
   * await pebble.stopServices(["web"]);
   * ```
   */
  stopServices(names: readonly string[], options?: ServiceActionOptions): Promise<string> {
    return this.serviceAction("stop", names, options);
  }

  /**
   * Restarts services and waits.
   *
   * @example
   * ```ts
   * await pebble.restartServices(["web"]);
   * ```
   */
  restartServices(names: readonly string[], options?: ServiceActionOptions): Promise<string> {
    return this.serviceAction("restart", names, options);
  }

  /**
   * Replans: restarts services whose definition changed, starts enabled ones, and waits.
   *
   * @example
   * ```ts
   * await pebble.replan();
   * ```
   */
  replan(options?: ServiceActionOptions): Promise<string> {
    return this.serviceAction("replan", [], options);
  }

  /**
   * Starts the services whose startup is `enabled`, and waits. Pebble refuses with an
   * {@link APIError} of kind `no-default-services` when there are none.
   *
   * @example
   * ```ts
   * await pebble.autostart();
   * ```
   */
  autostart(options?: ServiceActionOptions): Promise<string> {
    return this.serviceAction("autostart", [], options);
  }

  /**
   * `GET /v1/changes`.
   *
   * @example
   * ```ts
   * const running = await pebble.getChanges({ select: "in-progress" });
   * ```
   */
  async getChanges(options: ChangesOptions = {}): Promise<Change[]> {
    const raw = await this.transport.sync<RawChange[]>({
      method: "GET",
      path: "/v1/changes",
      query: { select: options.select, for: options.service },
    });
    return raw.map(toChange);
  }

  /**
   * `GET /v1/changes/{id}`.
   *
   * @example
   * ```ts
   * const change = await pebble.getChange("12");
   * ```
   */
  async getChange(id: string): Promise<Change> {
    return toChange(
      await this.transport.sync<RawChange>({
        method: "GET",
        path: `/v1/changes/${encodeURIComponent(id)}`,
      }),
    );
  }

  /**
   * Waits until a change is ready. Raises {@link TimeoutError} after `timeout` ms. A failed change
   * is returned, not raised: its reason is in `err`.
   *
   * @example
   * ```ts
   * const change = await pebble.waitChange(id, { timeout: 10_000 });
   * if (change.err) console.log(change.err);
   * ```
   */
  async waitChange(id: string, options: WaitChangeOptions = {}): Promise<Change> {
    const timeout = options.timeout;
    try {
      const raw = await this.transport.sync<RawChange>({
        method: "GET",
        path: `/v1/changes/${encodeURIComponent(id)}/wait`,
        query: { timeout: timeout !== undefined ? formatDuration(timeout) : undefined },
        timeout: timeout !== undefined ? timeout + 5_000 : undefined,
      });
      return toChange(raw);
    } catch (error) {
      if (error instanceof APIError && error.statusCode === 504) {
        throw new TimeoutError(`timed out waiting for change ${id} after ${timeout} ms`);
      }
      throw error;
    }
  }

  /**
   * Aborts a change that is still in progress (Pebble refuses when it is ready).
   *
   * @example
   * ```ts
   * await pebble.abortChange(id);
   * ```
   */
  async abortChange(id: string): Promise<Change> {
    return toChange(
      await this.transport.sync<RawChange>({
        method: "POST",
        path: `/v1/changes/${encodeURIComponent(id)}`,
        json: { action: "abort" },
      }),
    );
  }

  /**
   * `GET /v1/checks`.
   *
   * @example
   * ```ts
   * const down = (await pebble.getChecks()).filter((c) => c.status === "down");
   * ```
   */
  async getChecks(options: ChecksOptions = {}): Promise<CheckInfo[]> {
    const raw = await this.transport.sync<RawCheck[]>({
      method: "GET",
      path: "/v1/checks",
      query: {
        level: options.level,
        names: options.names?.length ? options.names.join(",") : undefined,
      },
    });
    return raw.map(toCheck);
  }

  private async checkAction(action: string, names: readonly string[]): Promise<string[]> {
    const result = await this.transport.sync<{ changed?: string[] }>({
      method: "POST",
      path: "/v1/checks",
      json: { action, checks: [...names] },
    });
    return result.changed ?? [];
  }

  /**
   * Starts stopped checks; returns those that changed.
   *
   * @example
   * ```ts
   * await pebble.startChecks(["ready"]);
   * ```
   */
  startChecks(names: readonly string[]): Promise<string[]> {
    return this.checkAction("start", names);
  }

  /**
   * Stops running checks; returns those that changed.
   *
   * @example
   * ```ts
   * await pebble.stopChecks(["ready"]);
   * ```
   */
  stopChecks(names: readonly string[]): Promise<string[]> {
    return this.checkAction("stop", names);
  }

  /**
   * Runs a check now and returns its state and this run's error.
   *
   * @example
   * ```ts
   * const { info, error } = await pebble.refreshCheck("ready");
   * ```
   */
  async refreshCheck(name: string): Promise<CheckRefreshResult> {
    const raw = await this.transport.sync<{ info: RawCheck; error?: string }>({
      method: "POST",
      path: "/v1/checks/refresh",
      json: { name },
    });
    const result: CheckRefreshResult = { info: toCheck(raw.info) };
    if (raw.error) result.error = raw.error;
    return result;
  }

  /**
   * Runs a command to completion. Raises {@link ExecError} on a non-zero exit code.
   *
   * @example
   * ```ts
   * const { stdout } = await pebble.exec(["psql", "-c", "select 1"], { user: "postgres", environment: { PGHOST: "/tmp" } });
   * ```
   */
  exec(command: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return runCommand(this.transport, (id) => this.waitChange(id), command, options);
  }

  /**
   * Starts a command and returns a handle to stream its I/O and send it signals.
   *
   * @example
   * ```ts
   * const proc = await pebble.spawn(["sleep", "60"]);
   * proc.stdin.end();
   * await proc.sendSignal("SIGTERM");
   * await proc.wait().catch(() => undefined);
   * ```
   */
  spawn(command: readonly string[], options: ExecOptions = {}): Promise<ExecProcess> {
    return spawnCommand(this.transport, (id) => this.waitChange(id), command, options);
  }

  /**
   * Writes a file.
   *
   * @example
   * ```ts
   * await pebble.push("/etc/app/config.yaml", yaml, { makeDirs: true, permissions: 0o600 });
   * ```
   */
  push(path: string, data: string | Buffer | Uint8Array, options?: PushOptions): Promise<void> {
    return pushFile(this.transport, path, data, options);
  }

  /**
   * Reads a file.
   *
   * @example
   * ```ts
   * const bytes = await pebble.pull("/var/lib/app/cert.der");
   * ```
   */
  pull(path: string): Promise<Buffer> {
    return pullFile(this.transport, path);
  }

  /**
   * Reads a file as UTF-8 text.
   *
   * @example
   * ```ts
   * const text = await pebble.pullText("/etc/app/config.yaml");
   * ```
   */
  async pullText(path: string): Promise<string> {
    return (await this.pull(path)).toString("utf8");
  }

  /**
   * Lists a directory.
   *
   * @example
   * ```ts
   * const entries = await pebble.listFiles("/etc/app", { pattern: "*.yaml" });
   * ```
   */
  listFiles(path: string, options?: ListFilesOptions): Promise<FileInfo[]> {
    return listFiles(this.transport, path, options);
  }

  /**
   * Creates a directory.
   *
   * @example
   * ```ts
   * await pebble.makeDir("/var/lib/app", { makeParents: true, user: "app", group: "app" });
   * ```
   */
  makeDir(path: string, options?: MakeDirOptions): Promise<void> {
    return makeDir(this.transport, path, options);
  }

  /**
   * Removes a file or directory.
   *
   * @example
   * ```ts
   * await pebble.removePath("/var/lib/app/cache", { recursive: true });
   * ```
   */
  removePath(path: string, options?: RemovePathOptions): Promise<void> {
    return removePath(this.transport, path, options);
  }

  /**
   * Reads recent service output (`n` lines, default 30, -1 for all).
   *
   * @example
   * ```ts
   * const lines = await pebble.getLogs({ services: ["web"], n: 100 });
   * ```
   */
  async getLogs(options: LogsOptions = {}): Promise<LogEntry[]> {
    const entries: LogEntry[] = [];
    for await (const entry of this.streamLogs({ ...options, follow: false })) entries.push(entry);
    return entries;
  }

  /**
   * Streams service output; with `follow`, keeps waiting for new lines until `signal` aborts.
   *
   * @example
   * ```ts
   * const stop = new AbortController();
   * for await (const line of pebble.streamLogs({ services: ["web"], follow: true, signal: stop.signal })) {
   *   if (line.message.includes("ready")) stop.abort();
   * }
   * ```
   */
  async *streamLogs(
    options: LogsOptions & { follow?: boolean; signal?: AbortSignal } = {},
  ): AsyncGenerator<LogEntry> {
    let res;
    try {
      res = await this.transport.stream(
        {
          method: "GET",
          path: "/v1/logs",
          query: {
            services: options.services?.length ? options.services.join(",") : undefined,
            n: options.n,
            follow: options.follow ? "true" : undefined,
          },
        },
        options.signal,
      );
    } catch (error) {
      if ((error as Error).name === "AbortError") return;
      throw error;
    }
    if ((res.headers["content-type"] ?? "").startsWith("application/json")) {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      decodeEnvelope(res.statusCode ?? 0, Buffer.concat(chunks));
      return;
    }
    const lines = createInterface({ input: res, crlfDelay: Infinity });
    try {
      for await (const line of lines) {
        if (!line.trim()) continue;
        yield JSON.parse(line) as LogEntry;
      }
    } catch (error) {
      if ((error as Error).name === "AbortError" || options.signal?.aborted) return;
      throw error;
    } finally {
      lines.close();
      res.destroy();
    }
  }

  /**
   * Sends a signal to running services.
   *
   * @example
   * ```ts
   * await pebble.sendSignal("SIGHUP", ["web"]);
   * ```
   */
  async sendSignal(signal: string, services: readonly string[]): Promise<void> {
    await this.transport.sync<boolean>({
      method: "POST",
      path: "/v1/signals",
      json: { signal, services: [...services] },
    });
  }

  /**
   * Lists notices matching a filter.
   *
   * @example
   * ```ts
   * const custom = await pebble.getNotices({ types: ["custom"], keys: ["example.com/reload"] });
   * ```
   */
  async getNotices(filter: NoticesFilter = {}): Promise<Notice[]> {
    const raw = await this.transport.sync<RawNotice[]>({
      method: "GET",
      path: "/v1/notices",
      query: noticesQuery(filter),
    });
    return raw.map(toNotice);
  }

  /**
   * Waits up to `timeout` ms for notices matching the filter (an empty list when none came).
   *
   * @example
   * ```ts
   * const [notice] = await pebble.waitNotices({ types: ["custom"], after: last.lastRepeated }, 30_000);
   * ```
   */
  async waitNotices(filter: NoticesFilter, timeout: number): Promise<Notice[]> {
    const raw = await this.transport.sync<RawNotice[]>({
      method: "GET",
      path: "/v1/notices",
      query: { ...noticesQuery(filter), timeout: formatDuration(timeout) },
      timeout: timeout + 10_000,
    });
    return raw.map(toNotice);
  }

  /**
   * Reads one notice.
   *
   * @example
   * ```ts
   * const notice = await pebble.getNotice("42");
   * ```
   */
  async getNotice(id: string): Promise<Notice> {
    return toNotice(
      await this.transport.sync<RawNotice>({
        method: "GET",
        path: `/v1/notices/${encodeURIComponent(id)}`,
      }),
    );
  }

  /**
   * Records a custom notice; its key must look like `example.com/path`.
   *
   * @example
   * ```ts
   * const id = await pebble.notify("canonical.com/jimm/reload", { data: { reason: "config" } });
   * ```
   */
  async notify(key: string, options: NotifyOptions = {}): Promise<string> {
    const body: Record<string, unknown> = { action: "add", type: "custom", key };
    if (options.data) body.data = options.data;
    if (options.repeatAfter !== undefined)
      body["repeat-after"] = formatDuration(options.repeatAfter);
    const result = await this.transport.sync<{ id: string }>({
      method: "POST",
      path: "/v1/notices",
      json: body,
    });
    return result.id;
  }
}
