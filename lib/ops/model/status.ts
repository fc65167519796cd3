/**
 * Workload statuses, as Juju shows them in `juju status`.
 *
 * @example
 * ```ts
 * this.unit.status = new BlockedStatus("missing database relation: run `juju integrate openfga postgresql`");
 * ```
 */

/** Status names. `error` and `unknown` are set by Juju only. */
export type StatusName = "active" | "blocked" | "maintenance" | "waiting" | "error" | "unknown";

/** A status with its message. */
export abstract class StatusBase {
  abstract readonly name: StatusName;
  constructor(readonly message: string = "") {}

  /** Builds the status object for a name Juju reported. */
  static fromName(name: string, message: string): StatusBase {
    switch (name) {
      case "active":
        return new ActiveStatus(message);
      case "blocked":
        return new BlockedStatus(message);
      case "maintenance":
        return new MaintenanceStatus(message);
      case "waiting":
        return new WaitingStatus(message);
      case "error":
        return new ErrorStatus(message);
      default:
        return new UnknownStatus();
    }
  }

  /** True when both have the same name and message. */
  equals(other: StatusBase): boolean {
    return this.name === other.name && this.message === other.message;
  }

  toString(): string {
    return this.message ? `${this.name}: ${this.message}` : this.name;
  }
}

/** The workload is ready and serving. */
export class ActiveStatus extends StatusBase {
  readonly name = "active" as const;
}
/** The operator must act (a missing relation, bad config); the message says what to do. */
export class BlockedStatus extends StatusBase {
  readonly name = "blocked" as const;
}
/** The charm is doing something that takes a while. */
export class MaintenanceStatus extends StatusBase {
  readonly name = "maintenance" as const;
}
/** The charm waits for something outside the operator's hands (another unit, a remote app). */
export class WaitingStatus extends StatusBase {
  readonly name = "waiting" as const;
}
/** Set by Juju when a hook fails. A charm cannot set it. */
export class ErrorStatus extends StatusBase {
  readonly name = "error" as const;
}
/** No status has been set. A charm cannot set it. */
export class UnknownStatus extends StatusBase {
  readonly name = "unknown" as const;
}

/** Statuses a charm may set. */
export type SettableStatusBase = ActiveStatus | BlockedStatus | MaintenanceStatus | WaitingStatus;

/** Priority of collect-status, as `ops` orders it: blocked > maintenance > waiting > active. */
const PRIORITY: Record<string, number> = { blocked: 4, maintenance: 3, waiting: 2, active: 1 };

/**
 * Picks the status to show among those added during collect-status: the highest priority wins,
 * and the first added wins a tie. Returns undefined when none was added.
 *
 * @example
 * ```ts
 * highestPriority([new ActiveStatus(), new WaitingStatus("db")]); // WaitingStatus("db")
 * ```
 */
export function highestPriority(statuses: readonly StatusBase[]): StatusBase | undefined {
  let best: StatusBase | undefined;
  for (const s of statuses) {
    if (!best || (PRIORITY[s.name] ?? 0) > (PRIORITY[best.name] ?? 0)) best = s;
  }
  return best;
}

/** Whether a charm may set this status. */
export function isSettable(status: StatusBase): status is SettableStatusBase {
  return status.name in PRIORITY;
}
