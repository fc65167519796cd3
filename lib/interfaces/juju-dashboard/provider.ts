/**
 * The `juju-dashboard` provider, as the Python JIMM charm publishes it: the leader writes
 * `controller-url` and `is-juju` (`"False"` for JIMM) in the app bag of every `dashboard`
 * relation, on relation-created/joined, leader-elected and whenever the charm calls
 * {@link JujuDashboardProvider.publish}.
 *
 * @example
 * ```ts
 * this.dashboard = new JujuDashboardProvider(this, {
 *   controllerUrl: () => (this.dnsName() ? controllerUrlFor(this.dnsName()!) : undefined),
 * });
 * ```
 */
import { CharmObject } from "../../ops/charm.js";
import { publishAppBag } from "../common/app-bag.js";
import { type DashboardData, renderDashboardData } from "./data.js";

/**
 * Options of {@link JujuDashboardProvider}.
 *
 * @example
 * ```ts
 * new JujuDashboardProvider(this, { controllerUrl: () => "wss://jimm.example.com" });
 * ```
 */
export interface JujuDashboardProviderOptions {
  /** The endpoint (default `dashboard`). */
  endpoint?: string;
  /** The controller URL to publish; undefined while unknown (nothing is written). */
  controllerUrl?: () => string | undefined;
  /** Published as `is-juju` (default false: JIMM). */
  isJuju?: boolean;
  /** Published as `identity-provider-url` when set. */
  identityProviderUrl?: () => string | undefined;
}

/**
 * Tells the Juju dashboard where the controller (JIMM) is.
 *
 * @example
 * ```ts
 * this.dashboard = new JujuDashboardProvider(this, { controllerUrl: () => controllerUrlFor(dnsName) });
 * ```
 */
export class JujuDashboardProvider extends CharmObject {
  readonly endpoint: string;
  private readonly opts: JujuDashboardProviderOptions;

  constructor(parent: CharmObject, opts: JujuDashboardProviderOptions = {}) {
    const endpoint = opts.endpoint ?? "dashboard";
    super(parent, endpoint);
    this.endpoint = endpoint;
    this.opts = opts;
    const on = this.charmEvents;
    const rel = on.relation(endpoint);
    this.observe(rel.created, this.onRefresh);
    this.observe(rel.joined, this.onRefresh);
    this.observe(on.leaderElected, this.onRefresh);
    this.observe(on.upgradeCharm, this.onRefresh);
  }

  private onRefresh(): void {
    const url = this.opts.controllerUrl?.();
    if (!url) return;
    const idp = this.opts.identityProviderUrl?.();
    this.publish({
      controllerUrl: url,
      isJuju: this.opts.isJuju ?? false,
      ...(idp ? { identityProviderUrl: idp } : {}),
    });
  }

  /** As leader, writes the data on every relation (stale keys removed); a no-op otherwise. */
  publish(data: DashboardData): void {
    publishAppBag(this, this.endpoint, renderDashboardData(data));
  }
}
