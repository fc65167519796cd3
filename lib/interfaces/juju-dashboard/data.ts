/**
 * `juju-dashboard` wire format, as the Python JIMM charm (jimm-k8s-operator) and the Juju
 * controller charm publish it to the juju-dashboard charm: app keys `controller-url` (the
 * controller API websocket URL), `is-juju` (Python `str(bool)`: `"True"`/`"False"`; JIMM says
 * `"False"`), and optionally `identity-provider-url`.
 *
 * @example
 * ```ts
 * renderDashboardData({ controllerUrl: controllerUrlFor("jimm.example.com") });
 * // { "controller-url": "wss://jimm.example.com", "is-juju": "False" }
 * ```
 */
import {
  type DataSource,
  InterfaceDataError,
  fieldBool,
  requireString,
} from "../common/databag.js";

/**
 * The interface name.
 *
 * @example
 * ```ts
 * const src = { interfaceName: INTERFACE, relation: "dashboard:2", owner: "jimm" };
 * ```
 */
export const INTERFACE = "juju-dashboard";

/**
 * What the controller side publishes.
 *
 * @example
 * ```ts
 * const d: DashboardData = { controllerUrl: "wss://jimm.example.com" };
 * ```
 */
export interface DashboardData {
  /** `wss://<host>[/path]`. */
  controllerUrl: string;
  /** True for a Juju controller, false for JIMM (default false). */
  isJuju?: boolean;
  /** The identity provider (Candid) URL, for the old login flow. */
  identityProviderUrl?: string;
}

/**
 * The controller URL for JIMM's DNS name, as JIMM-py writes it (`wss://<dns name>`). A full URL
 * keeps its host and path, `https` becoming `wss` and `http` becoming `ws` (JIMM-py would write
 * `wss://http://…`).
 *
 * @example
 * ```ts
 * controllerUrlFor("jimm.example.com");          // "wss://jimm.example.com"
 * controllerUrlFor("http://10.0.0.5/m-jimm");    // "ws://10.0.0.5/m-jimm"
 * ```
 */
export function controllerUrlFor(dnsNameOrUrl: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(dnsNameOrUrl);
  if (!m) return `wss://${dnsNameOrUrl.replace(/\/+$/, "")}`;
  const scheme = m[1]!.toLowerCase();
  const rest = m[2]!.replace(/\/+$/, "");
  if (scheme === "http" || scheme === "ws") return `ws://${rest}`;
  return `wss://${rest}`;
}

/**
 * The app bag the dashboard reads.
 *
 * @example
 * ```ts
 * relation.data(this.app).replace(renderDashboardData({ controllerUrl: "wss://jimm.example.com" }));
 * ```
 */
export function renderDashboardData(d: DashboardData): Record<string, string> {
  if (!d.controllerUrl) throw new RangeError("controller-url must not be empty");
  return {
    "controller-url": d.controllerUrl,
    "is-juju": d.isJuju ? "True" : "False",
    ...(d.identityProviderUrl ? { "identity-provider-url": d.identityProviderUrl } : {}),
  };
}

/**
 * Parses the bag as the dashboard charm reads it (for tests and a TypeScript requirer). Throws
 * {@link InterfaceDataError}.
 *
 * @example
 * ```ts
 * parseDashboardData({ "controller-url": "wss://x", "is-juju": "False" }, src); // { controllerUrl: "wss://x", isJuju: false }
 * ```
 */
export function parseDashboardData(
  bag: Readonly<Record<string, string>>,
  src: DataSource,
): DashboardData {
  const controllerUrl = requireString(bag, "controller-url", src);
  if (!/^wss?:\/\//.test(controllerUrl)) {
    throw new InterfaceDataError(src, "controller-url", "should be a ws:// or wss:// URL");
  }
  const isJuju = fieldBool(bag, "is-juju", src) ?? false;
  const idp = bag["identity-provider-url"];
  return { controllerUrl, isJuju, ...(idp ? { identityProviderUrl: idp } : {}) };
}
