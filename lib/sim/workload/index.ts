/**
 * Workload containers of the local Juju model: one real Pebble per container of every unit,
 * in the unit's network namespace and the container's own filesystem view, with its socket
 * where the charm expects it, and the events Juju raises from it (pebble-ready, custom
 * notices, check failed and recovered). See {@link WorkloadManager}.
 *
 * @example
 * ```ts
 * import { WorkloadManager, workloadHook } from "../workload/index.js";
 * const manager = new WorkloadManager();
 * manager.subscribe((e) => console.log(workloadHook(e).hook));
 * try {
 *   await manager.startUnit({ model: "jaas", unit: "openfga/0", namespace }, [{ name: "openfga", image }]);
 * } finally {
 *   await manager.close();
 * }
 * ```
 *
 * @module
 */

export { startDaemon } from "./daemon.js";
export type { Daemon, DaemonOptions } from "./daemon.js";
export { workloadHook } from "./events.js";
export type {
  PebbleCheckEvent,
  PebbleCustomNoticeEvent,
  PebbleReadyEvent,
  WorkloadEvent,
  WorkloadListener,
} from "./events.js";
export {
  CHARM_CONTAINERS_DIR,
  charmProcessCommand,
  CONTAINER_PEBBLE_PATH,
  CONTAINER_SHARED_DIR,
  containerCommand,
  DEFAULT_IMAGE_PATH,
  ensureExecHelper,
  execHelperPath,
} from "./exec-helper.js";
export type {
  CharmProcessOptions,
  ContainerCommandOptions,
  ContainerMount,
} from "./exec-helper.js";
export {
  cleanupOrphanWorkloads,
  cleanupWorkloads,
  defaultPebble,
  WorkloadManager,
} from "./manager.js";
export type {
  ContainerInfo,
  ContainerSpec,
  UnitWorkload,
  WorkloadManagerOptions,
  WorkloadUnit,
  WorkloadUnitRef,
} from "./manager.js";
export {
  isAlive,
  killAll,
  MARKER_ENV,
  mountNamespaceOf,
  pidsInMountNamespace,
  pidsWithMarker,
} from "./procs.js";
export { NoticeWatcher } from "./watcher.js";
export type { NoticeSink, NoticeWatcherOptions } from "./watcher.js";
