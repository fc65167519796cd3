/**
 * Applies the effects Juju makes at once, while the hook still runs, and keeps them when it
 * fails: status-set (unit and application), juju-log, application-version-set, action-log,
 * action-set/action-fail and leader-set. The hook tools record them in `ctx.immediate`; after
 * each tool call the applier forwards what is new to the controller.
 *
 * @example
 * ```ts
 * const applier = new ImmediateApplier(ctx, target);
 * server.register(contextId, ctx, { onCall: () => applier.apply() });
 * ```
 */
import type { Databag, HookContextData, LogRecord, StatusData } from "../../jujuc/context.js";

/** Where immediate effects go. */
export interface ImmediateTarget {
  log(record: LogRecord): void;
  unitStatus(status: StatusData): void;
  appStatus(status: StatusData): void;
  workloadVersion(version: string): void;
  actionLog(message: string): void;
  actionResults(results: Record<string, string>, failure: string | undefined): void;
  leaderSettings(settings: Databag): void;
}

/**
 * Forwards the new entries of `ctx.immediate` to a target.
 *
 * @example
 * ```ts
 * const applier = new ImmediateApplier(ctx, target);
 * applier.apply(); // forwards new statuses, logs, …
 * ```
 */
export class ImmediateApplier {
  private logs = 0;
  private unit = 0;
  private app = 0;
  private versions = 0;
  private actionLogs = 0;
  private results = "[{},null]";
  private leader: string | undefined;

  constructor(
    private readonly ctx: HookContextData,
    private readonly target: ImmediateTarget,
  ) {}

  /** Forwards everything recorded since the last call. */
  apply(): void {
    const im = this.ctx.immediate;
    for (; this.logs < im.logs.length; this.logs++)
      this.target.log(im.logs[this.logs] as LogRecord);
    for (; this.unit < im.unitStatusHistory.length; this.unit++) {
      this.target.unitStatus(im.unitStatusHistory[this.unit] as StatusData);
    }
    for (; this.app < im.appStatusHistory.length; this.app++) {
      this.target.appStatus(im.appStatusHistory[this.app] as StatusData);
    }
    for (; this.versions < im.workloadVersionHistory.length; this.versions++) {
      this.target.workloadVersion(im.workloadVersionHistory[this.versions] as string);
    }
    for (; this.actionLogs < im.actionLogs.length; this.actionLogs++) {
      this.target.actionLog(im.actionLogs[this.actionLogs] as string);
    }
    const results = JSON.stringify([im.actionResults, im.actionFailure ?? null]);
    if (results !== this.results) {
      this.results = results;
      this.target.actionResults({ ...im.actionResults }, im.actionFailure);
    }
    if (im.leaderSettings !== undefined) {
      const leader = JSON.stringify(im.leaderSettings);
      if (leader !== this.leader) {
        this.leader = leader;
        this.target.leaderSettings({ ...im.leaderSettings });
      }
    }
  }
}
