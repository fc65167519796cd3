// The daemon's parts without a controller: the JSON-lines protocol (progress, results, errors
// with their codes, a client that goes away, a socket nobody listens on), the home's layout,
// and debug-log's reading of unit and agent log files with a cursor.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimError } from "../errors.js";
import { agentLine } from "./agent-log.js";
import { formatLogEntry, readDebugLog } from "./debug-log.js";
import { homePaths, jaasHome } from "./home.js";
import { call, DaemonError, NotRunningError } from "./protocol.js";
import { serve } from "./server.js";

let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "jaas-daemon-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("protocol", () => {
  it("streams progress, then a result or an error with its code", async () => {
    const socket = join(tmp, "api.sock");
    let aborted: Promise<void> | undefined;
    const server = await serve(socket, async (req, ctx) => {
      if (req.method === "echo") {
        ctx.progress("one");
        ctx.progress("two");
        return { params: req.params };
      }
      if (req.method === "refuse") throw new SimError("not-found", 'model "x" not found');
      if (req.method === "hang") {
        aborted = new Promise((resolve) => ctx.signal.addEventListener("abort", () => resolve()));
        await aborted;
        return null;
      }
      throw new Error("boom");
    });
    try {
      const progress: string[] = [];
      expect(await call(socket, "echo", { a: 1 }, { onProgress: (l) => progress.push(l) })).toEqual(
        {
          params: { a: 1 },
        },
      );
      expect(progress).toEqual(["one", "two"]);
      const refused = await call(socket, "refuse").catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DaemonError);
      expect(refused).toMatchObject({ code: "not-found", message: 'model "x" not found' });
      expect(await call(socket, "other").catch((e: unknown) => e)).toMatchObject({
        code: "internal",
        message: "boom",
      });
      // A client that goes away aborts what its request waits for.
      const stop = new AbortController();
      const pending = call(socket, "hang", {}, { signal: stop.signal }).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 100));
      stop.abort(new Error("bye"));
      expect(await pending).toMatchObject({ message: "bye" });
      await aborted;
      // A line that is not a request.
      const raw = await new Promise<string>((resolve) => {
        const s = connect(socket);
        let data = "";
        s.on("data", (d) => (data += d.toString()));
        s.on("close", () => resolve(data));
        s.write("not json\n");
      });
      expect(JSON.parse(raw)).toMatchObject({ error: { code: "invalid" } });
    } finally {
      await server.close();
    }
    expect(await call(socket, "echo").catch((e: unknown) => e)).toBeInstanceOf(NotRunningError);
  });
});

describe("home", () => {
  it("lives in $JAAS_HOME or ~/.local/share/jaas; long paths move sockets to /tmp", () => {
    expect(jaasHome({ JAAS_HOME: "/tmp/j" })).toBe("/tmp/j");
    expect(jaasHome({ HOME: "/home/u" })).toBe("/home/u/.local/share/jaas");
    expect(homePaths("/tmp/j")).toMatchObject({
      socket: "/tmp/j/jaas.sock",
      state: "/tmp/j/state",
      logs: "/tmp/j/logs",
      workloads: "/tmp/j/wl",
    });
    const long = homePaths(`/tmp/${"x".repeat(120)}`);
    expect(long.socket).toMatch(/^\/tmp\/jaas-[0-9a-f]{12}\.sock$/);
    expect(long.workloads).toMatch(/^\/tmp\/jaas-wl-[0-9a-f]{12}$/);
  });
});

describe("debug-log", () => {
  it("merges unit and agent logs by time, filters, follows with a cursor", () => {
    const state = join(tmp, "state");
    const agent = join(tmp, "agent");
    const unitDir = join(state, "units", "m", "unit-demo-0");
    mkdirSync(unitDir, { recursive: true });
    mkdirSync(join(agent, "m"), { recursive: true });
    mkdirSync(join(state, "units", "m", "unit-db-0"), { recursive: true });
    writeFileSync(
      join(unitDir, "unit.log"),
      "2026-11-26T10:00:01.000Z DEBUG unit.demo/0.install starting\n" +
        "2026-11-26T10:00:03.000Z INFO unit.demo/0.juju-log two\nlines\n",
    );
    writeFileSync(
      join(agent, "m", "unit-demo-0.log"),
      `2026-11-26T10:00:02.000Z ${agentLine({ hook: "install", exitCode: 0 }).join(" juju.worker.uniter.operation ")}\n`,
    );
    writeFileSync(
      join(state, "units", "m", "unit-db-0", "unit.log"),
      "2026-11-26T10:00:04.000Z WARNING unit.db/0.start careful\n",
    );
    const roots = { state, agent };
    const all = readDebugLog(roots, { model: "m", replay: true });
    expect(all.entries.map(formatLogEntry)).toEqual([
      "unit-demo-0: 10:00:01 DEBUG unit.demo/0.install starting",
      'unit-demo-0: 10:00:02 INFO juju.worker.uniter.operation ran "install" hook (via hook dispatching script: dispatch)',
      "unit-demo-0: 10:00:03 INFO unit.demo/0.juju-log two\nlines",
      "unit-db-0: 10:00:04 WARNING unit.db/0.start careful",
    ]);
    expect(readDebugLog(roots, { model: "m", include: ["unit-db-0"] }).entries).toHaveLength(1);
    expect(
      readDebugLog(roots, { model: "m", include: ["demo"], level: "info" }).entries,
    ).toHaveLength(2);
    expect(readDebugLog(roots, { model: "m", lines: 1 }).entries.map((e) => e.unit)).toEqual([
      "db/0",
    ]);
    appendFileSync(
      join(unitDir, "unit.log"),
      "2026-11-26T10:00:05.000Z ERROR unit.demo/0.start bad\n",
    );
    const next = readDebugLog(roots, { model: "m", cursor: all.cursor });
    expect(next.entries.map((e) => e.message)).toEqual(["bad"]);
    expect(agentLine({ hook: "start", exitCode: 1 })).toEqual([
      "ERROR",
      'hook "start" (via hook dispatching script: dispatch) failed: exit status 1',
    ]);
  });
});
