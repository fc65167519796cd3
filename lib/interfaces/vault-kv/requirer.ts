/**
 * The requirer side of `vault-kv` (JIMM's `vault` endpoint). The leader writes `mount_suffix`;
 * every unit writes its stable `nonce` and its `egress_subnet` (re-sent when the pod's address
 * changes), then reads vault's URL, CA and mount, and its own AppRole credentials from the secret
 * named by `credentials[nonce]`.
 *
 * The nonce lives in this object's stored state (Juju charm state: committed with the hook,
 * survives pod restarts). A unit that ran the Python JIMM charm keeps its nonce: the unit-owned
 * secret labelled `nonce` that charm used is read once and adopted.
 *
 * @example
 * ```ts
 * this.vault = new VaultKvRequirer(this, "vault", { mountSuffix: "jimm" });
 * this.observe(this.vault.on.ready, this.reconcile);
 * this.observe(this.vault.on.changed, this.reconcile);
 * this.observe(this.vault.on.gone, this.reconcile);
 * // reconcile: const creds = this.vault.credentials(); // { vaultUrl, caCertificate, mount, roleId, roleSecretId }
 * ```
 */
import { randomBytes } from "node:crypto";
import type { CharmObject } from "../../ops/charm.js";
import { SecretNotFoundError } from "../../ops/errors.js";
import type { EventSource } from "../../ops/framework/event.js";
import {
  type RelationBrokenEvent,
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
  ROLE_ID_KEY,
  ROLE_SECRET_ID_KEY,
  type VaultCredentials,
  parseProviderBag,
  renderUnitBag,
} from "./data.js";

/**
 * This unit's credentials became available (first time on a relation).
 *
 * @example
 * ```ts
 * this.observe(this.vault.on.ready, (e: VaultKvReadyEvent) => this.reconcile());
 * ```
 */
export class VaultKvReadyEvent extends RelationEvent {}
/**
 * The URL, CA, mount or this unit's credentials changed.
 *
 * @example
 * ```ts
 * this.observe(this.vault.on.changed, (e: VaultKvChangedEvent) => this.reconcile());
 * ```
 */
export class VaultKvChangedEvent extends RelationEvent {}
/**
 * The relation is being removed.
 *
 * @example
 * ```ts
 * this.observe(this.vault.on.gone, (e: VaultKvGoneEvent) => this.reconcile());
 * ```
 */
export class VaultKvGoneEvent extends RelationEvent {}

/**
 * Where the requirer stands.
 *
 * @example
 * ```ts
 * const r: VaultKvReadiness = this.vault.readiness();
 * ```
 */
export type VaultKvReadiness = ReadinessOf<{ credentials: VaultCredentials }>;

/**
 * Options of {@link VaultKvRequirer}.
 *
 * @example
 * ```ts
 * new VaultKvRequirer(this, "vault", { mountSuffix: "jimm" } satisfies VaultKvRequirerOptions);
 * ```
 */
export interface VaultKvRequirerOptions {
  mountSuffix: string;
  /**
   * The CIDRs this unit connects to vault from. Default: the binding's first egress subnet and the
   * subnet of its first interface, as the Python JIMM charm sends.
   */
  egressSubnets?: (relation: Relation) => string[];
  /** Whether a missing relation blocks the charm in {@link VaultKvRequirer.status}. Default false. */
  required?: boolean;
}

/**
 * The label of the unit-owned secret in which the Python JIMM charm kept its nonce.
 *
 * @example
 * ```ts
 * this.model.getSecret({ label: LEGACY_NONCE_SECRET_LABEL });
 * ```
 */
export const LEGACY_NONCE_SECRET_LABEL = "nonce";

type Seen = { fingerprint: string; secretId: string };

/**
 * The requirer side of `vault-kv` v0.
 *
 * @example
 * ```ts
 * const vault = new VaultKvRequirer(this, "vault", { mountSuffix: "jimm" });
 * const creds = vault.credentials();
 * ```
 */
export class VaultKvRequirer extends SingleRelationRequirer<{ credentials: VaultCredentials }> {
  /** Events this object emits. */
  readonly on: {
    ready: EventSource<VaultKvReadyEvent>;
    changed: EventSource<VaultKvChangedEvent>;
    gone: EventSource<VaultKvGoneEvent>;
  };
  private readonly stored = this.storedState<{ nonce: string; relations: Record<string, Seen> }>(
    "state",
    {
      nonce: "",
      relations: {},
    },
  );

  constructor(
    parent: CharmObject,
    /** The endpoint, `vault` on JIMM. */
    readonly endpoint: string,
    private readonly options: VaultKvRequirerOptions,
  ) {
    super(parent, endpoint);
    const m = this.model;
    this.on = {
      ready: this.defineEvent("ready", () => new VaultKvReadyEvent(m)),
      changed: this.defineEvent("changed", () => new VaultKvChangedEvent(m)),
      gone: this.defineEvent("gone", () => new VaultKvGoneEvent(m)),
    };
    const rel = this.charmEvents.relation(endpoint);
    this.observe(rel.created, this.sync);
    this.observe(rel.joined, this.sync);
    this.observe(rel.changed, this.sync);
    this.observe(rel.broken, this.onBroken);
    // The pod's address can change without any relation event: re-send it on these too.
    this.observe(this.charmEvents.configChanged, this.sync);
    this.observe(this.charmEvents.upgradeCharm, this.sync);
    this.observe(this.charmEvents.updateStatus, this.sync);
    this.observe(this.charmEvents.leaderElected, this.sync);
    this.observe(this.charmEvents.secretChanged, this.onSecretChanged);
  }

  /** This unit's stable nonce, made (or adopted from the Python charm's secret) on first use. */
  get nonce(): string {
    if (!this.stored.data.nonce) {
      let nonce = "";
      try {
        nonce = this.model.getSecret({ label: LEGACY_NONCE_SECRET_LABEL }).getContent().nonce ?? "";
      } catch (e) {
        if (!(e instanceof SecretNotFoundError)) throw e;
      }
      this.stored.data.nonce = nonce || randomBytes(16).toString("hex");
    }
    return this.stored.data.nonce;
  }

  private defaultEgress(r: Relation): string[] {
    const net = this.model.getBinding(this.endpoint, r);
    const out = [net.egressSubnets[0], net.interfaces[0]?.cidr].filter((s): s is string => !!s);
    return [...new Set(out)];
  }

  /**
   * Writes what this unit (and, as leader, the app) must send, then emits `ready` or `changed`
   * when what vault sent differs from what was last seen. Runs on the relation events and on
   * config-changed, upgrade-charm, update-status and leader-elected; call it after anything else
   * that moves the pod's address.
   */
  async sync(): Promise<void> {
    const r = this.relation;
    if (!r) return;
    ensureAppBag(this.model, r, { mount_suffix: this.options.mountSuffix });
    const subnets = (this.options.egressSubnets ?? ((rel: Relation) => this.defaultEgress(rel)))(r);
    const unit = r.data(this.model.unit);
    const wanted = renderUnitBag({ nonce: this.nonce, egressSubnets: subnets });
    if (unit.get("nonce") !== wanted.nonce || unit.get("egress_subnet") !== wanted.egress_subnet)
      unit.update(wanted);
    await this.emitIfChanged(r);
  }

  private async emitIfChanged(r: Relation): Promise<void> {
    const res = this.readinessOf(r);
    if (res.state !== "ready") return;
    const key = String(r.id);
    const before = this.stored.data.relations[key];
    const secretId = this.credentialsSecretId(r) ?? "";
    const c = res.credentials;
    // Ids, URL, mount and CA only: a new secret-id arrives as secret-changed, handled there.
    const fingerprint = [c.vaultUrl, c.mount, c.caCertificate, secretId].join("\n");
    this.stored.data.relations = rememberRelation(this.stored.data.relations, r, {
      fingerprint,
      secretId,
    });
    const init = relationEventInit(r);
    if (!before) await this.emit(this.on.ready, new VaultKvReadyEvent(this.model, init));
    else if (before.fingerprint !== fingerprint)
      await this.emit(this.on.changed, new VaultKvChangedEvent(this.model, init));
  }

  private credentialsSecretId(r: Relation): string | undefined {
    try {
      return r.app
        ? parseProviderBag(r.data(r.app).toObject(), relationSource(INTERFACE, r))?.credentials[
            this.nonce
          ]
        : undefined;
    } catch {
      return undefined;
    }
  }

  private async onSecretChanged(event: SecretChangedEvent): Promise<void> {
    const r = this.relation;
    const seen = r ? this.stored.data.relations[String(r.id)] : undefined;
    if (!r || !seen || !sameSecret(seen.secretId, event.secret.id)) return;
    const init = relationEventInit(r);
    await this.emit(this.on.changed, new VaultKvChangedEvent(this.model, init));
  }

  private async onBroken(event: RelationBrokenEvent): Promise<void> {
    this.stored.data.relations = forgetRelation(this.stored.data.relations, event.relation);
    const init = relationEventInit(event.relation);
    await this.emit(this.on.gone, new VaultKvGoneEvent(this.model, init));
  }

  protected get required(): boolean {
    return this.options.required ?? false;
  }

  protected readinessOf(r: Relation): VaultKvReadiness {
    const app = r.app;
    if (!app) return { state: "absent" };
    const src = relationSource(INTERFACE, r);
    return invalidOnDataError((): VaultKvReadiness => {
      const d = parseProviderBag(r.data(app).toObject(), src);
      if (!d) return { state: "waiting", reason: "waiting for vault to answer" };
      // Only our own nonce: the map keeps stale entries of departed units.
      const uri = d.credentials[this.nonce];
      if (uri === undefined)
        return { state: "waiting", reason: "waiting for vault to issue this unit's credentials" };
      const content = readGrantedSecret(this.model, uri, src, "credentials");
      const roleId = content[ROLE_ID_KEY];
      const roleSecretId = content[ROLE_SECRET_ID_KEY];
      if (!roleId || !roleSecretId) {
        throw new InterfaceDataError(
          src,
          "credentials",
          `names a secret without "${ROLE_ID_KEY}" and "${ROLE_SECRET_ID_KEY}"`,
        );
      }
      return {
        state: "ready",
        credentials: {
          vaultUrl: d.vaultUrl,
          caCertificate: d.caCertificate,
          mount: d.mount,
          roleId,
          roleSecretId,
        },
      };
    });
  }

  /** This unit's Vault access when ready. Holds secrets: never log it. */
  credentials(): VaultCredentials | undefined {
    const r = this.readiness();
    return r.state === "ready" ? r.credentials : undefined;
  }
}
