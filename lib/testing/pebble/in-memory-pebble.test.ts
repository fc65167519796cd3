/**
 * Tests of what only the in-memory Pebble has: its inspection helpers and test controls, and
 * explicit checks of what it does where it cannot model the real daemon.
 */

import { describe, expect, it } from "vitest";
import type { ExecError } from "../../pebble/errors.js";
import { APIError, ChangeError, ConnectionError } from "../../pebble/errors.js";
import { InMemoryPebble } from "./in-memory-pebble.js";
import { globToRegExp } from "./filesystem.js";

async function withService(pebble: InMemoryPebble, name: string, extra = {}): Promise<void> {
  await pebble.addLayer(name, {
    services: { [name]: { override: "replace", command: `/bin/${name}`, ...extra } },
  });
}

describe("in-memory Pebble: inspection and test controls", () => {
  it("shows running services, start counts, files and the plan", async () => {
    const pebble = new InMemoryPebble();
    await withService(pebble, "web", { startup: "enabled" });
    await withService(pebble, "worker");
    await pebble.replan();
    expect(pebble.runningServices()).toEqual(["web"]);
    expect(pebble.serviceStatus("worker")).toBe("inactive");
    expect(pebble.serviceStarts("web")).toBe(1);
    await pebble.push("/etc/web.conf", "port=80", { makeDirs: true });
    expect(pebble.fileText("/etc/web.conf")).toBe("port=80");
    expect(pebble.file("/etc/missing")).toBeUndefined();
    expect(pebble.currentPlan().services.web?.command).toBe("/bin/web");
    expect(pebble.layerList().map((l) => l.label)).toEqual(["web", "worker"]);
  });

  it("starts what a service requires and stops what requires it", async () => {
    const pebble = new InMemoryPebble();
    await withService(pebble, "db");
    await withService(pebble, "app", { requires: ["db"] });
    await pebble.startServices(["app"]);
    expect(pebble.runningServices()).toEqual(["app", "db"]);
    await pebble.stopServices(["db"]);
    expect(pebble.runningServices()).toEqual([]);
  });

  it("records execs and picks the longest matching handler prefix", async () => {
    const pebble = new InMemoryPebble();
    pebble.handleExec(["git"], { stdout: "git\n" });
    pebble.handleExec(["git", "status"], { stdout: "clean\n" });
    expect((await pebble.exec(["git", "status", "-s"])).stdout).toBe("clean\n");
    expect((await pebble.exec(["git", "log"])).stdout).toBe("git\n");
    expect(pebble.execHistory.map((e) => e.command)).toEqual([
      ["git", "status", "-s"],
      ["git", "log"],
    ]);
  });

  it("passes user, group and service context to handlers", async () => {
    const pebble = new InMemoryPebble();
    pebble.accounts.addGroup("app", 1000);
    pebble.accounts.addUser("app", 1000, 1000);
    await withService(pebble, "web", {
      environment: { FROM: "service" },
      user: "app",
      "working-dir": "/",
    });
    pebble.handleExec(["env"], (ctx) => ({
      stdout: `${ctx.environment.FROM} ${ctx.userId}:${ctx.groupId} ${ctx.workingDir}`,
    }));
    expect((await pebble.exec(["env"], { serviceContext: "web" })).stdout).toBe(
      "service 1000:1000 /",
    );
    const unknown = await pebble.exec(["env"], { user: "ghost" }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(APIError);
  });

  it("lets tests set check statuses and failures", async () => {
    const pebble = new InMemoryPebble();
    await pebble.addLayer("c", {
      checks: {
        ready: {
          override: "replace",
          level: "ready",
          threshold: 2,
          http: { url: "http://localhost/" },
        },
      },
    });
    await pebble.runChecks();
    expect((await pebble.getChecks())[0]).toMatchObject({ status: "up", successes: 1 });
    pebble.setCheckFailure("ready", "connection refused");
    await pebble.runChecks();
    expect((await pebble.getChecks())[0]).toMatchObject({ status: "up", failures: 1 });
    await pebble.runChecks();
    expect((await pebble.getChecks())[0]).toMatchObject({ status: "down", failures: 2 });
    expect(await pebble.health({ level: "ready" })).toBe(false);
    pebble.setCheckFailure("ready", undefined);
    pebble.setCheckStatus("ready", "up");
    expect(await pebble.health()).toBe(true);
    pebble.setCheckStatus("ready", "down");
    expect(await pebble.health()).toBe(false);
    const kinds = pebble.changeList().map((c) => c.kind);
    expect(kinds).toContain("recover-check");
  });

  it("simulates an unreachable container", async () => {
    const pebble = new InMemoryPebble({ socketPath: "/charm/containers/web/pebble.socket" });
    pebble.setConnected(false);
    const error = await pebble.getServices().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).socketPath).toBe("/charm/containers/web/pebble.socket");
    pebble.setConnected(true);
    await expect(pebble.getServices()).resolves.toEqual([]);
  });

  it("matches Go path.Match globs", () => {
    expect(globToRegExp("*.conf").test("a.conf")).toBe(true);
    expect(globToRegExp("*.conf").test("a/b.conf")).toBe(false);
    expect(globToRegExp("[!a]x").test("bx")).toBe(false);
    expect(globToRegExp("[^a]x").test("bx")).toBe(true);
    expect(globToRegExp("a\\*").test("a*")).toBe(true);
  });
});

describe("in-memory Pebble: what it cannot model (each test states the stand-in behaviour)", () => {
  it("cannot run real commands: an exec with no handler fails as a missing executable", async () => {
    const pebble = new InMemoryPebble();
    const error = await pebble.exec(["/bin/true"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toBe('cannot find executable "/bin/true"');
  });

  it("cannot run real services: a service with no handler runs silently until stopped", async () => {
    const pebble = new InMemoryPebble();
    await withService(pebble, "silent");
    await pebble.startServices(["silent"]);
    expect(pebble.serviceStatus("silent")).toBe("active");
    expect(await pebble.getLogs({ services: ["silent"] })).toEqual([]);
    await pebble.stopServices(["silent"]);
    expect(pebble.serviceSignals("silent")).toEqual(["SIGTERM"]);
  });

  it("cannot model time: checks run only when a test asks, never on their period", async () => {
    const pebble = new InMemoryPebble();
    pebble.handleExec(["false"], 1);
    await pebble.addLayer("c", {
      checks: {
        c: { override: "replace", period: "10ms", threshold: 1, exec: { command: "false" } },
      },
    });
    await new Promise((r) => setTimeout(r, 50));
    expect((await pebble.getChecks())[0]?.status).toBe("up");
    await pebble.runChecks();
    expect((await pebble.getChecks())[0]?.status).toBe("down");
  });

  it("cannot model backoff restarts: a service that exits stays in backoff", async () => {
    const pebble = new InMemoryPebble();
    pebble.handleExec(["/bin/crash"], 2);
    await withService(pebble, "crash", { "backoff-delay": "1ms" });
    await expect(pebble.startServices(["crash"])).rejects.toBeInstanceOf(ChangeError);
    await new Promise((r) => setTimeout(r, 20));
    expect(pebble.serviceStatus("crash")).toBe("backoff");
    expect(pebble.serviceStarts("crash")).toBe(1);
  });

  it("cannot model on-success/on-failure shutdown: the service ends in error, the daemon keeps going", async () => {
    const pebble = new InMemoryPebble();
    pebble.handleExec(["/bin/fail"], 1);
    await withService(pebble, "fail", { "on-failure": "shutdown" });
    await expect(pebble.startServices(["fail"])).rejects.toBeInstanceOf(ChangeError);
    expect(pebble.serviceStatus("fail")).toBe("error");
    await expect(pebble.getSystemInfo()).resolves.toMatchObject({ version: "v1.26.0" });
  });

  it("exec handlers may throw: the command then exits 1 with the message on stderr", async () => {
    const pebble = new InMemoryPebble();
    pebble.handleExec(["boom"], () => {
      throw new Error("handler exploded");
    });
    const error = (await pebble
      .exec(["boom"], { splitStderr: true })
      .catch((e: unknown) => e)) as ExecError;
    expect(error.exitCode).toBe(1);
    expect(error.stderr).toContain("handler exploded");
  });
});
