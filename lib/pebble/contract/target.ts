/**
 * What a contract test needs from the Pebble under test, and small helpers shared by the
 * contract files.
 *
 * The same test cases run against a real daemon and against the in-memory Pebble. Where the
 * in-memory Pebble has to be told what a command does (it runs none), a test calls
 * {@link ContractTarget.handleExec}; against the real daemon that call does nothing, because the
 * real command runs. The handlers given there describe exactly what the real command does.
 *
 * @module
 */

import type { ExecHandler } from "../../testing/pebble/exec-handlers.js";
import type { Pebble } from "../types.js";

/** The Pebble under test and its hooks. */
export interface ContractTarget {
  /** Which implementation this is (used in test names only). */
  readonly kind: "real" | "in-memory";
  /** The Pebble under test. */
  readonly pebble: Pebble;
  /** An existing, empty directory the tests may write into. */
  readonly scratch: string;
  /** Tells the in-memory Pebble what a command does; a no-op for the real daemon. */
  handleExec(prefix: readonly string[], handler: ExecHandler): void;
  /** Lets time pass: the real daemon sleeps a little, the in-memory one runs its checks once. */
  tick(): Promise<void>;
  /** A Pebble whose socket does not exist (or that is disconnected). */
  unreachable(): Pebble;
  /** Stops everything the target started and removes its folders. */
  cleanup(): Promise<void>;
}

/** Creates a target (called once per test file, in `beforeAll`). */
export type ContractFactory = () => Promise<ContractTarget>;

/** Gives access to the target created in `beforeAll`. */
export type TargetRef = () => ContractTarget;

let counter = 0;

/**
 * A name unique within the test run (services, checks, labels, files).
 *
 * @example
 * ```ts
 * const svc = unique("svc"); // "svc-1"
 * ```
 */
export function unique(prefix: string): string {
  counter++;
  return `${prefix}-${counter}`;
}

/**
 * Polls `probe` until it returns a value that is not `undefined`/`false`, letting time pass with
 * `tick` between tries; fails after `timeout` ms with `what` in the message.
 *
 * @example
 * ```ts
 * const down = await until(t, "check down", async () => (await t.pebble.getChecks({ names: [c] }))[0]?.status === "down");
 * ```
 */
export async function until<T>(
  target: ContractTarget,
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeout = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    last = value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what} (last: ${String(last)})`);
    await target.tick();
  }
}

/** Catches what a promise rejects with (fails if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/**
 * A handler standing in for `sleep N` (and any command that runs until a signal): it ends with
 * 128 + the signal number when signalled, as a real process killed by that signal does.
 */
export const untilSignalled: ExecHandler = (ctx) =>
  new Promise((resolve) => {
    const numbers: Record<string, number> = {
      SIGTERM: 15,
      SIGKILL: 9,
      SIGINT: 2,
      SIGHUP: 1,
      SIGUSR1: 10,
    };
    ctx.signal.addEventListener("abort", () =>
      resolve(128 + (numbers[String(ctx.signal.reason)] ?? 15)),
    );
  });
