/**
 * What commands do in the in-memory Pebble. Nothing is run: tests register handlers by command
 * prefix, and the in-memory Pebble calls them for `exec`, for exec checks and for services.
 *
 * A handler is a static result (`{ exitCode, stdout, stderr }` or just an exit code) or a function
 * that receives the command's context (arguments, environment, standard input, output writers,
 * signals) and returns a result, possibly after a while (a long-running service waits on
 * `ctx.signal`).
 *
 * @example
 * ```ts
 * pebble.handleExec(["psql"], { stdout: "1\n" });
 * pebble.handleExec(["cat"], async (ctx) => ({ stdout: await ctx.readStdin() }));
 * pebble.handleExec(["/bin/server"], (ctx) => new Promise((done) => ctx.signal.addEventListener("abort", () => done(0))));
 * ```
 *
 * @module
 */

/** What a command produced. Output written through the context comes first. */
export interface ExecHandlerResult {
  /** Default 0. */
  exitCode?: number;
  stdout?: string | Buffer;
  stderr?: string | Buffer;
}

/** What a handler gets to see about the command it stands in for. */
export interface ExecContext {
  /** The whole command, including the matched prefix. */
  command: readonly string[];
  /** The command's environment (Pebble's base environment plus the request's). */
  environment: Readonly<Record<string, string>>;
  workingDir: string;
  userId?: number;
  groupId?: number;
  /** The service this command runs as, for service commands. */
  service?: string;
  /** Reads standard input to its end. */
  readStdin(): Promise<Buffer>;
  /** Writes to standard output (for services: to the service log). */
  stdout(data: string | Buffer): void;
  /** Writes to standard error (mixed into stdout unless split). */
  stderr(data: string | Buffer): void;
  /** Aborted when a signal arrives or the service is stopped; `reason` is the signal name. */
  signal: AbortSignal;
  /** Signals received so far, by name. */
  signals: readonly string[];
  /**
   * Traps signals: once a listener is registered, signals go to it instead of ending the command
   * (the default for every signal but SIGCHLD, SIGCONT, SIGURG, SIGWINCH and the stop signals).
   */
  onSignal(listener: (signal: string) => void): void;
}

/** A handler: a static result, an exit code, or a function computing one. */
export type ExecHandler =
  | ExecHandlerResult
  | number
  | ((
      ctx: ExecContext,
    ) => ExecHandlerResult | number | void | Promise<ExecHandlerResult | number | void>);

/** Handlers registered by command prefix; the longest matching prefix wins. */
export class ExecHandlers {
  private readonly handlers: { prefix: readonly string[]; handler: ExecHandler }[] = [];

  /** Registers (or replaces) the handler for a command prefix. */
  register(prefix: readonly string[], handler: ExecHandler): void {
    const existing = this.handlers.findIndex((h) => sameWords(h.prefix, prefix));
    if (existing >= 0) this.handlers.splice(existing, 1);
    this.handlers.push({ prefix: [...prefix], handler });
  }

  /** The handler for a command, if any. */
  find(command: readonly string[]): ExecHandler | undefined {
    let best: { prefix: readonly string[]; handler: ExecHandler } | undefined;
    for (const entry of this.handlers) {
      if (entry.prefix.length > command.length) continue;
      if (!entry.prefix.every((word, i) => command[i] === word)) continue;
      if (!best || entry.prefix.length > best.prefix.length) best = entry;
    }
    return best?.handler;
  }
}

function sameWords(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((w, i) => b[i] === w);
}

/** Normalises what a handler returned. */
export function normaliseResult(
  value: ExecHandlerResult | number | void,
): Required<ExecHandlerResult> {
  if (typeof value === "number") return { exitCode: value, stdout: "", stderr: "" };
  return {
    exitCode: value?.exitCode ?? 0,
    stdout: value?.stdout ?? "",
    stderr: value?.stderr ?? "",
  };
}

/** Runs a handler (static or function) with a context. */
export async function runHandler(
  handler: ExecHandler,
  ctx: ExecContext,
): Promise<Required<ExecHandlerResult>> {
  if (typeof handler === "function") return normaliseResult(await handler(ctx));
  return normaliseResult(handler);
}

/** Linux signal names Pebble accepts, with their numbers. */
export const SIGNALS: Readonly<Record<string, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPWR: 30,
  SIGSYS: 31,
};
