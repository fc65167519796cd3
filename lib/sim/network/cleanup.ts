/**
 * Finds and removes what a network instance left behind: its namespaces (and the processes
 * still inside them), its links, and its `/etc/netns` folders. Everything an instance makes is
 * named `<prefix>-...`, so the prefix alone is enough to find it after a crash.
 *
 * An instance also writes its owner into its bridge's alias (`jaas-sim pid=<pid> start=<t>`),
 * so {@link findOrphanPrefixes} can tell a crashed run's leftovers from a live run's, without
 * knowing their prefixes.
 *
 * @module
 */

import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";

import { NETNS_ETC_DIR } from "./files.js";
import { listLinks, listNamespaces, namespacePids, runIpIgnoringMissing } from "./ip.js";
import { assertPrefix, bridgeName, isPrefix, ownedBy } from "./names.js";

/**
 * What {@link cleanupStale} removed.
 *
 * @example
 * ```ts
 * const { namespaces, killed } = await cleanupStale("jsimk3x9");
 * ```
 */
export interface CleanupReport {
  namespaces: string[];
  links: string[];
  folders: string[];
  /** Processes that were still running inside the namespaces and were killed. */
  killed: number[];
}

/**
 * The alias tag that marks a bridge as made by this module.
 *
 * @example
 * ```ts
 * (await listLinks()).filter((l) => l.ifalias?.startsWith(OWNER_TAG));
 * ```
 */
export const OWNER_TAG = "jaas-sim";

/**
 * Kills (SIGKILL) every process still inside a namespace; returns their pids. This is the
 * backstop: the controller stops Pebble and workloads properly before removing a unit.
 *
 * @example
 * ```ts
 * await killNamespaceProcesses("jsimk3x9-1-jaas-openfga-0");
 * ```
 */
export async function killNamespaceProcesses(namespace: string): Promise<number[]> {
  const pids = await namespacePids(namespace);
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
    }
  }
  return pids;
}

/**
 * Removes every namespace, link and `/etc/netns` folder whose name starts with `<prefix>-`
 * (processes inside the namespaces are killed first). Safe to run when nothing is left. Keeps
 * going past a failure and throws an `AggregateError` of all failures at the end.
 *
 * @example
 * ```ts
 * // at controller start-up, after a crash of the run that used prefix "jsimk3x9":
 * const report = await cleanupStale("jsimk3x9");
 * ```
 */
export async function cleanupStale(
  prefix: string,
  options: { etcDir?: string } = {},
): Promise<CleanupReport> {
  assertPrefix(prefix);
  const etcDir = options.etcDir ?? NETNS_ETC_DIR;
  const report: CleanupReport = { namespaces: [], links: [], folders: [], killed: [] };
  const errors: unknown[] = [];
  const attempt = async (step: () => Promise<void>): Promise<void> => {
    try {
      await step();
    } catch (e) {
      errors.push(e);
    }
  };

  for (const ns of (await listNamespaces()).filter((n) => ownedBy(n, prefix))) {
    await attempt(async () => {
      report.killed.push(...(await killNamespaceProcesses(ns)));
      await runIpIgnoringMissing(["netns", "del", ns]);
      report.namespaces.push(ns);
    });
  }
  // Host ends of veth pairs first (deleting one deletes its peer), the bridge last: the bridge
  // carries the owner mark that findOrphanPrefixes looks for.
  const bridge = bridgeName(prefix);
  const links = (await listLinks()).map((l) => l.ifname).filter((n) => ownedBy(n, prefix));
  links.sort((a, b) => Number(a === bridge) - Number(b === bridge));
  for (const link of links) {
    await attempt(async () => {
      await runIpIgnoringMissing(["link", "del", link]);
      report.links.push(link);
    });
  }
  let entries: string[] = [];
  try {
    entries = await readdir(etcDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") errors.push(e);
  }
  for (const entry of entries) {
    if (!ownedBy(entry, prefix) && !ownedBy(entry, `.${prefix}`)) continue;
    await attempt(async () => {
      await rm(join(etcDir, entry), { recursive: true, force: true });
      report.folders.push(entry);
    });
  }
  if (errors.length > 0) {
    throw new AggregateError(
      errors,
      `cleanup of network prefix ${prefix} failed in ${errors.length} step(s)`,
    );
  }
  return report;
}

/**
 * The start time of a process (field 22 of `/proc/<pid>/stat`, in clock ticks since boot), or
 * `undefined` if there is no such process. Pid plus start time names a process uniquely, even
 * after the pid is reused.
 *
 * @example
 * ```ts
 * const t = await processStartTime(process.pid);
 * ```
 */
export async function processStartTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may contain spaces; fields follow the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19];
  } catch {
    return undefined;
  }
}

/**
 * The bridge alias that names this process as the owner of an instance.
 *
 * @example
 * ```ts
 * await runIp(["link", "set", "dev", bridge, "alias", await ownerAlias()]);
 * ```
 */
export async function ownerAlias(pid: number = process.pid): Promise<string> {
  return `${OWNER_TAG} pid=${pid} start=${(await processStartTime(pid)) ?? "?"}`;
}

/**
 * The prefixes of instances whose owner process is gone: their bridge carries an owner mark
 * naming a process that no longer exists (or a reused pid with another start time).
 *
 * @example
 * ```ts
 * for (const prefix of await findOrphanPrefixes()) await cleanupStale(prefix);
 * ```
 */
export async function findOrphanPrefixes(): Promise<string[]> {
  const orphans: string[] = [];
  for (const link of await listLinks()) {
    const alias = link.ifalias ?? "";
    const m = new RegExp(`^${OWNER_TAG} pid=(\\d+) start=(\\S+)$`).exec(alias);
    const prefix = link.ifname.slice(0, -"-br".length);
    if (m === null || link.ifname !== bridgeName(prefix) || !isPrefix(prefix)) continue;
    const [, pid, start] = m;
    if ((await processStartTime(Number(pid))) !== start) orphans.push(prefix);
  }
  return orphans;
}

/**
 * Cleans up after every instance whose owner process is gone (see {@link findOrphanPrefixes}).
 * Live instances of other processes, such as parallel test files, are left alone.
 *
 * @example
 * ```ts
 * await cleanupOrphans(); // at controller start-up
 * ```
 */
export async function cleanupOrphans(): Promise<CleanupReport[]> {
  const reports: CleanupReport[] = [];
  for (const prefix of await findOrphanPrefixes()) reports.push(await cleanupStale(prefix));
  return reports;
}
