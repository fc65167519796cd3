/**
 * The requirer side of `certificate_transfer` (JIMM's `receive-ca-cert`): the leader says
 * `version` = `1`; every unit reads the provider's app `certificates`, falling back to the v0
 * unit bags (`chain`, `ca`) of providers that only speak the legacy version.
 *
 * @example
 * ```ts
 * this.cas = new CertificateTransferRequirer(this, "receive-ca-cert");
 * this.observe(this.cas.on.certificatesAvailable, this.reconcile);
 * this.observe(this.cas.on.certificatesRemoved, this.reconcile);
 * // reconcile: write this.cas.certificatesByRelation() to the trust store
 * ```
 */
import { CharmObject } from "../../ops/charm.js";
import type { EventSource, Snapshot } from "../../ops/framework/event.js";
import {
  type RelationBrokenEvent,
  type RelationChangedEvent,
  type RelationCreatedEvent,
  RelationEvent,
} from "../../ops/framework/juju-events.js";
import type { Relation } from "../../ops/model/relation.js";
import { BlockedStatus, type StatusBase } from "../../ops/model/status.js";
import { ensureAppBag } from "../common/app-bag.js";
import { InterfaceDataError, relationSource } from "../common/databag.js";
import { snapshotStrings } from "../common/events.js";
import { liveRelations, relationEventInit } from "../common/relations.js";
import { forgetRelation, rememberRelation } from "../common/seen.js";
import { tryParse } from "../common/try-parse.js";
import {
  INTERFACE,
  certificateSet,
  parseProviderAppBag,
  parseProviderUnitBagV0,
  renderRequirerBag,
} from "./data.js";

/**
 * The set of certificates on a relation changed (and is not empty).
 *
 * @example
 * ```ts
 * this.observe(this.cas.on.certificatesAvailable, (e: CertificatesAvailableEvent) => trust(e.certificates));
 * ```
 */
export class CertificatesAvailableEvent extends RelationEvent {
  certificates: string[] = [];

  override snapshot(): Snapshot {
    return { ...super.snapshot(), certificates: this.certificates };
  }

  override restore(s: Snapshot): void {
    super.restore(s);
    this.certificates = snapshotStrings(s.certificates);
  }
}

/**
 * A relation's certificates are gone (relation broken, or the provider sent none).
 *
 * @example
 * ```ts
 * this.observe(this.cas.on.certificatesRemoved, (e: CertificatesRemovedEvent) => this.reconcile());
 * ```
 */
export class CertificatesRemovedEvent extends RelationEvent {}

/**
 * One relation's certificates, or the error in its data.
 *
 * @example
 * ```ts
 * const s: TransferState = this.cas.stateOf(relation);
 * ```
 */
export type TransferState =
  | { relation: Relation; state: "waiting" }
  | { relation: Relation; state: "invalid"; error: InterfaceDataError }
  | { relation: Relation; state: "ready"; certificates: string[] };

/**
 * The requirer side of `certificate_transfer` v1, with v0 fallback.
 *
 * @example
 * ```ts
 * const cas = new CertificateTransferRequirer(this, "receive-ca-cert");
 * cas.allCertificates();
 * ```
 */
export class CertificateTransferRequirer extends CharmObject {
  /** Events this object emits. */
  readonly on: {
    certificatesAvailable: EventSource<CertificatesAvailableEvent>;
    certificatesRemoved: EventSource<CertificatesRemovedEvent>;
  };
  /** Per relation, a fingerprint of the certificate set last announced (PEM certificates are public). */
  private readonly seen = this.storedState<{ relations: Record<string, string> }>("seen", {
    relations: {},
  });

  constructor(
    parent: CharmObject,
    /** The endpoint, `receive-ca-cert` on JIMM. */
    readonly endpoint: string,
  ) {
    super(parent, endpoint);
    const m = this.model;
    this.on = {
      certificatesAvailable: this.defineEvent(
        "certificates_available",
        () => new CertificatesAvailableEvent(m),
      ),
      certificatesRemoved: this.defineEvent(
        "certificates_removed",
        () => new CertificatesRemovedEvent(m),
      ),
    };
    const rel = this.charmEvents.relation(endpoint);
    this.observe(rel.created, this.onCreated);
    this.observe(rel.changed, this.onChanged);
    this.observe(rel.departed, this.onChanged);
    this.observe(rel.broken, this.onBroken);
    this.observe(this.charmEvents.leaderElected, this.onLeaderElected);
  }

  /** The live relations (a relation being broken does not count). */
  get relations(): Relation[] {
    return liveRelations(this, this.endpoint);
  }

  private ensureVersion(r: Relation): void {
    ensureAppBag(this.model, r, renderRequirerBag());
  }

  private onCreated(event: RelationCreatedEvent): void {
    this.ensureVersion(event.relation);
  }

  private onLeaderElected(): void {
    for (const r of this.relations) this.ensureVersion(r);
  }

  private async onChanged(event: RelationChangedEvent): Promise<void> {
    this.ensureVersion(event.relation);
    const s = this.stateOf(event.relation);
    const key = String(event.relation.id);
    const certs = s.state === "ready" ? s.certificates : [];
    const fingerprint = certs.join("\n");
    const before = this.seen.data.relations[key] ?? "";
    if (fingerprint === before || s.state === "invalid") return;
    this.seen.data.relations = rememberRelation(
      this.seen.data.relations,
      event.relation,
      fingerprint,
    );
    const init = relationEventInit(event.relation);
    if (certs.length === 0) {
      await this.emit(this.on.certificatesRemoved, new CertificatesRemovedEvent(this.model, init));
      return;
    }
    const e = new CertificatesAvailableEvent(this.model, init);
    e.certificates = certs;
    await this.emit(this.on.certificatesAvailable, e);
  }

  private async onBroken(event: RelationBrokenEvent): Promise<void> {
    this.seen.data.relations = forgetRelation(this.seen.data.relations, event.relation);
    const init = relationEventInit(event.relation);
    await this.emit(this.on.certificatesRemoved, new CertificatesRemovedEvent(this.model, init));
  }

  /** One relation's certificates: the v1 app bag, else the v0 unit bags. Never throws for remote data. */
  stateOf(r: Relation): TransferState {
    const app = r.app;
    if (!app) return { relation: r, state: "waiting" };
    const s = tryParse((): TransferState => {
      const v1 = parseProviderAppBag(
        r.data(app).toObject(),
        relationSource(INTERFACE, r, app.name),
      );
      if (v1) return { relation: r, state: "ready", certificates: v1 };
      const v0 = r.units.flatMap((u) =>
        parseProviderUnitBagV0(r.data(u).toObject(), relationSource(INTERFACE, r, u.name)),
      );
      const certs = certificateSet(v0);
      return certs.length
        ? { relation: r, state: "ready", certificates: certs }
        : { relation: r, state: "waiting" };
    });
    return s instanceof InterfaceDataError ? { relation: r, state: "invalid", error: s } : s;
  }

  /** Every live relation's certificates, sorted, by relation id (empty list until ready). */
  certificatesByRelation(): Map<number, string[]> {
    return new Map(
      this.relations.map((r) => {
        const s = this.stateOf(r);
        return [r.id, s.state === "ready" ? s.certificates : []];
      }),
    );
  }

  /** The union of all relations' certificates, sorted. */
  allCertificates(): string[] {
    return certificateSet([...this.certificatesByRelation().values()].flat());
  }

  /** The first typed error among the relations' data, if any. */
  get problem(): InterfaceDataError | undefined {
    for (const r of this.relations) {
      const s = this.stateOf(r);
      if (s.state === "invalid") return s.error;
    }
    return undefined;
  }

  /** A blocked status when a provider sent malformed data; otherwise undefined (the relation is optional). */
  status(): StatusBase | undefined {
    const p = this.problem;
    return p ? new BlockedStatus(p.statusMessage) : undefined;
  }
}
