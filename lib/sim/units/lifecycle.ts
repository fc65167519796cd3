/**
 * Units' lives: creating units (with storage and, for the first, leadership), their pods
 * (network namespace, workload containers), marking them dying, removing them (electing a new
 * leader), removing applications, and deleting relations no unit knows any more.
 *
 * @example
 * ```ts
 * await addUnits(runtime, "jaas", "demo", 2);
 * await killUnit(runtime, "jaas", "demo/1");
 * ```
 */
import { rmSync } from "node:fs";
import { leaveScopes } from "../model/scope.js";
import type { UnitState } from "../model/types.js";
import { newAgentState } from "../model/types.js";
import { mustApp, mustModel, mustUnit, relationsOfApp, unitsOf } from "../model/view.js";
import { CHARM_SERVICES } from "../network/names.js";
import type { Runtime } from "../runtime.js";

/**
 * A made-up address when networking is off.
 *
 * @example
 * ```ts
 * syntheticAddress(runtime); // "10.1.0.2"
 * ```
 */
export function syntheticAddress(rt: Runtime): string {
  const i = rt.state.nextAddress++;
  return `10.1.${Math.floor(i / 250)}.${(i % 250) + 2}`;
}

/**
 * Creates `count` units of an application (pods or machines), with storage and leader.
 *
 * @example
 * ```ts
 * await addUnits(runtime, "jaas", "demo", 2); // ["demo/1", "demo/2"]
 * ```
 */
export async function addUnits(
  rt: Runtime,
  modelName: string,
  appName: string,
  count: number,
): Promise<string[]> {
  const model = mustModel(rt.state, modelName);
  const app = mustApp(model, appName);
  const meta = rt.meta(modelName, appName);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const number = app.nextUnit++;
    const name = `${appName}/${number}`;
    const now = Date.now();
    const unit: UnitState = {
      name,
      app: appName,
      number,
      life: "alive",
      address: "",
      workloadStatus: { status: "waiting", message: "installing agent", since: now },
      agentStatus: { status: "allocating", message: "", since: now },
      statusHistory: [],
      workloadVersion: "",
      charmState: null,
      openedPorts: [],
      storage: [],
      nextStorage: {},
      workloadEvents: [],
      pendingActions: [],
      podPending: true,
      agent: newAgentState(),
    };
    model.units[name] = unit;
    for (const storage of meta.storages.values()) {
      unit.nextStorage[storage.name] = 1;
      const id = `${storage.name}/0`;
      unit.storage.push({
        id,
        kind: storage.type,
        location: rt.storageLocation(modelName, name, id),
      });
    }
    if (app.leader === null) {
      app.leader = name;
      app.leaderSettingsVersion += 1;
    }
    names.push(name);
  }
  for (const name of names) await startPod(rt, modelName, name);
  return names;
}

/**
 * Gives a unit its pod: network namespace and address, workload containers.
 *
 * @example
 * ```ts
 * await startPod(runtime, "jaas", "demo/0");
 * ```
 */
export async function startPod(rt: Runtime, modelName: string, unitName: string): Promise<void> {
  const model = mustModel(rt.state, modelName);
  const unit = mustUnit(model, unitName);
  const meta = rt.meta(modelName, unit.app);
  if (rt.network !== undefined) {
    const kubernetes = model.type === "kubernetes";
    const services = kubernetes ? CHARM_SERVICES[meta.name] : undefined;
    const net = await rt.network.addUnit({
      model: modelName,
      app: unit.app,
      unit: unit.number,
      kind: kubernetes ? "kubernetes" : "machine",
      ...(services !== undefined ? { services } : {}),
    });
    unit.address = net.address;
  } else if (unit.address === "") {
    unit.address = syntheticAddress(rt);
  }
  if (rt.workloads !== undefined && meta.containers.size > 0) {
    const app = mustApp(model, unit.app);
    const namespace = rt.namespace(modelName, unitName);
    await rt.workloads.startUnit(
      { model: modelName, unit: unitName, ...(namespace !== undefined ? { namespace } : {}) },
      [...meta.containers.values()].map((c) => ({
        name: c.name,
        ...(c.resource !== undefined && app.resources[c.resource] !== undefined
          ? { image: app.resources[c.resource] }
          : {}),
        mounts: c.mounts.flatMap((m) => {
          const storage = unit.storage.find((s) => s.id.split("/")[0] === m.storage);
          return storage === undefined ? [] : [{ source: storage.location, location: m.location }];
        }),
      })),
    );
    rt.withContainers.add(`${modelName}:${unitName}`);
  }
  unit.podPending = false;
}

/**
 * Tears a unit's pod down and brings a new one up (new address, fresh containers).
 *
 * @example
 * ```ts
 * await replacePod(runtime, "jaas", "demo/0");
 * ```
 */
export async function replacePod(rt: Runtime, modelName: string, unitName: string): Promise<void> {
  const unit = mustUnit(mustModel(rt.state, modelName), unitName);
  unit.podPending = true;
  await stopPod(rt, modelName, unitName);
  // Without networking there is no real pod: the unit keeps its made-up address.
  await startPod(rt, modelName, unitName);
}

/**
 * Takes a unit's pod down: its workload containers, then its network namespace.
 *
 * @example
 * ```ts
 * await stopPod(runtime, "jaas", "demo/0");
 * ```
 */
export async function stopPod(rt: Runtime, modelName: string, unitName: string): Promise<void> {
  rt.withContainers.delete(`${modelName}:${unitName}`);
  await rt.workloads?.stopUnit({ model: modelName, unit: unitName });
  await rt.network?.removeUnit({ model: modelName, unit: unitName });
}

/**
 * Marks a unit dying: it leaves every scope and tears down (or goes at once if never installed).
 *
 * @example
 * ```ts
 * await killUnit(runtime, "jaas", "demo/2");
 * ```
 */
export async function killUnit(rt: Runtime, modelName: string, unitName: string): Promise<void> {
  const unit = mustUnit(mustModel(rt.state, modelName), unitName);
  if (unit.life === "dying") return;
  unit.life = "dying";
  unit.workloadEvents = [];
  unit.agent.queue = [];
  delete unit.replacePod;
  leaveScopes(rt.state, modelName, unitName);
  rt.scheduler.kick();
}

/**
 * Removes dying units that never installed (they have nothing to tear down).
 *
 * @example
 * ```ts
 * reap(runtime);
 * ```
 */
export function reap(rt: Runtime): void {
  const busy = new Set(rt.scheduler.busy());
  for (const model of Object.values(rt.state.models)) {
    for (const unit of Object.values(model.units)) {
      if (
        unit.life === "dying" &&
        !unit.agent.installed &&
        !busy.has(`${model.name}:${unit.name}`)
      ) {
        void removeUnitNow(rt, model.name, unit.name).then(() => rt.scheduler.kick());
      }
    }
  }
}

/**
 * Deletes a unit: its pod, directories, pending actions; elects a new leader if needed.
 *
 * @example
 * ```ts
 * await removeUnitNow(runtime, "jaas", "demo/2");
 * ```
 */
export async function removeUnitNow(
  rt: Runtime,
  modelName: string,
  unitName: string,
): Promise<void> {
  const model = rt.state.models[modelName];
  const unit = model?.units[unitName];
  if (model === undefined || unit === undefined) return;
  delete model.units[unitName];
  for (const id of unit.pendingActions) {
    const action = model.actions[id];
    if (action !== undefined && action.status === "pending") {
      action.status = "aborted";
      action.message = `unit ${JSON.stringify(unitName)} was removed`;
      rt.notifyAction(action);
    }
  }
  const app = model.applications[unit.app];
  if (app !== undefined && app.leader === unitName) {
    const next = unitsOf(model, app.name).find((u) => u.life === "alive");
    app.leader = next?.name ?? null;
    app.leaderSettingsVersion += 1;
  }
  await stopPod(rt, modelName, unitName);
  rmSync(rt.unitDir(modelName, unitName), { recursive: true, force: true });
  cleanupRelations(rt);
  if (app !== undefined && app.life === "dying" && unitsOf(model, app.name).length === 0) {
    removeApplicationNow(rt, modelName, app.name);
  }
  rt.save();
  rt.scheduler.kick();
}

/**
 * Deletes an application with no units left, and its offers.
 *
 * @example
 * ```ts
 * removeApplicationNow(runtime, "jaas", "demo");
 * ```
 */
export function removeApplicationNow(rt: Runtime, modelName: string, appName: string): void {
  const model = mustModel(rt.state, modelName);
  for (const rel of relationsOfApp(rt.state, modelName, appName)) rel.life = "dying";
  delete model.applications[appName];
  for (const [name, offer] of Object.entries(model.offers)) {
    if (offer.app === appName) delete model.offers[name];
  }
  cleanupRelations(rt);
}

/**
 * Deletes dying relations no unit still knows, and the secret grants tied to them.
 *
 * @example
 * ```ts
 * cleanupRelations(runtime);
 * ```
 */
export function cleanupRelations(rt: Runtime): void {
  const known = new Set<number>();
  for (const model of Object.values(rt.state.models)) {
    for (const unit of Object.values(model.units)) {
      for (const id of Object.keys(unit.agent.relations)) known.add(Number(id));
    }
  }
  const gone = new Set<number>();
  rt.state.relations = rt.state.relations.filter((rel) => {
    const live = rel.sides.every(
      (s) => rt.state.models[s.model]?.applications[s.app] !== undefined,
    );
    if ((rel.life === "dying" || !live) && !known.has(rel.id)) {
      gone.add(rel.id);
      return false;
    }
    return true;
  });
  if (gone.size === 0) return;
  for (const model of Object.values(rt.state.models)) {
    for (const secret of Object.values(model.secrets)) {
      secret.grants = secret.grants.filter((g) => !gone.has(g.relationId));
    }
  }
}
