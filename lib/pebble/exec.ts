/**
 * Running commands through Pebble's exec API and its websockets.
 *
 * The protocol: `POST /v1/exec` starts an `exec` change and returns its task ID; the client then
 * opens the task's `control` and `stdio` websockets (and `stderr` when split). Process I/O travels
 * as binary frames; end-of-file in either direction is the text frame `{"command":"end"}`.
 * Signals go on the control socket as `{"command":"signal","signal":{"name":"SIGTERM"}}`. When the
 * output has ended, the change is waited for and the exit code read from the task's
 * `data["exit-code"]`.
 *
 * @module
 */

import { PassThrough } from "node:stream";
import type { Readable, Writable } from "node:stream";
import type WebSocket from "ws";
import { ChangeError, ExecError, PebbleError, TimeoutError } from "./errors.js";
import { formatDuration } from "./duration.js";
import type { Transport } from "./transport.js";
import type { Change, ExecOptions, ExecProcess, ExecResult } from "./types.js";

/**
 * Waits for a change; supplied by the client so this module does not depend on it.
 *
 * @example
 * ```ts
 * const waiter: ChangeWaiter = (id) => client.waitChange(id);
 * ```
 */
export type ChangeWaiter = (changeId: string) => Promise<Change>;

const END_FRAME = JSON.stringify({ command: "end" });
const STDIN_CHUNK = 64 * 1024;

/** `WebSocket.readyState` values (RFC 6455 client states, as `ws` numbers them). */
const OPEN = 1;
const CLOSED = 3;

/**
 * Opens a websocket. Output is pumped into `out` from the moment the socket exists: Pebble starts
 * the command as soon as stdio (and stderr) are connected, so output can arrive before the other
 * sockets are open, and a listener attached later would miss it.
 */
async function openWebsocket(
  url: string,
  out?: PassThrough,
): Promise<{ ws: WebSocket; output: Promise<void> }> {
  // Loaded on first exec only: `ws` pulls in zlib and crypto, which most hooks never need.
  const { default: WebSocketClass } = await import("ws");
  return new Promise((resolve, reject) => {
    const ws = new WebSocketClass(url, { perMessageDeflate: false });
    const output = out ? pumpOutput(ws, out) : Promise.resolve();
    const onError = (error: Error): void => {
      ws.removeAllListeners();
      ws.on("error", () => undefined);
      reject(error);
    };
    ws.once("error", onError);
    ws.once("unexpected-response", (_req, res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        onError(
          new Error(`websocket refused: ${res.statusCode} ${Buffer.concat(chunks).toString()}`),
        ),
      );
    });
    ws.once("open", () => {
      ws.off("error", onError);
      ws.on("error", () => undefined);
      resolve({ ws, output });
    });
  });
}

/** Pipes one output websocket into a stream, ending it on `{"command":"end"}` or close. */
function pumpOutput(ws: WebSocket, out: PassThrough): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      out.end();
      resolve();
    };
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        out.write(data);
        return;
      }
      try {
        const message = JSON.parse(data.toString()) as { command?: string };
        if (message.command === "end") finish();
      } catch {
        // Not a command: ignore, as Pebble's own client does.
      }
    });
    ws.on("close", finish);
  });
}

function exitCodeOf(change: Change): number {
  const code = change.tasks[0]?.data["exit-code"];
  return typeof code === "number" ? code : -1;
}

/** A command started through Pebble. See {@link ExecProcess}. */
class RemoteProcess implements ExecProcess {
  readonly stdin: Writable;
  readonly stdout: PassThrough;
  readonly stderr: PassThrough | null;
  private readonly outputDone: Promise<void>;
  private result: Promise<ExecResult> | undefined;

  constructor(
    readonly changeId: string,
    readonly taskId: string,
    private readonly command: readonly string[],
    private readonly control: WebSocket | undefined,
    private readonly stdio: WebSocket,
    private readonly stderrSocket: WebSocket | undefined,
    streams: { stdout: PassThrough; stderr: PassThrough | null; outputDone: Promise<void> },
    private readonly waitChange: ChangeWaiter,
  ) {
    this.stdout = streams.stdout;
    this.stderr = streams.stderr;
    this.outputDone = streams.outputDone;
    this.stdin = new PassThrough();
    this.stdin.on("data", (chunk: Buffer) => {
      for (let i = 0; i < chunk.length; i += STDIN_CHUNK) {
        if (stdio.readyState === OPEN)
          stdio.send(chunk.subarray(i, i + STDIN_CHUNK), { binary: true });
      }
    });
    this.stdin.on("end", () => {
      if (stdio.readyState === OPEN) stdio.send(END_FRAME);
    });
  }

  async sendSignal(signal: string): Promise<void> {
    const control = this.control;
    if (!control || control.readyState !== OPEN) {
      throw new PebbleError(`cannot send ${signal}: the process has finished`);
    }
    const frame = JSON.stringify({ command: "signal", signal: { name: signal } });
    await new Promise<void>((resolve, reject) =>
      control.send(frame, (error) => (error ? reject(error) : resolve())),
    );
  }

  wait(): Promise<ExecResult> {
    this.result ??= this.collect();
    return this.result;
  }

  private async collect(): Promise<ExecResult> {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    // Only collect what the caller does not read themselves.
    if (this.stdout.listenerCount("data") === 0 && this.stdout.listenerCount("readable") === 0) {
      this.stdout.on("data", (c: Buffer) => out.push(c));
    }
    if (
      this.stderr &&
      this.stderr.listenerCount("data") === 0 &&
      this.stderr.listenerCount("readable") === 0
    ) {
      this.stderr.on("data", (c: Buffer) => err.push(c));
    }
    await this.outputDone;
    const change = await this.waitChange(this.changeId);
    this.closeSockets();
    const stdoutBytes = Buffer.concat(out);
    const stderrBytes = Buffer.concat(err);
    if (change.err) {
      if (/timed out after/.test(change.err)) {
        throw new TimeoutError(`command ${JSON.stringify(this.command)} ${change.err}`, change);
      }
      throw new ChangeError(change);
    }
    const exitCode = exitCodeOf(change);
    const result: ExecResult = {
      exitCode,
      stdout: stdoutBytes.toString("utf8"),
      stderr: stderrBytes.toString("utf8"),
      stdoutBytes,
      stderrBytes,
    };
    if (exitCode !== 0) throw new ExecError(this.command, exitCode, result.stdout, result.stderr);
    return result;
  }

  private closeSockets(): void {
    // Terminate, not close: Pebble does not answer a close frame once the command is done, so a
    // graceful close would keep the process alive for the ws library's 30 s close timeout.
    for (const ws of [this.control, this.stdio, this.stderrSocket]) {
      if (ws && ws.readyState !== CLOSED) ws.terminate();
    }
  }
}

/**
 * Builds the `POST /v1/exec` body from the options.
 *
 * @example
 * ```ts
 * execPayload(["ls"], { workingDir: "/tmp", timeout: 5000 }); // { command: ["ls"], "working-dir": "/tmp", timeout: "5000ms", ... }
 * ```
 */
export function execPayload(
  command: readonly string[],
  options: ExecOptions,
): Record<string, unknown> {
  if (command.length === 0) throw new PebbleError("exec needs a command");
  const payload: Record<string, unknown> = {
    command: [...command],
    "split-stderr": !!options.splitStderr,
  };
  if (options.environment) payload.environment = options.environment;
  if (options.workingDir) payload["working-dir"] = options.workingDir;
  if (options.timeout !== undefined) payload.timeout = formatDuration(options.timeout);
  if (options.userId !== undefined) payload["user-id"] = options.userId;
  if (options.user) payload.user = options.user;
  if (options.groupId !== undefined) payload["group-id"] = options.groupId;
  if (options.group) payload.group = options.group;
  if (options.serviceContext) payload["service-context"] = options.serviceContext;
  return payload;
}

/**
 * Starts a command and connects its websockets. If `options.stdin` is given it is sent and
 * standard input closed; otherwise the caller writes to `process.stdin` and ends it.
 *
 * @example
 * ```ts
 * const proc = await spawnCommand(transport, (id) => client.waitChange(id), ["sleep", "60"], {});
 * await proc.sendSignal("SIGTERM");
 * ```
 */
export async function spawnCommand(
  transport: Transport,
  waitChange: ChangeWaiter,
  command: readonly string[],
  options: ExecOptions,
): Promise<ExecProcess> {
  const { change, result } = await transport.async<{ "task-id": string }>({
    method: "POST",
    path: "/v1/exec",
    json: execPayload(command, options),
  });
  const taskId = result["task-id"];
  const base = `/v1/tasks/${taskId}/websocket/`;
  const stdout = new PassThrough();
  const stderr = options.splitStderr ? new PassThrough() : null;
  let sockets: { ws: WebSocket | undefined; output: Promise<void> }[];
  try {
    sockets = await Promise.all([
      // A command that finishes before the control socket connects makes Pebble answer that
      // request with a plain response instead of an upgrade; the process is then already gone
      // and needs no control socket.
      openWebsocket(transport.websocketUrl(base + "control")).catch(() => ({
        ws: undefined,
        output: Promise.resolve(),
      })),
      openWebsocket(transport.websocketUrl(base + "stdio"), stdout),
      ...(stderr ? [openWebsocket(transport.websocketUrl(base + "stderr"), stderr)] : []),
    ]);
  } catch (error) {
    // The reason is usually in the change (for example the task already failed).
    const failed = await waitChange(change).catch(() => undefined);
    if (failed?.err) throw new ChangeError(failed);
    throw transport.mapError(error as Error);
  }
  const [control, stdio, stderrSocket] = sockets as [
    { ws: WebSocket | undefined; output: Promise<void> },
    { ws: WebSocket; output: Promise<void> },
    { ws: WebSocket; output: Promise<void> } | undefined,
  ];
  const outputDone = Promise.all([stdio.output, stderrSocket?.output]).then(() => undefined);
  const proc = new RemoteProcess(
    change,
    taskId,
    command,
    control.ws,
    stdio.ws,
    stderrSocket?.ws,
    { stdout, stderr, outputDone },
    waitChange,
  );
  if (options.stdin !== undefined) {
    proc.stdin.end(typeof options.stdin === "string" ? Buffer.from(options.stdin) : options.stdin);
  }
  return proc;
}

/**
 * Runs a command to completion and returns its output. Raises {@link ExecError} on a non-zero
 * exit, {@link TimeoutError} when `timeout` kills it, {@link ChangeError} when Pebble cannot run it.
 *
 * @example
 * ```ts
 * const { stdout } = await runCommand(transport, waiter, ["cat"], { stdin: "hello" });
 * ```
 */
export async function runCommand(
  transport: Transport,
  waitChange: ChangeWaiter,
  command: readonly string[],
  options: ExecOptions,
): Promise<ExecResult> {
  const proc = await spawnCommand(transport, waitChange, command, {
    ...options,
    stdin: options.stdin ?? "",
  });
  return proc.wait();
}

/**
 * Reads a whole stream (helper for callers that read `stdout` themselves).
 *
 * @example
 * ```ts
 * const proc = await pebble.spawn(["cat", "/etc/hostname"]);
 * const [out] = await Promise.all([readAll(proc.stdout), proc.wait()]);
 * ```
 */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
