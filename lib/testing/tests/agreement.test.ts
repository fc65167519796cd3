// The two backends must agree: the same sequence of events, run in-process and as a real
// process with the real hook-tool executables, gives identical States and records.
import { afterAll, describe, expect, it } from "vitest";
import type { Context } from "../context.js";
import type { TestEvent } from "../events.js";
import { type State, relation, secret, state } from "../state.js";
import { probeContext } from "./behaviour-suite.js";

const inProcess = probeContext("in-process");
const exec = probeContext("exec");
afterAll(() => Promise.all([inProcess.close(), exec.close()]));

async function runAll(ctx: Context, steps: ((ctx: Context) => TestEvent)[], start: State) {
  let s = start;
  const records: unknown[] = [];
  for (const step of steps) {
    s = await ctx.run(step(ctx), s);
    records.push({
      logs: ctx.logs,
      unit: ctx.unitStatusHistory,
      results: ctx.actionResults,
      actionLogs: ctx.actionLogs,
    });
  }
  return { state: s, records };
}

describe("in-process and exec backends agree", () => {
  it("on a sequence touching config, relations, deferral, secrets, actions and ports", async () => {
    const db = relation({
      id: 11,
      endpoint: "db",
      remoteAppName: "postgresql",
      remoteAppData: { endpoints: "pg:5432" },
    });
    const api = relation({ id: 12, endpoint: "api", remoteAppName: "client" });
    const s = secret({
      id: "secret:cfbq0a0v5blmlqqg5e2g",
      trackedContent: { password: "a" },
      latestContent: { password: "b" },
    });
    const start = state({
      leader: true,
      relations: [db, api],
      secrets: [s],
      config: { hold: true },
    });
    const steps: ((ctx: Context) => TestEvent)[] = [
      (c) => c.on.install(),
      (c) => c.on.configChanged(),
      (c) => c.on.relationChanged(db, { remoteUnit: 0 }),
      (c) => c.on.relationJoined(api),
      (c) => c.on.secretChanged(s),
      (c) => c.on.action("echo", { value: "x" }),
      (c) => c.on.action("open", { port: 443 }),
    ];
    const a = await runAll(inProcess, steps, start);
    const b = await runAll(exec, steps, start);
    expect(b.state).toEqual(a.state);
    expect(b.records).toEqual(a.records);
    expect(a.state.deferred).toHaveLength(1);
  });
});
