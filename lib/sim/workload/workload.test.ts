/**
 * The workload manager on the real kernel with real Pebble daemons: two units of one
 * application in their own network namespaces, each with a container whose Pebble runs an HTTP
 * server from a test image on port 8080. Needs root, `.cache/bin/pebble` and the exec helper
 * (built here if missing). Traffic goes only to the units' addresses on the test bridge.
 */

import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { PebbleClient } from "../../pebble/client.js";
import { processStartTime } from "../network/cleanup.js";
import { SimNetwork } from "../network/index.js";
import type { UnitNetwork } from "../network/index.js";
import type { WorkloadEvent } from "./events.js";
import { workloadHook } from "./events.js";
import { ensureExecHelper } from "./exec-helper.js";
import { cleanupOrphanWorkloads, defaultPebble, WorkloadManager } from "./manager.js";
import type { UnitWorkload, WorkloadUnitRef } from "./manager.js";
import {
  delay,
  isAlive,
  MARKER_ENV,
  mountNamespaceOf,
  pidsInMountNamespace,
  pidsWithMarker,
} from "./procs.js";

const MODEL = "wltest";
const APP = "webapp";

// A tiny workload: answers with its unit's name and the content of its config file.
const SERVER = `#!/usr/bin/env node
const http = require("node:http");
const fs = require("node:fs");
http
  .createServer((req, res) => {
    let config = "";
    try { config = fs.readFileSync("/etc/webapp/config.yaml", "utf8"); } catch {}
    res.end(JSON.stringify({ unit: process.env.UNIT, config }));
  })
  .listen(Number(process.env.PORT || 8080), "0.0.0.0");
process.on("SIGTERM", () => process.exit(0));
`;

function get(host: string, port: number, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: "/", timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve(body));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`GET http://${host}:${port}/ timed out`)));
    req.on("error", reject);
    req.end();
  });
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await delay(50);
  }
}

function run(argv: readonly string[], cwd?: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      argv[0] as string,
      argv.slice(1),
      { cwd, timeout: 15_000, env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${argv.join(" ")}: ${error.message}\n${stderr}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}

describe.skipIf(process.getuid?.() !== 0 || !existsSync(defaultPebble()))(
  "workload containers (real kernel, real Pebble)",
  () => {
    let net: SimNetwork;
    let manager: WorkloadManager;
    let work: string;
    let image: string;
    const events: WorkloadEvent[] = [];
    const errors: string[] = [];
    const nets: UnitNetwork[] = [];
    const started: UnitWorkload[] = [];
    const clients: PebbleClient[] = [];
    const ref = (n: number): WorkloadUnitRef => ({ model: MODEL, unit: `${APP}/${n}` });
    const client = (n: number): PebbleClient => {
      const c = manager.client(ref(n), "web");
      clients.push(c);
      return c;
    };
    const eventsOf = (n: number, kind: WorkloadEvent["kind"]): WorkloadEvent[] =>
      events.filter((e) => e.unit === `${APP}/${n}` && e.kind === kind);

    beforeAll(async () => {
      ensureExecHelper();
      work = await mkdtemp(join(tmpdir(), "wl-test-"));
      image = join(work, "image");
      await mkdir(image);
      await writeFile(join(image, "server"), SERVER);
      await chmod(join(image, "server"), 0o755);
      net = new SimNetwork();
      await net.create();
      manager = new WorkloadManager({
        stateDir: join(work, "state"),
        onError: (error, where) => errors.push(`${where}: ${String(error)}`),
      });
      manager.subscribe((e) => {
        events.push(e);
      });
      for (const n of [0, 1]) {
        nets.push(await net.addUnit({ model: MODEL, app: APP, unit: n, kind: "kubernetes" }));
      }
      const t0 = performance.now();
      started.push(
        ...(await Promise.all(
          [0, 1].map((n) =>
            manager.startUnit({ ...ref(n), namespace: nets[n]?.namespace }, [
              { name: "web", image, env: { UNIT: `${APP}/${n}` } },
            ]),
          ),
        )),
      );
      const ready = started.map((u) => Math.round(u.containers.web?.readyMs ?? -1));
      console.log(
        `two units started in ${Math.round(performance.now() - t0)} ms; Pebble start to ready: ${ready.join(", ")} ms`,
      );
    });

    afterAll(async () => {
      for (const c of clients) c.close();
      try {
        await manager?.close();
      } finally {
        await net?.destroy();
        if (work) await rm(work, { recursive: true, force: true });
      }
      // Nothing of the run is left: namespaces, their name files, the temporary folder.
      if (net !== undefined) {
        expect((await run(["ip", "netns", "list"])).stdout).not.toContain(net.prefix);
        expect(existsSync(`/etc/netns/${nets[0]?.namespace ?? "-"}`)).toBe(false);
      }
      expect(existsSync(work)).toBe(false);
    });

    it("puts each container's socket in the unit's containers folder and raises pebble-ready", async () => {
      for (const n of [0, 1]) {
        const u = started[n] as UnitWorkload;
        expect(u.containers.web?.socketPath).toBe(join(u.containersDir, "web", "pebble.socket"));
        expect((await client(n).getSystemInfo()).version).toBe("v1.26.0");
      }
      for (const n of [0, 1]) {
        // The unit's name files, as `ip netns exec` would show them, and the pod's host name.
        const hosts = await readFile(`/etc/netns/${nets[n]?.namespace}/hosts`, "utf8");
        expect((await client(n).exec(["cat", "/etc/hosts"])).stdout).toBe(hosts);
        expect((await client(n).exec(["hostname"])).stdout).toBe(`${APP}-${n}\n`);
        expect((await client(n).exec(["hostname", "-f"])).stdout).toBe(
          `${APP}-${n}.${APP}-endpoints.${MODEL}.svc.cluster.local\n`,
        );
      }
      await until("pebble-ready of both units", () =>
        [0, 1].every((n) => eventsOf(n, "pebble-ready").length === 1),
      );
      const ready = eventsOf(0, "pebble-ready")[0] as WorkloadEvent;
      expect(workloadHook(ready)).toEqual({
        hook: "web-pebble-ready",
        env: { JUJU_WORKLOAD_NAME: "web" },
      });
    });

    it("runs a service of each unit on the same port, reachable at each unit's address", async () => {
      for (const n of [0, 1]) {
        const pebble = client(n);
        await pebble.addLayer(
          "web",
          {
            services: {
              server: { override: "replace", command: "server", startup: "enabled" },
            },
          },
          { combine: true },
        );
        await pebble.replan();
      }
      for (const n of [0, 1]) {
        const address = (nets[n] as UnitNetwork).address;
        const body = await until(`server of unit ${n}`, () => get(address, 8080));
        expect(JSON.parse(body)).toMatchObject({ unit: `${APP}/${n}` });
      }
    });

    it("gives each container its own writable filesystem", async () => {
      const path = "/etc/webapp/config.yaml";
      for (const n of [0, 1]) {
        await client(n).push(path, `unit: ${n}\n`, { makeDirs: true });
      }
      for (const n of [0, 1]) {
        expect(await client(n).pullText(path)).toBe(`unit: ${n}\n`);
        const body = await get((nets[n] as UnitNetwork).address, 8080);
        expect(JSON.parse(body)).toMatchObject({ config: `unit: ${n}\n` });
      }
      expect(existsSync("/etc/webapp")).toBe(false);
      // The image is merged over /usr/local/bin, read-only; the host's own files stay visible.
      const { stdout } = await client(0).exec(["ls", "/usr/local/bin"]);
      expect(stdout.split("\n")).toContain("server");
      await expect(client(0).push("/usr/local/bin/x", "x")).rejects.toThrow(/read-only/);
    });

    it("raises one custom-notice event per `pebble notify` run in the container", async () => {
      const before = events.length;
      const { stdout } = await client(0).exec(["/charm/bin/pebble", "notify", "example.com/ping"]);
      const id = /notice (\d+)/.exec(stdout)?.[1];
      expect(id).toBeDefined();
      const [event] = await until("custom notice", () => {
        const found = eventsOf(0, "pebble-custom-notice");
        return found.length > 0 && found;
      });
      expect(event).toEqual({
        kind: "pebble-custom-notice",
        model: MODEL,
        unit: `${APP}/0`,
        container: "web",
        notice: { id, type: "custom", key: "example.com/ping" },
      });
      expect(workloadHook(event as WorkloadEvent).env).toEqual({
        JUJU_WORKLOAD_NAME: "web",
        JUJU_NOTICE_ID: id,
        JUJU_NOTICE_TYPE: "custom",
        JUJU_NOTICE_KEY: "example.com/ping",
      });
      // No second event, and nothing for the other unit.
      await delay(500);
      expect(events.slice(before).filter((e) => e.kind === "pebble-custom-notice")).toHaveLength(1);
      // The same key again is another occurrence of the same notice: one more event, same id.
      await client(0).exec(["/charm/bin/pebble", "notify", "example.com/ping"]);
      const again = await until("second occurrence", () => {
        const found = eventsOf(0, "pebble-custom-notice");
        return found.length === 2 && found;
      });
      expect(again[1]).toEqual(event);
      await delay(300);
      expect(events.slice(before).filter((e) => e.kind === "pebble-custom-notice")).toHaveLength(2);
    });

    it("raises check-failed when a check reaches its threshold and check-recovered when it passes", async () => {
      const pebble = client(0);
      await pebble.addLayer(
        "web",
        {
          checks: {
            alive: {
              override: "replace",
              period: "300ms",
              timeout: "200ms",
              threshold: 1,
              http: { url: "http://localhost:8080/" },
            },
          },
        },
        { combine: true },
      );
      await until("check up", async () => (await pebble.getChecks())[0]?.status === "up");
      await pebble.waitChange(await pebble.stopServices(["server"]));
      const failed = await until("check-failed", () => {
        const found = eventsOf(0, "pebble-check-failed");
        return found.length > 0 && found;
      });
      expect(failed).toEqual([
        {
          kind: "pebble-check-failed",
          model: MODEL,
          unit: `${APP}/0`,
          container: "web",
          checkName: "alive",
        },
      ]);
      expect(eventsOf(0, "pebble-check-recovered")).toHaveLength(0);
      await pebble.waitChange(await pebble.startServices(["server"]));
      const recovered = await until("check-recovered", () => {
        const found = eventsOf(0, "pebble-check-recovered");
        return found.length > 0 && found;
      });
      expect(recovered).toEqual([
        {
          kind: "pebble-check-recovered",
          model: MODEL,
          unit: `${APP}/0`,
          container: "web",
          checkName: "alive",
        },
      ]);
      expect(workloadHook(recovered[0] as WorkloadEvent)).toEqual({
        hook: "web-pebble-check-recovered",
        env: { JUJU_WORKLOAD_NAME: "web", JUJU_PEBBLE_CHECK_NAME: "alive" },
      });
      await delay(700);
      expect(eventsOf(0, "pebble-check-failed")).toHaveLength(1);
      expect(eventsOf(0, "pebble-check-recovered")).toHaveLength(1);
      await pebble.stopChecks(["alive"]);
    });

    it("runs a charm process that sees its containers' sockets at /charm/containers and the unit's network", async () => {
      const probe = `
        const http = require("node:http");
        const fs = require("node:fs");
        const os = require("node:os");
        const req = http.get({ socketPath: "/charm/containers/web/pebble.socket", path: "/v1/system-info" }, (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => {
            console.log(JSON.stringify({
              entries: fs.readdirSync("/charm/containers/web").sort(),
              version: JSON.parse(body).result.version,
              eth0: (os.networkInterfaces().eth0 || []).filter((a) => a.family === "IPv4").map((a) => a.address),
              cwd: process.cwd(),
              hosts: fs.readFileSync("/etc/hosts", "utf8"),
              hostname: os.hostname(),
            }));
          });
        });
        req.on("error", (e) => { console.error(e); process.exit(1); });
      `;
      const argv = manager.charmProcessCommand(ref(1), [process.execPath, "-e", probe]);
      const { stdout } = await run(argv, work);
      expect(JSON.parse(stdout)).toEqual({
        entries: ["pebble", "pebble.socket"],
        version: "v1.26.0",
        eth0: [(nets[1] as UnitNetwork).address],
        cwd: work,
        hosts: await readFile(`/etc/netns/${nets[1]?.namespace}/hosts`, "utf8"),
        hostname: `${APP}-1`,
      });
      expect(existsSync("/charm")).toBe(false);
    });

    it("churn replaces the pod: a new Pebble, a fresh filesystem, pebble-ready again", async () => {
      const old = started[1]?.containers.web?.pid as number;
      const after = await manager.churn(ref(1));
      expect(after.containers.web?.pid).not.toBe(old);
      expect(await isAlive(old)).toBe(false);
      await until("second pebble-ready", () => eventsOf(1, "pebble-ready").length === 2);
      const pebble = client(1);
      await expect(pebble.pullText("/etc/webapp/config.yaml")).rejects.toThrow();
      expect(await pebble.getServices()).toEqual([]);
    });

    it("restarts a Pebble that died, as the kubelet restarts a container", async () => {
      const u = manager.units().find((x) => x.unit === `${APP}/1`) as UnitWorkload;
      const old = u.containers.web?.pid as number;
      process.kill(old, "SIGKILL");
      await until("third pebble-ready", () => eventsOf(1, "pebble-ready").length === 3, 20_000);
      expect(errors).toEqual([
        expect.stringMatching(
          /^container webapp\/1\/web: Error: pebble exited \(SIGKILL\); restarting/,
        ),
      ]);
      errors.length = 0;
      const now = manager.units().find((x) => x.unit === `${APP}/1`) as UnitWorkload;
      expect(now.containers.web?.pid).not.toBe(old);
      expect((await client(1).getSystemInfo()).version).toBe("v1.26.0");
    });

    it("stopUnit leaves no process, mount or folder behind", async () => {
      const stateDir = manager.stateDir as string;
      // A process Pebble does not track (its own session, detached): it must go too.
      await client(0).exec(["sh", "-c", "setsid sleep 1000 >/dev/null 2>&1 &"]);
      const marked = await pidsWithMarker(join(stateDir, MODEL));
      const pebbles = manager.units().map((u) => u.containers.web?.pid);
      expect(marked).toEqual(expect.arrayContaining(pebbles));
      expect(marked.length).toBeGreaterThan(pebbles.length); // and the sleep
      const namespaces = new Set<string>();
      for (const pid of marked) {
        const ns = await mountNamespaceOf(pid);
        if (ns !== undefined) namespaces.add(ns);
      }
      expect(namespaces.size).toBe(2);
      for (const u of manager.units()) await manager.stopUnit(u);
      expect(manager.units()).toEqual([]);
      for (const pid of marked) expect(await isAlive(pid)).toBe(false);
      for (const ns of namespaces) expect(await pidsInMountNamespace(ns), ns).toEqual([]);
      expect(await pidsWithMarker(stateDir), "marked").toEqual([]);
      // Zombies run nothing; init reaps the orphans among them a moment later.
      const ps = await run(["ps", "-eo", "pid=,stat="]);
      const running = new Set(
        ps.stdout
          .split("\n")
          .map((l) => l.trim().split(/\s+/))
          .filter(([, stat]) => stat !== undefined && !stat.startsWith("Z"))
          .map(([pid]) => Number(pid)),
      );
      expect(
        marked.filter((pid) => running.has(pid)),
        ps.stdout,
      ).toEqual([]);
      expect(await readFile("/proc/mounts", "utf8")).not.toContain(stateDir);
      expect(existsSync(join(stateDir, MODEL))).toBe(false);
      expect(errors).toEqual([]);
    });
  },
);

describe("cleanupOrphanWorkloads", () => {
  it("removes state folders whose owner is gone, with their containers' processes", async () => {
    const root = await mkdtemp(join(tmpdir(), "wl-orphans-"));
    try {
      const dead = join(root, "jaas-sim-wl-dead");
      const alive = join(root, "jaas-sim-wl-alive");
      await mkdir(join(dead, "m", "a-0", "containers", "web"), { recursive: true });
      await mkdir(alive);
      // pid 2^22 + 1 is above every pid_max: no such process.
      await writeFile(join(dead, ".owner"), "4194305 1");

      await writeFile(
        join(alive, ".owner"),
        `${process.pid} ${await processStartTime(process.pid)}`,
      );
      const stray = spawn("sleep", ["1000"], {
        env: { PATH: "/usr/bin:/bin", [MARKER_ENV]: join(dead, "m", "a-0", "containers", "web") },
        stdio: "ignore",
      });
      try {
        await until("marked process", async () =>
          (await pidsWithMarker(dead)).includes(stray.pid as number),
        );
        expect(await cleanupOrphanWorkloads(root)).toEqual([dead]);
        expect(existsSync(dead)).toBe(false);
        expect(existsSync(alive)).toBe(true);
        await until("stray killed", async () => !(await isAlive(stray.pid as number)));
      } finally {
        stray.kill("SIGKILL");
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
