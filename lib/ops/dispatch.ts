/**
 * Runs one Juju dispatch: environment -> charm -> deferred events -> the event -> collect-status
 * -> commit. This is what a charm's entry point calls.
 *
 * @example
 * ```ts
 * // src/charm.ts of a charm
 * import { main } from "../../lib/ops/index.js";
 * main(DemoCharm);
 * ```
 */
import { containerSocketPath } from "../pebble/socket.js";
import { ExecToolRunner } from "./backend/exec-runner.js";
import { HookTools } from "./backend/hook-tools.js";
import { RelationIndex } from "./backend/relation-index.js";
import type { ToolRunner } from "./backend/runner.js";
import type { CharmClass, CharmContext } from "./charm.js";
import { ModelError } from "./errors.js";
import { CharmEvents } from "./framework/charm-events.js";
import type { EventBase, EventSource } from "./framework/event.js";
import { Framework } from "./framework/framework.js";
import {
  ActionEvent,
  HookEvent,
  type PebbleCheckEvent,
  type PebbleCustomNoticeEvent,
  type RelationEvent,
  type SecretEvent,
  type StorageEvent,
  type WorkloadEvent,
  type CollectStatusEvent,
} from "./framework/juju-events.js";
import { JujuContext } from "./juju-context.js";
import { JujuLogger, type LogLevel } from "./log.js";
import { CharmMeta } from "./metadata.js";
import { ModelBackend } from "./model/backend.js";
import { Container, type PebbleFactory } from "./model/container.js";
import { lazyPebble } from "./model/lazy-pebble.js";
import { Model } from "./model/model.js";
import { Storage } from "./model/storage.js";
import { highestPriority } from "./model/status.js";

/** How to run a dispatch; every field has a production default. */
export interface DispatchOptions {
  /** The process environment (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** How hook tools run (default: the real tools on `PATH`). */
  runner?: ToolRunner;
  /** How a container's Pebble client is made (default: the socket Juju mounts). */
  pebble?: PebbleFactory;
  /** The charm's metadata (default: read from the charm directory). */
  meta?: CharmMeta;
  /** Lowest level sent to `juju-log` (default INFO). */
  logLevel?: LogLevel;
  /** Clock, for the leadership lease. */
  now?: () => number;
  /**
   * Keep `relation-ids` answers across hooks in the charm directory (default: on for real
   * processes unless `JAAS_RELATION_INDEX=off`; off whenever `runner` is given).
   */
  relationIndex?: boolean;
}

/** What a dispatch did. */
export interface DispatchResult {
  /** The process exit code Juju will see. */
  exitCode: number;
  /** Event kinds emitted, in order (deferred re-emits first). */
  emitted: string[];
  /** Hook-tool calls per tool. */
  toolCalls: Map<string, number>;
  /** The error that failed the hook, if any. */
  error?: Error;
}

function lifecycleSource(on: CharmEvents, name: string): EventSource<HookEvent> {
  const key = name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()) as keyof CharmEvents;
  return on[key] as unknown as EventSource<HookEvent>;
}

function validateAgainstMeta(juju: JujuContext, meta: CharmMeta): void {
  const e = juju.event;
  const known = (map: Map<string, unknown>) => [...map.keys()].join(", ") || "none";
  if (e.kind === "relation" && !meta.relations.has(e.endpoint)) {
    throw new ModelError(
      `hook ${e.name}: endpoint "${e.endpoint}" is not in the charm's metadata (endpoints: ${known(meta.relations)})`,
    );
  }
  if (e.kind === "workload" && !meta.containers.has(e.container)) {
    throw new ModelError(
      `hook ${e.name}: container "${e.container}" is not in the charm's metadata (containers: ${known(meta.containers)})`,
    );
  }
  if (e.kind === "storage" && !meta.storages.has(e.storage)) {
    throw new ModelError(
      `hook ${e.name}: storage "${e.storage}" is not in the charm's metadata (storage: ${known(meta.storages)})`,
    );
  }
  if (e.kind === "action" && !meta.actions.has(e.action)) {
    throw new ModelError(
      `action "${e.action}" is not in the charm's metadata (actions: ${known(meta.actions)})`,
    );
  }
}

/** Builds the Juju event of this dispatch and the source it goes through. */
function jujuEvent(
  juju: JujuContext,
  on: CharmEvents,
  model: Model,
  backend: ModelBackend,
  tools: HookTools,
): { source: EventSource<EventBase>; event: EventBase } {
  const e = juju.event;
  switch (e.kind) {
    case "lifecycle":
    case "restricted":
      return { source: lifecycleSource(on, e.name), event: new HookEvent() };
    case "relation": {
      const src = on.relation(e.endpoint)[e.phase] as EventSource<RelationEvent>;
      const rel = juju.relation!;
      const event = src.make({
        relation_name: rel.endpoint,
        relation_id: rel.id,
        ...(juju.remoteApp ? { app_name: juju.remoteApp } : {}),
        ...(juju.remoteUnit ? { unit_name: juju.remoteUnit } : {}),
        ...(juju.departingUnit ? { departing_unit: juju.departingUnit } : {}),
      });
      return { source: src as EventSource<EventBase>, event };
    }
    case "workload": {
      const events = on.container(e.container);
      const src = {
        "pebble-ready": events.pebbleReady,
        "pebble-custom-notice": events.pebbleCustomNotice,
        "pebble-check-failed": events.pebbleCheckFailed,
        "pebble-check-recovered": events.pebbleCheckRecovered,
      }[e.phase] as EventSource<WorkloadEvent>;
      const event = src.make({
        container_name: e.container,
        ...(juju.notice
          ? {
              notice_id: juju.notice.id,
              notice_type: juju.notice.type,
              notice_key: juju.notice.key,
            }
          : {}),
        ...(juju.checkName ? { check_name: juju.checkName } : {}),
      }) as WorkloadEvent & Partial<PebbleCustomNoticeEvent & PebbleCheckEvent>;
      return { source: src as EventSource<EventBase>, event };
    }
    case "secret": {
      const src = {
        changed: on.secretChanged,
        rotate: on.secretRotate,
        expired: on.secretExpired,
        remove: on.secretRemove,
      }[e.phase] as EventSource<SecretEvent>;
      const event = src.make().init(juju.secret!.id, juju.secret!.label, juju.secret!.revision);
      return { source: src as EventSource<EventBase>, event };
    }
    case "storage": {
      const events = on.storage(e.storage);
      const src = (
        e.phase === "attached" ? events.attached : events.detaching
      ) as EventSource<StorageEvent>;
      const s = juju.storage!;
      const known = s.location && s.kind ? { location: s.location, kind: s.kind } : undefined;
      const event = src.make();
      event.storage = new Storage(backend, s.name, s.index, known);
      return { source: src as EventSource<EventBase>, event };
    }
    case "action": {
      const src = on.action(e.action);
      const params = tools.actionGet();
      const event = new ActionEvent(e.action, juju.actionId!, params, {
        set: (flat) => tools.actionSet(flat),
        log: (m) => tools.actionLog(m),
        fail: (m) => tools.actionFail(m),
      });
      return { source: src as unknown as EventSource<EventBase>, event };
    }
  }
}

/** The Pebble of a container, on the socket Juju mounts in the charm container. */
const realPebble: PebbleFactory = (name) => lazyPebble(containerSocketPath(name));

/**
 * Runs one dispatch of `Charm`. Never throws: failures become a non-zero exit code, logged
 * through `juju-log` at ERROR as `ops` does.
 */
export async function dispatch(
  Charm: CharmClass,
  options: DispatchOptions = {},
): Promise<DispatchResult> {
  const env = options.env ?? process.env;
  let tools: HookTools | undefined;
  let framework: Framework | undefined;
  try {
    const juju = JujuContext.fromEnv(env);
    const meta = options.meta ?? CharmMeta.fromCharmDir(juju.charmDir);
    validateAgainstMeta(juju, meta);
    const useIndex = options.relationIndex ?? options.runner === undefined;
    const index = useIndex ? RelationIndex.forHook(juju, env) : undefined;
    tools = new HookTools(options.runner ?? new ExecToolRunner(env as NodeJS.ProcessEnv), index);
    const backend = new ModelBackend(tools, juju, meta, options.now);
    const pebble = options.pebble ?? realPebble;
    const model = new Model(backend, (name) => new Container(name, pebble));
    framework = new Framework(tools);
    const on = new CharmEvents(meta, model, backend);
    const log = new JujuLogger(tools, options.logLevel ?? "INFO");
    const ctx: CharmContext = { framework, model, meta, on, juju, log };
    new Charm(ctx);

    const restricted = juju.event.kind === "restricted";
    if (!restricted) await framework.reemit();
    const { source, event } = jujuEvent(juju, on, model, backend, tools);
    await framework.emit(source, event);

    if (!restricted) {
      if (framework.isObserved(on.collectAppStatus) && backend.isLeader()) {
        const e = on.collectAppStatus.make() as CollectStatusEvent;
        await framework.emit(on.collectAppStatus, e);
        const s = highestPriority(e.statuses);
        if (s) model.app.status = s;
      }
      if (framework.isObserved(on.collectUnitStatus)) {
        const e = on.collectUnitStatus.make() as CollectStatusEvent;
        await framework.emit(on.collectUnitStatus, e);
        const s = highestPriority(e.statuses);
        if (s) model.unit.status = s;
      }
    }
    framework.commit();
    return { exitCode: 0, emitted: framework.emitted, toolCalls: tools.calls };
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    const text = `Uncaught exception while in charm code:\n${error.stack ?? error.message}`;
    process.stderr.write(`${text}\n`);
    if (tools) {
      try {
        tools.jujuLog("ERROR", text);
      } catch {
        // juju-log itself failed: stderr already has the message.
      }
    }
    return {
      exitCode: 1,
      emitted: framework?.emitted ?? [],
      toolCalls: tools?.calls ?? new Map(),
      error,
    };
  }
}

/**
 * The entry point of a charm: runs one dispatch and sets the process exit code.
 *
 * @example
 * ```ts
 * main(DemoCharm);
 * ```
 */
export function main(Charm: CharmClass, options: DispatchOptions = {}): void {
  void dispatch(Charm, options).then((r) => {
    process.exitCode = r.exitCode;
  });
}
