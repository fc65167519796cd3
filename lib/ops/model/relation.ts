/**
 * Relations and their databags, with Juju's access rules checked before any hook tool runs.
 *
 * @example
 * ```ts
 * const db = this.model.getRelation("database");
 * if (db) {
 *   db.data(this.app).update({ database: "openfga" }); // leader only
 *   const endpoints = db.data(db.app!).get("endpoints");
 * }
 * ```
 */
import { RelationDataAccessError, RelationDataTypeError } from "../errors.js";
import type { ModelBackend } from "./backend.js";

/** A unit or an application: the owner of a databag. */
export interface RelationEntity {
  readonly name: string;
  readonly isApp: boolean;
}

/** A unit seen through a relation. */
export class RemoteUnit implements RelationEntity {
  readonly isApp = false;
  constructor(readonly name: string) {}
  /** The unit's application name. */
  get appName(): string {
    return this.name.slice(0, this.name.indexOf("/"));
  }
}

/** An application seen through a relation. */
export class RemoteApp implements RelationEntity {
  readonly isApp = true;
  constructor(readonly name: string) {}
}

/**
 * One databag: a string-to-string map owned by a unit or an app. Reads load the bag once per
 * hook; writes go to Juju at once (one `relation-set` per call to {@link set} or
 * {@link update}) and are visible to later reads in the same hook.
 */
export class RelationDataContent {
  constructor(
    private readonly backend: ModelBackend,
    private readonly relation: Relation,
    readonly owner: RelationEntity,
  ) {}

  private get isLocalUnit(): boolean {
    return !this.owner.isApp && this.owner.name === this.backend.unitName;
  }

  private get isLocalApp(): boolean {
    return this.owner.isApp && this.owner.name === this.backend.appName;
  }

  private checkRead(): void {
    if (this.isLocalApp && !this.relation.isPeer && !this.backend.isLeader()) {
      throw new RelationDataAccessError(
        `${this.backend.unitName} is not the leader and cannot read the application databag of ${this.relation}`,
      );
    }
  }

  private checkWrite(): void {
    if (this.isLocalUnit) return;
    if (this.isLocalApp) {
      if (!this.backend.isLeader()) {
        throw new RelationDataAccessError(
          `${this.backend.unitName} is not the leader and cannot write the application databag of ${this.relation}`,
        );
      }
      return;
    }
    throw new RelationDataAccessError(
      `${this.backend.unitName} cannot write the databag of ${this.owner.name} in ${this.relation}: only its own unit bag, and its app bag as leader`,
    );
  }

  private load(): Record<string, string> {
    this.checkRead();
    return this.backend.tools.relationGet(
      this.relation.endpoint,
      this.relation.id,
      this.owner.name,
      this.owner.isApp,
    );
  }

  /** A copy of the whole bag. */
  toObject(): Record<string, string> {
    return { ...this.load() };
  }

  /** One value, or undefined. */
  get(key: string): string | undefined {
    return this.load()[key];
  }

  /** Whether a key is set. */
  has(key: string): boolean {
    return key in this.load();
  }

  /** The keys of the bag. */
  keys(): string[] {
    return Object.keys(this.load());
  }

  /** Sets one key (`""` deletes it). */
  set(key: string, value: string): void {
    this.update({ [key]: value });
  }

  /** Deletes one key. */
  delete(key: string): void {
    this.update({ [key]: "" });
  }

  /**
   * Writes several keys in one `relation-set`. A value of `""` or `undefined` deletes its key.
   * Keys and values must be strings; nothing is written if any is not.
   */
  update(changes: Record<string, string | undefined>): void {
    this.checkWrite();
    const clean: Record<string, string> = {};
    for (const [k, v] of Object.entries(changes)) {
      if (typeof k !== "string" || k === "") {
        throw new RelationDataTypeError(
          `relation data keys must be non-empty strings, got ${JSON.stringify(k)}`,
        );
      }
      if (v !== undefined && typeof v !== "string") {
        throw new RelationDataTypeError(
          `relation data values must be strings: key "${k}" has a ${typeof v}; encode it, e.g. with JSON.stringify`,
        );
      }
      clean[k] = v ?? "";
    }
    if (Object.keys(clean).length === 0) return;
    this.backend.tools.relationSet(
      this.relation.endpoint,
      this.relation.id,
      clean,
      this.owner.isApp,
      this.owner.name,
    );
  }

  /**
   * Makes the bag hold exactly `data`: writes the given keys and deletes every other key, as the
   * Python interface libraries do when they dump a model. Juju's own address keys are kept.
   */
  replace(data: Record<string, string>): void {
    const current = this.load();
    const changes: Record<string, string> = { ...data };
    for (const k of Object.keys(current)) {
      if (!(k in data) && !JUJU_UNIT_KEYS.has(k)) changes[k] = "";
    }
    for (const [k, v] of Object.entries(data)) if (current[k] === v) delete changes[k];
    if (Object.keys(changes).length > 0) this.update(changes);
  }
}

/** Keys Juju itself writes in every unit bag. */
export const JUJU_UNIT_KEYS = new Set(["private-address", "ingress-address", "egress-subnets"]);

/** One relation, seen from this unit. */
export class Relation {
  private remoteUnitsCache: RemoteUnit[] | undefined;

  constructor(
    private readonly backend: ModelBackend,
    /** The local endpoint. */
    readonly endpoint: string,
    /** The relation id. */
    readonly id: number,
    /** Known from the hook's environment, saving a `relation-list --app` call. */
    private knownRemoteApp?: string,
    /** Units added for departed/broken hooks, as `ops` does. */
    private readonly extraUnits: string[] = [],
  ) {}

  /** Whether this is a peer relation. */
  get isPeer(): boolean {
    return this.backend.meta.relations.get(this.endpoint)?.role === "peers";
  }

  /** The interface name from the metadata. */
  get interfaceName(): string {
    return this.backend.meta.relations.get(this.endpoint)?.interface ?? "";
  }

  /**
   * The remote application; for a peer relation, this unit's own application. Undefined only in
   * a `-relation-broken` hook whose remote app Juju no longer reports.
   */
  get app(): RemoteApp | undefined {
    if (this.isPeer) return new RemoteApp(this.backend.appName);
    this.knownRemoteApp ??= this.backend.tools.relationRemoteApp(this.endpoint, this.id);
    return this.knownRemoteApp === undefined ? undefined : new RemoteApp(this.knownRemoteApp);
  }

  /** The remote units that joined and have not departed (peers: the other local units). */
  get units(): RemoteUnit[] {
    if (!this.remoteUnitsCache) {
      const names = new Set(this.backend.tools.relationList(this.endpoint, this.id));
      for (const u of this.extraUnits) names.add(u);
      this.remoteUnitsCache = [...names].sort(compareUnitNames).map((n) => new RemoteUnit(n));
    }
    return this.remoteUnitsCache;
  }

  /** The databag of a unit or app: this unit, this app, the remote app or a remote unit. */
  data(owner: RelationEntity | string): RelationDataContent {
    const entity =
      typeof owner === "string"
        ? owner.includes("/")
          ? new RemoteUnit(owner)
          : new RemoteApp(owner)
        : owner;
    return new RelationDataContent(this.backend, this, entity);
  }

  /** The UUID of the remote application's model (differs across a cross-model relation). */
  get remoteModelUuid(): string {
    return this.backend.tools.relationModelUuid(this.endpoint, this.id);
  }

  toString(): string {
    return `relation ${this.endpoint}:${this.id}`;
  }
}

/** Orders unit names by application, then by number (`app/2` before `app/10`). */
export function compareUnitNames(a: string, b: string): number {
  const [aa = "", an = "0"] = a.split("/");
  const [ba = "", bn = "0"] = b.split("/");
  return aa === ba ? Number(an) - Number(bn) : aa < ba ? -1 : 1;
}
