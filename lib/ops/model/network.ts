/**
 * Network bindings: the addresses Juju gives a unit for an endpoint.
 *
 * @example
 * ```ts
 * const address = this.model.getBinding("database")?.network.ingressAddress;
 * ```
 */
import type { NetworkInfoData } from "../backend/hook-tools.js";

/** One interface of a binding. */
export interface NetworkInterface {
  name: string;
  address: string;
  cidr: string;
}

/** The network of a binding, parsed from `network-get`. */
export class Network {
  readonly interfaces: NetworkInterface[];
  readonly ingressAddresses: string[];
  readonly egressSubnets: string[];

  constructor(data: NetworkInfoData) {
    this.interfaces = [];
    for (const b of data["bind-addresses"] ?? []) {
      for (const a of b.addresses ?? []) {
        // Juju 4 on K8s puts an empty placeholder first; skip entries without an address.
        if (!a.value) continue;
        this.interfaces.push({
          name: b["interface-name"] ?? "",
          address: a.value,
          cidr: a.cidr ?? "",
        });
      }
    }
    this.ingressAddresses = data["ingress-addresses"] ?? [];
    this.egressSubnets = data["egress-subnets"] ?? [];
  }

  /** The first bind address. */
  get bindAddress(): string | undefined {
    return this.interfaces[0]?.address;
  }

  /** The first ingress address: what other units should connect to. */
  get ingressAddress(): string | undefined {
    return this.ingressAddresses[0];
  }
}
