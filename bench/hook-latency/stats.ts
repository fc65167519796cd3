/**
 * Small statistics and timing helpers for the benchmarks.
 *
 * @example
 * ```ts
 * const s = summarize([0.12, 0.1, 0.11]); // { runs: 3, median: 0.11, p90: 0.12, ... }
 * const { seconds, cpuSeconds } = timeProcess("/bin/true", []);
 * ```
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Summary of a sample of wall times, in seconds. */
export interface Summary {
  runs: number;
  median: number;
  p90: number;
  min: number;
  max: number;
  mean: number;
}

/** Rounds to microseconds, enough for wall times in seconds. */
export const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/**
 * Median, 90th percentile (nearest rank), min, max and mean of `values`.
 *
 * @example
 * ```ts
 * summarize([3, 1, 2]).median; // 2
 * ```
 */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error("summarize: no values");
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  const p90 = s[Math.max(0, Math.ceil(0.9 * s.length) - 1)]!;
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return {
    runs: s.length,
    median: round6(median),
    p90: round6(p90),
    min: round6(s[0]!),
    max: round6(s[s.length - 1]!),
    mean: round6(mean),
  };
}

/** Clock ticks per second of `/proc` CPU times (`getconf CLK_TCK`, 100 on Linux). */
const CLK_TCK = 100;

/**
 * CPU time (user + system, seconds) of this process's reaped children and their descendants,
 * from `/proc/self/stat`. Counted in 10 ms ticks: meaningful as a mean over many runs. Unlike
 * wall time it hardly moves when other processes compete for the CPUs.
 *
 * @example
 * ```ts
 * const before = childCpuSeconds(); spawnSync("node", ["-e", "0"]); childCpuSeconds() - before; // ~0.03
 * ```
 */
export function childCpuSeconds(): number {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the command name: field 3 is state, so cutime (16) and cstime (17) are at 13 and 14.
    return (Number(fields[13]) + Number(fields[14])) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

/** How a timed process ran. */
export interface TimedRun {
  seconds: number;
  /** CPU seconds of the process and its descendants (tick-quantized, see {@link childCpuSeconds}). */
  cpuSeconds: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a process to completion and measures its wall time (spawn to exit) in seconds.
 *
 * @example
 * ```ts
 * timeProcess("node", ["-e", "0"]).seconds; // ~0.04
 * ```
 */
export function timeProcess(
  command: string,
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; input?: string } = {},
): TimedRun {
  const cpuBefore = childCpuSeconds();
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, {
    env: options.env ?? {},
    ...(options.cwd ? { cwd: options.cwd } : {}),
    input: options.input ?? "",
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpuSeconds = childCpuSeconds() - cpuBefore;
  if (r.error) throw r.error;
  return { seconds, cpuSeconds, status: r.status, stdout: r.stdout, stderr: r.stderr };
}
