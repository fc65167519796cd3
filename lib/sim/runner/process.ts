/**
 * Runs a charm's hook process as Juju's runner does: `dispatch` if the charm has an executable
 * one, otherwise `hooks/<hook>` (`actions/<action>`); started directly with no arguments and no
 * shell, the charm directory as working directory, and only the environment it is given. The
 * caller may wrap the command (`ip netns exec <ns>`, or the workload manager's helper that gives
 * the process the unit's `/charm/containers`); wrappers exec, so the pid is the hook's own.
 * stdout and stderr are captured.
 *
 * @example
 * ```ts
 * const proc = startHookProcess({ charmDir, dispatchPath: "hooks/install", env, timeoutMs: 600_000 });
 * const outcome = await proc.done; // { exitCode: 0, stdout: "", stderr: "", ... }
 * ```
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

/** Options of {@link startHookProcess}. */
export interface HookProcessOptions {
  charmDir: string;
  /** `hooks/<name>` or `actions/<name>` (Juju's `JUJU_DISPATCH_PATH`). */
  dispatchPath: string;
  env: Record<string, string>;
  /**
   * Wraps the handler's argv (to run it inside the unit's network namespace, or the workload
   * manager's mount namespace); the wrapper must exec the handler so its pid is the hook's.
   */
  wrap?: (argv: readonly string[]) => string[];
  /** Kill the hook after this long (it then counts as failed). */
  timeoutMs: number;
  /** Called with each chunk of output, as it arrives. */
  onOutput?: (stream: "stdout" | "stderr", text: string) => void;
}

/** How a hook process ended. */
export interface HookProcessOutcome {
  exitCode: number;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** True when the charm has nothing to run for this hook (Juju skips it without error). */
  missing: boolean;
}

/** A running hook process. */
export interface HookProcess {
  readonly pid: number | undefined;
  readonly done: Promise<HookProcessOutcome>;
  /** Ends the process (SIGTERM, then SIGKILL after a grace period). */
  kill(): void;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The executable Juju would run for a dispatch path in a charm directory, or undefined.
 *
 * @example
 * ```ts
 * handlerFor("/charm", "hooks/install"); // "/charm/dispatch"
 * ```
 */
export function handlerFor(charmDir: string, dispatchPath: string): string | undefined {
  const dispatch = join(charmDir, "dispatch");
  if (existsSync(dispatch) && isExecutable(dispatch)) return dispatch;
  const explicit = join(charmDir, dispatchPath);
  if (existsSync(explicit) && isExecutable(explicit)) return explicit;
  return undefined;
}

/**
 * Starts the hook process (see the module documentation).
 *
 * @example
 * ```ts
 * const { exitCode } = await startHookProcess({ charmDir, dispatchPath: "hooks/start", env, timeoutMs: 60_000 }).done;
 * ```
 */
export function startHookProcess(options: HookProcessOptions): HookProcess {
  const started = performance.now();
  const handler = handlerFor(options.charmDir, options.dispatchPath);
  if (handler === undefined) {
    const outcome: HookProcessOutcome = {
      exitCode: 0,
      signal: null,
      stdout: "",
      stderr: "",
      durationMs: 0,
      timedOut: false,
      missing: true,
    };
    return { pid: undefined, done: Promise.resolve(outcome), kill: () => undefined };
  }
  const argv = options.wrap !== undefined ? options.wrap([handler]) : [handler];
  const [file, ...args] = argv as [string, ...string[]];
  let child: ChildProcess;
  let stdout = "";
  let stderr = "";
  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const kill = (): void => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    killTimer ??= setTimeout(() => child.kill("SIGKILL"), 2000);
    killTimer.unref();
  };
  const done = new Promise<HookProcessOutcome>((resolve) => {
    child = spawn(file, args, {
      cwd: options.charmDir,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs);
    timer.unref();
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      options.onOutput?.("stdout", d);
    });
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      options.onOutput?.("stderr", d);
    });
    const finish = (exitCode: number, signal: string | null, extra = ""): void => {
      clearTimeout(timer);
      if (killTimer !== undefined) clearTimeout(killTimer);
      resolve({
        exitCode,
        signal,
        stdout,
        stderr: stderr + extra,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        timedOut,
        missing: false,
      });
    };
    child.on("error", (e) => finish(1, null, `cannot run ${handler}: ${e.message}\n`));
    child.on("close", (code, signal) => finish(code ?? 1, signal));
  });
  return {
    get pid() {
      return child.pid;
    },
    done,
    kill: () => kill(),
  };
}
