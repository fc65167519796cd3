/**
 * The local Juju model: a controller whose units run real charm processes with Juju's hook
 * semantics on this machine. Start with {@link Controller.create}.
 *
 * @example
 * ```ts
 * import { Controller } from "../../lib/sim/index.js";
 * const c = await Controller.create({ updateStatusIntervalMs: 0 });
 * try {
 *   await c.addModel("jaas");
 *   await c.deploy("jaas", { charmDir: "build/openfga-k8s", scale: 3 });
 *   const { errors } = await c.settle();
 * } finally {
 *   await c.destroy();
 * }
 * ```
 *
 * @module
 */
export { Controller } from "./controller.js";
export type {
  ActionResult,
  ControllerOptions,
  DeployOptions,
  OfferInfo,
  SettleResult,
} from "./controller.js";
export { SimError } from "./errors.js";
export type { SimErrorCode } from "./errors.js";
export type { HookRecord, LogEntry, UnitErrorReport } from "./runtime.js";
export { formatSince, roleName } from "./status.js";
export type {
  ApplicationStatusOutput,
  StatusEntry,
  StatusOutput,
  UnitStatusOutput,
} from "./status.js";
export type { RelationInfoOutput, ShowUnitOutput } from "./show-unit.js";
export { loadState, saveState } from "./model/persist.js";
export type * from "./model/types.js";
export { hookName, STATE_VERSION } from "./model/types.js";
export type { ConfigInput } from "./validate/config.js";
export type * from "./workload/types.js";
