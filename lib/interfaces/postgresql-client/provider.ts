/**
 * The provider side of `postgresql_client`, as postgresql-k8s behaves: read each requirer's
 * request, and (leader only) publish per relation an app-owned `<endpoint>.<id>.user.secret`
 * (and `.tls.secret`) granted to the relation, their URIs under `secret-user`/`secret-tls`, and the
 * endpoints, version and database name in the bag. Used by the local PostgreSQL stand-in charm.
 *
 * @example
 * ```ts
 * this.db = new DatabaseProvider(this, "database");
 * this.observe(this.db.on.databaseRequested, (e) => {
 *   const user = `relation_id_${e.relation.id}`;
 *   // ... CREATE ROLE / CREATE DATABASE ...
 *   this.db.publish(e.relation, { database: e.request.database, username: user, password,
 *     endpoints: "pg-primary.m.svc.cluster.local:5432", tls: false, version: "16.4" });
 * });
 * ```
 */
import { CharmObject } from "../../ops/charm.js";
import { SecretNotFoundError } from "../../ops/errors.js";
import type { EventSource, Snapshot } from "../../ops/framework/event.js";
import {
  type RelationBrokenEvent,
  type RelationChangedEvent,
  RelationEvent,
} from "../../ops/framework/juju-events.js";
import type { Relation } from "../../ops/model/relation.js";
import type { Secret } from "../../ops/model/secret.js";
import { InterfaceDataError, relationSource } from "../common/databag.js";
import { liveRelations, relationEventInit } from "../common/relations.js";
import {
  type DatabaseRequest,
  INTERFACE,
  type ProviderAnswer,
  type SecretGroup,
  parseRequest,
  secretField,
  secretLabel,
  splitAnswer,
} from "./data.js";

/**
 * A requirer asked for a database (emitted on the leader when `database` first appears).
 *
 * @example
 * ```ts
 * this.observe(this.db.on.databaseRequested, (e: DatabaseRequestedEvent) => e.request.database);
 * ```
 */
export class DatabaseRequestedEvent extends RelationEvent {
  request!: DatabaseRequest;

  override snapshot(): Snapshot {
    return { ...super.snapshot(), request: JSON.stringify(this.request) };
  }

  override restore(s: Snapshot): void {
    super.restore(s);
    this.request = JSON.parse(String(s.request)) as DatabaseRequest;
  }
}

/**
 * A requirer's relation is being removed: drop its user (the database is kept).
 *
 * @example
 * ```ts
 * this.observe(this.db.on.databaseReleased, (e: DatabaseReleasedEvent) => dropUser(`relation_id_${e.relation.id}`));
 * ```
 */
export class DatabaseReleasedEvent extends RelationEvent {}

/**
 * One requirer's request, or the error in it.
 *
 * @example
 * ```ts
 * for (const r of this.db.requests()) if (r.state === "requested") answer(r.relation, r.request);
 * ```
 */
export type RequestState =
  | { relation: Relation; state: "none" }
  | { relation: Relation; state: "invalid"; error: InterfaceDataError }
  | { relation: Relation; state: "requested"; request: DatabaseRequest };

/**
 * The provider side of `postgresql_client` v0.
 *
 * @example
 * ```ts
 * const db = new DatabaseProvider(this, "database");
 * db.publish(relation, answer);
 * ```
 */
export class DatabaseProvider extends CharmObject {
  /** Events this object emits. */
  readonly on: {
    databaseRequested: EventSource<DatabaseRequestedEvent>;
    databaseReleased: EventSource<DatabaseReleasedEvent>;
  };
  private readonly answered = this.storedState<{ relations: string[] }>("answered", {
    relations: [],
  });

  constructor(
    parent: CharmObject,
    /** The endpoint, `database` on postgresql-k8s. */
    readonly endpoint: string,
  ) {
    super(parent, endpoint);
    const m = this.model;
    this.on = {
      databaseRequested: this.defineEvent(
        "database_requested",
        () => new DatabaseRequestedEvent(m),
      ),
      databaseReleased: this.defineEvent("database_released", () => new DatabaseReleasedEvent(m)),
    };
    this.observe(this.charmEvents.relation(endpoint).changed, this.onChanged);
    this.observe(this.charmEvents.relation(endpoint).broken, this.onBroken);
  }

  /** The request on one relation. Never throws for remote data. */
  requestOf(r: Relation): RequestState {
    if (!r.app) return { relation: r, state: "none" };
    try {
      const request = parseRequest(r.data(r.app).toObject(), relationSource(INTERFACE, r));
      return request
        ? { relation: r, state: "requested", request }
        : { relation: r, state: "none" };
    } catch (e) {
      if (e instanceof InterfaceDataError) return { relation: r, state: "invalid", error: e };
      throw e;
    }
  }

  /** Every live relation's request. */
  requests(): RequestState[] {
    return liveRelations(this, this.endpoint).map((r) => this.requestOf(r));
  }

  private async onChanged(event: RelationChangedEvent): Promise<void> {
    if (!this.model.unit.isLeader()) return;
    const req = this.requestOf(event.relation);
    if (req.state === "invalid") {
      this.log.warning(req.error.message);
      return;
    }
    // As data_interfaces: a request is new until this provider has answered it.
    if (
      req.state !== "requested" ||
      this.answered.data.relations.includes(String(event.relation.id))
    )
      return;
    const e = new DatabaseRequestedEvent(this.model, relationEventInit(event.relation));
    e.request = req.request;
    await this.emit(this.on.databaseRequested, e);
  }

  private async onBroken(event: RelationBrokenEvent): Promise<void> {
    if (this.model.unit.isLeader()) {
      this.answered.data.relations = this.answered.data.relations.filter(
        (id) => id !== String(event.relation.id),
      );
      // The grants end with the relation; the secrets themselves would linger without this.
      for (const group of ["user", "tls", "extra"] as const) {
        this.ownedSecret(event.relation, group)?.removeAllRevisions();
      }
    }
    const init = relationEventInit(event.relation);
    await this.emit(this.on.databaseReleased, new DatabaseReleasedEvent(this.model, init));
  }

  private ownedSecret(r: Relation, group: SecretGroup): Secret | undefined {
    try {
      return this.model.getOwnedSecret({ label: secretLabel(this.endpoint, r.id, group) }, "app");
    } catch (e) {
      if (e instanceof SecretNotFoundError) return undefined;
      throw e;
    }
  }

  /**
   * Leader only (returns false otherwise): publishes the answer on `relation`. Fields the
   * requirer listed in `requested-secrets` go into app-owned secrets, created once per relation
   * and group, granted to the relation before their URIs are written, and updated in place (a new
   * revision only when the content changes); the rest goes into the bag, which is rewritten to
   * exactly this answer.
   */
  publish(relation: Relation, answer: ProviderAnswer): boolean {
    if (!this.model.unit.isLeader()) return false;
    const req = this.requestOf(relation);
    const requested = req.state === "requested" ? req.request.requestedSecrets : undefined;
    const { bag, secrets } = splitAnswer(answer, requested);
    const uris: Record<string, string> = {};
    for (const [group, content] of Object.entries(secrets) as [
      SecretGroup,
      Record<string, string>,
    ][]) {
      let secret = this.ownedSecret(relation, group);
      if (!secret) {
        secret = this.model.app.addSecret(content, {
          label: secretLabel(this.endpoint, relation.id, group),
        });
      } else if (
        JSON.stringify(sorted(secret.getContent({ refresh: true }))) !==
        JSON.stringify(sorted(content))
      ) {
        secret.setContent(content);
      }
      secret.grant(relation);
      // Canonical (`secret://<model uuid>/<id>`), so a requirer in another model can resolve it.
      uris[secretField(group)] = secret.id ?? secret.getInfo().id;
    }
    // Groups no longer sent (TLS turned off with nothing left in it, say) lose their secret.
    for (const group of ["user", "tls", "extra"] as const) {
      if (!(group in secrets)) this.ownedSecret(relation, group)?.removeAllRevisions();
    }
    relation.data(this.model.app).replace({ ...uris, ...bag });
    const id = String(relation.id);
    if (!this.answered.data.relations.includes(id))
      this.answered.data.relations = [...this.answered.data.relations, id];
    return true;
  }
}

function sorted(o: Record<string, string>): [string, string][] {
  return Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
