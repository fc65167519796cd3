/**
 * The `oauth` requirer (what hydra expects from `OAuthRequirer`): the leader publishes the client
 * config; the provider answers with its endpoints and, once it registered our client, `client_id`
 * and `client_secret_id`. The client secret is read from that secret (key `secret`) and never
 * written to a bag or a log.
 *
 * @example
 * ```ts
 * this.oauth = new OAuthRequirer(this, { clientConfig: { redirectUri: `https://${dns}/auth/callback`,
 *   scope: "openid profile email", grantTypes: ["authorization_code", "refresh_token"] } });
 * // in reconcile:
 * const info = this.oauth.getProviderInfo();      // throws InterfaceDataError on bad data
 * const creds = this.oauth.getClientCredentials(); // throws OAuthSecretError if unreadable
 * ```
 */
import { CharmObject } from "../../ops/charm.js";
import { ModelError } from "../../ops/errors.js";
import { EventBase, type EventSource, type Snapshot } from "../../ops/framework/event.js";
import type { SecretChangedEvent } from "../../ops/framework/juju-events.js";
import type { Relation } from "../../ops/model/relation.js";
import { InterfaceDataError, relationSource } from "../common/databag.js";
import { publishAppBag } from "../common/app-bag.js";
import { liveRelations } from "../common/relations.js";
import { sameSecret } from "../common/secrets.js";
import { tryParse } from "../common/try-parse.js";
import {
  CLIENT_SECRET_FIELD,
  type ClientConfig,
  ClientConfigError,
  INTERFACE,
  OAuthSecretError,
  type ProviderData,
  parseProviderData,
  renderClientConfig,
} from "./data.js";

/**
 * The provider registered (or updated) our client.
 *
 * @example
 * ```ts
 * this.observe(this.oauth.infoChanged, (e: OAuthInfoChangedEvent) => this.log.info(e.clientId));
 * ```
 */
export class OAuthInfoChangedEvent extends EventBase {
  clientId = "";
  clientSecretId = "";

  override snapshot(): Snapshot {
    return { client_id: this.clientId, client_secret_id: this.clientSecretId };
  }

  override restore(s: Snapshot): void {
    this.clientId = String(s.client_id);
    this.clientSecretId = String(s.client_secret_id);
  }
}

/**
 * The oauth relation is gone.
 *
 * @example
 * ```ts
 * this.observe(this.oauth.infoRemoved, () => this.reconcile());
 * ```
 */
export class OAuthInfoRemovedEvent extends EventBase {}

/**
 * Our client config was refused before anything was written.
 *
 * @example
 * ```ts
 * this.observe(this.oauth.invalidClientConfig, (e: InvalidClientConfigEvent) => (this.unit.status = new BlockedStatus(e.error)));
 * ```
 */
export class InvalidClientConfigEvent extends EventBase {
  error = "";

  override snapshot(): Snapshot {
    return { error: this.error };
  }

  override restore(s: Snapshot): void {
    this.error = String(s.error);
  }
}

/**
 * The client id and secret, once the provider registered our client.
 *
 * @example
 * ```ts
 * const creds: ClientCredentials | undefined = this.oauth.getClientCredentials();
 * ```
 */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * Options of {@link OAuthRequirer}.
 *
 * @example
 * ```ts
 * new OAuthRequirer(this, { endpoint: "oauth", clientConfig });
 * ```
 */
export interface OAuthRequirerOptions {
  /** The endpoint (default `oauth`). */
  endpoint?: string;
  /** The client to register; can be set later with {@link OAuthRequirer.updateClientConfig}. */
  clientConfig?: ClientConfig;
}

/**
 * Registers an OAuth client with an identity provider.
 *
 * @example
 * ```ts
 * this.oauth = new OAuthRequirer(this, { clientConfig });
 * const creds = this.oauth.getClientCredentials();
 * ```
 */
export class OAuthRequirer extends CharmObject {
  readonly endpoint: string;
  readonly infoChanged: EventSource<OAuthInfoChangedEvent>;
  readonly infoRemoved: EventSource<OAuthInfoRemovedEvent>;
  readonly invalidClientConfig: EventSource<InvalidClientConfigEvent>;
  private clientConfig: ClientConfig | undefined;

  constructor(parent: CharmObject, opts: OAuthRequirerOptions = {}) {
    const endpoint = opts.endpoint ?? "oauth";
    super(parent, endpoint);
    this.endpoint = endpoint;
    this.clientConfig = opts.clientConfig;
    this.infoChanged = this.defineEvent("oauth_info_changed", () => new OAuthInfoChangedEvent());
    this.infoRemoved = this.defineEvent("oauth_info_removed", () => new OAuthInfoRemovedEvent());
    this.invalidClientConfig = this.defineEvent(
      "invalid_client_config",
      () => new InvalidClientConfigEvent(),
    );
    const on = this.charmEvents;
    const rel = on.relation(endpoint);
    this.observe(rel.created, this.onPublish);
    this.observe(on.leaderElected, this.onPublish);
    this.observe(on.upgradeCharm, this.onPublish);
    this.observe(rel.changed, this.onChanged);
    this.observe(rel.broken, this.onBroken);
    this.observe(on.secretChanged, this.onSecretChanged);
  }

  /** The oauth relation (the first live one). */
  get relation(): Relation | undefined {
    return liveRelations(this, this.endpoint)[0];
  }

  private async onPublish(): Promise<void> {
    if (!this.clientConfig) return;
    try {
      this.publish(this.clientConfig);
    } catch (e) {
      if (!(e instanceof ClientConfigError)) throw e;
      const ev = new InvalidClientConfigEvent();
      ev.error = e.message;
      await this.emit(this.invalidClientConfig, ev);
    }
  }

  private publish(config: ClientConfig): void {
    publishAppBag(this, this.endpoint, renderClientConfig(config));
  }

  /**
   * Sets the client config and, as leader, publishes it on every relation (stale keys removed).
   * Throws {@link ClientConfigError} when the provider would refuse it.
   */
  updateClientConfig(config: ClientConfig): void {
    this.clientConfig = config;
    this.publish(config);
  }

  private async onChanged(): Promise<void> {
    const data = tryParse(() => this.readProviderData());
    if (data instanceof InterfaceDataError) {
      this.log.warning(data.message);
      return;
    }
    if (!data?.clientId || !data.clientSecretId) return;
    const ev = new OAuthInfoChangedEvent();
    ev.clientId = data.clientId;
    ev.clientSecretId = data.clientSecretId;
    await this.emit(this.infoChanged, ev);
  }

  private async onBroken(): Promise<void> {
    await this.emit(this.infoRemoved, new OAuthInfoRemovedEvent());
  }

  private async onSecretChanged(event: SecretChangedEvent): Promise<void> {
    const data = tryParse(() => this.readProviderData());
    if (data instanceof InterfaceDataError) return;
    if (!data?.clientId || !data.clientSecretId) return;
    if (!sameSecret(event.secret.id, data.clientSecretId)) return;
    // Track the new revision, so that later plain reads in this and later hooks see it.
    try {
      event.secret.getContent({ refresh: true });
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      this.log.warning(`cannot refresh the oauth client secret (${e.constructor.name})`);
    }
    const ev = new OAuthInfoChangedEvent();
    ev.clientId = data.clientId;
    ev.clientSecretId = data.clientSecretId;
    await this.emit(this.infoChanged, ev);
  }

  private readProviderData(): ProviderData | undefined {
    const relation = this.relation;
    if (!relation?.app) return undefined;
    return parseProviderData(
      relation.data(relation.app).toObject(),
      relationSource(INTERFACE, relation),
    );
  }

  /**
   * The provider's endpoints and client reference (never the secret); undefined while the
   * provider has written nothing. Throws {@link InterfaceDataError} on malformed data.
   */
  getProviderInfo(): ProviderData | undefined {
    return this.readProviderData();
  }

  /** Whether the provider registered our client (`client_id` and `client_secret_id` present). */
  isClientCreated(): boolean {
    const d = tryParse(() => this.readProviderData());
    return !(d instanceof InterfaceDataError) && Boolean(d?.clientId && d.clientSecretId);
  }

  /**
   * The client id and secret; undefined until the client is registered. Reads the secret by its
   * URI (latest revision with `refresh`, as after `secret-changed`). Throws
   * {@link OAuthSecretError} when the secret cannot be read or lacks `secret`, and
   * {@link InterfaceDataError} on malformed bag data.
   */
  getClientCredentials(opts: { refresh?: boolean } = {}): ClientCredentials | undefined {
    const relation = this.relation;
    const data = this.readProviderData();
    if (!relation || !data?.clientId || !data.clientSecretId) return undefined;
    const src = relationSource(INTERFACE, relation);
    let content: Record<string, string>;
    try {
      const secret = this.model.getSecret({ id: data.clientSecretId });
      content = opts.refresh ? secret.getContent({ refresh: true }) : secret.getContent();
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      throw new OAuthSecretError(
        src,
        `cannot be read (${e.constructor.name}); is it granted to this relation?`,
      );
    }
    const secret = content[CLIENT_SECRET_FIELD];
    if (!secret)
      throw new OAuthSecretError(src, `names a secret without the "${CLIENT_SECRET_FIELD}" key`);
    return { clientId: data.clientId, clientSecret: secret };
  }
}
