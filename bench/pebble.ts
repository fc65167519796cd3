/**
 * Pebble client benchmark against a real daemon (started with the test helper on a temporary
 * directory and Unix socket): median latency of `system-info`, and of an add-layer-and-replan
 * cycle that restarts one service. Writes bench/results/pebble.json.
 *
 * Run: node --import tsx bench/pebble.ts
 */

import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, platform, release, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pebbleBinary, startRealPebble } from "../lib/pebble/testing/real-pebble.js";

const SYSTEM_INFO_RUNS = 200;
const REPLAN_RUNS = 50;

function stats(samples: number[]): {
  median: number;
  p90: number;
  min: number;
  max: number;
  runs: number;
} {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  const mid =
    sorted.length % 2
      ? at(0.5)
      : ((sorted[sorted.length / 2 - 1] ?? 0) + (sorted[sorted.length / 2] ?? 0)) / 2;
  return {
    median: round(mid),
    p90: round(at(0.9)),
    min: round(sorted[0] ?? NaN),
    max: round(sorted[sorted.length - 1] ?? NaN),
    runs: samples.length,
  };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const real = await startRealPebble();
try {
  const { client } = real;
  const version = (await client.getSystemInfo()).version;

  for (let i = 0; i < 20; i++) await client.getSystemInfo(); // warm-up
  const systemInfo: number[] = [];
  for (let i = 0; i < SYSTEM_INFO_RUNS; i++)
    systemInfo.push(await time(() => client.getSystemInfo()));

  // Add a layer that changes no service, then replan (nothing to restart): the API cost alone.
  const addLayerNoop: number[] = [];
  for (let i = 0; i < REPLAN_RUNS; i++) {
    addLayerNoop.push(
      await time(async () => {
        await client.addLayer("bench-noop", { summary: `run ${i}` }, { combine: true });
        await client.replan();
      }),
    );
  }

  // Each cycle changes the service's environment, so the replan restarts it. Pebble waits 1 s
  // after starting a service to see that it stays up, so this cycle is dominated by that wait.
  const replan: number[] = [];
  for (let i = 0; i < REPLAN_RUNS; i++) {
    replan.push(
      await time(async () => {
        await client.addLayer(
          "bench",
          {
            services: {
              bench: {
                override: "replace",
                command: "sleep 100000",
                startup: "enabled",
                environment: { RUN: String(i) },
              },
            },
          },
          { combine: true },
        );
        await client.replan();
      }),
    );
  }
  const cpu = cpus();
  const result = {
    benchmark: "pebble",
    date: new Date().toISOString(),
    machine: {
      cpu: cpu[0]?.model ?? "unknown",
      cores: cpu.length,
      memoryBytes: totalmem(),
      os: `${platform()} ${release()}`,
      node: process.version,
      pebble: version,
      loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100),
      pebbleBinary: execFileSync(pebbleBinary(), ["version", "--client"]).toString().trim(),
    },
    unit: "ms",
    results: {
      systemInfo: stats(systemInfo),
      addLayerAndReplanRestartingOneService: stats(replan),
      addLayerAndReplanNothingToRestart: stats(addLayerNoop),
    },
    notes:
      "Real Pebble over its Unix socket, keep-alive connections. A replan that restarts a service " +
      "includes Pebble's fixed 1 s wait to see that the restarted service stays up. The no-restart " +
      "cycle runs first, on a fresh daemon.",
  };
  const out = join(dirname(fileURLToPath(import.meta.url)), "results", "pebble.json");
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
  console.log(JSON.stringify(result.results, null, 2));
} finally {
  await real.stop();
}
