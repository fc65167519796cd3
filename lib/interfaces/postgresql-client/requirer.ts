/**
 * The requirer side of `postgresql_client`: asks postgresql-k8s (or postgresql) for a database
 * and reads back the endpoints and the credentials, which travel in the `secret-user` and
 * `secret-tls` Juju secrets.
 *
 * The leader writes `database` and `requested-secrets` (and `extra-user-roles`) together on
 * relation-created, and again on any later hook that finds them missing (a new leader). Reading is
 * holistic: {@link DatabaseRequirer.readiness} computes the connection from the current bags and
 * secrets at any time, and never throws for bad remote data.
 *
 * @example
 * ```ts
 * this.db = new DatabaseRequirer(this, "database", { database: "openfga" });
 * this.observe(this.db.on.databaseCreated, this.reconcile);
 * this.observe(this.db.on.endpointsChanged, this.reconcile);
 * this.observe(this.db.on.credentialsChanged, this.reconcile);
 * this.observe(this.db.on.gone, this.reconcile);
 * // in reconcile: const conn = this.db.connection(); if (!conn) return;
 * // in collect-status: const s = this.db.status(); if (s) event.addStatus(s);
 * ```
 */
import type { CharmObject } from "../../ops/charm.js";
import type { EventSource } from "../../ops/framework/event.js";
import {
  type RelationBrokenEvent,
  type RelationChangedEvent,
  type RelationCreatedEvent,
  RelationEvent,
  type SecretChangedEvent,
} from "../../ops/framework/juju-events.js";
import type { Relation } from "../../ops/model/relation.js";
import { relationSource } from "../common/databag.js";
import { type ReadinessOf, invalidOnDataError } from "../common/readiness.js";
import { liveRelations, relationEventInit } from "../common/relations.js";
import { SingleRelationRequirer } from "../common/requirer-base.js";
import { readGrantedSecret, sameSecret } from "../common/secrets.js";
import { forgetRelation, rememberRelation } from "../common/seen.js";
import {
  type DatabaseConnection,
  type DatabaseRequest,
  INTERFACE,
  type ProviderBag,
  type SecretContents,
  parseProviderBag,
  renderRequest,
  resolveConnection,
  secretField,
} from "./data.js";

/**
 * The database was created and the credentials are readable (first time on a relation).
 *
 * @example
 * ```ts
 * this.observe(this.db.on.databaseCreated, (e: DatabaseCreatedEvent) => this.reconcile());
 * ```
 */
export class DatabaseCreatedEvent extends RelationEvent {}
/**
 * `endpoints` or `read-only-endpoints` changed after the database was created.
 *
 * @example
 * ```ts
 * this.observe(this.db.on.endpointsChanged, (e: EndpointsChangedEvent) => this.reconcile());
 * ```
 */
export class EndpointsChangedEvent extends RelationEvent {}
/**
 * The `secret-user` or `secret-tls` secret has a new revision (password, TLS flag or CA changed).
 *
 * @example
 * ```ts
 * this.observe(this.db.on.credentialsChanged, (e: CredentialsChangedEvent) => this.reconcile());
 * ```
 */
export class CredentialsChangedEvent extends RelationEvent {}
/**
 * The relation is being removed: stop using the database.
 *
 * @example
 * ```ts
 * this.observe(this.db.on.gone, (e: DatabaseGoneEvent) => this.stopWorkload());
 * ```
 */
export class DatabaseGoneEvent extends RelationEvent {}

/**
 * Where the requirer stands.
 *
 * @example
 * ```ts
 * const r: DatabaseReadiness = this.db.readiness(); if (r.state === "ready") use(r.connection);
 * ```
 */
export type DatabaseReadiness = ReadinessOf<{ connection: DatabaseConnection }>;

/**
 * Options of {@link DatabaseRequirer}.
 *
 * @example
 * ```ts
 * new DatabaseRequirer(this, "database", { database: "jimm", required: true } satisfies DatabaseRequirerOptions);
 * ```
 */
export interface DatabaseRequirerOptions extends DatabaseRequest {
  /** Whether a missing relation blocks the charm in {@link DatabaseRequirer.status}. Default true. */
  required?: boolean;
}

type Seen = {
  created: boolean;
  endpoints: string;
  readOnlyEndpoints: string;
  /** Secret URIs seen in the provider bag, to recognise their secret-changed events. */
  secrets: string[];
};

/**
 * The requirer side of `postgresql_client` v0.
 *
 * @example
 * ```ts
 * const db = new DatabaseRequirer(this, "database", { database: "openfga" });
 * const conn = db.connection();
 * ```
 */
export class DatabaseRequirer extends SingleRelationRequirer<{ connection: DatabaseConnection }> {
  /** Events this object emits. */
  readonly on: {
    databaseCreated: EventSource<DatabaseCreatedEvent>;
    endpointsChanged: EventSource<EndpointsChangedEvent>;
    credentialsChanged: EventSource<CredentialsChangedEvent>;
    gone: EventSource<DatabaseGoneEvent>;
  };
  private readonly seen = this.storedState<{ relations: Record<string, Seen> }>("seen", {
    relations: {},
  });

  constructor(
    parent: CharmObject,
    /** The endpoint, `database` on JIMM and OpenFGA. */
    readonly endpoint: string,
    private readonly options: DatabaseRequirerOptions,
  ) {
    super(parent, endpoint);
    const m = this.model;
    this.on = {
      databaseCreated: this.defineEvent("database_created", () => new DatabaseCreatedEvent(m)),
      endpointsChanged: this.defineEvent("endpoints_changed", () => new EndpointsChangedEvent(m)),
      credentialsChanged: this.defineEvent(
        "credentials_changed",
        () => new CredentialsChangedEvent(m),
      ),
      gone: this.defineEvent("gone", () => new DatabaseGoneEvent(m)),
    };
    const rel = this.charmEvents.relation(endpoint);
    this.observe(rel.created, this.onCreated);
    this.observe(rel.changed, this.onChanged);
    this.observe(rel.broken, this.onBroken);
    this.observe(this.charmEvents.leaderElected, this.onLeaderElected);
    this.observe(this.charmEvents.secretChanged, this.onSecretChanged);
  }

  /** Leader only: writes the request unless it is already there. Never changes a written request. */
  private ensureRequest(r: Relation): void {
    if (!this.model.unit.isLeader()) return;
    const bag = r.data(this.model.app);
    const current = bag.toObject();
    const wanted = renderRequest(this.options);
    if (current.database === undefined) {
      bag.update(wanted);
      return;
    }
    // The provider only reacts to `database` being added, and refuses changed roles: keep what
    // was first written and say so.
    if ((current["extra-user-roles"] ?? "") !== (wanted["extra-user-roles"] ?? "")) {
      this.log.warning(
        `${this.endpoint}: extra-user-roles cannot change once requested (have ${JSON.stringify(current["extra-user-roles"] ?? "")}); keeping it`,
      );
    }
  }

  private onCreated(event: RelationCreatedEvent): void {
    this.ensureRequest(event.relation);
  }

  private onLeaderElected(): void {
    for (const r of liveRelations(this, this.endpoint)) this.ensureRequest(r);
  }

  private async onChanged(event: RelationChangedEvent): Promise<void> {
    this.ensureRequest(event.relation);
    const r = this.readinessOf(event.relation);
    const key = String(event.relation.id);
    const before = this.seen.data.relations[key];
    if (r.state !== "ready") return;
    const now = this.fingerprint(event.relation, r.connection);
    this.seen.data.relations = rememberRelation(this.seen.data.relations, event.relation, now);
    const init = relationEventInit(event.relation);
    if (!before?.created) {
      await this.emit(this.on.databaseCreated, new DatabaseCreatedEvent(this.model, init));
    } else if (
      before.endpoints !== now.endpoints ||
      before.readOnlyEndpoints !== now.readOnlyEndpoints
    ) {
      await this.emit(this.on.endpointsChanged, new EndpointsChangedEvent(this.model, init));
    }
  }

  private fingerprint(r: Relation, c: DatabaseConnection): Seen {
    const bag = this.providerBagOrUndefined(r);
    return {
      created: true,
      endpoints: c.endpoints.map((e) => e.text).join(","),
      readOnlyEndpoints: c.readOnlyEndpoints.map((e) => e.text).join(","),
      secrets: Object.values(bag?.secrets ?? {}),
    };
  }

  private async onSecretChanged(event: SecretChangedEvent): Promise<void> {
    for (const r of this.model.relations(this.endpoint)) {
      const seen = this.seen.data.relations[String(r.id)];
      const ours = (seen?.secrets ?? []).some((uri) => sameSecret(uri, event.secret.id));
      if (!ours) continue;
      const init = relationEventInit(r);
      await this.emit(this.on.credentialsChanged, new CredentialsChangedEvent(this.model, init));
    }
  }

  private async onBroken(event: RelationBrokenEvent): Promise<void> {
    this.seen.data.relations = forgetRelation(this.seen.data.relations, event.relation);
    const init = relationEventInit(event.relation);
    await this.emit(this.on.gone, new DatabaseGoneEvent(this.model, init));
  }

  private providerBagOrUndefined(r: Relation): ProviderBag | undefined {
    try {
      return r.app
        ? parseProviderBag(r.data(r.app).toObject(), relationSource(INTERFACE, r))
        : undefined;
    } catch {
      return undefined;
    }
  }

  protected get required(): boolean {
    return this.options.required ?? true;
  }

  protected readinessOf(r: Relation): DatabaseReadiness {
    const app = r.app;
    if (!app) return { state: "absent" };
    const src = relationSource(INTERFACE, r);
    return invalidOnDataError((): DatabaseReadiness => {
      const bag = parseProviderBag(r.data(app).toObject(), src);
      if (bag.subordinated && !r.units.some((u) => r.data(u).get("state") === "ready")) {
        return { state: "waiting", reason: "waiting for the database router to be ready" };
      }
      const secrets: SecretContents = {};
      for (const group of ["user", "tls"] as const) {
        const uri = bag.secrets[group];
        if (uri !== undefined)
          secrets[group] = readGrantedSecret(this.model, uri, src, secretField(group));
      }
      const res = resolveConnection(bag, secrets, src, this.options.database);
      return res.ready
        ? { state: "ready", connection: res.connection }
        : { state: "waiting", reason: res.reason };
    });
  }

  /** The connection when ready. Holds the password: never log it. */
  connection(): DatabaseConnection | undefined {
    const r = this.readiness();
    return r.state === "ready" ? r.connection : undefined;
  }
}
