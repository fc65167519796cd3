/**
 * What the demo (scripts/demo.ts) needs to drive the `jaas` command as an operator would:
 * headings, running `bin/jaas` with its output shown as it comes (the command line first), and
 * following a model's convergence by polling `jaas status --format=json`, one line per unit
 * whose status changed.
 *
 * @example
 * ```ts
 * const jaas = new JaasShell({ root, env: { ...process.env, JAAS_HOME: home } });
 * heading("Add a model");
 * await jaas.run("add-model", "jaas");
 * await followConvergence(jaas, { "openfga-k8s": 1 }, { timeoutMs: 240_000 });
 * ```
 */
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { join } from "node:path";
import type { StatusOutput } from "../../lib/sim/status.js";

/** A finished `jaas` command. */
export interface JaasRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** Options of {@link JaasShell.run}. */
export interface RunOptions {
  /** Show neither the command nor its output (default false). */
  quiet?: boolean;
  /** Throw when the command fails (default true). */
  check?: boolean;
}

const started = Date.now();

/**
 * Seconds since the demo started, as `+12s`.
 *
 * @example
 * ```ts
 * elapsed(); // "+12s"
 * ```
 */
export function elapsed(): string {
  return `+${Math.round((Date.now() - started) / 1000)}s`;
}

/**
 * Prints a heading that stands out in the transcript.
 *
 * @example
 * ```ts
 * heading("Bootstrap a local controller"); // "\n==> Bootstrap a local controller  (+0s)"
 * ```
 */
export function heading(text: string): void {
  process.stdout.write(`\n==> ${text}  (${elapsed()})\n`);
}

/**
 * Prints an explanatory note (indented, after a `#`, like a shell comment).
 *
 * @example
 * ```ts
 * note("credentials stay in secrets");
 * ```
 */
export function note(text: string): void {
  process.stdout.write(`# ${text}\n`);
}

/**
 * Runs `bin/jaas` of a checkout with a given environment; remembers the running command so
 * that an interrupt can stop it.
 *
 * @example
 * ```ts
 * const r = await new JaasShell({ root, env }).run("status", "--format=json");
 * ```
 */
export class JaasShell {
  readonly bin: string;
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
  #running: ChildProcess | undefined;

  constructor(options: { root: string; env: NodeJS.ProcessEnv }) {
    this.root = options.root;
    this.bin = join(options.root, "bin", "jaas");
    this.env = options.env;
  }

  /**
   * Runs `jaas <args…>` in the checkout (relative paths are the repository's): prints
   * `$ jaas <args…>`, then its stdout and stderr as they come.
   * Throws on a non-zero exit unless `check` is false.
   *
   * @example
   * ```ts
   * await jaas.run("integrate", "openfga-k8s:database", "postgresql-k8s");
   * ```
   */
  run(...args: string[]): Promise<JaasRun>;
  run(options: RunOptions, ...args: string[]): Promise<JaasRun>;
  run(first: RunOptions | string, ...rest: string[]): Promise<JaasRun> {
    const options = typeof first === "string" ? {} : first;
    const args = typeof first === "string" ? [first, ...rest] : rest;
    const show = options.quiet !== true;
    if (show) process.stdout.write(`$ jaas ${args.join(" ")}\n`);
    return new Promise((resolve, reject) => {
      const child = spawn(this.bin, args, {
        cwd: this.root,
        env: this.env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      this.#running = child;
      let out = "";
      let err = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (show) process.stdout.write(d);
      });
      child.stderr.on("data", (d: Buffer) => {
        err += d.toString();
        if (show) process.stdout.write(d);
      });
      child.on("error", reject);
      child.on("close", (code, signal) => {
        if (this.#running === child) this.#running = undefined;
        if (show && out !== "" && !out.endsWith("\n")) process.stdout.write("\n");
        const run = { code, signal, out, err };
        if (options.check !== false && code !== 0) {
          reject(
            new Error(
              `jaas ${args.join(" ")} failed (${signal ?? `exit code ${code}`})${show ? "" : `: ${err.trim()}`}`,
            ),
          );
        } else resolve(run);
      });
    });
  }

  /**
   * Stops the command that is running, if any (on an interrupt).
   *
   * @example
   * ```ts
   * jaas.stop();
   * ```
   */
  stop(): void {
    this.#running?.kill("SIGTERM");
  }

  /**
   * The model's status (`jaas status --format=json`, not shown).
   *
   * @example
   * ```ts
   * (await jaas.status()).applications["openfga-k8s"]?.scale; // 1
   * ```
   */
  async status(): Promise<StatusOutput> {
    return JSON.parse(
      (await this.run({ quiet: true }, "status", "--format=json")).out,
    ) as StatusOutput;
  }
}

/** Options of {@link followConvergence}. */
export interface FollowOptions {
  timeoutMs: number;
  /** Polling interval (default 1 s). */
  intervalMs?: number;
  /** Stops the wait early (an interrupt). */
  signal?: AbortSignal;
}

function unitLine(name: string, workload: string, agent: string, message: string): string {
  return `  ${elapsed().padStart(5)}  ${name.padEnd(20)} ${workload.padEnd(12)} ${agent.padEnd(10)} ${message}`.trimEnd();
}

/**
 * Polls `jaas status --format=json` until the listed applications have exactly their number of
 * units, every unit of the model is active (workload) and idle (agent); prints a line whenever
 * a unit's status changes. Throws after `timeoutMs`, naming the units that did not get there.
 *
 * @example
 * ```ts
 * await followConvergence(jaas, { "postgresql-k8s": 1, "openfga-k8s": 1 }, { timeoutMs: 240_000 });
 * ```
 */
export async function followConvergence(
  jaas: JaasShell,
  scales: Record<string, number>,
  options: FollowOptions,
): Promise<StatusOutput> {
  const interval = options.intervalMs ?? 1000;
  const deadline = Date.now() + options.timeoutMs;
  process.stdout.write(
    "$ jaas status --format=json   # every second, until every unit is active and idle\n",
  );
  const seen = new Map<string, string>();
  for (;;) {
    const status = await jaas.status();
    const pending: string[] = [];
    for (const [app, want] of Object.entries(scales)) {
      const have = Object.keys(status.applications[app]?.units ?? {}).length;
      if (have !== want) pending.push(`${app} (${have}/${want} units)`);
    }
    for (const app of Object.values(status.applications)) {
      for (const [name, unit] of Object.entries(app.units ?? {})) {
        const workload = unit["workload-status"].current;
        const agent = unit["juju-status"].current;
        const message = unit["workload-status"].message ?? "";
        const line = unitLine(name, workload, agent, message);
        const key = `${workload}\0${agent}\0${message}`;
        if (seen.get(name) !== key) {
          process.stdout.write(`${line}\n`);
          seen.set(name, key);
        }
        if (workload !== "active" || agent !== "idle") {
          pending.push(`${name} (${workload}/${agent}${message !== "" ? `: ${message}` : ""})`);
        }
      }
    }
    if (pending.length === 0) return status;
    if (options.signal?.aborted === true) throw new Error("interrupted");
    if (Date.now() > deadline) {
      throw new Error(
        `not converged after ${Math.round(options.timeoutMs / 1000)} s: ${pending.join(", ")}`,
      );
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}
