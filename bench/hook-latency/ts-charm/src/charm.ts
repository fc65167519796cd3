/**
 * The hook-latency benchmark charm, TypeScript side: on config-changed it reads config, writes
 * one key to its relation databag and sets active status. `../py-charm/src/charm.py` is the same
 * charm written with Python `ops`.
 *
 * @example
 * ```ts
 * main(BenchCharm); // see main.ts
 * ```
 */
import { ActiveStatus, CharmBase, type CharmContext } from "../../../../lib/ops/index.js";

/** The benchmark charm. */
export class BenchCharm extends CharmBase {
  constructor(ctx: CharmContext) {
    super(ctx);
    this.observe(this.on.configChanged, this.onConfigChanged);
  }

  /** Publishes the greeting and reports it in the status. */
  onConfigChanged(): void {
    const greeting = this.config.string("greeting") ?? "hello";
    this.model.getRelation("website")?.data(this.unit).set("greeting", greeting);
    this.unit.status = new ActiveStatus(greeting);
  }
}
