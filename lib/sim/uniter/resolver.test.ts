// The resolver's priority order (reference §3.1) on hand-made agent and observed states.
import { describe, expect, it } from "vitest";
import type { AgentState } from "../model/types.js";
import { newAgentState } from "../model/types.js";
import type { Observed, ObservedRelation } from "./remote-state.js";
import type { ResolverOptions } from "./resolver.js";
import { nextHook } from "./resolver.js";

const OPTS: ResolverOptions = {
  now: 1000,
  updateStatusIntervalMs: 0,
  storageBeforeInstall: true,
  inError: false,
};

function observed(over: Partial<Observed> = {}): Observed {
  return {
    life: "alive",
    isLeader: false,
    leaderSettingsVersion: 1,
    charmRevision: 1,
    configHash: "h1",
    relations: [],
    actions: [],
    workloadEvents: [],
    storage: [],
    secretHooks: [],
    consumedLatest: {},
    ...over,
  };
}

function agent(over: Partial<AgentState> = {}): AgentState {
  return {
    ...newAgentState(),
    installed: true,
    started: true,
    configChangedOnce: true,
    configHash: "h1",
    leaderSettingsVersion: 1,
    charmRevision: 1,
    ...over,
  };
}

const rel = (over: Partial<ObservedRelation> = {}): ObservedRelation => ({
  id: 3,
  endpoint: "db",
  peer: false,
  life: "alive",
  remoteApp: "pg",
  members: {},
  appVersion: 0,
  ...over,
});

describe("resolver", () => {
  it("attaches storage, then installs, before anything else", () => {
    const fresh = newAgentState();
    const o = observed({ storage: ["data/0"], actions: ["1"], relations: [rel()] });
    expect(nextHook(fresh, o, OPTS, "u/0")).toEqual({
      kind: "storage-attached",
      storageId: "data/0",
    });
    expect(nextHook({ ...fresh, storageAttached: ["data/0"] }, o, OPTS, "u/0")).toEqual({
      kind: "install",
    });
  });

  it("runs start right after the first config-changed, and queued steps first", () => {
    expect(
      nextHook(agent({ started: false }), observed({ relations: [rel()] }), OPTS, "u/0"),
    ).toEqual({ kind: "start" });
    const queued = agent({ queue: [{ kind: "upgrade-charm" }] });
    expect(nextHook(queued, observed({ actions: ["1"] }), OPTS, "u/0")).toEqual({
      kind: "upgrade-charm",
    });
  });

  it("orders relation-created, leadership, secrets, actions, config, relation hooks", () => {
    const o = observed({
      isLeader: true,
      relations: [rel({ members: { "pg/0": 1 } })],
      secretHooks: [{ kind: "secret-changed", model: "m", xid: "x", uri: "secret:x" }],
      actions: ["7"],
      configHash: "h2",
    });
    let a = agent();
    expect(nextHook(a, o, OPTS, "u/0")?.kind).toBe("relation-created");
    a = agent({ relations: { "3": { id: 3, endpoint: "db", members: {}, appVersion: 0 } } });
    expect(nextHook(a, o, OPTS, "u/0")?.kind).toBe("leader-elected");
    a = { ...a, leader: true };
    expect(nextHook(a, o, OPTS, "u/0")?.kind).toBe("secret-changed");
    expect(nextHook(a, { ...o, secretHooks: [] }, OPTS, "u/0")).toEqual({
      kind: "action",
      actionId: "7",
    });
    expect(nextHook(a, { ...o, secretHooks: [], actions: [] }, OPTS, "u/0")).toEqual({
      kind: "config-changed",
    });
    expect(
      nextHook(a, { ...o, secretHooks: [], actions: [], configHash: "h1" }, OPTS, "u/0"),
    ).toMatchObject({
      kind: "relation-joined",
      remoteUnit: "pg/0",
    });
  });

  it("relation hooks: departed, then app-level changed, then joined in string order, then changed", () => {
    const local = { id: 3, endpoint: "db", members: { "pg/1": 1, "pg/9": 2 }, appVersion: 0 };
    const remote = rel({ members: { "pg/10": 1, "pg/2": 1, "pg/9": 3 }, appVersion: 4 });
    const next = (a: AgentState) => nextHook(a, observed({ relations: [remote] }), OPTS, "u/0");
    let a = agent({ relations: { "3": { ...local } } });
    expect(next(a)).toMatchObject({
      kind: "relation-departed",
      remoteUnit: "pg/1",
      departingUnit: "pg/1",
    });
    a = agent({ relations: { "3": { ...local, members: { "pg/9": 2 } } } });
    expect(next(a)).toEqual({
      kind: "relation-changed",
      relationId: 3,
      endpoint: "db",
      remoteApp: "pg",
      version: 4,
    });
    a = agent({ relations: { "3": { ...local, members: { "pg/9": 2 }, appVersion: 4 } } });
    expect(next(a)).toMatchObject({ kind: "relation-joined", remoteUnit: "pg/10" });
    a = agent({
      relations: {
        "3": {
          ...local,
          members: { "pg/9": 2, "pg/10": 1 },
          appVersion: 4,
          changedPending: "pg/10",
        },
      },
    });
    expect(next(a)).toMatchObject({ kind: "relation-changed", remoteUnit: "pg/10" });
    a = agent({
      relations: {
        "3": { ...local, members: { "pg/9": 2, "pg/10": 1, "pg/2": 1 }, appVersion: 4 },
      },
    });
    expect(next(a)).toMatchObject({ kind: "relation-changed", remoteUnit: "pg/9", version: 3 });
  });

  it("a dying relation departs every member, then breaks", () => {
    const a = agent({
      relations: { "3": { id: 3, endpoint: "db", members: { "pg/0": 1 }, appVersion: 0 } },
    });
    const o = observed({ relations: [rel({ life: "dying", members: {} })] });
    expect(nextHook(a, o, OPTS, "u/0")).toMatchObject({
      kind: "relation-departed",
      remoteUnit: "pg/0",
    });
    const empty = agent({
      relations: { "3": { id: 3, endpoint: "db", members: {}, appVersion: 0 } },
    });
    expect(nextHook(empty, o, OPTS, "u/0")).toMatchObject({
      kind: "relation-broken",
      relationId: 3,
    });
  });

  it("a dying unit departs naming itself, breaks non-peer relations, stops, detaches, removes", () => {
    const o = observed({
      life: "dying",
      relations: [rel({ id: 1, peer: true, endpoint: "p", remoteApp: "u" }), rel()],
    });
    let a = agent({
      storageAttached: ["data/0"],
      relations: {
        "1": { id: 1, endpoint: "p", members: { "u/1": 1 }, appVersion: 0 },
        "3": { id: 3, endpoint: "db", members: {}, appVersion: 0 },
      },
    });
    expect(nextHook(a, o, OPTS, "u/0")).toMatchObject({
      kind: "relation-departed",
      remoteUnit: "u/1",
      departingUnit: "u/0",
    });
    a = {
      ...a,
      relations: {
        "1": { id: 1, endpoint: "p", members: {}, appVersion: 0 },
        "3": a.relations["3"]!,
      },
    };
    expect(nextHook(a, o, OPTS, "u/0")).toMatchObject({ kind: "relation-broken", relationId: 3 });
    a = { ...a, relations: { "1": a.relations["1"]! } };
    expect(nextHook(a, o, OPTS, "u/0")).toEqual({ kind: "stop" });
    expect(nextHook({ ...a, started: false }, o, OPTS, "u/0")).toEqual({
      kind: "storage-detaching",
      storageId: "data/0",
    });
    expect(nextHook({ ...a, started: false, storageAttached: [] }, o, OPTS, "u/0")).toEqual({
      kind: "remove",
    });
  });

  it("in error only actions run; update-status only when idle and due", () => {
    const o = observed({ configHash: "h9", actions: ["4"] });
    expect(nextHook(agent(), o, { ...OPTS, inError: true }, "u/0")).toEqual({
      kind: "action",
      actionId: "4",
    });
    expect(
      nextHook(agent(), observed({ configHash: "h9" }), { ...OPTS, inError: true }, "u/0"),
    ).toBeUndefined();
    const due = { ...OPTS, updateStatusIntervalMs: 500 };
    expect(nextHook(agent({ lastUpdateStatus: 600 }), observed(), due, "u/0")).toBeUndefined();
    expect(nextHook(agent({ lastUpdateStatus: 500 }), observed(), due, "u/0")).toEqual({
      kind: "update-status",
    });
    expect(
      nextHook(
        agent({ lastUpdateStatus: 0, started: false, configChangedOnce: false }),
        observed(),
        due,
        "u/0",
      ),
    ).toBeUndefined();
  });
});
