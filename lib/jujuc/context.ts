/**
 * The data a hook context sees: what Juju's unit agent holds for one unit while one hook runs.
 *
 * Juju's hook tools ("jujuc" commands) read and write this. Two places build it:
 * `lib/testing` (from a Scenario-like `State`) and `lib/sim` (from the local controller). Both
 * run the same tool implementations (`lib/jujuc/tools`) over it, so that a charm sees the same
 * answers, error texts and exit codes in a unit test, in the local model and under real Juju.
 *
 * Plain data only (no classes, no functions), so that it can be cloned and sent between
 * processes as JSON.
 *
 * @example
 * ```ts
 * const ctx: HookContextData = newHookContextData({ unitName: "openfga/0", leader: true });
 * ```
 */

/** A relation databag: string keys to string values, exactly as Juju stores them. */
export type Databag = Record<string, string>;

/** A config value as `config-get --format=json` prints it. */
export type ConfigValue = string | number | boolean;

/** Workload status values a charm can set, plus those only Juju sets. */
export type StatusName = "active" | "blocked" | "maintenance" | "waiting" | "error" | "unknown";

/** A status with its message, as `status-get` reports it. */
export interface StatusData {
  status: StatusName;
  message: string;
}

/** One relation, seen from the local unit. */
export interface RelationData {
  /** Integer relation id; tools print it as `<endpoint>:<id>`. */
  id: number;
  /** Local endpoint name. */
  endpoint: string;
  /** Interface name from the metadata. */
  interface: string;
  /** True for a peer relation: the "remote" app is the local app. */
  peer: boolean;
  /** Remote application name (`remote-<token>` on the offering side of a cross-model relation). */
  remoteApp: string;
  /** Model UUID of the remote application (differs from the local one across models). */
  remoteModelUuid: string;
  /** The local unit's databag. */
  localUnitData: Databag;
  /** The local application's databag. */
  localAppData: Databag;
  /** The remote application's databag (for a peer relation: unused, peers share localAppData). */
  remoteAppData: Databag;
  /**
   * Remote units that have joined and not departed, with their databags. For a peer relation:
   * the other units of the local application.
   */
  remoteUnits: Record<string, Databag>;
  /**
   * Units that departed but whose data stays readable for the life of the relation (a
   * `-departed` hook still reads the departing unit's bag).
   */
  departedUnits: Record<string, Databag>;
  /** True while the relation is being broken: `relation-ids` no longer lists it. */
  broken: boolean;
  /**
   * The remote application's endpoint name, when known. Only used to spell the relation key in
   * `secret-info-get`'s `access` scopes (`relation-<app>.<endpoint>#<app>.<endpoint>`); the local
   * endpoint is used in its place when absent.
   */
  remoteEndpoint?: string;
  /**
   * Which side of a cross-model relation the local application is on. Juju lets only the
   * offering side grant secrets over a cross-model relation. When absent on a cross-model
   * relation (`remoteModelUuid` differs from the model's), the local side counts as the offerer
   * when the remote application has Juju's opaque `remote-<token>` name.
   */
  crossModelRole?: "offerer" | "consumer";
}

/** Who owns a secret. */
export type SecretOwner =
  { kind: "application"; app: string } | { kind: "unit"; unit: string } | { kind: "model" };

/** Secret rotation policies Juju accepts. */
export type RotatePolicy =
  "never" | "hourly" | "daily" | "weekly" | "monthly" | "quarterly" | "yearly";

/** A grant of a secret to a relation (the whole remote app, or one unit of it). */
export interface SecretGrant {
  relationId: number;
  /** The remote application or unit name that may read the secret. */
  target: string;
  role: "view" | "manage";
}

/** What one consumer (a unit) knows of a secret: the revision it tracks and its own label. */
export interface SecretConsumerData {
  trackedRevision: number;
  label?: string;
}

/** A secret as the controller holds it. */
export interface SecretData {
  /** Short form `secret:<xid>`; tools also accept `secret://<model-uuid>/<xid>`. */
  id: string;
  /** UUID of the model that owns the secret (its URI form across models). */
  modelUuid: string;
  owner: SecretOwner;
  /** The owner's label. */
  label?: string;
  description?: string;
  /** RFC 3339 expiry time. */
  expire?: string;
  rotate?: RotatePolicy;
  /**
   * RFC 3339 time of the next rotation (Juju's `NextRotateTime`), which `secret-info-get` prints
   * as `rotates`; absent when the secret does not rotate.
   */
  nextRotate?: string;
  /** Revision number to content. Revisions start at 1. */
  revisions: Record<string, Record<string, string>>;
  latestRevision: number;
  grants: SecretGrant[];
  /** Keyed by consumer unit name. */
  consumers: Record<string, SecretConsumerData>;
}

/**
 * The cloud specification `credential-get` prints (Juju's `params.CloudSpec`), for trusted
 * applications.
 *
 * @example
 * ```ts
 * const spec: CloudSpecData = { type: "kubernetes", name: "microk8s", credential: { authType: "certificate" } };
 * ```
 */
export interface CloudSpecData {
  type: string;
  name: string;
  region?: string;
  endpoint?: string;
  identityEndpoint?: string;
  storageEndpoint?: string;
  credential?: { authType: string; attrs?: Record<string, string>; redacted?: string[] };
  caCertificates?: string[];
  skipTlsVerify?: boolean;
  isControllerCloud?: boolean;
}

/** A port a unit opened. */
export interface PortData {
  protocol: "tcp" | "udp" | "icmp";
  /** Absent for icmp. */
  port?: number;
  /** Upper end of a range, when the port is a range. */
  toPort?: number;
  /** Endpoints the port is opened for; absent means all (`*`). */
  endpoints?: string[];
}

/** One address of a network binding. */
export interface NetworkAddress {
  hostname: string;
  value: string;
  cidr: string;
}

/** What `network-get <binding>` answers. */
export interface NetworkData {
  bindAddresses: { macAddress: string; interfaceName: string; addresses: NetworkAddress[] }[];
  egressSubnets: string[];
  ingressAddresses: string[];
}

/** A storage instance attached to the unit. */
export interface StorageData {
  /** `<name>/<index>`. */
  id: string;
  kind: "filesystem" | "block";
  location: string;
}

/** The action being run, if the hook is an action. */
export interface ActionData {
  name: string;
  /** Action id (a small integer string in Juju 3). */
  id: string;
  params: Record<string, unknown>;
}

/** One `juju-log` record. */
export interface LogRecord {
  level: "TRACE" | "DEBUG" | "INFO" | "WARNING" | "ERROR";
  message: string;
}

/**
 * Everything a hook may read, plus what it has written so far.
 *
 * The tools mutate a working copy of this data in place, as Juju's hook context caches writes:
 * a unit reads its own writes at once. The caller keeps the copy when the hook exits 0 (Juju's
 * commit) and drops it otherwise, keeping only `immediate`, which holds the effects Juju applies
 * at once (status, logs, workload version, action logs and results).
 */
export interface HookContextData {
  unitName: string;
  appName: string;
  modelName: string;
  modelUuid: string;
  /** `kubernetes` for K8s models, `iaas` for machine models. */
  modelType: "kubernetes" | "iaas";
  jujuVersion: string;
  leader: boolean;
  /** Effective config (set values and defaults); unset options without default are absent. */
  config: Record<string, ConfigValue>;
  /**
   * Options the charm declares that have no default and are not set. `config-get --all` prints
   * them as `null` (plain `config-get` leaves them out, as Juju does).
   */
  configUnsetOptions?: string[];
  relations: RelationData[];
  /** The relation of the current relation hook, if any (default for `-r`). */
  currentRelationId?: number;
  /** The remote unit of the current relation hook, if any (default for `relation-get`). */
  remoteUnit?: string;
  /** The remote app of the current relation hook, if any. */
  remoteApp?: string;
  /** Every secret the unit may see: owned by it or its app, or granted to it. */
  secrets: SecretData[];
  /** Charm state (`state-get`); `null` means no state yet. */
  charmState: Record<string, string> | null;
  unitStatus: StatusData;
  appStatus: StatusData;
  /**
   * Workload status of the other units of the application, for `status-get --application`
   * (leader only). The local unit's entry always comes from `unitStatus`.
   */
  appUnitStatuses?: Record<string, StatusData>;
  /** Legacy leader settings (`leader-get`) as they stood when the hook started. */
  leaderSettings?: Databag;
  workloadVersion: string;
  openedPorts: PortData[];
  /** Network bindings by name (endpoint or extra binding). */
  networks: Record<string, NetworkData>;
  storages: StorageData[];
  /** The storage of the current storage hook, if any (default for `storage-get`). */
  currentStorageId?: string;
  /** Resource name to the path of its file on disk. */
  resources: Record<string, string>;
  /** Unit name to status, for `goal-state` (planned units). */
  goalUnits: Record<string, "active" | "waiting" | "dying">;
  /**
   * When each `goal-state` entry (unit, or related application) last changed status, as an
   * RFC 3339 time. Juju always prints a `since` (ops requires it); entries missing here get the
   * time of the call.
   */
  goalSince?: Record<string, string>;
  action?: ActionData;
  /** Whether the application was deployed with `--trust` (for `credential-get`). */
  trusted: boolean;
  /** The model's cloud specification, printed by `credential-get` when `trusted`. */
  cloudSpec?: CloudSpecData;
  /** Secret revisions removed by `secret-remove` in this hook, as `<id>/<revision>`. */
  removedSecretRevisions: string[];
  /**
   * Secret id (as in `SecretData.id`) to the revision a `secret-set` in this hook created. Juju
   * keeps one pending update per secret, so a later content change in the same hook replaces
   * that revision's content instead of adding another. Secrets created by `secret-add` in this
   * hook are not listed (their first `secret-set` adds revision 2, as in Juju).
   */
  newSecretRevisions?: Record<string, number>;
  /** Storage name to count requested by `storage-add` (applied by the controller at commit). */
  storageAdd: Record<string, number>;
  /** Effects that happen at once and survive a failing hook. */
  immediate: ImmediateEffects;
}

/** Effects that are immediate in Juju, recorded in order. */
export interface ImmediateEffects {
  logs: LogRecord[];
  unitStatusHistory: StatusData[];
  appStatusHistory: StatusData[];
  workloadVersionHistory: string[];
  actionLogs: string[];
  /** Flattened dotted keys to values, as `action-set` was called. */
  actionResults: Record<string, string>;
  /** Set by `action-fail`. */
  actionFailure?: string;
  /**
   * The whole leader-settings bag after this hook's `leader-set` calls, which Juju writes at once
   * (absent when `leader-set` was not called).
   */
  leaderSettings?: Databag;
}

/** Creates empty {@link ImmediateEffects}. */
export function emptyImmediate(): ImmediateEffects {
  return {
    logs: [],
    unitStatusHistory: [],
    appStatusHistory: [],
    workloadVersionHistory: [],
    actionLogs: [],
    actionResults: {},
  };
}

/**
 * Creates a {@link HookContextData} with Juju's defaults for everything not given: no relations,
 * secrets, ports or storage, `unknown` statuses, no charm state, a K8s model on Juju 3.6.
 *
 * @example
 * ```ts
 * const ctx = newHookContextData({ unitName: "openfga/0", leader: true, config: { port: 8080 } });
 * ```
 */
export function newHookContextData(
  init: Partial<HookContextData> & { unitName: string },
): HookContextData {
  const appName = init.appName ?? init.unitName.split("/")[0] ?? init.unitName;
  return {
    appName,
    modelName: "test-model",
    modelUuid: "00000000-0000-4000-8000-000000000000",
    modelType: "kubernetes",
    jujuVersion: "3.6.8",
    leader: false,
    config: {},
    relations: [],
    secrets: [],
    charmState: null,
    unitStatus: { status: "unknown", message: "" },
    appStatus: { status: "unknown", message: "" },
    workloadVersion: "",
    openedPorts: [],
    networks: {},
    storages: [],
    resources: {},
    goalUnits: {},
    trusted: false,
    removedSecretRevisions: [],
    storageAdd: {},
    ...init,
    immediate: init.immediate ?? emptyImmediate(),
  };
}

/**
 * Creates a {@link RelationData} with defaults for everything not given: a non-peer relation in
 * the same model, empty databags, no units, not broken.
 *
 * @example
 * ```ts
 * const db = newRelationData({ id: 3, endpoint: "db", remoteApp: "postgresql",
 *   remoteUnits: { "postgresql/0": { "private-address": "10.0.0.9" } } });
 * ```
 */
export function newRelationData(
  init: Partial<RelationData> & { id: number; endpoint: string; remoteApp: string },
): RelationData {
  return {
    interface: init.endpoint,
    peer: false,
    remoteModelUuid: "00000000-0000-4000-8000-000000000000",
    localUnitData: {},
    localAppData: {},
    remoteAppData: {},
    remoteUnits: {},
    departedUnits: {},
    broken: false,
    ...init,
  };
}
