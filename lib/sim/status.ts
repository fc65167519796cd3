/**
 * A model's status in the shape `juju status --format=json` prints (Juju 3.x): the model,
 * applications with their units, relations and derived status, consumed offers
 * (`application-endpoints`) and offers. A unit whose hook failed shows `error` with
 * `hook failed: "<hook>"` in both its workload and agent status, as Juju shows it.
 *
 * @example
 * ```ts
 * const s = modelStatus(state, "jaas", { controller: "sim", jujuVersion: "3.6.8", meta });
 * s.applications["demo"]?.["application-status"].current; // "active"
 * ```
 */
import type { PortData } from "../jujuc/context.js";
import { portRangeString } from "../jujuc/tools/ports.js";
import type { CharmMeta, EndpointRole } from "../ops/metadata.js";
import type { ApplicationState, ControllerState, ModelState, UnitState } from "./model/types.js";
import { hookName } from "./model/types.js";
import {
  mustModel,
  otherSide,
  relationsOfApp,
  sideIndex,
  unitsOf,
  viewAppName,
} from "./model/view.js";

/** A status entry. */
export interface StatusEntry {
  current: string;
  message?: string;
  since: string;
  version?: string;
}

/** A unit in `juju status`. */
export interface UnitStatusOutput {
  "workload-status": StatusEntry;
  "juju-status": StatusEntry;
  leader?: boolean;
  address?: string;
  "open-ports"?: string[];
  "provider-id"?: string;
  machine?: string;
}

/** An application in `juju status`. */
export interface ApplicationStatusOutput {
  charm: string;
  "charm-origin": "local";
  "charm-name": string;
  "charm-rev": number;
  exposed: boolean;
  life?: string;
  scale?: number;
  "application-status": StatusEntry;
  relations?: Record<string, { "related-application": string; interface: string; scope: string }[]>;
  units?: Record<string, UnitStatusOutput>;
  version?: string;
  "endpoint-bindings": Record<string, string>;
}

/** `juju status --format=json`. */
export interface StatusOutput {
  model: {
    name: string;
    type: "caas" | "iaas";
    controller: string;
    cloud: string;
    region: string;
    version: string;
    "model-status": StatusEntry;
    sla: string;
  };
  machines: Record<string, never>;
  applications: Record<string, ApplicationStatusOutput>;
  "application-endpoints"?: Record<
    string,
    {
      url: string;
      endpoints: Record<string, { interface: string; role: string }>;
      "application-status": StatusEntry;
      relations?: Record<string, string[]>;
    }
  >;
  offers?: Record<
    string,
    {
      application: string;
      charm: string;
      "total-connected-count": number;
      "active-connected-count": number;
      endpoints: Record<string, { interface: string; role: string }>;
    }
  >;
  controller: { timestamp: string };
}

/** What {@link modelStatus} needs besides the state. */
export interface StatusDeps {
  controller: string;
  jujuVersion: string;
  meta: (model: string, app: string) => CharmMeta;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * A time as Juju's status prints it: `26 Nov 2026 21:45:03Z`.
 *
 * @example
 * ```ts
 * formatSince(Date.UTC(2026, 10, 26, 21, 45, 3)); // "26 Nov 2026 21:45:03Z"
 * ```
 */
export function formatSince(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()] ?? ""} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}Z`;
}

/** Juju's status severities: the application shows its worst unit (`status.DeriveStatus`). */
const SEVERITY: Record<string, number> = {
  error: 100,
  blocked: 90,
  maintenance: 80,
  waiting: 70,
  active: 60,
  terminated: 50,
  unknown: 40,
};

/**
 * Juju's role names in status output.
 *
 * @example
 * ```ts
 * roleName("provides"); // "provider"
 * ```
 */
export function roleName(role: EndpointRole): string {
  return role === "provides" ? "provider" : role === "requires" ? "requirer" : "peer";
}

function portStrings(ports: readonly PortData[]): string[] {
  return ports.map((p) =>
    portRangeString({
      from: p.port ?? -1,
      to: p.toPort ?? p.port ?? -1,
      protocol: p.protocol,
    }),
  );
}

function unitStatus(
  model: ModelState,
  app: ApplicationState,
  unit: UnitState,
  version: string,
): UnitStatusOutput {
  const error =
    unit.error !== undefined
      ? `hook failed: ${JSON.stringify(hookName(unit.error.hook))}`
      : undefined;
  const workload: StatusEntry =
    error !== undefined
      ? { current: "error", message: error, since: formatSince(unit.error?.since ?? Date.now()) }
      : {
          current: unit.workloadStatus.status,
          ...(unit.workloadStatus.message !== "" ? { message: unit.workloadStatus.message } : {}),
          since: formatSince(unit.workloadStatus.since),
        };
  const agent = unit.agentStatus;
  const juju: StatusEntry = {
    current: agent.status,
    ...(agent.message !== "" ? { message: agent.message } : {}),
    since: formatSince(agent.since),
    version,
  };
  const ports = portStrings(unit.openedPorts);
  return {
    "workload-status": workload,
    "juju-status": juju,
    ...(app.leader === unit.name ? { leader: true } : {}),
    ...(unit.address !== "" ? { address: unit.address } : {}),
    ...(ports.length > 0 ? { "open-ports": ports } : {}),
    ...(model.type === "kubernetes"
      ? { "provider-id": unit.name.replace("/", "-") }
      : { machine: String(unit.number) }),
  };
}

function applicationStatus(
  state: ControllerState,
  model: ModelState,
  app: ApplicationState,
  deps: StatusDeps,
): ApplicationStatusOutput {
  const units: Record<string, UnitStatusOutput> = {};
  let worst: StatusEntry | undefined;
  for (const unit of unitsOf(model, app.name)) {
    const s = unitStatus(model, app, unit, deps.jujuVersion);
    units[unit.name] = s;
    const w = s["workload-status"];
    if (worst === undefined || (SEVERITY[w.current] ?? 0) > (SEVERITY[worst.current] ?? 0))
      worst = w;
  }
  const set = app.status.status !== "unknown";
  const appStatus: StatusEntry = set
    ? {
        current: app.status.status,
        ...(app.status.message !== "" ? { message: app.status.message } : {}),
        since: formatSince(app.status.since),
      }
    : (worst ?? { current: "unknown", since: formatSince(app.status.since) });
  const relations: ApplicationStatusOutput["relations"] = {};
  for (const rel of relationsOfApp(state, model.name, app.name)) {
    const mine = sideIndex(rel, model.name, app.name);
    const side = rel.sides[mine];
    if (side === undefined) continue;
    (relations[side.endpoint] ??= []).push({
      "related-application": viewAppName(rel, mine, otherSide(rel, mine)),
      interface: rel.interface,
      scope: "global",
    });
  }
  const meta = deps.meta(model.name, app.name);
  const bindings: Record<string, string> = { "": "alpha" };
  for (const ep of meta.relations.keys()) bindings[ep] = "alpha";
  const leader = app.leader !== null ? model.units[app.leader] : undefined;
  const version = leader?.workloadVersion ?? "";
  return {
    charm: `local:${app.charmName}-${app.charmRevision}`,
    "charm-origin": "local",
    "charm-name": app.charmName,
    "charm-rev": app.charmRevision,
    exposed: false,
    ...(app.life !== "alive" ? { life: app.life } : {}),
    ...(model.type === "kubernetes" ? { scale: app.scale } : {}),
    "application-status": appStatus,
    ...(Object.keys(relations).length > 0 ? { relations } : {}),
    ...(Object.keys(units).length > 0 ? { units } : {}),
    ...(version !== "" ? { version } : {}),
    "endpoint-bindings": bindings,
  };
}

/**
 * The status of a model (see the module documentation).
 *
 * @example
 * ```ts
 * modelStatus(state, "jaas", deps).model.type; // "caas"
 * ```
 */
export function modelStatus(
  state: ControllerState,
  modelName: string,
  deps: StatusDeps,
): StatusOutput {
  const model = mustModel(state, modelName);
  const now = Date.now();
  const applications: Record<string, ApplicationStatusOutput> = {};
  for (const name of Object.keys(model.applications).sort()) {
    const app = model.applications[name];
    if (app !== undefined) applications[name] = applicationStatus(state, model, app, deps);
  }
  const out: StatusOutput = {
    model: {
      name: model.name,
      type: model.type === "kubernetes" ? "caas" : "iaas",
      controller: deps.controller,
      cloud: model.cloudSpec?.name ?? (model.type === "kubernetes" ? "sim-k8s" : "localhost"),
      region: model.cloudSpec?.region ?? "default",
      version: deps.jujuVersion,
      "model-status": {
        current: model.life === "alive" ? "available" : "destroying",
        since: formatSince(now),
      },
      sla: "unsupported",
    },
    machines: {},
    applications,
    controller: { timestamp: formatSince(now).slice(-9, -1) + "Z" },
  };
  const saasEntries = Object.values(model.saas);
  if (saasEntries.length > 0) {
    out["application-endpoints"] = {};
    for (const saas of saasEntries) {
      const offerModel = state.models[saas.offerModel];
      const offer = offerModel?.offers[saas.offerName];
      const endpoints: Record<string, { interface: string; role: string }> = {};
      if (offerModel !== undefined && offer !== undefined) {
        const meta = deps.meta(offerModel.name, offer.app);
        for (const e of offer.endpoints) {
          const ep = meta.relations.get(e);
          if (ep !== undefined) endpoints[e] = { interface: ep.interface, role: roleName(ep.role) };
        }
      }
      const relations: Record<string, string[]> = {};
      for (const rel of state.relations) {
        const cmr = rel.crossModel;
        if (cmr?.saasName !== saas.name) continue;
        const consumer = rel.sides[1 - cmr.offerSide];
        const offerSide = rel.sides[cmr.offerSide];
        if (consumer?.model !== model.name || offerSide === undefined) continue;
        (relations[offerSide.endpoint] ??= []).push(consumer.app);
      }
      const offered =
        offerModel !== undefined && offer !== undefined
          ? offerModel.applications[offer.app]
          : undefined;
      out["application-endpoints"][saas.name] = {
        url: saas.url,
        endpoints,
        "application-status":
          offered !== undefined && offerModel !== undefined
            ? applicationStatus(state, offerModel, offered, deps)["application-status"]
            : { current: "terminated", since: formatSince(now) },
        ...(Object.keys(relations).length > 0 ? { relations } : {}),
      };
    }
  }
  const offers = Object.values(model.offers);
  if (offers.length > 0) {
    out.offers = {};
    for (const offer of offers) {
      const app = model.applications[offer.app];
      const meta = deps.meta(model.name, offer.app);
      const endpoints: Record<string, { interface: string; role: string }> = {};
      for (const e of offer.endpoints) {
        const ep = meta.relations.get(e);
        if (ep !== undefined) endpoints[e] = { interface: ep.interface, role: roleName(ep.role) };
      }
      const connected = state.relations.filter(
        (r) =>
          r.crossModel?.offerName === offer.name &&
          r.sides[r.crossModel.offerSide]?.model === model.name,
      );
      out.offers[offer.name] = {
        application: offer.app,
        charm: app !== undefined ? `local:${app.charmName}-${app.charmRevision}` : "",
        "total-connected-count": connected.length,
        "active-connected-count": connected.filter((r) => r.life === "alive").length,
        endpoints,
      };
    }
  }
  return out;
}
