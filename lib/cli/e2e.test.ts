// The `jaas` command end to end, as a user runs it (bin/jaas, a real daemon in a temporary
// JAAS_HOME, network namespaces and real Pebble; needs root and .cache/bin/pebble):
// bootstrap -> add-model -> deploy a bundle of the repository's test charms -> status shows
// active/idle -> run an action -> bad input refused with nothing changed -> config -> scale ->
// show-unit, debug-log, status --watch -> the daemon restarts and keeps the model -> kill-controller
// leaves no process, namespace, mount or file behind. Whatever happens, afterAll kills the
// controller and removes the home.
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DaemonRecord } from "../sim/daemon/home.js";
import { homePaths } from "../sim/daemon/home.js";
import { killController } from "../sim/daemon/lifecycle.js";
import { listNamespaces } from "../sim/network/ip.js";
import type { StatusOutput } from "../sim/status.js";
import { defaultPebble } from "../sim/workload/manager.js";
import { pidsWithMarker } from "../sim/workload/procs.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const JAAS = join(ROOT, "bin", "jaas");

interface Run {
  code: number;
  out: string;
  err: string;
}

let tmp: string;
let home: string;
let env: NodeJS.ProcessEnv;

function jaas(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(JAAS, args, { env, cwd: tmp, timeout: 180_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      done({ code, out: stdout, err: stderr });
    });
  });
}

async function ok(...args: string[]): Promise<Run> {
  const r = await jaas(...args);
  expect(r.code, `jaas ${args.join(" ")}\n${r.err}`).toBe(0);
  return r;
}

async function status(): Promise<StatusOutput> {
  return JSON.parse((await ok("status", "--format=json")).out) as StatusOutput;
}

/** Waits until every unit of the model is active and idle; returns the status. */
async function converged(units: number): Promise<StatusOutput> {
  await ok("wait", "--timeout", "2m");
  const deadline = Date.now() + 90_000;
  for (;;) {
    const s = await status();
    const all = Object.values(s.applications).flatMap((a) => Object.values(a.units ?? {}));
    const done =
      all.length === units &&
      all.every(
        (u) => u["workload-status"].current === "active" && u["juju-status"].current === "idle",
      );
    if (done || Date.now() > deadline) return s;
    await new Promise((r) => setTimeout(r, 500));
  }
}

function record(): DaemonRecord {
  return JSON.parse(readFileSync(join(home, "daemon.json"), "utf8")) as DaemonRecord;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const root = process.getuid?.() === 0;

describe.skipIf(!root || !existsSync(defaultPebble()))("jaas end to end", () => {
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), "jaas-e2e-"));
    home = join(tmp, "h");
    env = {
      ...process.env,
      JAAS_HOME: home,
      JAAS_CHARM_PATH: join(ROOT, "lib", "sim", "tests", "charms"),
      JAAS_CHARM_CACHE: join(tmp, "charm-cache"),
    };
    writeFileSync(
      join(tmp, "bundle.yaml"),
      `bundle: kubernetes
applications:
  demo:
    charm: demo
    scale: 1
    resources: {web-image: ubuntu:24.04}
    options: {greeting: hey}
  src: {charm: relay}
  dst: {charm: relay}
relations:
  - [src:source, dst:sink]
`,
    );
  });

  afterAll(async () => {
    if (home !== undefined && existsSync(home)) await killController(homePaths(home));
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  }, 240_000);

  it("bootstraps, deploys a bundle, runs actions, refuses bad input, configures and scales", async () => {
    const boot = await ok("bootstrap", "e2e");
    expect(boot.err).toContain('Bootstrap complete, controller "e2e" is now available');
    expect(record().options).toMatchObject({ name: "e2e", networking: true, workloads: true });
    expect((await ok("add-model", "m")).err).toContain("Added 'm' model on sim-k8s/default");

    const deploy = await ok("deploy", "./bundle.yaml");
    expect(deploy.err).toContain('Located charm "demo" in the local catalogue (examples/demo)');
    expect(deploy.err).toContain("- add relation src:source - dst:sink");
    expect(deploy.err).toContain("Deploy of bundle completed.");

    const s = await converged(3);
    expect(s.model).toMatchObject({ name: "m", type: "caas", controller: "e2e" });
    expect(s.applications["demo"]?.["application-status"]).toMatchObject({
      current: "active",
      message: "hey",
    });
    expect(s.applications["demo"]?.units?.["demo/0"]).toMatchObject({
      "workload-status": { current: "active", message: "hey" },
      "juju-status": { current: "idle" },
      leader: true,
    });
    expect(s.applications["demo"]?.units?.["demo/0"]?.address).toMatch(/^10\.250\.\d+\.\d+$/);
    expect(s.applications["dst"]?.relations?.["sink"]).toEqual([
      { "related-application": "src", interface: "relay", scope: "global" },
    ]);
    const table = (await ok("status", "--relations")).out;
    expect(table).toMatch(/^Unit +Workload +Agent +Address +Ports +Message$/m);
    expect(table).toMatch(/^demo\/0\* +active +idle +10\.250\.\d+\.\d+ +hey$/m);
    expect(table).toMatch(/^src:source +dst:sink +relay +regular$/m);

    expect((await ok("run", "demo/0", "greet", "name=Ada")).out).toBe("message: hey, Ada!\n");

    // Bad input: refused with Juju's wording, nothing changed.
    const before = JSON.stringify((await status()).applications, (k, v: unknown) =>
      k === "since" ? undefined : v,
    );
    const refusals: [string[], number, string][] = [
      [
        ["run", "demo/0", "greet"],
        1,
        'ERROR validation failed: (root) : "name" property is missing and required',
      ],
      [["config", "demo", "port=abc"], 1, 'ERROR option "port" expected int, got "abc"'],
      [["integrate", "src", "dst"], 1, 'ERROR ambiguous relation: "src dst" could refer to'],
      [
        ["deploy", "postgresql-nope"],
        1,
        'ERROR charm "postgresql-nope" is not in the local catalogue (it has: ',
      ],
    ];
    for (const [args, code, message] of refusals) {
      const r = await jaas(...args);
      expect([r.code, r.err], args.join(" ")).toEqual([code, expect.stringContaining(message)]);
    }
    writeFileSync(
      join(tmp, "bad.yaml"),
      "applications:\n  x: {charm: relay, scale: 1, num_units: 2}\n",
    );
    const bad = await jaas("deploy", "./bad.yaml");
    expect(bad.code).toBe(1);
    expect(bad.err).toBe(
      'ERROR the provided bundle has the following errors:\ncannot specify both scale and num_units for application "x"\n',
    );
    const after = JSON.stringify((await status()).applications, (k, v: unknown) =>
      k === "since" ? undefined : v,
    );
    expect(after).toBe(before);

    await ok("config", "demo", "greeting=yo");
    expect((await ok("config", "demo", "greeting")).out).toBe("yo\n");
    await converged(3);
    expect((await ok("run", "demo/leader", "greet", "name=Ada")).out).toBe("message: yo, Ada!\n");

    expect((await ok("scale-application", "src", "2")).err).toContain("src scaled to 2 units");
    const scaled = await converged(4);
    expect(Object.keys(scaled.applications["src"]?.units ?? {}).sort()).toEqual(["src/0", "src/1"]);

    const unit = (await ok("show-unit", "dst/0")).out;
    expect(unit).toMatch(/^dst\/0:\n {2}opened-ports: \[\]\n {2}charm: local:relay-1\n/);
    expect(unit).toContain("related-endpoint: source");
    expect(unit).toMatch(/related-units:\n\s+src\/0:\n\s+in-scope: true/);
    expect(unit).toContain("src/1:");

    const log = (await ok("debug-log", "--include", "src/1", "--replay")).out;
    expect(log).toMatch(
      /^unit-src-1: \d\d:\d\d:\d\d INFO juju\.worker\.uniter\.operation ran "install" hook/m,
    );

    // status --watch redraws until Ctrl-C.
    const watch = spawn(JAAS, ["status", "--watch", "300ms"], { env, cwd: tmp });
    let frames = "";
    watch.stdout.on("data", (d: Buffer) => (frames += d.toString()));
    const count = (): number => frames.match(/^Every 0\.3s: jaas status -m m/gm)?.length ?? 0;
    const until = Date.now() + 60_000;
    while (count() < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    watch.kill("SIGINT");
    const watchCode = await new Promise<number | null>((r) => watch.on("exit", (c) => r(c)));
    expect(watchCode).toBe(0);
    expect(count()).toBeGreaterThanOrEqual(2);
    expect(frames).toMatch(/^demo\/0\* +active +idle/m);
  }, 600_000);

  it("restarts the daemon from its saved state, then kill-controller leaves nothing behind", async () => {
    const first = record();
    expect(first.pid).toBeDefined();
    process.kill(first.pid ?? 0, "SIGTERM");
    const deadline = Date.now() + 60_000;
    while (alive(first.pid ?? 0) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(alive(first.pid ?? 0)).toBe(false);
    expect((await listNamespaces()).filter((n) => n.startsWith(`${first.networkPrefix}-`))).toEqual(
      [],
    );

    const again = await ok("status");
    expect(again.err).toContain(
      'Controller "e2e" was not running: restarting it from its saved state',
    );
    const second = record();
    expect(second.pid).not.toBe(first.pid);
    const s = await converged(4);
    expect(Object.keys(s.applications).sort()).toEqual(["demo", "dst", "src"]);
    expect((await ok("run", "demo/0", "greet", "name=Ada")).out).toBe("message: yo, Ada!\n");

    const killed = await ok("kill-controller", "e2e", "--no-prompt");
    expect(killed.err).toContain('Controller "e2e" destroyed');
    expect(existsSync(home)).toBe(false);
    expect(alive(second.pid ?? 0)).toBe(false);
    expect(
      (await listNamespaces()).filter((n) => n.startsWith(`${second.networkPrefix}-`)),
    ).toEqual([]);
    expect(await pidsWithMarker(second.workloads)).toEqual([]);
    expect(readFileSync("/proc/mounts", "utf8")).not.toContain(home);
    expect(existsSync(second.socket)).toBe(false);
  }, 600_000);
});
