/**
 * The provider side of `vault-kv`, as vault-k8s behaves (for the local Vault stand-in): read each
 * requirer unit's nonce and egress subnets; the leader creates per unit an app-owned secret
 * `vault-kv-<unit>` holding `role-id`/`role-secret-id`, grants it to the relation, and publishes
 * `credentials[nonce]` with `vault_url`, `ca_certificate` and `mount`.
 *
 * @example
 * ```ts
 * this.kv = new VaultKvProvider(this, "vault-kv");
 * this.observe(this.kv.on.clientAttached, (e) => {
 *   const mount = kvMountName(e.relation.app!.name, e.mountSuffix);
 *   const { roleId, roleSecretId } = ensureAppRole(mount, e.unitName, e.egressSubnets);
 *   this.kv.publish(e.relation, { unitName: e.unitName, nonce: e.nonce, vaultUrl, caCertificate, mount, roleId, roleSecretId });
 * });
 * this.observe(this.kv.on.clientDetached, (e) => this.kv.removeUnitCredentials(e.relation, e.unitName));
 * ```
 */
import { CharmObject } from "../../ops/charm.js";
import { SecretNotFoundError } from "../../ops/errors.js";
import type { EventSource, Snapshot } from "../../ops/framework/event.js";
import {
  type RelationChangedEvent,
  type RelationDepartedEvent,
  RelationEvent,
} from "../../ops/framework/juju-events.js";
import type { Relation } from "../../ops/model/relation.js";
import { type Secret, canonicalSecretId } from "../../ops/model/secret.js";
import { InterfaceDataError, fieldString, relationSource } from "../common/databag.js";
import { snapshotStrings } from "../common/events.js";
import { liveRelations, relationEventInit } from "../common/relations.js";
import { tryParse } from "../common/try-parse.js";
import {
  INTERFACE,
  ROLE_ID_KEY,
  ROLE_SECRET_ID_KEY,
  parseProviderBag,
  parseUnitBag,
  renderProviderBag,
  unitSecretLabel,
} from "./data.js";

/**
 * A requirer unit with valid data wants credentials (emitted on the leader, per unit).
 *
 * @example
 * ```ts
 * this.observe(this.kv.on.clientAttached, (e: ClientAttachedEvent) => issue(e.unitName, e.nonce));
 * ```
 */
export class ClientAttachedEvent extends RelationEvent {
  unitName = "";
  mountSuffix = "";
  egressSubnets: string[] = [];
  nonce = "";

  override snapshot(): Snapshot {
    return {
      ...super.snapshot(),
      unit_name: this.unitName,
      mount_suffix: this.mountSuffix,
      egress_subnets: this.egressSubnets,
      nonce: this.nonce,
    };
  }

  override restore(s: Snapshot): void {
    super.restore(s);
    this.unitName = String(s.unit_name);
    this.mountSuffix = String(s.mount_suffix);
    this.egressSubnets = snapshotStrings(s.egress_subnets);
    this.nonce = String(s.nonce);
  }
}

/**
 * A requirer unit left the relation: remove its credentials.
 *
 * @example
 * ```ts
 * this.observe(this.kv.on.clientDetached, (e: ClientDetachedEvent) => this.kv.removeUnitCredentials(e.relation, e.unitName));
 * ```
 */
export class ClientDetachedEvent extends RelationEvent {
  unitName = "";

  override snapshot(): Snapshot {
    return { ...super.snapshot(), unit_name: this.unitName };
  }

  override restore(s: Snapshot): void {
    super.restore(s);
    this.unitName = String(s.unit_name);
  }
}

/**
 * One requirer unit's request, or what is wrong with it.
 *
 * @example
 * ```ts
 * for (const r of this.kv.requests()) if (r.state === "valid") issue(r);
 * ```
 */
export type KvRequest =
  | {
      relation: Relation;
      unitName: string;
      state: "valid";
      mountSuffix: string;
      nonce: string;
      egressSubnets: string[];
    }
  | { relation: Relation; unitName: string; state: "incomplete" }
  | { relation: Relation; unitName: string; state: "invalid"; error: InterfaceDataError };

/**
 * What {@link VaultKvProvider.publish} writes for one unit. Holds secrets: never log it.
 *
 * @example
 * ```ts
 * this.kv.publish(relation, { unitName, nonce, vaultUrl, caCertificate, mount, roleId, roleSecretId } satisfies UnitAnswer);
 * ```
 */
export interface UnitAnswer {
  unitName: string;
  nonce: string;
  vaultUrl: string;
  caCertificate: string;
  mount: string;
  roleId: string;
  roleSecretId: string;
}

/**
 * The provider side of `vault-kv` v0.
 *
 * @example
 * ```ts
 * const kv = new VaultKvProvider(this, "vault-kv");
 * kv.publish(relation, answer);
 * ```
 */
export class VaultKvProvider extends CharmObject {
  /** Events this object emits. */
  readonly on: {
    clientAttached: EventSource<ClientAttachedEvent>;
    clientDetached: EventSource<ClientDetachedEvent>;
  };

  constructor(
    parent: CharmObject,
    /** The endpoint, `vault-kv` on vault-k8s. */
    readonly endpoint: string,
  ) {
    super(parent, endpoint);
    const m = this.model;
    this.on = {
      clientAttached: this.defineEvent("client_attached", () => new ClientAttachedEvent(m)),
      clientDetached: this.defineEvent("client_detached", () => new ClientDetachedEvent(m)),
    };
    this.observe(this.charmEvents.relation(endpoint).changed, this.onChanged);
    this.observe(this.charmEvents.relation(endpoint).departed, this.onDeparted);
  }

  /** The requests of every unit of `relation`. Never throws for remote data. */
  requestsOf(relation: Relation): KvRequest[] {
    const app = relation.app;
    if (!app) return [];
    const mountSuffix = fieldString(relation.data(app).toObject(), "mount_suffix");
    return relation.units.map((u): KvRequest => {
      const req = tryParse(() =>
        parseUnitBag(relation.data(u).toObject(), relationSource(INTERFACE, relation, u.name)),
      );
      if (req instanceof InterfaceDataError)
        return { relation, unitName: u.name, state: "invalid", error: req };
      if (!req || mountSuffix === undefined)
        return { relation, unitName: u.name, state: "incomplete" };
      return { relation, unitName: u.name, state: "valid", mountSuffix, ...req };
    });
  }

  /** The requests of every unit of every live relation. */
  requests(): KvRequest[] {
    return liveRelations(this, this.endpoint).flatMap((r) => this.requestsOf(r));
  }

  private async onChanged(event: RelationChangedEvent): Promise<void> {
    if (!this.model.unit.isLeader()) return;
    for (const req of this.requestsOf(event.relation)) {
      if (req.state === "invalid") this.log.warning(req.error.message);
      if (req.state !== "valid") continue;
      const e = new ClientAttachedEvent(this.model, relationEventInit(event.relation));
      e.unitName = req.unitName;
      e.mountSuffix = req.mountSuffix;
      e.egressSubnets = req.egressSubnets;
      e.nonce = req.nonce;
      await this.emit(this.on.clientAttached, e);
    }
  }

  private async onDeparted(event: RelationDepartedEvent): Promise<void> {
    const unit = event.departingUnit;
    if (!this.model.unit.isLeader() || !unit || unit.name.startsWith(`${this.model.app.name}/`))
      return;
    const e = new ClientDetachedEvent(this.model, relationEventInit(event.relation));
    e.unitName = unit.name;
    await this.emit(this.on.clientDetached, e);
  }

  private unitSecret(unitName: string): Secret | undefined {
    try {
      return this.model.getOwnedSecret({ label: unitSecretLabel(unitName) }, "app");
    } catch (e) {
      if (e instanceof SecretNotFoundError) return undefined;
      throw e;
    }
  }

  /**
   * Leader only (returns false otherwise): creates or updates the unit's secret (a new revision
   * only when the content changes, which fires secret-changed on the requirer), grants it to the
   * relation, then writes `credentials[nonce]` (keys sorted) and the shared fields.
   */
  publish(relation: Relation, a: UnitAnswer): boolean {
    if (!this.model.unit.isLeader()) return false;
    const content = { [ROLE_ID_KEY]: a.roleId, [ROLE_SECRET_ID_KEY]: a.roleSecretId };
    let secret = this.unitSecret(a.unitName);
    if (!secret) {
      secret = this.model.app.addSecret(content, { label: unitSecretLabel(a.unitName) });
    } else {
      const current = secret.getContent({ refresh: true });
      if (current[ROLE_ID_KEY] !== a.roleId || current[ROLE_SECRET_ID_KEY] !== a.roleSecretId)
        secret.setContent(content);
    }
    secret.grant(relation);
    const bag = relation.data(this.model.app);
    const credentials = {
      ...this.currentCredentials(relation),
      // Canonical (`secret://<model uuid>/<id>`), so a requirer in another model can resolve it.
      [a.nonce]: secret.id ?? secret.getInfo().id,
    };
    bag.update(
      renderProviderBag({
        vaultUrl: a.vaultUrl,
        caCertificate: a.caCertificate,
        mount: a.mount,
        credentials,
      }),
    );
    return true;
  }

  /** The credentials map in our bag; ids an older charm wrote in the short form made canonical. */
  private currentCredentials(relation: Relation): Record<string, string> {
    let credentials: Record<string, string>;
    try {
      credentials =
        parseProviderBag(
          relation.data(this.model.app).toObject(),
          relationSource(INTERFACE, relation, this.model.app.name),
        )?.credentials ?? {};
    } catch {
      return {};
    }
    const uuid = this.model.uuid;
    return Object.fromEntries(
      Object.entries(credentials).map(([nonce, id]) => [nonce, canonicalSecretId(id, uuid)]),
    );
  }

  /**
   * Leader only: removes a departed unit's secret, and its nonce's entry when `nonce` is given
   * (vault-k8s leaves the entry; a requirer only ever looks up its own nonce).
   */
  removeUnitCredentials(relation: Relation, unitName: string, nonce?: string): void {
    if (!this.model.unit.isLeader()) return;
    this.unitSecret(unitName)?.removeAllRevisions();
    if (nonce === undefined) return;
    const credentials = this.currentCredentials(relation);
    if (!(nonce in credentials)) return;
    delete credentials[nonce];
    relation.data(this.model.app).update({
      credentials: renderProviderBag({ vaultUrl: "", caCertificate: "", mount: "", credentials })
        .credentials,
    });
  }
}
