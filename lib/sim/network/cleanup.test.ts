// Real kernel: needs root. Makes the leftovers of a "crashed" run on purpose, then cleans them.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

import { cleanupStale, findOrphanPrefixes, ownerAlias } from "./cleanup.js";
import { spawnInNamespace } from "./exec.js";
import { NETNS_ETC_DIR } from "./files.js";
import { listLinks, listNamespaces, runIp, runIpBatch } from "./ip.js";
import { newPrefix, ownedBy } from "./names.js";

// A prefix and a neighbour that extends it: cleaning one must not touch the other.
const prefix = newPrefix().slice(0, 7);
const neighbour = `${prefix}z`;

afterAll(async () => {
  try {
    await cleanupStale(prefix);
  } finally {
    await cleanupStale(neighbour);
  }
});

async function leftovers(p: string): Promise<string[]> {
  const folders = await readdir(NETNS_ETC_DIR).catch(() => []);
  return [
    ...(await listNamespaces()),
    ...(await listLinks()).map((l) => l.ifname),
    ...folders.map((f) => `/etc/netns/${f}`),
  ].filter((n) => ownedBy(n, p) || ownedBy(n.replace(/^\/etc\/netns\/\.?/, ""), p));
}

async function deadPid(): Promise<number> {
  const child = spawn("true");
  await once(child, "exit");
  return child.pid as number;
}

describe("cleanupStale", () => {
  it("removes a crashed run's namespaces, processes, links and folders, and nothing else", async () => {
    const ns = `${prefix}-1-jaas-openfga-0`;
    // prettier-ignore
    await runIpBatch([
      ["link", "add", "name", `${prefix}-br`, "type", "bridge"],
      ["netns", "add", ns],
      ["link", "add", `${prefix}-v1`, "type", "veth", "peer", "name", "eth0", "netns", ns],
      ["link", "set", "dev", `${prefix}-v1`, "master", `${prefix}-br`, "up"],
      ["netns", "add", `${prefix}-2-jaas-half-made`],
      ["link", "add", `${prefix}-v2`, "type", "veth", "peer", "name", `${prefix}-v2p`],
      ["netns", "add", `${neighbour}-1-keep`],
      ["link", "add", "name", `${neighbour}-br`, "type", "bridge"],
    ]);
    await runIp([
      "link",
      "set",
      "dev",
      `${prefix}-br`,
      "alias",
      `jaas-sim pid=${await deadPid()} start=1`,
    ]);
    await runIp(["link", "set", "dev", `${neighbour}-br`, "alias", await ownerAlias()]);
    for (const dir of [ns, `.${prefix}-3-jaas-x.tmp`, `${neighbour}-1-keep`]) {
      await mkdir(join(NETNS_ETC_DIR, dir), { recursive: true });
      await writeFile(join(NETNS_ETC_DIR, dir, "hosts"), "127.0.0.1 localhost\n");
    }
    // A workload that outlived its controller keeps the namespace alive.
    const sleeper = spawnInNamespace(ns, ["sleep", "60"], { stdio: "ignore" });
    const exited = once(sleeper, "exit");
    await new Promise((r) => setTimeout(r, 200));
    expect(sleeper.exitCode).toBe(null);

    const orphans = await findOrphanPrefixes();
    expect(orphans).toContain(prefix);
    expect(orphans).not.toContain(neighbour); // its owner, this process, is alive

    const report = await cleanupStale(prefix);
    expect(report.namespaces.sort()).toEqual([ns, `${prefix}-2-jaas-half-made`].sort());
    expect(report.links).toContain(`${prefix}-br`);
    expect(report.links.at(-1)).toBe(`${prefix}-br`); // the owner mark goes last
    expect(report.folders.sort()).toEqual([`.${prefix}-3-jaas-x.tmp`, ns].sort());
    expect(report.killed).toEqual([sleeper.pid]);
    const [, signal] = (await exited) as [number | null, string | null];
    expect(signal).toBe("SIGKILL");
    expect(await leftovers(prefix)).toEqual([]);
    expect((await leftovers(neighbour)).sort()).toEqual(
      [`${neighbour}-1-keep`, `${neighbour}-br`, `/etc/netns/${neighbour}-1-keep`].sort(),
    );

    // Nothing left: a second run is a no-op.
    expect(await cleanupStale(prefix)).toEqual({
      namespaces: [],
      links: [],
      folders: [],
      killed: [],
    });
    await cleanupStale(neighbour);
    expect(await leftovers(neighbour)).toEqual([]);
  });

  it("refuses a malformed prefix instead of matching too much", async () => {
    await expect(cleanupStale("")).rejects.toThrow(/bad network prefix/);
    await expect(cleanupStale("jsim-")).rejects.toThrow(/bad network prefix/);
  });
});
