/**
 * Builds the {@link HookContextData} of one hook from the controller's state: everything the
 * unit may see while the hook runs (config, the relations its agent knows with their bags and
 * members, the secrets it owns or was granted, charm state, statuses, ports, storage, network,
 * the action). The hook tools work on this copy; `commit.ts` applies what changed.
 *
 * Names are the unit's view: across models the remote application is `remote-<token>` on the
 * offering side and the SAAS name on the consuming side.
 *
 * @example
 * ```ts
 * const ctx = buildHookContext(state, run, { meta, jujuVersion: "3.6.8", networkFor, resourcePath });
 * ```
 */
import type {
  HookContextData,
  NetworkData,
  RelationData,
  SecretData,
  StatusData,
} from "../../jujuc/context.js";
import { emptyImmediate } from "../../jujuc/context.js";
import type { CharmMeta } from "../../ops/metadata.js";
import { secretUri, visibleSecrets } from "../model/secret-access.js";
import type { ControllerState, RelationState, SecretState, UnitState } from "../model/types.js";
import { unitKey } from "../model/types.js";
import {
  mustApp,
  mustModel,
  mustUnit,
  otherSide,
  relationById,
  sideIndex,
  unitsOf,
  viewAppName,
  viewUnitName,
} from "../model/view.js";
import type { HookRun } from "../uniter/done.js";
import { effectiveConfig } from "../validate/config.js";

/** What the context builder needs besides the state. */
export interface ContextDeps {
  meta: CharmMeta;
  jujuVersion: string;
  /** `network-get`'s answer for a unit (the same for each of its bindings). */
  networkFor: (model: string, unit: UnitState) => NetworkData;
  /** The path `resource-get` prints for a resource of the application. */
  resourcePath: (model: string, app: string, name: string) => string;
}

function status(s: StatusData): StatusData {
  return { status: s.status, message: s.message };
}

/** One relation as the unit sees it. */
function relationData(
  state: ControllerState,
  rel: RelationState,
  run: HookRun,
  unit: UnitState,
): RelationData | undefined {
  const mine = sideIndex(rel, run.model, unit.app);
  const other = otherSide(rel, mine);
  const side = rel.sides[mine];
  const remote = rel.sides[other];
  if (side === undefined || remote === undefined) return undefined;
  const info = run.info;
  const isHookRelation = "relationId" in info && info.relationId === rel.id;
  const members = new Set(Object.keys(unit.agent.relations[String(rel.id)]?.members ?? {}));
  if (isHookRelation && info.kind === "relation-joined" && info.remoteUnit !== undefined) {
    members.add(info.remoteUnit);
  }
  const departing =
    isHookRelation && info.kind === "relation-departed" ? info.remoteUnit : undefined;
  if (departing !== undefined) members.delete(departing);
  const remoteUnits: Record<string, Record<string, string>> = {};
  const departedUnits: Record<string, Record<string, string>> = {};
  for (const [name, entry] of Object.entries(remote.units)) {
    if (rel.peer && name === unit.name) continue;
    const seen = viewUnitName(rel, mine, other, name);
    if (members.has(seen)) remoteUnits[seen] = { ...entry.bag };
    else if (!entry.inScope || seen === departing) departedUnits[seen] = { ...entry.bag };
  }
  const remoteModel = mustModel(state, remote.model);
  const cmr = rel.crossModel;
  return {
    id: rel.id,
    endpoint: side.endpoint,
    interface: rel.interface,
    peer: rel.peer,
    remoteApp: viewAppName(rel, mine, other),
    remoteModelUuid: remoteModel.uuid,
    localUnitData: { ...(side.units[unit.name]?.bag ?? {}) },
    localAppData: { ...side.appBag },
    remoteAppData: rel.peer ? {} : { ...remote.appBag },
    remoteUnits,
    departedUnits,
    broken: isHookRelation && info.kind === "relation-broken",
    remoteEndpoint: remote.endpoint,
    ...(cmr !== undefined
      ? { crossModelRole: cmr.offerSide === mine ? ("offerer" as const) : ("consumer" as const) }
      : {}),
  };
}

/** The SAAS name under which the consuming application sees the owner of a granted secret. */
function saasNameFor(
  state: ControllerState,
  secret: SecretState,
  viewerModel: string,
  viewerApp: string,
): string | undefined {
  for (const grant of secret.grants) {
    const rel = relationById(state, grant.relationId);
    if (rel?.crossModel !== undefined && sideIndex(rel, viewerModel, viewerApp) >= 0) {
      return rel.crossModel.saasName;
    }
  }
  return undefined;
}

/** A secret as the viewing unit sees it (names translated across models). */
function secretData(
  state: ControllerState,
  secretModelName: string,
  secret: SecretState,
  viewerModel: string,
  unit: UnitState,
  role: "manager" | "owner" | "consumer",
): SecretData {
  const secretModel = mustModel(state, secretModelName);
  const sameModel = secretModelName === viewerModel;
  let owner: SecretData["owner"];
  if (secret.owner.kind === "model" || sameModel) owner = secret.owner;
  else {
    // Seen from the consuming model, the owner is the offer under its SAAS name.
    const saas = saasNameFor(state, secret, viewerModel, unit.app) ?? "remote-owner";
    owner =
      secret.owner.kind === "unit"
        ? {
            kind: "unit",
            unit: `${saas}/${secret.owner.unit.slice(secret.owner.unit.indexOf("/") + 1)}`,
          }
        : { kind: "application", app: saas };
  }
  const consumer = secret.consumers[unitKey(viewerModel, unit.name)];
  const grants =
    role === "consumer"
      ? [{ relationId: -1, target: unit.app, role: "view" as const }]
      : secret.grants.map((g) => ({ ...g }));
  return {
    id: secretUri(secretModel, secret, viewerModel),
    modelUuid: secretModel.uuid,
    owner,
    ...(role !== "consumer" && secret.label !== undefined ? { label: secret.label } : {}),
    ...(secret.description !== undefined ? { description: secret.description } : {}),
    ...(secret.expire !== undefined ? { expire: secret.expire } : {}),
    ...(secret.rotate !== undefined ? { rotate: secret.rotate } : {}),
    // Juju's NextRotateTime, which only the owner's metadata carries.
    ...(role !== "consumer" && secret.rotateAt !== undefined
      ? { nextRotate: new Date(secret.rotateAt).toISOString() }
      : {}),
    revisions: structuredClone(secret.revisions),
    latestRevision: secret.latestRevision,
    grants,
    consumers: consumer !== undefined ? { [unit.name]: { ...consumer } } : {},
  };
}

/**
 * The hook context of `run`.
 *
 * @example
 * ```ts
 * const ctx = buildHookContext(state, run, deps);
 * ctx.relations.map((r) => r.id); // the relations the agent knows
 * ```
 */
export function buildHookContext(
  state: ControllerState,
  run: HookRun,
  deps: ContextDeps,
): HookContextData {
  const model = mustModel(state, run.model);
  const unit = mustUnit(model, run.unit);
  const app = mustApp(model, unit.app);
  const meta = deps.meta;
  const info = run.info;

  const relationIds = new Set(Object.keys(unit.agent.relations).map(Number));
  if ("relationId" in info) relationIds.add(info.relationId);
  const relations: RelationData[] = [];
  for (const id of [...relationIds].sort((a, b) => a - b)) {
    const rel = relationById(state, id);
    if (rel === undefined) continue;
    const data = relationData(state, rel, run, unit);
    if (data !== undefined) relations.push(data);
  }

  const config = effectiveConfig(meta, app.config);
  const unset = [...meta.config.values()]
    .filter((o) => config[o.name] === undefined)
    .map((o) => o.name);
  const goalUnits: HookContextData["goalUnits"] = {};
  const appUnitStatuses: Record<string, StatusData> = {};
  for (const u of unitsOf(model, app.name)) {
    goalUnits[u.name] = u.life === "dying" ? "dying" : u.agent.installed ? "active" : "waiting";
    if (u.name !== unit.name) appUnitStatuses[u.name] = status(u.workloadStatus);
  }
  const network = deps.networkFor(model.name, unit);
  const networks: Record<string, NetworkData> = {};
  for (const binding of [...meta.relations.keys(), ...meta.extraBindings, "juju-info"]) {
    networks[binding] = structuredClone(network);
  }
  const resources: Record<string, string> = {};
  for (const name of Object.keys(app.resources)) {
    resources[name] = deps.resourcePath(model.name, app.name, name);
  }
  const secrets = visibleSecrets(state, model.name, unit).map(({ model: m, secret, role }) =>
    secretData(state, m.name, secret, model.name, unit, role),
  );
  const action = info.kind === "action" ? model.actions[info.actionId] : undefined;

  const ctx: HookContextData = {
    unitName: unit.name,
    appName: app.name,
    modelName: model.name,
    modelUuid: model.uuid,
    modelType: model.type,
    jujuVersion: deps.jujuVersion,
    leader: app.leader === unit.name,
    config,
    ...(unset.length > 0 ? { configUnsetOptions: unset } : {}),
    relations,
    secrets,
    charmState: unit.charmState === null ? null : { ...unit.charmState },
    unitStatus: status(unit.workloadStatus),
    appStatus: status(app.status),
    appUnitStatuses,
    leaderSettings: { ...app.leaderSettings },
    workloadVersion: unit.workloadVersion,
    openedPorts: structuredClone(unit.openedPorts),
    networks,
    storages: structuredClone(unit.storage),
    resources,
    goalUnits,
    trusted: app.trust,
    ...(model.cloudSpec !== undefined ? { cloudSpec: structuredClone(model.cloudSpec) } : {}),
    removedSecretRevisions: [],
    storageAdd: {},
    immediate: emptyImmediate(),
  };
  if ("relationId" in info) {
    const rel = relations.find((r) => r.id === info.relationId);
    ctx.currentRelationId = info.relationId;
    if (info.remoteUnit) ctx.remoteUnit = info.remoteUnit;
    ctx.remoteApp = rel?.remoteApp ?? info.remoteApp;
  }
  if (info.kind === "storage-attached" || info.kind === "storage-detaching") {
    ctx.currentStorageId = info.storageId;
  }
  if (action !== undefined) {
    ctx.action = { name: action.name, id: action.id, params: structuredClone(action.params) };
  }
  return ctx;
}
