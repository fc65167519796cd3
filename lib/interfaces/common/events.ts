/**
 * What the libraries' own events share: {@link RelationIdEvent}, the base of the events that
 * name their relation by id (as the COS and oauth Python libraries do, in `relation_id`), and
 * {@link snapshotStrings}, which reads a list back from a deferred event's snapshot.
 *
 * @example
 * ```ts
 * export class IngressRevokedEvent extends RelationIdEvent {}
 * export class IngressReadyEvent extends RelationIdEvent {
 *   url = "";
 *   override snapshot(): Snapshot { return { ...super.snapshot(), url: this.url }; }
 *   override restore(s: Snapshot): void { super.restore(s); this.url = String(s.url); }
 * }
 * ```
 */
import { EventBase, type Snapshot } from "../../ops/framework/event.js";

/**
 * An event about one relation, named by its id; a deferred one keeps it as `relation_id`.
 *
 * @example
 * ```ts
 * const ev = new ClientDeletedEvent(); // extends RelationIdEvent
 * ev.relationId = relation.id;
 * await this.emit(this.clientDeleted, ev);
 * ```
 */
export class RelationIdEvent extends EventBase {
  relationId = 0;

  override snapshot(): Snapshot {
    return { relation_id: this.relationId };
  }

  override restore(s: Snapshot): void {
    this.relationId = Number(s.relation_id);
  }
}

/**
 * A list of strings read back from a snapshot value: each item as a string, or empty when the
 * value is not a list.
 *
 * @example
 * ```ts
 * this.certificates = snapshotStrings(s.certificates); // [] for a missing value
 * ```
 */
export function snapshotStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}
