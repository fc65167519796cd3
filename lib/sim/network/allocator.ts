/**
 * Hands out host addresses from one subnet, lowest free first, as a small IPAM would.
 *
 * Deterministic: the same sequence of allocations and releases always yields the same
 * addresses, so test output and logs are stable. A released address is free again at once; the
 * network gives every address a MAC derived from the address itself (see `macForAddress`), so a
 * reused address does not leave stale ARP entries behind in its neighbours.
 *
 * @module
 */

import { formatCidr, formatIpv4, parseCidr, parseIpv4 } from "./cidr.js";
import type { Cidr } from "./cidr.js";

/**
 * The subnet has no free host address left.
 *
 * @example
 * ```ts
 * try { pool.allocate(); } catch (e) { if (e instanceof AddressExhaustedError) scaleDown(); }
 * ```
 */
export class AddressExhaustedError extends Error {
  constructor(readonly cidr: string) {
    super(`no free address left in ${cidr}`);
    this.name = "AddressExhaustedError";
  }
}

/**
 * Allocates host addresses from a CIDR. The network and broadcast addresses are never handed
 * out (for /31 and /32 every address is usable), nor are the `reserved` ones (the gateway).
 *
 * @example
 * ```ts
 * const pool = new AddressAllocator("10.250.7.0/24", ["10.250.7.1"]);
 * pool.allocate(); // "10.250.7.2"
 * pool.allocate(); // "10.250.7.3"
 * pool.release("10.250.7.2");
 * pool.allocate(); // "10.250.7.2" again
 * ```
 */
export class AddressAllocator {
  /** The subnet, normalised (`10.250.7.0/24`). */
  readonly cidr: string;
  readonly #net: Cidr;
  readonly #reserved: Set<number>;
  readonly #used = new Set<number>();

  constructor(cidr: string, reserved: readonly string[] = []) {
    this.#net = parseCidr(cidr);
    this.cidr = formatCidr(this.#net);
    this.#reserved = new Set(reserved.map(parseIpv4));
  }

  /** The prefix length of the subnet (24 for a /24). */
  get prefixLength(): number {
    return this.#net.prefixLength;
  }

  /** How many addresses are currently handed out. */
  get inUse(): number {
    return this.#used.size;
  }

  /** Takes the lowest free address; throws {@link AddressExhaustedError} when there is none. */
  allocate(): string {
    const { base, size, prefixLength } = this.#net;
    // /31 and /32 have no network or broadcast address (RFC 3021).
    const first = prefixLength >= 31 ? base : base + 1;
    const last = prefixLength >= 31 ? base + size - 1 : base + size - 2;
    for (let value = first; value <= last; value++) {
      if (this.#reserved.has(value) || this.#used.has(value)) continue;
      this.#used.add(value);
      return formatIpv4(value);
    }
    throw new AddressExhaustedError(this.cidr);
  }

  /** Gives an address back; releasing an address that is not in use is a no-op. */
  release(address: string): void {
    this.#used.delete(parseIpv4(address));
  }

  /** True when the address is currently handed out. */
  isAllocated(address: string): boolean {
    return this.#used.has(parseIpv4(address));
  }
}
