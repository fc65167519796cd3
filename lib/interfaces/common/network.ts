/**
 * Where a unit is reached: its Kubernetes pod FQDN, and whether an address is an IP. Shared by
 * prometheus_scrape (`prometheus_scrape_unit_address`/`_fqdn`) and ingress (`host`, `ip`).
 *
 * @example
 * ```ts
 * const host = podFqdn(this.model.unit.name, this.model.name);
 * if (isIp(bindAddress)) publish({ address: bindAddress, fqdn: host });
 * ```
 */
/**
 * The pod FQDN of a unit of a Kubernetes sidecar charm, as Python's `socket.getfqdn()` returns it
 * in the pod: `<app>-<n>.<app>-endpoints.<model>.svc.cluster.local`.
 *
 * @example
 * ```ts
 * podFqdn("jimm/0", "jimm-model"); // "jimm-0.jimm-endpoints.jimm-model.svc.cluster.local"
 * ```
 */
export function podFqdn(
  unitName: string,
  modelName: string,
  clusterDomain = "cluster.local",
): string {
  const slash = unitName.indexOf("/");
  const app = unitName.slice(0, slash);
  const n = unitName.slice(slash + 1);
  return `${app}-${n}.${app}-endpoints.${modelName}.svc.${clusterDomain}`;
}

/**
 * Whether `s` is an IPv4 or IPv6 address.
 *
 * @example
 * ```ts
 * isIp("10.1.2.3"); // true
 * isIp("jimm-0.jimm-endpoints"); // false
 * ```
 */
export function isIp(s: string): boolean {
  if (/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(s)) {
    return true;
  }
  if (!s.includes(":")) return false;
  try {
    return new URL(`http://[${s}]/`).hostname.length > 0;
  } catch {
    return false;
  }
}
