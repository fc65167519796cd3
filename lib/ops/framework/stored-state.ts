/**
 * State a charm keeps across hooks, saved in Juju's charm state (`state-set`), so that it is
 * committed only when the hook succeeds and survives pod churn.
 *
 * @example
 * ```ts
 * const stored = this.framework.storedState(this, "_stored", { migratedVersion: "" });
 * stored.data.migratedVersion = "1.8.0"; // saved at the end of a successful hook
 * ```
 */

/** JSON-serialisable values. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A typed handle on one piece of stored state. */
export class StoredState<T extends Record<string, JsonValue>> {
  constructor(
    /** The charm-state key it lives under. */
    readonly key: string,
    /** The current data; change it in place or replace it. */
    public data: T,
  ) {}
}
