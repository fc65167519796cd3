/**
 * What every `jaas` command works with: its output streams, the controller's home, the current
 * model, and requests to the daemon (which is restarted first if it was stopped). Tests give
 * their own streams and environment.
 *
 * @example
 * ```ts
 * const ctx = new CliContext({ out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
 * const status = await ctx.request("status", { model: ctx.model(undefined) });
 * ```
 */
import type { HomePaths } from "../sim/daemon/home.js";
import { homePaths, jaasHome, readClientRecord, writeClientRecord } from "../sim/daemon/home.js";
import { ensureRunning } from "../sim/daemon/lifecycle.js";
import { call } from "../sim/daemon/protocol.js";
import { CliError, UsageError } from "./errors.js";

/** Where a command writes and what it knows of its terminal. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether stdout is a terminal (redraws, prompts). */
  isTty?: boolean;
  /** Reads one line from stdin (prompts); undefined when there is no terminal. */
  readLine?: () => Promise<string | undefined>;
}

/** Options of {@link CliContext.request}. */
export interface RequestOptions {
  /** Print the daemon's progress lines on stderr (default true). */
  progress?: boolean;
  signal?: AbortSignal;
}

/**
 * The command's context (see the module documentation).
 *
 * @example
 * ```ts
 * const ctx = new CliContext({ out: console.log, err: console.error }, { JAAS_HOME: "/tmp/j" });
 * ```
 */
export class CliContext {
  readonly paths: HomePaths;

  constructor(
    readonly io: CliIo,
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.paths = homePaths(jaasHome(env));
  }

  /**
   * Writes a line to stdout.
   *
   * @example
   * ```ts
   * ctx.print("Added 'jaas' model");
   * ```
   */
  print(line: string): void {
    this.io.out(line.endsWith("\n") || line === "" ? line : `${line}\n`);
  }

  /**
   * Writes a line to stderr (progress, notes).
   *
   * @example
   * ```ts
   * ctx.note("Located charm \"demo\"");
   * ```
   */
  note(line: string): void {
    this.io.err(`${line}\n`);
  }

  /**
   * The model a command works on: `-m [controller:]model`, else the current model.
   *
   * @example
   * ```ts
   * ctx.model("local:jaas"); // "jaas"
   * ```
   */
  model(option: string | undefined): string {
    if (option !== undefined) {
      const name = option.includes(":") ? option.slice(option.indexOf(":") + 1) : option;
      const bare = name.includes("/") ? name.slice(name.indexOf("/") + 1) : name;
      if (bare === "") throw new UsageError(`invalid model name ${JSON.stringify(option)}`);
      return bare;
    }
    const current = readClientRecord(this.paths)["current-model"];
    if (current === undefined) {
      throw new CliError(
        'no current model, use "jaas switch" to select a model or "jaas add-model" to add one',
      );
    }
    return current;
  }

  /**
   * Remembers the current model (undefined forgets it).
   *
   * @example
   * ```ts
   * ctx.setCurrentModel("jaas");
   * ```
   */
  setCurrentModel(name: string | undefined): void {
    const record = readClientRecord(this.paths);
    if (name === undefined) delete record["current-model"];
    else record["current-model"] = name;
    writeClientRecord(this.paths, record);
  }

  /**
   * Sends a request to the daemon (restarting a stopped one first) and returns its result.
   *
   * @example
   * ```ts
   * await ctx.request("scale", { model: "jaas", application: "demo", scale: 3 });
   * ```
   */
  async request(
    method: string,
    params: Record<string, unknown> = {},
    options: RequestOptions = {},
  ): Promise<unknown> {
    await ensureRunning(this.paths, (line) => this.note(line));
    return call(this.paths.socket, method, params, {
      ...(options.progress === false ? {} : { onProgress: (line: string) => this.note(line) }),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    });
  }
}
