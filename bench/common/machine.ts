/**
 * What every benchmark result records about the machine it ran on.
 *
 * @example
 * ```ts
 * const before = loadavg()[0] ?? 0;
 * // ... measure ...
 * result.machine = machineInfo(before, loadavg()[0] ?? 0);
 * ```
 */
import { cpus, release, totalmem } from "node:os";

/** The machine of a benchmark run. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  /** One-minute load average before and after the measured runs. */
  loadAverage: { before: number; after: number };
}

/**
 * This machine, with the load averages the benchmark took.
 *
 * @example
 * ```ts
 * machineInfo(0.8, 0.7).cores; // 2
 * ```
 */
export function machineInfo(loadBefore: number, loadAfter: number): MachineInfo {
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    loadAverage: { before: loadBefore, after: loadAfter },
  };
}
