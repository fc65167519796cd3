/**
 * The `tracing` v2 requirer (what tempo expects from `TracingEndpointRequirer`): the leader asks
 * for receivers by protocol; the provider publishes the receivers' URLs. `endpointChanged` fires
 * when the provider's data is valid, `endpointRemoved` when it is gone or invalid.
 *
 * @example
 * ```ts
 * this.tracing = new TracingRequirer(this, { protocols: ["otlp_http"] });
 * const url = this.tracing.getEndpoint("otlp_http"); // undefined until tempo answers
 * ```
 */
import { CharmObject } from "../../ops/charm.js";
import type { EventSource, Snapshot } from "../../ops/framework/event.js";
import type { RelationChangedEvent } from "../../ops/framework/juju-events.js";
import type { Relation } from "../../ops/model/relation.js";
import { InterfaceDataError, relationSource } from "../common/databag.js";
import { publishAppBag } from "../common/app-bag.js";
import { RelationIdEvent } from "../common/events.js";
import { liveRelations } from "../common/relations.js";
import { tryParse } from "../common/try-parse.js";
import {
  INTERFACE,
  type ReceiverProtocol,
  type Receiver,
  parseProviderAppData,
  renderRequirerAppData,
} from "./data.js";

/**
 * The provider's receivers changed.
 *
 * @example
 * ```ts
 * this.observe(this.tracing.endpointChanged, (e: EndpointChangedEvent) => this.log.info(`${e.receivers.length} receivers`));
 * ```
 */
export class EndpointChangedEvent extends RelationIdEvent {
  receivers: Receiver[] = [];

  override snapshot(): Snapshot {
    return { ...super.snapshot(), receivers: JSON.stringify(this.receivers) };
  }

  override restore(s: Snapshot): void {
    super.restore(s);
    this.receivers = JSON.parse(String(s.receivers)) as Receiver[];
  }
}

/**
 * The provider's receivers are gone (relation broken, or data invalid).
 *
 * @example
 * ```ts
 * this.observe(this.tracing.endpointRemoved, () => this.reconcile());
 * ```
 */
export class EndpointRemovedEvent extends RelationIdEvent {}

/**
 * Options of {@link TracingRequirer}.
 *
 * @example
 * ```ts
 * new TracingRequirer(this, { endpoint: "tracing", protocols: ["otlp_grpc"] });
 * ```
 */
export interface TracingRequirerOptions {
  /** The endpoint (default `tracing`). */
  endpoint?: string;
  /** The protocols to request (the leader publishes them). */
  protocols?: ReceiverProtocol[];
}

/**
 * Requests tracing receivers and reads their URLs.
 *
 * @example
 * ```ts
 * this.tracing = new TracingRequirer(this, { protocols: ["otlp_http"] });
 * this.tracing.getEndpoint("otlp_http");
 * ```
 */
export class TracingRequirer extends CharmObject {
  readonly endpoint: string;
  readonly endpointChanged: EventSource<EndpointChangedEvent>;
  readonly endpointRemoved: EventSource<EndpointRemovedEvent>;
  private protocols: ReceiverProtocol[];

  constructor(parent: CharmObject, opts: TracingRequirerOptions = {}) {
    const endpoint = opts.endpoint ?? "tracing";
    super(parent, endpoint);
    this.endpoint = endpoint;
    this.protocols = opts.protocols ?? [];
    this.endpointChanged = this.defineEvent("endpoint_changed", () => new EndpointChangedEvent());
    this.endpointRemoved = this.defineEvent("endpoint_removed", () => new EndpointRemovedEvent());
    const on = this.charmEvents;
    const rel = on.relation(endpoint);
    this.observe(rel.created, this.onPublish);
    this.observe(rel.joined, this.onPublish);
    this.observe(on.leaderElected, this.onPublish);
    this.observe(on.upgradeCharm, this.onPublish);
    this.observe(rel.changed, this.onChanged);
    this.observe(rel.broken, this.onBroken);
  }

  /** The tracing relation (the first live one). */
  get relation(): Relation | undefined {
    return liveRelations(this, this.endpoint)[0];
  }

  private onPublish(): void {
    if (this.protocols.length > 0) this.requestProtocols(this.protocols);
  }

  /** As leader, asks every relation's provider for these receivers (non-leaders: no-op). */
  requestProtocols(protocols: ReceiverProtocol[]): void {
    this.protocols = protocols;
    publishAppBag(this, this.endpoint, renderRequirerAppData(protocols));
  }

  // The relation that changed, not the first one: with several relations (no `limit: 1`) each
  // reports its own receivers, as the Python library's handler does.
  private async onChanged(event: RelationChangedEvent): Promise<void> {
    const relation = event.relation;
    const parsed = tryParse(() => this.getReceivers(relation));
    if (parsed instanceof InterfaceDataError) this.log.warning(parsed.message);
    const receivers = parsed instanceof InterfaceDataError ? undefined : parsed;
    if (!receivers) {
      const ev = new EndpointRemovedEvent();
      ev.relationId = relation.id;
      await this.emit(this.endpointRemoved, ev);
      return;
    }
    const ev = new EndpointChangedEvent();
    ev.relationId = relation.id;
    ev.receivers = receivers;
    await this.emit(this.endpointChanged, ev);
  }

  private async onBroken(): Promise<void> {
    const ev = new EndpointRemovedEvent();
    ev.relationId = this.juju.relation?.id ?? 0;
    await this.emit(this.endpointRemoved, ev);
  }

  /**
   * The provider's receivers; undefined while it has published none. Throws
   * {@link InterfaceDataError} on malformed data.
   */
  getReceivers(relation: Relation | undefined = this.relation): Receiver[] | undefined {
    if (!relation?.app) return undefined;
    return parseProviderAppData(
      relation.data(relation.app).toObject(),
      relationSource(INTERFACE, relation),
    );
  }

  /**
   * The URL of the receiver for `protocol` (the first if several); undefined while none is
   * published. Throws {@link InterfaceDataError} on malformed data.
   */
  getEndpoint(protocol: ReceiverProtocol, relation?: Relation): string | undefined {
    return this.getReceivers(relation ?? this.relation)?.find((r) => r.protocol.name === protocol)
      ?.url;
  }
}
