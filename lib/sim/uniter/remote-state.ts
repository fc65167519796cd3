/**
 * What a unit agent observes of the controller (Juju's uniter "remote state"): its life, its
 * application's leader, config hash and charm revision, each relation with the members in
 * scope and the remote application bag version, queued actions and workload events, storage,
 * and the secret events due. The resolver compares this with the agent's own record.
 *
 * @example
 * ```ts
 * const remote = observe(state, "jaas", "openfga/0", { meta, now: Date.now() });
 * remote.relations[3]?.members; // { "postgresql/0": 2 }
 * ```
 */
import type { CharmMeta } from "../../ops/metadata.js";
import { secretUri, visibleSecrets } from "../model/secret-access.js";
import type { ControllerState, HookInfo, Life, UnitState } from "../model/types.js";
import { unitKey } from "../model/types.js";
import {
  membersInScope,
  mustApp,
  mustModel,
  mustUnit,
  otherSide,
  relationsOfApp,
  sideIndex,
  viewAppName,
} from "../model/view.js";
import { configHash, effectiveConfig } from "../validate/config.js";

/** A relation as the unit agent sees it. */
export interface ObservedRelation {
  id: number;
  endpoint: string;
  peer: boolean;
  life: Life;
  /** The remote application's name as the unit sees it (its own for a peer relation). */
  remoteApp: string;
  /** Remote units in scope (names as the unit sees them) to their bag versions. */
  members: Record<string, number>;
  /** Version of the remote application bag (of its own for a peer relation). */
  appVersion: number;
}

/** What the agent observes. */
export interface Observed {
  life: Life;
  isLeader: boolean;
  leaderSettingsVersion: number;
  charmRevision: number;
  configHash: string;
  relations: ObservedRelation[];
  actions: string[];
  workloadEvents: HookInfo[];
  storage: string[];
  /** Secret hooks due, in Juju's order: rotate, expired, remove, changed. */
  secretHooks: HookInfo[];
  /** The latest revision of each consumed secret (for marking secret-changed done). */
  consumedLatest: Record<string, number>;
}

/** Options of {@link observe}. */
export interface ObserveOptions {
  meta: CharmMeta;
  now: number;
}

function secretHooks(
  state: ControllerState,
  modelName: string,
  unit: UnitState,
  now: number,
): { hooks: HookInfo[]; latest: Record<string, number> } {
  const rotate: HookInfo[] = [];
  const expired: HookInfo[] = [];
  const remove: HookInfo[] = [];
  const changed: HookInfo[] = [];
  const latest: Record<string, number> = {};
  for (const { model, secret, role } of visibleSecrets(state, modelName, unit)) {
    const base = { model: model.name, xid: secret.xid, uri: secretUri(model, secret, modelName) };
    if (role === "manager") {
      const label = secret.label !== undefined ? { label: secret.label } : {};
      if (secret.rotateAt !== undefined && now >= secret.rotateAt) {
        rotate.push({ kind: "secret-rotate", ...base, ...label });
      }
      for (const [rev, due] of Object.entries(secret.expiries ?? {})) {
        if (secret.revisions[rev] === undefined || now < due) continue;
        expired.push({ kind: "secret-expired", ...base, ...label, revision: Number(rev) });
      }
      // A revision is in use while any consumer tracks it, the owner's units included (Juju
      // >= 3.1.7/3.3.1 records the owner's reads as a consumer).
      const tracked = new Set(Object.values(secret.consumers).map((c) => c.trackedRevision));
      for (const rev of Object.keys(secret.revisions)
        .map(Number)
        .sort((a, b) => a - b)) {
        if (rev >= secret.latestRevision || tracked.has(rev)) continue;
        if (secret.removeNotified.includes(rev)) continue;
        remove.push({ kind: "secret-remove", ...base, ...label, revision: rev });
      }
    } else if (role === "consumer") {
      const consumer = secret.consumers[unitKey(modelName, unit.name)];
      if (consumer === undefined) continue;
      latest[secret.xid] = secret.latestRevision;
      const seen = Math.max(unit.agent.secretsSeen[secret.xid] ?? 0, consumer.trackedRevision);
      if (secret.latestRevision > seen) {
        changed.push({
          kind: "secret-changed",
          ...base,
          ...(consumer.label !== undefined ? { label: consumer.label } : {}),
          revision: secret.latestRevision,
        });
      }
    }
  }
  return { hooks: [...rotate, ...expired, ...remove, ...changed], latest };
}

/**
 * Observes the controller from one unit's point of view.
 *
 * @example
 * ```ts
 * observe(state, "jaas", "jimm/0", { meta, now }).isLeader; // true
 * ```
 */
export function observe(
  state: ControllerState,
  modelName: string,
  unitName: string,
  options: ObserveOptions,
): Observed {
  const model = mustModel(state, modelName);
  const unit = mustUnit(model, unitName);
  const app = mustApp(model, unit.app);
  const relations: ObservedRelation[] = [];
  for (const rel of relationsOfApp(state, modelName, unit.app)) {
    const mine = sideIndex(rel, modelName, unit.app);
    const other = otherSide(rel, mine);
    const side = rel.sides[mine];
    const remote = rel.sides[other];
    if (side === undefined || remote === undefined) continue;
    relations.push({
      id: rel.id,
      endpoint: side.endpoint,
      peer: rel.peer,
      life: rel.life,
      remoteApp: viewAppName(rel, mine, other),
      members: rel.life === "alive" ? membersInScope(rel, mine, other, unit.name) : {},
      appVersion: remote.appVersion,
    });
  }
  const { hooks, latest } = secretHooks(state, modelName, unit, options.now);
  return {
    life: unit.life,
    isLeader: app.leader === unit.name,
    leaderSettingsVersion: app.leaderSettingsVersion,
    charmRevision: app.charmRevision,
    configHash: configHash(effectiveConfig(options.meta, app.config), app.trust),
    relations,
    actions: [...unit.pendingActions],
    workloadEvents: [...unit.workloadEvents],
    storage: unit.storage.map((s) => s.id),
    secretHooks: hooks,
    consumedLatest: latest,
  };
}
