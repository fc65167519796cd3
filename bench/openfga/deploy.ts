/**
 * Deploy of openfga-k8s with PostgreSQL in the local model (`lib/sim`), end to end: how long
 * from `deploy` until the model is active and idle, how many hooks each unit ran (by hook name),
 * and how many times each unit's OpenFGA was started (the target: exactly once). Writes
 * `bench/results/openfga-deploy.json`.
 *
 * Each run is a fresh controller set up by `startLocalModel` (`lib/sim/testing/local-model.ts`),
 * as `charms/openfga-k8s/tests/local-model.test.ts` sets it up: a network namespace per unit, a
 * real Pebble (v1.26.0) per container through `WorkloadManager`, the real OpenFGA server
 * (`.cache/images/openfga`) and the PostgreSQL stand-in charm (`integration-tests/charms/postgresql-k8s`, real PostgreSQL,
 * `.cache/images/postgresql`). It deploys `postgresql-k8s` (1 unit) and `openfga-k8s` (1 unit,
 * then 3 units in a second fresh controller), integrates `openfga-k8s:database`, and settles.
 * The clock starts at the first `deploy` (the charms are built before, and timed apart) and
 * stops when `settle()` finds the model idle; every unit must then be active.
 *
 * OpenFGA starts are counted three ways on every unit, as the local-model test does: the charm's
 * log line "OpenFGA (re)started", the `start` tasks of the container's Pebble changes, and the
 * processes Pebble started (its `Service "openfga" starting` line in the container's log).
 *
 * Everything is removed afterwards, on failure and on SIGINT/SIGTERM too: the controller is
 * destroyed (its network namespaces, bridge and hook processes), the workload manager closed
 * (its Pebble daemons and their services), the temporary folder removed; the result records
 * what was left (nothing, normally).
 *
 * Needs root (network and mount namespaces), `.cache/bin/pebble` and both image folders
 * (`scripts/install-pebble.sh`, `scripts/install-openfga.sh`, `scripts/install-postgresql.sh`).
 *
 * Run: `npm run bench -- openfga-deploy` or `node --import tsx bench/openfga/deploy.ts [--units
 * 1,3] [--runs <runs per unit count, default 2>]`.
 *
 * @example
 * ```ts
 * const run = await deployOnce(charms, 3);
 * run.workloadStarts["openfga-k8s/2"]; // { charmLog: 1, pebbleStartTasks: 1, processes: 1 }
 * ```
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { type MachineInfo, machineInfo } from "../common/machine.js";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  buildCharms,
  imageFolder,
  localModelPrerequisites,
  startLocalModel,
} from "../../lib/sim/testing/local-model.js";
import type { LeftOver, ServiceStarts } from "../../lib/sim/testing/local-model.js";
import { defaultPebble } from "../../lib/sim/workload/manager.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..", "..");
const CHARM = join(ROOT, "charms", "openfga-k8s");
const POSTGRESQL = join(ROOT, "integration-tests", "charms", "postgresql-k8s");
const OPENFGA_IMAGE = imageFolder("openfga");
const POSTGRESQL_IMAGE = imageFolder("postgresql");
const MODEL = "jaas";
const APP = "openfga-k8s";
const DB = "postgresql-k8s";
const SETTLE_TIMEOUT_MS = 600_000;

/** The built charm directories. */
export type DeployCharms = Readonly<Record<"openfga" | "postgresql", string>>;

/** Hooks run, in total and by hook name. */
export interface HookCount {
  total: number;
  byHook: Record<string, number>;
  /** Runs that were retries of a failed hook (must be 0). */
  retries: number;
  /** Seconds the unit spent in hooks (their processes and the controller's part). */
  hookSeconds: number;
}

/** How many times one unit's OpenFGA was started, three ways. */
export type WorkloadStarts = ServiceStarts;

/** One deploy, in a fresh controller. */
export interface DeployRun {
  openfgaUnits: number;
  /** From the first `deploy` until the model was idle. */
  toIdleSeconds: number;
  /** From the first `deploy` until every unit first showed `active` (polled every 50 ms). */
  toActiveSeconds: number | null;
  /** Every unit active and idle at the end, no hook error. */
  activeIdle: boolean;
  statuses: Record<string, string>;
  hooks: {
    total: HookCount;
    byApplication: Record<string, HookCount>;
    byUnit: Record<string, HookCount>;
  };
  workloadStarts: Record<string, WorkloadStarts>;
  /** Every OpenFGA unit started its workload exactly once, by all three counts. */
  startedOncePerUnit: boolean;
  loadAverage: { before: number; after: number };
  /** What the clean-up left behind (all empty normally). */
  leftOver: { namespaces: string[]; links: string[]; folders: string[] };
}

/** The result written to `bench/results/openfga-deploy.json`. */
export interface DeployBenchResult {
  benchmark: "openfga-deploy";
  description: string;
  date: string;
  machine: MachineInfo;
  runtimes: { node: string; pebble: string; openfga: string };
  setup: Record<string, unknown>;
  buildSeconds: number;
  target: { text: string; met: boolean };
  headline: Record<string, unknown>;
  runs: DeployRun[];
  notes: string[];
}

const load = (): number => Math.round((loadavg()[0] ?? 0) * 100) / 100;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Clean-ups of the current run still to do, most recent first (also on SIGINT/SIGTERM). */
const cleanups: (() => Promise<void>)[] = [];
/** The folder of the built charms, removed at the end (also on SIGINT/SIGTERM). */
let buildDir: string | undefined;

async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) {
    const fn = cleanups.pop()!;
    await fn().catch((e: unknown) => console.error(`clean-up failed: ${(e as Error).message}`));
  }
}

function removeBuildDir(): void {
  if (buildDir !== undefined) rmSync(buildDir, { recursive: true, force: true });
  buildDir = undefined;
}

/** Set on SIGINT/SIGTERM: the run stops and writes no result. */
let interrupted = false;

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`${signal}: cleaning up`);
    void runCleanups()
      .finally(removeBuildDir)
      .finally(() => process.exit(130));
  });
}

/** Whether the machine can run the benchmark, and why not. */
export function missing(): string[] {
  return localModelPrerequisites({
    images: { openfga: ["openfga", "grpc_health_probe"], postgresql: ["postgresql/bin/postgres"] },
  });
}

function countHooks(
  records: readonly { hook: string; attempt: number; durationMs: number }[],
): HookCount {
  const byHook: Record<string, number> = {};
  let retries = 0;
  let ms = 0;
  for (const r of records) {
    byHook[r.hook] = (byHook[r.hook] ?? 0) + 1;
    if (r.attempt > 1) retries++;
    ms += r.durationMs;
  }
  const sorted = Object.fromEntries(Object.entries(byHook).sort(([a], [b]) => a.localeCompare(b)));
  return { total: records.length, byHook: sorted, retries, hookSeconds: round3(ms / 1000) };
}

/**
 * One deploy in a fresh controller: PostgreSQL (1 unit) and OpenFGA (`units` units), the
 * database integrated, settled; then everything removed.
 *
 * @example
 * ```ts
 * const run = await deployOnce(charms, 1);
 * run.toIdleSeconds;
 * ```
 */
export async function deployOnce(charms: DeployCharms, units: number): Promise<DeployRun> {
  const loadBefore = load();
  const model = await startLocalModel({ models: [MODEL], prefix: "ofd-" });
  // Closed once, here or by the signal handler; failures are logged, the leftovers recorded.
  let closed: Promise<LeftOver> | undefined;
  const close = (): Promise<LeftOver> =>
    (closed ??= model.close({
      onError: (e: unknown) => console.error(`clean-up failed: ${(e as Error).message}`),
    }));
  cleanups.push(async () => {
    await close();
  });
  try {
    const c = model.controller;
    const allActive = (): boolean => {
      const s = Object.entries(model.workloadStatuses(MODEL));
      return (
        s.length === units + 1 && s.every(([, v]) => v === "active" || v.startsWith("active:"))
      );
    };

    const start = performance.now();
    let activeAt: number | null = null;
    const poll = setInterval(() => {
      if (activeAt === null && allActive()) activeAt = performance.now();
    }, 50);
    let settled: Awaited<ReturnType<typeof c.settle>>;
    try {
      await c.deploy(MODEL, {
        charmDir: charms.postgresql,
        name: DB,
        resources: { "postgresql-image": POSTGRESQL_IMAGE },
      });
      await c.deploy(MODEL, {
        charmDir: charms.openfga,
        name: APP,
        scale: units,
        resources: { "oci-image": OPENFGA_IMAGE },
      });
      await c.integrate(MODEL, `${APP}:database`, DB);
      settled = await c.settle({ timeoutMs: SETTLE_TIMEOUT_MS });
    } finally {
      clearInterval(poll);
    }
    const end = performance.now();
    if (interrupted) throw new Error("interrupted");
    if (activeAt === null && allActive()) activeAt = end;

    const statuses = model.workloadStatuses(MODEL);
    const activeIdle = settled.idle && settled.errors.length === 0 && allActive();
    const records = c.hooks.filter((h) => h.model === MODEL);
    const byUnit: Record<string, HookCount> = {};
    const byApplication: Record<string, HookCount> = {};
    for (const unit of [...new Set(records.map((h) => h.unit))].sort()) {
      byUnit[unit] = countHooks(records.filter((h) => h.unit === unit));
    }
    for (const app of [...new Set(records.map((h) => h.unit.split("/")[0]!))].sort()) {
      byApplication[app] = countHooks(records.filter((h) => h.unit.startsWith(`${app}/`)));
    }
    const starts: Record<string, WorkloadStarts> = {};
    for (const unit of Object.keys(statuses)
      .filter((u) => u.startsWith(`${APP}/`))
      .sort()) {
      starts[unit] = await model.serviceStarts(MODEL, unit, {
        container: "openfga",
        service: "openfga",
        charmLog: "OpenFGA (re)started",
      });
    }
    const startedOncePerUnit =
      Object.keys(starts).length === units &&
      Object.values(starts).every(
        (s) => s.charmLog === 1 && s.pebbleStartTasks === 1 && s.processes === 1,
      );
    if (!activeIdle) {
      console.error(`not active/idle: ${JSON.stringify({ settled, statuses }, null, 2)}`);
    }
    const run: Omit<DeployRun, "loadAverage" | "leftOver"> = {
      openfgaUnits: units,
      toIdleSeconds: round3((end - start) / 1000),
      toActiveSeconds: activeAt === null ? null : round3((activeAt - start) / 1000),
      activeIdle,
      statuses,
      hooks: { total: countHooks(records), byApplication, byUnit },
      workloadStarts: starts,
      startedOncePerUnit,
    };
    const loadAfter = load();
    const { namespaces, links, folders } = await close();
    return {
      ...run,
      loadAverage: { before: loadBefore, after: loadAfter },
      leftOver: { namespaces, links, folders },
    };
  } finally {
    await runCleanups();
  }
}

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** What a command prints (stdout and stderr: `openfga version` writes to stderr). */
function versionOf(argv: string[]): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", timeout: 30_000 });
  return `${r.stdout ?? ""}${r.stderr ?? ""}`.trim() || "unknown";
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[h]! : round3((s[h - 1]! + s[h]!) / 2);
};

/**
 * Runs the benchmark and writes `bench/results/openfga-deploy.json`.
 *
 * @example
 * ```ts
 * const result = await runDeployBench({ unitCounts: [1, 3], runs: 1 });
 * result.target.met;
 * ```
 */
export async function runDeployBench(
  options: { unitCounts?: number[]; runs?: number } = {},
): Promise<DeployBenchResult> {
  const unitCounts = options.unitCounts ?? [1, 3];
  const runsPer = options.runs ?? 2;
  const why = missing();
  if (why.length > 0) throw new Error(`cannot run: needs ${why.join(", ")}`);
  const loadBefore = load();
  buildDir = mkdtempSync(join(tmpdir(), "ofd-build-"));
  const runs: DeployRun[] = [];
  let buildSeconds: number;
  try {
    const t = performance.now();
    const { dirs: charms } = await buildCharms(
      { openfga: CHARM, postgresql: POSTGRESQL },
      { outDir: buildDir },
    );
    buildSeconds = round3((performance.now() - t) / 1000);
    for (let r = 0; r < runsPer; r++) {
      for (const units of unitCounts) {
        console.error(`deploy: postgresql-k8s + openfga-k8s x${units} (run ${r + 1}/${runsPer})`);
        const run = await deployOnce(charms, units);
        console.error(
          `  idle after ${run.toIdleSeconds} s, ${run.hooks.total.total} hooks, starts ${JSON.stringify(run.workloadStarts)}`,
        );
        runs.push(run);
      }
    }
  } finally {
    removeBuildDir();
  }
  const met = runs.every((r) => r.activeIdle && r.startedOncePerUnit);
  const headline: Record<string, unknown> = {};
  for (const units of unitCounts) {
    const mine = runs.filter((r) => r.openfgaUnits === units);
    const idle = mine.map((r) => r.toIdleSeconds);
    const active = mine.map((r) => r.toActiveSeconds);
    headline[`openfga-k8s x${units}`] = {
      toIdleSecondsMedian: median(idle),
      toIdleSeconds: idle,
      toActiveSeconds: active,
      hooksTotal: mine.map((r) => r.hooks.total.total),
      hooksPerUnit: mine.map((r) =>
        Object.fromEntries(Object.entries(r.hooks.byUnit).map(([u, h]) => [u, h.total])),
      ),
      workloadStartsPerUnit: mine.map((r) =>
        Object.fromEntries(Object.entries(r.workloadStarts).map(([u, s]) => [u, s.processes])),
      ),
      activeIdleWithOneStartPerUnit: mine.every((r) => r.activeIdle && r.startedOncePerUnit),
    };
  }
  const result: DeployBenchResult = {
    benchmark: "openfga-deploy",
    description:
      "Deploy of openfga-k8s with the PostgreSQL stand-in in a fresh local model (lib/sim: network namespace per unit, real Pebble per container, real OpenFGA and PostgreSQL): seconds from the first deploy to active/idle, hooks run (per unit, per application, by hook name), OpenFGA starts per unit.",
    date: new Date().toISOString(),
    machine: machineInfo(loadBefore, load()),
    runtimes: {
      node: process.version,
      pebble: versionOf([defaultPebble(), "version", "--client"]),
      openfga:
        /v\d+\.\d+\.\d+/.exec(versionOf([join(OPENFGA_IMAGE, "openfga"), "version"]))?.[0] ??
        "unknown",
    },
    setup: {
      controller: {
        networking: true,
        updateStatusIntervalMs: 0,
        timeScale: 0.005,
        persist: false,
        maxParallelHooks: `default (${Math.max(2, cpus().length)})`,
      },
      deploy: [
        `${DB} (1 unit, resource postgresql-image = .cache/images/postgresql)`,
        `${APP} (N units, resource oci-image = .cache/images/openfga)`,
        `integrate ${APP}:database ${DB}`,
      ],
      runsPerUnitCount: runsPer,
    },
    buildSeconds,
    target: {
      text: "Deploy of OpenFGA with PostgreSQL in the local model reaches active/idle with each workload started exactly once per unit; record the time and the number of hooks.",
      met,
    },
    headline,
    runs,
    notes: [
      "No Python comparison: there is no Python openfga-k8s charm to run here (the charm is not in the package lists of this machine, and its source is not part of this repository), so only the TypeScript charm is measured.",
      "The clock starts at the first deploy call (the charms are built before it, see buildSeconds) and stops when settle() finds no hook to run; toActiveSeconds is when every unit first showed active, polled every 50 ms.",
      "Workload starts are counted three ways per OpenFGA unit: the charm's 'OpenFGA (re)started' log line, the 'start' tasks in the container's Pebble changes, and the 'Service \"openfga\" starting' lines Pebble writes for every process it starts (which would also count its own restarts after a crash).",
      "hookSeconds is the sum of the unit's hook durations (process and controller); units run hooks in parallel, so the sums exceed the wall time.",
      "update-status is off, as in the local-model test, so only the hooks the deploy causes are counted.",
      "The machine has 2 cores shared with other work; the load averages are recorded per run.",
    ],
  };
  const loads = [loadBefore, ...runs.flatMap((r) => [r.loadAverage.before, r.loadAverage.after])];
  const busiest = Math.max(...loads);
  if (busiest > cpus().length) {
    result.notes.push(
      `Other work ran on the machine during this run (1-minute load average up to ${busiest} on ${cpus().length} cores): the times are upper bounds; the hook and start counts do not depend on load.`,
    );
  }
  return result;
}

if (
  process.argv[1] &&
  existsSync(process.argv[1]) &&
  import.meta.url === pathToFileURL(process.argv[1]).href
) {
  try {
    const unitCounts = (argValue("--units") ?? "1,3").split(",").map(Number);
    const runs = Number(argValue("--runs") ?? "2");
    const result = await runDeployBench({ unitCounts, runs });
    if (interrupted) throw new Error("interrupted: no result written");
    const out = join(HERE, "..", "results", "openfga-deploy.json");
    writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
    console.log(JSON.stringify(result.headline, null, 2));
    console.log(`target met: ${result.target.met}; written to ${out}`);
    if (!result.target.met) process.exitCode = 1;
  } catch (e) {
    await runCleanups();
    removeBuildDir();
    console.error(e);
    process.exitCode = 1;
  }
}
