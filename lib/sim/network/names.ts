/**
 * Names: of the kernel objects one network instance makes (all carry the instance prefix, so a
 * crashed run's leftovers can be found and removed), of the MAC addresses, and the DNS names a
 * unit is known by, as Kubernetes and Juju machines name them.
 *
 * Kernel object names for prefix `jsimab12`:
 *
 * | object | name | limit |
 * |---|---|---|
 * | bridge | `jsimab12-br` | 15 bytes (IFNAMSIZ - 1) |
 * | host end of a unit's veth | `jsimab12-v<seq>` (seq in base 36) | 15 bytes |
 * | network namespace | `jsimab12-<seq>-<model>-<app>-<n>` / `jsimab12-<seq>-<model>-m<machine>` | a file name |
 * | hosts folder | `/etc/netns/<namespace>/` | |
 *
 * The `-` after the prefix keeps prefixes apart: cleaning `jsim1` never touches `jsim12-...`.
 *
 * @module
 */

import { randomBytes } from "node:crypto";

import { parseIpv4 } from "./cidr.js";

/**
 * What every default prefix starts with.
 *
 * @example
 * ```ts
 * newPrefix().startsWith(PREFIX_STEM); // true
 * ```
 */
export const PREFIX_STEM = "jsim";

const PREFIX_RE = /^[a-z][a-z0-9]{0,7}$/;
const LABEL_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A fresh random prefix: `jsim` and four base-36 characters, e.g. `jsimk3x9`.
 *
 * @example
 * ```ts
 * const net = new SimNetwork({ prefix: newPrefix() });
 * ```
 */
export function newPrefix(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = randomBytes(4);
  let id = "";
  for (const b of bytes) id += alphabet[b % alphabet.length];
  return `${PREFIX_STEM}${id}`;
}

/**
 * Throws unless `prefix` is 1-8 lowercase letters and digits starting with a letter: short
 * enough that `<prefix>-v<seq>` fits in a 15-byte interface name.
 *
 * @example
 * ```ts
 * assertPrefix("jsimk3x9"); // ok
 * assertPrefix("Jsim-1");   // throws
 * ```
 */
export function assertPrefix(prefix: string): void {
  if (!PREFIX_RE.test(prefix)) {
    throw new Error(
      `bad network prefix ${JSON.stringify(prefix)}: want 1-8 of [a-z0-9], starting with a letter`,
    );
  }
}

/**
 * True when `prefix` is a valid instance prefix (see {@link assertPrefix}).
 *
 * @example
 * ```ts
 * isPrefix("jsimk3x9"); // true
 * ```
 */
export function isPrefix(prefix: string): boolean {
  return PREFIX_RE.test(prefix);
}

/**
 * Throws unless `name` can be a DNS label (Juju model and application names always can).
 *
 * @example
 * ```ts
 * assertLabel("openfga", "application");
 * ```
 */
export function assertLabel(name: string, what: string): void {
  if (!LABEL_RE.test(name))
    throw new Error(`bad ${what} name ${JSON.stringify(name)}: not a DNS label`);
}

/**
 * True when a kernel object or folder name belongs to the instance with this prefix.
 *
 * @example
 * ```ts
 * ownedBy("jsimk3x9-br", "jsimk3x9"); // true
 * ownedBy("jsimk3x90-br", "jsimk3x9"); // false
 * ```
 */
export function ownedBy(name: string, prefix: string): boolean {
  return name.startsWith(`${prefix}-`);
}

/**
 * The bridge of an instance.
 *
 * @example
 * ```ts
 * bridgeName("jsimk3x9"); // "jsimk3x9-br"
 * ```
 */
export function bridgeName(prefix: string): string {
  return `${prefix}-br`;
}

/**
 * The host end of a unit's veth pair; `seq` is the instance's running counter.
 *
 * @example
 * ```ts
 * vethName("jsimk3x9", 40); // "jsimk3x9-v14"
 * ```
 */
export function vethName(prefix: string, seq: number): string {
  const name = `${prefix}-v${seq.toString(36)}`;
  if (Buffer.byteLength(name) > 15) throw new Error(`interface name too long: ${name}`);
  return name;
}

/**
 * A namespace name: prefix, counter (unique), then a readable tail for `ip netns list`.
 *
 * @example
 * ```ts
 * namespaceName("jsimk3x9", 3, "jaas", "openfga-1"); // "jsimk3x9-3-jaas-openfga-1"
 * ```
 */
export function namespaceName(prefix: string, seq: number, model: string, tail: string): string {
  return `${prefix}-${seq.toString(36)}-${model}-${tail}`.slice(0, 200);
}

/**
 * A locally administered unicast MAC derived from an IPv4 address (`02:42:` + the four bytes,
 * as Docker does): a reused address keeps its MAC, so no neighbour holds a stale ARP entry.
 *
 * @example
 * ```ts
 * macForAddress("10.250.7.2"); // "02:42:0a:fa:07:02"
 * ```
 */
export function macForAddress(address: string): string {
  const v = parseIpv4(address);
  const bytes = [0x02, 0x42, v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/**
 * The cluster domain Kubernetes uses by default, and Juju's K8s models with it.
 *
 * @example
 * ```ts
 * `openfga.jaas.svc.${CLUSTER_DOMAIN}`; // "openfga.jaas.svc.cluster.local"
 * ```
 */
export const CLUSTER_DOMAIN = "cluster.local";

/**
 * The names of a Kubernetes unit's pod, fully qualified first. Juju runs a K8s application as a
 * StatefulSet `<app>` with the headless Service `<app>-endpoints`, so pod `<app>-<n>` is
 * `<app>-<n>.<app>-endpoints.<model>.svc.cluster.local`. `local` adds the short forms that
 * resolve only from the same model (Kubernetes reaches them through the search path).
 *
 * @example
 * ```ts
 * podNames("jaas", "openfga", 1, true);
 * // ["openfga-1.openfga-endpoints.jaas.svc.cluster.local", "openfga-1.openfga-endpoints.jaas.svc",
 * //  "openfga-1.openfga-endpoints.jaas", "openfga-1.openfga-endpoints", "openfga-1"]
 * ```
 */
export function podNames(model: string, app: string, unit: number, local: boolean): string[] {
  const pod = `${app}-${unit}.${app}-endpoints`;
  const names = [`${pod}.${model}.svc.${CLUSTER_DOMAIN}`, `${pod}.${model}.svc`, `${pod}.${model}`];
  return local ? [...names, pod, `${app}-${unit}`] : names;
}

/**
 * The names of a Kubernetes application's Services: `<app>` (Juju's ClusterIP Service) and
 * `<app>-endpoints` (the headless one), fully qualified first, short forms when `local`.
 *
 * @example
 * ```ts
 * serviceNames("jaas", "openfga", false);
 * // ["openfga.jaas.svc.cluster.local", "openfga-endpoints.jaas.svc.cluster.local",
 * //  "openfga.jaas.svc", "openfga-endpoints.jaas.svc"]
 * ```
 */
export function serviceNames(model: string, app: string, local: boolean): string[] {
  return namesOfServices(model, [app, `${app}-endpoints`], local);
}

/**
 * The names of the Services `services` of `model`, fully qualified first, short forms when
 * `local`.
 *
 * @example
 * ```ts
 * namesOfServices("jaas", ["postgresql-k8s-primary"], false);
 * // ["postgresql-k8s-primary.jaas.svc.cluster.local", "postgresql-k8s-primary.jaas.svc",
 * //  "postgresql-k8s-primary.jaas"]
 * ```
 */
export function namesOfServices(
  model: string,
  services: readonly string[],
  local: boolean,
): string[] {
  const names = [
    ...services.map((s) => `${s}.${model}.svc.${CLUSTER_DOMAIN}`),
    ...services.map((s) => `${s}.${model}.svc`),
    ...services.map((s) => `${s}.${model}`),
  ];
  return local ? [...names, ...services] : names;
}

/**
 * A Kubernetes Service a charm makes itself (beyond Juju's `<app>` and `<app>-endpoints`),
 * named `<app>-<suffix>`: `leader` selects the application's leader unit, `all` every unit.
 *
 * @example
 * ```ts
 * const primary: CharmService = { suffix: "primary", members: "leader" };
 * ```
 */
export interface CharmService {
  readonly suffix: string;
  readonly members: "leader" | "all";
}

/**
 * The Services charms make themselves, by charm name, which the local model lists in its hosts
 * files like Juju's own. postgresql-k8s makes `<app>-primary` (following the primary, which the
 * local stand-in keeps on the leader) and `<app>-replicas` (every unit) and publishes those
 * names as its endpoints.
 *
 * @example
 * ```ts
 * CHARM_SERVICES["postgresql-k8s"]; // [{ suffix: "primary", ... }, { suffix: "replicas", ... }]
 * ```
 */
export const CHARM_SERVICES: Readonly<Record<string, readonly CharmService[]>> = {
  "postgresql-k8s": [
    { suffix: "primary", members: "leader" },
    { suffix: "replicas", members: "all" },
  ],
};

/**
 * The names of a machine: its hostname `juju-<model>-<machine>` (Juju's is
 * `juju-<model-uuid-tail>-<machine>`; the model name keeps it readable and unique here), and
 * when `local` the `<app>-<n>` of each unit on it.
 *
 * @example
 * ```ts
 * machineNames("db", 0, [{ app: "postgresql", unit: 0 }], true);
 * // ["juju-db-0", "postgresql-0"]
 * ```
 */
export function machineNames(
  model: string,
  machine: number,
  units: readonly { app: string; unit: number }[],
  local: boolean,
): string[] {
  const host = `juju-${model}-${machine}`;
  return local ? [host, ...units.map((u) => `${u.app}-${u.unit}`)] : [host];
}
