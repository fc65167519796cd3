/**
 * Kubernetes-like pod networking for the local model, with Linux network namespaces: one
 * namespace and address per unit, one bridge per controller, names resolved through
 * per-namespace hosts files. See {@link SimNetwork}.
 *
 * @example
 * ```ts
 * import { SimNetwork, spawnInNamespace } from "../network/index.js";
 * const net = new SimNetwork();
 * await net.create();
 * try {
 *   const u = await net.addUnit({ model: "jaas", app: "openfga", unit: 0, kind: "kubernetes" });
 *   spawnInNamespace(u.namespace, ["pebble", "run"]);
 * } finally {
 *   await net.destroy();
 * }
 * ```
 *
 * @module
 */

export { AddressAllocator, AddressExhaustedError } from "./allocator.js";
export {
  cidrContains,
  cidrsOverlap,
  formatCidr,
  formatIpv4,
  parseCidr,
  parseIpv4,
} from "./cidr.js";
export type { Cidr } from "./cidr.js";
export {
  cleanupOrphans,
  cleanupStale,
  findOrphanPrefixes,
  killNamespaceProcesses,
  OWNER_TAG,
} from "./cleanup.js";
export type { CleanupReport } from "./cleanup.js";
export { execInNamespace, namespaceArgv, spawnInNamespace } from "./exec.js";
export type { ExecResult } from "./exec.js";
export { NETNS_ETC_DIR } from "./files.js";
export {
  renderGaiConf,
  renderHostConf,
  renderHosts,
  renderNsswitch,
  renderResolvConf,
  rotatedFor,
} from "./hosts.js";
export type { EtcView, NamespaceEntry } from "./hosts.js";
export { IpCommandError, listLinks, listNamespaces, namespacePids, runIp } from "./ip.js";
export type { LinkInfo, RunIpOptions } from "./ip.js";
export {
  CHARM_SERVICES,
  CLUSTER_DOMAIN,
  machineNames,
  namesOfServices,
  newPrefix,
  podNames,
  serviceNames,
} from "./names.js";
export type { CharmService } from "./names.js";
export {
  DEFAULT_MACHINE_RANGE,
  DEFAULT_POD_RANGE,
  INTERFACE_NAME,
  networkGetAnswer,
  SimNetwork,
} from "./network.js";
export type {
  AddUnitOptions,
  NetworkGetAnswer,
  NetworkInfo,
  SimNetworkOptions,
  UnitKind,
  UnitNetwork,
  UnitRef,
} from "./network.js";
