/**
 * The workload events a unit's containers raise, as the controller receives them, and the hook
 * each one becomes in Juju.
 *
 * @module
 */

/** What every workload event names. */
interface EventBase {
  /** The unit's model. */
  model: string;
  /** The unit, `openfga/0`. */
  unit: string;
  /** The container, as named in the charm's `containers:`. */
  container: string;
}

/** The container's Pebble answers: `<container>-pebble-ready`. */
export interface PebbleReadyEvent extends EventBase {
  kind: "pebble-ready";
}

/** One occurrence of a custom notice: `<container>-pebble-custom-notice`. */
export interface PebbleCustomNoticeEvent extends EventBase {
  kind: "pebble-custom-notice";
  notice: { id: string; type: "custom"; key: string };
}

/** A check reached its failure threshold, or passes again. */
export interface PebbleCheckEvent extends EventBase {
  kind: "pebble-check-failed" | "pebble-check-recovered";
  checkName: string;
}

/**
 * A workload event. Its `kind`, `container`, `notice` and `checkName` have the shape of the
 * controller's workload `HookInfo`.
 */
export type WorkloadEvent = PebbleReadyEvent | PebbleCustomNoticeEvent | PebbleCheckEvent;

/** A subscriber; the next event of the same container waits for a returned promise. */
export type WorkloadListener = (event: WorkloadEvent) => void | Promise<void>;

/**
 * The Juju hook an event runs and the variables it adds to the hook environment
 * (`JUJU_WORKLOAD_NAME`, and `JUJU_NOTICE_*` or `JUJU_PEBBLE_CHECK_NAME`).
 *
 * @example
 * ```ts
 * workloadHook({ kind: "pebble-check-failed", model: "jaas", unit: "openfga/0", container: "openfga", checkName: "up" });
 * // { hook: "openfga-pebble-check-failed", env: { JUJU_WORKLOAD_NAME: "openfga", JUJU_PEBBLE_CHECK_NAME: "up" } }
 * ```
 */
export function workloadHook(event: WorkloadEvent): { hook: string; env: Record<string, string> } {
  const env: Record<string, string> = { JUJU_WORKLOAD_NAME: event.container };
  switch (event.kind) {
    case "pebble-custom-notice":
      env.JUJU_NOTICE_ID = event.notice.id;
      env.JUJU_NOTICE_TYPE = event.notice.type;
      env.JUJU_NOTICE_KEY = event.notice.key;
      break;
    case "pebble-check-failed":
    case "pebble-check-recovered":
      env.JUJU_PEBBLE_CHECK_NAME = event.checkName;
      break;
  }
  return { hook: `${event.container}-${event.kind}`, env };
}
