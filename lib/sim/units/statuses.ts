/**
 * Unit statuses as Juju keeps them: the workload status the charm sets, the agent status, a
 * bounded history of both, and the message of a failed hook.
 *
 * @example
 * ```ts
 * setAgentStatus(unit, "error", errorMessage({ kind: "install" })); // 'hook failed: "install"'
 * ```
 */
import type { StatusData } from "../../jujuc/context.js";
import type { HookInfo, UnitState } from "../model/types.js";
import { hookName } from "../model/types.js";

/** Entries of status history kept per unit. */
const HISTORY = 200;

/**
 * The status message of a unit whose hook failed: `hook failed: "<hook>"`.
 *
 * @example
 * ```ts
 * errorMessage({ kind: "install" }); // 'hook failed: "install"'
 * ```
 */
export function errorMessage(info: HookInfo): string {
  return `hook failed: ${JSON.stringify(hookName(info))}`;
}

/**
 * Sets a unit's workload status and records it in its history.
 *
 * @example
 * ```ts
 * setWorkloadStatus(unit, { status: "maintenance", message: "installing charm software" });
 * ```
 */
export function setWorkloadStatus(unit: UnitState, s: StatusData): void {
  const now = Date.now();
  unit.workloadStatus = { status: s.status, message: s.message, since: now };
  unit.statusHistory.push({ kind: "workload", status: s.status, message: s.message, since: now });
  if (unit.statusHistory.length > HISTORY)
    unit.statusHistory.splice(0, unit.statusHistory.length - HISTORY);
}

/**
 * Sets a unit's agent status (`executing`, `idle`, `error`) and records a change in its history.
 *
 * @example
 * ```ts
 * setAgentStatus(unit, "executing", "running start hook");
 * ```
 */
export function setAgentStatus(
  unit: UnitState,
  status: UnitState["agentStatus"]["status"],
  message: string,
): void {
  if (unit.agentStatus.status === status && unit.agentStatus.message === message) return;
  const now = Date.now();
  unit.agentStatus = { status, message, since: now };
  unit.statusHistory.push({ kind: "juju", status, message, since: now });
  if (unit.statusHistory.length > HISTORY)
    unit.statusHistory.splice(0, unit.statusHistory.length - HISTORY);
}
