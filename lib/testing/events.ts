/**
 * Event factories for unit tests (`ctx.on.*`), modelled on Scenario's: each returns a
 * {@link TestEvent} that `Context.run` turns into the environment Juju would give the hook.
 *
 * @example
 * ```ts
 * const db = relation({ endpoint: "database" });
 * await ctx.run(ctx.on.relationChanged(db, { remoteUnit: 0 }), state({ relations: [db] }));
 * ```
 */
import type { AnyRelation, ContainerState, SecretState, StorageState } from "./state.js";

/** One event to run, with what its hook's environment carries. */
export interface TestEvent {
  /** `hooks/<name>` or `actions/<name>`. */
  readonly dispatchPath: string;
  readonly relation?: AnyRelation;
  /** Remote unit name (`app/N`), for joined, changed and departed. */
  readonly remoteUnit?: string;
  readonly departingUnit?: string;
  readonly container?: ContainerState;
  readonly notice?: { id: string; type: string; key: string };
  readonly checkName?: string;
  readonly secret?: SecretState;
  readonly secretRevision?: number;
  readonly storage?: StorageState;
  readonly action?: { name: string; id: string; params: Record<string, unknown> };
}

const hook = (name: string): TestEvent => ({ dispatchPath: `hooks/${name}` });

function remoteName(
  rel: AnyRelation,
  unit: number | string | undefined,
  appName: string,
): string | undefined {
  if (unit === undefined) return undefined;
  if (typeof unit === "string") return unit;
  return `${rel.kind === "peer" ? appName : rel.remoteAppName}/${unit}`;
}

/** The event factories of a Context (needs the app name for peer unit names). */
export class EventFactories {
  constructor(private readonly appName: string) {}

  install = (): TestEvent => hook("install");
  start = (): TestEvent => hook("start");
  stop = (): TestEvent => hook("stop");
  remove = (): TestEvent => hook("remove");
  configChanged = (): TestEvent => hook("config-changed");
  upgradeCharm = (): TestEvent => hook("upgrade-charm");
  updateStatus = (): TestEvent => hook("update-status");
  leaderElected = (): TestEvent => hook("leader-elected");
  leaderSettingsChanged = (): TestEvent => hook("leader-settings-changed");

  private rel(rel: AnyRelation, phase: string, extra: Partial<TestEvent> = {}): TestEvent {
    return { dispatchPath: `hooks/${rel.endpoint}-relation-${phase}`, relation: rel, ...extra };
  }

  relationCreated = (rel: AnyRelation): TestEvent => this.rel(rel, "created");

  /** `remoteUnit` defaults to the first remote (or peer) unit. */
  relationJoined = (rel: AnyRelation, opts: { remoteUnit?: number | string } = {}): TestEvent =>
    this.rel(rel, "joined", {
      remoteUnit: remoteName(rel, opts.remoteUnit ?? firstUnit(rel), this.appName),
    });

  /** With no `remoteUnit`, the change is to the remote application's bag. */
  relationChanged = (rel: AnyRelation, opts: { remoteUnit?: number | string } = {}): TestEvent => {
    const remoteUnit = remoteName(rel, opts.remoteUnit, this.appName);
    return this.rel(rel, "changed", remoteUnit ? { remoteUnit } : {});
  };

  relationDeparted = (
    rel: AnyRelation,
    opts: { remoteUnit?: number | string; departingUnit?: number | string } = {},
  ): TestEvent => {
    const remoteUnit = remoteName(rel, opts.remoteUnit ?? firstUnit(rel), this.appName);
    const departingUnit = remoteName(rel, opts.departingUnit, this.appName) ?? remoteUnit;
    return this.rel(rel, "departed", {
      ...(remoteUnit ? { remoteUnit } : {}),
      ...(departingUnit ? { departingUnit } : {}),
    });
  };

  relationBroken = (rel: AnyRelation): TestEvent => this.rel(rel, "broken");

  pebbleReady = (c: ContainerState): TestEvent => ({
    dispatchPath: `hooks/${c.name}-pebble-ready`,
    container: c,
  });

  pebbleCustomNotice = (c: ContainerState, notice: { id?: string; key: string }): TestEvent => ({
    dispatchPath: `hooks/${c.name}-pebble-custom-notice`,
    container: c,
    notice: { id: notice.id ?? "1", type: "custom", key: notice.key },
  });

  pebbleCheckFailed = (c: ContainerState, checkName: string): TestEvent => ({
    dispatchPath: `hooks/${c.name}-pebble-check-failed`,
    container: c,
    checkName,
  });

  pebbleCheckRecovered = (c: ContainerState, checkName: string): TestEvent => ({
    dispatchPath: `hooks/${c.name}-pebble-check-recovered`,
    container: c,
    checkName,
  });

  secretChanged = (s: SecretState): TestEvent => ({
    dispatchPath: "hooks/secret-changed",
    secret: s,
  });
  secretRotate = (s: SecretState): TestEvent => ({
    dispatchPath: "hooks/secret-rotate",
    secret: s,
  });
  secretExpired = (s: SecretState, revision: number): TestEvent => ({
    dispatchPath: "hooks/secret-expired",
    secret: s,
    secretRevision: revision,
  });
  secretRemove = (s: SecretState, revision: number): TestEvent => ({
    dispatchPath: "hooks/secret-remove",
    secret: s,
    secretRevision: revision,
  });

  storageAttached = (s: StorageState): TestEvent => ({
    dispatchPath: `hooks/${s.name}-storage-attached`,
    storage: s,
  });
  storageDetaching = (s: StorageState): TestEvent => ({
    dispatchPath: `hooks/${s.name}-storage-detaching`,
    storage: s,
  });

  action = (name: string, params: Record<string, unknown> = {}, id = "1"): TestEvent => ({
    dispatchPath: `actions/${name}`,
    action: { name, id, params },
  });
}

function firstUnit(rel: AnyRelation): number | undefined {
  const keys = Object.keys(rel.kind === "peer" ? rel.peersData : rel.remoteUnitsData).map(Number);
  return keys.length ? Math.min(...keys) : undefined;
}
