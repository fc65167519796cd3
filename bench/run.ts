/**
 * Runs every benchmark under `bench/`, one after the other (never two at once: they would
 * slow each other down), each in its own Node process with `tsx`. A benchmark is either a
 * top-level `bench/<name>.ts` or a `bench/<name>/run.ts`; each writes its own result file under
 * `bench/results/`. Names given on the command line select benchmarks.
 *
 * Run: `npm run bench` (all) or `npm run bench -- hook-latency pebble`; `npm run bench -- sim` runs
 * the local-model benchmark (`bench/sim.ts`) alone.
 *
 * @example
 * ```ts
 * discoverBenchmarks().map((b) => b.name); // ["hook-latency", "hook-tools", "openfga", "openfga-deploy", "pebble", "sim"]
 * ```
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** One benchmark script. */
export interface Benchmark {
  name: string;
  script: string;
}

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

/** Benchmarks in other files than `bench/<name>.ts` or `bench/<name>/run.ts` (paths under `bench/`). */
const REGISTERED: readonly Benchmark[] = [{ name: "openfga-deploy", script: "openfga/deploy.ts" }];

/**
 * The benchmarks present, sorted by name.
 *
 * @example
 * ```ts
 * discoverBenchmarks()[0]; // { name: "hook-latency", script: "/work/main/bench/hook-latency/run.ts" }
 * ```
 */
export function discoverBenchmarks(dir: string = BENCH_DIR): Benchmark[] {
  const found: Benchmark[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      if (entry !== "results" && existsSync(join(path, "run.ts")))
        found.push({ name: entry, script: join(path, "run.ts") });
    } else if (
      entry.endsWith(".ts") &&
      entry !== "run.ts" &&
      !entry.endsWith(".test.ts") &&
      !entry.endsWith(".d.ts")
    ) {
      found.push({ name: entry.slice(0, -3), script: path });
    }
  }
  for (const b of REGISTERED) {
    if (existsSync(join(dir, b.script))) found.push({ name: b.name, script: join(dir, b.script) });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Runs the selected benchmarks (all when `names` is empty); returns the names that failed.
 *
 * @example
 * ```ts
 * const failed = runBenchmarks(["hook-latency"]);
 * ```
 */
export function runBenchmarks(names: readonly string[] = []): string[] {
  const all = discoverBenchmarks();
  const unknown = names.filter((n) => !all.some((b) => b.name === n));
  if (unknown.length > 0) {
    throw new Error(
      `unknown benchmark(s) ${unknown.join(", ")}; present: ${all.map((b) => b.name).join(", ")}`,
    );
  }
  const selected = names.length > 0 ? all.filter((b) => names.includes(b.name)) : all;
  const failed: string[] = [];
  for (const bench of selected) {
    console.log(`\n== ${bench.name} (${bench.script})`);
    const started = Date.now();
    const r = spawnSync(process.execPath, ["--import", "tsx", bench.script], { stdio: "inherit" });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (r.status === 0) {
      console.log(`== ${bench.name}: done in ${seconds} s`);
    } else {
      console.log(`== ${bench.name}: FAILED (exit ${r.status ?? r.signal}) after ${seconds} s`);
      failed.push(bench.name);
    }
  }
  return failed;
}

if (
  process.argv[1] &&
  existsSync(process.argv[1]) &&
  import.meta.url === pathToFileURL(process.argv[1]).href
) {
  const failed = runBenchmarks(process.argv.slice(2));
  if (failed.length > 0) {
    console.error(`\nfailed benchmarks: ${failed.join(", ")}`);
    process.exitCode = 1;
  }
}
