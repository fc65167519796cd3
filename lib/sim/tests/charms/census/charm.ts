/** The census test charm (see charmcraft.yaml). */
import {
  ActiveStatus,
  CharmBase,
  type CharmContext,
  type EventSource,
} from "../../../../ops/index.js";

/** Reports `api=[..] db=[..] peers=[..]` in its status on every hook. */
export class CensusCharm extends CharmBase {
  constructor(ctx: CharmContext) {
    super(ctx);
    const on = this.on;
    const sources: EventSource<never>[] = [
      on.install,
      on.start,
      on.configChanged,
      on.leaderElected,
      on.leaderSettingsChanged,
      on.upgradeCharm,
      on.updateStatus,
    ] as EventSource<never>[];
    for (const endpoint of this.meta.relations.keys()) {
      const r = on.relation(endpoint);
      sources.push(
        ...([r.created, r.joined, r.changed, r.departed, r.broken] as EventSource<never>[]),
      );
    }
    for (const source of sources) this.observe(source, this.report);
  }

  private report(): void {
    const seen = [...this.meta.relations.keys()].sort().map(
      (ep) =>
        `${ep}=[${this.model
          .relations(ep)
          .map((r) => r.id)
          .join(",")}]`,
    );
    this.unit.status = new ActiveStatus(seen.join(" "));
  }
}
