/**
 * The daemon's protocol: JSON lines over a Unix socket, one request per connection.
 *
 * ```
 * client -> {"method":"deploy-bundle","params":{"model":"jaas","path":"/srv/bundle.yaml"}}
 * daemon <- {"progress":"Located charm \"demo\" in the local catalogue (examples/demo)"}
 * daemon <- {"progress":"- deploy application demo from local charm demo (catalogue) with 1 unit"}
 * daemon <- {"result":{"applications":["demo"]}}          (or {"error":{"code":…,"message":…}})
 * ```
 *
 * The daemon closes the connection after the final line; a client that closes it first cancels
 * what the request was waiting for (a `wait`, a `debug-log` poll), not a change already made.
 *
 * @example
 * ```ts
 * const result = await call("/root/.local/share/jaas/jaas.sock", "status", { model: "jaas" }, {
 *   onProgress: (line) => console.error(line),
 * });
 * ```
 */
import { connect } from "node:net";

/** A request. */
export interface Request {
  method: string;
  params?: Record<string, unknown>;
}

/** One line the daemon sends. */
export type Reply =
  { progress: string } | { result: unknown } | { error: { code: string; message: string } };

/**
 * An error the daemon answered with (its message is Juju's wording, its code a SimError's).
 *
 * @example
 * ```ts
 * if (e instanceof DaemonError && e.code === "not-found") console.error(`ERROR ${e.message}`);
 * ```
 */
export class DaemonError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "DaemonError";
  }
}

/**
 * The socket does not answer: no daemon is running there.
 *
 * @example
 * ```ts
 * if (e instanceof NotRunningError) await ensureRunning(paths);
 * ```
 */
export class NotRunningError extends Error {
  constructor(readonly socket: string) {
    super(`the controller is not running (no answer on ${socket})`);
    this.name = "NotRunningError";
  }
}

/**
 * Splits a stream of text into lines, keeping the unfinished tail.
 *
 * @example
 * ```ts
 * const split = lineSplitter((l) => console.log(l));
 * split('{"a":1}\n{"b"'); split(":2}\n"); // logs both lines
 * ```
 */
export function lineSplitter(onLine: (line: string) => void): (chunk: string) => void {
  let buffer = "";
  return (chunk) => {
    buffer += chunk;
    let i = buffer.indexOf("\n");
    while (i >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      if (line.trim() !== "") onLine(line);
      i = buffer.indexOf("\n");
    }
  };
}

/** Options of {@link call}. */
export interface CallOptions {
  onProgress?: (line: string) => void;
  /** Aborting closes the connection (the call rejects with the signal's reason). */
  signal?: AbortSignal;
}

/**
 * Sends one request and resolves with its result; progress lines go to `onProgress`. Rejects
 * with a {@link DaemonError} when the daemon refuses, a {@link NotRunningError} when nothing
 * listens on the socket.
 *
 * @example
 * ```ts
 * await call(paths.socket, "add-model", { name: "jaas" });
 * ```
 */
export function call(
  socketPath: string,
  method: string,
  params: Record<string, unknown> = {},
  options: CallOptions = {},
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener("abort", onAbort);
      socket.destroy();
      fn();
    };
    const onAbort = (): void =>
      finish(() => reject(options.signal?.reason ?? new Error("aborted")));
    if (options.signal?.aborted === true) {
      onAbort();
      return;
    }
    options.signal?.addEventListener("abort", onAbort);
    socket.setEncoding("utf8");
    socket.on("connect", () => {
      socket.write(JSON.stringify({ method, params } satisfies Request) + "\n");
    });
    socket.on(
      "data",
      lineSplitter((line) => {
        let reply: Reply;
        try {
          reply = JSON.parse(line) as Reply;
        } catch {
          finish(() => reject(new Error(`the controller sent a line that is not JSON: ${line}`)));
          return;
        }
        if ("progress" in reply) options.onProgress?.(reply.progress);
        else if ("error" in reply) {
          finish(() => reject(new DaemonError(reply.error.code, reply.error.message)));
        } else finish(() => resolve(reply.result));
      }),
    );
    socket.on("error", (e: NodeJS.ErrnoException) => {
      finish(() =>
        reject(
          e.code === "ENOENT" || e.code === "ECONNREFUSED" ? new NotRunningError(socketPath) : e,
        ),
      );
    });
    socket.on("close", () => {
      finish(() => reject(new Error("the controller closed the connection without an answer")));
    });
  });
}
