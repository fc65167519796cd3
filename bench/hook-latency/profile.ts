/**
 * Where the TypeScript charm's start-up goes: builds variants of the benchmark charm's bundle
 * (each differing from what `buildCharmDir` ships in one respect: `yaml` evaluated at load,
 * built-ins imported instead of required, no compile cache, not minified, the Pebble client
 * stubbed out) and measures how long the charm's Node takes to load
 * each one, interleaved, beside bare `node -e 0`. The variants only load: they run with an
 * empty environment, so the charm stops at its first line (`JUJU_DISPATCH_PATH is not set`).
 * A last row runs the real config-changed hook for reference.
 *
 * Run: `node --import tsx bench/hook-latency/profile.ts [runs]` (default 40 runs each).
 *
 * @example
 * ```ts
 * const rows = await profileStartup(40);
 * console.table(rows);
 * ```
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Plugin } from "esbuild";
import { bundleCharm } from "../../lib/pack/bundle.js";
import { writeFakeHookTools } from "../../lib/pack/fake-hook-tools.js";
import { hookEnv } from "../../lib/pack/hook-env.js";
import { lazyYaml } from "../../lib/pack/lazy-yaml-plugin.js";
import { REPO_ROOT } from "../../lib/pack/node-runtime.js";
import { ensureNodeRuntime, prepareTsCharm } from "./setup.js";
import { summarize, timeProcess } from "./stats.js";

/** One measured variant. */
export interface ProfileRow {
  variant: string;
  bytes: number;
  /** Wall time, median and minimum. */
  medianMs: number;
  minMs: number;
  /** Mean CPU time (user + system, all threads): steadier than wall time on a busy machine. */
  cpuMeanMs: number;
  /** CPU mean minus the full bundle's (negative: what the stubbed part costs). */
  cpuDeltaMs: number;
}

const ENTRY = join(REPO_ROOT, "bench", "hook-latency", "ts-charm", "src", "main.ts");

/** Replaces the modules matched by `filter` with an empty CommonJS module. */
function stub(filter: RegExp): Plugin {
  return {
    name: `stub-${filter.source}`,
    setup(b) {
      b.onResolve({ filter }, (args) => ({ path: args.path, namespace: "stub" }));
      b.onLoad({ filter: /.*/, namespace: "stub" }, () => ({
        contents: "module.exports = {};",
        loader: "js",
      }));
    },
  };
}

interface Variant {
  name: string;
  minify?: boolean;
  stubs?: RegExp[];
  requireBuiltins?: boolean;
  lazyYaml?: boolean;
  compileCache?: boolean;
}

/** The first variant is what `buildCharmDir` ships; each other one changes one thing. */
const VARIANTS: Variant[] = [
  { name: "as shipped (lazy yaml, built-ins required, compile cache)" },
  { name: "yaml evaluated at load (no lazyYaml plugin)", lazyYaml: false },
  { name: "built-ins imported, not required", requireBuiltins: false },
  { name: "no compile cache", compileCache: false },
  { name: "not minified", minify: false },
  {
    name: "without lib/pebble (client, ensure-layer stubbed)",
    stubs: [/pebble\/client\.js$/, /pebble\/ensure-layer\.js$/],
  },
];

/**
 * Measures every variant `runs` times, interleaved.
 *
 * @example
 * ```ts
 * console.table(await profileStartup(20));
 * ```
 */
export async function profileStartup(runs = 40): Promise<ProfileRow[]> {
  const tmp = mkdtempSync(join(tmpdir(), "hook-profile-"));
  try {
    const node = ensureNodeRuntime();
    const files: { name: string; file: string; bytes: number; env: Record<string, string> }[] = [];
    for (const [i, v] of VARIANTS.entries()) {
      const dir = join(tmp, `v${i}`);
      mkdirSync(dir);
      const out = await bundleCharm({
        entry: ENTRY,
        outDir: dir,
        minify: v.minify ?? true,
        ...(v.requireBuiltins === false ? { requireBuiltins: false } : {}),
        plugins: [...(v.stubs ?? []).map(stub), ...(v.lazyYaml === false ? [] : [lazyYaml()])],
      });
      const env: Record<string, string> =
        v.compileCache === false ? {} : { NODE_COMPILE_CACHE: join(dir, "cc") };
      files.push({ name: v.name, file: out.main, bytes: out.mainBytes, env });
    }
    const ts = await prepareTsCharm(join(tmp, "charm"));
    const tools = writeFakeHookTools(join(tmp, "tools"), {
      unit: "bench/0",
      config: { greeting: "hello" },
      relations: [{ endpoint: "website", id: 1, remoteApp: "client", remoteUnits: ["client/0"] }],
    });
    const hookEnvVars = hookEnv({
      charmDir: ts.dir,
      unit: "bench/0",
      hook: "config-changed",
      toolsDir: tools.dir,
    });
    const hookRun = () => timeProcess(ts.dispatch, [], { cwd: ts.dir, env: hookEnvVars });
    const load = (f: (typeof files)[number]) =>
      timeProcess(node, [f.file], { env: f.env, cwd: tmp });
    const bare = () => timeProcess(node, ["-e", "0"]);

    for (const f of files) load(f); // warm-up, fills the compile cache
    const BARE = "bare node -e 0";
    const HOOK = "config-changed hook (dispatch, 5 tool calls)";
    const wall = new Map<string, number[]>([[BARE, []]]);
    const cpu = new Map<string, number>([[BARE, 0]]);
    for (const f of files) {
      wall.set(f.name, []);
      cpu.set(f.name, 0);
    }
    wall.set(HOOK, []);
    cpu.set(HOOK, 0);
    const record = (name: string, r: { seconds: number; cpuSeconds: number }) => {
      wall.get(name)!.push(r.seconds);
      cpu.set(name, cpu.get(name)! + r.cpuSeconds);
    };
    for (let i = 0; i < runs; i++) {
      record(BARE, bare());
      for (const f of files) record(f.name, load(f));
      record(HOOK, hookRun());
    }
    const ms = (x: number) => Math.round(x * 10000) / 10;
    const fullName = files[0]!.name;
    const fullCpu = cpu.get(fullName)! / runs;
    return [...wall].map(([variant, xs]) => {
      const s = summarize(xs);
      const cpuMean = cpu.get(variant)! / runs;
      return {
        variant,
        bytes: files.find((f) => f.name === variant)?.bytes ?? 0,
        medianMs: ms(s.median),
        minMs: ms(s.min),
        cpuMeanMs: ms(cpuMean),
        cpuDeltaMs: ms(cpuMean - fullCpu),
      };
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (
  process.argv[1] &&
  existsSync(process.argv[1]) &&
  import.meta.url === pathToFileURL(process.argv[1]).href
) {
  console.table(await profileStartup(Number(process.argv[2] ?? 40)));
}
