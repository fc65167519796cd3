/**
 * Renders the name-service files of one namespace: `ip netns exec <ns>` bind-mounts every file
 * of `/etc/netns/<ns>/` over the same file in `/etc`, so these files are what the unit's Pebble,
 * workloads and charm see as `/etc/hosts`, `/etc/resolv.conf`, ... All functions here are pure.
 *
 * ## How a Service name is spread over its units
 *
 * Kubernetes resolves `<app>.<model>.svc.cluster.local` to one ClusterIP, and kube-proxy picks a
 * pod per connection. A hosts file can only map a name to addresses, so here a Service name has
 * one line per unit and resolves to all of its units' addresses. Which one a client uses:
 *
 * - glibc's `getaddrinfo` (Python, Node's `dns.lookup`, curl, PostgreSQL's libpq) returns every
 *   address, sorted by RFC 3484; clients connect to the first and most try the next on
 *   failure. Left alone, rule 9 of that sort (longest prefix in common with the client's own
 *   address; checked on glibc 2.36) ignores the file's order and sends each client to the unit
 *   bitwise nearest to it, which is uneven. So the namespace also gets a `gai.conf` whose
 *   `precedence` lines (rule 6, which comes first) impose this namespace's order.
 * - `gethostbyname` and Go's resolver keep the file's order; the lines are written in the same
 *   rotated order.
 *
 * The order is rotated per namespace (by the namespace's address), so different clients start
 * at different units, but one client always starts at the same unit: the spreading is per
 * client, not per connection, and an ended unit stays listed until it is removed.
 *
 * @module
 */

import { parseIpv4 } from "./cidr.js";
import {
  type CharmService,
  machineNames,
  namesOfServices,
  podNames,
  serviceNames,
} from "./names.js";

/**
 * How a unit is hosted: a Kubernetes pod, or a machine (a VM in a machine model).
 *
 * @example
 * ```ts
 * const kind: UnitKind = model.type === "caas" ? "kubernetes" : "machine";
 * ```
 */
export type UnitKind = "kubernetes" | "machine";

/**
 * One namespace as the name files see it: a pod with one unit, or a machine with its units.
 *
 * @example
 * ```ts
 * const pod: NamespaceEntry = {
 *   namespace: "jsimk3x9-1-jaas-openfga-0", model: "jaas", kind: "kubernetes",
 *   address: "10.250.7.2", units: [{ app: "openfga", unit: 0 }],
 * };
 * ```
 */
export interface NamespaceEntry {
  /** The namespace name. */
  readonly namespace: string;
  readonly model: string;
  readonly kind: UnitKind;
  /** The namespace's address on the bridge. */
  readonly address: string;
  /**
   * The units inside: exactly one for a pod. `services`: the Services the unit's charm makes
   * itself (see `CHARM_SERVICES`), listed for Kubernetes units.
   */
  readonly units: readonly {
    readonly app: string;
    readonly unit: number;
    readonly services?: readonly CharmService[];
  }[];
  /** The machine number (machine kind only). */
  readonly machine?: number;
}

/**
 * What the files of one namespace are rendered from.
 *
 * @example
 * ```ts
 * const view: EtcView = { self: pod, all: [pod, other], hostname: "vm" };
 * ```
 */
export interface EtcView {
  /** The namespace whose files these are. */
  readonly self: NamespaceEntry;
  /** Every namespace of the network, `self` included. */
  readonly all: readonly NamespaceEntry[];
  /** The machine's hostname: namespaces share it (there is no UTS namespace). */
  readonly hostname?: string;
}

const HEADER = "# Written by the local Juju model (lib/sim/network); rewritten on every change.";

function names(entry: NamespaceEntry, viewer: NamespaceEntry): string[] {
  const local = entry.model === viewer.model;
  if (entry.kind === "machine")
    return machineNames(entry.model, entry.machine ?? 0, entry.units, local);
  const unit = entry.units[0];
  return unit === undefined ? [] : podNames(entry.model, unit.app, unit.unit, local);
}

/** A Kubernetes application and its units' addresses, by unit number. */
interface Service {
  readonly model: string;
  readonly app: string;
  readonly addresses: readonly string[];
  /** The Services its charm makes itself. */
  readonly extra: readonly CharmService[];
}

function services(all: readonly NamespaceEntry[]): Service[] {
  const byApp = new Map<
    string,
    { model: string; app: string; units: [number, string][]; extra: readonly CharmService[] }
  >();
  for (const entry of all) {
    if (entry.kind !== "kubernetes") continue;
    for (const u of entry.units) {
      const key = `${entry.model}/${u.app}`;
      const svc = byApp.get(key) ?? { model: entry.model, app: u.app, units: [], extra: [] };
      svc.units.push([u.unit, entry.address]);
      if (u.services !== undefined && u.services.length > 0) svc.extra = u.services;
      byApp.set(key, svc);
    }
  }
  return [...byApp.values()]
    .sort((a, b) => compare(a.model, b.model) || compare(a.app, b.app))
    .map((s) => ({
      model: s.model,
      app: s.app,
      addresses: s.units.sort((a, b) => a[0] - b[0]).map(([, address]) => address),
      extra: s.extra,
    }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A Service's addresses in the order this namespace should prefer them: rotated by the
 * namespace's address, so neighbouring clients start at different units.
 *
 * @example
 * ```ts
 * rotatedFor("10.250.7.4", ["10.250.7.2", "10.250.7.3", "10.250.7.4"]);
 * // 10.250.7.4 is 184157956, and 184157956 % 3 = 1: ["10.250.7.3", "10.250.7.4", "10.250.7.2"]
 * ```
 */
export function rotatedFor(viewerAddress: string, addresses: readonly string[]): string[] {
  if (addresses.length === 0) return [];
  const offset = parseIpv4(viewerAddress) % addresses.length;
  return [...addresses.slice(offset), ...addresses.slice(0, offset)];
}

function sortedEntries(all: readonly NamespaceEntry[]): NamespaceEntry[] {
  return [...all].sort(
    (a, b) => compare(a.model, b.model) || parseIpv4(a.address) - parseIpv4(b.address),
  );
}

/**
 * Renders `/etc/netns/<ns>/hosts`: loopback, this namespace's own names, every other pod and
 * machine, then each Kubernetes application's Service names, one line per unit in this
 * namespace's rotated order. Names of the viewer's own model also get their short forms
 * (`openfga`, `openfga-0`), which Kubernetes resolves through the pod's search path.
 *
 * @example
 * ```ts
 * const text = renderHosts({ self, all: [self, other], hostname: "vm" });
 * // ...
 * // 10.250.7.2  openfga-0.openfga-endpoints.jaas.svc.cluster.local ... openfga-0
 * // 10.250.7.3  openfga.jaas.svc.cluster.local openfga-endpoints.jaas.svc.cluster.local ...
 * ```
 */
export function renderHosts(view: EtcView): string {
  const { self } = view;
  const lines = [HEADER, "127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback"];
  if (view.hostname !== undefined && view.hostname !== "" && view.hostname !== "localhost") {
    // Namespaces keep the machine's hostname; map it to loopback as Debian does, so software
    // that resolves its own hostname does not fail.
    lines.push(`127.0.1.1\t${view.hostname}`);
  }
  lines.push(`# this ${self.kind === "kubernetes" ? "pod" : "machine"}`);
  lines.push(`${self.address}\t${names(self, self).join(" ")}`);
  const others = sortedEntries(view.all).filter((e) => e.namespace !== self.namespace);
  if (others.length > 0) lines.push("# pods and machines");
  for (const entry of others) lines.push(`${entry.address}\t${names(entry, self).join(" ")}`);
  for (const svc of services(view.all)) {
    const serviceLine = serviceNames(svc.model, svc.app, svc.model === self.model).join(" ");
    lines.push(
      `# Service ${svc.app} of model ${svc.model}: every unit, this namespace's order first`,
    );
    for (const address of rotatedFor(self.address, svc.addresses)) {
      lines.push(`${address}\t${serviceLine}`);
    }
    for (const extra of svc.extra) {
      // The leader is the lowest-numbered unit: the local model makes the first unit leader and,
      // when the leader goes, the lowest-numbered one left (lib/sim/units/lifecycle.ts).
      const members =
        extra.members === "leader"
          ? svc.addresses.slice(0, 1)
          : rotatedFor(self.address, svc.addresses);
      const name = `${svc.app}-${extra.suffix}`;
      const extraLine = namesOfServices(svc.model, [name], svc.model === self.model).join(" ");
      lines.push(
        `# Service ${name} of model ${svc.model}, made by the charm: ${
          extra.members === "leader" ? "the leader" : "every unit, this namespace's order first"
        }`,
      );
      for (const address of members) lines.push(`${address}\t${extraLine}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** glibc's built-in precedence table: a `precedence` line in gai.conf replaces all of it. */
const GAI_DEFAULTS = [
  "precedence ::1/128 50",
  "precedence ::/0 40",
  "precedence 2002::/16 30",
  "precedence ::/96 20",
  "precedence ::ffff:0:0/96 10",
];

/**
 * Renders `/etc/netns/<ns>/gai.conf`: glibc's default precedence table plus one line per
 * Service member, highest for the unit this namespace should try first. Without it glibc's
 * RFC 3484 rule 9 (longest matching prefix) would decide the order, not the rotation.
 *
 * @example
 * ```ts
 * renderGaiConf({ self, all });
 * // ... precedence ::ffff:10.250.7.3/128 103 / ::ffff:10.250.7.4/128 102 / ...
 * ```
 */
export function renderGaiConf(view: EtcView): string {
  const lines = [HEADER, ...GAI_DEFAULTS];
  for (const svc of services(view.all)) {
    const order = rotatedFor(view.self.address, svc.addresses);
    order.forEach((address, i) => {
      lines.push(`precedence ::ffff:${address}/128 ${100 + order.length - i}`);
    });
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Renders `/etc/netns/<ns>/resolv.conf`. There is no DNS server: every name is in the hosts
 * file and `nsswitch.conf` says `hosts: files`. The nameserver is the namespace's own loopback,
 * so a resolver that bypasses nsswitch (c-ares, `dig`) fails fast inside the namespace instead
 * of asking the machine's real resolver. Pods get Kubernetes' search path and `ndots:5`.
 *
 * @example
 * ```ts
 * renderResolvConf("jaas", "kubernetes");
 * // "...nameserver 127.0.0.1\nsearch jaas.svc.cluster.local svc.cluster.local cluster.local\n..."
 * ```
 */
export function renderResolvConf(model: string, kind: UnitKind): string {
  const lines = [HEADER, "nameserver 127.0.0.1"];
  if (kind === "kubernetes") {
    lines.push(
      `search ${model}.svc.cluster.local svc.cluster.local cluster.local`,
      "options ndots:5",
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Renders `/etc/netns/<ns>/nsswitch.conf` from the machine's: the same databases (so users and
 * groups resolve as outside), but `hosts: files` only, so no NSS module (`resolve`, `mdns`,
 * `myhostname`) can take a lookup outside the namespace.
 *
 * @example
 * ```ts
 * renderNsswitch("passwd: files systemd\nhosts: files resolve dns\n");
 * // "passwd: files systemd\nhosts: files\n"
 * ```
 */
export function renderNsswitch(machine: string): string {
  const lines = machine.split("\n");
  if (lines.at(-1) === "") lines.pop();
  let replaced = false;
  const out = lines.map((line) => {
    if (!/^\s*hosts\s*:/.test(line)) return line;
    replaced = true;
    return "hosts:          files";
  });
  if (!replaced) out.push("hosts:          files");
  return `${out.join("\n")}\n`;
}

/**
 * Renders `/etc/netns/<ns>/host.conf`: `multi on`, so every line of a Service name counts.
 *
 * @example
 * ```ts
 * renderHostConf(); // "...multi on\n"
 * ```
 */
export function renderHostConf(): string {
  return `${HEADER}\nmulti on\n`;
}
