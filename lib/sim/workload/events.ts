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

/**
 * The container's Pebble answers: `<container>-pebble-ready`.
 *
 * @example
 * ```ts
 * const e: PebbleReadyEvent = { kind: "pebble-ready", model: "jaas", unit: "openfga/0", container: "openfga" };
 * ```
 */
export interface PebbleReadyEvent extends EventBase {
  kind: "pebble-ready";
}

/**
 * One occurrence of a custom notice: `<container>-pebble-custom-notice`.
 *
 * @example
 * ```ts
 * if (e.kind === "pebble-custom-notice") console.log(e.notice.key); // "example.com/reload"
 * ```
 */
export interface PebbleCustomNoticeEvent extends EventBase {
  kind: "pebble-custom-notice";
  notice: { id: string; type: "custom"; key: string };
}

/**
 * A check reached its failure threshold, or passes again.
 *
 * @example
 * ```ts
 * if (e.kind === "pebble-check-failed") console.log(`${e.checkName} is down`);
 * ```
 */
export interface PebbleCheckEvent extends EventBase {
  kind: "pebble-check-failed" | "pebble-check-recovered";
  checkName: string;
}

/**
 * A workload event. Its `kind`, `container`, `notice` and `checkName` have the shape of the
 * controller's workload `HookInfo`.
 *
 * @example
 * ```ts
 * manager.subscribe((e: WorkloadEvent) => queue.push({ kind: e.kind, container: e.container }));
 * ```
 */
export type WorkloadEvent = PebbleReadyEvent | PebbleCustomNoticeEvent | PebbleCheckEvent;

/**
 * A subscriber; the next event of the same container waits for a returned promise.
 *
 * @example
 * ```ts
 * const listener: WorkloadListener = async (e) => { await runHook(workloadHook(e)); };
 * ```
 */
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
