/**
 * IPv4 address and CIDR arithmetic: parsing, formatting, containment and overlap. Addresses are
 * held as unsigned 32-bit integers so that ranges are plain number comparisons.
 *
 * @module
 */

/**
 * An IPv4 network: its first address, its prefix length and its size.
 *
 * @example
 * ```ts
 * const net: Cidr = parseCidr("10.250.7.0/24"); // { base: 184157952, prefixLength: 24, size: 256 }
 * ```
 */
export interface Cidr {
  /** The network address as an unsigned 32-bit integer. */
  readonly base: number;
  /** The prefix length, 0 to 32. */
  readonly prefixLength: number;
  /** The number of addresses in the network (2^(32 - prefixLength)). */
  readonly size: number;
}

/**
 * Parses a dotted IPv4 address into an unsigned 32-bit integer; throws on anything else.
 *
 * @example
 * ```ts
 * parseIpv4("10.250.0.1"); // 184156161
 * ```
 */
export function parseIpv4(address: string): number {
  const parts = address.split(".");
  if (parts.length !== 4) throw new Error(`not an IPv4 address: ${address}`);
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) {
      throw new Error(`not an IPv4 address: ${address}`);
    }
    value = value * 256 + Number(part);
  }
  return value;
}

/**
 * Formats an unsigned 32-bit integer as a dotted IPv4 address.
 *
 * @example
 * ```ts
 * formatIpv4(184156161); // "10.250.0.1"
 * ```
 */
export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}

/**
 * Parses `a.b.c.d/n`; the address is masked to the network address, so `10.250.3.7/24` is the
 * network `10.250.3.0/24`. A bare address is a /32.
 *
 * @example
 * ```ts
 * const net = parseCidr("10.250.3.0/24"); // { base: ..., prefixLength: 24, size: 256 }
 * ```
 */
export function parseCidr(cidr: string): Cidr {
  const [address, length, extra] = cidr.split("/");
  if (address === undefined || extra !== undefined) throw new Error(`not a CIDR: ${cidr}`);
  const prefixLength = length === undefined ? 32 : Number(length);
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 32 || length === "") {
    throw new Error(`not a CIDR: ${cidr}`);
  }
  const size = 2 ** (32 - prefixLength);
  const base = Math.floor(parseIpv4(address) / size) * size;
  return { base, prefixLength, size };
}

/**
 * Formats a network as `a.b.c.d/n`.
 *
 * @example
 * ```ts
 * formatCidr(parseCidr("10.250.3.9/24")); // "10.250.3.0/24"
 * ```
 */
export function formatCidr(net: Cidr): string {
  return `${formatIpv4(net.base)}/${net.prefixLength}`;
}

/**
 * True when the address (dotted or integer) lies inside the network.
 *
 * @example
 * ```ts
 * cidrContains(parseCidr("10.250.0.0/16"), "10.250.3.4"); // true
 * ```
 */
export function cidrContains(net: Cidr, address: string | number): boolean {
  const value = typeof address === "string" ? parseIpv4(address) : address;
  return value >= net.base && value < net.base + net.size;
}

/**
 * True when two networks share at least one address.
 *
 * @example
 * ```ts
 * cidrsOverlap(parseCidr("10.250.0.0/16"), parseCidr("10.250.7.0/24")); // true
 * ```
 */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}
