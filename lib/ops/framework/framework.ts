/**
 * The framework of one dispatch: observers, emission, deferral and stored state.
 *
 * Deferred events ("notices") and stored state live in Juju's charm state (`state-get` once at
 * the start, `state-set` at the end only for what changed), so they are committed with the hook
 * and survive pod churn.
 *
 * @example
 * ```ts
 * framework.observe(charm.on.configChanged, charm.onConfigChanged, charm, "charm");
 * await framework.emit(charm.on.configChanged, charm.on.configChanged.make());
 * await framework.commit();
 * ```
 */
import type { HookTools } from "../backend/hook-tools.js";
import type { EventBase, EventSource, Snapshot } from "./event.js";
import { type JsonValue, StoredState } from "./stored-state.js";

/** An observer method: may be async. */
export type Handler<E extends EventBase> = (event: E) => void | Promise<void>;

interface Observer {
  ownerPath: string;
  method: string;
  owner: object;
  handler: Handler<EventBase>;
}

/** A deferred event, as saved in charm state. */
export interface Notice {
  event: string;
  observer: string;
  method: string;
  snapshot: Snapshot;
}

/** Charm-state key of the deferred-event queue (the key `ops` uses for it). */
export const NOTICES_KEY = "#notices#";

/** Observers, emission, deferral and stored state of one dispatch. */
export class Framework {
  private readonly observers = new Map<string, Observer[]>();
  private readonly sources = new Map<string, EventSource<EventBase>>();
  private notices: Notice[] | undefined;
  private noticesDirty = false;
  private readonly stored = new Map<
    string,
    { state: StoredState<Record<string, JsonValue>>; saved: string }
  >();
  /** Every event emitted, in order, as `<kind>` (for tests and logs). */
  readonly emitted: string[] = [];

  constructor(private readonly tools: HookTools) {}

  /**
   * Subscribes `handler` (a method of `owner`) to `source`. The observer is identified by the
   * owner's path and the method's name, which is what a deferred event remembers.
   */
  observe<E extends EventBase>(
    source: EventSource<E>,
    handler: Handler<E>,
    owner: object,
    ownerPath: string,
  ): void {
    this.sources.set(source.key, source as unknown as EventSource<EventBase>);
    const list = this.observers.get(source.key) ?? [];
    const method = handler.name.replace(/^bound /, "") || `#${list.length}`;
    list.push({ ownerPath, method, owner, handler: handler as Handler<EventBase> });
    this.observers.set(source.key, list);
  }

  /** Whether anything observes `source`. */
  isObserved(source: EventSource<EventBase>): boolean {
    return (this.observers.get(source.key)?.length ?? 0) > 0;
  }

  private state(): Record<string, string> {
    return this.tools.stateGet();
  }

  private loadNotices(): Notice[] {
    if (!this.notices) {
      const raw = this.state()[NOTICES_KEY];
      let parsed: unknown = [];
      if (raw) {
        try {
          parsed = JSON.parse(raw);
        } catch {
          parsed = [];
        }
      }
      this.notices = Array.isArray(parsed) ? (parsed as Notice[]) : [];
    }
    return this.notices;
  }

  /** The deferred events now queued. */
  get deferred(): readonly Notice[] {
    return this.loadNotices();
  }

  private async callObserver(obs: Observer, event: EventBase): Promise<boolean> {
    event.deferred = false;
    await obs.handler.call(obs.owner, event);
    return event.deferred;
  }

  private queue(source: EventSource<EventBase>, obs: Observer, event: EventBase): void {
    const notices = this.loadNotices();
    const snapshot = event.snapshot();
    const text = JSON.stringify(snapshot);
    const dup = notices.some(
      (n) =>
        n.event === source.key &&
        n.observer === obs.ownerPath &&
        n.method === obs.method &&
        JSON.stringify(n.snapshot) === text,
    );
    if (!dup) {
      notices.push({ event: source.key, observer: obs.ownerPath, method: obs.method, snapshot });
      this.noticesDirty = true;
    }
  }

  /** Emits `event` through `source` to every observer, in subscription order. */
  async emit<E extends EventBase>(source: EventSource<E>, event: E): Promise<void> {
    this.emitted.push(source.kind);
    const src = source as unknown as EventSource<EventBase>;
    for (const obs of this.observers.get(source.key) ?? []) {
      if (await this.callObserver(obs, event)) this.queue(src, obs, event);
    }
  }

  /**
   * Re-emits the deferred events, oldest first, each to the one observer that deferred it. An
   * event deferred again stays queued; the others leave the queue.
   */
  async reemit(): Promise<void> {
    const queued = [...this.loadNotices()];
    if (queued.length === 0) return;
    const kept: Notice[] = [];
    for (const notice of queued) {
      const source = this.sources.get(notice.event);
      const obs = this.observers
        .get(notice.event)
        ?.find((o) => o.ownerPath === notice.observer && o.method === notice.method);
      if (!source || !obs) continue; // the observer is gone: drop the notice, as ops does
      const event = source.make(notice.snapshot);
      this.emitted.push(source.kind);
      if (await this.callObserver(obs, event)) kept.push(notice);
    }
    // Events deferred while re-emitting were queued into this.notices; keep those too.
    const added = this.loadNotices().slice(queued.length);
    this.notices = [...kept, ...added];
    this.noticesDirty = true;
  }

  /**
   * A piece of stored state under `<ownerPath>/StoredStateData[<name>]`, created with
   * `defaults` the first time.
   */
  storedState<T extends Record<string, JsonValue>>(
    ownerPath: string,
    name: string,
    defaults: T,
  ): StoredState<T> {
    const key = `${ownerPath}/StoredStateData[${name}]`;
    const existing = this.stored.get(key);
    if (existing) return existing.state as unknown as StoredState<T>;
    const raw = this.state()[key];
    let data: T = { ...defaults };
    if (raw !== undefined && raw !== "") {
      try {
        data = { ...defaults, ...(JSON.parse(raw) as T) };
      } catch {
        data = { ...defaults };
      }
    }
    const state = new StoredState<T>(key, data);
    this.stored.set(key, {
      state: state as unknown as StoredState<Record<string, JsonValue>>,
      saved: raw ?? "",
    });
    return state;
  }

  /**
   * Saves what changed (deferred events, stored state) with one `state-set`. Juju commits it only
   * if the hook exits 0.
   */
  commit(): void {
    const changes: Record<string, string> = {};
    if (this.noticesDirty) {
      const text = JSON.stringify(this.notices ?? []);
      if ((this.state()[NOTICES_KEY] ?? "[]") !== text) changes[NOTICES_KEY] = text;
    }
    for (const [key, { state, saved }] of this.stored) {
      const text = JSON.stringify(state.data);
      if (text !== saved) changes[key] = text;
    }
    const limit = 64 * 1024;
    for (const [k, v] of Object.entries(changes)) {
      if (Buffer.byteLength(v) > limit) {
        throw new Error(
          `stored state "${k}" is ${Buffer.byteLength(v)} bytes; Juju keeps at most 64 KiB per key`,
        );
      }
    }
    this.tools.stateSet(changes);
  }
}
