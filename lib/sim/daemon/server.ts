/**
 * The daemon's socket server: reads one request per connection, runs its handler, and writes
 * the handler's progress lines and then its result or error (see `protocol.ts`). Requests run
 * concurrently; the controller serialises its own changes.
 *
 * @example
 * ```ts
 * const server = await serve("/tmp/j/jaas.sock", async (req, ctx) => {
 *   ctx.progress("working");
 *   return { method: req.method };
 * });
 * await server.close();
 * ```
 */
import { chmodSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import type { Server, Socket } from "node:net";
import type { Reply, Request } from "./protocol.js";
import { lineSplitter } from "./protocol.js";

/** What a handler gets besides the request. */
export interface RequestContext {
  /** Sends a progress line to the client. */
  progress(line: string): void;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

/** Runs a request; a thrown error with a string `code` keeps its code, others are `internal`. */
export type Handler = (request: Request, ctx: RequestContext) => Promise<unknown>;

/** A listening server. */
export interface DaemonServer {
  /** Stops listening, ends open connections, removes the socket file. */
  close(): Promise<void>;
}

function send(socket: Socket, reply: Reply): void {
  if (!socket.destroyed && socket.writable) socket.write(JSON.stringify(reply) + "\n");
}

function errorReply(e: unknown): Reply {
  const code =
    typeof e === "object" && e !== null && typeof (e as { code?: unknown }).code === "string"
      ? (e as { code: string }).code
      : "internal";
  const message = e instanceof Error ? e.message : String(e);
  return { error: { code, message } };
}

/**
 * Listens on `socketPath` (a stale socket file is replaced; the file is made private to its
 * owner).
 *
 * @example
 * ```ts
 * const server = await serve(paths.socket, (req, ctx) => api.handle(req, ctx));
 * ```
 */
export async function serve(socketPath: string, handler: Handler): Promise<DaemonServer> {
  rmSync(socketPath, { force: true });
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const abort = new AbortController();
    let started = false;
    socket.setEncoding("utf8");
    socket.on("close", () => {
      sockets.delete(socket);
      abort.abort(new Error("the client went away"));
    });
    socket.on("error", () => undefined);
    socket.on(
      "data",
      lineSplitter((line) => {
        if (started) return;
        started = true;
        let request: Request;
        try {
          const parsed = JSON.parse(line) as Partial<Request>;
          if (typeof parsed.method !== "string") throw new Error("no method");
          request = {
            method: parsed.method,
            params:
              typeof parsed.params === "object" && parsed.params !== null ? parsed.params : {},
          };
        } catch (e) {
          send(socket, {
            error: { code: "invalid", message: `bad request: ${(e as Error).message}` },
          });
          socket.end();
          return;
        }
        const ctx: RequestContext = {
          progress: (text) => send(socket, { progress: text }),
          signal: abort.signal,
        };
        handler(request, ctx)
          .then((result) => send(socket, { result: result ?? null }))
          .catch((e: unknown) => send(socket, errorReply(e)))
          .finally(() => socket.end());
      }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => {
      server.off("error", reject);
      resolve();
    });
  });
  chmodSync(socketPath, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.end();
        setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, 1000).unref();
        rmSync(socketPath, { force: true });
      }),
  };
}
