/**
 * The base classes of charm code: {@link CharmObject} (anything that observes events, such as
 * an interface library) and {@link CharmBase} (the charm itself).
 *
 * @example
 * ```ts
 * export class DemoCharm extends CharmBase {
 *   constructor(ctx: CharmContext) {
 *     super(ctx);
 *     this.observe(this.on.configChanged, this.reconcile);
 *     this.observe(this.on.collectUnitStatus, this.collectStatus);
 *   }
 *   reconcile(): void { ... }
 *   collectStatus(event: CollectStatusEvent): void { event.addStatus(new ActiveStatus()); }
 * }
 * ```
 */
import type { JujuContext } from "./juju-context.js";
import type { CharmMeta } from "./metadata.js";
import type { Model } from "./model/model.js";
import type { ConfigData } from "./model/config.js";
import type { Application, Unit } from "./model/unit.js";
import type { JujuLogger } from "./log.js";
import type { CharmEvents } from "./framework/charm-events.js";
import { type EventBase, EventSource, type Snapshot } from "./framework/event.js";
import type { Framework, Handler } from "./framework/framework.js";
import type { JsonValue, StoredState } from "./framework/stored-state.js";

/** What the runtime gives a charm's constructor. */
export interface CharmContext {
  readonly framework: Framework;
  readonly model: Model;
  readonly meta: CharmMeta;
  readonly on: CharmEvents;
  readonly juju: JujuContext;
  readonly log: JujuLogger;
}

/** Anything with a handle path that observes and emits events. */
export abstract class CharmObject {
  readonly framework: Framework;
  readonly model: Model;
  readonly log: JujuLogger;
  /** The charm's metadata. */
  readonly meta: CharmMeta;
  /** The Juju environment of this dispatch. */
  readonly juju: JujuContext;
  /** The charm's event sources, for library objects that observe Juju events. */
  readonly charmEvents: CharmEvents;
  /** Identifies this object in deferred events and stored state; keep it stable. */
  readonly handlePath: string;
  /** @internal */
  protected readonly ctx: CharmContext;

  /**
   * @param parent the charm or another object.
   * @param key a name unique among the parent's children (e.g. the endpoint it serves).
   */
  constructor(parent: CharmObject | CharmContext, key: string) {
    this.ctx = parent instanceof CharmObject ? parent.ctx : parent;
    this.framework = this.ctx.framework;
    this.model = this.ctx.model;
    this.log = this.ctx.log;
    this.meta = this.ctx.meta;
    this.juju = this.ctx.juju;
    this.charmEvents = this.ctx.on;
    this.handlePath = parent instanceof CharmObject ? `${parent.handlePath}/${key}` : key;
  }

  /**
   * Subscribes one of this object's methods to an event. The method runs with `this` bound to
   * this object; it may be async. Its name identifies it if the event is deferred.
   */
  observe<E extends EventBase>(source: EventSource<E>, handler: Handler<E>): void {
    this.framework.observe(source, handler, this, this.handlePath);
  }

  /**
   * Declares a custom event of this object. `make` builds an empty event; a deferred event is
   * rebuilt with it and its `restore`.
   */
  defineEvent<E extends EventBase>(kind: string, make: () => E): EventSource<E> {
    return new EventSource<E>(this.handlePath, kind, (snapshot?: Snapshot) => {
      const e = make();
      if (snapshot) e.restore(snapshot);
      return e;
    });
  }

  /** Emits a custom event to its observers now. */
  async emit<E extends EventBase>(source: EventSource<E>, event: E): Promise<void> {
    await this.framework.emit(source, event);
  }

  /** State kept across hooks in Juju's charm state, committed when the hook succeeds. */
  storedState<T extends Record<string, JsonValue>>(name: string, defaults: T): StoredState<T> {
    return this.framework.storedState(this.handlePath, name, defaults);
  }
}

/** The base class of a charm. */
export abstract class CharmBase extends CharmObject {
  readonly on: CharmEvents;

  constructor(ctx: CharmContext) {
    super(ctx, "charm");
    this.on = ctx.on;
  }

  /** This unit. */
  get unit(): Unit {
    return this.model.unit;
  }

  /** This application. */
  get app(): Application {
    return this.model.app;
  }

  /** The charm's config. */
  get config(): ConfigData {
    return this.model.config;
  }
}

/** A charm class, as `main` takes it. */
export type CharmClass = new (ctx: CharmContext) => CharmBase;
