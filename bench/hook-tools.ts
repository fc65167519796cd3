/**
 * Benchmark of the hook-tool round trip of the local model: a hook tool (a symlink to the Go
 * shim) started as a process, connecting to the lib/jujuc tool server over a Unix socket, the
 * server running the tool, the shim printing the answer. The target is a median under 5 ms.
 *
 * Measured: from a shell loop (bash's EPOCHREALTIME around each call), from Node with
 * `spawnSync` (what a charm's synchronous tool runner pays), the in-process `runTool` cost, and
 * the floor of starting any process (`/bin/true`) the same two ways. The calls of one round are
 * interleaved, so the "minus /bin/true" figures compare calls made under the same load. The server runs in a
 * child process (this file started with `--server <socket>`), so the main process may block.
 *
 * Run: `node --import tsx bench/hook-tools.ts [--n <calls per measurement, default 300>]`
 * (writes bench/results/hook-tools.json).
 *
 * @example
 * ```sh
 * node --import tsx bench/hook-tools.ts
 * ```
 */

import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, freemem, getPriority, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { newHookContextData } from "../lib/jujuc/context.js";
import type { HookContextData } from "../lib/jujuc/context.js";
import { runTool } from "../lib/jujuc/run-tool.js";
import { startHookToolServer } from "../lib/jujuc/server.js";
import { ensureJujucShim, makeToolsDir } from "../lib/jujuc/tools-dir.js";

const CONTEXT_ID = "bench/0-config-changed-1";

function benchContext(): HookContextData {
  return newHookContextData({
    unitName: "bench/0",
    leader: true,
    config: { port: 8080, "log-level": "info" },
    relations: [
      {
        id: 3,
        endpoint: "db",
        interface: "postgresql_client",
        peer: false,
        remoteApp: "postgresql",
        remoteModelUuid: "00000000-0000-4000-8000-000000000000",
        localUnitData: { "private-address": "10.1.0.5" },
        localAppData: {},
        remoteAppData: { endpoints: "10.1.0.9:5432", username: "relation-3" },
        remoteUnits: { "postgresql/0": { "private-address": "10.1.0.9" } },
        departedUnits: {},
        broken: false,
      },
    ],
  });
}

/** The server role: listen, print "ready", serve until stdin closes. */
async function serve(socketPath: string): Promise<void> {
  const server = await startHookToolServer(socketPath);
  server.register(CONTEXT_ID, benchContext());
  process.stdout.write("ready\n");
  process.stdin.resume();
  process.stdin.on("end", () => void server.close().then(() => process.exit(0)));
}

interface Stats {
  n: number;
  medianMs: number;
  p90Ms: number;
  minMs: number;
  meanMs: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    n: sorted.length,
    medianMs: round(at(0.5)),
    p90Ms: round(at(0.9)),
    minMs: round(sorted[0] ?? NaN),
    meanMs: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  };
}

/**
 * Times each of `commands` once per round, `n` rounds, inside one bash process (interleaved, so
 * that every command sees the same machine load); returns per-call milliseconds per command.
 */
function shellRounds(commands: readonly string[], n: number, env: NodeJS.ProcessEnv): number[][] {
  const body = commands
    .map((command) => `  s=$EPOCHREALTIME; ${command}; e=$EPOCHREALTIME; line="$line $s $e"`)
    .join("\n");
  const script = `for ((i = 0; i < ${n}; i++)); do\n  line=""\n${body}\n  echo "$line"\ndone`;
  // No stdin: bash sources ~/.bashrc when stdin is a socket, and Node's pipes are socketpairs.
  const out = execFileSync("bash", ["--norc", "--noprofile", "-c", script], {
    env,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const samples: number[][] = commands.map(() => []);
  for (const line of out.trim().split("\n")) {
    const stamps = line.trim().split(" ").map(Number);
    commands.forEach((_, i) =>
      samples[i]?.push(((stamps[2 * i + 1] ?? 0) - (stamps[2 * i] ?? 0)) * 1000),
    );
  }
  return samples;
}

interface NodeCall {
  file: string;
  args: string[];
  input?: string;
}

/** Like {@link shellRounds}, with each call made by Node's `spawnSync` (a synchronous tool runner). */
function nodeRounds(calls: readonly NodeCall[], n: number, env: NodeJS.ProcessEnv): number[][] {
  const samples: number[][] = calls.map(() => []);
  for (let round = 0; round < n; round++) {
    calls.forEach((call, i) => {
      const start = performance.now();
      const result = spawnSync(call.file, call.args, {
        env,
        encoding: "utf8",
        ...(call.input !== undefined ? { input: call.input } : {}),
      });
      samples[i]?.push(performance.now() - start);
      if (result.status !== 0) throw new Error(`${call.file} failed: ${result.stderr}`);
    });
  }
  return samples;
}

/** Per-round difference between two interleaved series. */
function minus(a: number[] | undefined, b: number[] | undefined): number[] {
  return (a ?? []).map((x, i) => x - (b?.[i] ?? 0));
}

function inProcess(n: number): number[] {
  const ctx = benchContext();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    runTool(ctx, "relation-get", ["--format=json", "-r", "db:3", "-", "postgresql/0"]);
    samples.push(performance.now() - start);
  }
  return samples;
}

async function main(): Promise<void> {
  const shim = ensureJujucShim();
  const dir = mkdtempSync(join(tmpdir(), "jujuc-bench-"));
  const socketPath = join(dir, "jujuc.sock");
  const server = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), "--server", socketPath],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      server.stdout.once("data", () => resolve());
      server.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
    });
    const tools = makeToolsDir(join(dir, "tools"), shim);
    const env: NodeJS.ProcessEnv = {
      JUJU_CONTEXT_ID: CONTEXT_ID,
      JUJU_AGENT_SOCKET_ADDRESS: socketPath,
      JUJU_AGENT_SOCKET_NETWORK: "unix",
      PATH: `${tools}:/usr/bin:/bin`,
    };
    const nIndex = process.argv.indexOf("--n");
    const n = nIndex >= 0 ? Number(process.argv[nIndex + 1]) : 300;
    /** One full set of measurements. */
    const measure = () => {
      // Warm up the server and the page cache.
      shellRounds(["is-leader >/dev/null"], 30, env);
      const shellCommands = [
        "/bin/true",
        "is-leader --format=json >/dev/null",
        "relation-get --format=json -r db:3 - postgresql/0 >/dev/null",
        `echo '{"database":"jimm"}' | relation-set -r db:3 --file -`,
      ];
      const [trueSh, leaderSh, getSh, setSh] = shellRounds(shellCommands, n, env);
      const [trueNode, leaderNode, setNode] = nodeRounds(
        [
          { file: "/bin/true", args: [] },
          { file: join(tools, "is-leader"), args: ["--format=json"] },
          {
            file: join(tools, "relation-set"),
            args: ["-r", "db:3", "--file", "-"],
            input: '{"database":"jimm"}',
          },
        ],
        n,
        env,
      );
      return {
        shell: {
          "is-leader --format=json": stats(leaderSh ?? []),
          "relation-get --format=json -r db:3 - postgresql/0": stats(getSh ?? []),
          "relation-set -r db:3 --file - (JSON on stdin, after echo |)": stats(setSh ?? []),
          "baseline /bin/true": stats(trueSh ?? []),
          "is-leader minus /bin/true, same round": stats(minus(leaderSh, trueSh)),
        },
        nodeSpawnSync: {
          "is-leader --format=json": stats(leaderNode ?? []),
          "relation-set -r db:3 --file - (JSON on stdin)": stats(setNode ?? []),
          "baseline /bin/true": stats(trueNode ?? []),
          "is-leader minus /bin/true, same round": stats(minus(leaderNode, trueNode)),
        },
        inProcessRunTool: { "relation-get --format=json": stats(inProcess(20_000)) },
      };
    };
    const load = () => Math.round((loadavg()[0] ?? 0) * 100) / 100;
    const niceness = getPriority();
    const loadBefore = load();
    const results = measure();
    const headline = results.shell["is-leader --format=json"].medianMs;
    const report = {
      benchmark: "hook-tools",
      description:
        "Hook tool round trip: Go shim process -> Unix socket -> lib/jujuc tool server (Node) -> answer printed. Milliseconds per call.",
      date: new Date().toISOString(),
      machine: {
        cpuModel: cpus()[0]?.model ?? "unknown",
        cores: cpus().length,
        memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
        freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
        niceness,
        loadAverage1mBefore: loadBefore,
        loadAverage1mAfter: load(),
        node: process.version,
        go: execFileSync("go", ["version"], { encoding: "utf8" }).trim(),
        platform: `${process.platform} ${process.arch}`,
      },
      targetMedianMs: 5,
      headline: "results.shell[is-leader --format=json].medianMs",
      headlineMedianMs: headline,
      meetsTarget: headline < 5,
      results,
    };
    const out = join(dirname(fileURLToPath(import.meta.url)), "results", "hook-tools.json");
    writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
    console.log(JSON.stringify(report, null, 2));
  } finally {
    server.stdin.end();
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

const serverIndex = process.argv.indexOf("--server");
if (serverIndex >= 0) await serve(process.argv[serverIndex + 1] ?? "");
else await main();
