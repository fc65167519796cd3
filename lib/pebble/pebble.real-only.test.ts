/**
 * Real-daemon-only tests: behaviour the in-memory Pebble cannot model because it runs no
 * processes and opens no sockets (real exit codes, users, a real HTTP check against a real
 * service, log streaming). Each test name says "real only".
 */

import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APIError, ChangeError, ExecError } from "./errors.js";
import { startRealPebble } from "./testing/real-pebble.js";
import type { RealPebble } from "./testing/real-pebble.js";

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function poll<T>(
  what: string,
  probe: () => Promise<T | false | undefined>,
  timeout = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await probe();
    if (value !== false && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("real Pebble daemon (real only)", () => {
  let real: RealPebble;
  beforeAll(async () => {
    real = await startRealPebble();
  });
  afterAll(async () => {
    await real?.stop();
  });

  it("real only: returns a real process's exit code and output", async () => {
    const error = await real.client
      .exec(["/bin/sh", "-c", "printf partial; exit 42"])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecError);
    expect(error).toMatchObject({ exitCode: 42, stdout: "partial" });
    const ok = await real.client.exec(["/bin/sh", "-c", "echo $((6 * 7))"]);
    expect(ok.stdout).toBe("42\n");
  });

  it("real only: runs a command as another user and group", async () => {
    // nobody's home directory does not exist, and Pebble refuses to default to it.
    const refused = await real.client
      .exec(["id", "-u"], { user: "nobody" })
      .catch((e: unknown) => e);
    expect((refused as APIError).message).toContain('home directory "/nonexistent" does not exist');
    const byName = await real.client.exec(["id", "-u"], {
      user: "nobody",
      group: "nogroup",
      workingDir: "/",
    });
    expect(byName.stdout.trim()).toBe("65534");
    const byId = await real.client.exec(["id", "-g"], {
      userId: 65534,
      groupId: 65534,
      workingDir: "/",
    });
    expect(byId.stdout.trim()).toBe("65534");
  });

  it("real only: sends signals to a real process (SIGKILL gives 137)", async () => {
    const proc = await real.client.spawn(["sleep", "30"]);
    proc.stdin.end();
    await proc.sendSignal("SIGKILL");
    await expect(proc.wait()).rejects.toMatchObject({ exitCode: 137 });
  });

  it("real only: an HTTP check on a real service goes down when the service stops", async () => {
    const port = await freeLoopbackPort();
    const { client } = real;
    await client.addLayer("http-service", {
      services: {
        web: {
          override: "replace",
          command: `python3 -m http.server ${port} --bind 127.0.0.1 --directory ${real.scratchDir}`,
        },
      },
      checks: {
        "web-up": {
          override: "replace",
          level: "alive",
          period: "300ms",
          timeout: "250ms",
          threshold: 1,
          http: { url: `http://127.0.0.1:${port}/` },
        },
      },
    });
    await client.startServices(["web"]);
    await poll("check up with a success", async () => {
      const [info] = await client.getChecks({ names: ["web-up"] });
      return info?.status === "up" && (info.successes ?? 0) > 0;
    });
    expect(await client.health({ level: "alive" })).toBe(true);
    await client.stopServices(["web"]);
    const down = await poll("check down", async () => {
      const [info] = await client.getChecks({ names: ["web-up"] });
      return info?.status === "down" && info;
    });
    expect(down.failures).toBeGreaterThanOrEqual(1);
    expect(await client.health({ level: "alive" })).toBe(false);
    expect(await client.health({ level: "ready" })).toBe(false);
    const refresh = await client.refreshCheck("web-up");
    expect(refresh.error).toMatch(/connection refused|connect|dial/);
    // While down, the check's current change is a recover-check change.
    const recover = await poll("a recover-check change", async () => {
      const [info] = await client.getChecks({ names: ["web-up"] });
      if (!info?.changeId) return false;
      const change = await client.getChange(info.changeId);
      return change.kind === "recover-check" && change;
    });
    expect(recover.ready).toBe(false);
    await client.stopChecks(["web-up"]);
  });

  it("real only: streams logs as a running service prints them", async () => {
    const { client } = real;
    await client.addLayer("ticker", {
      services: {
        ticker: {
          override: "replace",
          command: `/bin/sh -c 'i=0; while true; do echo tick-$i; i=$((i+1)); sleep 0.2; done'`,
        },
      },
    });
    await client.startServices(["ticker"]);
    const stop = new AbortController();
    const seen: string[] = [];
    for await (const entry of client.streamLogs({
      services: ["ticker"],
      follow: true,
      n: 0,
      signal: stop.signal,
    })) {
      seen.push(entry.message);
      if (seen.length >= 2) stop.abort();
    }
    expect(seen[0]).toMatch(/^tick-\d+$/);
    await client.stopServices(["ticker"]);
  });

  it("real only: reports the plan as Pebble's own YAML and the daemon as reachable", async () => {
    expect(await real.client.canConnect()).toBe(true);
    const yaml = await real.client.getPlanYaml();
    expect(yaml).toContain("services:");
    const bad = await real.client.addLayer("bad", "services: [").catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(APIError);
    expect((bad as APIError).message).toContain("cannot parse layer");
  });

  it("real only: a service that cannot start because its user does not exist fails its change", async () => {
    const { client } = real;
    await client.addLayer("baduser", {
      services: {
        baduser: { override: "replace", command: "sleep 1000", user: "no-such-user-here" },
      },
    });
    const error = await client.startServices(["baduser"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChangeError);
    expect((error as ChangeError).err).toContain("no-such-user-here");
  });

  it("real only: keeps working through files pushed into a path the daemon created", async () => {
    const path = join(real.scratchDir, "real-only", "deep", "file");
    await real.client.push(path, "x", { makeDirs: true, user: "nobody", group: "nogroup" });
    const [parent] = await real.client.listFiles(join(real.scratchDir, "real-only", "deep"), {
      itself: true,
    });
    expect(parent).toMatchObject({ user: "nobody", permissions: 0o755 });
  });
});
