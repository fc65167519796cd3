/**
 * Changes and tasks of the in-memory Pebble, with the statuses, `err` text and `change-update`
 * notices that the real daemon produces.
 *
 * @module
 */

import { APIError } from "../../pebble/errors.js";
import type { Change, ChangesOptions, Task } from "../../pebble/types.js";
import { timestamp } from "./clock.js";
import type { NoticeStore } from "./notices.js";

/** A change being built or run by the in-memory Pebble. */
export interface MutableChange extends Change {
  /** Services the change is about (for `?for=`). */
  serviceNames: string[];
  /** Resolves when the change becomes ready. */
  readonly readyPromise: Promise<void>;
  /** Set when the change was aborted. */
  abortRequested: boolean;
  /** Called when an abort is requested while the change is in progress. */
  onAbort?: () => void;
}

/** The changes store. */
export class ChangeStore {
  private readonly changes = new Map<string, MutableChange>();
  private readonly resolvers = new Map<string, () => void>();
  private nextChange = 1;
  private nextTask = 1;

  constructor(private readonly notices: NoticeStore) {}

  /** Creates a change with tasks, in status `Doing` (or `Done` when it has no tasks). */
  create(
    kind: string,
    summary: string,
    tasks: { kind: string; summary: string }[],
    serviceNames: string[] = [],
    data: Record<string, string> = {},
  ): MutableChange {
    const id = String(this.nextChange++);
    let resolve!: () => void;
    const readyPromise = new Promise<void>((r) => (resolve = r));
    const now = timestamp();
    const change: MutableChange = {
      id,
      kind,
      summary,
      status: "Doing",
      tasks: tasks.map((t): Task => ({
        id: String(this.nextTask++),
        kind: t.kind,
        summary: t.summary,
        status: "Doing",
        log: [],
        progress: { label: "", done: 0, total: 1 },
        spawnTime: now,
        data: {},
      })),
      ready: false,
      spawnTime: now,
      data: {},
      serviceNames,
      readyPromise,
      abortRequested: false,
    };
    this.changes.set(id, change);
    this.resolvers.set(id, resolve);
    this.notices.record(null, "change-update", id, { kind, ...data });
    if (tasks.length === 0) this.finish(change);
    return change;
  }

  /** Marks a task done or failed (with a log line for failures). */
  finishTask(
    change: MutableChange,
    index: number,
    error?: string,
    data?: Record<string, unknown>,
  ): void {
    const task = change.tasks[index];
    if (!task) return;
    task.status = error ? "Error" : "Done";
    task.progress.done = 1;
    task.readyTime = timestamp();
    if (error) task.log.push(`${task.readyTime.slice(0, 19)}Z ERROR ${error}`);
    if (data) task.data = { ...task.data, ...data };
  }

  /** Makes a change ready: `Error` with Pebble's `err` text if a task failed, else `Done`. */
  finish(change: MutableChange): void {
    if (change.ready) return;
    for (const task of change.tasks) {
      if (task.status === "Doing" || task.status === "Do") {
        task.status = change.abortRequested ? "Hold" : "Done";
        task.readyTime ??= timestamp();
      }
    }
    const failed = change.tasks.filter((t) => t.status === "Error");
    if (failed.length > 0) {
      change.status = "Error";
      const lines = failed.map((t) => {
        const last = t.log[t.log.length - 1] ?? "";
        const reason = last.replace(/^\S+ ERROR /, "");
        return `- ${t.summary} (${reason})`;
      });
      change.err = `cannot perform the following tasks:\n${lines.join("\n")}`;
    } else {
      change.status = change.abortRequested ? "Hold" : "Done";
    }
    change.ready = true;
    change.readyTime = timestamp();
    this.notices.record(null, "change-update", change.id, { kind: change.kind });
    this.resolvers.get(change.id)?.();
    this.resolvers.delete(change.id);
  }

  /** A change by ID, or a Pebble-like not-found error. */
  get(id: string): MutableChange {
    const change = this.changes.get(id);
    if (!change) throw new APIError(404, "Not Found", `cannot find change with id "${id}"`);
    return change;
  }

  /** Lists changes as `GET /v1/changes` does. */
  list(options: ChangesOptions = {}): Change[] {
    const select = options.select ?? "in-progress";
    return [...this.changes.values()]
      .filter((c) => select === "all" || (select === "ready" ? c.ready : !c.ready))
      .filter((c) => !options.service || c.serviceNames.includes(options.service))
      .map(snapshot);
  }

  /** Requests an abort, as `POST /v1/changes/{id}` does. */
  abort(id: string): Change {
    const change = this.get(id);
    if (change.ready) {
      throw new APIError(400, "Bad Request", `cannot abort change ${id} with nothing pending`);
    }
    change.abortRequested = true;
    change.status = "Abort";
    for (const task of change.tasks) if (!task.readyTime) task.status = "Abort";
    const result = snapshot(change);
    change.onAbort?.();
    return result;
  }

  /** Changes of one kind, for tests. */
  all(): Change[] {
    return [...this.changes.values()].map(snapshot);
  }
}

/** A copy of a change without the store's bookkeeping fields. */
export function snapshot(change: MutableChange): Change {
  const { serviceNames: _s, readyPromise: _r, abortRequested: _a, onAbort: _o, ...rest } = change;
  return structuredClone(rest) as Change;
}
