/**
 * HTTP over Pebble's Unix socket: requests, Pebble's response envelopes, and error mapping.
 *
 * Every call goes to `http://localhost/v1/...` through `socketPath`. Socket-level failures become
 * {@link ConnectionError}; Pebble's error envelopes become {@link APIError}.
 *
 * @module
 */

import { Agent, request as httpRequest } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, RequestOptions } from "node:http";
import { APIError, ConnectionError, PebbleError, TimeoutError } from "./errors.js";

/** Query parameters; arrays repeat the parameter, undefined values are left out. */
export type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

/** One HTTP request to Pebble. */
export interface RequestSpec {
  method: "GET" | "POST";
  /** Path under the API root, such as `/v1/services`. */
  path: string;
  query?: Query;
  /** A JSON body (sets `Content-Type: application/json`). */
  json?: unknown;
  /** A raw body with its own content type in `headers`. */
  body?: Buffer;
  headers?: Record<string, string>;
  /** Abort after this many milliseconds of waiting (raises {@link TimeoutError}). */
  timeout?: number;
}

/** A whole response. */
export interface RawResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Pebble's response envelope. */
export interface Envelope {
  type: "sync" | "async" | "error";
  "status-code": number;
  status?: string;
  change?: string;
  result?: unknown;
}

const OS_CONNECT_ERRORS = new Set([
  "ENOENT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EACCES",
  "EPIPE",
  "ENOTSOCK",
  "ENOTDIR",
  "EAGAIN",
]);

/**
 * Builds `/path?query`; arrays repeat the parameter, undefined values are left out.
 *
 * @example
 * ```ts
 * buildPath("/v1/files", { action: "read", path: ["/a", "/b"] }); // "/v1/files?action=read&path=%2Fa&path=%2Fb"
 * ```
 */
export function buildPath(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, String(item));
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * Decodes a Pebble JSON envelope, raising {@link APIError} for an error envelope (or for a body
 * that is not an envelope).
 *
 * @example
 * ```ts
 * const envelope = decodeEnvelope(response.statusCode, response.body);
 * ```
 */
export function decodeEnvelope(statusCode: number, body: Buffer | string): Envelope {
  let data: unknown;
  try {
    data = JSON.parse(body.toString());
  } catch {
    const text = body.toString().trim().slice(0, 500);
    throw new APIError(statusCode, "", `cannot decode Pebble response: ${text || "(empty body)"}`);
  }
  if (typeof data !== "object" || data === null || !("type" in data)) {
    throw new APIError(statusCode, "", "unexpected Pebble response: not an envelope");
  }
  const envelope = data as Envelope;
  if (envelope.type === "error") {
    const result = (envelope.result ?? {}) as { message?: string; kind?: string; value?: unknown };
    throw new APIError(
      envelope["status-code"] ?? statusCode,
      envelope.status ?? "",
      result.message ?? "",
      result.kind ?? "",
      result.value,
    );
  }
  return envelope;
}

/**
 * The low-level connection to one Pebble socket. Keeps connections alive between calls (the idle
 * sockets do not hold the process open); {@link Transport.close} drops them.
 *
 * @example
 * ```ts
 * const transport = new Transport("/charm/containers/web/pebble.socket");
 * const info = await transport.sync<{ version: string }>({ method: "GET", path: "/v1/system-info" });
 * ```
 */
export class Transport {
  readonly socketPath: string;
  private readonly agent: Agent;

  constructor(socketPath: string) {
    this.socketPath = socketPath;
    this.agent = new Agent({ keepAlive: true, maxSockets: 16 });
  }

  /**
   * Sends a request and returns the response as a stream, whatever its status. A request that
   * fails with ECONNRESET on a reused keep-alive connection (the daemon closed it while idle, so
   * it never read the request) is sent once more on a fresh connection.
   */
  async stream(spec: RequestSpec, signal?: AbortSignal): Promise<IncomingMessage> {
    try {
      return await this.send(spec, signal);
    } catch (error) {
      if (error instanceof ConnectionError && error.code === "ECONNRESET" && error.retryable) {
        return this.send(spec, signal);
      }
      throw error;
    }
  }

  private send(spec: RequestSpec, signal?: AbortSignal): Promise<IncomingMessage> {
    const headers: Record<string, string> = { ...(spec.headers ?? {}) };
    let body = spec.body;
    if (spec.json !== undefined) {
      body = Buffer.from(JSON.stringify(spec.json));
      headers["Content-Type"] = "application/json";
    }
    if (body) headers["Content-Length"] = String(body.length);
    return new Promise<IncomingMessage>((resolve, reject) => {
      const options: RequestOptions & { servername: string } = {
        socketPath: this.socketPath,
        agent: this.agent,
        host: "localhost",
        // The TLS server name means nothing over a Unix socket; given, it spares Node's agent
        // working one out, whose IP check compiles a large regular expression on first use
        // (about 10 ms of a hook's first Pebble call).
        servername: "",
        method: spec.method,
        path: buildPath(spec.path, spec.query),
        headers,
        signal,
      };
      const req = httpRequest(options);
      let timer: NodeJS.Timeout | undefined;
      if (spec.timeout !== undefined) {
        timer = setTimeout(() => {
          req.destroy(
            new TimeoutError(`${spec.method} ${spec.path} timed out after ${spec.timeout} ms`),
          );
        }, spec.timeout);
      }
      req.on("response", (res) => {
        if (timer) {
          const t = timer;
          res.on("end", () => clearTimeout(t));
          res.on("close", () => clearTimeout(t));
          res.on("error", () => clearTimeout(t));
        }
        resolve(res);
      });
      req.on("error", (error: Error & { code?: string }) => {
        if (timer) clearTimeout(timer);
        const mapped = this.mapError(error);
        if (mapped instanceof ConnectionError && req.reusedSocket) mapped.retryable = true;
        reject(mapped);
      });
      req.end(body);
    });
  }

  /**
   * Maps a socket-level error to the package's error classes.
   *
   * @example
   * ```ts
   * req.on("error", (e) => reject(transport.mapError(e)));
   * ```
   */
  mapError(error: Error & { code?: string }): Error {
    if (error instanceof PebbleError) return error;
    if (error.name === "AbortError") return error;
    if (error.code && OS_CONNECT_ERRORS.has(error.code)) {
      const what =
        error.code === "ENOENT"
          ? "socket not found (is the Pebble daemon running?)"
          : error.code === "ECONNREFUSED"
            ? "connection refused (is the Pebble daemon running?)"
            : error.message;
      return new ConnectionError(this.socketPath, what, { cause: error, code: error.code });
    }
    return new ConnectionError(this.socketPath, error.message, { cause: error, code: error.code });
  }

  /**
   * Sends a request and reads the whole response.
   *
   * @example
   * ```ts
   * const { statusCode, body } = await transport.request({ method: "GET", path: "/v1/health" });
   * ```
   */
  async request(spec: RequestSpec): Promise<RawResponse> {
    const res = await this.stream(spec);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of res) chunks.push(chunk as Buffer);
    } catch (error) {
      throw this.mapError(error as Error);
    }
    return { statusCode: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) };
  }

  /**
   * Sends a request and decodes the envelope, raising {@link APIError} for errors.
   *
   * @example
   * ```ts
   * const envelope = await transport.envelope({ method: "GET", path: "/v1/services" });
   * ```
   */
  async envelope(spec: RequestSpec): Promise<Envelope> {
    const res = await this.request(spec);
    return decodeEnvelope(res.statusCode, res.body);
  }

  /**
   * Sends a request and returns the `result` of a sync response.
   *
   * @example
   * ```ts
   * const services = await transport.sync<{ name: string }[]>({ method: "GET", path: "/v1/services" });
   * ```
   */
  async sync<T>(spec: RequestSpec): Promise<T> {
    return (await this.envelope(spec)).result as T;
  }

  /**
   * Sends a request that starts a change and returns the change ID (and the result).
   *
   * @example
   * ```ts
   * const { change } = await transport.async({ method: "POST", path: "/v1/services", json: { action: "replan", services: [] } });
   * ```
   */
  async async<T = unknown>(spec: RequestSpec): Promise<{ change: string; result: T }> {
    const envelope = await this.envelope(spec);
    if (envelope.type !== "async" || !envelope.change) {
      throw new APIError(
        envelope["status-code"],
        envelope.status ?? "",
        "expected an async response",
      );
    }
    return { change: envelope.change, result: envelope.result as T };
  }

  /**
   * The `ws+unix:` URL of a path on this socket, for the `ws` package.
   *
   * @example
   * ```ts
   * new WebSocket(transport.websocketUrl(`/v1/tasks/${taskId}/websocket/control`));
   * ```
   */
  websocketUrl(path: string): string {
    return `ws+unix://${this.socketPath}:${path}`;
  }

  /**
   * Closes idle keep-alive connections. The transport stays usable.
   *
   * @example
   * ```ts
   * transport.close();
   * ```
   */
  close(): void {
    this.agent.destroy();
  }
}
