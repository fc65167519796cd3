import { describe, expect, it } from "vitest";

import {
  renderGaiConf,
  renderHosts,
  renderNsswitch,
  renderResolvConf,
  rotatedFor,
} from "./hosts.js";
import type { NamespaceEntry } from "./hosts.js";
import { CHARM_SERVICES } from "./names.js";

const pod = (address: string, app: string, unit: number, model = "jaas"): NamespaceEntry => ({
  namespace: `ns-${model}-${app}-${unit}`,
  model,
  kind: "kubernetes",
  address,
  units: [{ app, unit }],
});

const fga0 = pod("10.250.7.2", "openfga", 0);
const fga1 = pod("10.250.7.3", "openfga", 1);
const fga2 = pod("10.250.7.4", "openfga", 2);
const jimm = pod("10.250.7.5", "jimm", 0);
const other = pod("10.250.7.6", "openfga", 0, "other");
const db: NamespaceEntry = {
  namespace: "ns-db-m0",
  model: "db",
  kind: "machine",
  address: "10.251.7.2",
  units: [
    { app: "postgresql", unit: 0 },
    { app: "telegraf", unit: 0 },
  ],
  machine: 0,
};
const all = [fga0, fga1, fga2, jimm, other, db];

/** The addresses a hosts file gives a name, in file order. */
function lookup(hosts: string, name: string): string[] {
  return hosts
    .split("\n")
    .filter((l) => !l.startsWith("#") && l.trim() !== "")
    .map((l) => l.split(/\s+/))
    .filter(([, ...names]) => names.includes(name))
    .map(([address]) => address as string);
}

describe("rotatedFor", () => {
  it("rotates by the viewer's address", () => {
    const list = ["a", "b", "c"];
    expect(rotatedFor("10.250.7.3", list)).toEqual(["a", "b", "c"]); // 184157955 % 3 = 0
    expect(rotatedFor("10.250.7.4", list)).toEqual(["b", "c", "a"]);
    expect(rotatedFor("10.250.7.5", list)).toEqual(["c", "a", "b"]);
    expect(rotatedFor("10.250.7.5", [])).toEqual([]);
  });
});

describe("renderHosts", () => {
  const hosts = renderHosts({ self: jimm, all, hostname: "vm" });

  it("has loopback and the machine's hostname", () => {
    expect(lookup(hosts, "localhost")).toEqual(["127.0.0.1", "::1"]);
    expect(lookup(hosts, "vm")).toEqual(["127.0.1.1"]);
  });

  it("names every pod, with short forms only in the viewer's model", () => {
    expect(lookup(hosts, "openfga-1.openfga-endpoints.jaas.svc.cluster.local")).toEqual([
      "10.250.7.3",
    ]);
    expect(lookup(hosts, "openfga-1.openfga-endpoints")).toEqual(["10.250.7.3"]);
    expect(lookup(hosts, "openfga-1")).toEqual(["10.250.7.3"]);
    expect(lookup(hosts, "jimm-0")).toEqual(["10.250.7.5"]);
    expect(lookup(hosts, "openfga-0.openfga-endpoints.other.svc.cluster.local")).toEqual([
      "10.250.7.6",
    ]);
    // `openfga-0` is this model's unit, not the other model's.
    expect(lookup(hosts, "openfga-0")).toEqual(["10.250.7.2"]);
  });

  it("lists a Service once per unit, rotated for the viewer", () => {
    // 10.250.7.5 = 184157957, % 3 = 2: start at unit 2.
    const expected = ["10.250.7.4", "10.250.7.2", "10.250.7.3"];
    for (const name of [
      "openfga.jaas.svc.cluster.local",
      "openfga-endpoints.jaas.svc.cluster.local",
      "openfga.jaas.svc",
      "openfga",
      "openfga-endpoints",
    ]) {
      expect(lookup(hosts, name)).toEqual(expected);
    }
    expect(lookup(hosts, "openfga.other.svc.cluster.local")).toEqual(["10.250.7.6"]);
    expect(lookup(hosts, "jimm.jaas.svc.cluster.local")).toEqual(["10.250.7.5"]);
    // Another client starts elsewhere.
    const fromFga1 = renderHosts({ self: fga1, all }); // 184157955 % 3 = 0
    expect(lookup(fromFga1, "openfga.jaas.svc.cluster.local")[0]).toBe("10.250.7.2");
  });

  it("lists the Services a charm makes itself: <app>-primary on the leader, <app>-replicas on all", () => {
    const services = CHARM_SERVICES["postgresql-k8s"];
    const pg = (address: string, unit: number): NamespaceEntry => ({
      ...pod(address, "pg", unit),
      units: [{ app: "pg", unit, ...(services !== undefined ? { services } : {}) }],
    });
    // Unit 0 is gone: unit 1, the lowest-numbered left, is the leader.
    const members = [pg("10.250.7.9", 2), pg("10.250.7.8", 1)];
    const text = renderHosts({ self: jimm, all: [...all, ...members] });
    expect(lookup(text, "pg-primary.jaas.svc.cluster.local")).toEqual(["10.250.7.8"]);
    expect(lookup(text, "pg-primary")).toEqual(["10.250.7.8"]);
    expect(lookup(text, "pg-replicas.jaas.svc.cluster.local").sort()).toEqual([
      "10.250.7.8",
      "10.250.7.9",
    ]);
    // Other charms get no such names.
    expect(lookup(text, "openfga-primary.jaas.svc.cluster.local")).toEqual([]);
    // From another model: the qualified names only.
    const far = renderHosts({ self: other, all: [...all, ...members] });
    expect(lookup(far, "pg-primary.jaas.svc.cluster.local")).toEqual(["10.250.7.8"]);
    expect(lookup(far, "pg-primary")).toEqual([]);
  });

  it("names machines by hostname, and their units only from their own model", () => {
    expect(lookup(hosts, "juju-db-0")).toEqual(["10.251.7.2"]);
    expect(lookup(hosts, "postgresql-0")).toEqual([]);
    expect(lookup(hosts, "postgresql.db.svc.cluster.local")).toEqual([]);
    const fromDb = renderHosts({ self: db, all });
    expect(lookup(fromDb, "postgresql-0")).toEqual(["10.251.7.2"]);
    expect(lookup(fromDb, "telegraf-0")).toEqual(["10.251.7.2"]);
    expect(lookup(fromDb, "openfga.jaas.svc.cluster.local")).toHaveLength(3);
    expect(lookup(fromDb, "openfga")).toEqual([]);
  });

  it("puts the viewer's own line first, after loopback", () => {
    const lines = hosts.split("\n").filter((l) => !l.startsWith("#"));
    expect(lines[3]).toMatch(/^10\.250\.7\.5\tjimm-0\.jimm-endpoints\.jaas\.svc\.cluster\.local /);
  });
});

describe("renderGaiConf", () => {
  it("keeps glibc's defaults and ranks the Service members in the rotated order", () => {
    const gai = renderGaiConf({ self: jimm, all });
    expect(gai).toContain("precedence ::ffff:0:0/96 10\n");
    expect(gai).toContain("precedence ::1/128 50\n");
    const rank = (a: string) =>
      Number(new RegExp(`::ffff:${a.replace(/\./g, "\\.")}/128 (\\d+)`).exec(gai)?.[1]);
    expect(rank("10.250.7.4")).toBeGreaterThan(rank("10.250.7.2"));
    expect(rank("10.250.7.2")).toBeGreaterThan(rank("10.250.7.3"));
    expect(gai).not.toContain("10.251.7.2"); // machines have no Service
  });
});

describe("resolver files", () => {
  it("points DNS at the namespace's own loopback, with the pod search path", () => {
    expect(renderResolvConf("jaas", "kubernetes")).toMatch(
      /nameserver 127\.0\.0\.1\nsearch jaas\.svc\.cluster\.local svc\.cluster\.local cluster\.local\noptions ndots:5\n$/,
    );
    expect(renderResolvConf("db", "machine")).not.toContain("search");
  });

  it("keeps the machine's nsswitch.conf but resolves hosts from files only", () => {
    const machine =
      "passwd: files systemd\nhosts:  files mdns4_minimal [NOTFOUND=return] resolve dns myhostname\nnetworks: files\n";
    expect(renderNsswitch(machine)).toBe(
      "passwd: files systemd\nhosts:          files\nnetworks: files\n",
    );
    expect(renderNsswitch("passwd: files")).toBe("passwd: files\nhosts:          files\n");
  });
});
