/**
 * The unit agent's resolver: from what the agent has done ({@link AgentState}) and what it
 * observes ({@link Observed}), the one hook to run next, in Juju's priority order (reference
 * §3.1):
 *
 * 1. not installed: storage-attached (when storage attaches before install), then `install`;
 * 2. queued steps of a refresh or pod churn (stop, upgrade-charm, config-changed, …), and
 *    `start` right after the first config-changed;
 * 3. relation-created for relations the agent does not know yet;
 * 4. leadership: leader-elected, or leader-settings-changed on a new settings version;
 * 5. workload (Pebble) events; 6. secrets (rotate, expired, remove, changed); 7. actions;
 * 8. storage-attached;
 * 9. dying: for each relation departed per member then broken (none for a peer relation),
 *    then stop, storage-detaching, remove;
 * 10. upgrade-charm; 11. config-changed (hash of config and trust);
 * 12. relation hooks, per relation by id: departed for units gone, application-level changed,
 *     joined (each followed by its changed) in sorted order, changed for newer bag versions;
 * 13. update-status, when nothing else is due.
 *
 * A unit whose hook failed runs only actions until the hook is retried or resolved (the caller
 * handles the retry).
 *
 * @example
 * ```ts
 * const next = nextHook(unit.agent, observe(state, "jaas", "jimm/0", { meta, now }), options);
 * // { kind: "relation-joined", relationId: 3, endpoint: "db", remoteApp: "postgresql", remoteUnit: "postgresql/0", version: 1 }
 * ```
 */
import type { AgentState, HookInfo } from "../model/types.js";
import { goStringOrder } from "../model/view.js";
import type { Observed, ObservedRelation } from "./remote-state.js";

/** Options of {@link nextHook}. */
export interface ResolverOptions {
  now: number;
  /** update-status period in ms; 0 turns update-status off. */
  updateStatusIntervalMs: number;
  /** Run storage-attached before install (machines; the ops Harness does it on K8s too). */
  storageBeforeInstall: boolean;
  /** True while the unit's last hook failed (only actions run). */
  inError: boolean;
}

/**
 * The next relation hook of a live relation the agent knows, if any.
 *
 * @example
 * ```ts
 * nextRelationHook(agent.relations["3"]!, observed.relations[0]!); // { kind: "relation-joined", … }
 * ```
 */
export function nextRelationHook(
  local: AgentState["relations"][string],
  remote: ObservedRelation,
): HookInfo | undefined {
  const base = { relationId: remote.id, endpoint: remote.endpoint, remoteApp: remote.remoteApp };
  if (local.changedPending !== undefined) {
    const unit = local.changedPending;
    return {
      kind: "relation-changed",
      ...base,
      remoteUnit: unit,
      version: remote.members[unit] ?? local.members[unit] ?? 0,
    };
  }
  const names = [...new Set([...Object.keys(local.members), ...Object.keys(remote.members)])].sort(
    goStringOrder,
  );
  for (const unit of names) {
    if (unit in local.members && !(unit in remote.members)) {
      return { kind: "relation-departed", ...base, remoteUnit: unit, departingUnit: unit };
    }
  }
  if (remote.life === "alive" && remote.appVersion !== local.appVersion) {
    return { kind: "relation-changed", ...base, version: remote.appVersion };
  }
  for (const unit of names) {
    if (unit in remote.members && !(unit in local.members)) {
      return { kind: "relation-joined", ...base, remoteUnit: unit, version: remote.members[unit] };
    }
  }
  for (const unit of names) {
    const seen = local.members[unit];
    const now = remote.members[unit];
    if (seen !== undefined && now !== undefined && now > seen) {
      return { kind: "relation-changed", ...base, remoteUnit: unit, version: now };
    }
  }
  if (remote.life === "dying" && !remote.peer) return { kind: "relation-broken", ...base };
  return undefined;
}

/** The teardown hooks of a dying unit. */
function dyingHook(agent: AgentState, observed: Observed, self: string): HookInfo | undefined {
  const byId = new Map(observed.relations.map((r) => [r.id, r]));
  const ids = Object.keys(agent.relations)
    .map(Number)
    .sort((a, b) => a - b);
  for (const id of ids) {
    const local = agent.relations[String(id)];
    if (local === undefined) continue;
    const remote = byId.get(id);
    const base = {
      relationId: id,
      endpoint: local.endpoint,
      remoteApp: remote?.remoteApp ?? "",
    };
    const members = Object.keys(local.members).sort(goStringOrder);
    const first = members[0];
    if (first !== undefined) {
      // The leaving unit departs each member, naming itself as the departing unit.
      return { kind: "relation-departed", ...base, remoteUnit: first, departingUnit: self };
    }
    if (remote !== undefined && !remote.peer) return { kind: "relation-broken", ...base };
  }
  if (agent.started) return { kind: "stop" };
  const attached = [...agent.storageAttached].sort(goStringOrder)[0];
  if (attached !== undefined) return { kind: "storage-detaching", storageId: attached };
  return { kind: "remove" };
}

/**
 * The next hook of a unit, or undefined when it has nothing to do (see the module
 * documentation for the order).
 *
 * @example
 * ```ts
 * nextHook(newAgentState(), observed, options, "demo/0"); // { kind: "install" }
 * ```
 */
export function nextHook(
  agent: AgentState,
  observed: Observed,
  options: ResolverOptions,
  self: string,
): HookInfo | undefined {
  const action = observed.actions[0];
  const actionHook: HookInfo | undefined =
    action !== undefined ? { kind: "action", actionId: action } : undefined;
  if (options.inError) return actionHook;
  const dying = observed.life === "dying";
  const unattached = observed.storage.find((s) => !agent.storageAttached.includes(s));
  if (!agent.installed) {
    if (dying) return undefined;
    if (options.storageBeforeInstall && unattached !== undefined) {
      return { kind: "storage-attached", storageId: unattached };
    }
    return { kind: "install" };
  }
  if (!dying) {
    const queued = agent.queue[0];
    if (queued !== undefined) return queued;
    if (agent.configChangedOnce && !agent.started) return { kind: "start" };
    for (const rel of observed.relations) {
      if (rel.life === "alive" && agent.relations[String(rel.id)] === undefined) {
        return {
          kind: "relation-created",
          relationId: rel.id,
          endpoint: rel.endpoint,
          remoteApp: rel.remoteApp,
        };
      }
    }
    if (observed.isLeader && !agent.leader) return { kind: "leader-elected" };
    if (!observed.isLeader && agent.leaderSettingsVersion !== observed.leaderSettingsVersion) {
      return { kind: "leader-settings-changed" };
    }
    const workload = observed.workloadEvents[0];
    if (workload !== undefined) return workload;
    const secret = observed.secretHooks[0];
    if (secret !== undefined) return secret;
  }
  if (actionHook !== undefined) return actionHook;
  if (dying) return dyingHook(agent, observed, self);
  if (unattached !== undefined && (options.storageBeforeInstall || agent.started)) {
    return { kind: "storage-attached", storageId: unattached };
  }
  if (agent.charmRevision !== observed.charmRevision) return { kind: "upgrade-charm" };
  if (agent.configHash !== observed.configHash) return { kind: "config-changed" };
  for (const rel of observed.relations) {
    const local = agent.relations[String(rel.id)];
    if (local === undefined) continue;
    const hook = nextRelationHook(local, rel);
    if (hook !== undefined) return hook;
  }
  if (
    agent.started &&
    options.updateStatusIntervalMs > 0 &&
    options.now - agent.lastUpdateStatus >= options.updateStatusIntervalMs
  ) {
    return { kind: "update-status" };
  }
  return undefined;
}
