/**
 * Kubernetes-like networking for the local model: every unit gets its own network namespace,
 * with its own address on one bridge per controller, so several units of one application all
 * listen on their usual port; the names charms publish resolve inside every namespace.
 *
 * ```
 *   root namespace (the controller, the tests)
 *   jsimk3x9-br  10.250.7.1/24 (pods)  10.251.7.1/24 (machines)   <- one bridge per instance
 *     |-- jsimk3x9-v1 ==veth== eth0 10.250.7.2/24   netns jsimk3x9-1-jaas-openfga-0
 *     |-- jsimk3x9-v2 ==veth== eth0 10.250.7.3/24   netns jsimk3x9-2-jaas-openfga-1
 *     '-- jsimk3x9-v3 ==veth== eth0 10.251.7.2/24   netns jsimk3x9-3-db-m0  (machine model)
 * ```
 *
 * Traffic stays on this machine: nothing is forwarded off the bridge (the bridge's IPv4
 * forwarding is switched off and no NAT is set up), and the namespaces' resolvers have no
 * outside DNS server. Pods and machines reach each other directly over the bridge (each
 * namespace has an on-link route to the other range), the host reaches every unit through the
 * bridge's gateway addresses.
 *
 * @module
 */

import { access, readFile, writeFile } from "node:fs/promises";
import { hostname as machineHostname } from "node:os";

import { AddressAllocator } from "./allocator.js";
import { cidrContains, cidrsOverlap, formatCidr, formatIpv4, parseCidr } from "./cidr.js";
import type { Cidr } from "./cidr.js";
import { cleanupStale, killNamespaceProcesses, ownerAlias } from "./cleanup.js";
import type { CleanupReport } from "./cleanup.js";
import { createEtcDir, removeEtcDir, updateEtcDir } from "./files.js";
import type { EtcFiles } from "./files.js";
import {
  renderGaiConf,
  renderHostConf,
  renderHosts,
  renderNsswitch,
  renderResolvConf,
} from "./hosts.js";
import type { EtcView, NamespaceEntry, UnitKind } from "./hosts.js";
import { IpCommandError, ipJson, runIp, runIpBatch } from "./ip.js";
import {
  assertLabel,
  assertPrefix,
  bridgeName,
  macForAddress,
  namespaceName,
  newPrefix,
  podNames,
  vethName,
} from "./names.js";
import type { CharmService } from "./names.js";

export type { UnitKind } from "./hosts.js";

/**
 * Where per-instance pod subnets are carved from by default (one /24 per instance).
 *
 * @example
 * ```ts
 * cidrContains(parseCidr(DEFAULT_POD_RANGE), net.podCidr.split("/")[0]); // true
 * ```
 */
export const DEFAULT_POD_RANGE = "10.250.0.0/16";
/**
 * Where per-instance machine subnets are carved from by default: another range, as VMs have.
 *
 * @example
 * ```ts
 * cidrContains(parseCidr(DEFAULT_MACHINE_RANGE), pg.address); // true for a machine unit
 * ```
 */
export const DEFAULT_MACHINE_RANGE = "10.251.0.0/16";
/**
 * The interface name inside every namespace, as in a Kubernetes pod.
 *
 * @example
 * ```ts
 * await execInNamespace(unit.namespace, ["ip", "addr", "show", INTERFACE_NAME]);
 * ```
 */
export const INTERFACE_NAME = "eth0";

/**
 * Options of {@link SimNetwork}.
 *
 * @example
 * ```ts
 * new SimNetwork({ prefix: "jsimtest", podCidr: "10.250.9.0/24", machineCidr: "10.251.9.0/24" });
 * ```
 */
export interface SimNetworkOptions {
  /** Name prefix of everything the instance makes; a fresh `jsim????` by default. */
  prefix?: string;
  /** The pod subnet; by default a free /24 of {@link DEFAULT_POD_RANGE}. */
  podCidr?: string;
  /** The machine subnet; by default the /24 of {@link DEFAULT_MACHINE_RANGE} at the same slot. */
  machineCidr?: string;
}

/**
 * What {@link SimNetwork.addUnit} takes.
 *
 * @example
 * ```ts
 * await net.addUnit({ model: "db", app: "postgresql", unit: 0, kind: "machine" });
 * ```
 */
export interface AddUnitOptions {
  model: string;
  app: string;
  /** The unit number: `openfga/1` is app `openfga`, unit 1. */
  unit: number;
  /** A pod of a Kubernetes model, or a unit on a machine of a machine model. */
  kind: UnitKind;
  /**
   * Machine models only: the machine to place the unit on (`juju deploy --to`). A new machine by
   * default, numbered as Juju does (0, 1, ... per model). Units on one machine share its
   * namespace and address.
   */
  machine?: number;
  /**
   * Kubernetes units: the Services the unit's charm makes itself (`CHARM_SERVICES` of its
   * charm), which every namespace's hosts file then lists.
   */
  services?: readonly CharmService[];
}

/**
 * Names a unit: its model and its Juju unit name (`openfga/1`).
 *
 * @example
 * ```ts
 * net.networkInfo({ model: "jaas", unit: "openfga/0" });
 * ```
 */
export interface UnitRef {
  readonly model: string;
  readonly unit: string;
}

/**
 * A unit's place on the network, as {@link SimNetwork.addUnit} made it.
 *
 * @example
 * ```ts
 * const u: UnitNetwork = await net.addUnit({ model: "jaas", app: "jimm", unit: 0, kind: "kubernetes" });
 * spawnInNamespace(u.namespace, ["pebble", "run"]);
 * ```
 */
export interface UnitNetwork extends UnitRef {
  readonly app: string;
  readonly unitNumber: number;
  readonly kind: UnitKind;
  /** The network namespace: run the unit's Pebble with `spawnInNamespace(namespace, ...)`. */
  readonly namespace: string;
  /** The unit's address on the bridge. */
  readonly address: string;
  /** The subnet of the unit's interface (`10.250.7.0/24`). */
  readonly cidr: string;
  /** The bridge's address in that subnet: the default route. */
  readonly gateway: string;
  readonly interfaceName: string;
  readonly macAddress: string;
  /** The host end of the veth pair, a port of the bridge. */
  readonly hostInterface: string;
  /** The fully qualified name: the pod's FQDN, or the machine's hostname. */
  readonly hostname: string;
  /** Machine models: the machine number. */
  readonly machine?: number;
  /** The Services its charm makes itself (see {@link AddUnitOptions.services}). */
  readonly services?: readonly CharmService[];
}

/**
 * What `network-get` must answer for a unit, flat.
 *
 * @example
 * ```ts
 * const { bindAddress, egressSubnet } = net.networkInfo({ model: "jaas", unit: "jimm/0" });
 * ```
 */
export interface NetworkInfo {
  interfaceName: string;
  macAddress: string;
  /** Where the unit should listen. */
  bindAddress: string;
  /** The subnet of the bind address. */
  cidr: string;
  /** Where others reach the unit. */
  ingressAddress: string;
  /** The subnet the unit's traffic comes from, as seen by others (its address as a /32). */
  egressSubnet: string;
  hostname: string;
}

/**
 * `network-get`'s answer in the hook-tool layer's shape (structurally `NetworkData` of
 * `lib/jujuc/context.ts`).
 *
 * @example
 * ```ts
 * const answer: NetworkGetAnswer = networkGetAnswer(net.networkInfo(unit));
 * ```
 */
export interface NetworkGetAnswer {
  bindAddresses: {
    macAddress: string;
    interfaceName: string;
    addresses: { hostname: string; value: string; cidr: string }[];
  }[];
  egressSubnets: string[];
  ingressAddresses: string[];
}

/**
 * The `network-get` answer for a unit's {@link NetworkInfo}.
 *
 * @example
 * ```ts
 * ctx.networks["database"] = networkGetAnswer(net.networkInfo({ model: "jaas", unit: "jimm/0" }));
 * ```
 */
export function networkGetAnswer(info: NetworkInfo): NetworkGetAnswer {
  return {
    bindAddresses: [
      {
        macAddress: info.macAddress,
        interfaceName: info.interfaceName,
        // Juju leaves the hostname of an address empty.
        addresses: [{ hostname: "", value: info.bindAddress, cidr: info.cidr }],
      },
    ],
    egressSubnets: [info.egressSubnet],
    ingressAddresses: [info.ingressAddress],
  };
}

/** A unit (or machine) namespace and what lives in it. */
interface NamespaceState {
  readonly namespace: string;
  readonly model: string;
  readonly kind: UnitKind;
  readonly address: string;
  readonly hostInterface: string;
  readonly machine?: number;
  /** Unit name -> unit, in placement order. */
  readonly units: Map<string, UnitNetwork>;
}

/** One address range of an instance: pods or machines. */
interface Subnet {
  readonly cidr: Cidr;
  readonly gateway: string;
  readonly pool: AddressAllocator;
}

/** Which files, besides `hosts`, the machine has in `/etc` for `ip netns exec` to cover. */
interface EtcSupport {
  gai: boolean;
  resolv: boolean;
  hostConf: boolean;
  nsswitch?: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function unitKey(ref: UnitRef): string {
  return `${ref.model}\u0000${ref.unit}`;
}

/**
 * The network of one local-model controller. Make it with `create()`, add a namespace per unit
 * with `addUnit()`, and always `destroy()` it (in a `finally`): it removes every namespace, link
 * and file the instance made, even after a partial failure, and is safe to call twice.
 *
 * Needs root (network namespaces, links, `/etc/netns`). Changes are serialised, so concurrent
 * `addUnit` calls are safe.
 *
 * @example
 * ```ts
 * const net = new SimNetwork();
 * await net.create();
 * try {
 *   const u = await net.addUnit({ model: "jaas", app: "openfga", unit: 0, kind: "kubernetes" });
 *   const pebble = spawnInNamespace(u.namespace, ["pebble", "run"], { env });
 *   // other units reach it as openfga.jaas.svc.cluster.local:8080, the host as u.address:8080
 * } finally {
 *   await net.destroy();
 * }
 * ```
 */
export class SimNetwork {
  /** The name prefix of every namespace, link and folder this instance makes. */
  readonly prefix: string;
  /** The bridge's name. */
  readonly bridge: string;

  readonly #options: SimNetworkOptions;
  #state: "new" | "ready" | "destroyed" = "new";
  #pods?: Subnet;
  #machines?: Subnet;
  #etc: EtcSupport = { gai: false, resolv: false, hostConf: false };
  #seq = 0;
  readonly #namespaces = new Map<string, NamespaceState>();
  readonly #units = new Map<string, UnitNetwork>();
  readonly #modelKinds = new Map<string, UnitKind>();
  /** `<model>\0<machine>` -> namespace. */
  readonly #machineNamespaces = new Map<string, string>();
  readonly #nextMachine = new Map<string, number>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: SimNetworkOptions = {}) {
    this.prefix = options.prefix ?? newPrefix();
    assertPrefix(this.prefix);
    this.bridge = bridgeName(this.prefix);
    this.#options = options;
  }

  /** The pod subnet (`10.250.7.0/24`); set by `create()`. */
  get podCidr(): string {
    return formatCidr(this.#ready().pods.cidr);
  }

  /** The machine subnet (`10.251.7.0/24`); set by `create()`. */
  get machineCidr(): string {
    return formatCidr(this.#ready().machines.cidr);
  }

  /** The bridge's address in the pod subnet. */
  get podGateway(): string {
    return this.#ready().pods.gateway;
  }

  /** The bridge's address in the machine subnet. */
  get machineGateway(): string {
    return this.#ready().machines.gateway;
  }

  /**
   * Makes the bridge with its two gateway addresses, choosing free subnets unless given. If
   * anything fails, whatever was made is removed before the error is thrown.
   */
  create(): Promise<void> {
    return this.#serial(async () => {
      if (this.#state !== "new") {
        throw new Error(`SimNetwork ${this.prefix}: create() called twice or after destroy()`);
      }
      try {
        await this.#create();
        this.#state = "ready";
      } catch (e) {
        await cleanupStale(this.prefix).catch(() => undefined);
        throw e;
      }
    });
  }

  async #create(): Promise<void> {
    this.#etc = {
      gai: await exists("/etc/gai.conf"),
      resolv: await exists("/etc/resolv.conf"),
      hostConf: await exists("/etc/host.conf"),
      ...((await exists("/etc/nsswitch.conf"))
        ? { nsswitch: renderNsswitch(await readFile("/etc/nsswitch.conf", "utf8")) }
        : {}),
    };
    const br = this.bridge;
    const { podCidr, machineCidr } = this.#options;
    if ((podCidr === undefined) !== (machineCidr === undefined)) {
      throw new Error(`SimNetwork ${this.prefix}: give both podCidr and machineCidr, or neither`);
    }
    await runIp(["link", "add", "name", br, "type", "bridge"]);
    await runIp(["link", "set", "dev", br, "alias", await ownerAlias()]);
    // Never route what arrives on the bridge anywhere else, even if the machine forwards IPv4;
    // and keep the bridge IPv4-only.
    await writeSysctl(`/proc/sys/net/ipv4/conf/${br}/forwarding`, "0");
    await writeSysctl(`/proc/sys/net/ipv6/conf/${br}/disable_ipv6`, "1");
    await runIp(["link", "set", "dev", br, "up"]);

    const refused = new Set<number>();
    for (;;) {
      let pods: Cidr;
      let machines: Cidr;
      let slot = -1;
      if (podCidr !== undefined && machineCidr !== undefined) {
        [pods, machines] = [parseCidr(podCidr), parseCidr(machineCidr)];
        const clash = (await this.#takenNetworks()).find(
          (t) => cidrsOverlap(t.net, pods) || cidrsOverlap(t.net, machines),
        );
        if (clash !== undefined) {
          throw new Error(
            `SimNetwork ${this.prefix}: ${formatCidr(clash.net)} on ${clash.dev} overlaps the requested subnets`,
          );
        }
      } else {
        [pods, machines, slot] = await this.#pickSlot(refused);
      }
      this.#pods = subnet(pods);
      this.#machines = subnet(machines);
      // The bridge's MAC is set, so it never changes as ports come and go (a bridge takes its
      // lowest port's MAC otherwise, and every namespace would hold a stale ARP entry).
      // No automatic prefix routes: the routes are added below, as the claim on the subnets.
      // prettier-ignore
      await runIpBatch([
        ["link", "set", "dev", br, "address", macForAddress(this.#pods.gateway)],
        ["addr", "add", `${this.#pods.gateway}/${pods.prefixLength}`, "dev", br, "noprefixroute"],
        ["addr", "add", `${this.#machines.gateway}/${machines.prefixLength}`, "dev", br, "noprefixroute"],
      ]);
      try {
        // The kernel refuses a second route to the same prefix (EEXIST): of instances that
        // picked the same slot at the same moment, exactly one gets it.
        // prettier-ignore
        await runIpBatch([
          ["route", "add", formatCidr(pods), "dev", br, "scope", "link", "src", this.#pods.gateway],
          ["route", "add", formatCidr(machines), "dev", br, "scope", "link", "src", this.#machines.gateway],
        ]);
        return;
      } catch (e) {
        if (!(e instanceof IpCommandError && /File exists/.test(e.stderr))) throw e;
        if (slot < 0)
          throw new Error(`SimNetwork ${this.prefix}: the requested subnets are taken`, {
            cause: e,
          });
        await runIp(["route", "flush", "dev", br]);
        await runIp(["addr", "flush", "dev", br]);
        refused.add(slot);
      }
    }
  }

  /** Networks in use on this machine outside our bridge: addresses and routes. */
  async #takenNetworks(): Promise<{ net: Cidr; dev: string }[]> {
    type Addr = { ifname: string; addr_info?: { local?: string; prefixlen?: number }[] };
    type Route = { dst: string; dev?: string };
    const taken: { net: Cidr; dev: string }[] = [];
    for (const link of await ipJson<Addr[]>(["-4", "addr", "show"])) {
      if (link.ifname === this.bridge) continue;
      for (const a of link.addr_info ?? []) {
        if (a.local !== undefined)
          taken.push({ net: parseCidr(`${a.local}/${a.prefixlen ?? 32}`), dev: link.ifname });
      }
    }
    for (const r of await ipJson<Route[]>(["-4", "route", "show"])) {
      if (r.dst === "default" || r.dev === this.bridge) continue;
      try {
        taken.push({ net: parseCidr(r.dst), dev: r.dev ?? "?" });
      } catch {
        // Not a plain IPv4 prefix (e.g. a blackhole keyword): it cannot clash.
      }
    }
    return taken;
  }

  /** A random free /24 slot, the same in both default ranges. */
  async #pickSlot(refused: ReadonlySet<number>): Promise<[Cidr, Cidr, number]> {
    const podRange = parseCidr(DEFAULT_POD_RANGE);
    const machineRange = parseCidr(DEFAULT_MACHINE_RANGE);
    const taken = await this.#takenNetworks();
    const free: number[] = [];
    for (let slot = 0; slot < 256; slot++) {
      if (refused.has(slot)) continue;
      const pods = parseCidr(`${formatIpv4(podRange.base + slot * 256)}/24`);
      const machines = parseCidr(`${formatIpv4(machineRange.base + slot * 256)}/24`);
      if (!taken.some((t) => cidrsOverlap(t.net, pods) || cidrsOverlap(t.net, machines)))
        free.push(slot);
    }
    // Random, so instances starting at the same moment rarely collide.
    const slot = free[Math.floor(Math.random() * free.length)];
    if (slot === undefined)
      throw new Error(`SimNetwork ${this.prefix}: no free /24 left in ${DEFAULT_POD_RANGE}`);
    return [
      parseCidr(`${formatIpv4(podRange.base + slot * 256)}/24`),
      parseCidr(`${formatIpv4(machineRange.base + slot * 256)}/24`),
      slot,
    ];
  }

  /**
   * Gives a unit its place on the network: a new namespace (or, on a machine that already has
   * one, that machine's), a veth pair into the bridge, an address from the pod or machine
   * subnet, `lo` up, a default route via the bridge, and name files; then rewrites every other
   * namespace's hosts file so the unit's names resolve everywhere.
   *
   * @example
   * ```ts
   * const u = await net.addUnit({ model: "jaas", app: "openfga", unit: 1, kind: "kubernetes" });
   * u.address;   // "10.250.7.3"
   * u.hostname;  // "openfga-1.openfga-endpoints.jaas.svc.cluster.local"
   * ```
   */
  addUnit(options: AddUnitOptions): Promise<UnitNetwork> {
    return this.#serial(() => this.#addUnit(options));
  }

  async #addUnit(o: AddUnitOptions): Promise<UnitNetwork> {
    const { pods, machines } = this.#ready();
    assertLabel(o.model, "model");
    assertLabel(o.app, "application");
    if (!Number.isInteger(o.unit) || o.unit < 0) throw new Error(`bad unit number ${o.unit}`);
    if (o.kind !== "kubernetes" && o.kind !== "machine") {
      throw new Error(`bad unit kind ${String(o.kind)}`);
    }
    if (
      o.machine !== undefined &&
      (o.kind !== "machine" || !Number.isInteger(o.machine) || o.machine < 0)
    ) {
      throw new Error(`bad machine ${o.machine} for a ${o.kind} unit`);
    }
    const modelKind = this.#modelKinds.get(o.model);
    if (modelKind !== undefined && modelKind !== o.kind) {
      throw new Error(`model ${o.model} is a ${modelKind} model; cannot add a ${o.kind} unit`);
    }
    const name = `${o.app}/${o.unit}`;
    if (this.#units.has(unitKey({ model: o.model, unit: name }))) {
      throw new Error(`unit ${name} of model ${o.model} already has a network`);
    }

    let machine: number | undefined;
    if (o.kind === "machine") {
      machine = o.machine ?? this.#nextMachine.get(o.model) ?? 0;
      this.#nextMachine.set(o.model, Math.max(this.#nextMachine.get(o.model) ?? 0, machine + 1));
      const shared = this.#machineNamespaces.get(`${o.model}\u0000${machine}`);
      const state = shared !== undefined ? this.#namespaces.get(shared) : undefined;
      if (state !== undefined) {
        const unit = this.#unitNetwork(o, state, machine);
        state.units.set(name, unit);
        this.#units.set(unitKey(unit), unit);
        try {
          await this.#rewriteAll(undefined);
        } catch (e) {
          state.units.delete(name);
          this.#units.delete(unitKey(unit));
          throw e;
        }
        return unit;
      }
    }

    const seq = ++this.#seq;
    const tail = o.kind === "kubernetes" ? `${o.app}-${o.unit}` : `m${machine}`;
    const namespace = namespaceName(this.prefix, seq, o.model, tail);
    const hostInterface = vethName(this.prefix, seq);
    const own = o.kind === "kubernetes" ? pods : machines;
    const other = o.kind === "kubernetes" ? machines : pods;
    const address = own.pool.allocate();
    const state: NamespaceState = {
      namespace,
      model: o.model,
      kind: o.kind,
      address,
      hostInterface,
      units: new Map(),
      ...(machine !== undefined ? { machine } : {}),
    };
    try {
      // Two `ip` processes in all: starting a process costs more than the commands.
      // prettier-ignore
      await runIpBatch([
        ["netns", "add", namespace],
        // The peer is born inside the namespace, named and addressed as a pod's interface.
        ["link", "add", hostInterface, "type", "veth",
          "peer", "name", INTERFACE_NAME, "address", macForAddress(address), "netns", namespace],
        ["link", "set", "dev", hostInterface, "master", this.bridge, "up"],
      ]);
      // prettier-ignore
      await runIpBatch([
        ["link", "set", "dev", "lo", "up"],
        ["addr", "add", `${address}/${own.cidr.prefixLength}`, "dev", INTERFACE_NAME],
        ["link", "set", "dev", INTERFACE_NAME, "up"],
        // Pods and machines share the bridge: reach the other range directly, not via the
        // host, which does not forward.
        ["route", "add", formatCidr(other.cidr), "dev", INTERFACE_NAME, "scope", "link"],
        ["route", "add", "default", "via", own.gateway, "dev", INTERFACE_NAME],
      ], { namespace });

      const unit = this.#unitNetwork(o, state, machine);
      state.units.set(name, unit);
      this.#namespaces.set(namespace, state);
      await this.#rewriteAll(namespace);
      this.#units.set(unitKey(unit), unit);
      this.#modelKinds.set(o.model, o.kind);
      if (machine !== undefined) {
        this.#machineNamespaces.set(`${o.model}\u0000${machine}`, namespace);
      }
      return unit;
    } catch (e) {
      // Undo this unit's part; other namespaces may already list it, so rewrite them too.
      this.#namespaces.delete(namespace);
      await runIpBatch(
        [
          ["netns", "del", namespace],
          ["link", "del", hostInterface],
        ],
        { ignoreMissing: true },
      ).catch(() => undefined);
      await removeEtcDir(namespace).catch(() => undefined);
      own.pool.release(address);
      await this.#rewriteAll(undefined).catch(() => undefined);
      throw e;
    }
  }

  #unitNetwork(o: AddUnitOptions, state: NamespaceState, machine: number | undefined): UnitNetwork {
    const sub = o.kind === "kubernetes" ? this.#ready().pods : this.#ready().machines;
    return {
      model: o.model,
      unit: `${o.app}/${o.unit}`,
      app: o.app,
      unitNumber: o.unit,
      kind: o.kind,
      namespace: state.namespace,
      address: state.address,
      cidr: formatCidr(sub.cidr),
      gateway: sub.gateway,
      interfaceName: INTERFACE_NAME,
      macAddress: macForAddress(state.address),
      hostInterface: state.hostInterface,
      hostname:
        machine === undefined
          ? (podNames(o.model, o.app, o.unit, false)[0] as string)
          : `juju-${o.model}-${machine}`,
      ...(machine !== undefined ? { machine } : {}),
      ...(o.services !== undefined && o.services.length > 0 ? { services: o.services } : {}),
    };
  }

  /**
   * Takes a unit off the network: kills whatever still runs in its namespace (the controller
   * should have stopped Pebble first), deletes the namespace, its veth pair and its files, frees
   * its address, and rewrites the other namespaces' hosts files. A unit that shares a machine
   * with others only loses its names. Removing an unknown unit is a no-op.
   *
   * @example
   * ```ts
   * await net.removeUnit({ model: "jaas", unit: "openfga/1" });
   * ```
   */
  removeUnit(ref: UnitRef): Promise<void> {
    return this.#serial(async () => {
      if (this.#state !== "ready") return;
      const unit = this.#units.get(unitKey(ref));
      const state = unit !== undefined ? this.#namespaces.get(unit.namespace) : undefined;
      if (unit === undefined || state === undefined) return;
      if (state.units.size > 1) {
        state.units.delete(unit.unit);
        this.#units.delete(unitKey(ref));
        await this.#rewriteAll(undefined);
        return;
      }
      await killNamespaceProcesses(state.namespace);
      await runIpBatch(
        [
          ["netns", "del", state.namespace],
          // Usually gone with the namespace; kept if a process kept the namespace alive.
          ["link", "del", state.hostInterface],
        ],
        { ignoreMissing: true },
      );
      await removeEtcDir(state.namespace);
      this.#units.delete(unitKey(ref));
      this.#namespaces.delete(state.namespace);
      if (state.machine !== undefined)
        this.#machineNamespaces.delete(`${state.model}\u0000${state.machine}`);
      const { pods, machines } = this.#ready();
      (state.kind === "kubernetes" ? pods : machines).pool.release(state.address);
      await this.#rewriteAll(undefined);
    });
  }

  /**
   * Removes everything the instance made: namespaces (killing what still runs in them), links,
   * the bridge and the `/etc/netns` folders, found by prefix, so half-made leftovers go too.
   * Safe to call twice and before `create()`; if a step fails it throws, and a later call tries
   * again.
   *
   * @example
   * ```ts
   * try { ... } finally { await net.destroy(); }
   * ```
   */
  destroy(): Promise<CleanupReport | undefined> {
    return this.#serial(async () => {
      if (this.#state === "destroyed") return undefined;
      const report = await cleanupStale(this.prefix);
      this.#state = "destroyed";
      this.#namespaces.clear();
      this.#units.clear();
      this.#machineNamespaces.clear();
      return report;
    });
  }

  /**
   * The network of a unit, or `undefined` if it has none.
   *
   * @example
   * ```ts
   * net.unit({ model: "jaas", unit: "openfga/0" })?.address;
   * ```
   */
  unit(ref: UnitRef): UnitNetwork | undefined {
    return this.#units.get(unitKey(ref));
  }

  /**
   * Every unit on the network, in the order they were added.
   *
   * @example
   * ```ts
   * const addresses = net.units().map((u) => u.address);
   * ```
   */
  units(): UnitNetwork[] {
    return [...this.#units.values()];
  }

  /**
   * What `network-get` answers for a unit: on Kubernetes and on machines alike the unit binds
   * to and is reached at its own address, and its traffic comes from that address (Juju gives
   * the address as a /32 as egress subnet when the model sets none).
   *
   * @example
   * ```ts
   * net.networkInfo({ model: "jaas", unit: "openfga/0" });
   * // { interfaceName: "eth0", bindAddress: "10.250.7.2", cidr: "10.250.7.0/24",
   * //   ingressAddress: "10.250.7.2", egressSubnet: "10.250.7.2/32", ... }
   * ```
   */
  networkInfo(ref: UnitRef): NetworkInfo {
    const unit = this.#units.get(unitKey(ref));
    if (unit === undefined)
      throw new Error(`unit ${ref.unit} of model ${ref.model} has no network`);
    return {
      interfaceName: unit.interfaceName,
      macAddress: unit.macAddress,
      bindAddress: unit.address,
      cidr: unit.cidr,
      ingressAddress: unit.address,
      egressSubnet: `${unit.address}/32`,
      hostname: unit.hostname,
    };
  }

  /**
   * The files of one namespace's `/etc/netns/<ns>/`, as they are now (for debugging and tests).
   *
   * @example
   * ```ts
   * console.log(net.etcFiles(unit.namespace).hosts);
   * ```
   */
  etcFiles(namespace: string, all = true): EtcFiles {
    const self = this.#namespaces.get(namespace);
    if (self === undefined) throw new Error(`no namespace ${namespace} in network ${this.prefix}`);
    const view: EtcView = {
      self: entry(self),
      all: [...this.#namespaces.values()].map(entry),
      hostname: machineHostname(),
    };
    const files: Record<string, string> = { hosts: renderHosts(view) };
    if (this.#etc.gai) files["gai.conf"] = renderGaiConf(view);
    if (!all) return files;
    // Only files the machine has: `ip netns exec` can only bind-mount over an existing file.
    if (this.#etc.resolv) files["resolv.conf"] = renderResolvConf(self.model, self.kind);
    if (this.#etc.nsswitch !== undefined) files["nsswitch.conf"] = this.#etc.nsswitch;
    if (this.#etc.hostConf) files["host.conf"] = renderHostConf();
    return files;
  }

  /** Writes the new namespace's folder (if any) and rewrites everyone else's name files. */
  async #rewriteAll(created: string | undefined): Promise<void> {
    if (created !== undefined) await createEtcDir(created, this.etcFiles(created));
    for (const ns of this.#namespaces.keys()) {
      if (ns !== created) await updateEtcDir(ns, this.etcFiles(ns, false));
    }
  }

  #ready(): { pods: Subnet; machines: Subnet } {
    if (this.#state !== "ready" || this.#pods === undefined || this.#machines === undefined) {
      throw new Error(
        `SimNetwork ${this.prefix} is ${this.#state === "new" ? "not created yet" : "destroyed"}`,
      );
    }
    return { pods: this.#pods, machines: this.#machines };
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(fn, fn);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}

function subnet(cidr: Cidr): Subnet {
  const gateway = formatIpv4(cidr.base + 1);
  if (!cidrContains(cidr, gateway) || cidr.prefixLength > 29) {
    throw new Error(`subnet ${formatCidr(cidr)} is too small`);
  }
  return { cidr, gateway, pool: new AddressAllocator(formatCidr(cidr), [gateway]) };
}

function entry(state: NamespaceState): NamespaceEntry {
  return {
    namespace: state.namespace,
    model: state.model,
    kind: state.kind,
    address: state.address,
    units: [...state.units.values()].map((u) => ({
      app: u.app,
      unit: u.unitNumber,
      ...(u.services !== undefined ? { services: u.services } : {}),
    })),
    ...(state.machine !== undefined ? { machine: state.machine } : {}),
  };
}

async function writeSysctl(path: string, value: string): Promise<void> {
  try {
    await writeFile(path, value);
  } catch (e) {
    // No IPv6 in this kernel: nothing to switch off.
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
}
