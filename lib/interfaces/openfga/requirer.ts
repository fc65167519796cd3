/**
 * The requirer side of `openfga` v1 (JIMM): the leader asks for a store by name; every unit reads
 * the store id, the URLs and the API token (from the granted secret named by `token_secret_id`).
 * An empty or missing `store_id` means "not ready yet".
 *
 * @example
 * ```ts
 * this.openfga = new OpenFgaRequirer(this, "openfga", { storeName: "jimm" });
 * this.observe(this.openfga.on.storeCreated, this.reconcile);
 * this.observe(this.openfga.on.storeChanged, this.reconcile);
 * this.observe(this.openfga.on.storeRemoved, this.reconcile);
 * // reconcile: const store = this.openfga.store(); if (store) configure(store);
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
import { ensureAppBag } from "../common/app-bag.js";
import { InterfaceDataError, relationSource } from "../common/databag.js";
import { type ReadinessOf, invalidOnDataError } from "../common/readiness.js";
import { relationEventInit } from "../common/relations.js";
import { SingleRelationRequirer } from "../common/requirer-base.js";
import { readGrantedSecret, sameSecret } from "../common/secrets.js";
import { forgetRelation, rememberRelation } from "../common/seen.js";
import {
  INTERFACE,
  type StoreInfo,
  TOKEN_KEY,
  parseProviderBag,
  renderRequirerBag,
} from "./data.js";

/**
 * The store exists and the token is readable (first time on a relation).
 *
 * @example
 * ```ts
 * this.observe(this.openfga.on.storeCreated, (e: StoreCreatedEvent) => this.reconcile());
 * ```
 */
export class StoreCreatedEvent extends RelationEvent {}
/**
 * The store id, a URL or the token changed after the store was created.
 *
 * @example
 * ```ts
 * this.observe(this.openfga.on.storeChanged, (e: StoreChangedEvent) => this.reconcile());
 * ```
 */
export class StoreChangedEvent extends RelationEvent {}
/**
 * The relation is being removed.
 *
 * @example
 * ```ts
 * this.observe(this.openfga.on.storeRemoved, (e: StoreRemovedEvent) => this.reconcile());
 * ```
 */
export class StoreRemovedEvent extends RelationEvent {}

/**
 * Where the requirer stands.
 *
 * @example
 * ```ts
 * const r: StoreReadiness = this.openfga.readiness();
 * ```
 */
export type StoreReadiness = ReadinessOf<{ store: StoreInfo }>;

/**
 * Options of {@link OpenFgaRequirer}.
 *
 * @example
 * ```ts
 * new OpenFgaRequirer(this, "openfga", { storeName: "jimm" } satisfies OpenFgaRequirerOptions);
 * ```
 */
export interface OpenFgaRequirerOptions {
  storeName: string;
  /** Whether a missing relation blocks the charm in {@link OpenFgaRequirer.status}. Default true. */
  required?: boolean;
}

type Seen = { fingerprint: string; secretId: string };

/**
 * The requirer side of `openfga` v1.
 *
 * @example
 * ```ts
 * const fga = new OpenFgaRequirer(this, "openfga", { storeName: "jimm" });
 * const store = fga.store();
 * ```
 */
export class OpenFgaRequirer extends SingleRelationRequirer<{ store: StoreInfo }> {
  /** Events this object emits. */
  readonly on: {
    storeCreated: EventSource<StoreCreatedEvent>;
    storeChanged: EventSource<StoreChangedEvent>;
    storeRemoved: EventSource<StoreRemovedEvent>;
  };
  private readonly seen = this.storedState<{ relations: Record<string, Seen> }>("seen", {
    relations: {},
  });

  constructor(
    parent: CharmObject,
    /** The endpoint, `openfga` on JIMM. */
    readonly endpoint: string,
    private readonly options: OpenFgaRequirerOptions,
  ) {
    super(parent, endpoint);
    const m = this.model;
    this.on = {
      storeCreated: this.defineEvent("store_created", () => new StoreCreatedEvent(m)),
      storeChanged: this.defineEvent("store_changed", () => new StoreChangedEvent(m)),
      storeRemoved: this.defineEvent("store_removed", () => new StoreRemovedEvent(m)),
    };
    const rel = this.charmEvents.relation(endpoint);
    this.observe(rel.created, this.onCreated);
    this.observe(rel.changed, this.onChanged);
    this.observe(rel.broken, this.onBroken);
    this.observe(this.charmEvents.leaderElected, this.onLeaderElected);
    this.observe(this.charmEvents.secretChanged, this.onSecretChanged);
  }

  private ensureRequest(r: Relation): void {
    ensureAppBag(this.model, r, renderRequirerBag(this.options.storeName));
  }

  private onCreated(event: RelationCreatedEvent): void {
    this.ensureRequest(event.relation);
  }

  private onLeaderElected(): void {
    const r = this.relation;
    if (r) this.ensureRequest(r);
  }

  private async onChanged(event: RelationChangedEvent): Promise<void> {
    this.ensureRequest(event.relation);
    await this.emitIfChanged(event.relation);
  }

  private async emitIfChanged(r: Relation): Promise<void> {
    const res = this.readinessOf(r);
    if (res.state !== "ready") return;
    const key = String(r.id);
    const before = this.seen.data.relations[key];
    const bag = parseProviderBag(r.data(r.app!).toObject(), relationSource(INTERFACE, r));
    // Only ids and URLs: a token rotation arrives as secret-changed, handled there.
    const fingerprint = [
      res.store.storeId,
      res.store.httpApiUrl,
      res.store.grpcApiUrl,
      bag?.tokenSecretId ?? "",
    ].join("\n");
    this.seen.data.relations = rememberRelation(this.seen.data.relations, r, {
      fingerprint,
      secretId: bag?.tokenSecretId ?? "",
    });
    const init = relationEventInit(r);
    if (!before) await this.emit(this.on.storeCreated, new StoreCreatedEvent(this.model, init));
    else if (before.fingerprint !== fingerprint)
      await this.emit(this.on.storeChanged, new StoreChangedEvent(this.model, init));
  }

  private async onSecretChanged(event: SecretChangedEvent): Promise<void> {
    const r = this.relation;
    const seen = r ? this.seen.data.relations[String(r.id)] : undefined;
    if (!r || !seen || !sameSecret(seen.secretId, event.secret.id)) return;
    const init = relationEventInit(r);
    await this.emit(this.on.storeChanged, new StoreChangedEvent(this.model, init));
  }

  private async onBroken(event: RelationBrokenEvent): Promise<void> {
    this.seen.data.relations = forgetRelation(this.seen.data.relations, event.relation);
    const init = relationEventInit(event.relation);
    await this.emit(this.on.storeRemoved, new StoreRemovedEvent(this.model, init));
  }

  protected get required(): boolean {
    return this.options.required ?? true;
  }

  protected readinessOf(r: Relation): StoreReadiness {
    const app = r.app;
    if (!app) return { state: "absent" };
    const src = relationSource(INTERFACE, r);
    return invalidOnDataError((): StoreReadiness => {
      const d = parseProviderBag(r.data(app).toObject(), src);
      if (!d) return { state: "waiting", reason: "waiting for OpenFGA to answer" };
      if (!d.storeId)
        return { state: "waiting", reason: `waiting for OpenFGA to create the store` };
      if (!d.tokenSecretId) return { state: "waiting", reason: "waiting for the OpenFGA token" };
      const content = readGrantedSecret(this.model, d.tokenSecretId, src, "token_secret_id");
      const token = content[TOKEN_KEY];
      if (!token)
        throw new InterfaceDataError(
          src,
          "token_secret_id",
          `names a secret without a "${TOKEN_KEY}" key`,
        );
      return {
        state: "ready",
        store: { storeId: d.storeId, token, httpApiUrl: d.httpApiUrl, grpcApiUrl: d.grpcApiUrl },
      };
    });
  }

  /** The store when ready. Holds the token: never log it. */
  store(): StoreInfo | undefined {
    const r = this.readiness();
    return r.state === "ready" ? r.store : undefined;
  }
}
