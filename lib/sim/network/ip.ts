/**
 * Runs iproute2's `ip` with an argument array (never through a shell), and turns failures into
 * {@link IpCommandError}s that carry the whole command line and what `ip` wrote on stderr.
 *
 * Every network change the local model makes goes through this one seam, so a failure always
 * says which command failed and why (for example `RTNETLINK answers: Operation not permitted`
 * when the process is not root).
 *
 * @module
 */

import { execFile } from "node:child_process";

/**
 * Options of {@link runIp}.
 *
 * @example
 * ```ts
 * await runIp(["route"], { namespace: "jsimk3x9-1-jaas-openfga-0", timeoutMs: 2000 });
 * ```
 */
export interface RunIpOptions {
  /** Run the command against this network namespace (`ip -n <ns> ...`). */
  namespace?: string;
  /** Kill `ip` after this many milliseconds; 10 s by default. */
  timeoutMs?: number;
}

/**
 * A command of the network layer failed: it exited non-zero, was killed, or could not start.
 *
 * @example
 * ```ts
 * try { await runIp(["link", "del", "nope"]); } catch (e) {
 *   if (e instanceof IpCommandError) console.log(e.argv.join(" "), e.stderr);
 *   // ip link del nope   Cannot find device "nope"
 * }
 * ```
 */
export class IpCommandError extends Error {
  /** The command and its arguments, as run. */
  readonly argv: readonly string[];
  /** The exit code, or `null` when the process was killed or did not start. */
  readonly exitCode: number | null;
  /** What the command wrote on stderr, trimmed. */
  readonly stderr: string;

  constructor(argv: readonly string[], exitCode: number | null, stderr: string, cause?: unknown) {
    const why = stderr !== "" ? stderr : exitCode === null ? "did not run" : `exit ${exitCode}`;
    super(`${argv.join(" ")}: ${why}`, { cause });
    this.name = "IpCommandError";
    this.argv = argv;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }

  /** True when the failure says the object does not exist (safe to ignore on removal). */
  get notFound(): boolean {
    return /Cannot find device|No such device|No such file or directory|does not exist|Cannot open network namespace/i.test(
      this.stderr,
    );
  }
}

/**
 * Runs a command with an argument array (and optional stdin text) and returns its stdout.
 *
 * @example
 * ```ts
 * const out = await run(["ip", "netns", "pids", "jsimab12-1-openfga-0"]);
 * ```
 */
export function run(argv: readonly string[], timeoutMs = 10_000, input?: string): Promise<string> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new IpCommandError(argv, null, "empty command"));
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { encoding: "utf8", timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve(stdout);
          return;
        }
        const code = typeof error.code === "number" ? error.code : null;
        const text = stderr.trim() !== "" ? stderr.trim() : error.message;
        reject(new IpCommandError(argv, code, text, error));
      },
    );
    if (input !== undefined && child.stdin !== null) {
      child.stdin.on("error", () => undefined); // ip exited early: its error says why
      child.stdin.end(input);
    }
  });
}

/**
 * Runs `ip <args>` (or `ip -n <ns> <args>`) and returns its stdout.
 *
 * @example
 * ```ts
 * await runIp(["link", "set", "lo", "up"], { namespace: "jsimab12-1-openfga-0" });
 * ```
 */
export function runIp(args: readonly string[], options: RunIpOptions = {}): Promise<string> {
  const ns = options.namespace !== undefined ? ["-n", options.namespace] : [];
  return run(["ip", ...ns, ...args], options.timeoutMs);
}

/**
 * Runs `ip -j <args>` and parses its JSON answer (an empty answer is an empty list).
 *
 * @example
 * ```ts
 * const links = await ipJson<{ ifname: string }[]>(["link", "show"]);
 * ```
 */
export async function ipJson<T>(args: readonly string[], options: RunIpOptions = {}): Promise<T> {
  const out = await runIp(["-j", ...args], options);
  return JSON.parse(out.trim() === "" ? "[]" : out) as T;
}

/**
 * Runs `ip <args>` and ignores a "does not exist" failure: removal is idempotent.
 *
 * @example
 * ```ts
 * await runIpIgnoringMissing(["link", "del", "jsimab12-v1"]); // fine if already gone
 * ```
 */
export async function runIpIgnoringMissing(
  args: readonly string[],
  options: RunIpOptions = {},
): Promise<void> {
  try {
    await runIp(args, options);
  } catch (e) {
    if (e instanceof IpCommandError && e.notFound) return;
    throw e;
  }
}

/**
 * Options of {@link runIpBatch}.
 *
 * @example
 * ```ts
 * await runIpBatch([["netns", "del", ns], ["link", "del", veth]], { ignoreMissing: true });
 * ```
 */
export interface RunIpBatchOptions extends RunIpOptions {
  /**
   * Run every command even after a failure (`ip -force`), and ignore failures that only say the
   * object does not exist: for idempotent removal.
   */
  ignoreMissing?: boolean;
}

const UNSAFE_BATCH_ARG = /[\s"'\\#]|^$/;

/**
 * Runs several `ip` commands in one process (`ip -batch -`): one process start instead of one
 * per command, which is most of the cost of a network change. Without `ignoreMissing` the batch
 * stops at the first failure, and the error names that command alone.
 *
 * @example
 * ```ts
 * await runIpBatch([["link", "set", "lo", "up"], ["addr", "add", "10.250.7.2/24", "dev", "eth0"]], {
 *   namespace: "jsimk3x9-1-jaas-openfga-0",
 * });
 * ```
 */
export async function runIpBatch(
  commands: readonly (readonly string[])[],
  options: RunIpBatchOptions = {},
): Promise<void> {
  // Batch lines are split on blanks and may quote: allow only arguments that need neither.
  for (const arg of commands.flat()) {
    if (UNSAFE_BATCH_ARG.test(arg))
      throw new Error(`ip batch: unsafe argument ${JSON.stringify(arg)}`);
  }
  const ns = options.namespace !== undefined ? ["-n", options.namespace] : [];
  const argv = ["ip", ...ns, ...(options.ignoreMissing === true ? ["-force"] : []), "-batch", "-"];
  try {
    await run(argv, options.timeoutMs, `${commands.map((c) => c.join(" ")).join("\n")}\n`);
  } catch (e) {
    if (!(e instanceof IpCommandError)) throw e;
    const lines = e.stderr.split("\n").filter((l) => l.trim() !== "");
    const failed = lines.filter((l) => /^Command failed -:\d+$/.test(l));
    const reasons = lines.filter((l) => !/^Command failed -:\d+$/.test(l));
    if (options.ignoreMissing === true && failed.length > 0) {
      const missing = reasons.every((r) => new IpCommandError([], 1, r).notFound);
      if (missing) return;
    }
    // Name the command that failed, as if it had been run alone.
    const index = Number(/-:(\d+)/.exec(failed[0] ?? "")?.[1] ?? "0") - 1;
    const command = commands[index];
    if (command === undefined) throw e;
    throw new IpCommandError(["ip", ...ns, ...command], e.exitCode, reasons.join("\n"), e);
  }
}

/**
 * One link as `ip -j link show` describes it (only the fields used here).
 *
 * @example
 * ```ts
 * const bridges = (await listLinks()).filter((l: LinkInfo) => l.linkinfo?.info_kind === "bridge");
 * ```
 */
export interface LinkInfo {
  ifname: string;
  ifalias?: string;
  address?: string;
  operstate?: string;
  master?: string;
  linkinfo?: { info_kind?: string };
}

/**
 * Lists the links of the root namespace (or of `namespace`).
 *
 * @example
 * ```ts
 * const names = (await listLinks()).map((l) => l.ifname);
 * ```
 */
export function listLinks(namespace?: string): Promise<LinkInfo[]> {
  return ipJson<LinkInfo[]>(
    ["-details", "link", "show"],
    namespace !== undefined ? { namespace } : {},
  );
}

/**
 * Lists the named network namespaces (`ip netns list`).
 *
 * @example
 * ```ts
 * const mine = (await listNamespaces()).filter((n) => n.startsWith("jsimab12-"));
 * ```
 */
export async function listNamespaces(): Promise<string[]> {
  // `ip -j netns list` prints nothing at all (not `[]`) when there is none.
  const list = await ipJson<{ name: string }[]>(["netns", "list"]);
  return list.map((n) => n.name);
}

/**
 * The process ids that run inside a named namespace (`ip netns pids`).
 *
 * @example
 * ```ts
 * for (const pid of await namespacePids("jsimab12-1-openfga-0")) process.kill(pid, "SIGKILL");
 * ```
 */
export async function namespacePids(namespace: string): Promise<number[]> {
  try {
    const out = await runIp(["netns", "pids", namespace]);
    return out
      .split(/\s+/)
      .filter((s) => s !== "")
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0);
  } catch (e) {
    if (e instanceof IpCommandError && e.notFound) return [];
    throw e;
  }
}
