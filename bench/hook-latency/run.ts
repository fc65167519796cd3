/**
 * The hook-latency benchmark: the same minimal charm (config-changed: read config, write one
 * relation key, set active status) written with this framework and with Python `ops`, each run
 * through its `dispatch` with the same fake hook tools, alternating, and Node's bare start-up
 * measured alongside.
 *
 * Run it with `npm run bench` (all benchmarks) or `node --import tsx bench/hook-latency/run.ts`.
 *
 * @example
 * ```ts
 * const result = await runHookLatency({ runs: 20 });
 * result.ratios.tsOverPython; // e.g. 0.2
 * ```
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  clearToolCalls,
  countToolCalls,
  writeFakeHookTools,
} from "../../lib/pack/fake-hook-tools.js";
import { hookEnv } from "../../lib/pack/hook-env.js";
import { REPO_ROOT } from "../../lib/pack/node-runtime.js";
import { ensureBenchVenv, type PreparedCharm, preparePyCharm, prepareTsCharm } from "./setup.js";
import { round6, type Summary, summarize, timeProcess } from "./stats.js";

/** Options of {@link runHookLatency}. */
export interface HookLatencyOptions {
  /** Measured runs of each charm and of bare Node (default 20). */
  runs?: number;
  /** Unmeasured runs of each first (default 3). */
  warmup?: number;
  /** Calls of one fake tool to measure its cost (default 200). */
  toolRuns?: number;
}

/** Targets the project set for the TypeScript runtime. */
export const TARGETS = { tsOverPythonMax: 0.33, tsOverBareNodeMax: 2.5 } as const;

/** The result, as written to `bench/results/hook-latency.json`. */
export interface HookLatencyResult {
  benchmark: "hook-latency";
  date: string;
  machine: {
    cpu: string;
    cores: number;
    memoryGiB: number;
    os: string;
    kernel: string;
    /** 1-minute load average before and after the measured runs (other work competes for the CPUs). */
    loadAverage: { before: number; after: number };
  };
  hook: string;
  runs: number;
  runtimes: { node: string; python: string; ops: string };
  seconds: { ts: Summary; python: Summary; bareNode: Summary };
  ratios: { tsOverPython: number; tsOverBareNode: number };
  /**
   * Mean CPU seconds (user + system, the process and everything it started, all threads) per
   * run: steadier than wall time when the machine is busy.
   */
  cpuSeconds: {
    ts: number;
    python: number;
    bareNode: number;
    tsOverPython: number;
    tsOverBareNode: number;
  };
  toolCalls: {
    ts: { total: number; perTool: Record<string, number> };
    python: { total: number; perTool: Record<string, number> };
  };
  fakeToolCost: {
    tool: string;
    calls: number;
    /** One call spawned from Node with spawnSync, as the TS runtime calls tools. */
    medianSeconds: number;
    meanSeconds: number;
    /** The same for `/bin/true`: the floor of starting any process that way. */
    binTrueMedianSeconds: number;
    /** Mean per call in a `sh` loop (no Node in the way), and `/bin/true` likewise. */
    shellLoopSeconds: number;
    binTrueShellLoopSeconds: number;
  };
  targets: {
    tsOverPythonMax: number;
    tsOverBareNodeMax: number;
    met: { tsOverPython: boolean; tsOverBareNode: boolean; toolCalls: boolean };
  };
  notes: string[];
}

const UNIT = "bench/0";
const HOOK = "config-changed";

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync("/etc/os-release", "utf8"));
    if (m?.[1]) return m[1];
  } catch {
    // fall through
  }
  return process.platform;
}

function versionOf(command: string, args: string[]): string {
  const r = spawnSync(command, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${r.stderr}`);
  return (r.stdout || r.stderr).trim();
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/**
 * Runs the benchmark and returns its result.
 *
 * @example
 * ```ts
 * const r = await runHookLatency({ runs: 5, warmup: 1 });
 * ```
 */
export async function runHookLatency(options: HookLatencyOptions = {}): Promise<HookLatencyResult> {
  const runs = options.runs ?? 20;
  const warmup = options.warmup ?? 3;
  const toolRuns = options.toolRuns ?? 200;
  const tmp = mkdtempSync(join(tmpdir(), "hook-latency-"));
  try {
    const python = ensureBenchVenv();
    const ts = await prepareTsCharm(join(tmp, "ts"));
    const py = preparePyCharm(join(tmp, "py"), python);
    const node = join(ts.dir, "bin", "node");
    const tools = writeFakeHookTools(join(tmp, "tools"), {
      unit: UNIT,
      config: { greeting: "hello" },
      relations: [{ endpoint: "website", id: 1, remoteApp: "client", remoteUnits: ["client/0"] }],
    });

    const cpu = { ts: 0, python: 0, bareNode: 0 };
    const run = (charm: PreparedCharm, side?: "ts" | "python") => {
      const env = hookEnv({ charmDir: charm.dir, unit: UNIT, hook: HOOK, toolsDir: tools.dir });
      const r = timeProcess(charm.dispatch, [], { env, cwd: charm.dir });
      if (r.status !== 0) throw new Error(`${charm.dispatch} exited ${r.status}:\n${r.stderr}`);
      if (side) cpu[side] += r.cpuSeconds;
      return r.seconds;
    };
    const bare = (measured = false) => {
      const r = timeProcess(node, ["-e", "0"]);
      if (measured) cpu.bareNode += r.cpuSeconds;
      return r.seconds;
    };

    // Tool calls of one hook, then warm-up (page cache, Python byte-code of the charm's imports).
    const calls = (charm: PreparedCharm) => {
      clearToolCalls(tools.log);
      run(charm);
      return countToolCalls(tools.log);
    };
    const tsCalls = calls(ts);
    const pyCalls = calls(py);
    for (let i = 0; i < warmup; i++) {
      run(ts);
      run(py);
      bare();
    }

    const loadBefore = loadavg()[0] ?? 0;
    const samples = { ts: [] as number[], python: [] as number[], bareNode: [] as number[] };
    for (let i = 0; i < runs; i++) {
      // Alternate the order each round so neither side always runs right after the other.
      if (i % 2 === 0) {
        samples.ts.push(run(ts, "ts"));
        samples.python.push(run(py, "python"));
      } else {
        samples.python.push(run(py, "python"));
        samples.ts.push(run(ts, "ts"));
      }
      samples.bareNode.push(bare(true));
    }
    const loadAfter = loadavg()[0] ?? 0;

    // Cost of one fake tool call, spawned as the TS runtime spawns tools (spawnSync, no shell).
    const toolPath = join(tools.dir, "is-leader");
    const toolTimes: number[] = [];
    const trueTimes: number[] = [];
    for (let i = 0; i < toolRuns; i++) {
      toolTimes.push(timeProcess(toolPath, ["--format=json"]).seconds);
      trueTimes.push(timeProcess("/bin/true", []).seconds);
    }

    const seconds = {
      ts: summarize(samples.ts),
      python: summarize(samples.python),
      bareNode: summarize(samples.bareNode),
    };
    const ratios = {
      tsOverPython: round6(seconds.ts.median / seconds.python.median),
      tsOverBareNode: round6(seconds.ts.median / seconds.bareNode.median),
    };
    // The same tool from a sh loop: its own cost, without Node's spawn overhead.
    const loop = (command: string) =>
      timeProcess("/bin/sh", [
        "-c",
        'i=0; while [ "$i" -lt "$1" ]; do "$0" --format=json >/dev/null; i=$((i + 1)); done',
        command,
        String(toolRuns),
      ]).seconds / toolRuns;
    const shellLoopSeconds = loop(toolPath);
    const binTrueShellLoopSeconds = loop("/bin/true");
    const cpuMean = { ts: cpu.ts / runs, python: cpu.python / runs, bareNode: cpu.bareNode / runs };
    const toolSummary = summarize(toolTimes);
    const cpuList = cpus();
    return {
      benchmark: "hook-latency",
      date: new Date().toISOString(),
      machine: {
        cpu: cpuList[0]?.model.trim() ?? "unknown",
        cores: cpuList.length,
        memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
        os: osName(),
        kernel: release(),
        loadAverage: {
          before: Math.round(loadBefore * 100) / 100,
          after: Math.round(loadAfter * 100) / 100,
        },
      },
      hook: HOOK,
      runs,
      runtimes: {
        node: versionOf(node, ["--version"]),
        python: versionOf(python, ["--version"]).replace(/^Python /, ""),
        ops: versionOf(python, ["-c", "import ops; print(ops.__version__)"]),
      },
      seconds,
      ratios,
      cpuSeconds: {
        ts: round6(cpuMean.ts),
        python: round6(cpuMean.python),
        bareNode: round6(cpuMean.bareNode),
        tsOverPython: round6(cpuMean.ts / cpuMean.python),
        tsOverBareNode: round6(cpuMean.ts / cpuMean.bareNode),
      },
      toolCalls: {
        ts: { total: total(tsCalls), perTool: tsCalls },
        python: { total: total(pyCalls), perTool: pyCalls },
      },
      fakeToolCost: {
        tool: "is-leader --format=json",
        calls: toolRuns,
        medianSeconds: toolSummary.median,
        meanSeconds: toolSummary.mean,
        binTrueMedianSeconds: summarize(trueTimes).median,
        shellLoopSeconds: round6(shellLoopSeconds),
        binTrueShellLoopSeconds: round6(binTrueShellLoopSeconds),
      },
      targets: {
        ...TARGETS,
        met: {
          tsOverPython: ratios.tsOverPython <= TARGETS.tsOverPythonMax,
          tsOverBareNode: ratios.tsOverBareNode <= TARGETS.tsOverBareNodeMax,
          toolCalls: total(tsCalls) <= total(pyCalls),
        },
      },
      notes: [
        "Wall time of one config-changed dispatch, spawn to exit, with a fresh Juju-like environment.",
        "TS: dispatch (sh) execs the charm's own Node binary on its esbuild bundle, as in the packed .charm.",
        "Python: dispatch (sh) execs the venv's python3 directly on src/charm.py with PYTHONPATH=lib:src; ops keeps its state in a local SQLite file.",
        "Fake hook tools are #!/bin/sh scripts; fakeToolCost times one call spawned with spawnSync from the harness and in a sh loop, each beside /bin/true.",
        "Warm-up runs come first: the TS charm's compile cache and Python's byte-code caches are written then, as after a unit's first hook.",
        "cpuSeconds come from the harness's child CPU times (10 ms ticks), averaged over the measured runs.",
      ],
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Where `npm run bench` records this benchmark. */
export const RESULT_PATH = join(REPO_ROOT, "bench", "results", "hook-latency.json");

/**
 * Runs the benchmark, writes {@link RESULT_PATH} and prints a summary.
 *
 * @example
 * ```ts
 * await main();
 * ```
 */
export async function main(): Promise<HookLatencyResult> {
  const result = await runHookLatency();
  writeFileSync(RESULT_PATH, `${JSON.stringify(result, null, 2)}\n`);
  const { ts, python, bareNode } = result.seconds;
  console.log(
    `hook-latency: TS median ${ts.median.toFixed(3)} s (p90 ${ts.p90.toFixed(3)}), Python ${python.median.toFixed(3)} s ` +
      `(p90 ${python.p90.toFixed(3)}), bare Node ${bareNode.median.toFixed(3)} s; TS/Python ${result.ratios.tsOverPython.toFixed(2)}, ` +
      `TS/bare ${result.ratios.tsOverBareNode.toFixed(2)}; tool calls TS ${result.toolCalls.ts.total}, Python ${result.toolCalls.python.total}`,
  );
  console.log(`targets met: ${JSON.stringify(result.targets.met)}`);
  return result;
}

if (
  process.argv[1] &&
  existsSync(process.argv[1]) &&
  import.meta.url === pathToFileURL(process.argv[1]).href
) {
  await main();
}
