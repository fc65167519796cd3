/**
 * The model as one unit sees it during one hook: this unit and app, config, relations, secrets,
 * network bindings, storage and resources.
 *
 * @example
 * ```ts
 * for (const relation of this.model.relations("openfga")) {
 *   const storeName = relation.data(relation.app!).get("store_name");
 * }
 * ```
 */
import { ModelError, RelationNotFoundError, SecretNotFoundError } from "../errors.js";
import type { ModelBackend } from "./backend.js";
import { ConfigData } from "./config.js";
import { Network } from "./network.js";
import { Relation } from "./relation.js";
import { Secret } from "./secret.js";
import { Storage } from "./storage.js";
import { Application, type ContainerFactory, Unit } from "./unit.js";

/** The model of one hook. */
export class Model {
  readonly unit: Unit;
  readonly app: Application;
  readonly config: ConfigData;
  private readonly relationCache = new Map<number, Relation>();

  constructor(
    private readonly backend: ModelBackend,
    makeContainer: ContainerFactory,
  ) {
    this.unit = new Unit(backend, makeContainer);
    this.app = new Application(backend);
    this.config = new ConfigData(backend);
  }

  /** The model's name. */
  get name(): string {
    return this.backend.juju.modelName;
  }

  /** The model's UUID. */
  get uuid(): string {
    return this.backend.juju.modelUuid;
  }

  /** Juju's version. */
  get jujuVersion(): string {
    return this.backend.juju.jujuVersion;
  }

  private checkEndpoint(endpoint: string): void {
    if (!this.backend.meta.relations.has(endpoint)) {
      const known = [...this.backend.meta.relations.keys()].join(", ") || "none";
      throw new ModelError(
        `endpoint "${endpoint}" is not in the charm's metadata (endpoints: ${known})`,
      );
    }
  }

  /** @internal The relation object for an id, made once per hook. */
  relationById(endpoint: string, id: number): Relation {
    let r = this.relationCache.get(id);
    if (!r) {
      const juju = this.backend.juju;
      const current = juju.relation?.id === id;
      const extra: string[] = [];
      if (current && juju.event.kind === "relation") {
        // As ops does: the departing or remote unit stays in `units` for departed and broken.
        if (
          juju.event.phase === "departed" &&
          juju.departingUnit &&
          juju.departingUnit !== juju.unitName
        ) {
          extra.push(juju.departingUnit);
        }
      }
      r = new Relation(this.backend, endpoint, id, current ? juju.remoteApp : undefined, extra);
      this.relationCache.set(id, r);
    }
    return r;
  }

  /**
   * The live relations of an endpoint. In a `-relation-broken` hook the broken relation is not
   * among them (as in `ops` 3.9 and Juju's `relation-ids`); the event still carries it.
   */
  relations(endpoint: string): Relation[] {
    this.checkEndpoint(endpoint);
    return this.backend.tools.relationIds(endpoint).map((id) => this.relationById(endpoint, id));
  }

  /**
   * The one relation of an endpoint, or the one with `id`. Undefined when there is none;
   * throws when there are several and no id was given.
   */
  getRelation(endpoint: string, id?: number): Relation | undefined {
    const all = this.relations(endpoint);
    if (id !== undefined) {
      const r = all.find((x) => x.id === id);
      if (!r) throw new RelationNotFoundError(`relation ${endpoint}:${id} not found`);
      return r;
    }
    if (all.length > 1) {
      throw new ModelError(
        `endpoint "${endpoint}" has ${all.length} relations (${all.map((r) => r.id).join(", ")}); pass an id`,
      );
    }
    return all[0];
  }

  /**
   * A secret by id and/or label. Checks that it exists and that this unit may read it (one
   * `secret-get`, whose content is kept for the hook); throws {@link SecretNotFoundError}.
   * Giving both sets this charm's label on the secret. With `refresh`, that one read also
   * starts tracking the latest revision (`secret-get --refresh`), so
   * `getSecret(ref, { refresh: true }).getContent()` costs a single call.
   *
   * @example
   * ```ts
   * const creds = this.model.getSecret({ id: uri }, { refresh: true }).getContent();
   * ```
   */
  getSecret(ref: { id?: string; label?: string }, opts: { refresh?: boolean } = {}): Secret {
    if (ref.id === undefined && ref.label === undefined) {
      throw new SecretNotFoundError("getSecret needs an id or a label");
    }
    const content = this.backend.tools.secretGet(ref, opts.refresh ? { refresh: true } : {});
    return new Secret(this.backend, ref.id, ref.label, "none", content);
  }

  /**
   * A secret this charm owns, by id or label, without reading its content (no tracking): use
   * it to update or remove an owned secret.
   */
  getOwnedSecret(ref: { id?: string; label?: string }, owner: "app" | "unit"): Secret {
    const info = this.backend.tools.secretInfoGet(ref);
    return new Secret(this.backend, info.id, ref.label ?? info.label, owner);
  }

  /** The network of an endpoint or extra binding. */
  getBinding(name: string, relation?: Relation): Network {
    if (!this.backend.meta.relations.has(name) && !this.backend.meta.extraBindings.has(name)) {
      throw new ModelError(
        `binding "${name}" is neither an endpoint nor an extra binding of the charm`,
      );
    }
    return new Network(
      this.backend.tools.networkGet(
        name,
        relation ? { endpoint: relation.endpoint, id: relation.id } : undefined,
      ),
    );
  }

  /** The storage instances of a storage name. */
  storages(name: string): Storage[] {
    if (!this.backend.meta.storages.has(name)) {
      throw new ModelError(`storage "${name}" is not in the charm's metadata`);
    }
    const juju = this.backend.juju;
    return this.backend.tools.storageList(name).map((id) => {
      const index = Number(id.slice(id.indexOf("/") + 1));
      const known =
        juju.storage?.id === id && juju.storage.location && juju.storage.kind
          ? { location: juju.storage.location, kind: juju.storage.kind }
          : undefined;
      return new Storage(this.backend, name, index, known);
    });
  }

  /** Asks Juju for more storage instances (applied when the hook succeeds). */
  requestStorage(name: string, count = 1): void {
    if (!this.backend.meta.storages.has(name)) {
      throw new ModelError(`storage "${name}" is not in the charm's metadata`);
    }
    this.backend.tools.storageAdd(name, count);
  }

  /** The path of a resource's file. */
  resourcePath(name: string): string {
    if (!this.backend.meta.resources.has(name)) {
      throw new ModelError(`resource "${name}" is not in the charm's metadata`);
    }
    return this.backend.tools.resourceGet(name);
  }
}
