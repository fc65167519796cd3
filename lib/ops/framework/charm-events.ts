/**
 * The charm's event sources (`charm.on`): lifecycle hooks, and per endpoint, container, storage
 * and action the events Juju sends for it.
 *
 * @example
 * ```ts
 * this.observe(this.on.configChanged, this.reconcile);
 * this.observe(this.on.relation("database").changed, this.reconcile);
 * this.observe(this.on.container("openfga").pebbleReady, this.reconcile);
 * this.observe(this.on.action("schema-upgrade"), this.onSchemaUpgrade);
 * ```
 */
import { ModelError } from "../errors.js";
import type { CharmMeta } from "../metadata.js";
import type { Model } from "../model/model.js";
import { Secret } from "../model/secret.js";
import type { ModelBackend } from "../model/backend.js";
import { EventSource, type Snapshot } from "./event.js";
import {
  type ActionEvent,
  CollectStatusEvent,
  HookEvent,
  PebbleCheckEvent,
  PebbleCustomNoticeEvent,
  PebbleReadyEvent,
  RelationBrokenEvent,
  RelationChangedEvent,
  RelationCreatedEvent,
  RelationDepartedEvent,
  RelationJoinedEvent,
  SecretChangedEvent,
  SecretExpiredEvent,
  SecretRemoveEvent,
  SecretRotateEvent,
  StorageEvent,
  type SecretEvent,
} from "./juju-events.js";

const OWNER = "charm";

const snake = (s: string): string => s.replace(/-/g, "_");

function source<
  E extends
    | HookEvent
    | StorageEvent
    | RelationCreatedEvent
    | PebbleReadyEvent
    | SecretEvent
    | CollectStatusEvent,
>(kind: string, make: () => E): EventSource<E> {
  return new EventSource<E>(OWNER, kind, (snapshot?: Snapshot) => {
    const e = make();
    if (snapshot) e.restore(snapshot);
    return e;
  });
}

/** The events of one relation endpoint. */
export interface RelationEvents {
  created: EventSource<RelationCreatedEvent>;
  joined: EventSource<RelationJoinedEvent>;
  changed: EventSource<RelationChangedEvent>;
  departed: EventSource<RelationDepartedEvent>;
  broken: EventSource<RelationBrokenEvent>;
}

/** The Pebble events of one container. */
export interface ContainerEvents {
  pebbleReady: EventSource<PebbleReadyEvent>;
  pebbleCustomNotice: EventSource<PebbleCustomNoticeEvent>;
  pebbleCheckFailed: EventSource<PebbleCheckEvent>;
  pebbleCheckRecovered: EventSource<PebbleCheckEvent>;
}

/** The events of one storage. */
export interface StorageEvents {
  attached: EventSource<StorageEvent>;
  detaching: EventSource<StorageEvent>;
}

/** Every event source of a charm. */
export class CharmEvents {
  readonly install = source("install", () => new HookEvent());
  readonly start = source("start", () => new HookEvent());
  readonly stop = source("stop", () => new HookEvent());
  readonly remove = source("remove", () => new HookEvent());
  readonly configChanged = source("config_changed", () => new HookEvent());
  readonly upgradeCharm = source("upgrade_charm", () => new HookEvent());
  readonly updateStatus = source("update_status", () => new HookEvent());
  readonly leaderElected = source("leader_elected", () => new HookEvent());
  readonly leaderSettingsChanged = source("leader_settings_changed", () => new HookEvent());
  readonly preSeriesUpgrade = source("pre_series_upgrade", () => new HookEvent());
  readonly postSeriesUpgrade = source("post_series_upgrade", () => new HookEvent());
  readonly collectMetrics = source("collect_metrics", () => new HookEvent());
  readonly secretChanged: EventSource<SecretChangedEvent>;
  readonly secretRotate: EventSource<SecretRotateEvent>;
  readonly secretExpired: EventSource<SecretExpiredEvent>;
  readonly secretRemove: EventSource<SecretRemoveEvent>;
  /** Runs on the leader after every hook: add the application's status. */
  readonly collectAppStatus = source("collect_app_status", () => new CollectStatusEvent());
  /** Runs after every hook: add the unit's status. */
  readonly collectUnitStatus = source("collect_unit_status", () => new CollectStatusEvent());

  private readonly relationSources = new Map<string, RelationEvents>();
  private readonly containerSources = new Map<string, ContainerEvents>();
  private readonly storageSources = new Map<string, StorageEvents>();
  private readonly actionSources = new Map<string, EventSource<ActionEvent>>();

  constructor(
    private readonly meta: CharmMeta,
    private readonly model: Model,
    backend: ModelBackend,
  ) {
    const secret = (owned: boolean) => (id: string, label: string | undefined) =>
      new Secret(backend, id, label, owned ? "unknown" : "none");
    const secretSource = <E extends SecretEvent>(
      kind: string,
      Cls: new (
        m: Model,
        f: (id: string, l: string | undefined, o: boolean) => Secret,
        o: boolean,
      ) => E,
      owned: boolean,
    ) => source(kind, () => new Cls(model, secret(owned), owned));
    this.secretChanged = secretSource("secret_changed", SecretChangedEvent, false);
    this.secretRotate = secretSource("secret_rotate", SecretRotateEvent, true);
    this.secretExpired = secretSource("secret_expired", SecretExpiredEvent, true);
    this.secretRemove = secretSource("secret_remove", SecretRemoveEvent, true);
  }

  /** The events of a relation endpoint declared in the metadata. */
  relation(endpoint: string): RelationEvents {
    let s = this.relationSources.get(endpoint);
    if (!s) {
      if (!this.meta.relations.has(endpoint)) {
        const known = [...this.meta.relations.keys()].join(", ") || "none";
        throw new ModelError(
          `endpoint "${endpoint}" is not in the charm's metadata (endpoints: ${known})`,
        );
      }
      const p = snake(endpoint);
      const m = this.model;
      s = {
        created: source(`${p}_relation_created`, () => new RelationCreatedEvent(m)),
        joined: source(`${p}_relation_joined`, () => new RelationJoinedEvent(m)),
        changed: source(`${p}_relation_changed`, () => new RelationChangedEvent(m)),
        departed: source(`${p}_relation_departed`, () => new RelationDepartedEvent(m)),
        broken: source(`${p}_relation_broken`, () => new RelationBrokenEvent(m)),
      };
      this.relationSources.set(endpoint, s);
    }
    return s;
  }

  /** The Pebble events of a container declared in the metadata. */
  container(name: string): ContainerEvents {
    let s = this.containerSources.get(name);
    if (!s) {
      if (!this.meta.containers.has(name)) {
        const known = [...this.meta.containers.keys()].join(", ") || "none";
        throw new ModelError(
          `container "${name}" is not in the charm's metadata (containers: ${known})`,
        );
      }
      const p = snake(name);
      const m = this.model;
      s = {
        pebbleReady: source(`${p}_pebble_ready`, () => new PebbleReadyEvent(m)),
        pebbleCustomNotice: source(
          `${p}_pebble_custom_notice`,
          () => new PebbleCustomNoticeEvent(m),
        ),
        pebbleCheckFailed: source(`${p}_pebble_check_failed`, () => new PebbleCheckEvent(m)),
        pebbleCheckRecovered: source(`${p}_pebble_check_recovered`, () => new PebbleCheckEvent(m)),
      };
      this.containerSources.set(name, s);
    }
    return s;
  }

  /** The events of a storage declared in the metadata. */
  storage(name: string): StorageEvents {
    let s = this.storageSources.get(name);
    if (!s) {
      if (!this.meta.storages.has(name))
        throw new ModelError(`storage "${name}" is not in the charm's metadata`);
      const p = snake(name);
      const m = this.model;
      s = {
        attached: source(`${p}_storage_attached`, () => new StorageEvent(m)),
        detaching: source(`${p}_storage_detaching`, () => new StorageEvent(m)),
      };
      this.storageSources.set(name, s);
    }
    return s;
  }

  /** The event of an action declared in the metadata. */
  action(name: string): EventSource<ActionEvent> {
    let s = this.actionSources.get(name);
    if (!s) {
      if (!this.meta.actions.has(name)) {
        const known = [...this.meta.actions.keys()].join(", ") || "none";
        throw new ModelError(`action "${name}" is not in the charm's metadata (actions: ${known})`);
      }
      s = new EventSource<ActionEvent>(OWNER, `${snake(name)}_action`, () => {
        throw new ModelError(`action "${name}" events are made by the dispatcher only`);
      });
      this.actionSources.set(name, s);
    }
    return s;
  }
}
