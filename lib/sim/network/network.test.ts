// Real kernel: needs root. Every request goes to an address of this test's namespaces or to
// loopback; nothing leaves the machine.
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readdir, readFile } from "node:fs/promises";
import { get } from "node:http";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { NetworkData } from "../../jujuc/context.js";
import { cidrContains, parseCidr } from "./cidr.js";
import { execInNamespace, spawnInNamespace } from "./exec.js";
import { NETNS_ETC_DIR } from "./files.js";
import { rotatedFor } from "./hosts.js";
import { listLinks, listNamespaces, run } from "./ip.js";
import { newPrefix, ownedBy } from "./names.js";
import { networkGetAnswer, SimNetwork } from "./network.js";
import type { UnitNetwork } from "./network.js";

const net = new SimNetwork({ prefix: newPrefix() });
const children: ChildProcess[] = [];
const timings = { add: [] as number[], remove: [] as number[] };

/** A one-line HTTP server that answers with the unit's name, inside the unit's namespace. */
async function serve(unit: UnitNetwork, port: number): Promise<ChildProcess> {
  const script =
    "const [name, port] = process.argv.slice(1);" +
    "require('http').createServer((q, s) => s.end(name))" +
    ".listen(Number(port), '0.0.0.0', () => console.log('listening'));";
  const child = spawnInNamespace(
    unit.namespace,
    [process.execPath, "-e", script, unit.unit, String(port)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  children.push(child);
  const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
  expect(line).toBe("listening");
  return child;
}

/** GET from the host (root namespace), through the bridge. */
function httpGet(address: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get({ host: address, port, path: "/", timeout: 3000 }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (d: string) => (body += d));
      res.on("end", () => resolve(body));
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${address}:${port} timed out`)));
    req.on("error", reject);
  });
}

let curl = false;

/** GET by URL from inside a namespace (names resolve there): curl, or Node's fetch without it. */
async function fetchIn(unit: UnitNetwork, url: string): Promise<string> {
  if (curl) {
    const argv = [
      "curl",
      "--noproxy",
      "*",
      "--silent",
      "--show-error",
      "--fail",
      "--max-time",
      "3",
      url,
    ];
    return (await execInNamespace(unit.namespace, argv)).stdout;
  }
  const script =
    "fetch(process.argv[1], { signal: AbortSignal.timeout(3000) })" +
    ".then((r) => r.text()).then((t) => process.stdout.write(t))";
  return (await execInNamespace(unit.namespace, [process.execPath, "-e", script, url])).stdout;
}

/** The IPv4 addresses `getaddrinfo` returns for a name inside a namespace, in its order. */
async function resolveIn(unit: UnitNetwork, name: string): Promise<string[]> {
  const { stdout } = await execInNamespace(unit.namespace, ["getent", "ahostsv4", name]);
  return stdout
    .split("\n")
    .filter((l) => /\sSTREAM\b/.test(l))
    .map((l) => l.split(/\s+/)[0] as string);
}

async function timed<T>(list: number[], fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    list.push(performance.now() - start);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

beforeAll(async () => {
  // curl starts in a tenth of Node's time.
  curl = await run(["curl", "--version"]).then(
    () => true,
    () => false,
  );
  await net.create();
});

afterAll(async () => {
  try {
    for (const child of children) child.kill("SIGKILL");
  } finally {
    await net.destroy();
  }
  const ms = (xs: number[]) => `${median(xs).toFixed(0)} ms median of ${xs.length}`;
  console.log(`addUnit ${ms(timings.add)}; removeUnit ${ms(timings.remove)}`);
});

describe("SimNetwork on the real kernel", () => {
  let fga0: UnitNetwork;
  let fga1: UnitNetwork;
  let jimm: UnitNetwork;
  let pg: UnitNetwork;

  it("gives two units of one app their own address, both serving on port 8080", async () => {
    // Concurrent adds are serialised inside (not timed: they wait for each other).
    [fga0, fga1, jimm] = await Promise.all([
      net.addUnit({ model: "jaas", app: "openfga", unit: 0, kind: "kubernetes" }),
      net.addUnit({ model: "jaas", app: "openfga", unit: 1, kind: "kubernetes" }),
      net.addUnit({ model: "jaas", app: "jimm", unit: 0, kind: "kubernetes" }),
    ]);
    const pods = parseCidr(net.podCidr);
    for (const u of [fga0, fga1, jimm]) expect(cidrContains(pods, u.address)).toBe(true);
    expect(new Set([fga0.address, fga1.address, jimm.address]).size).toBe(3);
    expect(fga1.hostname).toBe("openfga-1.openfga-endpoints.jaas.svc.cluster.local");

    await Promise.all([serve(fga0, 8080), serve(fga1, 8080)]);
    expect(await httpGet(fga0.address, 8080)).toBe("openfga/0");
    expect(await httpGet(fga1.address, 8080)).toBe("openfga/1");
  });

  it("resolves Service, headless and pod names inside another unit's namespace", async () => {
    const both = [fga0.address, fga1.address].sort();
    for (const name of [
      "openfga.jaas.svc.cluster.local",
      "openfga-endpoints.jaas.svc.cluster.local",
      "openfga",
    ]) {
      expect((await resolveIn(jimm, name)).sort()).toEqual(both);
    }
    expect(await resolveIn(jimm, "openfga-1.openfga-endpoints.jaas.svc.cluster.local")).toEqual([
      fga1.address,
    ]);
    expect(await resolveIn(jimm, "openfga-0")).toEqual([fga0.address]);
    expect(await resolveIn(fga0, "jimm-0.jimm-endpoints.jaas.svc.cluster.local")).toEqual([
      jimm.address,
    ]);

    expect(
      await fetchIn(jimm, "http://openfga-1.openfga-endpoints.jaas.svc.cluster.local:8080/"),
    ).toBe("openfga/1");
    expect(["openfga/0", "openfga/1"]).toContain(
      await fetchIn(jimm, "http://openfga.jaas.svc.cluster.local:8080/"),
    );
  });

  it("points different clients at different units first, as the namespace's order says", async () => {
    const service = "openfga.jaas.svc.cluster.local";
    const members = [fga0.address, fga1.address];
    const firsts = new Set<string>();
    for (const client of [fga0, fga1, jimm]) {
      const order = await resolveIn(client, service);
      expect(order).toEqual(rotatedFor(client.address, members));
      firsts.add(order[0] as string);
    }
    expect(firsts.size).toBe(2);

    // Three members: glibc's own sort (longest common prefix with the client) would disagree
    // with the rotation for some clients; gai.conf makes getaddrinfo follow the rotation.
    const extra = [];
    try {
      for (let i = 0; i < 3; i++) {
        extra.push(await net.addUnit({ model: "jaas", app: "rot", unit: i, kind: "kubernetes" }));
      }
      const rot = extra.map((u) => u.address);
      const clients = [fga0, fga1, jimm, ...extra];
      const orders = await Promise.all(
        clients.map((c) => resolveIn(c, "rot.jaas.svc.cluster.local")),
      );
      clients.forEach((c, i) => expect(orders[i]).toEqual(rotatedFor(c.address, rot)));
      expect(new Set(orders.map((o) => o[0])).size).toBe(3);
    } finally {
      for (const u of extra) await net.removeUnit(u);
    }
  });

  it("lets a process already running in a namespace see names added and removed later", async () => {
    // A long-lived resolver: `ip netns exec` bind-mounted the hosts file when it started.
    const script =
      "require('readline').createInterface({ input: process.stdin }).on('line', (n) =>" +
      " require('dns').lookup(n, { all: true }, (e, a) =>" +
      " console.log(e ? e.code : a.map((x) => x.address).join(','))));";
    const resolver = spawnInNamespace(jimm.namespace, [process.execPath, "-e", script], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    children.push(resolver);
    const lines = createInterface({ input: resolver.stdout! })[Symbol.asyncIterator]();
    const ask = async (name: string) => {
      resolver.stdin!.write(`${name}\n`);
      return String((await lines.next()).value);
    };
    const name = "openfga-2.openfga-endpoints.jaas.svc.cluster.local";
    expect(await ask(name)).toBe("ENOTFOUND");
    const fga2 = await timed(timings.add, () =>
      net.addUnit({ model: "jaas", app: "openfga", unit: 2, kind: "kubernetes" }),
    );
    expect(await ask(name)).toBe(fga2.address);
    expect((await ask("openfga")).split(",").sort()).toEqual(
      [fga0.address, fga1.address, fga2.address].sort(),
    );
    await timed(timings.remove, () => net.removeUnit(fga2));
    expect(await ask(name)).toBe("ENOTFOUND");
    resolver.kill("SIGKILL");
  });

  it("puts a machine-model unit in the other range, reachable from pods and the host", async () => {
    pg = await timed(timings.add, () =>
      net.addUnit({ model: "db", app: "postgresql", unit: 0, kind: "machine" }),
    );
    expect(cidrContains(parseCidr(net.machineCidr), pg.address)).toBe(true);
    expect(cidrContains(parseCidr(net.podCidr), pg.address)).toBe(false);
    expect(pg.hostname).toBe("juju-db-0");
    expect(pg.machine).toBe(0);
    await serve(pg, 5432);
    expect(await httpGet(pg.address, 5432)).toBe("postgresql/0");
    // Pods reach machines (and back) directly over the bridge: the host does not forward.
    expect(await fetchIn(jimm, "http://juju-db-0:5432/")).toBe("postgresql/0");
    expect(
      await fetchIn(pg, "http://openfga-0.openfga-endpoints.jaas.svc.cluster.local:8080/"),
    ).toBe("openfga/0");
    // Pod short names are for their own model only.
    await expect(resolveIn(pg, "openfga-0")).rejects.toThrow();

    // A subordinate on the same machine shares its namespace and address.
    const sub = await net.addUnit({
      model: "db",
      app: "telegraf",
      unit: 0,
      kind: "machine",
      machine: 0,
    });
    expect([sub.namespace, sub.address]).toEqual([pg.namespace, pg.address]);
    expect(await resolveIn(pg, "telegraf-0")).toEqual([pg.address]);
    await net.removeUnit(sub);
    expect(await httpGet(pg.address, 5432)).toBe("postgresql/0");
    const next = await net.addUnit({ model: "db", app: "vault", unit: 0, kind: "machine" });
    expect([next.machine, next.hostname]).toEqual([1, "juju-db-1"]);
    await expect(
      net.addUnit({ model: "db", app: "x", unit: 0, kind: "kubernetes" }),
    ).rejects.toThrow(/machine model/);
  });

  it("answers network-get with the unit's real address, subnet and egress subnet", () => {
    const info = net.networkInfo(fga1);
    expect(info).toEqual({
      interfaceName: "eth0",
      macAddress: fga1.macAddress,
      bindAddress: fga1.address,
      cidr: net.podCidr,
      ingressAddress: fga1.address,
      egressSubnet: `${fga1.address}/32`,
      hostname: "openfga-1.openfga-endpoints.jaas.svc.cluster.local",
    });
    const answer: NetworkData = networkGetAnswer(net.networkInfo(pg));
    expect(answer).toEqual({
      bindAddresses: [
        {
          macAddress: pg.macAddress,
          interfaceName: "eth0",
          addresses: [{ hostname: "", value: pg.address, cidr: net.machineCidr }],
        },
      ],
      egressSubnets: [`${pg.address}/32`],
      ingressAddresses: [pg.address],
    });
    expect(() => net.networkInfo({ model: "jaas", unit: "nope/0" })).toThrow(/no network/);
  });

  it("keeps name lookups inside: hosts file only, loopback nameserver, no forwarding", async () => {
    const started = performance.now();
    await expect(
      execInNamespace(jimm.namespace, ["getent", "hosts", "example.com"]),
    ).rejects.toMatchObject({
      exitCode: 2,
    });
    expect(performance.now() - started).toBeLessThan(2000);
    const { stdout } = await execInNamespace(jimm.namespace, [
      "cat",
      "/etc/resolv.conf",
      "/etc/nsswitch.conf",
    ]);
    expect(stdout).toMatch(/^nameserver 127\.0\.0\.1$/m);
    expect(stdout).toMatch(/^hosts:\s+files$/m);
    expect(stdout).not.toMatch(/^nameserver (?!127\.0\.0\.1)/m);
    expect(
      (await readFile(`/proc/sys/net/ipv4/conf/${net.bridge}/forwarding`, "utf8")).trim(),
    ).toBe("0");
  });

  it("removes a unit completely, kills what still runs in it, and reuses its address and MAC", async () => {
    const server = children.find((c) => c.spawnargs.includes("openfga/1"));
    expect(server?.exitCode).toBe(null);
    const exited = once(server!, "exit");
    await timed(timings.remove, () => net.removeUnit(fga1));
    await exited;
    expect(await listNamespaces()).not.toContain(fga1.namespace);
    expect((await listLinks()).map((l) => l.ifname)).not.toContain(fga1.hostInterface);
    expect(await readdir(NETNS_ETC_DIR)).not.toContain(fga1.namespace);
    expect(await resolveIn(jimm, "openfga.jaas.svc.cluster.local")).toEqual([fga0.address]);
    await net.removeUnit(fga1); // unknown now: a no-op

    const again = await timed(timings.add, () =>
      net.addUnit({ model: "jaas", app: "openfga", unit: 1, kind: "kubernetes" }),
    );
    expect([again.address, again.macAddress]).toEqual([fga1.address, fga1.macAddress]);
    expect(again.namespace).not.toBe(fga1.namespace);
    await serve(again, 8080);
    expect(await fetchIn(jimm, "http://openfga-1:8080/")).toBe("openfga/1");
  });

  it("adds and removes units quickly", async () => {
    for (let i = 0; i < 5; i++) {
      const u = await timed(timings.add, () =>
        net.addUnit({ model: "jaas", app: "scale", unit: i, kind: "kubernetes" }),
      );
      await timed(timings.remove, () => net.removeUnit(u));
    }
    expect(median(timings.add)).toBeLessThan(1000);
    expect(median(timings.remove)).toBeLessThan(1000);
  });

  it("destroy() removes every namespace, link and folder with the prefix, and is safe twice", async () => {
    for (const child of children) child.kill("SIGKILL");
    const report = await net.destroy();
    expect(report?.namespaces.length).toBeGreaterThan(0);
    expect((await listNamespaces()).filter((n) => ownedBy(n, net.prefix))).toEqual([]);
    expect((await listLinks()).map((l) => l.ifname).filter((n) => ownedBy(n, net.prefix))).toEqual(
      [],
    );
    const folders = await readdir(NETNS_ETC_DIR).catch(() => []);
    expect(folders.filter((n) => ownedBy(n, net.prefix) || ownedBy(n, `.${net.prefix}`))).toEqual(
      [],
    );
    expect(await net.destroy()).toBeUndefined();
    await expect(
      net.addUnit({ model: "jaas", app: "late", unit: 0, kind: "kubernetes" }),
    ).rejects.toThrow(/destroyed/);
  });
});

describe("SimNetwork.create()", () => {
  it("gives instances created at the same moment their own bridge and subnets", async () => {
    const nets = [new SimNetwork(), new SimNetwork(), new SimNetwork()];
    try {
      const started = performance.now();
      await Promise.all(nets.map((n) => n.create()));
      console.log(`create() x3 concurrently: ${(performance.now() - started).toFixed(0)} ms`);
      expect(new Set(nets.map((n) => n.bridge)).size).toBe(3);
      expect(new Set(nets.map((n) => n.podCidr)).size).toBe(3);
      expect(new Set(nets.map((n) => n.machineCidr)).size).toBe(3);
      for (const n of nets) {
        expect(n.podCidr).toMatch(/^10\.250\.\d+\.0\/24$/);
        expect(n.machineCidr).toBe(n.podCidr.replace(/^10\.250\./, "10.251."));
        expect(n.podGateway).toBe(n.podCidr.replace(/0\/24$/, "1"));
      }
    } finally {
      await Promise.all(nets.map((n) => n.destroy()));
    }
  });

  it("refuses requested subnets that overlap the machine's, and leaves nothing behind", async () => {
    // Loopback's 127.0.0.0/8 is in use on every machine.
    const other = new SimNetwork({
      prefix: newPrefix(),
      podCidr: "127.0.0.0/24",
      machineCidr: "10.251.255.0/24",
    });
    try {
      await expect(other.create()).rejects.toThrow(/overlaps/);
      expect((await listLinks()).map((l) => l.ifname)).not.toContain(other.bridge);
    } finally {
      await other.destroy();
    }
  });
});
