/**
 * The provider side of `openfga` v1 (the TS OpenFGA charm), answering requirers that use the
 * Python v1 library: read each requirer's `store_name`; the leader creates the store, then
 * {@link OpenFgaProvider.publish}es `store_id`, `token_secret_id`, `http_api_url` and
 * `grpc_api_url`. The token secret is granted to the relation before its id is written (the
 * Python requirer reads it at once and fails without access); the token never enters the bag.
 *
 * @example
 * ```ts
 * this.openfga = new OpenFgaProvider(this, "openfga");
 * this.observe(this.openfga.on.storeRequested, async (e) => {
 *   const storeId = await createOrReuseStore(e.storeName);
 *   this.openfga.publish(e.relation, { storeId, tokenSecret: this.openfga.ensureTokenSecret(), httpApiUrl, grpcApiUrl });
 * });
 * // on every reconcile (leader): this.openfga.updateUrls({ httpApiUrl, grpcApiUrl });
 * ```
 */
import { randomBytes } from "node:crypto";
import { CharmObject } from "../../ops/charm.js";
import { SecretNotFoundError } from "../../ops/errors.js";
import type { EventSource, Snapshot } from "../../ops/framework/event.js";
import { type RelationChangedEvent, RelationEvent } from "../../ops/framework/juju-events.js";
import type { Relation } from "../../ops/model/relation.js";
import { type Secret, canonicalSecretId } from "../../ops/model/secret.js";
import { InterfaceDataError, relationSource } from "../common/databag.js";
import { liveRelations } from "../common/relations.js";
import {
  INTERFACE,
  TOKEN_KEY,
  parseProviderBag,
  parseRequirerBag,
  renderProviderBag,
} from "./data.js";

/**
 * A requirer asked for a store (emitted on the leader, which alone creates stores).
 *
 * @example
 * ```ts
 * this.observe(this.openfga.on.storeRequested, (e: StoreRequestedEvent) => createStore(e.storeName));
 * ```
 */
export class StoreRequestedEvent extends RelationEvent {
  storeName = "";

  override snapshot(): Snapshot {
    return { ...super.snapshot(), store_name: this.storeName };
  }

  override restore(s: Snapshot): void {
    super.restore(s);
    this.storeName = String(s.store_name);
  }
}

/**
 * The label of the app-owned token secret, as the Python openfga-k8s charm names it.
 *
 * @example
 * ```ts
 * this.model.getOwnedSecret({ label: TOKEN_SECRET_LABEL }, "app");
 * ```
 */
export const TOKEN_SECRET_LABEL = "token";

/**
 * The provider side of `openfga` v1.
 *
 * @example
 * ```ts
 * const fga = new OpenFgaProvider(this, "openfga");
 * fga.updateUrls({ httpApiUrl, grpcApiUrl });
 * ```
 */
export class OpenFgaProvider extends CharmObject {
  /** Events this object emits. */
  readonly on: { storeRequested: EventSource<StoreRequestedEvent> };

  constructor(
    parent: CharmObject,
    /** The endpoint, `openfga` on openfga-k8s. */
    readonly endpoint: string,
  ) {
    super(parent, endpoint);
    const m = this.model;
    this.on = {
      storeRequested: this.defineEvent("store_requested", () => new StoreRequestedEvent(m)),
    };
    this.observe(this.charmEvents.relation(endpoint).changed, this.onChanged);
  }

  /** The live relations and the store each asks for (undefined until asked). */
  requests(): { relation: Relation; storeName: string | undefined }[] {
    return liveRelations(this, this.endpoint).map((relation) => ({
      relation,
      storeName: relation.app
        ? parseRequirerBag(relation.data(relation.app).toObject())
        : undefined,
    }));
  }

  private async onChanged(event: RelationChangedEvent): Promise<void> {
    if (!this.model.unit.isLeader() || !event.relation.app) return;
    const storeName = parseRequirerBag(event.relation.data(event.relation.app).toObject());
    if (storeName === undefined) return;
    const e = new StoreRequestedEvent(this.model, {
      relation: event.relation,
      app: event.relation.app.name,
    });
    e.storeName = storeName;
    await this.emit(this.on.storeRequested, e);
  }

  /**
   * Leader only: the app-owned secret labelled `token` holding the preshared API key, created with a
   * random URL-safe 32-byte token the first time.
   */
  ensureTokenSecret(): Secret {
    try {
      return this.model.getOwnedSecret({ label: TOKEN_SECRET_LABEL }, "app");
    } catch (e) {
      if (!(e instanceof SecretNotFoundError)) throw e;
      return this.model.app.addSecret(
        { [TOKEN_KEY]: randomBytes(32).toString("base64url") },
        { label: TOKEN_SECRET_LABEL },
      );
    }
  }

  /**
   * Leader only (returns false otherwise): grants `tokenSecret` to `relation`, then writes the
   * answer. The bag is rewritten to exactly the v1 keys, so stale or legacy keys (a clear-text
   * `token`, v0's `address`/`port`/`scheme`) disappear.
   */
  publish(
    relation: Relation,
    answer: { storeId: string; tokenSecret: Secret; httpApiUrl: string; grpcApiUrl: string },
  ): boolean {
    if (!this.model.unit.isLeader()) return false;
    answer.tokenSecret.grant(relation);
    // Canonical (`secret://<model uuid>/<id>`), so a requirer in another model can resolve it.
    const id = answer.tokenSecret.id ?? answer.tokenSecret.getInfo().id;
    relation.data(this.model.app).replace(
      renderProviderBag({
        storeId: answer.storeId,
        tokenSecretId: id,
        httpApiUrl: answer.httpApiUrl,
        grpcApiUrl: answer.grpcApiUrl,
      }),
    );
    return true;
  }

  /**
   * Leader only: rewrites the URLs on every relation, keeping each one's store id and token secret
   * id (call it on every reconcile: ingress or TLS may change them).
   */
  updateUrls(urls: { httpApiUrl: string; grpcApiUrl: string }): void {
    if (!this.model.unit.isLeader()) return;
    for (const { relation } of this.requests()) {
      const bag = relation.data(this.model.app);
      let current;
      try {
        current = parseProviderBag(bag.toObject(), relationSource(INTERFACE, relation));
      } catch (e) {
        // Our own bag should never be malformed; if it is, rewrite it from scratch.
        if (!(e instanceof InterfaceDataError)) throw e;
        current = undefined;
      }
      bag.replace(
        renderProviderBag({
          ...(current?.storeId ? { storeId: current.storeId } : {}),
          // An id an older charm wrote in the short form is republished in the canonical one.
          ...(current?.tokenSecretId
            ? { tokenSecretId: canonicalSecretId(current.tokenSecretId, this.model.uuid) }
            : {}),
          ...urls,
        }),
      );
    }
  }
}
