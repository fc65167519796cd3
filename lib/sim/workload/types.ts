/**
 * The seam between the local controller and the workload containers of Kubernetes sidecar
 * units (a real Pebble daemon per container, built in `lib/sim/workload/`). The controller
 * calls {@link ControllerWorkloads.startUnit} when a unit's pod comes up (deploy, scale up, pod
 * churn, refresh) and {@link ControllerWorkloads.stopUnit} when it goes away; the manager reports
 * Pebble's events, which the controller queues as the unit's `<container>-pebble-ready`,
 * `-pebble-custom-notice`, `-pebble-check-failed` and `-pebble-check-recovered` hooks.
 *
 * Without a manager the controller runs charms as if they had no containers. The workload
 * engineer's `WorkloadManager` class (`manager.ts`) has this shape; this file only states what
 * the controller relies on.
 *
 * @example
 * ```ts
 * const controller = await Controller.create({ workloads: new WorkloadManager() });
 * // the controller calls startUnit({ model: "jaas", unit: "openfga/0", namespace }, [{ name: "openfga", image }])
 * // and runs hooks through charmProcessCommand(ref, [dispatch]); a { kind: "pebble-ready", … }
 * // event queues the unit's openfga-pebble-ready hook.
 * ```
 */

/** A unit whose containers to start: its pod. */
export interface WorkloadUnitSpec {
  model: string;
  /** `<app>/<n>`. */
  unit: string;
  /** The unit's network namespace, when networking is on (run Pebble inside it). */
  namespace?: string;
  /** The pod's host name, when the manager gives containers their own. */
  hostname?: string;
}

/** One workload container of a unit, from the charm's metadata and the deployed resources. */
export interface WorkloadContainerSpec {
  name: string;
  /** The OCI image resource's value, when the container has one. */
  image?: string;
  /** Storage mounted into the container: the storage instance's folder and where it appears. */
  mounts?: readonly { source: string; location: string; readOnly?: boolean }[];
}

/** A started pod: each container's Pebble socket on the host. */
export interface StartedWorkload {
  containers: Record<string, { socketPath: string }>;
}

/** A Pebble event that becomes a hook of the unit. */
export type WorkloadEvent =
  | { kind: "pebble-ready"; model: string; unit: string; container: string }
  | {
      kind: "pebble-custom-notice";
      model: string;
      unit: string;
      container: string;
      notice: { id: string; type: string; key: string };
    }
  | {
      kind: "pebble-check-failed" | "pebble-check-recovered";
      model: string;
      unit: string;
      container: string;
      checkName: string;
    };

/** What the controller needs from the workload manager (`lib/sim/workload`'s class fits it). */
export interface ControllerWorkloads {
  /** Starts the unit's containers; resolves once their Pebble sockets answer. */
  startUnit(
    unit: WorkloadUnitSpec,
    containers: readonly WorkloadContainerSpec[],
  ): Promise<StartedWorkload>;
  /** Stops the unit's containers (the pod goes away). A unit not running is a no-op. */
  stopUnit(ref: { model: string; unit: string }): Promise<void>;
  /** Subscribes to the containers' events; returns the unsubscribe function. */
  subscribe(listener: (event: WorkloadEvent) => void): () => void;
  /**
   * The argv that runs a hook process `command` of a running unit so that it sees the unit's
   * containers at `/charm/containers/<name>/pebble.socket` (and runs in its network namespace).
   */
  charmProcessCommand(ref: { model: string; unit: string }, command: readonly string[]): string[];
}
