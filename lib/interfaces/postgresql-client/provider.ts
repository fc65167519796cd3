/**
 * The provider side of `postgresql_client`, as postgresql-k8s behaves, for v0 and v1 requirers.
 *
 * - v0 (`database` in the requirer's app bag): (leader only) publish per relation an app-owned
 *   `<endpoint>.<id>.user.secret` (and `.tls.secret`) granted to the relation, their URIs under
 *   `secret-user`/`secret-tls`, and the endpoints, version and database name in the bag.
 * - v1 (`version: v1`, a `requests` list): one answer per `request-id`, in the app bag's
 *   `requests` list, with secrets `<endpoint>.<id>.<request-id>.user.secret` (and `.tls.secret`),
 *   plus the `data` record the Python requirer checks; see `data-v1.ts`.
 *
 * Used by the local PostgreSQL stand-in charm.
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
import { type PyJson, pyJsonDumps } from "../common/python-json.js";
import { tryParse } from "../common/try-parse.js";
import {
  INTERFACE,
  type ProviderAnswer,
  type SecretContents,
  type SecretGroup,
  secretField,
  secretLabel,
  splitAnswer,
} from "./data.js";
import {
  type ProviderRequest,
  type RequirerBag,
  answeredIds,
  parseRequirerBag,
  readOwnV1,
  renderV1Bag,
  renderV1Response,
  splitV1Answer,
} from "./data-v1.js";

/**
 * A requirer asked for a database (emitted on the leader when `database` first appears, or for
 * each v1 request not answered yet; `request.requestId` tells which).
 *
 * @example
 * ```ts
 * this.observe(this.db.on.databaseRequested, (e: DatabaseRequestedEvent) => e.request.database);
 * ```
 */
export class DatabaseRequestedEvent extends RelationEvent {
  request!: ProviderRequest;

  override snapshot(): Snapshot {
    return { ...super.snapshot(), request: JSON.stringify(this.request) };
  }

  override restore(s: Snapshot): void {
    super.restore(s);
    this.request = JSON.parse(String(s.request)) as ProviderRequest;
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
 * One request of a requirer, or the error in it. A v0 relation has one; a v1 relation has one per
 * entry of its `requests` list (`request.requestId` set), or one `none` when the list is empty.
 *
 * @example
 * ```ts
 * for (const r of this.db.requests()) if (r.state === "requested") answer(r.relation, r.request);
 * ```
 */
export type RequestState =
  | { relation: Relation; state: "none" }
  | { relation: Relation; state: "invalid"; error: InterfaceDataError }
  | { relation: Relation; state: "requested"; request: ProviderRequest };

/** Every secret group a provider of this library may own per relation (and request). */
const OWNED_GROUPS = ["user", "tls", "extra"] as const;

/**
 * The provider side of `postgresql_client`, v0 and v1.
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

  /** The requirer's bag, parsed; an error for a malformed bag; undefined without a remote app. */
  private parsed(r: Relation): RequirerBag | InterfaceDataError | undefined {
    const app = r.app;
    if (!app) return undefined;
    return tryParse(() => parseRequirerBag(r.data(app).toObject(), relationSource(INTERFACE, r)));
  }

  /** The requests on one relation (one state for v0). Never throws for remote data. */
  requestsOf(r: Relation): RequestState[] {
    const p = this.parsed(r);
    if (p === undefined) return [{ relation: r, state: "none" }];
    if (p instanceof InterfaceDataError) return [{ relation: r, state: "invalid", error: p }];
    if (p.version === "v0") {
      return [
        p.request
          ? { relation: r, state: "requested", request: p.request }
          : { relation: r, state: "none" },
      ];
    }
    if (p.entries.length === 0) return [{ relation: r, state: "none" }];
    return p.entries.map((e) =>
      e.ok
        ? { relation: r, state: "requested", request: e.request }
        : { relation: r, state: "invalid", error: e.error },
    );
  }

  /** Every live relation's requests. */
  requests(): RequestState[] {
    return liveRelations(this, this.endpoint).flatMap((r) => this.requestsOf(r));
  }

  private async onChanged(event: RelationChangedEvent): Promise<void> {
    if (!this.model.unit.isLeader()) return;
    const p = this.parsed(event.relation);
    if (p instanceof InterfaceDataError) {
      this.log.warning(p.message);
      return;
    }
    if (p?.version === "v1") return this.onChangedV1(event.relation, p.entries);
    // As data_interfaces: a request is new until this provider has answered it.
    if (
      p?.request === undefined ||
      this.answered.data.relations.includes(String(event.relation.id))
    )
      return;
    const e = new DatabaseRequestedEvent(this.model, relationEventInit(event.relation));
    e.request = p.request;
    await this.emit(this.on.databaseRequested, e);
  }

  /**
   * v1: records every valid request in `data` (as the Python provider does on each change), then
   * emits `databaseRequested` for each request without an answer in the bag. The bag, not this
   * unit's stored state, says what was answered, so a new leader does not ask again.
   */
  private async onChangedV1(
    relation: Relation,
    entries: Extract<RequirerBag, { version: "v1" }>["entries"],
  ): Promise<void> {
    const mine = relation.data(this.model.app);
    const own = readOwnV1(mine.toObject());
    const data: Record<string, PyJson> = { ...own.data };
    for (const e of entries) {
      if (!e.ok) this.log.warning(e.error.message);
      else data[e.request.requestId] = e.record;
    }
    const dataText = pyJsonDumps(data);
    if (Object.keys(data).length > 0 && mine.get("data") !== dataText) mine.set("data", dataText);
    const answered = answeredIds(own.responses);
    for (const e of entries) {
      if (!e.ok || answered.has(e.request.requestId)) continue;
      const ev = new DatabaseRequestedEvent(this.model, relationEventInit(relation));
      ev.request = e.request;
      await this.emit(this.on.databaseRequested, ev);
    }
  }

  private async onBroken(event: RelationBrokenEvent): Promise<void> {
    if (this.model.unit.isLeader()) {
      this.answered.data.relations = this.answered.data.relations.filter(
        (id) => id !== String(event.relation.id),
      );
      // The grants end with the relation; the secrets themselves would linger without this.
      for (const group of OWNED_GROUPS) {
        this.ownedSecret(event.relation, group)?.removeAllRevisions();
      }
      for (const requestId of this.ownRequestIds(event.relation)) {
        for (const group of OWNED_GROUPS) {
          this.ownedSecret(event.relation, group, requestId)?.removeAllRevisions();
        }
      }
    }
    const init = relationEventInit(event.relation);
    await this.emit(this.on.databaseReleased, new DatabaseReleasedEvent(this.model, init));
  }

  /** The v1 request ids this provider recorded or answered on `r` (from its own bag). */
  private ownRequestIds(r: Relation): Set<string> {
    const own = readOwnV1(r.data(this.model.app).toObject());
    const ids = new Set(Object.keys(own.data).filter((k) => k !== "status"));
    for (const response of own.responses) {
      const id = response["request-id"];
      if (typeof id === "string") ids.add(id);
    }
    return ids;
  }

  private ownedSecret(r: Relation, group: SecretGroup, requestId?: string): Secret | undefined {
    try {
      return this.model.getOwnedSecret(
        { label: secretLabel(this.endpoint, r.id, group, requestId) },
        "app",
      );
    } catch (e) {
      if (e instanceof SecretNotFoundError) return undefined;
      throw e;
    }
  }

  /**
   * Creates or updates the relation's secrets (one per group of `secrets`), granted to the
   * relation before their URIs are written; a new revision only when the content changes. Groups
   * not in `secrets` lose their secret. Returns the canonical URIs by group.
   */
  private ensureSecrets(
    relation: Relation,
    secrets: SecretContents,
    requestId?: string,
  ): Partial<Record<SecretGroup, string>> {
    const uris: Partial<Record<SecretGroup, string>> = {};
    for (const [group, content] of Object.entries(secrets) as [
      SecretGroup,
      Record<string, string>,
    ][]) {
      let secret = this.ownedSecret(relation, group, requestId);
      if (!secret) {
        secret = this.model.app.addSecret(content, {
          label: secretLabel(this.endpoint, relation.id, group, requestId),
        });
      } else if (
        JSON.stringify(sorted(secret.getContent({ refresh: true }))) !==
        JSON.stringify(sorted(content))
      ) {
        secret.setContent(content);
      }
      secret.grant(relation);
      // Canonical (`secret://<model uuid>/<id>`), so a requirer in another model can resolve it.
      uris[group] = secret.id ?? secret.getInfo().id;
    }
    // Groups no longer sent (TLS turned off with nothing left in it, say) lose their secret.
    for (const group of OWNED_GROUPS) {
      if (!(group in secrets)) this.ownedSecret(relation, group, requestId)?.removeAllRevisions();
    }
    return uris;
  }

  /**
   * Leader only (returns false otherwise): publishes the answer on `relation`.
   *
   * - v0 requirer: fields the requirer listed in `requested-secrets` go into app-owned secrets
   *   (created once per relation and group); the rest goes into the bag, which is rewritten to
   *   exactly this answer.
   * - v1 requirer: `answer.requestId` names the request answered (false, with a warning, when it
   *   is missing or not among the requirer's requests). The credentials go into that request's
   *   `user` and `tls` secrets; its response replaces the one with the same `request-id` in the
   *   `requests` list (or is appended), and `data` records the request. The bag holds exactly
   *   `version`, `requests` and `data`.
   */
  publish(relation: Relation, answer: ProviderAnswer): boolean {
    if (!this.model.unit.isLeader()) return false;
    const p = this.parsed(relation);
    if (p !== undefined && !(p instanceof InterfaceDataError) && p.version === "v1") {
      return this.publishV1(relation, p.entries, answer);
    }
    const requested =
      p !== undefined && !(p instanceof InterfaceDataError) && p.version === "v0"
        ? p.request?.requestedSecrets
        : undefined;
    const { bag, secrets } = splitAnswer(answer, requested);
    const uris: Record<string, string> = {};
    for (const [group, uri] of Object.entries(this.ensureSecrets(relation, secrets))) {
      uris[secretField(group as SecretGroup)] = uri;
    }
    relation.data(this.model.app).replace({ ...uris, ...bag });
    const id = String(relation.id);
    if (!this.answered.data.relations.includes(id))
      this.answered.data.relations = [...this.answered.data.relations, id];
    return true;
  }

  private publishV1(
    relation: Relation,
    entries: Extract<RequirerBag, { version: "v1" }>["entries"],
    answer: ProviderAnswer,
  ): boolean {
    const entry = entries.find((e) => e.ok && e.request.requestId === answer.requestId);
    if (entry === undefined || !entry.ok) {
      this.log.warning(
        `${relation}: not answered: ${
          answer.requestId === undefined
            ? "the requirer speaks v1 and the answer names no requestId"
            : `no valid request ${JSON.stringify(answer.requestId)}`
        }`,
      );
      return false;
    }
    const requestId = entry.request.requestId;
    const uris = this.ensureSecrets(relation, splitV1Answer(answer), requestId);
    const mine = relation.data(this.model.app);
    const own = readOwnV1(mine.toObject());
    const response = renderV1Response(entry.request, answer, uris);
    const at = own.responses.findIndex((r) => r["request-id"] === requestId);
    const responses = [...own.responses];
    if (at >= 0) responses[at] = response;
    else responses.push(response);
    mine.replace(renderV1Bag(responses, { ...own.data, [requestId]: entry.record }));
    return true;
  }
}

function sorted(o: Record<string, string>): [string, string][] {
  return Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
