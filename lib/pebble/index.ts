/**
 * Pebble: a client for the daemon that runs workloads in Juju sidecar containers, its layer
 * model, plan diffing, and the {@link Pebble} interface that the in-memory Pebble of
 * `lib/testing/pebble` also implements.
 *
 * @example
 * ```ts
 * import { PebbleClient, containerSocketPath, ensureLayer } from "../pebble/index.js";
 * const pebble = new PebbleClient({ socketPath: containerSocketPath("web") });
 * await ensureLayer(pebble, "web", { services: { web: { override: "replace", command: "web", startup: "enabled" } } });
 * ```
 *
 * @module
 */

export { PebbleClient, toChange } from "./client.js";
export type { PebbleClientOptions } from "./client.js";
export {
  APIError,
  ChangeError,
  ConnectionError,
  ExecError,
  isNotFound,
  PathError,
  PebbleError,
  TimeoutError,
} from "./errors.js";
export type { PebbleErrorKind } from "./errors.js";
export { parseServiceCommand, splitCommand } from "./command.js";
export type { ParsedCommand } from "./command.js";
export { formatDuration, parseDuration } from "./duration.js";
export { ensureLayer, ensureLayerDiff } from "./ensure-layer.js";
export { readAll } from "./exec.js";
export { formatPermissions } from "./files.js";
export {
  CHECK_DEFAULTS,
  combineLayers,
  emptyPlan,
  LayerError,
  mergeCheck,
  mergeLogTarget,
  mergeService,
  parseLayer,
  parsePlan,
  renderLayer,
  SERVICE_DEFAULTS,
  validateLayer,
  validatePlan,
} from "./layer.js";
export type {
  CheckSpec,
  ExecCheckSpec,
  HttpCheckSpec,
  Layer,
  LogTargetSpec,
  Override,
  Plan,
  ServiceAction,
  ServiceSpec,
  TcpCheckSpec,
} from "./layer.js";
export { diffPlan, layerChangesPlan } from "./plan-diff.js";
export type { PlanDiff } from "./plan-diff.js";
export { containerSocketPath, DEFAULT_PEBBLE_DIR, resolveSocketPath } from "./socket.js";
export { Transport } from "./transport.js";
export type * from "./types.js";
