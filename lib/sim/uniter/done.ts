/**
 * Marks a hook done in the unit agent's record, as Juju's uniter does after a hook commits (or
 * is skipped with `resolved --no-retry`): install sets installed, config-changed records the
 * config hash it saw, joined records the member (and queues its changed), broken forgets the
 * relation, and so on. The values recorded are those observed when the hook started, so a
 * change made while it ran is seen by a later hook.
 *
 * @example
 * ```ts
 * markDone(state, run, Date.now());
 * ```
 */
import type { ControllerState, HookInfo, UnitState } from "../model/types.js";
import { enterScope, enterScopes, leaveScope } from "../model/scope.js";
import { mustModel, mustUnit, relationById } from "../model/view.js";
import type { Observed } from "./remote-state.js";

/** One hook as it started: what it is about and what the agent observed then. */
export interface HookRun {
  model: string;
  unit: string;
  info: HookInfo;
  observed: Observed;
  startedAt: number;
}

function sameHook(a: HookInfo, b: HookInfo): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Records the relation hook `info` in the agent's relation record. */
function relationDone(state: ControllerState, unit: UnitState, run: HookRun): void {
  const info = run.info;
  if (
    info.kind !== "relation-created" &&
    info.kind !== "relation-joined" &&
    info.kind !== "relation-changed" &&
    info.kind !== "relation-departed" &&
    info.kind !== "relation-broken"
  ) {
    return;
  }
  const agent = unit.agent;
  const key = String(info.relationId);
  const rel = relationById(state, info.relationId);
  if (info.kind === "relation-created") {
    agent.relations[key] = {
      id: info.relationId,
      endpoint: info.endpoint,
      members: {},
      appVersion: 0,
    };
    if (rel !== undefined) enterScope(state, rel, run.model, unit.name);
    return;
  }
  const local = agent.relations[key];
  if (local === undefined) return;
  switch (info.kind) {
    case "relation-joined":
      if (info.remoteUnit !== undefined) {
        local.members[info.remoteUnit] = info.version ?? 0;
        local.changedPending = info.remoteUnit;
      }
      return;
    case "relation-changed":
      if (info.remoteUnit === undefined) local.appVersion = info.version ?? local.appVersion;
      else {
        if (info.remoteUnit in local.members) local.members[info.remoteUnit] = info.version ?? 0;
        if (local.changedPending === info.remoteUnit) delete local.changedPending;
      }
      return;
    case "relation-departed":
      if (info.remoteUnit !== undefined) {
        delete local.members[info.remoteUnit];
        if (local.changedPending === info.remoteUnit) delete local.changedPending;
      }
      return;
    case "relation-broken":
      delete agent.relations[key];
      if (rel !== undefined) leaveScope(rel, run.model, unit.app, unit.name);
      return;
  }
}

/**
 * Records `run` as done. The caller then applies what only the controller can do (removing a
 * removed unit, completing an action).
 *
 * @example
 * ```ts
 * markDone(state, { model: "m", unit: "a/0", info: { kind: "install" }, observed, startedAt }, Date.now());
 * ```
 */
export function markDone(state: ControllerState, run: HookRun, now: number): void {
  const model = mustModel(state, run.model);
  const unit = mustUnit(model, run.unit);
  const agent = unit.agent;
  const info = run.info;
  const queued = agent.queue[0];
  if (queued !== undefined && sameHook(queued, info)) agent.queue.shift();
  const observed = run.observed;
  switch (info.kind) {
    case "install":
      agent.installed = true;
      agent.charmRevision = observed.charmRevision;
      enterScopes(state, run.model, unit.name);
      break;
    case "start":
      agent.started = true;
      agent.lastUpdateStatus = now;
      break;
    case "stop":
      agent.started = false;
      break;
    case "config-changed":
      agent.configHash = observed.configHash;
      agent.configChangedOnce = true;
      break;
    case "upgrade-charm":
      agent.charmRevision = observed.charmRevision;
      break;
    case "update-status":
      agent.lastUpdateStatus = now;
      break;
    case "leader-elected":
      agent.leader = true;
      agent.leaderSettingsVersion = observed.leaderSettingsVersion;
      break;
    case "leader-settings-changed":
      agent.leaderSettingsVersion = observed.leaderSettingsVersion;
      break;
    case "secret-changed":
      agent.secretsSeen[info.xid] = observed.consumedLatest[info.xid] ?? info.revision ?? 0;
      break;
    case "secret-remove": {
      const secret = state.models[info.model]?.secrets[info.xid];
      if (secret !== undefined && info.revision !== undefined) {
        if (!secret.removeNotified.includes(info.revision))
          secret.removeNotified.push(info.revision);
      }
      break;
    }
    case "secret-expired":
      // Juju runs it again later while the revision exists: the runtime moved its due time on
      // when the hook started.
      break;
    case "storage-attached":
      if (!agent.storageAttached.includes(info.storageId))
        agent.storageAttached.push(info.storageId);
      break;
    case "storage-detaching":
      agent.storageAttached = agent.storageAttached.filter((s) => s !== info.storageId);
      unit.storage = unit.storage.filter((s) => s.id !== info.storageId);
      break;
    case "action":
      unit.pendingActions = unit.pendingActions.filter((a) => a !== info.actionId);
      break;
    case "pebble-ready":
    case "pebble-custom-notice":
    case "pebble-check-failed":
    case "pebble-check-recovered": {
      const first = unit.workloadEvents[0];
      if (first !== undefined && sameHook(first, info)) unit.workloadEvents.shift();
      break;
    }
    default:
      relationDone(state, unit, run);
  }
}
