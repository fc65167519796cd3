/**
 * A unit as `juju show-unit --format=json` prints it: its charm, leadership, life, address,
 * opened ports and, per relation, the related application's data, its own bag and the related
 * units' bags with whether each is in scope.
 *
 * @example
 * ```ts
 * showUnit(state, "jaas", "jimm/0")["jimm/0"]?.["relation-info"][0]?.["application-data"];
 * ```
 */
import type { Databag } from "../jujuc/context.js";
import { portRangeString } from "../jujuc/tools/ports.js";
import type { ControllerState } from "./model/types.js";
import {
  goStringOrder,
  mustApp,
  mustModel,
  mustUnit,
  otherSide,
  relationsOfApp,
  sideIndex,
  unitsOf,
  viewUnitName,
} from "./model/view.js";

/** One relation of `show-unit`. */
export interface RelationInfoOutput {
  "relation-id": number;
  endpoint: string;
  "cross-model"?: boolean;
  "related-endpoint": string;
  "application-data": Databag;
  "local-unit": { "in-scope": boolean; data: Databag };
  "related-units"?: Record<string, { "in-scope": boolean; data: Databag }>;
}

/** `juju show-unit --format=json`. */
export type ShowUnitOutput = Record<
  string,
  {
    "opened-ports": string[];
    charm: string;
    leader: boolean;
    life: string;
    "relation-info": RelationInfoOutput[];
    "provider-id"?: string;
    address?: string;
    "workload-version"?: string;
  }
>;

/**
 * The `show-unit` output of one unit.
 *
 * @example
 * ```ts
 * showUnit(state, "jaas", "jimm/0")["jimm/0"]?.leader; // true
 * ```
 */
export function showUnit(
  state: ControllerState,
  modelName: string,
  unitName: string,
): ShowUnitOutput {
  const model = mustModel(state, modelName);
  const unit = mustUnit(model, unitName);
  const app = mustApp(model, unit.app);
  const relationInfo: RelationInfoOutput[] = [];
  for (const rel of relationsOfApp(state, modelName, unit.app)) {
    const mine = sideIndex(rel, modelName, unit.app);
    const other = otherSide(rel, mine);
    const side = rel.sides[mine];
    const remote = rel.sides[other];
    if (side === undefined || remote === undefined) continue;
    const own = side.units[unitName];
    const related: Record<string, { "in-scope": boolean; data: Databag }> = {};
    // Juju's UnitsInfo: the related application's existing units (across models, the remote
    // units the relation knows), with data only for those in scope.
    const names =
      rel.crossModel !== undefined
        ? Object.keys(remote.units)
        : unitsOf(model, remote.app).map((u) => u.name);
    for (const name of names.sort(goStringOrder)) {
      if (rel.peer && name === unitName) continue;
      const entry = remote.units[name];
      const inScope = entry?.inScope ?? false;
      related[viewUnitName(rel, mine, other, name)] = {
        "in-scope": inScope,
        data: inScope ? { ...entry?.bag } : {},
      };
    }
    relationInfo.push({
      "relation-id": rel.id,
      endpoint: side.endpoint,
      ...(rel.crossModel !== undefined ? { "cross-model": true } : {}),
      "related-endpoint": remote.endpoint,
      "application-data": { ...remote.appBag },
      "local-unit": { "in-scope": own?.inScope ?? false, data: { ...(own?.bag ?? {}) } },
      ...(Object.keys(related).length > 0 ? { "related-units": related } : {}),
    });
  }
  return {
    [unitName]: {
      "opened-ports": unit.openedPorts.map((p) =>
        portRangeString({ from: p.port ?? -1, to: p.toPort ?? p.port ?? -1, protocol: p.protocol }),
      ),
      charm: `local:${app.charmName}-${app.charmRevision}`,
      leader: app.leader === unitName,
      life: unit.life,
      "relation-info": relationInfo,
      ...(model.type === "kubernetes" ? { "provider-id": unitName.replace("/", "-") } : {}),
      ...(unit.address !== "" ? { address: unit.address } : {}),
      ...(unit.workloadVersion !== "" ? { "workload-version": unit.workloadVersion } : {}),
    },
  };
}
