/**
 * The `oauth` provider (what `OAuthProvider` of hydra does): the leader publishes the identity
 * provider's endpoints on every relation (from relation-created on, as hydra does); when a
 * requirer publishes a client config and our bag already holds that info, it emits
 * `clientCreated` (no client yet) or `clientChanged`; the charm registers the client and calls
 * {@link OAuthProvider.setClientCredentials}, which puts the client secret in an app secret
 * labelled `client_secret_<relation id>`, grants it to the relation, and publishes `client_id` and
 * `client_secret_id`.
 *
 * @example
 * ```ts
 * this.oauth = new OAuthProvider(this);
 * this.observe(this.on.relation("oauth").created, () => this.oauth.setProviderInfo(info));
 * this.observe(this.oauth.clientCreated, async (e) => {
 *   const client = await idp.createClient(e.config);
 *   this.oauth.setClientCredentials(e.relationId, client.id, client.secret);
 * });
 * ```
 */
import { CharmObject } from "../../ops/charm.js";
import { ModelError } from "../../ops/errors.js";
import type { EventSource, Snapshot } from "../../ops/framework/event.js";
import type { RelationBrokenEvent, RelationChangedEvent } from "../../ops/framework/juju-events.js";
import type { Relation } from "../../ops/model/relation.js";
import type { Secret } from "../../ops/model/secret.js";
import { InterfaceDataError, relationSource } from "../common/databag.js";
import { RelationIdEvent } from "../common/events.js";
import { tryParse } from "../common/try-parse.js";
import {
  CLIENT_SECRET_FIELD,
  type ClientConfig,
  INTERFACE,
  type ProviderInfo,
  clientSecretLabel,
  parseClientConfig,
  parseProviderData,
  renderClientRef,
  renderProviderInfo,
} from "./data.js";

/**
 * A requirer asks for a client (or for changes to its client).
 *
 * @example
 * ```ts
 * this.observe(this.oauth.clientCreated, (e: ClientRequestEvent) => register(e.relationId, e.config));
 * ```
 */
export class ClientRequestEvent extends RelationIdEvent {
  config: ClientConfig = { scope: "", grantTypes: [] };
  /** Set for `clientChanged`: the client already registered. */
  clientId: string | undefined;

  override snapshot(): Snapshot {
    return {
      ...super.snapshot(),
      config: JSON.stringify(this.config),
      ...(this.clientId !== undefined ? { client_id: this.clientId } : {}),
    };
  }

  override restore(s: Snapshot): void {
    super.restore(s);
    this.config = JSON.parse(String(s.config)) as ClientConfig;
    this.clientId = typeof s.client_id === "string" ? s.client_id : undefined;
  }
}

/**
 * A requirer's relation is gone (the client is left for the charm to clean up).
 *
 * @example
 * ```ts
 * this.observe(this.oauth.clientDeleted, (e: ClientDeletedEvent) => this.oauth.removeSecret(e.relationId));
 * ```
 */
export class ClientDeletedEvent extends RelationIdEvent {}

/**
 * Serves OAuth clients to requirers.
 *
 * @example
 * ```ts
 * this.oauth = new OAuthProvider(this);
 * this.oauth.setProviderInfo(info);
 * ```
 */
export class OAuthProvider extends CharmObject {
  readonly endpoint: string;
  readonly clientCreated: EventSource<ClientRequestEvent>;
  readonly clientChanged: EventSource<ClientRequestEvent>;
  readonly clientDeleted: EventSource<ClientDeletedEvent>;

  constructor(parent: CharmObject, opts: { endpoint?: string } = {}) {
    const endpoint = opts.endpoint ?? "oauth";
    super(parent, endpoint);
    this.endpoint = endpoint;
    this.clientCreated = this.defineEvent("client_created", () => new ClientRequestEvent());
    this.clientChanged = this.defineEvent("client_changed", () => new ClientRequestEvent());
    this.clientDeleted = this.defineEvent("client_deleted", () => new ClientDeletedEvent());
    const rel = this.charmEvents.relation(endpoint);
    this.observe(rel.changed, this.onChanged);
    this.observe(rel.broken, this.onBroken);
  }

  /**
   * A requirer's client config; undefined while it has written none. Throws
   * {@link InterfaceDataError} when it is invalid.
   */
  getClientConfig(relation: Relation): ClientConfig | undefined {
    if (!relation.app) return undefined;
    return parseClientConfig(
      relation.data(relation.app).toObject(),
      relationSource(INTERFACE, relation),
    );
  }

  private async onChanged(event: RelationChangedEvent): Promise<void> {
    if (!this.model.unit.isLeader()) return;
    const config = tryParse(() => this.getClientConfig(event.relation));
    if (config instanceof InterfaceDataError) {
      this.log.warning(config.message);
      return;
    }
    if (!config) return;
    // As the Python provider: no client before our own bag holds valid provider info, since a
    // Python requirer validates the whole bag and fails its hook on client keys without it.
    const own = event.relation.data(this.model.app).toObject();
    const info = tryParse(() => parseProviderData(own, relationSource(INTERFACE, event.relation)));
    if (info instanceof InterfaceDataError) {
      this.log.warning(`oauth provider info not complete yet (${info.message})`);
      return;
    }
    if (info === undefined) {
      this.log.info("oauth client config received before the provider info was published");
      return;
    }
    const clientId = own["client_id"];
    const ev = new ClientRequestEvent();
    ev.relationId = event.relation.id;
    ev.config = config;
    if (clientId) {
      ev.clientId = clientId;
      await this.emit(this.clientChanged, ev);
    } else {
      await this.emit(this.clientCreated, ev);
    }
  }

  private async onBroken(event: RelationBrokenEvent): Promise<void> {
    const ev = new ClientDeletedEvent();
    ev.relationId = event.relation.id;
    await this.emit(this.clientDeleted, ev);
  }

  /**
   * As leader, writes the provider info on every relation, keeping the client keys already there
   * and removing stale optional keys.
   */
  setProviderInfo(info: ProviderInfo): void {
    if (!this.model.unit.isLeader()) return;
    const data = renderProviderInfo(info);
    for (const relation of this.model.relations(this.endpoint)) {
      const bag = relation.data(this.model.app);
      const current = bag.toObject();
      const keep: Record<string, string> = {};
      for (const k of ["client_id", "client_secret_id"]) {
        const v = current[k];
        if (v) keep[k] = v;
      }
      bag.replace({ ...data, ...keep });
    }
  }

  private findSecret(relationId: number): Secret | undefined {
    try {
      return this.model.getOwnedSecret({ label: clientSecretLabel(relationId) }, "app");
    } catch (e) {
      if (e instanceof ModelError) return undefined;
      throw e;
    }
  }

  /**
   * As leader, stores the client secret in the app secret `client_secret_<relation id>` (a new
   * revision if it exists), grants it to the relation, and publishes `client_id` and
   * `client_secret_id`. The secret value goes nowhere else.
   */
  setClientCredentials(relationId: number, clientId: string, clientSecret: string): void {
    if (!this.model.unit.isLeader()) return;
    const relation = this.model.getRelation(this.endpoint, relationId);
    if (!relation?.app) return;
    const content = { [CLIENT_SECRET_FIELD]: clientSecret };
    let secret = this.findSecret(relationId);
    if (secret) {
      secret.setContent(content);
    } else {
      secret = this.model.app.addSecret(content, { label: clientSecretLabel(relationId) });
    }
    secret.grant(relation);
    const clientSecretId = secret.id ?? secret.getInfo().id;
    relation.data(this.model.app).update(renderClientRef({ clientId, clientSecretId }));
  }

  /** Removes the client secret of a relation, if any (after the charm deleted the client). */
  removeSecret(relationId: number): void {
    this.findSecret(relationId)?.removeAllRevisions();
  }
}
