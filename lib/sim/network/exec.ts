/**
 * Runs commands inside a unit's network namespace with `ip netns exec`, which also bind-mounts
 * the namespace's `/etc/netns/<ns>/` files (hosts, resolv.conf, ...) over `/etc` for the
 * command. Argument arrays only, never a shell.
 *
 * @module
 */

import { spawn } from "node:child_process";
import type { ChildProcess, SpawnOptions } from "node:child_process";

import { IpCommandError } from "./ip.js";

/**
 * The argv that runs `command` inside namespace `namespace`.
 *
 * @example
 * ```ts
 * namespaceArgv("jsimk3x9-1-jaas-openfga-0", ["pebble", "run"]);
 * // ["ip", "netns", "exec", "jsimk3x9-1-jaas-openfga-0", "pebble", "run"]
 * ```
 */
export function namespaceArgv(namespace: string, command: readonly string[]): string[] {
  if (command.length === 0) throw new Error("namespaceArgv: empty command");
  return ["ip", "netns", "exec", namespace, ...command];
}

/**
 * Spawns `command` inside the namespace (`ip netns exec` then execs it, so the child's pid is
 * the command's own pid and signals reach it directly).
 *
 * @example
 * ```ts
 * const pebble = spawnInNamespace(unit.namespace, ["pebble", "run"], {
 *   env: { ...process.env, PEBBLE: dir },
 *   stdio: "inherit",
 * });
 * ```
 */
export function spawnInNamespace(
  namespace: string,
  command: readonly string[],
  options: SpawnOptions = {},
): ChildProcess {
  const [file, ...args] = namespaceArgv(namespace, command);
  return spawn(file as string, args, options);
}

/**
 * What {@link execInNamespace} returns.
 *
 * @example
 * ```ts
 * const { stdout }: ExecResult = await execInNamespace(ns, ["ip", "addr"]);
 * ```
 */
export interface ExecResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs `command` inside the namespace to completion; rejects with an {@link IpCommandError}
 * (argv, exit code, stderr) when it exits non-zero or runs out of time.
 *
 * @example
 * ```ts
 * const { stdout } = await execInNamespace(ns, ["getent", "hosts", "openfga.jaas.svc.cluster.local"]);
 * ```
 */
export function execInNamespace(
  namespace: string,
  command: readonly string[],
  options: { timeoutMs?: number; input?: string } = {},
): Promise<ExecResult> {
  const argv = namespaceArgv(namespace, command);
  return new Promise((resolve, reject) => {
    const input = options.input;
    const child = spawnInNamespace(namespace, command, {
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 10_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new IpCommandError(argv, null, e.message, e));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else
        reject(
          new IpCommandError(
            argv,
            code,
            stderr.trim() || (signal !== null ? `killed by ${signal}` : ""),
          ),
        );
    });
    if (child.stdin !== null) {
      // A command may exit without reading its input; that is its business, not an error.
      child.stdin.on("error", () => undefined);
      child.stdin.end(input);
    }
  });
}
