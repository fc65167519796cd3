/**
 * The state a unit test runs an event against, modelled on Scenario's `State`: what Juju and the
 * workload hold for one unit before the hook. `Context.run` never changes its input; it returns
 * a new, frozen `State`.
 *
 * @example
 * ```ts
 * const before = state({
 *   leader: true,
 *   config: { "log-level": "debug" },
 *   relations: [relation({ endpoint: "database", remoteAppData: { endpoints: "pg:5432" } })],
 * });
 * ```
 */
import type { Databag, PortData, StatusData } from "../jujuc/context.js";
import type { Notice } from "../ops/framework/framework.js";

/** Juju's own keys, present in every unit bag (Scenario's default unit bag). */
export const DEFAULT_UNIT_BAG: Databag = {
  "egress-subnets": "192.0.2.0/24",
  "ingress-address": "192.0.2.0",
  "private-address": "192.0.2.0",
};

/** A regular (non-peer) relation. */
export interface RelationState {
  readonly kind: "regular";
  readonly endpoint: string;
  readonly id: number;
  readonly interface?: string;
  readonly remoteAppName: string;
  readonly remoteModelUuid?: string;
  readonly localAppData: Databag;
  readonly localUnitData: Databag;
  readonly remoteAppData: Databag;
  /** Remote unit number to its databag. */
  readonly remoteUnitsData: Readonly<Record<number, Databag>>;
}

/** A peer relation: the other units of this application. */
export interface PeerRelationState {
  readonly kind: "peer";
  readonly endpoint: string;
  readonly id: number;
  readonly interface?: string;
  readonly localAppData: Databag;
  readonly localUnitData: Databag;
  /** Peer unit number to its databag. */
  readonly peersData: Readonly<Record<number, Databag>>;
}

/** Either kind of relation. */
export type AnyRelation = RelationState | PeerRelationState;

/** A secret, as Scenario models it: tracked and latest content. */
export interface SecretState {
  readonly id: string;
  /** `app` or `unit` for a secret this charm owns; `undefined` for one granted to it. */
  readonly owner?: "app" | "unit";
  /** The content of the revision this unit tracks. */
  readonly trackedContent: Readonly<Record<string, string>>;
  /** The content of the latest revision (defaults to the tracked one). */
  readonly latestContent: Readonly<Record<string, string>>;
  readonly label?: string;
  readonly description?: string;
  readonly expire?: string;
  readonly rotate?: "never" | "hourly" | "daily" | "weekly" | "monthly" | "quarterly" | "yearly";
  /** For owned secrets: relation id to the apps or units it is granted to. */
  readonly remoteGrants: Readonly<Record<number, readonly string[]>>;
}

/** A workload container and what its in-memory Pebble starts with. */
export interface ContainerState {
  readonly name: string;
  /** Whether Pebble answers. */
  readonly canConnect: boolean;
  /** Layers by label, as YAML-able objects, in order. */
  readonly layers: Readonly<Record<string, unknown>>;
  /** Service name to `active` or `inactive`. */
  readonly serviceStatuses: Readonly<Record<string, "active" | "inactive" | "error" | "backoff">>;
  /** Files in the container: path to text content. */
  readonly files: Readonly<Record<string, string>>;
  /** Exec handlers: command prefix to the result it gives. */
  readonly execs: readonly ExecHandler[];
  /** Check name to status. */
  readonly checks: Readonly<Record<string, "up" | "down">>;
  /** Custom notices present, by key. */
  readonly notices: readonly { id: string; key: string; type: string }[];
}

/** What a command run in a container returns, in tests. */
export interface ExecHandler {
  readonly commandPrefix: readonly string[];
  readonly returnCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A network binding. */
export interface NetworkState {
  readonly binding: string;
  readonly bindAddress: string;
  readonly cidr: string;
  readonly ingressAddresses: readonly string[];
  readonly egressSubnets: readonly string[];
}

/** A storage instance. */
export interface StorageState {
  readonly name: string;
  readonly index: number;
  readonly kind: "filesystem" | "block";
  readonly location: string;
}

/** The whole state of a unit before or after a hook. */
export interface State {
  readonly leader: boolean;
  readonly config: Readonly<Record<string, string | number | boolean>>;
  readonly relations: readonly AnyRelation[];
  readonly containers: readonly ContainerState[];
  readonly secrets: readonly SecretState[];
  readonly networks: readonly NetworkState[];
  readonly storages: readonly StorageState[];
  readonly openedPorts: readonly PortData[];
  /** Resource name to file path. */
  readonly resources: Readonly<Record<string, string>>;
  readonly plannedUnits: number;
  readonly unitStatus: StatusData;
  readonly appStatus: StatusData;
  readonly workloadVersion: string;
  /** Deferred events queued for the next hook. */
  readonly deferred: readonly Notice[];
  /** Stored state by key (`<owner>/StoredStateData[<name>]`) to its data. */
  readonly storedStates: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Other charm-state keys the charm wrote directly. */
  readonly charmState: Readonly<Record<string, string>>;
  readonly model: {
    readonly name: string;
    readonly uuid: string;
    readonly type: "kubernetes" | "iaas";
  };
  /** Whether the app was deployed with `--trust`. */
  readonly trusted: boolean;
}

let nextRelationId = 1;
let nextSecret = 1;

/** Makes a regular relation, with Scenario's defaults. */
export function relation(
  init: Partial<Omit<RelationState, "kind">> & { endpoint: string },
): RelationState {
  return {
    kind: "regular",
    id: init.id ?? nextRelationId++,
    remoteAppName: "remote",
    localAppData: {},
    localUnitData: { ...DEFAULT_UNIT_BAG },
    remoteAppData: {},
    remoteUnitsData: { 0: { ...DEFAULT_UNIT_BAG } },
    ...init,
  };
}

/** Makes a peer relation. */
export function peerRelation(
  init: Partial<Omit<PeerRelationState, "kind">> & { endpoint: string },
): PeerRelationState {
  return {
    kind: "peer",
    id: init.id ?? nextRelationId++,
    localAppData: {},
    localUnitData: { ...DEFAULT_UNIT_BAG },
    peersData: {},
    ...init,
  };
}

/** Makes a secret; `latestContent` defaults to `trackedContent`. */
export function secret(
  init: Partial<SecretState> & { trackedContent: Record<string, string> },
): SecretState {
  const id = init.id ?? `secret:${String(nextSecret++).padStart(20, "0").replace(/0/g, "a")}`;
  return {
    remoteGrants: {},
    latestContent: init.trackedContent,
    ...init,
    id,
  };
}

/** Makes a container; Pebble answers unless `canConnect` is false. */
export function container(init: Partial<ContainerState> & { name: string }): ContainerState {
  return {
    canConnect: true,
    layers: {},
    serviceStatuses: {},
    files: {},
    execs: [],
    checks: {},
    notices: [],
    ...init,
  };
}

/** Makes a network binding with test addresses. */
export function network(init: Partial<NetworkState> & { binding: string }): NetworkState {
  return {
    bindAddress: "192.0.2.0",
    cidr: "192.0.2.0/24",
    ingressAddresses: ["192.0.2.0"],
    egressSubnets: ["192.0.2.0/24"],
    ...init,
  };
}

/** Makes a storage instance. */
export function storage(init: Partial<StorageState> & { name: string }): StorageState {
  return {
    index: 0,
    kind: "filesystem",
    location: `/var/lib/juju/storage/${init.name}/${init.index ?? 0}`,
    ...init,
  };
}

/** Makes a State, with defaults for everything not given. */
export function state(init: Partial<State> = {}): State {
  return deepFreeze({
    leader: false,
    config: {},
    relations: [],
    containers: [],
    secrets: [],
    networks: [],
    storages: [],
    openedPorts: [],
    resources: {},
    plannedUnits: 1,
    unitStatus: { status: "unknown", message: "" },
    appStatus: { status: "unknown", message: "" },
    workloadVersion: "",
    deferred: [],
    storedStates: {},
    charmState: {},
    model: { name: "test-model", uuid: "00000000-0000-4000-8000-000000000000", type: "kubernetes" },
    trusted: false,
    ...init,
  });
}

/** Freezes an object graph, so a test cannot change a State by accident. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Finds a relation of a State by id. */
export function getRelation(s: State, id: number): AnyRelation | undefined {
  return s.relations.find((r) => r.id === id);
}

/** Finds a container of a State by name. */
export function getContainer(s: State, name: string): ContainerState | undefined {
  return s.containers.find((c) => c.name === name);
}

/** The unique part of a secret URI: the same for `secret:<id>` and `secret://<model>/<id>`. */
export function secretUniqueId(id: string): string {
  return id.split(/[/:]/).pop() ?? id;
}

/** Finds a secret of a State by id (either URI form) or label. */
export function getSecret(s: State, ref: { id?: string; label?: string }): SecretState | undefined {
  return s.secrets.find((x) =>
    ref.id !== undefined ? secretUniqueId(x.id) === secretUniqueId(ref.id) : x.label === ref.label,
  );
}
