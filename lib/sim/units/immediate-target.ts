/**
 * Where a hook's immediate effects go (see `runner/immediate.ts`): the unit's workload status,
 * its application's status, its workload version, its log, the running action's log and
 * results, and the application's leader settings (which bumps their version, so the other
 * units get leader-settings-changed, and not the writer).
 *
 * @example
 * ```ts
 * const applier = new ImmediateApplier(ctx, immediateTarget(runtime, run));
 * ```
 */
import type { Databag } from "../../jujuc/context.js";
import type { ActionState, ModelState, UnitState } from "../model/types.js";
import type { ImmediateTarget } from "../runner/immediate.js";
import type { Runtime } from "../runtime.js";
import type { HookRun } from "../uniter/done.js";
import { setWorkloadStatus } from "./statuses.js";

/**
 * immediateTarget.
 *
 * @example
 * ```ts
 * immediateTarget(runtime, run).unitStatus({ status: "active", message: "" });
 * ```
 */
export function immediateTarget(rt: Runtime, run: HookRun): ImmediateTarget {
  const model = (): ModelState | undefined => rt.state.models[run.model];
  const unit = (): UnitState | undefined => model()?.units[run.unit];
  const action = (): ActionState | undefined =>
    run.info.kind === "action" ? model()?.actions[run.info.actionId] : undefined;
  return {
    log: (record) =>
      rt.log({
        time: Date.now(),
        model: run.model,
        unit: run.unit,
        logger: `unit.${run.unit}.juju-log`,
        level: record.level,
        message: record.message,
      }),
    unitStatus: (s) => {
      const u = unit();
      if (u !== undefined) setWorkloadStatus(u, s);
    },
    appStatus: (s) => {
      const u = unit();
      const app = u !== undefined ? model()?.applications[u.app] : undefined;
      if (app !== undefined) app.status = { ...s, since: Date.now() };
    },
    workloadVersion: (v) => {
      const u = unit();
      if (u !== undefined) u.workloadVersion = v;
    },
    actionLog: (m) => action()?.log.push(m),
    actionResults: (results, failure) => {
      const a = action();
      if (a === undefined) return;
      a.results = results;
      if (failure !== undefined) a.message = failure;
    },
    leaderSettings: (settings: Databag) => {
      const u = unit();
      const app = u !== undefined ? model()?.applications[u.app] : undefined;
      if (u === undefined || app === undefined) return;
      app.leaderSettings = settings;
      app.leaderSettingsVersion += 1;
      // The leader does not get leader-settings-changed for its own write.
      if (app.leader === u.name) u.agent.leaderSettingsVersion = app.leaderSettingsVersion;
      rt.scheduler.kick();
    },
  };
}
