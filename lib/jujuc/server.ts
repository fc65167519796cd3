/**
 * A hook-tool server on a Unix socket, the local model's counterpart of Juju's jujuc server:
 * the hook tools (symlinks to the Go shim, see `tools-dir.ts`) connect with
 * `JUJU_AGENT_SOCKET_ADDRESS` and `JUJU_CONTEXT_ID` from their environment, and the server runs
 * the tool against the hook context registered under that id with {@link runTool}.
 *
 * Protocol: one connection per call; the client sends one JSON line
 * `{"contextId","tool","args","cwd","stdin"?}` and the server answers one JSON line
 * `{"stdout","stderr","exitCode"}`, or `{"error":"bad request: ..."}` when the request cannot be
 * served (unknown context id, unknown tool, relative cwd), which the shim prints as
 * `error: <message>` with exit code 1, as Juju's client does.
 *
 * @example
 * ```ts
 * const server = await startHookToolServer("/tmp/model/jujuc.sock");
 * server.register("jimm/0-install-1", ctx);
 * // ... run the hook with buildHookEnv({ contextId: "jimm/0-install-1", socketPath: server.socketPath, ... })
 * server.unregister("jimm/0-install-1");
 * await server.close();
 * ```
 */

import { rmSync } from "node:fs";
import { createServer } from "node:net";
import type { Server, Socket } from "node:net";
import { isAbsolute } from "node:path";
import type { ToolResult } from "../ops/backend/runner.js";
import type { HookContextData } from "./context.js";
import { goQuote } from "./internal/go-format.js";
import { runTool } from "./run-tool.js";
import { HOOK_TOOLS } from "./tools/index.js";

/**
 * One hook-tool call as the shim sends it.
 *
 * @example
 * ```ts
 * server.handle({ contextId: "a/0-install-1", tool: "is-leader", args: ["--format=json"], cwd: "/" });
 * ```
 */
export interface HookToolRequest {
  contextId: string;
  tool: string;
  args: string[];
  /** The tool's working directory (absolute). */
  cwd: string;
  /** Standard input, sent only for `--file -`. */
  stdin?: string;
}

/**
 * The server's answer: the tool's result, or a refusal of the request.
 *
 * @example
 * ```ts
 * const response = server.handle(request);
 * if ("error" in response) console.error(response.error);
 * ```
 */
export type HookToolResponse = ToolResult | { error: string };

/**
 * Options of a registered context.
 *
 * @example
 * ```ts
 * server.register(contextId, ctx, { newSecretId: () => "cs1ir5ipgbgs73c6bng0" });
 * ```
 */
export interface RegisterOptions {
  /** Makes new secret ids for this context (default: xids). */
  newSecretId?: () => string;
  /**
   * Called after each tool call with its result, once the tool has updated the context: lets
   * the caller apply Juju's immediate effects (status, logs, leader settings) while the hook runs.
   */
  onCall?: (tool: string, args: readonly string[], result: ToolResult) => void;
}

interface Registration {
  ctx: HookContextData;
  options: RegisterOptions;
}

/** Largest request accepted (stdin included). */
const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

function isRequest(value: unknown): value is HookToolRequest {
  if (typeof value !== "object" || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r["contextId"] === "string" &&
    typeof r["tool"] === "string" &&
    Array.isArray(r["args"]) &&
    r["args"].every((a) => typeof a === "string") &&
    typeof r["cwd"] === "string" &&
    (r["stdin"] === undefined || typeof r["stdin"] === "string")
  );
}

/**
 * Serves hook-tool calls for the hook contexts registered with it.
 *
 * @example
 * ```ts
 * const server = new HookToolServer("/tmp/jujuc.sock");
 * await server.listen();
 * server.register("a/0-install-1", ctx);
 * ```
 */
export class HookToolServer {
  private readonly contexts = new Map<string, Registration>();
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  constructor(
    /** The Unix socket path the server listens on. */
    readonly socketPath: string,
  ) {
    this.server = createServer((socket) => this.serve(socket));
  }

  /** Starts listening (removing a stale socket file first). */
  async listen(): Promise<void> {
    rmSync(this.socketPath, { force: true });
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.socketPath, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
  }

  /** Makes `ctx` answer calls carrying `contextId` (the hook's `JUJU_CONTEXT_ID`). */
  register(contextId: string, ctx: HookContextData, options: RegisterOptions = {}): void {
    this.contexts.set(contextId, { ctx, options });
  }

  /** Stops answering calls for `contextId` (when its hook has finished). */
  unregister(contextId: string): void {
    this.contexts.delete(contextId);
  }

  /** Answers one request; also usable without a socket. */
  handle(request: HookToolRequest): HookToolResponse {
    if (request.tool === "") return { error: "bad request: command not specified" };
    if (!isAbsolute(request.cwd)) return { error: "bad request: Dir is not absolute" };
    const registration = this.contexts.get(request.contextId);
    if (registration === undefined) {
      const only = this.contexts.size === 1 ? [...this.contexts.keys()][0] : undefined;
      // Juju's runner serves one context and names it; with several, there is none to name.
      const expected = only !== undefined ? goQuote(only) : "of a running hook";
      return {
        error: `bad request: expected context id ${expected}, got ${goQuote(request.contextId)}`,
      };
    }
    if (!HOOK_TOOLS.has(request.tool))
      return { error: `bad request: unknown command: ${request.tool}` };
    const result = runTool(registration.ctx, request.tool, request.args, {
      cwd: request.cwd,
      ...(request.stdin !== undefined ? { stdin: request.stdin } : {}),
      ...(registration.options.newSecretId !== undefined
        ? { newSecretId: registration.options.newSecretId }
        : {}),
    });
    registration.options.onCall?.(request.tool, request.args, result);
    return result;
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    const chunks: Buffer[] = [];
    let size = 0;
    let answered = false;
    const finish = (line: string | undefined): void => {
      if (answered) return;
      answered = true;
      socket.off("data", onData);
      this.answer(socket, line);
    };
    const onData = (chunk: Buffer): void => {
      const newline = chunk.indexOf(0x0a);
      chunks.push(newline < 0 ? chunk : chunk.subarray(0, newline));
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) finish(undefined);
      else if (newline >= 0) finish(Buffer.concat(chunks).toString("utf8"));
    };
    socket.on("data", onData);
    // A client that closes its side without a newline still gets an answer.
    socket.on("end", () => finish(Buffer.concat(chunks).toString("utf8")));
  }

  private answer(socket: Socket, line: string | undefined): void {
    let response: HookToolResponse;
    try {
      const parsed: unknown = line === undefined ? undefined : JSON.parse(line);
      response = isRequest(parsed)
        ? this.handle(parsed)
        : { error: "bad request: malformed request" };
    } catch (err) {
      response = { error: `bad request: ${err instanceof Error ? err.message : String(err)}` };
    }
    socket.end(JSON.stringify(response) + "\n");
  }

  /** Stops listening, drops open connections and removes the socket file. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.socketPath, { force: true });
  }
}

/**
 * Creates a {@link HookToolServer} listening on `socketPath`.
 *
 * @example
 * ```ts
 * const server = await startHookToolServer(join(tmpdir, "jujuc.sock"));
 * ```
 */
export async function startHookToolServer(socketPath: string): Promise<HookToolServer> {
  const server = new HookToolServer(socketPath);
  await server.listen();
  return server;
}
