/**
 * Typed errors raised by the Pebble client (and by the in-memory Pebble, which raises the same
 * classes so that charm code and tests can catch one set of errors).
 *
 * Pebble reports failures in three ways, and each has its own class here:
 * - the HTTP call itself fails (no socket, daemon not up): {@link ConnectionError};
 * - the daemon answers with an error envelope
 *   (`{"type":"error","status-code":…,"result":{"message","kind"}}`): {@link APIError};
 * - an asynchronous change ends in `Error`: {@link ChangeError} (and {@link ExecError} for a
 *   command that exited non-zero, {@link TimeoutError} when a wait runs out of time).
 *
 * File operations report errors per path inside a successful response; those become
 * {@link PathError}.
 *
 * @module
 */

import type { Change } from "./types.js";

/** The error kinds Pebble puts in `result.kind` (an unknown kind is kept as a plain string). */
export type PebbleErrorKind =
  | "daemon-restart"
  | "generic-file-error"
  | "login-required"
  | "no-default-services"
  | "not-found"
  | "permission-denied"
  | "system-restart"
  | (string & {});

/**
 * Base class of every error this package raises.
 *
 * @example
 * ```ts
 * try { await pebble.getSystemInfo(); } catch (e) { if (e instanceof PebbleError) log(e.message); }
 * ```
 */
export class PebbleError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The client could not talk to the daemon: the socket does not exist, nobody listens on it, or
 * the connection broke. `socketPath` says which socket was tried.
 *
 * @example
 * ```ts
 * try { await client.getSystemInfo(); } catch (e) {
 *   if (e instanceof ConnectionError) return false; // container not up yet
 * }
 * ```
 */
export class ConnectionError extends PebbleError {
  /** The Unix socket the client tried to reach. */
  readonly socketPath: string;
  /** The operating-system error code when there is one (`ENOENT`, `ECONNREFUSED`, ...). */
  readonly code: string | undefined;
  /** Set by the transport when the request failed on a reused keep-alive connection. */
  retryable = false;

  constructor(socketPath: string, message: string, options?: { cause?: unknown; code?: string }) {
    super(`cannot connect to Pebble at ${socketPath}: ${message}`, options);
    this.socketPath = socketPath;
    this.code = options?.code;
  }
}

/**
 * Pebble answered with an error envelope. `statusCode`, `status`, `kind` and `message` are copied
 * from `{"type":"error","status-code":…,"status":…,"result":{"message":…,"kind":…}}`.
 *
 * @example
 * ```ts
 * try { await client.startServices(["nope"]); } catch (e) {
 *   if (e instanceof APIError && e.statusCode === 400) console.log(e.message);
 * }
 * ```
 */
export class APIError extends PebbleError {
  /** HTTP status code from the envelope (`status-code`). */
  readonly statusCode: number;
  /** HTTP status text from the envelope (`status`), such as `Bad Request`. */
  readonly status: string;
  /** Error kind (`result.kind`), empty when Pebble gave none. */
  readonly kind: PebbleErrorKind;
  /** Extra `result.value` Pebble may attach. */
  readonly value: unknown;

  constructor(
    statusCode: number,
    status: string,
    message: string,
    kind: PebbleErrorKind = "",
    value?: unknown,
  ) {
    super(message);
    this.statusCode = statusCode;
    this.status = status;
    this.kind = kind;
    this.value = value;
  }
}

/**
 * A file operation failed for one path (pull, push, make-dirs, remove, list). `kind` is Pebble's:
 * `not-found`, `permission-denied` or `generic-file-error`.
 *
 * @example
 * ```ts
 * try { await client.pull("/etc/missing"); } catch (e) {
 *   if (e instanceof PathError && e.kind === "not-found") return undefined;
 * }
 * ```
 */
export class PathError extends PebbleError {
  /** The path the error is about. */
  readonly path: string;
  /** Pebble's error kind for the path. */
  readonly kind: PebbleErrorKind;

  constructor(path: string, kind: PebbleErrorKind, message: string) {
    super(message);
    this.path = path;
    this.kind = kind;
  }
}

/**
 * An asynchronous change (start, stop, replan, exec, ...) finished with an error. `err` is the
 * change's own `err` text; `change` is the whole change as Pebble reported it.
 *
 * @example
 * ```ts
 * try { await client.startServices(["web"]); } catch (e) {
 *   if (e instanceof ChangeError) console.log(e.changeId, e.err);
 * }
 * ```
 */
export class ChangeError extends PebbleError {
  /** The change's ID. */
  readonly changeId: string;
  /** The change's `err` field. */
  readonly err: string;
  /** The change as last read from Pebble. */
  readonly change: Change;

  constructor(change: Change) {
    super(change.err ?? `change ${change.id} failed`);
    this.changeId = change.id;
    this.err = change.err ?? "";
    this.change = change;
  }
}

/**
 * A command run with `exec` exited with a non-zero code. The output collected so far is attached.
 *
 * @example
 * ```ts
 * try { await client.exec(["false"]); } catch (e) {
 *   if (e instanceof ExecError) console.log(e.exitCode, e.stderr);
 * }
 * ```
 */
export class ExecError extends PebbleError {
  /** The command as it was sent. */
  readonly command: readonly string[];
  /** The exit code (`-1` when the process was killed or never started). */
  readonly exitCode: number;
  /** Standard output (or the combined output when stderr was not split), decoded as UTF-8. */
  readonly stdout: string;
  /** Standard error, decoded as UTF-8 (empty when stderr was not split). */
  readonly stderr: string;

  constructor(command: readonly string[], exitCode: number, stdout: string, stderr: string) {
    super(`command ${JSON.stringify(command)} exited with code ${exitCode}`);
    this.command = command;
    this.exitCode = exitCode;
    this.stdout = stdout;
    this.stderr = stderr;
  }
}

/**
 * Something did not finish in time: a change wait, an exec's `timeout`, an HTTP request.
 *
 * @example
 * ```ts
 * try { await client.waitChange(id, { timeout: 1000 }); } catch (e) {
 *   if (e instanceof TimeoutError) await client.abortChange(id);
 * }
 * ```
 */
export class TimeoutError extends PebbleError {
  /** The change concerned, when the timeout is about a change. */
  readonly change: Change | undefined;

  constructor(message: string, change?: Change) {
    super(message);
    this.change = change;
  }
}

/**
 * Whether an error says that something does not exist: an {@link APIError} with kind
 * `not-found` or status 404, or a {@link PathError} with kind `not-found`.
 *
 * @example
 * ```ts
 * const text = await client.pullText(path).catch((e) => (isNotFound(e) ? "" : Promise.reject(e)));
 * ```
 */
export function isNotFound(error: unknown): boolean {
  if (error instanceof PathError) return error.kind === "not-found";
  if (error instanceof APIError) return error.kind === "not-found" || error.statusCode === 404;
  return false;
}
