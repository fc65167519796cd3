/**
 * The relations an interface library works on. In a `-relation-broken` hook Juju still lists the
 * relation being removed, but no library should write to it or count it as present: these helpers
 * leave it out. {@link relationEventInit} fills a library's `RelationEvent` from a relation.
 *
 * @example
 * ```ts
 * for (const relation of liveRelations(this, this.endpoint)) relation.data(this.model.app).replace(bag);
 * await this.emit(this.on.ready, new ReadyEvent(this.model, relationEventInit(relation)));
 * ```
 */
import type { JujuContext } from "../../ops/juju-context.js";
import type { Model } from "../../ops/model/model.js";
import type { Relation } from "../../ops/model/relation.js";

/**
 * Whether `relation` is the one this `-relation-broken` hook removes.
 *
 * @example
 * ```ts
 * if (isBreaking(this.juju, relation)) return; // nothing to write any more
 * ```
 */
export function isBreaking(juju: JujuContext, relation: Relation): boolean {
  return (
    juju.event.kind === "relation" &&
    juju.event.phase === "broken" &&
    juju.relation?.id === relation.id
  );
}

/**
 * The relations of `endpoint` except the one being broken, in Juju's order. `owner` is the
 * library object (any `CharmObject`).
 *
 * @example
 * ```ts
 * const relation = liveRelations(this, this.endpoint)[0]; // an endpoint with limit 1
 * ```
 */
export function liveRelations(
  owner: { readonly model: Model; readonly juju: JujuContext },
  endpoint: string,
): Relation[] {
  return owner.model.relations(endpoint).filter((r) => !isBreaking(owner.juju, r));
}

/**
 * The `init` of a `RelationEvent` a library emits about `relation`: the relation and, when known,
 * its remote application.
 *
 * @example
 * ```ts
 * await this.emit(this.on.storeCreated, new StoreCreatedEvent(this.model, relationEventInit(r)));
 * ```
 */
export function relationEventInit(relation: Relation): { relation: Relation; app?: string } {
  return { relation, ...(relation.app ? { app: relation.app.name } : {}) };
}
