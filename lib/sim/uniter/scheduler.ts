/**
 * Runs the unit agents: one hook at a time per unit, units in parallel (up to a limit), or, in
 * deterministic mode, one hook at a time in the whole controller, the next unit drawn from a
 * seeded generator among those with work, so that a seed reproduces the global order. Timed
 * work (hook retries, update-status, secret rotation) wakes the scheduler when due.
 *
 * @example
 * ```ts
 * const scheduler = new Scheduler(host, { maxParallel: 4 });
 * scheduler.kick();                 // something changed: look for work
 * await scheduler.settle(30_000);   // true once no unit has a hook to run
 * await scheduler.close();
 * ```
 */
import type { HookInfo } from "../model/types.js";
import { SeededRandom } from "./random.js";

/** A unit of a model. */
export interface UnitRef {
  model: string;
  unit: string;
}

/** What the scheduler drives. */
export interface SchedulerHost {
  /** Every unit that may have work. */
  units(): UnitRef[];
  /** The unit's next hook at time `now`, if any. */
  next(ref: UnitRef, now: number): HookInfo | undefined;
  /** Runs one hook to the end; must not reject. */
  run(ref: UnitRef, info: HookInfo): Promise<void>;
  /** The earliest time something becomes due (a retry, update-status, a rotation), if any. */
  wakeAt(now: number): number | undefined;
  /** The controller's clock (ms since the epoch), which tests may move forward. */
  now(): number;
}

/** Options of the {@link Scheduler}. */
export interface SchedulerOptions {
  /** Hooks running at once in parallel mode. */
  maxParallel: number;
  /** Deterministic mode: one hook at a time, order drawn from this seed. */
  seed?: number;
}

const key = (r: UnitRef): string => `${r.model}:${r.unit}`;

/**
 * The unit agents' scheduler (see the module documentation).
 *
 * @example
 * ```ts
 * const scheduler = new Scheduler(host, { maxParallel: 2, seed: 7 });
 * scheduler.kick();
 * ```
 */
export class Scheduler {
  private readonly running = new Map<string, Promise<void>>();
  private readonly rng: SeededRandom | undefined;
  private readonly waiters = new Set<(idle: boolean) => void>();
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private paused = 0;

  constructor(
    private readonly host: SchedulerHost,
    private readonly options: SchedulerOptions,
  ) {
    this.rng = options.seed === undefined ? undefined : new SeededRandom(options.seed);
  }

  /** True in deterministic mode. */
  get deterministic(): boolean {
    return this.rng !== undefined;
  }

  /** Units with a hook running now. */
  busy(): string[] {
    return [...this.running.keys()].sort();
  }

  /** Looks for work soon (after the current call stack). */
  kick(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /**
   * Holds new hooks back while `fn` runs (a controller operation that changes several things
   * at once), then looks for work.
   */
  async hold<T>(fn: () => Promise<T>): Promise<T> {
    this.paused += 1;
    try {
      return await fn();
    } finally {
      this.paused -= 1;
      this.kick();
    }
  }

  private pump(): void {
    if (this.closed) return;
    const now = this.host.now();
    if (this.paused > 0) return;
    const candidates: { ref: UnitRef; hook: HookInfo }[] = [];
    for (const ref of this.host.units()) {
      if (this.running.has(key(ref))) continue;
      const hook = this.host.next(ref, now);
      if (hook !== undefined) candidates.push({ ref, hook });
    }
    candidates.sort((a, b) => (key(a.ref) < key(b.ref) ? -1 : 1));
    if (this.rng !== undefined) {
      if (this.running.size === 0 && candidates.length > 0) this.start(this.rng.pick(candidates));
    } else {
      for (const c of candidates) {
        if (this.running.size >= this.options.maxParallel) break;
        this.start(c);
      }
    }
    this.arm(now);
    if (this.running.size === 0 && candidates.length === 0) {
      for (const resolve of [...this.waiters]) resolve(true);
    }
  }

  private start(c: { ref: UnitRef; hook: HookInfo }): void {
    const k = key(c.ref);
    const done = this.host
      .run(c.ref, c.hook)
      .catch(() => undefined)
      .finally(() => {
        this.running.delete(k);
        this.kick();
      });
    this.running.set(k, done);
  }

  private arm(now: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const at = this.host.wakeAt(now);
    if (at === undefined) return;
    this.timer = setTimeout(() => this.kick(), Math.max(0, at - now) + 1);
    this.timer.unref();
  }

  /**
   * Resolves true once no hook runs and no unit has one to run (units waiting for a retry
   * count as settled), or false after `timeoutMs`.
   */
  settle(timeoutMs: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const done = (idle: boolean): void => {
        this.waiters.delete(waiter);
        clearTimeout(timer);
        resolve(idle);
      };
      const waiter = (idle: boolean): void => done(idle);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(waiter);
      this.kick();
    });
  }

  /** Stops scheduling and waits for the running hooks (the caller kills them first). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await Promise.all([...this.running.values()]);
    for (const resolve of [...this.waiters]) resolve(false);
  }
}
