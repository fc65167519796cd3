/**
 * What every model object shares within one hook: the hook tools, the Juju context, the metadata
 * and the leadership cache. Internal to the model.
 */
import type { HookTools } from "../backend/hook-tools.js";
import type { JujuContext } from "../juju-context.js";
import type { CharmMeta } from "../metadata.js";

/** Leadership is a 30 s lease in Juju; `ops` caches `is-leader` for that long. */
export const LEASE_MS = 30_000;

/** Shared state of the model objects of one hook. */
export class ModelBackend {
  private leaderCache: { value: boolean; at: number } | undefined;

  constructor(
    readonly tools: HookTools,
    readonly juju: JujuContext,
    readonly meta: CharmMeta,
    private readonly now: () => number = Date.now,
  ) {}

  /** The unit name, `app/N`. */
  get unitName(): string {
    return this.juju.unitName;
  }

  /** The application name. */
  get appName(): string {
    return this.juju.appName;
  }

  /** `is-leader`, cached for the lease. */
  isLeader(): boolean {
    const t = this.now();
    if (this.leaderCache && t - this.leaderCache.at < LEASE_MS) return this.leaderCache.value;
    const value = this.tools.isLeader();
    this.leaderCache = { value, at: t };
    return value;
  }
}
