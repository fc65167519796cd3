/**
 * {@link WorkloadManager}: the workload containers of the local model's units. Every container
 * of every unit gets its own real Pebble daemon, started through the exec helper:
 *
 * - in the unit's network namespace (when given), so several units of one application all
 *   listen on their usual port;
 * - in a private mount namespace whose root is built on a tmpfs, where every top-level host
 *   directory is an overlay (host directory as lower layer, a per-container upper layer) and
 *   `/tmp` and `/run` are fresh: two units can each write `/etc/openfga/config.yaml` and keep
 *   their own;
 * - with the image resource (a folder of executables) merged over `/usr/local/bin`, Pebble at
 *   `/charm/bin/pebble`, and the container's folder of the shared volume at `/charm/container`,
 *   where Pebble puts its state and its socket, as in a Juju sidecar pod.
 *
 * On the host a unit's files are laid out as
 *
 * ```
 * <stateDir>/<model>/<app>-<n>/
 *   containers/<name>/pebble.socket   the socket (charm: /charm/containers/<name>/pebble.socket)
 *   containers/<name>/pebble/         Pebble's state ($PEBBLE)
 *   fs/<name>/upper/, work/, tmp/     the container's own writable layers
 *   fs/<name>/root/                   mount point of its root (empty outside its namespace)
 *   logs/<name>.log                   Pebble's output and its services', across restarts
 *   .charm-root/                      mount point of the charm process's root
 * ```
 *
 * Events (pebble-ready, custom notices, check failed/recovered) go to subscribers, in order per
 * container. See `watcher.ts` for how notices become events.
 *
 * @module
 */

import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  rmdir,
  stat,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { PebbleClient } from "../../pebble/client.js";
import { processStartTime } from "../network/cleanup.js";
import { ConnectionError } from "../../pebble/errors.js";
import { startDaemon } from "./daemon.js";
import type { Daemon } from "./daemon.js";
import type { WorkloadEvent, WorkloadListener } from "./events.js";
import type { ControllerWorkloads } from "./types.js";
import { charmProcessCommand, DEFAULT_IMAGE_PATH, execHelperPath } from "./exec-helper.js";
import type { ContainerMount } from "./exec-helper.js";
import { delay, killAll, pidsWithMarker } from "./procs.js";
import { NoticeWatcher } from "./watcher.js";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** Default state folders are `<tmpdir>/jaas-sim-wl-*`, with their owner in `.owner`. */
const STATE_PREFIX = "jaas-sim-wl-";
const OWNER_FILE = ".owner";

/** The longest Unix socket path Linux accepts (108 bytes with the terminating NUL). */
const MAX_SOCKET_PATH = 107;

/**
 * A unit whose containers the manager runs.
 *
 * @example
 * ```ts
 * const unit: WorkloadUnit = { model: "jaas", unit: "openfga/0", namespace: net.namespace };
 * ```
 */
export interface WorkloadUnit {
  model: string;
  /** The Juju unit name, `openfga/0`. */
  unit: string;
  /** The unit's network namespace (`UnitNetwork.namespace`); absent: the host's network. */
  namespace?: string;
  /**
   * The pod's host name (a private UTS namespace for its containers and its charm). Default:
   * `<app>-<n>` when the unit has a network namespace (the network's hosts files map that name
   * to the unit, so `getfqdn()` gives the pod's FQDN as in Kubernetes), else the machine's.
   */
  hostname?: string;
}

/**
 * Names a unit.
 *
 * @example
 * ```ts
 * await manager.stopUnit({ model: "jaas", unit: "openfga/0" } satisfies WorkloadUnitRef);
 * ```
 */
export interface WorkloadUnitRef {
  model: string;
  unit: string;
}

/**
 * One workload container, as the charm's `containers:` and the deployed resources define it.
 *
 * @example
 * ```ts
 * const spec: ContainerSpec = { name: "openfga", image: "/srv/images/openfga", env: { TZ: "UTC" } };
 * ```
 */
export interface ContainerSpec {
  /** The container's name in the charm's metadata. */
  name: string;
  /**
   * The OCI image resource: a local folder of executables (absolute, or relative to the
   * working directory). Any other value (a registry reference such as `openfga/openfga:v1.8`,
   * as a bundle for real Juju gives) is reported and the container runs without an image.
   */
  image?: string;
  /** Where the image's executables appear (default `/usr/local/bin`, merged over it). */
  imagePath?: string;
  /** Storage and other host folders mounted into the container. */
  mounts?: readonly ContainerMount[];
  /** Environment of the container (Pebble and its services), e.g. the image's `ENV`. */
  env?: Readonly<Record<string, string>>;
}

/**
 * A started container.
 *
 * @example
 * ```ts
 * const { socketPath, readyMs }: ContainerInfo = started.containers.openfga;
 * ```
 */
export interface ContainerInfo {
  name: string;
  /** The Pebble socket on the host. */
  socketPath: string;
  /** Pebble's pid. */
  pid: number;
  /** Milliseconds from spawning the helper until Pebble answered `GET /v1/system-info`. */
  readyMs: number;
}

/**
 * A started unit.
 *
 * @example
 * ```ts
 * const started: UnitWorkload = await manager.startUnit(unit, specs);
 * ```
 */
export interface UnitWorkload {
  model: string;
  unit: string;
  /** `<unit dir>/containers`: bind it over `/charm/containers` for the charm. */
  containersDir: string;
  containers: Record<string, ContainerInfo>;
}

/**
 * Options of {@link WorkloadManager}.
 *
 * @example
 * ```ts
 * new WorkloadManager({ stateDir: "/tmp/jsim-wl", stopGraceMs: 5_000, onError: (e, where) => log(where, e) });
 * ```
 */
export interface WorkloadManagerOptions {
  /**
   * Where units' files go; default a new `jaas-sim-wl-*` folder in the system's temporary
   * folder, removed by `close()`. Keep it short: socket paths are limited to 107 bytes.
   */
  stateDir?: string;
  /** The Pebble binary; default `$PEBBLE_BIN`, else `.cache/bin/pebble`. */
  pebble?: string;
  /** The exec helper; default `$JAAS_SIM_EXEC`, else `.cache/bin/jaas-sim-exec`. */
  helper?: string;
  /** How long Pebble may take to answer, ms (default 30 000). */
  startTimeoutMs?: number;
  /** How long Pebble may take to stop its services and exit before SIGKILL, ms (default 10 000). */
  stopGraceMs?: number;
  /**
   * Restart a Pebble that ended by itself, as the kubelet restarts a container (fresh writable
   * layer, same shared volume, then pebble-ready again). Default true.
   */
  restartOnExit?: boolean;
  /**
   * Host top-level directories containers share (bind-mounted, writes reach the host) instead
   * of copying on write. Default none. The state folder may lie below an overlaid directory
   * (say `/work`): the kernel accepts an upper layer inside the lower one unless overlayfs'
   * `index` feature is on, and where it refuses, the helper shares that directory instead and
   * says so in the container's log.
   */
  share?: readonly string[];
  /** Where listener and watcher errors go; default `console.error`. */
  onError?: (error: unknown, where: string) => void;
}

/** Events of one container are delivered one after the other. */
interface EventQueue {
  tail: Promise<void>;
}

/** A running container. */
interface ContainerState {
  spec: ContainerSpec;
  sharedDir: string;
  fsDir: string;
  socketPath: string;
  daemon: Daemon;
  watcher: NoticeWatcher;
  events: EventQueue;
  restarts: number;
}

interface UnitState {
  unit: WorkloadUnit;
  dir: string;
  specs: ContainerSpec[];
  containers: Map<string, ContainerState>;
  stopping: boolean;
}

const NAME_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const UNIT_RE = /^([a-z][a-z0-9-]*)\/(\d+)$/;

/** Every live manager, so the process's exit takes their daemons down. */
const live = new Set<WorkloadManager>();
let exitHook = false;

/**
 * Runs the workload containers of the local model's units: one real Pebble per container, in
 * the unit's network namespace and the container's own filesystem view, and delivers their
 * events. Needs root. Always `close()` it (in a `finally`).
 *
 * @example
 * ```ts
 * const manager = new WorkloadManager();
 * manager.subscribe((e) => console.log(e.kind, e.unit, e.container));
 * try {
 *   const u = await net.addUnit({ model: "jaas", app: "openfga", unit: 0, kind: "kubernetes" });
 *   await manager.startUnit(
 *     { model: "jaas", unit: "openfga/0", namespace: u.namespace },
 *     [{ name: "openfga", image: "/images/openfga" }],
 *   );
 *   const pebble = manager.client({ model: "jaas", unit: "openfga/0" }, "openfga");
 *   await pebble.push("/etc/openfga/config.yaml", "...", { makeDirs: true });
 * } finally {
 *   await manager.close();
 * }
 * ```
 */
export class WorkloadManager implements ControllerWorkloads {
  readonly #options: WorkloadManagerOptions;
  readonly #listeners = new Set<WorkloadListener>();
  readonly #units = new Map<string, UnitState>();
  /** Per-unit serialisation of start, stop and churn. */
  readonly #locks = new Map<string, Promise<unknown>>();
  #stateDir: string | undefined;
  #ownsStateDir = false;
  #share: string[] | undefined;
  #closed = false;

  constructor(options: WorkloadManagerOptions = {}) {
    this.#options = options;
  }

  /** The state folder (made on the first `startUnit`). */
  get stateDir(): string | undefined {
    return this.#stateDir;
  }

  /**
   * Subscribes to workload events; returns the unsubscribe function. Events of one container
   * arrive in order, each after the previous one's listeners (and their promises) finished.
   *
   * @example
   * ```ts
   * const off = manager.subscribe(async (e) => { await controller.queueHook(e); });
   * ```
   */
  subscribe(listener: WorkloadListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Starts one Pebble per container and resolves when all answer; each container's
   * pebble-ready event follows, after the returned promise has resolved. If any container fails to start, the unit's other containers
   * are stopped and its files removed before the error is thrown.
   *
   * @example
   * ```ts
   * const { containers } = await manager.startUnit(
   *   { model: "jaas", unit: "openfga/1", namespace: net.unit({ model: "jaas", unit: "openfga/1" })?.namespace },
   *   [{ name: "openfga", image: "/srv/images/openfga" }],
   * );
   * containers.openfga.socketPath; // ".../jaas/openfga-1/containers/openfga/pebble.socket"
   * ```
   */
  startUnit(unit: WorkloadUnit, containers: readonly ContainerSpec[]): Promise<UnitWorkload> {
    return this.#serial(unit, async () => {
      if (this.#closed) throw new Error("WorkloadManager is closed");
      const key = unitKey(unit);
      if (this.#units.has(key)) throw new Error(`unit ${unit.unit} of ${unit.model} is running`);
      validate(unit, containers);
      const dir = await this.#unitDir(unit);
      const state: UnitState = {
        unit: { ...unit },
        dir,
        specs: containers.map((c) => ({ ...c })),
        containers: new Map(),
        stopping: false,
      };
      this.#units.set(key, state);
      this.#installExitHook();
      try {
        await this.#startContainers(state);
      } catch (error) {
        await this.#stopUnit(state).catch(() => undefined);
        throw error;
      }
      return this.#describe(state);
    });
  }

  /**
   * Stops every Pebble of the unit (which stops their services), kills whatever is left in the
   * containers, and removes the unit's files. A unit that is not running is a no-op.
   *
   * @example
   * ```ts
   * await manager.stopUnit({ model: "jaas", unit: "openfga/1" });
   * ```
   */
  stopUnit(ref: WorkloadUnitRef): Promise<void> {
    return this.#serial(ref, async () => {
      const state = this.#units.get(unitKey(ref));
      if (state !== undefined) await this.#stopUnit(state);
    });
  }

  /**
   * Replaces the unit's pod: stops its containers, discards their filesystems and Pebble state
   * (a new pod has fresh ones), and starts them again; pebble-ready follows for each.
   *
   * @example
   * ```ts
   * await manager.churn({ model: "jaas", unit: "openfga/0" });
   * ```
   */
  churn(ref: WorkloadUnitRef): Promise<UnitWorkload> {
    return this.#serial(ref, async () => {
      const state = this.#units.get(unitKey(ref));
      if (state === undefined) throw new Error(`unit ${ref.unit} of ${ref.model} is not running`);
      state.stopping = true;
      await this.#stopContainers(state);
      await rm(join(state.dir, "containers"), { recursive: true, force: true });
      await rm(join(state.dir, "fs"), { recursive: true, force: true });
      state.stopping = false;
      try {
        await this.#startContainers(state);
      } catch (error) {
        await this.#stopUnit(state).catch(() => undefined);
        throw error;
      }
      return this.#describe(state);
    });
  }

  /**
   * The unit's containers folder on the host (bind it over `/charm/containers`).
   *
   * @example
   * ```ts
   * manager.containersDir({ model: "jaas", unit: "openfga/0" });
   * ```
   */
  containersDir(ref: WorkloadUnitRef): string {
    return join(this.#running(ref).dir, "containers");
  }

  /**
   * The host path of a container's Pebble socket.
   *
   * @example
   * ```ts
   * new PebbleClient({ socketPath: manager.socketPath(ref, "openfga") });
   * ```
   */
  socketPath(ref: WorkloadUnitRef, container: string): string {
    return this.#container(ref, container).socketPath;
  }

  /**
   * A new client of a container's Pebble (close it when done).
   *
   * @example
   * ```ts
   * const pebble = manager.client(ref, "openfga");
   * try { await pebble.replan(); } finally { pebble.close(); }
   * ```
   */
  client(ref: WorkloadUnitRef, container: string): PebbleClient {
    return new PebbleClient({ socketPath: this.socketPath(ref, container) });
  }

  /**
   * The end of a container's log: Pebble's output with `--verbose`, so its services' too
   * (`<unit dir>/logs/<name>.log`, kept across restarts of the container).
   *
   * @example
   * ```ts
   * console.log(manager.logs(ref, "openfga"));
   * ```
   */
  logs(ref: WorkloadUnitRef, container: string): string {
    return this.#container(ref, container).daemon.output();
  }

  /**
   * The argv of the unit's charm process (see {@link charmProcessCommand}): in the unit's
   * network namespace, with the containers' sockets at `/charm/containers/<name>/pebble.socket`.
   *
   * @example
   * ```ts
   * const [file, ...args] = manager.charmProcessCommand(ref, [join(charmDir, "dispatch")]);
   * spawn(file, args, { cwd: charmDir, env });
   * ```
   */
  charmProcessCommand(
    ref: WorkloadUnitRef,
    command: readonly string[],
    options: { uid?: number; gid?: number } = {},
  ): string[] {
    const state = this.#running(ref);
    return charmProcessCommand({
      command,
      containersDir: join(state.dir, "containers"),
      rootDir: join(state.dir, ".charm-root"),
      ...(state.unit.namespace !== undefined ? { netns: state.unit.namespace } : {}),
      ...(podHostname(state.unit) !== undefined ? { hostname: podHostname(state.unit) } : {}),
      helper: this.#options.helper ?? execHelperPath(),
      ...options,
    });
  }

  /**
   * The running units.
   *
   * @example
   * ```ts
   * for (const u of manager.units()) await manager.stopUnit(u);
   * ```
   */
  units(): UnitWorkload[] {
    return [...this.#units.values()].map((s) => this.#describe(s));
  }

  /**
   * Stops every unit and removes the state folder if the manager made it. Safe to call twice.
   *
   * @example
   * ```ts
   * try { ... } finally { await manager.close(); }
   * ```
   */
  async close(): Promise<void> {
    this.#closed = true;
    const errors: unknown[] = [];
    for (const state of [...this.#units.values()]) {
      await this.stopUnit(state.unit).catch((e: unknown) => errors.push(e));
    }
    if (this.#ownsStateDir && this.#stateDir !== undefined) {
      await rm(this.#stateDir, { recursive: true, force: true }).catch((e: unknown) =>
        errors.push(e),
      );
    }
    live.delete(this);
    if (errors.length > 0) throw new AggregateError(errors, "WorkloadManager.close failed");
  }

  async #startContainers(state: UnitState): Promise<void> {
    const started = await Promise.allSettled(
      state.specs.map((spec) => this.#startContainer(state, spec)),
    );
    const failure = started.find((r) => r.status === "rejected");
    if (failure !== undefined) throw (failure as PromiseRejectedResult).reason;
    // Announced once the caller has seen startUnit resolve: the controller marks the pod up
    // when the await returns, and a pebble-ready hook must find it up.
    const containers = [...state.containers.values()];
    setImmediate(() => {
      for (const c of containers) this.#announce(state, c);
    });
  }

  async #startContainer(
    state: UnitState,
    spec: ContainerSpec,
    resume?: { after: string | undefined; restarts: number },
  ): Promise<ContainerState> {
    const sharedDir = join(state.dir, "containers", spec.name);
    const fsDir = join(state.dir, "fs", spec.name);
    const socketPath = join(sharedDir, "pebble.socket");
    if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
      throw new Error(
        `socket path ${socketPath} is longer than ${MAX_SOCKET_PATH} bytes: use a shorter stateDir`,
      );
    }
    await mkdir(sharedDir, { recursive: true, mode: 0o755 });
    await mkdir(join(state.dir, "logs"), { recursive: true, mode: 0o755 });
    await mkdir(fsDir, { recursive: true, mode: 0o755 });
    const imagePath = spec.imagePath ?? DEFAULT_IMAGE_PATH;
    const basePath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    const path = basePath.split(":").includes(imagePath) ? basePath : `${imagePath}:${basePath}`;
    const { unit } = state;
    const name = spec.name;
    const image = await this.#image(spec, `${unit.unit}/${name}`);
    // The exit callback needs the container record that is made once the daemon answered.
    const self: { container?: ContainerState } = {};
    const daemon = await startDaemon({
      name,
      container: {
        sharedDir,
        pebble: await realpath(this.#options.pebble ?? defaultPebble()),
        rootDir: join(fsDir, "root"),
        upperDir: fsDir,
        share: await this.#shared(),
        ...(image !== undefined ? { image: { dir: image, path: imagePath } } : {}),
        ...(spec.mounts !== undefined ? { mounts: spec.mounts } : {}),
        ...(unit.namespace !== undefined ? { netns: unit.namespace } : {}),
        ...(podHostname(unit) !== undefined ? { hostname: podHostname(unit) } : {}),
        dieWithParent: true,
        helper: this.#options.helper ?? execHelperPath(),
      },
      socketPath,
      env: { PATH: path, HOME: "/root", LANG: "C.UTF-8", ...spec.env },
      marker: join(state.dir, "containers", name),
      logPath: join(state.dir, "logs", `${name}.log`),
      startTimeoutMs: this.#options.startTimeoutMs ?? 30_000,
      onExit: (code, signal) => {
        const c = self.container;
        if (c !== undefined && current(state, name) === c)
          void this.#restart(state, c, `pebble exited (${code ?? signal})`);
      },
    });
    const events: EventQueue = { tail: Promise.resolve() };
    const where = `${unit.unit}/${name}`;
    const watcher = new NoticeWatcher(
      new PebbleClient({ socketPath }),
      (e) => this.#emit(events, { ...e, model: unit.model, unit: unit.unit, container: name }),
      {
        ...(resume?.after !== undefined ? { after: resume.after } : {}),
        onError: (error) => {
          // A daemon going down takes the poll with it: its exit is reported, not the poll's.
          if (error instanceof ConnectionError) return;
          if (!state.stopping && current(state, name) === self.container)
            this.#report(error, `notices of ${where}`);
        },
      },
    );
    const container: ContainerState = {
      spec,
      sharedDir,
      fsDir,
      socketPath,
      daemon,
      watcher,
      events,
      restarts: resume?.restarts ?? 0,
    };
    self.container = container;
    state.containers.set(name, container);
    return container;
  }

  /**
   * Raises a started container's pebble-ready, then starts watching its notices (so no notice
   * event comes before it). Skipped when the container was stopped meanwhile.
   */
  #announce(state: UnitState, container: ContainerState): void {
    if (current(state, container.spec.name) !== container) return;
    const { unit } = state;
    void this.#emit(container.events, {
      kind: "pebble-ready",
      model: unit.model,
      unit: unit.unit,
      container: container.spec.name,
    });
    container.watcher.start();
  }

  /** Restarts a container whose Pebble ended by itself, with a back-off, as the kubelet does. */
  async #restart(state: UnitState, container: ContainerState, why: string): Promise<void> {
    if (state.stopping || this.#closed || this.#options.restartOnExit === false) return;
    this.#report(
      new Error(`${why}; restarting\n${container.daemon.output().slice(-2_000)}`),
      `container ${state.unit.unit}/${container.spec.name}`,
    );
    await this.#serial(state.unit, async () => {
      if (state.stopping || current(state, container.spec.name) !== container) return;
      await delay(Math.min(10_000, 500 * 2 ** container.restarts));
      if (state.stopping || current(state, container.spec.name) !== container) return;
      await container.watcher.stop();
      await container.daemon.stop(this.#options.stopGraceMs ?? 10_000);
      // A restarted container gets a fresh writable layer; the shared volume stays.
      await rm(container.fsDir, { recursive: true, force: true });
      const restarted = await this.#startContainer(state, container.spec, {
        after: container.watcher.after,
        restarts: container.restarts + 1,
      });
      this.#announce(state, restarted);
    }).catch((e: unknown) => this.#report(e, `restart of ${state.unit.unit}`));
  }

  async #stopContainers(state: UnitState): Promise<void> {
    const containers = [...state.containers.values()];
    state.containers.clear();
    const grace = this.#options.stopGraceMs ?? 10_000;
    const results = await Promise.allSettled(
      containers.map(async (c) => {
        await c.watcher.stop();
        await c.daemon.stop(grace);
      }),
    );
    // Strays that escaped the namespace scan (a process that joined another namespace).
    await killAll(await pidsWithMarker(join(state.dir, "containers")));
    const failure = results.find((r) => r.status === "rejected");
    if (failure !== undefined) throw (failure as PromiseRejectedResult).reason;
  }

  async #stopUnit(state: UnitState): Promise<void> {
    state.stopping = true;
    try {
      await this.#stopContainers(state);
    } finally {
      this.#units.delete(unitKey(state.unit));
      await rm(state.dir, { recursive: true, force: true });
      await rmdir(dirname(state.dir)).catch(() => undefined); // the model folder, once empty
    }
  }

  #emit(queue: EventQueue, event: WorkloadEvent): Promise<void> {
    const next = queue.tail.then(async () => {
      for (const listener of [...this.#listeners]) {
        try {
          await listener(event);
        } catch (error) {
          this.#report(error, `listener of ${event.kind} for ${event.unit}/${event.container}`);
        }
      }
    });
    queue.tail = next;
    return next;
  }

  #report(error: unknown, where: string): void {
    if (this.#options.onError) this.#options.onError(error, where);
    else console.error(`workload manager: ${where}:`, error);
  }

  #describe(state: UnitState): UnitWorkload {
    const containers: Record<string, ContainerInfo> = {};
    for (const [name, c] of state.containers) {
      containers[name] = {
        name,
        socketPath: c.socketPath,
        pid: c.daemon.pid,
        readyMs: c.daemon.readyMs,
      };
    }
    return {
      model: state.unit.model,
      unit: state.unit.unit,
      containersDir: join(state.dir, "containers"),
      containers,
    };
  }

  #running(ref: WorkloadUnitRef): UnitState {
    const state = this.#units.get(unitKey(ref));
    if (state === undefined) throw new Error(`unit ${ref.unit} of ${ref.model} is not running`);
    return state;
  }

  #container(ref: WorkloadUnitRef, name: string): ContainerState {
    const c = this.#running(ref).containers.get(name);
    if (c === undefined) throw new Error(`unit ${ref.unit} has no running container ${name}`);
    return c;
  }

  async #unitDir(unit: WorkloadUnitRef): Promise<string> {
    if (this.#stateDir === undefined) {
      if (this.#options.stateDir !== undefined) {
        await mkdir(this.#options.stateDir, { recursive: true, mode: 0o755 });
        this.#stateDir = await realpath(this.#options.stateDir);
      } else {
        // Folders of earlier runs that crashed go first: nothing else would remove them.
        await cleanupOrphanWorkloads().catch((e: unknown) => this.#report(e, "orphan cleanup"));
        this.#stateDir = await mkdtemp(join(tmpdir(), STATE_PREFIX));
        this.#ownsStateDir = true;
        await writeFile(join(this.#stateDir, OWNER_FILE), await ownerTag(process.pid));
      }
    }
    const dir = join(this.#stateDir, unit.model, unit.unit.replace("/", "-"));
    // Leftovers of a crashed run of the same unit would mix into the new pod.
    await killAll(await pidsWithMarker(join(dir, "containers")));
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true, mode: 0o755 });
    return dir;
  }

  /** The image folder of a container, or undefined when it has none (or only a reference). */
  async #image(spec: ContainerSpec, where: string): Promise<string | undefined> {
    if (spec.image === undefined || spec.image === "") return undefined;
    const path = resolve(spec.image);
    const st = await stat(path).catch(() => undefined);
    if (st?.isDirectory()) return realpath(path);
    if (isAbsolute(spec.image) || spec.image.startsWith(".")) {
      throw new Error(`image ${spec.image} of container ${where} is not a folder`);
    }
    this.#report(
      new Error(`image ${spec.image} is not a local folder: the container runs without it`),
      `container ${where}`,
    );
    return undefined;
  }

  async #shared(): Promise<string[]> {
    this.#share ??= [...(this.#options.share ?? [])];
    return this.#share;
  }

  #serial<T>(ref: WorkloadUnitRef, fn: () => Promise<T>): Promise<T> {
    const key = unitKey(ref);
    const previous = this.#locks.get(key) ?? Promise.resolve();
    const result = previous.then(fn, fn);
    const tail = result.catch(() => undefined);
    this.#locks.set(key, tail);
    void tail.then(() => {
      if (this.#locks.get(key) === tail) this.#locks.delete(key);
    });
    return result;
  }

  #installExitHook(): void {
    live.add(this);
    if (exitHook) return;
    exitHook = true;
    // Last resort when the process ends without close(): SIGTERM lets each Pebble stop its
    // services (--die-with-parent does the same when the process is killed).
    process.on("exit", () => {
      for (const manager of live) manager.#signalAll();
    });
  }

  #signalAll(): void {
    for (const state of this.#units.values()) {
      for (const c of state.containers.values()) {
        try {
          process.kill(c.daemon.pid, "SIGTERM");
        } catch {
          // gone
        }
      }
    }
  }
}

/** The host name of a unit's pod (see {@link WorkloadUnit.hostname}). */
function podHostname(unit: WorkloadUnit): string | undefined {
  if (unit.hostname !== undefined) return unit.hostname;
  return unit.namespace !== undefined ? unit.unit.replace("/", "-") : undefined;
}

function current(state: UnitState, name: string): ContainerState | undefined {
  return state.containers.get(name);
}

function unitKey(ref: WorkloadUnitRef): string {
  return `${ref.model}\u0000${ref.unit}`;
}

function validate(unit: WorkloadUnit, containers: readonly ContainerSpec[]): void {
  if (!NAME_RE.test(unit.model)) throw new Error(`bad model name ${JSON.stringify(unit.model)}`);
  if (!UNIT_RE.test(unit.unit)) throw new Error(`bad unit name ${JSON.stringify(unit.unit)}`);
  const seen = new Set<string>();
  for (const c of containers) {
    if (!NAME_RE.test(c.name)) throw new Error(`bad container name ${JSON.stringify(c.name)}`);
    if (seen.has(c.name)) throw new Error(`container ${c.name} given twice`);
    seen.add(c.name);
    if (c.imagePath !== undefined && !c.imagePath.startsWith("/"))
      throw new Error(`imagePath of ${c.name} must be absolute`);
  }
}

/**
 * The Pebble binary the manager runs by default: `$PEBBLE_BIN`, else `.cache/bin/pebble`
 * (installed by `scripts/install-pebble.sh`).
 *
 * @example
 * ```ts
 * new WorkloadManager({ pebble: defaultPebble() });
 * ```
 */
export function defaultPebble(): string {
  return process.env.PEBBLE_BIN || join(REPO_ROOT, ".cache", "bin", "pebble");
}

/**
 * Kills every container process a crashed run left under `stateDir` (found by their marker
 * variable) and removes the folder.
 *
 * @example
 * ```ts
 * await cleanupWorkloads("/var/lib/jaas-sim/workloads");
 * ```
 */
export async function cleanupWorkloads(stateDir: string): Promise<number[]> {
  const dir = resolve(stateDir);
  const pids = await pidsWithMarker(dir);
  await killAll(pids);
  await rm(dir, { recursive: true, force: true });
  return pids;
}

/** `<pid> <start time>`: names a process uniquely, even after its pid is reused. */
async function ownerTag(pid: number): Promise<string> {
  return `${pid} ${(await processStartTime(pid)) ?? "?"}`;
}

/**
 * Removes default state folders (`<tmpdir>/jaas-sim-wl-*`) whose owner process is gone, with
 * whatever their containers still run. Folders of live managers, in this process or another,
 * are left alone. Returns the folders removed.
 *
 * @example
 * ```ts
 * await cleanupOrphanWorkloads(); // at start-up, after a crash
 * ```
 */
export async function cleanupOrphanWorkloads(root: string = tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(root).catch(() => [] as string[])) {
    if (!name.startsWith(STATE_PREFIX)) continue;
    const dir = join(root, name);
    const owner = await readFile(join(dir, OWNER_FILE), "utf8").catch(() => undefined);
    if (owner === undefined) {
      // Just made by a manager that has not written its owner yet, or not ours at all.
      const st = await stat(dir).catch(() => undefined);
      if (st === undefined || Date.now() - st.mtimeMs < 60_000) continue;
    } else {
      const pid = Number(owner.split(" ")[0]);
      if (Number.isInteger(pid) && pid > 0 && (await ownerTag(pid)) === owner.trim()) continue;
    }
    await cleanupWorkloads(dir);
    removed.push(dir);
  }
  return removed;
}
