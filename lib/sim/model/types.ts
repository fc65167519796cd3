/**
 * The local controller's state: models, applications, units, relations, secrets, offers and
 * each unit agent's own record of what it has done. Plain JSON data only (no classes, no maps),
 * so the whole controller saves to one file and loads back (see `persist.ts`).
 *
 * Names: a unit is `<app>/<n>` inside its model; where units of several models meet (relation
 * scopes, secret consumers) they are keyed by {@link UnitKey} `<model>:<app>/<n>`.
 *
 * @example
 * ```ts
 * const state: ControllerState = emptyControllerState("sim", "7b0c…");
 * state.models["jaas"]?.applications["openfga"]?.scale; // 3
 * ```
 */
import type {
  CloudSpecData,
  ConfigValue,
  Databag,
  PortData,
  RotatePolicy,
  StatusData,
  StorageData,
} from "../../jujuc/context.js";
import type { EndpointRole } from "../../ops/metadata.js";

/**
 * Version of the persisted format.
 *
 * @example
 * ```ts
 * if (saved.version !== STATE_VERSION) throw new Error("old format");
 * ```
 */
export const STATE_VERSION = 1;

/** `alive`, or `dying` while the entity tears down. Dead entities are deleted. */
export type Life = "alive" | "dying";

/** Kubernetes (sidecar pods) or IAAS (machines). */
export type ModelType = "kubernetes" | "iaas";

/** `<model>:<app>/<n>`: a unit named across models. */
export type UnitKey = string;

/** A status with the time it was set (ms since the epoch). */
export interface TimedStatus extends StatusData {
  since: number;
}

/** One entry of a status history. */
export interface StatusHistoryEntry {
  kind: "workload" | "juju" | "application";
  status: string;
  message: string;
  since: number;
}

/** The whole controller. */
export interface ControllerState {
  version: typeof STATE_VERSION;
  name: string;
  uuid: string;
  /** Models by name. */
  models: Record<string, ModelState>;
  /** Every relation of every model (a cross-model relation spans two). */
  relations: RelationState[];
  /** Relation ids are unique across the controller (Juju numbers them per model). */
  nextRelationId: number;
  /** Action (task) ids are unique across the controller. */
  nextActionId: number;
  /** Addresses handed out when networking is off (last octets, per controller). */
  nextAddress: number;
}

/** One model. */
export interface ModelState {
  name: string;
  uuid: string;
  type: ModelType;
  life: Life;
  /** Applications by name. */
  applications: Record<string, ApplicationState>;
  /** Units by name (`app/n`). */
  units: Record<string, UnitState>;
  /** Secrets owned in this model, by xid. */
  secrets: Record<string, SecretState>;
  /** Offers made from this model, by offer name. */
  offers: Record<string, OfferState>;
  /** Consumed offers (SAAS entries), by local name. */
  saas: Record<string, SaasState>;
  /** Offering side: `remote-<token>` to the consuming application it stands for. */
  remoteApps: Record<string, RemoteAppState>;
  /** Actions by id. */
  actions: Record<string, ActionState>;
  cloudSpec?: CloudSpecData;
}

/** An application. */
export interface ApplicationState {
  name: string;
  /** The charm's name from its metadata. */
  charmName: string;
  /** Where the charm was deployed from (as given, absolute). */
  charmSource: string;
  /** The controller's copy of the charm for the current revision. */
  charmDir: string;
  /** Local charm revision: 1 at deploy, +1 per refresh (`local:<name>-<rev>`). */
  charmRevision: number;
  /** Config values set by the user (defaults are not stored). */
  config: Record<string, ConfigValue>;
  /** Resource name to a file path (file resources) or an image name (oci-image). */
  resources: Record<string, string>;
  trust: boolean;
  /** Desired number of units. */
  scale: number;
  /** Number of the next unit to add. */
  nextUnit: number;
  /** The leader's unit name, or null while there is none. */
  leader: string | null;
  /** Legacy leader settings (`leader-set`). */
  leaderSettings: Databag;
  /** Bumped on every leader-settings write and every change of leader. */
  leaderSettingsVersion: number;
  /** Application status as the leader set it (`unknown` until then). */
  status: TimedStatus;
  life: Life;
}

/** A unit. */
export interface UnitState {
  name: string;
  app: string;
  number: number;
  life: Life;
  /** The unit's address (its namespace's, or a made-up one when networking is off). */
  address: string;
  workloadStatus: TimedStatus;
  /** The agent: `allocating`, `idle`, `executing`, or `error` while a hook is failed. */
  agentStatus: {
    status: "allocating" | "idle" | "executing" | "error";
    message: string;
    since: number;
  };
  statusHistory: StatusHistoryEntry[];
  workloadVersion: string;
  /** Charm state (`state-get`); null until the charm writes some. */
  charmState: Record<string, string> | null;
  openedPorts: PortData[];
  /** Attached storage instances. */
  storage: StorageData[];
  /** Next storage index per storage name. */
  nextStorage: Record<string, number>;
  /** Workload events from the workload manager, in arrival order. */
  workloadEvents: HookInfo[];
  /** Action ids waiting to run, in order. */
  pendingActions: string[];
  /** True while the unit's pod (namespace, containers) is being made: no hook runs. */
  podPending?: boolean;
  /** A new pod is due once the stop hook has run (pod churn, refresh on Kubernetes). */
  replacePod?: boolean;
  /** Set while a hook is failed; the agent retries it or waits for `resolve`. */
  error?: HookErrorState;
  /** What the unit agent has done (its local state in Juju). */
  agent: AgentState;
}

/** A failed hook. */
export interface HookErrorState {
  hook: HookInfo;
  /** Attempts so far (1 after the first failure). */
  attempts: number;
  /** When the next automatic retry is due (ms since the epoch), if retries are on. */
  retryAt?: number;
  since: number;
}

/** What the unit agent knows it has done: Juju's uniter local state. */
export interface AgentState {
  installed: boolean;
  started: boolean;
  /** True once config-changed has run (start follows the first one). */
  configChangedOnce: boolean;
  /** Hash of config and trust as of the last config-changed. */
  configHash: string;
  /** Whether the unit has run leader-elected for its current leadership. */
  leader: boolean;
  /** Leader-settings version the unit last saw. */
  leaderSettingsVersion: number;
  /** Charm revision the unit runs. */
  charmRevision: number;
  /** Hooks that must run next, in order (the steps of refresh and pod churn). */
  queue: HookInfo[];
  /** Relations the unit has run relation-created for, by id. */
  relations: Record<string, AgentRelation>;
  /** Storage ids (`name/n`) the unit has run storage-attached for. */
  storageAttached: string[];
  /** Last update-status (ms since the epoch). */
  lastUpdateStatus: number;
  /** Consumed secrets: xid to the latest revision the unit was told about. */
  secretsSeen: Record<string, number>;
}

/** The agent's record of one relation. */
export interface AgentRelation {
  id: number;
  endpoint: string;
  /** Remote units the unit has run -joined for (names as the unit sees them) to the change version seen. */
  members: Record<string, number>;
  /** Version of the remote application bag seen. */
  appVersion: number;
  /** The remote unit whose -changed must follow its -joined. */
  changedPending?: string;
}

/** One side of a relation: an application of one model and its data. */
export interface RelationSide {
  model: string;
  app: string;
  endpoint: string;
  role: EndpointRole;
  /** The application databag and its change counter. */
  appBag: Databag;
  appVersion: number;
  /** Units that entered scope (and those that left, whose data stays readable). */
  units: Record<string, RelationUnitState>;
}

/** A unit's place in a relation. */
export interface RelationUnitState {
  bag: Databag;
  version: number;
  inScope: boolean;
}

/** A relation; a peer relation has one side, a regular one two. */
export interface RelationState {
  id: number;
  interface: string;
  peer: boolean;
  life: Life;
  sides: RelationSide[];
  /** Set on cross-model relations: which side offers (0 or 1) and the names each side sees. */
  crossModel?: CrossModelInfo;
}

/** How the two models of a cross-model relation name each other. */
export interface CrossModelInfo {
  /** Index in `sides` of the offering application. */
  offerSide: number;
  offerName: string;
  /** The consuming model's name for the offer (its SAAS entry). */
  saasName: string;
  /** The offering model's name for the consuming application: `remote-<token>`. */
  remoteAppName: string;
}

/** An offer (`juju offer`). */
export interface OfferState {
  name: string;
  app: string;
  endpoints: string[];
  /** `admin/<model>.<offer>`. */
  url: string;
}

/** A consumed offer, as the consuming model holds it. */
export interface SaasState {
  name: string;
  url: string;
  offerModel: string;
  offerName: string;
}

/** The consuming application an offering model knows as `remote-<token>`. */
export interface RemoteAppState {
  name: string;
  model: string;
  app: string;
}

/** A secret, kept in its owner's model. */
export interface SecretState {
  xid: string;
  owner: { kind: "application"; app: string } | { kind: "unit"; unit: string } | { kind: "model" };
  label?: string;
  description?: string;
  expire?: string;
  rotate?: RotatePolicy;
  /** Revision number to content. */
  revisions: Record<string, Record<string, string>>;
  latestRevision: number;
  /** Grants: relation id (-1 for a user-secret grant) and the target as the owner's model names it. */
  grants: { relationId: number; target: string; role: "view" | "manage" }[];
  /** Consumers by {@link UnitKey}: the revision tracked and the consumer's label. */
  consumers: Record<UnitKey, { trackedRevision: number; label?: string }>;
  /** Revisions the owner was told to remove (secret-remove), so it is told once. */
  removeNotified: number[];
  /**
   * When `secret-expired` is next due for each revision that has an expiry (ms since the epoch,
   * on the controller's clock): the revision's expiry time, then again every 5 minutes (Juju's
   * `ExpireRetryDelay`, scaled by the controller's `timeScale`) until the owner removes that
   * revision. `expire` above is the latest revision's expiry.
   */
  expiries?: Record<string, number>;
  /** When the next secret-rotate is due (ms since the epoch). */
  rotateAt?: number;
}

/** An action (a task in Juju 3). */
export interface ActionState {
  id: string;
  unit: string;
  name: string;
  params: Record<string, unknown>;
  status: "pending" | "running" | "completed" | "failed" | "aborted";
  message?: string;
  /** `action-set` results, flattened (`a.b` keys). */
  results: Record<string, string>;
  log: string[];
  stdout: string;
  stderr: string;
  returnCode?: number;
  enqueued: number;
  started?: number;
  completed?: number;
}

/** What a hook is about: enough to build its environment and to mark it done. */
export type HookInfo =
  | {
      kind:
        | "install"
        | "start"
        | "stop"
        | "remove"
        | "config-changed"
        | "upgrade-charm"
        | "update-status"
        | "leader-elected"
        | "leader-settings-changed";
    }
  | {
      kind:
        | "relation-created"
        | "relation-joined"
        | "relation-changed"
        | "relation-departed"
        | "relation-broken";
      relationId: number;
      endpoint: string;
      remoteApp: string;
      /** Empty for created, broken and application-level changed. */
      remoteUnit?: string;
      departingUnit?: string;
      /** The remote unit's (or app's) change version the hook reflects. */
      version?: number;
    }
  | {
      kind: "secret-changed" | "secret-rotate" | "secret-expired" | "secret-remove";
      /** The owning model and the secret's xid. */
      model: string;
      xid: string;
      /** The URI as the unit sees it. */
      uri: string;
      label?: string;
      revision?: number;
    }
  | { kind: "storage-attached" | "storage-detaching"; storageId: string }
  | { kind: "action"; actionId: string }
  | {
      kind:
        "pebble-ready" | "pebble-custom-notice" | "pebble-check-failed" | "pebble-check-recovered";
      container: string;
      notice?: { id: string; type: string; key: string };
      checkName?: string;
    };

/**
 * The Juju hook name of a hook (`db-relation-joined`, `data-storage-attached`, …); for an
 * action, `action <name>` is not a hook: callers pass the action's name separately.
 *
 * @example
 * ```ts
 * hookName({ kind: "relation-joined", relationId: 3, endpoint: "db", remoteApp: "pg", remoteUnit: "pg/0" }); // "db-relation-joined"
 * ```
 */
export function hookName(info: HookInfo): string {
  switch (info.kind) {
    case "relation-created":
    case "relation-joined":
    case "relation-changed":
    case "relation-departed":
    case "relation-broken":
      return `${info.endpoint}-${info.kind}`;
    case "storage-attached":
    case "storage-detaching":
      return `${info.storageId.split("/")[0] ?? ""}-${info.kind}`;
    case "pebble-ready":
    case "pebble-custom-notice":
    case "pebble-check-failed":
    case "pebble-check-recovered":
      return `${info.container}-${info.kind}`;
    case "action":
      return "action";
    default:
      return info.kind;
  }
}

/**
 * A fresh {@link AgentState}: nothing done yet.
 *
 * @example
 * ```ts
 * unit.agent = newAgentState();
 * ```
 */
export function newAgentState(): AgentState {
  return {
    installed: false,
    started: false,
    configChangedOnce: false,
    configHash: "",
    leader: false,
    leaderSettingsVersion: 0,
    charmRevision: 0,
    queue: [],
    relations: {},
    storageAttached: [],
    lastUpdateStatus: 0,
    secretsSeen: {},
  };
}

/**
 * An empty controller.
 *
 * @example
 * ```ts
 * const state = emptyControllerState("sim", randomUUID());
 * ```
 */
export function emptyControllerState(name: string, uuid: string): ControllerState {
  return {
    version: STATE_VERSION,
    name,
    uuid,
    models: {},
    relations: [],
    nextRelationId: 0,
    nextActionId: 1,
    nextAddress: 0,
  };
}

/**
 * The {@link UnitKey} of a unit.
 *
 * @example
 * ```ts
 * unitKey("jaas", "openfga/0"); // "jaas:openfga/0"
 * ```
 */
export function unitKey(model: string, unit: string): UnitKey {
  return `${model}:${unit}`;
}
