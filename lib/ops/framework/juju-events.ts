/**
 * The events Juju dispatches, with the data each carries, and their snapshots for deferral.
 *
 * @example
 * ```ts
 * this.observe(this.on.relation("database").changed, (event: RelationChangedEvent) => {
 *   event.relation.data(event.app!).get("endpoints");
 * });
 * ```
 */
import type { Model } from "../model/model.js";
import type { Container } from "../model/container.js";
import type { Relation, RemoteApp, RemoteUnit } from "../model/relation.js";
import { RemoteApp as App, RemoteUnit as UnitRef } from "../model/relation.js";
import type { Secret } from "../model/secret.js";
import type { Storage } from "../model/storage.js";
import { EventBase, type Snapshot } from "./event.js";
import type { StatusBase } from "../model/status.js";

/** A lifecycle hook: install, start, stop, remove, config-changed, upgrade-charm, ... */
export class HookEvent extends EventBase {}

/** Base of the five relation events. */
export class RelationEvent extends EventBase {
  relation!: Relation;
  /** The remote application (undefined only in some `-broken` hooks). */
  app: RemoteApp | undefined;
  /** The remote unit; undefined for created, broken and app-level changed. */
  unit: RemoteUnit | undefined;

  constructor(
    protected readonly model: Model,
    init?: { relation: Relation; app?: string; unit?: string },
  ) {
    super();
    if (init) {
      this.relation = init.relation;
      this.app = init.app ? new App(init.app) : undefined;
      this.unit = init.unit ? new UnitRef(init.unit) : undefined;
    }
  }

  override snapshot(): Snapshot {
    return {
      relation_name: this.relation.endpoint,
      relation_id: this.relation.id,
      ...(this.app ? { app_name: this.app.name } : {}),
      ...(this.unit ? { unit_name: this.unit.name } : {}),
    };
  }

  override restore(s: Snapshot): void {
    this.relation = this.model.relationById(String(s.relation_name), Number(s.relation_id));
    this.app = typeof s.app_name === "string" ? new App(s.app_name) : undefined;
    this.unit = typeof s.unit_name === "string" ? new UnitRef(s.unit_name) : undefined;
  }
}

/** `<endpoint>-relation-created`. */
export class RelationCreatedEvent extends RelationEvent {}
/** `<endpoint>-relation-joined`. */
export class RelationJoinedEvent extends RelationEvent {}
/** `<endpoint>-relation-changed`. */
export class RelationChangedEvent extends RelationEvent {}
/** `<endpoint>-relation-broken`. */
export class RelationBrokenEvent extends RelationEvent {}

/** `<endpoint>-relation-departed`: also says which unit leaves. */
export class RelationDepartedEvent extends RelationEvent {
  /** The unit leaving the relation (this unit itself, on the unit being removed). */
  departingUnit: RemoteUnit | undefined;

  override snapshot(): Snapshot {
    return {
      ...super.snapshot(),
      ...(this.departingUnit ? { departing_unit: this.departingUnit.name } : {}),
    };
  }

  override restore(s: Snapshot): void {
    super.restore(s);
    this.departingUnit =
      typeof s.departing_unit === "string" ? new UnitRef(s.departing_unit) : undefined;
  }
}

/** Base of the workload (Pebble) events of one container. */
export class WorkloadEvent extends EventBase {
  workload!: Container;

  constructor(
    protected readonly model: Model,
    container?: Container,
  ) {
    super();
    if (container) this.workload = container;
  }

  override snapshot(): Snapshot {
    return { container_name: this.workload.name };
  }

  override restore(s: Snapshot): void {
    this.workload = this.model.unit.getContainer(String(s.container_name));
  }
}

/** `<container>-pebble-ready`. */
export class PebbleReadyEvent extends WorkloadEvent {}

/** `<container>-pebble-custom-notice`. */
export class PebbleCustomNoticeEvent extends WorkloadEvent {
  notice!: { id: string; type: string; key: string };

  override snapshot(): Snapshot {
    return {
      ...super.snapshot(),
      notice_id: this.notice.id,
      notice_type: this.notice.type,
      notice_key: this.notice.key,
    };
  }

  override restore(s: Snapshot): void {
    super.restore(s);
    this.notice = {
      id: String(s.notice_id),
      type: String(s.notice_type),
      key: String(s.notice_key),
    };
  }
}

/** `<container>-pebble-check-failed` and `-check-recovered`. */
export class PebbleCheckEvent extends WorkloadEvent {
  checkName!: string;

  override snapshot(): Snapshot {
    return { ...super.snapshot(), check_name: this.checkName };
  }

  override restore(s: Snapshot): void {
    super.restore(s);
    this.checkName = String(s.check_name);
  }
}

/** Base of the secret events. */
export class SecretEvent extends EventBase {
  secret!: Secret;
  /** Set for `secret-remove` and `secret-expired`. */
  revision: number | undefined;

  constructor(
    protected readonly model: Model,
    private readonly makeSecret: (id: string, label: string | undefined, owned: boolean) => Secret,
    private readonly owned: boolean,
  ) {
    super();
  }

  /** @internal */
  init(id: string, label: string | undefined, revision: number | undefined): this {
    this.secret = this.makeSecret(id, label, this.owned);
    this.revision = revision;
    return this;
  }

  override snapshot(): Snapshot {
    return {
      id: this.secret.id,
      ...(this.secret.label !== undefined ? { label: this.secret.label } : {}),
      ...(this.revision !== undefined ? { revision: this.revision } : {}),
    };
  }

  override restore(s: Snapshot): void {
    this.init(
      String(s.id),
      typeof s.label === "string" ? s.label : undefined,
      typeof s.revision === "number" ? s.revision : undefined,
    );
  }
}

/** `secret-changed`: a secret this charm consumes has a new revision. */
export class SecretChangedEvent extends SecretEvent {}
/** `secret-rotate`: a secret this charm owns is due for rotation. */
export class SecretRotateEvent extends SecretEvent {}
/** `secret-expired`: a revision of an owned secret expired. */
export class SecretExpiredEvent extends SecretEvent {}
/** `secret-remove`: a revision of an owned secret is no longer tracked by anyone. */
export class SecretRemoveEvent extends SecretEvent {}

/** `<storage>-storage-attached` and `-detaching`. */
export class StorageEvent extends EventBase {
  storage!: Storage;

  constructor(
    protected readonly model: Model,
    storage?: Storage,
  ) {
    super();
    if (storage) this.storage = storage;
  }

  override snapshot(): Snapshot {
    return { storage_name: this.storage.name, storage_index: this.storage.index };
  }

  override restore(s: Snapshot): void {
    const found = this.model
      .storages(String(s.storage_name))
      .find((x) => x.index === Number(s.storage_index));
    if (found) this.storage = found;
  }
}

/** Raised by a deferred action: Juju runs an action once and cannot replay it. */
export class ActionCannotBeDeferredError extends Error {}

/** An action, with its parameters, results, progress log and failure. */
export class ActionEvent extends EventBase {
  private results: Record<string, unknown> = {};

  constructor(
    /** The action name. */
    readonly name: string,
    /** The action id (`JUJU_ACTION_UUID`). */
    readonly id: string,
    /** Parameters, with the schema's defaults filled in by Juju. */
    readonly params: Record<string, unknown>,
    private readonly sink: {
      set(flat: Record<string, string>): void;
      log(message: string): void;
      fail(message: string): void;
    },
  ) {
    super();
  }

  override defer(): void {
    throw new ActionCannotBeDeferredError(
      `action "${this.name}" cannot be deferred: Juju runs an action once`,
    );
  }

  /**
   * Adds results (nested objects become dotted keys, as Juju's `action-set` takes them). Keys
   * must be lowercase letters, digits and hyphens; `stdout`, `stderr` and their encodings are
   * reserved.
   */
  setResults(results: Record<string, unknown>): void {
    const flat = flattenActionResults(results);
    this.results = { ...this.results, ...results };
    this.sink.set(flat);
  }

  /** Sends a progress message at once. */
  log(message: string): void {
    this.sink.log(message);
  }

  /** Marks the action failed with a message; the handler may go on running. */
  fail(message = ""): void {
    this.sink.fail(message);
  }
}

const ACTION_KEY = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const RESERVED = new Set(["stdout", "stdout-encoding", "stderr", "stderr-encoding"]);

/**
 * Flattens nested results to dotted keys and validates them as Juju does.
 *
 * @example
 * ```ts
 * flattenActionResults({ store: { id: "01H" } }); // { "store.id": "01H" }
 * ```
 */
export function flattenActionResults(
  results: Record<string, unknown>,
  prefix = "",
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(results)) {
    if (!ACTION_KEY.test(k)) {
      throw new Error(
        `action result key "${prefix}${k}" is not valid: use lowercase letters, digits and hyphens`,
      );
    }
    const key = prefix + k;
    if (!prefix && RESERVED.has(k)) throw new Error(`action result key "${k}" is reserved by Juju`);
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      Object.assign(out, flattenActionResults(v as Record<string, unknown>, `${key}.`));
    } else {
      out[key] = typeof v === "string" ? v : JSON.stringify(v);
    }
  }
  return out;
}

/** Collect-status: observers add the statuses they see; the framework shows the most urgent. */
export class CollectStatusEvent extends EventBase {
  /** Statuses added, in order. */
  readonly statuses: StatusBase[] = [];

  /** Adds a candidate status (`active`, `blocked`, `maintenance` or `waiting`). */
  addStatus(status: StatusBase): void {
    if (status.name === "error" || status.name === "unknown") {
      throw new Error(`collect-status cannot add the ${status.name} status`);
    }
    this.statuses.push(status);
  }
}
