/**
 * Finding and ending the processes of a workload container. Every process of a container
 * (Pebble, its services, what `pebble exec` runs) lives in the container's private mount
 * namespace, and carries the container's marker variable unless it cleared its environment;
 * stopping a container ends all of them, not only the ones Pebble still knows.
 *
 * @module
 */

import { readdir, readFile, readlink } from "node:fs/promises";

/**
 * The environment variable that marks a container's processes: its value names the container
 * (its folder of the shared volume on the host).
 *
 * @example
 * ```ts
 * spawn(cmd, args, { env: { ...env, [MARKER_ENV]: sharedDir } });
 * ```
 */
export const MARKER_ENV = "JAAS_SIM_WORKLOAD";

/**
 * The mount namespace of a process (`mnt:[4026532301]`), or `undefined` if it is gone.
 *
 * @example
 * ```ts
 * const ns = await mountNamespaceOf(pebble.pid);
 * ```
 */
export async function mountNamespaceOf(pid: number): Promise<string | undefined> {
  try {
    return await readlink(`/proc/${pid}/ns/mnt`);
  } catch {
    return undefined;
  }
}

async function allPids(): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir("/proc")) {
    if (/^\d+$/.test(name)) pids.push(Number(name));
  }
  return pids;
}

/**
 * The processes in a mount namespace. Refuses the caller's own namespace: that would be every
 * process of the host.
 *
 * @example
 * ```ts
 * const strays = await pidsInMountNamespace("mnt:[4026532301]");
 * ```
 */
export async function pidsInMountNamespace(ns: string): Promise<number[]> {
  if (ns === (await mountNamespaceOf(process.pid))) {
    throw new Error(`refusing to list the host's own mount namespace ${ns}`);
  }
  const found: number[] = [];
  for (const pid of await allPids()) {
    if ((await mountNamespaceOf(pid)) === ns) found.push(pid);
  }
  return found;
}

/**
 * The processes whose environment has {@link MARKER_ENV} set to `value` or to a path under it
 * (what a crashed run left behind).
 *
 * @example
 * ```ts
 * const left = await pidsWithMarker("/tmp/jaas-sim-wl-x1/jaas/openfga-0");
 * ```
 */
export async function pidsWithMarker(value: string): Promise<number[]> {
  const found: number[] = [];
  const prefix = `${MARKER_ENV}=`;
  for (const pid of await allPids()) {
    if (pid === process.pid) continue;
    let environ: string;
    try {
      environ = await readFile(`/proc/${pid}/environ`, "latin1");
    } catch {
      continue;
    }
    for (const entry of environ.split("\0")) {
      if (!entry.startsWith(prefix)) continue;
      const v = entry.slice(prefix.length);
      if (v === value || v.startsWith(`${value}/`)) found.push(pid);
    }
  }
  return found;
}

/**
 * Whether a process exists (a zombie counts as gone: it runs nothing).
 *
 * @example
 * ```ts
 * if (await isAlive(pid)) process.kill(pid, "SIGKILL");
 * ```
 */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/**
 * Sends SIGKILL to every pid and waits (up to `timeoutMs`) until none is running.
 *
 * @example
 * ```ts
 * await killAll(await pidsInMountNamespace(ns));
 * ```
 */
export async function killAll(pids: readonly number[], timeoutMs = 5_000): Promise<void> {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (const pid of pids) {
    while (await isAlive(pid)) {
      if (Date.now() > deadline) throw new Error(`process ${pid} survived SIGKILL`);
      await delay(10);
    }
  }
}

/**
 * Resolves after `ms` milliseconds.
 *
 * @example
 * ```ts
 * await delay(100);
 * ```
 */
export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
