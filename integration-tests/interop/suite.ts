/**
 * The scaffolding every interop test file shares, as one call: {@link interopSuite} makes the
 * virtual environment, starts a controller with one model, prepares the Python charms and builds
 * the TypeScript ones, deploys them and settles (in `beforeAll`); records every hook-tool call;
 * destroys the controller, removes the temporary folder and logs the timings (in `afterAll`,
 * whatever happened before). A test file keeps only what is specific to its interface.
 *
 * @example
 * ```ts
 * const suite = interopSuite({
 *   title: "openfga",
 *   model: "fga",
 *   charms: [
 *     { ts: "ts-openfga-provider", name: "fga-ts" },
 *     { py: "py-openfga-requirer", name: "py-req" },
 *   ],
 * });
 * const e = suite.env;
 *
 * describe("openfga", () => {
 *   it("integrates", async () => {
 *     await suite.integrate("py-req", "fga-ts", "integrate+settle");
 *     expect(e().workload("py-req/0").current).toBe("active");
 *   }, PHASE_MS);
 *   suite.leakScanTest({ secrets: { atLeast: 1 } });
 * });
 * ```
 */
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DeployOptions } from "../../lib/sim/controller.js";
import {
  InteropEnv,
  buildTsCharm,
  ensureInteropVenv,
  preparePyCharm,
  recordToolCalls,
  scanForLeaks,
  visibleTexts,
} from "./setup.js";
import type { LeakScan, ToolCall, VisibleText } from "./setup.js";

/** The time limit of each phase: the set-up, the clean-up, and each test. */
export const PHASE_MS = 600_000;

/** The name of the leak-scan test {@link InteropSuite.leakScanTest} registers by default. */
export const LEAK_SCAN_TEST =
  "never shows a secret value in a databag, log, status or tool argument";

/** Application config at deploy time (`juju deploy --config`). */
export type CharmConfig = NonNullable<DeployOptions["config"]>;

/** What every charm of a suite has, Python or TypeScript. */
interface CharmCommon {
  /** The application name to deploy as. */
  name: string;
  /** Config at deploy time; a function is called just before the deploy (after `prepare`). */
  config?: CharmConfig | (() => CharmConfig);
}

/**
 * One application of a suite: `py` names a Python charm folder next to this file (prepared with
 * {@link preparePyCharm}), `ts` a TypeScript one (built with {@link buildTsCharm}). A folder named
 * by several applications is prepared once and deployed under each name.
 */
export type SuiteCharm = CharmCommon & ({ py: string; ts?: never } | { ts: string; py?: never });

/** What {@link interopSuite} sets up. */
export interface InteropSuiteOptions {
  /** The interface as the timings log line names it, e.g. `"postgresql_client"`. */
  title: string;
  /** The model's name (also the namespace in the charms' service addresses). */
  model: string;
  /** The applications to deploy, in this order; the model settles after the last. */
  charms: readonly SuiteCharm[];
  /** Runs once the controller is up, before the charms are built (e.g. to make files in `env.tmp`). */
  prepare?: (env: InteropEnv) => void | Promise<void>;
}

/** What the leak-scan test checks besides "no leak" and "some hook-tool calls were scanned". */
export interface LeakScanOptions {
  /** The test's name (default {@link LEAK_SCAN_TEST}). */
  name?: string;
  /** Secret content keys whose values are public by design (e.g. `"ca-certificate"`). */
  publicKeys?: readonly string[];
  /** How many distinct secret values the scan must look for: exactly, or at least. */
  secrets?: number | { atLeast: number };
  /** More checks on the scan's result, run after the others. */
  also?: (scan: LeakScan) => void;
}

/** One interop test file's environment and the helpers around it; see {@link interopSuite}. */
export interface InteropSuite {
  /** The model's name. */
  readonly model: string;
  /** Phase durations (ms) by label, logged after the run; the set-up fills `set-up`, `deploy`. */
  readonly timings: Record<string, number>;
  /** Every hook-tool call of the run so far. */
  readonly calls: readonly ToolCall[];
  /** The environment; throws when the set-up failed. A plain function: safe to destructure. */
  readonly env: () => InteropEnv;
  /** Runs `step` and records how long it took under `label` in {@link timings}. */
  readonly timed: <T>(label: string, step: () => Promise<T>) => Promise<T>;
  /** Integrates `a` with `b`, settles (no hook error), and records the time under `label`. */
  readonly integrate: (a: string, b: string, label: string) => Promise<void>;
  /** Everything the model shows outside its secrets ({@link visibleTexts}) at this point. */
  readonly visibleTexts: () => VisibleText[];
  /**
   * Registers (in the enclosing `describe`) the secret-leak scan test of the whole run: no secret
   * value shows anywhere, some hook-tool calls were scanned, and what `options` adds.
   */
  readonly leakScanTest: (options?: LeakScanOptions) => void;
}

/** The charm folder a suite application is deployed from. */
function folderOf(charm: SuiteCharm): string {
  return charm.py !== undefined ? charm.py : charm.ts;
}

/**
 * Registers the `beforeAll` and `afterAll` of an interop test file (call it at the top level)
 * and returns the suite: see the module's example. The set-up times `set-up` (venv, controller,
 * `prepare`, charms) and `deploy` (deploys and settle); the clean-up stops the hook-tool
 * recorder, closes the environment and logs `<title> interop timings (ms): {…}`.
 */
export function interopSuite(options: InteropSuiteOptions): InteropSuite {
  const { title, model } = options;
  const timings: Record<string, number> = {};
  const recorder = recordToolCalls();
  let current: InteropEnv | undefined;

  const env = (): InteropEnv => {
    if (current === undefined) throw new Error("no environment (set-up failed)");
    return current;
  };

  const timed = async <T>(label: string, step: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    const result = await step();
    timings[label] = Date.now() - t;
    return result;
  };

  beforeAll(async () => {
    const deploys = await timed("set-up", async () => {
      const venv = ensureInteropVenv();
      const started = await InteropEnv.start(model);
      current = started;
      await options.prepare?.(started);
      const built = new Map<string, string>();
      const out: { charm: SuiteCharm; charmDir: string }[] = [];
      for (const charm of options.charms) {
        const folder = folderOf(charm);
        let charmDir = built.get(folder);
        if (charmDir === undefined) {
          const outDir = join(started.tmp, folder);
          charmDir =
            charm.py !== undefined
              ? preparePyCharm(folder, outDir, venv)
              : await buildTsCharm(folder, outDir);
          built.set(folder, charmDir);
        }
        out.push({ charm, charmDir });
      }
      return out;
    });
    await timed("deploy", async () => {
      for (const { charm, charmDir } of deploys) {
        const config = typeof charm.config === "function" ? charm.config() : charm.config;
        await env().controller.deploy(model, {
          charmDir,
          name: charm.name,
          ...(config === undefined ? {} : { config }),
        });
      }
      await env().settle();
    });
  }, PHASE_MS);

  afterAll(async () => {
    recorder.stop();
    try {
      await current?.close();
    } finally {
      console.log(`${title} interop timings (ms): ${JSON.stringify(timings)}`);
    }
  }, PHASE_MS);

  return {
    model,
    timings,
    calls: recorder.calls,
    env,
    timed,
    integrate: (a, b, label) =>
      timed(label, async () => {
        await env().controller.integrate(model, a, b);
        await env().settle();
      }),
    visibleTexts: () => visibleTexts(env().controller, model, recorder.calls),
    leakScanTest: (scanOptions = {}) => {
      it(scanOptions.name ?? LEAK_SCAN_TEST, () => {
        const scan = scanForLeaks(env().controller, model, recorder.calls, scanOptions.publicKeys);
        const { secrets } = scanOptions;
        if (typeof secrets === "number") {
          expect(scan.secrets).toBe(secrets);
        } else if (secrets !== undefined) {
          expect(scan.secrets).toBeGreaterThanOrEqual(secrets.atLeast);
        }
        expect(scan.scanned.toolCalls).toBeGreaterThan(0);
        expect(scan.leaks).toEqual([]);
        scanOptions.also?.(scan);
      });
    },
  };
}
