/**
 * Events and event sources. An {@link EventSource} names one kind of event (say, `config_changed`
 * of the charm, or `ready` of an interface library); observers subscribe to it, and the
 * framework emits events through it.
 *
 * @example
 * ```ts
 * class DatabaseReadyEvent extends EventBase {
 *   endpoints = "";
 *   override snapshot() { return { endpoints: this.endpoints }; }
 *   override restore(s: Snapshot) { this.endpoints = String(s.endpoints); }
 * }
 * ```
 */

/** Plain, JSON-serialisable data saved with a deferred event. */
export type Snapshot = Record<string, unknown>;

/** Base of every event. */
export class EventBase {
  /** Set by {@link defer}; read by the framework after each observer returns. */
  deferred = false;

  /**
   * Asks the framework to run this observer again with this event at the start of the next
   * hook (before that hook's own event), as `ops` does. Prefer a holistic reconcile that needs
   * no deferral; defer only when the charm must wait for something outside Juju's events.
   */
  defer(): void {
    this.deferred = true;
  }

  /** Data to save when the event is deferred. Override in events that carry data. */
  snapshot(): Snapshot {
    return {};
  }

  /** Restores the data saved by {@link snapshot}. */
  restore(_snapshot: Snapshot): void {}
}

/** Makes an event for a source, fresh or from a snapshot. */
export type EventFactory<E extends EventBase> = (snapshot?: Snapshot) => E;

/** One kind of event of one owner. */
export class EventSource<E extends EventBase> {
  constructor(
    /** Handle path of the owner (`charm`, or a library object's path). */
    readonly ownerPath: string,
    /** Event kind, e.g. `config_changed`, `database_relation_changed`, `ready`. */
    readonly kind: string,
    /** Builds the event. */
    readonly make: EventFactory<E>,
  ) {}

  /** Unique key of this source: `<owner>/on/<kind>`. */
  get key(): string {
    return `${this.ownerPath}/on/${this.kind}`;
  }
}
