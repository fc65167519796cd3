/**
 * Benchmark of the local model (`lib/sim`): the hook-tool round trip seen by charm processes
 * that the controller runs, and the controller's own time per hook. Writes
 * `bench/results/sim.json`.
 *
 * One controller (state saved after every change, as the daemon runs it) with one application
 * of a small benchmark charm written here. Its actions time hook-tool calls made from inside a
 * hook, so each call goes the whole way: the tool (a link to the Go shim) found on the hook's
 * `PATH`, the shim connecting to the controller's Unix socket, `lib/jujuc`'s server answering
 * from the hook's context, the shim printing the answer. Each call is paired, in the same round,
 * with a start of `/bin/true` made the same way, so the shim's own part is visible:
 *
 * - `shell`: a bash loop (`EPOCHREALTIME` around `is-leader --format=json`, `config-get
 *   --format=json` and `/bin/true`), as a shell-script charm or `juju exec` calls tools;
 * - `node`: the charm process started by the controller calls `spawnSync` with the options of
 *   `lib/ops`' tool runner (`lib/ops/backend/exec-runner.ts`);
 * - `python`: a charm written with the real `ops` 3.9 from PyPI (virtual environment of
 *   `lib/sim/fidelity`) calls `self.model._backend.config_get()` (ops' `hookcmds`, one
 *   `subprocess.run` per call) and `subprocess.run(["/bin/true"])` with the same options.
 *
 * The three callers run in alternating blocks, so all see the same machine load.
 *
 * Controller overhead per hook: `config` on the application, then `settle()`, timed end to end
 * (a `config-changed` whose dispatch only runs `exit 0`), against a direct start of the same
 * dispatch the way the controller starts hooks (`startHookProcess`) in the same round. The
 * difference is everything the controller adds: checking and storing the config, saving its
 * state, the resolver choosing the hook, building the context and environment, registering it
 * with the tool server, committing, saving again, noticing that the model is idle. The
 * controller's own record of the hook (`overheadMs`: the hook's time minus its process's) is
 * reported as well.
 *
 * Run: `node --import tsx bench/sim.ts [--n <calls per caller, default 200>] [--hooks <config
 * changes, default 60>] [--no-python]` or `npm run bench -- sim`.
 *
 * @example
 * ```sh
 * node --import tsx bench/sim.ts --n 200
 * ```
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { machineInfo } from "./common/machine.js";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Controller } from "../lib/sim/controller.js";
import { ensureFidelityVenv, OPS_VERSION } from "../lib/sim/fidelity/setup.js";
import { startHookProcess } from "../lib/sim/runner/process.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const MODEL = "bench";
const APP = "simbench";

/** Summary of a series, in milliseconds. */
interface Stats {
  n: number;
  medianMs: number;
  p90Ms: number;
  minMs: number;
  maxMs: number;
  meanMs: number;
}

function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  const half = sorted.length / 2;
  const median =
    sorted.length % 2 === 1 ? at(0.5) : ((sorted[half - 1] ?? NaN) + (sorted[half] ?? NaN)) / 2;
  return {
    n: sorted.length,
    medianMs: round(median),
    p90Ms: round(at(0.9)),
    minMs: round(sorted[0] ?? NaN),
    maxMs: round(sorted[sorted.length - 1] ?? NaN),
    meanMs: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
  };
}

/** Per-round difference of two interleaved series. */
function minus(a: readonly number[], b: readonly number[]): number[] {
  return a.map((x, i) => x - (b[i] ?? 0));
}

/** Samples of one measuring action: series name to milliseconds per call. */
type Samples = Record<string, number[]>;

const METADATA = `name: ${APP}
summary: Benchmark charm of the local model (bench/sim.ts).
description: Times hook-tool calls from a shell, a Node process and Python ops; no-op hooks.
`;

const CONFIG = `options:
  count:
    type: int
    default: 0
    description: Changed by the benchmark to cause config-changed.
`;

const ACTIONS = ["shell", "node", "python"]
  .map((caller) =>
    [
      `${caller}-rounds:`,
      `  description: Times hook-tool calls made by ${caller}, n rounds, samples written to out.`,
      "  params:",
      "    n: { type: integer, minimum: 1 }",
      "    out: { type: string }",
      "  required: [n, out]",
      "  additionalProperties: false",
      "",
    ].join("\n"),
  )
  .join("");

/**
 * The dispatch: the three measuring actions, and `exit 0` for every hook. Parameters come from
 * `action-get` (outside the timed loops).
 */
function dispatchScript(node: string): string {
  return `#!/bin/bash
# Dispatch of the benchmark charm of bench/sim.ts.
case "$JUJU_DISPATCH_PATH" in
  actions/shell-rounds)
    n=$(action-get n) out=$(action-get out)
    {
      for ((i = 0; i < n; i++)); do
        a=$EPOCHREALTIME; /bin/true; b=$EPOCHREALTIME
        is-leader --format=json >/dev/null; c=$EPOCHREALTIME
        config-get --format=json >/dev/null; d=$EPOCHREALTIME
        echo "$a $b $c $d"
      done
    } >"$out"
    ;;
  actions/node-rounds)
    exec '${node}' node-rounds.mjs
    ;;
  actions/python-rounds)
    PYTHONPATH="$PWD/src"
    export PYTHONPATH
    exec venv/bin/python3 src/charm.py
    ;;
  *)
    exit 0
    ;;
esac
`;
}

/** The Node caller: `spawnSync` with the options `lib/ops`' ExecToolRunner uses. */
const NODE_ROUNDS = `import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
const options = { env: process.env, input: "", encoding: "utf8", maxBuffer: 64 * 1024 * 1024 };
const get = (key) => spawnSync("action-get", [key], options).stdout.trim();
const n = Number(get("n"));
const out = get("out");
const call = (tool, args) => {
  const start = performance.now();
  const r = spawnSync(tool, args, options);
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(tool + " exited " + r.status + ": " + r.stderr);
  return ms;
};
const samples = { true: [], "is-leader": [], "config-get": [] };
for (let i = 0; i < n; i++) {
  samples.true.push(call("/bin/true", []));
  samples["is-leader"].push(call("is-leader", ["--format=json"]));
  samples["config-get"].push(call("config-get", ["--format=json"]));
}
writeFileSync(out, JSON.stringify(samples));
`;

/** The Python caller: a charm written with ops, timing ops' own tool calls. */
const PY_CHARM = `"""Benchmark charm of bench/sim.ts: times ops' config-get against /bin/true."""
import json
import subprocess
import time

import ops


class SimBenchCharm(ops.CharmBase):
    def __init__(self, framework):
        super().__init__(framework)
        framework.observe(self.on["python-rounds"].action, self._on_rounds)

    def _on_rounds(self, event):
        n = int(event.params["n"])
        backend = self.model._backend
        samples = {"true": [], "config-get": []}
        for _ in range(n):
            a = time.perf_counter()
            subprocess.run(["/bin/true"], capture_output=True, check=True, encoding="utf-8")
            b = time.perf_counter()
            backend.config_get()
            c = time.perf_counter()
            samples["true"].append((b - a) * 1000)
            samples["config-get"].append((c - b) * 1000)
        with open(event.params["out"], "w") as f:
            json.dump(samples, f)


if __name__ == "__main__":
    ops.main(SimBenchCharm)
`;

/** Writes the benchmark charm into `dir`; the Python part only when a venv is given. */
function writeCharm(dir: string, venv: string | undefined): void {
  mkdirSync(join(dir, "src"), { recursive: true });
  writeFileSync(join(dir, "metadata.yaml"), METADATA);
  writeFileSync(join(dir, "config.yaml"), CONFIG);
  writeFileSync(join(dir, "actions.yaml"), ACTIONS);
  writeFileSync(join(dir, "dispatch"), dispatchScript(process.execPath));
  chmodSync(join(dir, "dispatch"), 0o755);
  writeFileSync(join(dir, "node-rounds.mjs"), NODE_ROUNDS);
  writeFileSync(join(dir, "src", "charm.py"), PY_CHARM);
  if (venv !== undefined) symlinkSync(resolve(venv), join(dir, "venv"));
}

async function runRounds(
  c: Controller,
  caller: "shell" | "node" | "python",
  n: number,
  out: string,
): Promise<Samples> {
  const r = await c.runAction(MODEL, `${APP}/0`, `${caller}-rounds`, { n, out });
  if (r.status !== "completed") {
    throw new Error(`${caller}-rounds: ${r.status} ${r.message ?? ""} ${JSON.stringify(r)}`);
  }
  const text = readFileSync(out, "utf8");
  if (caller !== "shell") return JSON.parse(text) as Samples;
  const samples: Samples = { true: [], "is-leader": [], "config-get": [] };
  for (const line of text.trim().split("\n")) {
    const [a = 0, b = 0, d = 0, e = 0] = line.trim().split(" ").map(Number);
    samples["true"]?.push((b - a) * 1000);
    samples["is-leader"]?.push((d - b) * 1000);
    samples["config-get"]?.push((e - d) * 1000);
  }
  return samples;
}

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync("/etc/os-release", "utf8"));
    return m?.[1] ?? "unknown";
  } catch {
    return "unknown";
  }
}

function argValue(flag: string, fallback: number): number {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const n = argValue("--n", 200);
  const hookRounds = argValue("--hooks", 60);
  const blocks = 4;
  const notes: string[] = [];
  let venv: string | undefined;
  let opsVersion: string | undefined;
  if (!process.argv.includes("--no-python")) {
    try {
      venv = ensureFidelityVenv();
      opsVersion = OPS_VERSION;
    } catch (e) {
      notes.push(`Python ops not measured: ${(e as Error).message.split("\n")[0] ?? ""}`);
    }
  } else {
    notes.push("Python ops not measured (--no-python).");
  }
  const tmp = mkdtempSync(join(tmpdir(), "sim-bench-"));
  const charm = join(tmp, "charm");
  writeCharm(charm, venv);
  const load = (): number => Math.round((loadavg()[0] ?? 0) * 100) / 100;
  const loadBefore = load();
  const c = await Controller.create({ updateStatusIntervalMs: 0, persist: true });
  try {
    await c.addModel(MODEL);
    await c.deploy(MODEL, { charmDir: charm, name: APP });
    const deployed = await c.settle({ timeoutMs: 120_000 });
    if (!deployed.idle || deployed.errors.length > 0) {
      throw new Error(`deploy did not settle: ${JSON.stringify(deployed)}`);
    }

    // (1) Hook-tool round trip, the callers alternating in blocks.
    const callers =
      venv !== undefined ? (["shell", "node", "python"] as const) : (["shell", "node"] as const);
    const all: Record<string, Samples> = {};
    // Warm-up: page cache, the shim, Python's imports.
    for (const caller of callers) await runRounds(c, caller, 10, join(tmp, `warm-${caller}`));
    const perBlock = Math.ceil(n / blocks);
    for (let b = 0; b < blocks; b++) {
      for (const caller of callers) {
        const got = await runRounds(c, caller, perBlock, join(tmp, `${caller}-${b}`));
        const into = (all[caller] ??= {});
        for (const [series, xs] of Object.entries(got)) (into[series] ??= []).push(...xs);
      }
    }
    const roundTrip: Record<string, Record<string, Stats>> = {};
    for (const [caller, samples] of Object.entries(all)) {
      const truth = samples["true"] ?? [];
      const entry: Record<string, Stats> = { "baseline /bin/true": stats(truth) };
      for (const tool of ["is-leader", "config-get"]) {
        const xs = samples[tool];
        if (xs === undefined) continue;
        const label =
          caller === "python"
            ? `${tool} via ops _ModelBackend.config_get()`
            : `${tool} --format=json`;
        entry[label] = stats(xs);
        entry[`${tool} minus /bin/true, same round`] = stats(minus(xs, truth));
      }
      roundTrip[caller] = entry;
    }

    // (2) Controller overhead per hook: config-changed of a no-op dispatch, end to end.
    const endToEnd: number[] = [];
    const direct: number[] = [];
    const recorded: number[] = [];
    const recordedProcess: number[] = [];
    const env: Record<string, string> = {
      PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      JUJU_DISPATCH_PATH: "hooks/config-changed",
    };
    for (let i = 0; i < 5; i++) {
      await startHookProcess({
        charmDir: charm,
        dispatchPath: "hooks/config-changed",
        env,
        timeoutMs: 60_000,
      }).done;
    }
    for (let i = 0; i < hookRounds; i++) {
      const mark = c.hooks.length;
      const start = performance.now();
      await c.config(MODEL, APP, { count: i + 1 });
      const settled = await c.settle({ timeoutMs: 60_000 });
      endToEnd.push(performance.now() - start);
      if (!settled.idle || settled.errors.length > 0) {
        throw new Error(`config-changed did not settle: ${JSON.stringify(settled)}`);
      }
      const ran = c.hooks.slice(mark);
      if (ran.length !== 1 || ran[0]?.hook !== "config-changed") {
        throw new Error(`expected one config-changed, ran ${ran.map((h) => h.hook).join(", ")}`);
      }
      recorded.push(ran[0].overheadMs);
      recordedProcess.push(ran[0].durationMs - ran[0].overheadMs);
      const s = performance.now();
      const outcome = await startHookProcess({
        charmDir: charm,
        dispatchPath: "hooks/config-changed",
        env,
        timeoutMs: 60_000,
      }).done;
      direct.push(performance.now() - s);
      if (outcome.exitCode !== 0) throw new Error(`direct dispatch exited ${outcome.exitCode}`);
    }
    const actionHooks = c.hooks.filter((h) => h.hook.startsWith("action:"));
    const loadAfter = load();

    const shellMedian = roundTrip["shell"]?.["is-leader --format=json"]?.medianMs ?? NaN;
    const nodeMedian = roundTrip["node"]?.["is-leader --format=json"]?.medianMs ?? NaN;
    const pyConfig = roundTrip["python"]?.["config-get via ops _ModelBackend.config_get()"];
    const nodeConfig = roundTrip["node"]?.["config-get --format=json"];
    const overhead = stats(minus(endToEnd, direct));
    notes.push(
      "Networking off (no namespace per unit): with it, every hook starts through 'ip netns exec', which adds its start-up to the hook; tool calls are unchanged (the socket is a file).",
      "The Python caller times ops' own call (hookcmds.run: subprocess.run with capture_output, then json.loads of the answer); its baseline is subprocess.run of /bin/true with the same options. Each caller's 'minus /bin/true, same round' row is the share of the shim, the socket and the server, without the caller's cost of starting a process.",
      "Controller overhead is measured without update-status and with one unit, so nothing else competes for the controller's event loop.",
    );
    const report = {
      benchmark: "sim",
      description:
        "The local model (lib/sim): hook-tool round trip from charm processes run by the controller (shim -> Unix socket -> lib/jujuc HookToolServer -> answer), and the controller's overhead per hook. Milliseconds.",
      date: new Date().toISOString(),
      machine: { ...machineInfo(loadBefore, loadAfter), os: osName() },
      runtimes: {
        node: process.version,
        bash: spawnSync("bash", ["-c", "echo $BASH_VERSION"], { encoding: "utf8" }).stdout.trim(),
        ...(venv !== undefined
          ? {
              python: spawnSync(join(venv, "bin", "python3"), ["--version"], { encoding: "utf8" })
                .stdout.trim()
                .replace(/^Python /, ""),
              ops: opsVersion ?? "",
            }
          : {}),
      },
      target: { roundTripMedianMs: 5 },
      headline: {
        shellIsLeaderMedianMs: shellMedian,
        nodeIsLeaderMedianMs: nodeMedian,
        meetsTarget: shellMedian < 5 && nodeMedian < 5,
        ...(pyConfig !== undefined && nodeConfig !== undefined
          ? {
              configGetMedianMs: { node: nodeConfig.medianMs, pythonOps: pyConfig.medianMs },
              nodeOverPythonOps:
                Math.round((nodeConfig.medianMs / pyConfig.medianMs) * 1000) / 1000,
            }
          : {}),
        controllerOverheadPerHookMedianMs: overhead.medianMs,
      },
      callsPerCaller: perBlock * blocks,
      blocks,
      roundTrip,
      controllerOverhead: {
        hooks: hookRounds,
        "config then settle, end to end": stats(endToEnd),
        "direct start of the same dispatch (startHookProcess)": stats(direct),
        "end to end minus direct, same round": overhead,
        "recorded overheadMs (hook time minus process time)": stats(recorded),
        "recorded process time of the hook": stats(recordedProcess),
        "recorded overheadMs of the measuring actions": stats(actionHooks.map((h) => h.overheadMs)),
      },
      notes,
    };
    const out = join(HERE, "results", "sim.json");
    writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await c.destroy();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
