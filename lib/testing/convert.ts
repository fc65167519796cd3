/**
 * Converts between the test `State` and the hook-tool context data (`HookContextData`) that the
 * emulated hook tools work on, in both directions.
 */
import type { HookContextData, RelationData, SecretData } from "../jujuc/context.js";
import { emptyImmediate } from "../jujuc/context.js";
import type { CharmMeta } from "../ops/metadata.js";
import { NOTICES_KEY, type Notice } from "../ops/framework/framework.js";
import { canonicalSecretId } from "../ops/model/secret.js";
import type { TestEvent } from "./events.js";
import { type AnyRelation, type SecretState, type State, secretUniqueId } from "./state.js";

/** Who the unit under test is. */
export interface UnitIdentity {
  appName: string;
  unitId: number;
  jujuVersion: string;
}

const STORED = /\/StoredStateData\[[^\]]+\]$/;

function toRelationData(
  r: AnyRelation,
  meta: CharmMeta,
  s: State,
  id: UnitIdentity,
  event: TestEvent,
): RelationData {
  const remoteApp = r.kind === "peer" ? id.appName : r.remoteAppName;
  const units = r.kind === "peer" ? r.peersData : r.remoteUnitsData;
  const remoteUnits: Record<string, Record<string, string>> = {};
  for (const [n, bag] of Object.entries(units)) remoteUnits[`${remoteApp}/${n}`] = { ...bag };
  const departedUnits: Record<string, Record<string, string>> = {};
  const isEventRelation = event.relation?.id === r.id;
  if (isEventRelation && event.dispatchPath.endsWith("-relation-departed") && event.departingUnit) {
    const bag = remoteUnits[event.departingUnit];
    if (bag) {
      departedUnits[event.departingUnit] = bag;
      delete remoteUnits[event.departingUnit];
    }
  }
  return {
    id: r.id,
    endpoint: r.endpoint,
    interface: r.interface ?? meta.relations.get(r.endpoint)?.interface ?? "",
    peer: r.kind === "peer",
    remoteApp,
    remoteModelUuid: (r.kind === "regular" && r.remoteModelUuid) || s.model.uuid,
    localUnitData: { ...r.localUnitData },
    localAppData: { ...r.localAppData },
    remoteAppData: r.kind === "regular" ? { ...r.remoteAppData } : {},
    remoteUnits,
    departedUnits,
    broken: isEventRelation && event.dispatchPath.endsWith("-relation-broken"),
  };
}

function toSecretData(sec: SecretState, s: State, id: UnitIdentity): SecretData {
  const unitName = `${id.appName}/${id.unitId}`;
  const same = JSON.stringify(sec.trackedContent) === JSON.stringify(sec.latestContent);
  const revisions: Record<string, Record<string, string>> = { "1": { ...sec.trackedContent } };
  if (!same) revisions["2"] = { ...sec.latestContent };
  const latestRevision = same ? 1 : 2;
  const grants: SecretData["grants"] = [];
  if (sec.owner) {
    for (const [rel, targets] of Object.entries(sec.remoteGrants)) {
      for (const t of targets) grants.push({ relationId: Number(rel), target: t, role: "view" });
    }
  } else {
    const via = s.relations.find((r) => r.kind === "regular")?.id ?? 0;
    grants.push({ relationId: via, target: id.appName, role: "view" });
  }
  return {
    id: `secret:${secretUniqueId(sec.id)}`,
    modelUuid: s.model.uuid,
    owner:
      sec.owner === "app"
        ? { kind: "application", app: id.appName }
        : sec.owner === "unit"
          ? { kind: "unit", unit: unitName }
          : { kind: "application", app: "remote" },
    ...(sec.owner && sec.label !== undefined ? { label: sec.label } : {}),
    ...(sec.description !== undefined ? { description: sec.description } : {}),
    ...(sec.expire !== undefined ? { expire: sec.expire } : {}),
    ...(sec.rotate !== undefined ? { rotate: sec.rotate } : {}),
    revisions,
    latestRevision,
    grants,
    consumers: sec.owner
      ? {}
      : {
          [unitName]: {
            trackedRevision: 1,
            ...(sec.label !== undefined ? { label: sec.label } : {}),
          },
        },
  };
}

function charmStateOf(s: State): Record<string, string> | null {
  const out: Record<string, string> = { ...s.charmState };
  if (s.deferred.length) out[NOTICES_KEY] = JSON.stringify(s.deferred);
  for (const [k, v] of Object.entries(s.storedStates)) out[k] = JSON.stringify(v);
  return Object.keys(out).length ? out : null;
}

/** Builds the hook context of `event` from a State. */
export function toHookContext(
  s: State,
  event: TestEvent,
  meta: CharmMeta,
  id: UnitIdentity,
): HookContextData {
  const unitName = `${id.appName}/${id.unitId}`;
  const goalUnits: HookContextData["goalUnits"] = {};
  for (let i = 0; i < s.plannedUnits; i++) goalUnits[`${id.appName}/${i}`] = "active";
  const config: HookContextData["config"] = {};
  for (const opt of meta.config.values())
    if (opt.default !== undefined) config[opt.name] = opt.default;
  Object.assign(config, s.config);
  return {
    unitName,
    appName: id.appName,
    modelName: s.model.name,
    modelUuid: s.model.uuid,
    modelType: s.model.type,
    jujuVersion: id.jujuVersion,
    leader: s.leader,
    config,
    relations: s.relations.map((r) => toRelationData(r, meta, s, id, event)),
    ...(event.relation ? { currentRelationId: event.relation.id } : {}),
    ...(event.remoteUnit ? { remoteUnit: event.remoteUnit } : {}),
    ...(event.relation
      ? { remoteApp: event.relation.kind === "peer" ? id.appName : event.relation.remoteAppName }
      : {}),
    secrets: s.secrets.map((x) => toSecretData(x, s, id)),
    charmState: charmStateOf(s),
    unitStatus: { ...s.unitStatus },
    appStatus: { ...s.appStatus },
    workloadVersion: s.workloadVersion,
    openedPorts: s.openedPorts.map((p) => ({ ...p })),
    networks: Object.fromEntries(
      [...meta.relations.keys(), ...meta.extraBindings].map((b) => {
        const n = s.networks.find((x) => x.binding === b);
        const addr = n?.bindAddress ?? "192.0.2.0";
        return [
          b,
          {
            bindAddresses: [
              {
                macAddress: "",
                interfaceName: "eth0",
                addresses: [{ hostname: "", value: addr, cidr: n?.cidr ?? "192.0.2.0/24" }],
              },
            ],
            egressSubnets: [...(n?.egressSubnets ?? ["192.0.2.0/24"])],
            ingressAddresses: [...(n?.ingressAddresses ?? [addr])],
          },
        ];
      }),
    ),
    storages: s.storages.map((x) => ({
      id: `${x.name}/${x.index}`,
      kind: x.kind,
      location: x.location,
    })),
    ...(event.storage ? { currentStorageId: `${event.storage.name}/${event.storage.index}` } : {}),
    resources: { ...s.resources },
    goalUnits,
    ...(event.action
      ? {
          action: {
            name: event.action.name,
            id: event.action.id,
            params: { ...event.action.params },
          },
        }
      : {}),
    trusted: s.trusted,
    removedSecretRevisions: [],
    storageAdd: {},
    immediate: emptyImmediate(),
  };
}

function toSecretState(d: SecretData, unitName: string, appName: string): SecretState {
  const owned =
    (d.owner.kind === "application" && d.owner.app === appName) ||
    (d.owner.kind === "unit" && d.owner.unit === unitName);
  const latest = d.revisions[String(d.latestRevision)] ?? {};
  const trackedRev = d.consumers[unitName]?.trackedRevision ?? d.latestRevision;
  const remoteGrants: Record<number, string[]> = {};
  for (const g of d.grants) (remoteGrants[g.relationId] ??= []).push(g.target);
  const label = owned ? d.label : d.consumers[unitName]?.label;
  return {
    // As the charm sees it: `ops` and lib/ops publish this long form.
    id: canonicalSecretId(d.id, d.modelUuid),
    ...(owned ? { owner: d.owner.kind === "unit" ? ("unit" as const) : ("app" as const) } : {}),
    trackedContent: { ...(d.revisions[String(trackedRev)] ?? latest) },
    latestContent: { ...latest },
    ...(label !== undefined ? { label } : {}),
    ...(d.description !== undefined ? { description: d.description } : {}),
    ...(d.expire !== undefined ? { expire: d.expire } : {}),
    ...(d.rotate !== undefined ? { rotate: d.rotate } : {}),
    remoteGrants: owned ? remoteGrants : {},
  };
}

/** Builds the State after a successful hook from its context. */
export function fromHookContext(before: State, ctx: HookContextData): Omit<State, "containers"> {
  const byId = new Map(ctx.relations.map((r) => [r.id, r]));
  const relations = before.relations.map((r): AnyRelation => {
    const d = byId.get(r.id);
    if (!d) return r;
    return { ...r, localAppData: { ...d.localAppData }, localUnitData: { ...d.localUnitData } };
  });
  const charmState = { ...(ctx.charmState ?? {}) };
  let deferred: Notice[] = [];
  const raw = charmState[NOTICES_KEY];
  if (raw !== undefined) {
    deferred = JSON.parse(raw) as Notice[];
    delete charmState[NOTICES_KEY];
  }
  const storedStates: Record<string, Record<string, unknown>> = {};
  for (const [k, v] of Object.entries(charmState)) {
    if (STORED.test(k)) {
      storedStates[k] = JSON.parse(v) as Record<string, unknown>;
      delete charmState[k];
    }
  }
  return {
    ...before,
    leader: ctx.leader,
    relations,
    secrets: ctx.secrets.map((d) => toSecretState(d, ctx.unitName, ctx.appName)),
    openedPorts: ctx.openedPorts.map((p) => ({ ...p })),
    unitStatus: { ...ctx.unitStatus },
    appStatus: { ...ctx.appStatus },
    workloadVersion: ctx.workloadVersion,
    deferred,
    storedStates,
    charmState,
  };
}
