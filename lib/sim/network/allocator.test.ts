import { describe, expect, it } from "vitest";

import { AddressAllocator, AddressExhaustedError } from "./allocator.js";
import {
  cidrContains,
  cidrsOverlap,
  formatCidr,
  formatIpv4,
  parseCidr,
  parseIpv4,
} from "./cidr.js";
import { macForAddress, namespaceName, ownedBy, vethName } from "./names.js";

describe("cidr", () => {
  it("parses, masks and formats", () => {
    expect(formatIpv4(parseIpv4("10.250.7.200"))).toBe("10.250.7.200");
    expect(formatCidr(parseCidr("10.250.7.9/24"))).toBe("10.250.7.0/24");
    expect(parseCidr("10.0.0.1").prefixLength).toBe(32);
    expect(parseCidr("0.0.0.0/0").size).toBe(2 ** 32);
    for (const bad of [
      "10.0.0",
      "10.0.0.256",
      "10.0.0.01",
      "a.b.c.d",
      "10.0.0.0/33",
      "10.0.0.0/",
    ]) {
      expect(() => parseCidr(bad)).toThrow();
    }
  });

  it("checks containment and overlap", () => {
    const pods = parseCidr("10.250.0.0/16");
    expect(cidrContains(pods, "10.250.255.255")).toBe(true);
    expect(cidrContains(pods, "10.251.0.0")).toBe(false);
    expect(cidrsOverlap(pods, parseCidr("10.250.3.0/24"))).toBe(true);
    expect(cidrsOverlap(parseCidr("10.250.3.0/24"), parseCidr("10.250.4.0/24"))).toBe(false);
  });
});

describe("AddressAllocator", () => {
  it("hands out the lowest free address, skipping network, broadcast and reserved", () => {
    const pool = new AddressAllocator("10.250.7.0/29", ["10.250.7.1"]);
    const got = Array.from({ length: 5 }, () => pool.allocate());
    expect(got).toEqual(["10.250.7.2", "10.250.7.3", "10.250.7.4", "10.250.7.5", "10.250.7.6"]);
    expect(() => pool.allocate()).toThrow(AddressExhaustedError);
    expect(pool.inUse).toBe(5);
  });

  it("reuses a released address, deterministically", () => {
    const run = () => {
      const pool = new AddressAllocator("10.251.3.0/24", ["10.251.3.1"]);
      const a = pool.allocate();
      const b = pool.allocate();
      pool.allocate();
      pool.release(b);
      pool.release(a);
      pool.release("10.251.3.200"); // not in use: no-op
      return [pool.allocate(), pool.allocate(), pool.allocate(), pool.isAllocated(b)];
    };
    expect(run()).toEqual(["10.251.3.2", "10.251.3.3", "10.251.3.5", true]);
    expect(run()).toEqual(run());
  });

  it("uses every address of a /31 or /32", () => {
    const pool = new AddressAllocator("10.0.0.0/31");
    expect([pool.allocate(), pool.allocate()]).toEqual(["10.0.0.0", "10.0.0.1"]);
  });
});

describe("names", () => {
  it("keeps kernel names short and prefixes apart", () => {
    expect(vethName("jsimk3x9", 36 ** 4 - 1)).toBe("jsimk3x9-vzzzz");
    expect(() => vethName("jsimk3x9", 36 ** 5)).toThrow(/too long/);
    expect(namespaceName("jsimk3x9", 11, "jaas", "openfga-1")).toBe("jsimk3x9-b-jaas-openfga-1");
    expect(ownedBy("jsim1-br", "jsim1")).toBe(true);
    expect(ownedBy("jsim12-br", "jsim1")).toBe(false);
  });

  it("derives the MAC from the address", () => {
    expect(macForAddress("10.250.7.2")).toBe("02:42:0a:fa:07:02");
  });
});
