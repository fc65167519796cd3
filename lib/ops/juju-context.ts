/**
 * Reads the `JUJU_*` environment of a hook or action into a typed, validated {@link JujuContext},
 * and derives the event it stands for from `JUJU_DISPATCH_PATH`.
 *
 * Validation happens here, before any hook tool is called, so a malformed environment fails
 * with one message naming the variable and what was wrong with it.
 *
 * @example
 * ```ts
 * const ctx = JujuContext.fromEnv(process.env);
 * ctx.unitName; // "openfga/0"
 * ctx.event;    // { kind: "relation", endpoint: "database", phase: "changed", name: "database-relation-changed" }
 * ```
 */
import { JujuContextError } from "./errors.js";

/** The Juju event a dispatch stands for, parsed from its path. */
export type DispatchedEvent =
  | { kind: "lifecycle"; name: LifecycleHook }
  | { kind: "relation"; name: string; endpoint: string; phase: RelationPhase }
  | { kind: "storage"; name: string; storage: string; phase: "attached" | "detaching" }
  | { kind: "workload"; name: string; container: string; phase: WorkloadPhase }
  | { kind: "secret"; name: string; phase: "changed" | "rotate" | "expired" | "remove" }
  | { kind: "action"; name: string; action: string }
  | { kind: "restricted"; name: "collect-metrics" | "meter-status-changed" };

/** Unit lifecycle hooks. */
export type LifecycleHook =
  | "install"
  | "start"
  | "stop"
  | "remove"
  | "config-changed"
  | "upgrade-charm"
  | "update-status"
  | "leader-elected"
  | "leader-settings-changed"
  | "pre-series-upgrade"
  | "post-series-upgrade";

/** The five phases of a relation's life. */
export type RelationPhase = "created" | "joined" | "changed" | "departed" | "broken";

/** Pebble-driven workload events of a sidecar container. */
export type WorkloadPhase =
  "pebble-ready" | "pebble-custom-notice" | "pebble-check-failed" | "pebble-check-recovered";

const LIFECYCLE = new Set<string>([
  "install",
  "start",
  "stop",
  "remove",
  "config-changed",
  "upgrade-charm",
  "update-status",
  "leader-elected",
  "leader-settings-changed",
  "pre-series-upgrade",
  "post-series-upgrade",
]);

const NAME = "[a-z][a-z0-9]*(?:-[a-z0-9]+)*";
const RELATION_HOOK = new RegExp(`^(${NAME})-relation-(created|joined|changed|departed|broken)$`);
const STORAGE_HOOK = new RegExp(`^(${NAME})-storage-(attached|detaching)$`);
const WORKLOAD_HOOK = new RegExp(
  `^(${NAME})-(pebble-ready|pebble-custom-notice|pebble-check-failed|pebble-check-recovered)$`,
);
const SECRET_HOOK = /^secret-(changed|rotate|expired|remove)$/;
const ACTION_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const UNIT_NAME = new RegExp(`^(${NAME})/(\\d+)$`);
const APP_NAME = new RegExp(`^${NAME}$`);
const RELATION_ID = new RegExp(`^(${NAME}):(\\d+)$`);

/**
 * Parses a `JUJU_DISPATCH_PATH` (`hooks/<hook>` or `actions/<action>`) into the event it names.
 * Throws {@link JujuContextError} for anything else.
 *
 * @example
 * ```ts
 * parseDispatchPath("hooks/db-relation-joined"); // { kind: "relation", endpoint: "db", phase: "joined", ... }
 * ```
 */
export function parseDispatchPath(path: string): DispatchedEvent {
  const slash = path.lastIndexOf("/");
  const dir = path.slice(0, slash);
  const name = path.slice(slash + 1);
  if (dir === "actions" || dir.endsWith("/actions")) {
    if (!ACTION_NAME.test(name)) {
      throw new JujuContextError(
        `JUJU_DISPATCH_PATH "${path}": "${name}" is not a valid action name`,
      );
    }
    return { kind: "action", name, action: name };
  }
  if (dir !== "hooks" && !dir.endsWith("/hooks")) {
    throw new JujuContextError(
      `JUJU_DISPATCH_PATH "${path}" must be "hooks/<hook-name>" or "actions/<action-name>"`,
    );
  }
  if (LIFECYCLE.has(name)) return { kind: "lifecycle", name: name as LifecycleHook };
  if (name === "collect-metrics" || name === "meter-status-changed") {
    return { kind: "restricted", name };
  }
  let m = SECRET_HOOK.exec(name);
  if (m) return { kind: "secret", name, phase: m[1] as "changed" };
  m = RELATION_HOOK.exec(name);
  if (m) return { kind: "relation", name, endpoint: m[1]!, phase: m[2] as RelationPhase };
  m = STORAGE_HOOK.exec(name);
  if (m) return { kind: "storage", name, storage: m[1]!, phase: m[2] as "attached" };
  m = WORKLOAD_HOOK.exec(name);
  if (m) return { kind: "workload", name, container: m[1]!, phase: m[2] as WorkloadPhase };
  throw new JujuContextError(`JUJU_DISPATCH_PATH "${path}": unknown hook "${name}"`);
}

/** A relation named by the environment: endpoint and integer id. */
export interface RelationRef {
  endpoint: string;
  id: number;
}

/**
 * The validated Juju environment of one dispatch.
 */
export class JujuContext {
  private constructor(
    /** The charm directory (the working directory of the hook). */
    readonly charmDir: string,
    /** The dispatch path, e.g. `hooks/install`. */
    readonly dispatchPath: string,
    /** The event parsed from {@link dispatchPath}. */
    readonly event: DispatchedEvent,
    /** `app/N`. */
    readonly unitName: string,
    readonly modelName: string,
    readonly modelUuid: string,
    /** Juju's version, e.g. `3.6.8`. */
    readonly jujuVersion: string,
    /** The relation of a relation hook. */
    readonly relation: RelationRef | undefined,
    /** The remote application of a relation hook (may be empty for `-broken`). */
    readonly remoteApp: string | undefined,
    /** The remote unit of a relation hook (empty for created, broken and app-level changed). */
    readonly remoteUnit: string | undefined,
    /** The unit leaving, in `-relation-departed`. */
    readonly departingUnit: string | undefined,
    /** The action's id, in an action. */
    readonly actionId: string | undefined,
    /** The container, in a workload hook. */
    readonly workloadName: string | undefined,
    /** The Pebble notice of a custom-notice hook. */
    readonly notice: { id: string; type: string; key: string } | undefined,
    /** The Pebble check of a check-failed or check-recovered hook. */
    readonly checkName: string | undefined,
    /** The secret of a secret hook. */
    readonly secret:
      { id: string; label: string | undefined; revision: number | undefined } | undefined,
    /** The storage of a storage hook. */
    readonly storage:
      | {
          id: string;
          name: string;
          index: number;
          location: string | undefined;
          kind: string | undefined;
        }
      | undefined,
  ) {}

  /** The application name: the part of the unit name before `/`. */
  get appName(): string {
    return this.unitName.slice(0, this.unitName.indexOf("/"));
  }

  /** The unit number: the part of the unit name after `/`. */
  get unitNumber(): number {
    return Number(this.unitName.slice(this.unitName.indexOf("/") + 1));
  }

  /**
   * Reads and validates the environment. Throws {@link JujuContextError} naming the first
   * missing or malformed variable.
   */
  static fromEnv(env: Record<string, string | undefined>): JujuContext {
    const need = (name: string): string => {
      const value = env[name];
      if (value === undefined || value === "") {
        throw new JujuContextError(
          `${name} is not set: this process must be run by Juju's dispatch`,
        );
      }
      return value;
    };
    const opt = (name: string): string | undefined => {
      const value = env[name];
      return value === undefined || value === "" ? undefined : value;
    };
    const dispatchPath = need("JUJU_DISPATCH_PATH");
    const event = parseDispatchPath(dispatchPath);
    const unitName = need("JUJU_UNIT_NAME");
    if (!UNIT_NAME.test(unitName)) {
      throw new JujuContextError(
        `JUJU_UNIT_NAME "${unitName}" is not of the form <application>/<number>`,
      );
    }
    const jujuVersion = need("JUJU_VERSION");
    if (!/^\d+\.\d+(\.\d+|-[a-z]+\d*)?(\.\d+)?$/.test(jujuVersion)) {
      throw new JujuContextError(
        `JUJU_VERSION "${jujuVersion}" is not a Juju version such as 3.6.8`,
      );
    }
    const charmDir = opt("JUJU_CHARM_DIR") ?? opt("CHARM_DIR") ?? process.cwd();

    let relation: RelationRef | undefined;
    let remoteApp: string | undefined;
    let remoteUnit: string | undefined;
    let departingUnit: string | undefined;
    if (event.kind === "relation") {
      const raw = need("JUJU_RELATION_ID");
      const m = RELATION_ID.exec(raw);
      if (!m)
        throw new JujuContextError(`JUJU_RELATION_ID "${raw}" is not of the form <endpoint>:<id>`);
      if (m[1] !== event.endpoint) {
        throw new JujuContextError(
          `JUJU_RELATION_ID "${raw}" does not belong to endpoint "${event.endpoint}" of hook ${event.name}`,
        );
      }
      relation = { endpoint: m[1], id: Number(m[2]) };
      remoteApp = opt("JUJU_REMOTE_APP");
      if (remoteApp !== undefined && !APP_NAME.test(remoteApp)) {
        throw new JujuContextError(`JUJU_REMOTE_APP "${remoteApp}" is not an application name`);
      }
      remoteUnit = opt("JUJU_REMOTE_UNIT");
      if (remoteUnit !== undefined && !UNIT_NAME.test(remoteUnit)) {
        throw new JujuContextError(
          `JUJU_REMOTE_UNIT "${remoteUnit}" is not of the form <application>/<number>`,
        );
      }
      if (
        ["joined", "changed", "departed"].includes(event.phase) &&
        env.JUJU_REMOTE_UNIT === undefined
      ) {
        throw new JujuContextError(
          `JUJU_REMOTE_UNIT must be set (possibly empty) for ${event.name}`,
        );
      }
      if (event.phase === "departed") {
        departingUnit = opt("JUJU_DEPARTING_UNIT");
        if (departingUnit !== undefined && !UNIT_NAME.test(departingUnit)) {
          throw new JujuContextError(`JUJU_DEPARTING_UNIT "${departingUnit}" is not a unit name`);
        }
      }
    }

    let actionId: string | undefined;
    if (event.kind === "action") {
      actionId = need("JUJU_ACTION_UUID");
      const named = opt("JUJU_ACTION_NAME");
      if (named !== undefined && named !== event.action) {
        throw new JujuContextError(
          `JUJU_ACTION_NAME "${named}" does not match JUJU_DISPATCH_PATH "${dispatchPath}"`,
        );
      }
    }

    let workloadName: string | undefined;
    let notice: JujuContext["notice"];
    let checkName: string | undefined;
    if (event.kind === "workload") {
      workloadName = opt("JUJU_WORKLOAD_NAME") ?? event.container;
      if (workloadName !== event.container) {
        throw new JujuContextError(
          `JUJU_WORKLOAD_NAME "${workloadName}" does not match the hook's container "${event.container}"`,
        );
      }
      if (event.phase === "pebble-custom-notice") {
        notice = {
          id: need("JUJU_NOTICE_ID"),
          type: need("JUJU_NOTICE_TYPE"),
          key: need("JUJU_NOTICE_KEY"),
        };
      }
      if (event.phase === "pebble-check-failed" || event.phase === "pebble-check-recovered") {
        checkName = need("JUJU_PEBBLE_CHECK_NAME");
      }
    }

    let secret: JujuContext["secret"];
    if (event.kind === "secret") {
      const id = need("JUJU_SECRET_ID");
      if (!/^secret:(\/\/[^/]+\/)?[0-9a-z]+$/.test(id)) {
        throw new JujuContextError(`JUJU_SECRET_ID "${id}" is not a secret URI`);
      }
      const rawRevision = opt("JUJU_SECRET_REVISION");
      let revision: number | undefined;
      if (rawRevision !== undefined) {
        if (!/^\d+$/.test(rawRevision)) {
          throw new JujuContextError(
            `JUJU_SECRET_REVISION "${rawRevision}" is not a revision number`,
          );
        }
        revision = Number(rawRevision);
      } else if (event.phase === "remove" || event.phase === "expired") {
        throw new JujuContextError(`JUJU_SECRET_REVISION must be set for ${event.name}`);
      }
      secret = { id, label: opt("JUJU_SECRET_LABEL"), revision };
    }

    let storage: JujuContext["storage"];
    if (event.kind === "storage") {
      const id = need("JUJU_STORAGE_ID");
      const m = new RegExp(`^(${NAME})/(\\d+)$`).exec(id);
      if (!m || m[1] !== event.storage) {
        throw new JujuContextError(
          `JUJU_STORAGE_ID "${id}" is not of the form ${event.storage}/<index>`,
        );
      }
      storage = {
        id,
        name: m[1],
        index: Number(m[2]),
        location: opt("JUJU_STORAGE_LOCATION"),
        kind: opt("JUJU_STORAGE_KIND"),
      };
    }

    return new JujuContext(
      charmDir,
      dispatchPath,
      event,
      unitName,
      need("JUJU_MODEL_NAME"),
      need("JUJU_MODEL_UUID"),
      jujuVersion,
      relation,
      remoteApp,
      remoteUnit,
      departingUnit,
      actionId,
      workloadName,
      notice,
      checkName,
      secret,
      storage,
    );
  }
}

/**
 * Compares two Juju versions numerically (`3.6.10` > `3.6.9`). Returns a negative number, zero
 * or a positive number.
 *
 * @example
 * ```ts
 * compareJujuVersions("3.6.2", "3.6.10") < 0; // true
 * ```
 */
export function compareJujuVersions(a: string, b: string): number {
  const parts = (v: string): number[] => v.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
