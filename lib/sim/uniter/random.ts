/**
 * A small seeded pseudo-random generator (mulberry32): the deterministic mode draws the one
 * global order of hooks from it, so a seed reproduces a run exactly.
 *
 * @example
 * ```ts
 * const rng = new SeededRandom(7);
 * rng.next();     // 0 <= x < 1, the same sequence for seed 7
 * rng.pick(["a", "b", "c"]);
 * ```
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The next number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("SeededRandom.pick: empty list");
    return items[Math.floor(this.next() * items.length)] as T;
  }
}
