/**
 * The `ingress` v2 requirer (what traefik-k8s expects from `IngressPerAppRequirer`): the leader
 * asks for a route (`model`, `name`, `port` and options) in the app bag, every unit publishes the
 * host traefik routes to (and its IP), and the provider's URL comes back in `ingress`. `ready` fires
 * when the URL changes, `revoked` when the relation goes.
 *
 * Traefik refuses the whole relation while any unit lacks a valid `host`, so every unit publishes
 * on every relation event, on leader-elected and on upgrade-charm.
 *
 * @example
 * ```ts
 * this.ingress = new IngressRequirer(this, { port: 8080 });
 * this.observe(this.ingress.ready, (e: IngressReadyEvent) => this.reconcile());
 * // in reconcile: const url = this.ingress.url; // throws InterfaceDataError on bad data
 * ```
 */
import { CharmObject } from "../../ops/charm.js";
import type { EventSource, Snapshot } from "../../ops/framework/event.js";
import type { JsonValue, StoredState } from "../../ops/framework/stored-state.js";
import type { Relation } from "../../ops/model/relation.js";
import { InterfaceDataError, relationSource } from "../common/databag.js";
import { RelationIdEvent } from "../common/events.js";
import { podFqdn } from "../common/network.js";
import { liveRelations } from "../common/relations.js";
import { tryParse } from "../common/try-parse.js";
import {
  INTERFACE,
  type IngressHealthCheck,
  type IngressScheme,
  parseProviderAppData,
  renderRequirerAppData,
  renderRequirerUnitData,
} from "./data.js";

/**
 * The provider published a (new) URL.
 *
 * @example
 * ```ts
 * this.observe(this.ingress.ready, (e: IngressReadyEvent) => this.log.info(e.url));
 * ```
 */
export class IngressReadyEvent extends RelationIdEvent {
  url = "";

  override snapshot(): Snapshot {
    return { ...super.snapshot(), url: this.url };
  }

  override restore(s: Snapshot): void {
    super.restore(s);
    this.url = String(s.url);
  }
}

/**
 * The ingress relation is gone.
 *
 * @example
 * ```ts
 * this.observe(this.ingress.revoked, (e: IngressRevokedEvent) => this.reconcile());
 * ```
 */
export class IngressRevokedEvent extends RelationIdEvent {}

/**
 * What a charm asks traefik for.
 *
 * @example
 * ```ts
 * this.ingress.provideIngressRequirements({ port: 8081, scheme: "h2c", stripPrefix: true });
 * ```
 */
export interface IngressRequest {
  port: number;
  scheme?: IngressScheme;
  stripPrefix?: boolean;
  redirectHttps?: boolean;
  healthcheck?: IngressHealthCheck;
  /** The host to route to (default: the pod FQDN). */
  host?: string;
  /** This unit's IP (default: the binding's bind address; `null` to publish none). */
  ip?: string | null;
}

/**
 * Options of {@link IngressRequirer}.
 *
 * @example
 * ```ts
 * new IngressRequirer(this, { endpoint: "grpc-ingress", port: 8081, scheme: "h2c" });
 * ```
 */
export interface IngressRequirerOptions extends Partial<IngressRequest> {
  /** The endpoint (default `ingress`). */
  endpoint?: string;
}

/**
 * Requests ingress from traefik and reports the URL.
 *
 * @example
 * ```ts
 * this.ingress = new IngressRequirer(this, { port: 8080 });
 * const url = this.ingress.url; // undefined until traefik answers
 * ```
 */
export class IngressRequirer extends CharmObject {
  readonly endpoint: string;
  readonly ready: EventSource<IngressReadyEvent>;
  readonly revoked: EventSource<IngressRevokedEvent>;
  private request: Partial<IngressRequest>;
  private readonly stored: StoredState<{ currentUrl: string } & Record<string, JsonValue>>;

  constructor(parent: CharmObject, opts: IngressRequirerOptions = {}) {
    const endpoint = opts.endpoint ?? "ingress";
    super(parent, endpoint);
    this.endpoint = endpoint;
    const { endpoint: _e, ...request } = opts;
    this.request = request;
    this.stored = this.storedState("_stored", { currentUrl: "" });
    this.ready = this.defineEvent("ready", () => new IngressReadyEvent());
    this.revoked = this.defineEvent("revoked", () => new IngressRevokedEvent());
    const on = this.charmEvents;
    const rel = on.relation(endpoint);
    this.observe(rel.created, this.onRelationEvent);
    this.observe(rel.joined, this.onRelationEvent);
    this.observe(rel.changed, this.onRelationEvent);
    this.observe(rel.departed, this.onRelationEvent);
    this.observe(rel.broken, this.onBroken);
    this.observe(on.leaderElected, this.onRefresh);
    this.observe(on.upgradeCharm, this.onRefresh);
  }

  /** The relation (the endpoint usually has `limit: 1`): the first live one. */
  get relation(): Relation | undefined {
    return liveRelations(this, this.endpoint)[0];
  }

  private onRefresh(): void {
    this.publishSafely();
  }

  private publishSafely(): void {
    if (this.request.port === undefined) return;
    this.provideIngressRequirements({ ...this.request, port: this.request.port });
  }

  private async onRelationEvent(): Promise<void> {
    this.publishSafely();
    const relation = this.relation;
    if (!relation) return;
    const url = tryParse(() => this.urlOf(relation));
    if (url instanceof InterfaceDataError) {
      this.log.warning(url.message);
      return;
    }
    if (url === undefined || url === this.stored.data.currentUrl) return;
    this.stored.data.currentUrl = url;
    const ev = new IngressReadyEvent();
    ev.relationId = relation.id;
    ev.url = url;
    await this.emit(this.ready, ev);
  }

  private async onBroken(): Promise<void> {
    this.stored.data.currentUrl = "";
    const ev = new IngressRevokedEvent();
    ev.relationId = this.juju.relation?.id ?? 0;
    await this.emit(this.revoked, ev);
  }

  /**
   * Publishes the request on every live relation: the app bag as leader, this unit's bag always.
   * Stale keys are removed. Remembers the request for later hooks of this run.
   */
  provideIngressRequirements(request: IngressRequest): void {
    this.request = request;
    const relations = liveRelations(this, this.endpoint);
    if (relations.length === 0) return;
    const leader = this.model.unit.isLeader();
    for (const relation of relations) {
      if (leader) {
        const opened = this.model.unit.openedPorts().some((p) => p.port === request.port);
        relation.data(this.model.app).replace(
          renderRequirerAppData({
            model: this.model.name,
            name: this.model.app.name,
            port: request.port,
            isPortOpen: opened,
            ...(request.scheme !== undefined ? { scheme: request.scheme } : {}),
            ...(request.stripPrefix !== undefined ? { stripPrefix: request.stripPrefix } : {}),
            ...(request.redirectHttps !== undefined
              ? { redirectHttps: request.redirectHttps }
              : {}),
            ...(request.healthcheck !== undefined ? { healthcheck: request.healthcheck } : {}),
          }),
        );
      }
      const host = request.host ?? podFqdn(this.model.unit.name, this.model.name);
      let ip: string | undefined;
      if (request.ip === undefined) {
        try {
          ip = this.model.getBinding(this.endpoint, relation).bindAddress;
        } catch (e) {
          this.log.warning(`failed to retrieve ip information from juju: ${(e as Error).message}`);
        }
      } else if (request.ip !== null) {
        ip = request.ip;
      }
      relation
        .data(this.model.unit)
        .replace(renderRequirerUnitData({ host, ...(ip !== undefined ? { ip } : {}) }));
    }
  }

  private urlOf(relation: Relation): string | undefined {
    const app = relation.app;
    if (!app) return undefined;
    return parseProviderAppData(relation.data(app).toObject(), relationSource(INTERFACE, relation))
      ?.url;
  }

  /**
   * The URL the provider published for us; undefined when not (yet) available. Throws
   * {@link InterfaceDataError} when the provider's data is malformed.
   */
  get url(): string | undefined {
    const relation = this.relation;
    return relation ? this.urlOf(relation) : undefined;
  }

  /** Whether the provider has published a valid URL. */
  isReady(): boolean {
    const url = tryParse(() => this.url);
    return url !== undefined && !(url instanceof InterfaceDataError);
  }
}
