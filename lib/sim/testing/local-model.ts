/**
 * Set-up for tests and benchmarks that run charms in the local model with networking and real
 * workloads: what the machine lacks ({@link localModelPrerequisites}), charms built into a
 * temporary folder ({@link buildCharms}), and a controller with a network namespace per unit and
 * a real Pebble per container ({@link startLocalModel}) whose `close()` removes everything it
 * made, and reports what was left.
 *
 * @example
 * ```ts
 * const missing = localModelPrerequisites({ images: { postgresql: ["postgresql/bin/postgres"] } });
 * const charms = await buildCharms({ db: "integration-tests/charms/postgresql-k8s" });
 * const model = await startLocalModel({ models: ["jaas"] });
 * try {
 *   await model.controller.deploy("jaas", { charmDir: charms.dirs.db, name: "postgresql-k8s" });
 *   await model.settle("deploy");
 *   model.units("jaas", "postgresql-k8s")["postgresql-k8s/0"]?.["workload-status"].current;
 * } finally {
 *   await model.close();
 *   await charms.remove();
 * }
 * ```
 *
 * @module
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { buildCharmDir } from "../../pack/build.js";
import { Controller } from "../controller.js";
import type { ControllerOptions, SettleResult } from "../controller.js";
import { listLinks, listNamespaces } from "../network/ip.js";
import type { UnitStatusOutput } from "../status.js";
import { ensureExecHelper } from "../workload/exec-helper.js";
import { defaultPebble, WorkloadManager } from "../workload/manager.js";
import { pidsWithMarker } from "../workload/procs.js";

/** The repository's root folder. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/**
 * The image folder `.cache/images/<name>` (laid out by `scripts/install-<name>.sh`), to give as
 * an OCI image resource.
 *
 * @example
 * ```ts
 * await c.deploy("jaas", { charmDir, resources: { "oci-image": imageFolder("openfga") } });
 * ```
 */
export function imageFolder(name: string): string {
  return join(REPO_ROOT, ".cache", "images", name);
}

/** What a local-model test or benchmark needs of the machine. */
export interface LocalModelNeeds {
  /** Network namespaces and real Pebble: root and `.cache/bin/pebble` (default true). */
  workloads?: boolean;
  /** Image folders (`.cache/images/<name>`) and the files, relative to each, that must be there. */
  images?: Readonly<Record<string, readonly string[]>>;
  /** Other files that must exist. */
  files?: readonly string[];
}

/**
 * What the machine lacks for a local-model run, one readable line each (empty when it can run),
 * so that a skipped test or a refused benchmark says exactly why.
 *
 * @example
 * ```ts
 * const missing = localModelPrerequisites({ images: { openfga: ["openfga", "grpc_health_probe"] } });
 * describe.skipIf(missing.length > 0)("openfga-k8s in the local model", () => { ... });
 * ```
 */
export function localModelPrerequisites(needs: LocalModelNeeds = {}): string[] {
  const missing: string[] = [];
  if (needs.workloads ?? true) {
    if (process.getuid?.() !== 0) missing.push("root (network and mount namespaces)");
    if (!existsSync(defaultPebble()))
      missing.push(`${defaultPebble()} (scripts/install-pebble.sh)`);
  }
  for (const [name, files] of Object.entries(needs.images ?? {})) {
    const script = join(REPO_ROOT, "scripts", `install-${name}.sh`);
    const from = existsSync(script) ? ` (scripts/install-${name}.sh)` : "";
    for (const file of files) {
      const path = join(imageFolder(name), file);
      if (!existsSync(path)) missing.push(`${path}${from}`);
    }
  }
  for (const file of needs.files ?? []) if (!existsSync(file)) missing.push(file);
  return missing;
}

/** A charm's source: its folder, and its entry point when not `src/main.ts` or `main.ts`. */
export interface CharmSource {
  dir: string;
  entry?: string;
}

/** Charms built by {@link buildCharms}. */
export interface BuiltCharms<K extends string> {
  /** The runnable charm directory of each charm, by the name it was given. */
  readonly dirs: Readonly<Record<K, string>>;
  /** The folder holding them. */
  readonly root: string;
  /** Removes {@link root}. Safe to call twice. */
  remove(): Promise<void>;
}

/**
 * Builds charms for the local model (esbuild bundle, the machine's Node linked, not minified),
 * each into `<root>/<name>`, one after the other. `root` is a new temporary folder unless
 * `outDir` is given; `remove()` removes it either way, and a failed build removes it at once.
 *
 * @example
 * ```ts
 * const charms = await buildCharms({ openfga: "charms/openfga-k8s", requirer: { dir, entry } });
 * charms.dirs.openfga; // "/tmp/jsim-charms-x1/openfga"
 * ```
 */
export async function buildCharms<K extends string>(
  sources: Readonly<Record<K, string | CharmSource>>,
  options: { outDir?: string; prefix?: string } = {},
): Promise<BuiltCharms<K>> {
  const root = options.outDir ?? (await mkdtemp(join(tmpdir(), options.prefix ?? "jsim-charms-")));
  const remove = (): Promise<void> => rm(root, { recursive: true, force: true });
  const dirs = {} as Record<K, string>;
  try {
    await mkdir(root, { recursive: true });
    for (const name of Object.keys(sources) as K[]) {
      const source = sources[name];
      const dir = resolve(typeof source === "string" ? source : source.dir);
      const entry =
        (typeof source === "string" ? undefined : source.entry) ??
        (existsSync(join(dir, "src", "main.ts"))
          ? join(dir, "src", "main.ts")
          : join(dir, "main.ts"));
      const built = await buildCharmDir({
        charmDir: dir,
        entry,
        outDir: join(root, name),
        node: process.execPath,
        nodeInstall: "symlink",
        minify: false,
      });
      dirs[name] = built.dir;
    }
  } catch (e) {
    await remove();
    throw e;
  }
  return { dirs, root, remove };
}

/** Options of {@link startLocalModel}. */
export interface LocalModelOptions {
  /** A network namespace per unit (needs root). Default true. */
  networking?: boolean;
  /** A real Pebble per container, through a {@link WorkloadManager}. Default: as `networking`. */
  workloads?: boolean;
  /** Models to add before returning. */
  models?: readonly string[];
  /** Controller options over {@link LOCAL_MODEL_DEFAULTS}. */
  controller?: Omit<ControllerOptions, "stateDir" | "networking" | "workloads">;
  /** Name prefix of the temporary folder (default `jsim-lm-`). */
  prefix?: string;
}

/**
 * The controller options a local-model run starts from: update-status off (only the hooks the
 * test causes run), retries 200 times sooner, no state saved.
 */
export const LOCAL_MODEL_DEFAULTS: Readonly<ControllerOptions> = {
  updateStatusIntervalMs: 0,
  timeScale: 0.005,
  persist: false,
};

/** What {@link LocalModel.close} found left behind (all empty normally). */
export interface LeftOver {
  /** Network namespaces named with the controller's network prefix. */
  namespaces: string[];
  /** Network links named with that prefix. */
  links: string[];
  /** Workload processes still running (marked with the workload manager's folder). */
  processes: number[];
  /** The temporary folder, if it is still there. */
  folders: string[];
}

/** How many times one service of a unit's container was started, three ways. */
export interface ServiceStarts {
  /** The unit's log lines that contain the charm's own message for a (re)start. */
  charmLog: number;
  /** The `start` tasks of the service in the container's Pebble changes. */
  pebbleStartTasks: number;
  /** The processes Pebble started (its `Service "<name>" starting` lines, crashes included). */
  processes: number;
}

/** A running local model: see {@link startLocalModel}. */
export interface LocalModel {
  readonly controller: Controller;
  /** The workload manager; throws when started with `workloads: false`. */
  readonly workloads: WorkloadManager;
  /** A temporary folder of this run, removed by `close()`: room for the caller's own files. */
  readonly dir: string;
  /**
   * Settles the controller and throws when a unit is in error, naming `what` was settled.
   * The result says whether the model became idle before the timeout.
   */
  settle(what: string, options?: { timeoutMs?: number }): Promise<SettleResult>;
  /** The units of an application, as `juju status` shows them (none: `{}`). */
  units(model: string, app: string): Record<string, UnitStatusOutput>;
  /** Every unit's workload status in one line, `active` or `blocked: <message>`. */
  workloadStatuses(model: string): Record<string, string>;
  /** How many of a unit's log lines contain `text`. */
  logCount(model: string, unit: string, text: string): number;
  /** How many times a service of a unit's container was started (see {@link ServiceStarts}). */
  serviceStarts(
    model: string,
    unit: string,
    what: { container: string; service: string; charmLog: string },
  ): Promise<ServiceStarts>;
  /**
   * Destroys the controller (hooks, pods, network namespaces), closes the workload manager
   * (Pebble daemons and their services), removes the temporary folder, and reports what is
   * left. Every step runs even when an earlier one fails; the failures are then thrown, or
   * given to `onError`. Safe to call twice (from a signal handler too).
   */
  close(options?: { onError?: (e: unknown) => void }): Promise<LeftOver>;
}

/**
 * Starts a controller in a new temporary folder, with networking and real workloads by default
 * (see {@link localModelPrerequisites}), the {@link LOCAL_MODEL_DEFAULTS} and the given models.
 * Always `close()` it, in a `finally`; a failed start removes what it made.
 *
 * @example
 * ```ts
 * const model = await startLocalModel({ models: ["jaas"] });
 * try {
 *   await model.controller.deploy("jaas", { charmDir, resources: { "oci-image": image } });
 *   await model.settle("deploy", { timeoutMs: 150_000 });
 * } finally {
 *   await model.close();
 * }
 * ```
 */
export async function startLocalModel(options: LocalModelOptions = {}): Promise<LocalModel> {
  const networking = options.networking ?? true;
  const withWorkloads = options.workloads ?? networking;
  if (withWorkloads) ensureExecHelper();
  const dir = await mkdtemp(join(tmpdir(), options.prefix ?? "jsim-lm-"));
  const workloadsDir = join(dir, "wl");
  const manager = withWorkloads ? new WorkloadManager({ stateDir: workloadsDir }) : undefined;
  let controller: Controller | undefined;
  let closing: Promise<{ leftOver: LeftOver; errors: unknown[] }> | undefined;

  const closeAll = async (): Promise<{ leftOver: LeftOver; errors: unknown[] }> => {
    const errors: unknown[] = [];
    const prefix = controller?.network?.prefix;
    await controller?.destroy().catch((e: unknown) => errors.push(e));
    await manager?.close().catch((e: unknown) => errors.push(e));
    await rm(dir, { recursive: true, force: true }).catch((e: unknown) => errors.push(e));
    const leftOver: LeftOver = { namespaces: [], links: [], processes: [], folders: [] };
    if (prefix !== undefined) {
      try {
        leftOver.namespaces = (await listNamespaces()).filter((n) => n.startsWith(prefix));
        leftOver.links = (await listLinks()).map((l) => l.ifname).filter((n) => n.includes(prefix));
      } catch (e) {
        errors.push(e);
      }
    }
    if (manager !== undefined) leftOver.processes = await pidsWithMarker(workloadsDir);
    if (existsSync(dir)) leftOver.folders.push(dir);
    return { leftOver, errors };
  };
  const close = async (o: { onError?: (e: unknown) => void } = {}): Promise<LeftOver> => {
    closing ??= closeAll();
    const { leftOver, errors } = await closing;
    if (o.onError !== undefined) errors.forEach(o.onError);
    else if (errors.length === 1) throw errors[0];
    else if (errors.length > 1) throw new AggregateError(errors, "closing the local model failed");
    return leftOver;
  };

  try {
    controller = await Controller.create({
      ...LOCAL_MODEL_DEFAULTS,
      ...options.controller,
      stateDir: join(dir, "ctl"),
      networking,
      workloads: manager,
    });
    for (const model of options.models ?? []) await controller.addModel(model);
  } catch (e) {
    await close({ onError: () => undefined });
    throw e;
  }
  const c = controller;

  const logCount = (model: string, unit: string, text: string): number =>
    c.unitLog(model, unit).filter((l) => l.message.includes(text)).length;
  const workloads = (): WorkloadManager => {
    if (manager === undefined) throw new Error("the local model was started without workloads");
    return manager;
  };

  return {
    controller: c,
    get workloads(): WorkloadManager {
      return workloads();
    },
    dir,
    close,
    logCount,
    async settle(what, settleOptions = {}) {
      const r = await c.settle(settleOptions);
      if (r.errors.length > 0) {
        throw new Error(`hook errors after ${what}: ${JSON.stringify(r.errors, null, 2)}`);
      }
      return r;
    },
    units(model, app) {
      return c.status(model).applications[app]?.units ?? {};
    },
    workloadStatuses(model) {
      const out: Record<string, string> = {};
      for (const app of Object.values(c.status(model).applications)) {
        for (const [name, u] of Object.entries(app.units ?? {})) {
          const ws = u["workload-status"];
          out[name] = `${ws.current}${ws.message ? `: ${ws.message}` : ""}`;
        }
      }
      return out;
    },
    async serviceStarts(model, unit, what) {
      const ref = { model, unit };
      const pebble = workloads().client(ref, what.container);
      let pebbleStartTasks: number;
      try {
        const changes = await pebble.getChanges({ select: "all" });
        pebbleStartTasks = changes
          .flatMap((ch) => ch.tasks)
          .filter((t) => t.kind === "start" && t.summary.includes(`"${what.service}"`)).length;
      } finally {
        pebble.close();
      }
      const log = await readFile(
        join(dirname(workloads().containersDir(ref)), "logs", `${what.container}.log`),
        "utf8",
      );
      const processes = log
        .split("\n")
        .filter((l) => l.includes(`Service "${what.service}" starting`)).length;
      return { charmLog: logCount(model, unit, what.charmLog), pebbleStartTasks, processes };
    },
  };
}
