/**
 * Starts a real Pebble daemon for tests: `pebble run --hold` with a fresh temporary `$PEBBLE`
 * directory, waits until it answers on its socket, and stops it and removes the directory again.
 *
 * Only the Unix socket is used (no `--http`), so nothing listens on the network.
 *
 * @example
 * ```ts
 * let real: RealPebble;
 * beforeAll(async () => { real = await startRealPebble(); });
 * afterAll(async () => { await real?.stop(); });
 * it("answers", async () => { expect((await real.client.getSystemInfo()).version).toBe("v1.26.0"); });
 * ```
 *
 * @module
 */

import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PebbleClient } from "../client.js";

/** A running daemon started by {@link startRealPebble}. */
export interface RealPebble {
  /** The daemon's `$PEBBLE` directory (temporary, removed by `stop`). */
  readonly pebbleDir: string;
  /** A scratch directory inside `pebbleDir` for tests' files. */
  readonly scratchDir: string;
  /** The Unix socket. */
  readonly socketPath: string;
  /** A client connected to it. */
  readonly client: PebbleClient;
  /** The daemon's process ID. */
  readonly pid: number;
  /** What the daemon printed so far (stdout and stderr), for diagnostics. */
  output(): string;
  /** Stops the daemon (SIGTERM, then SIGKILL after a grace period) and removes `pebbleDir`. */
  stop(): Promise<void>;
}

/** Options of {@link startRealPebble}. */
export interface StartRealPebbleOptions {
  /** The `pebble` binary; default `$PEBBLE_BIN`, else `<repo>/.cache/bin/pebble`. */
  binary?: string;
  /** How long to wait for the socket to answer, in ms (default 15 000). */
  startTimeout?: number;
  /** Extra environment for the daemon (and so for its services and exec commands). */
  env?: Record<string, string>;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * Where the pinned Pebble binary is: `$PEBBLE_BIN`, else `.cache/bin/pebble` in the repository
 * (installed by `scripts/install-pebble.sh`).
 *
 * @example
 * ```ts
 * if (!existsSync(pebbleBinary())) throw new Error("run scripts/install-pebble.sh");
 * ```
 */
export function pebbleBinary(): string {
  return process.env.PEBBLE_BIN || join(REPO_ROOT, ".cache", "bin", "pebble");
}

/** The watchdog script: runs Pebble, then stops it and removes $PEBBLE when stdin closes. */
const WATCHDOG = `
"$1" run --hold --create-dirs &
pid=$!
echo "pebble-pid $pid"
read -r _ || true
kill -TERM "$pid" 2>/dev/null
wait "$pid"
rm -rf "$PEBBLE"
`;

function killQuietly(pid: number, signal: NodeJS.Signals = "SIGKILL"): void {
  if (pid <= 0) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

// Daemons still running when this process exits are killed and their folders removed.
const live = new Set<{ child: ChildProcess; dir: string; pid: () => number }>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const { child, dir, pid } of live) {
      killQuietly(pid());
      killQuietly(child.pid ?? -1);
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Starts `pebble run --hold` on a new temporary directory and waits until it answers.
 *
 * @example
 * ```ts
 * const real = await startRealPebble();
 * try { await real.client.getSystemInfo(); } finally { await real.stop(); }
 * ```
 */
export async function startRealPebble(options: StartRealPebbleOptions = {}): Promise<RealPebble> {
  const binary = options.binary ?? pebbleBinary();
  if (!existsSync(binary)) {
    throw new Error(`pebble binary not found at ${binary}: run scripts/install-pebble.sh`);
  }
  const pebbleDir = mkdtempSync(join(tmpdir(), "pebble-test-"));
  const socketPath = join(pebbleDir, ".pebble.socket");
  const scratchDir = join(pebbleDir, "scratch");
  let output = "";
  // A small shell watchdog runs the daemon: when its standard input closes (stop() closes it, and
  // so does the kernel if this process dies without cleaning up), it stops Pebble with SIGTERM
  // and removes the directory. So even a crashed test worker leaves nothing behind. stop() also
  // escalates to SIGKILL if the daemon does not stop in time.
  const child = spawn("/bin/sh", ["-c", WATCHDOG, "pebble-watchdog", binary], {
    env: {
      PATH: process.env.PATH ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      HOME: process.env.HOME ?? "/root",
      LANG: "C.UTF-8",
      ...options.env,
      PEBBLE: pebbleDir,
      PEBBLE_SOCKET: socketPath,
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let pebblePid = -1;
  installExitHook();
  const entry = { child, dir: pebbleDir, pid: () => pebblePid };
  live.add(entry);
  child.stdout?.on("data", (c: Buffer) => {
    output += c.toString();
    const match = /^pebble-pid (\d+)$/m.exec(output);
    if (pebblePid < 0 && match) pebblePid = Number(match[1]);
  });
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  child.stdin?.on("error", () => undefined);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    client.close();
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin?.end();
      const graceful = await Promise.race([
        exited.then(() => true),
        delay(15_000).then(() => false),
      ]);
      if (!graceful) {
        killQuietly(pebblePid);
        child.kill("SIGKILL");
        await exited;
      }
    }
    live.delete(entry);
    rmSync(pebbleDir, { recursive: true, force: true });
  };

  const client = new PebbleClient({ socketPath });
  const deadline = Date.now() + (options.startTimeout ?? 15_000);
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`pebble exited during start-up:\n${output}`);
      }
      if (existsSync(socketPath) && (await client.canConnect())) break;
      if (Date.now() > deadline) throw new Error(`pebble did not answer in time:\n${output}`);
      await delay(20);
    }
    await client.makeDir(scratchDir, { permissions: 0o755 });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    pebbleDir,
    scratchDir,
    socketPath,
    client,
    get pid() {
      return pebblePid;
    },
    output: () => output,
    stop,
  };
}
