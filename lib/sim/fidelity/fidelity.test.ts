// Fidelity proof with the real Python `ops` (3.9.0, from PyPI): a Python charm (`py-charm/`) and
// a TypeScript charm (`ts-charm/`) are deployed into a local model, related, given secrets,
// reconfigured, scaled 1 -> 3 -> 1 and given actions. Every hook tool ops calls goes through the
// model's emulation (lib/jujuc over the Go shim), so a tool that answers differently from Juju
// makes ops raise (the hook fails), or the data, statuses, secrets or hook counts asserted here
// come out wrong. Hook counts are what Juju runs: exact, except relation-changed where Juju may
// fold several remote writes into one hook (then a range).
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Controller } from "../controller.js";
import type { RelationInfoOutput } from "../show-unit.js";
import { expectBefore, expectHooks, keysOf, lastSeq, recordsOf } from "./expect-hooks.js";
import { buildTsCharm, ensureFidelityVenv, preparePyCharm } from "./setup.js";

const M = "fid";
const PHASE_MS = 600_000;
const SETTLE_MS = 540_000;

/** What the charms publish in place of a token: its SHA-256, 12 hex digits. */
function digest(token: string): string {
  return createHash("sha256").update(token).digest("hex").slice(0, 12);
}

let tmp = "";
let c: Controller | undefined;
let modelUuid = "";
/** Wall time of each phase, reported at the end. */
const timings: Record<string, number> = {};

function ctl(): Controller {
  if (c === undefined) throw new Error("no controller (set-up failed)");
  return c;
}

async function settled(phase: string, started: number): Promise<void> {
  const r = await ctl().settle({ timeoutMs: SETTLE_MS });
  timings[phase] = Date.now() - started;
  expect(r.errors, `${phase}: units in error`).toEqual([]);
  expect(r.idle, `${phase}: still busy ${r.busy.join(", ")}`).toBe(true);
}

function relationOf(unit: string, endpoint: string): RelationInfoOutput {
  const info = ctl().showUnit(M, unit)[unit];
  const rel = info?.["relation-info"].find((r) => r.endpoint === endpoint);
  if (rel === undefined) throw new Error(`${unit} has no ${endpoint} relation`);
  return rel;
}

function addressOf(unit: string): string {
  return ctl().showUnit(M, unit)[unit]?.address ?? "";
}

function secretByLabel(label: string) {
  const secret = Object.values(ctl().state.models[M]?.secrets ?? {}).find((s) => s.label === label);
  if (secret === undefined) throw new Error(`no secret labelled ${label}`);
  return secret;
}

function unitSecretOf(unit: string) {
  const secret = Object.values(ctl().state.models[M]?.secrets ?? {}).find(
    (s) => s.owner.kind === "unit" && s.owner.unit === unit,
  );
  if (secret === undefined) throw new Error(`no secret owned by ${unit}`);
  return secret;
}

function shareId(): number {
  const rel = ctl().state.relations.find((r) => !r.peer);
  if (rel === undefined) throw new Error("no share relation");
  return rel.id;
}

function workload(unit: string): { current: string; message?: string } {
  const app = unit.slice(0, unit.indexOf("/"));
  const s = ctl().status(M).applications[app]?.units?.[unit]?.["workload-status"];
  return { current: s?.current ?? "", ...(s?.message ? { message: s.message } : {}) };
}

function appStatus(app: string): { current: string; message?: string } {
  const s = ctl().status(M).applications[app]?.["application-status"];
  return { current: s?.current ?? "", ...(s?.message ? { message: s.message } : {}) };
}

/** The inspect action's view of a Python unit. */
async function inspect(unit: string): Promise<Record<string, unknown>> {
  const r = await ctl().runAction(M, unit, "inspect");
  expect(r.status, r.stderr).toBe("completed");
  return JSON.parse(String(r.results["view"])) as Record<string, unknown>;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "jsim-fidelity-"));
  const started = Date.now();
  const venv = ensureFidelityVenv();
  const py = preparePyCharm(join(tmp, "py"), venv);
  const ts = await buildTsCharm(join(tmp, "ts"));
  timings["set-up (venv, charms)"] = Date.now() - started;
  c = await Controller.create({
    stateDir: join(tmp, "controller"),
    updateStatusIntervalMs: 0,
    timeScale: 0.005,
    persist: false,
  });
  const model = await c.addModel(M);
  modelUuid = model.uuid;
  const t = Date.now();
  await c.deploy(M, { charmDir: py, name: "py", trust: true });
  await c.deploy(M, { charmDir: ts, name: "ts", scale: 2 });
  await settled("deploy", t);
}, PHASE_MS);

afterAll(async () => {
  try {
    await c?.destroy({ removeState: true });
  } finally {
    if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
    if (Object.keys(timings).length > 0) {
      const lines = Object.entries(timings).map(([k, v]) => `  ${k}: ${(v / 1000).toFixed(1)} s`);
      console.log(`fidelity timings:\n${lines.join("\n")}`);
    }
  }
}, PHASE_MS);

describe.sequential("a real Python ops charm and a TypeScript charm in the local model", () => {
  it("deploy: each unit runs Juju's setup sequence; the Python leader publishes its peer data", () => {
    expect(keysOf(ctl(), M, "py/0")).toEqual([
      "install",
      "cluster-relation-created",
      "leader-elected",
      "config-changed",
      "start",
    ]);
    expect(keysOf(ctl(), M, "ts/0")).toEqual([
      "install",
      "leader-elected",
      "config-changed",
      "start",
    ]);
    expect(keysOf(ctl(), M, "ts/1")).toEqual([
      "install",
      "leader-settings-changed",
      "config-changed",
      "start",
    ]);
    expect(recordsOf(ctl(), M, "py/0").every((r) => r.exitCode === 0)).toBe(true);

    const appSecret = secretByLabel("py-app");
    expect(appSecret).toMatchObject({
      owner: { kind: "application", app: "py" },
      description: "fidelity application token",
      rotate: "daily",
      latestRevision: 1,
      revisions: { "1": { token: "py-app-r1" } },
      grants: [],
    });
    const cluster = relationOf("py/0", "cluster");
    expect(cluster["application-data"]).toEqual({
      "app-secret-id": `secret://${modelUuid}/${appSecret.xid}`,
      leader: "py/0",
      members: "py/0",
    });
    expect(cluster["local-unit"].data).toMatchObject({ greeting: "hello" });

    const py = ctl().showUnit(M, "py/0")["py/0"];
    expect(py?.["opened-ports"]).toEqual(["8080/tcp"]);
    expect(py?.["workload-version"]).toBe("ops-3.9.0");
    expect(ctl().status(M).applications["py"]?.version).toBe("ops-3.9.0");
    expect(workload("py/0")).toEqual({
      current: "waiting",
      message: "waiting for the share relation",
    });
    expect(appStatus("py")).toEqual({ current: "active", message: "1 units" });
    expect(workload("ts/1")).toEqual({ current: "waiting", message: "waiting for fidelity-py" });
    // ops keeps its state in Juju's charm state (use_juju_for_storage).
    const state = ctl().state.models[M]?.units["py/0"]?.charmState ?? {};
    expect(Object.keys(state)).toEqual(
      expect.arrayContaining(["FidelityCharm/StoredStateData[_stored]"]),
    );
  });

  it(
    "integrate: relation data, secrets granted and read both ways, statuses",
    async () => {
      const mark = lastSeq(ctl());
      const t = Date.now();
      await ctl().integrate(M, "py", "ts");
      await settled("integrate", t);

      expectHooks(ctl(), M, "py/0", mark, {
        "share-relation-created": 1,
        "share-relation-changed": 1,
        // At most one more than the distinct writes the remote unit makes meanwhile (four).
        "share-relation-joined ts/0": 1,
        "share-relation-changed ts/0": [1, 5],
        "share-relation-joined ts/1": 1,
        "share-relation-changed ts/1": [1, 5],
      });
      for (const unit of ["ts/0", "ts/1"]) {
        expectHooks(ctl(), M, unit, mark, {
          "share-relation-created": 1,
          "share-relation-changed": 1,
          "share-relation-joined py/0": 1,
          "share-relation-changed py/0": [1, 5],
        });
      }
      for (const unit of ["py/0", "ts/0", "ts/1"]) {
        const keys = keysOf(ctl(), M, unit, mark);
        expect(keys[0]).toBe("share-relation-created");
        for (const remote of unit.startsWith("py") ? ["ts/0", "ts/1"] : ["py/0"]) {
          expectBefore(keys, `share-relation-joined ${remote}`, `share-relation-changed ${remote}`);
        }
      }

      const id = shareId();
      const appSecret = secretByLabel("py-app");
      const unitSecret = unitSecretOf("py/0");
      const tsSecret = secretByLabel("ts-own");
      expect(unitSecret).toMatchObject({
        label: "py-unit",
        description: "token of py/0",
        revisions: { "1": { token: "py/0-r1" } },
      });
      expect(tsSecret).toMatchObject({
        owner: { kind: "application", app: "ts" },
        revisions: { "1": { token: "ts-r1" } },
      });
      expect(appSecret.grants).toEqual([{ relationId: id, target: "ts", role: "view" }]);
      expect(unitSecret.grants).toEqual([{ relationId: id, target: "ts", role: "view" }]);
      expect(tsSecret.grants).toEqual([{ relationId: id, target: "py", role: "view" }]);
      // The consumers track revision 1, under their own labels.
      expect(appSecret.consumers).toMatchObject({
        "fid:ts/0": { trackedRevision: 1, label: "py-app" },
        "fid:ts/1": { trackedRevision: 1, label: "py-app" },
      });
      expect(unitSecret.consumers).toMatchObject({
        "fid:ts/0": { trackedRevision: 1, label: "py-unit-0" },
        "fid:ts/1": { trackedRevision: 1, label: "py-unit-0" },
      });
      expect(tsSecret.consumers).toMatchObject({
        "fid:py/0": { trackedRevision: 1, label: "ts-token" },
      });

      // What each side publishes, and sees of the other, through `juju show-unit`.
      const pyShare = relationOf("py/0", "share");
      expect(pyShare["relation-id"]).toBe(id);
      expect(pyShare["application-data"]).toEqual({
        "secret-id": `secret://${modelUuid}/${tsSecret.xid}`,
        ping: "pong",
      });
      expect(pyShare["local-unit"].data).toEqual({
        "private-address": addressOf("py/0"),
        "ingress-address": addressOf("py/0"),
        "egress-subnets": `${addressOf("py/0")}/32`,
        "bind-address": addressOf("py/0"),
        "unit-secret-id": `secret://${modelUuid}/${unitSecret.xid}`,
        "ts-digest": digest("ts-r1"),
        "ts-units": "ts/0,ts/1",
      });
      for (const unit of ["ts/0", "ts/1"]) {
        const share = relationOf(unit, "share");
        expect(share["application-data"]).toEqual({
          "secret-id": `secret://${modelUuid}/${appSecret.xid}`,
          greeting: "hello",
          port: "8080",
        });
        expect(share["local-unit"].data).toEqual({
          "private-address": addressOf(unit),
          "ingress-address": addressOf(unit),
          "egress-subnets": `${addressOf(unit)}/32`,
          "py-units": "py/0",
          "py-greeting": "hello",
          "py-app-digest": digest("py-app-r1"),
          "py-unit-digests": JSON.stringify({ "py/0": digest("py/0-r1") }),
        });
        expect(share["related-units"]?.["py/0"]?.data).toEqual(pyShare["local-unit"].data);
        expect(pyShare["related-units"]?.[unit]?.data).toEqual(share["local-unit"].data);
      }

      expect(workload("py/0")).toEqual({ current: "active", message: "serving hello" });
      expect(appStatus("py")).toEqual({ current: "active", message: "1 units" });
      for (const unit of ["ts/0", "ts/1"]) {
        expect(workload(unit)).toEqual({ current: "active", message: "py says hello" });
      }
    },
    PHASE_MS,
  );

  it(
    "config change: typed options reach ops, the port moves, the TS side sees the new greeting",
    async () => {
      const mark = lastSeq(ctl());
      const t = Date.now();
      await ctl().config(M, "py", {
        greeting: "bonjour",
        port: "9090",
        ratio: "0.75",
        debug: "true",
        nickname: "pat",
      });
      await settled("config change", t);
      expectHooks(ctl(), M, "py/0", mark, {
        "config-changed": 1,
        "share-relation-changed ts/0": 1,
        "share-relation-changed ts/1": 1,
      });
      for (const unit of ["ts/0", "ts/1"]) {
        expectHooks(ctl(), M, unit, mark, { "share-relation-changed": 1 });
        expect(relationOf(unit, "share")["local-unit"].data["py-greeting"]).toBe("bonjour");
        expect(relationOf(unit, "share")["application-data"]).toMatchObject({
          greeting: "bonjour",
          port: "9090",
        });
        expect(workload(unit)).toEqual({ current: "active", message: "py says bonjour" });
      }
      expect(ctl().showUnit(M, "py/0")["py/0"]?.["opened-ports"]).toEqual(["9090/tcp"]);
      expect(relationOf("py/0", "cluster")["local-unit"].data["greeting"]).toBe("bonjour");
      expect(workload("py/0")).toEqual({ current: "active", message: "serving bonjour" });
    },
    PHASE_MS,
  );

  it(
    "secrets: a new revision of a Python unit's secret reaches the TS units, then revision 1 is removed",
    async () => {
      const mark = lastSeq(ctl());
      const t = Date.now();
      const rotated = await ctl().runAction(M, "py/0", "rotate");
      expect(rotated).toMatchObject({
        status: "completed",
        results: { digest: digest("py/0-r2") },
      });
      await settled("rotate the Python unit secret", t);

      expectHooks(ctl(), M, "py/0", mark, {
        "action:rotate": 1,
        "secret-remove": 1,
        "share-relation-changed ts/0": 1,
        "share-relation-changed ts/1": 1,
      });
      for (const unit of ["ts/0", "ts/1"]) {
        expectHooks(ctl(), M, unit, mark, { "secret-changed": 1 });
        expect(relationOf(unit, "share")["local-unit"].data["py-unit-digests"]).toBe(
          JSON.stringify({ "py/0": digest("py/0-r2") }),
        );
      }
      const secret = unitSecretOf("py/0");
      expect(secret.latestRevision).toBe(2);
      expect(secret.revisions).toEqual({ "2": { token: "py/0-r2" } });
      expect(secret.removeNotified).toEqual([1]);
      expect(secret.consumers).toMatchObject({
        "fid:ts/0": { trackedRevision: 2 },
        "fid:ts/1": { trackedRevision: 2 },
      });
      const remove = recordsOf(ctl(), M, "py/0", mark).find((r) => r.hook === "secret-remove");
      const log = ctl()
        .unitLog(M, "py/0")
        .filter((l) => l.time >= (remove?.startedAt ?? 0) && l.logger === "unit.py/0.juju-log");
      expect(log.map((l) => l.message)).toContain("removing revision 1 of py-unit");
    },
    PHASE_MS,
  );

  it(
    "secrets: a new revision of the TS secret reaches ops (tracked, peek, refresh), then revision 1 is removed",
    async () => {
      const mark = lastSeq(ctl());
      const t = Date.now();
      const rotated = await ctl().runAction(M, "ts/0", "rotate");
      expect(rotated).toMatchObject({ status: "completed", results: { digest: digest("ts-r2") } });
      await settled("rotate the TS secret", t);

      expectHooks(ctl(), M, "py/0", mark, { "secret-changed": 1 });
      expectHooks(ctl(), M, "ts/0", mark, {
        "action:rotate": 1,
        "secret-remove": 1,
        "share-relation-changed py/0": 1,
      });
      expectHooks(ctl(), M, "ts/1", mark, { "share-relation-changed py/0": 1 });
      // In secret-changed ops read the tracked revision (1), peeked at the latest (2), refreshed.
      expect(relationOf("py/0", "share")["local-unit"].data).toMatchObject({
        "ts-seen": `${digest("ts-r1")}>${digest("ts-r2")}`,
        "ts-digest": digest("ts-r2"),
      });
      const secret = secretByLabel("ts-own");
      expect(secret.revisions).toEqual({ "2": { token: "ts-r2" } });
      expect(secret.consumers).toMatchObject({
        "fid:py/0": { trackedRevision: 2, label: "ts-token" },
      });
      const changed = recordsOf(ctl(), M, "py/0", mark)[0];
      expect(changed?.hook).toBe("secret-changed");
    },
    PHASE_MS,
  );

  it(
    "actions: parameters, nested results, progress messages, a failure, and the unit's whole view",
    async () => {
      const t = Date.now();
      const greet = await ctl().runAction(M, "py/0", "greet", { name: "Ada", times: 2 });
      expect(greet).toMatchObject({
        status: "completed",
        results: { greeting: { text: "bonjour, Ada! bonjour, Ada!", times: "2" }, unit: "py/0" },
        log: ["composing a greeting for Ada"],
        returnCode: 0,
      });
      const defaults = await ctl().runAction(M, "py/0", "greet", { name: "Bo" });
      expect(defaults.results).toMatchObject({ greeting: { text: "bonjour, Bo!", times: "1" } });
      await expect(ctl().runAction(M, "py/0", "greet", {})).rejects.toThrow(/name/);
      await expect(ctl().runAction(M, "py/0", "greet", { name: "x", loud: true })).rejects.toThrow(
        /loud/,
      );

      const failed = await ctl().runAction(M, "py/0", "fail", { reason: "on purpose" });
      expect(failed).toMatchObject({
        status: "failed",
        message: "failed on purpose",
        results: { partial: "yes" },
        returnCode: 0,
      });
      const greeted = ctl()
        .unitLog(M, "py/0")
        .filter((l) => l.logger === "unit.py/0.juju-log" && l.level === "INFO");
      expect(greeted.map((l) => l.message)).toEqual(
        expect.arrayContaining(["greeted Ada 2 times", "greeted Bo 1 times"]),
      );

      const before = recordsOf(ctl(), M, "py/0").length;
      const view = await inspect("py/0");
      const address = addressOf("py/0");
      const tsSecret = secretByLabel("ts-own");
      expect(view).toEqual({
        unit: "py/0",
        app: "py",
        model: M,
        "model-uuid": modelUuid,
        leader: true,
        "planned-units": 1,
        config: { greeting: "bonjour", port: 9090, ratio: 0.75, debug: true, nickname: "pat" },
        ports: ["9090/tcp"],
        "unit-status": ["active", "serving bonjour"],
        "app-status": ["active", "1 units"],
        // Every dispatch before this one was committed through state-set (ops' framework state).
        dispatches: before,
        "ts-changes": 1,
        cluster: {
          id: ctl().state.relations.find((r) => r.peer)?.id,
          units: [],
          "app-data": relationOf("py/0", "cluster")["application-data"],
          "peer-greetings": {},
        },
        // The model's cloud, as credential-get gives it to a trusted application.
        cloud: { type: "kubernetes", name: "sim-k8s", region: "default" },
        network: {
          "bind-address": address,
          "ingress-address": address,
          "egress-subnets": [`${address}/32`],
        },
        share: {
          id: shareId(),
          "remote-app": "ts",
          units: ["ts/0", "ts/1"],
          "app-data": { "secret-id": `secret://${modelUuid}/${tsSecret.xid}`, ping: "pong" },
          "remote-model-uuid": modelUuid,
          "ts-token": digest("ts-r2"),
        },
        "unit-secret": { revision: 2, label: "py-unit" },
        "app-secret": {
          revision: 1,
          label: "py-app",
          description: "fidelity application token",
          rotation: "daily",
          rotates: true,
        },
      });
      timings["actions"] = Date.now() - t;
    },
    PHASE_MS,
  );

  it(
    "scale 1 -> 3: new units set up and join; peers and the TS units see them; the leader stays",
    async () => {
      const mark = lastSeq(ctl());
      const t = Date.now();
      await ctl().scale(M, "py", 3);
      await settled("scale 1 -> 3", t);

      for (const [unit, peers] of [
        ["py/1", ["py/0", "py/2"]],
        ["py/2", ["py/0", "py/1"]],
      ] as const) {
        const expected: Record<string, number | readonly [number, number]> = {
          install: 1,
          "cluster-relation-created": 1,
          "share-relation-created": 1,
          "leader-settings-changed": 1,
          "config-changed": 1,
          start: 1,
          // The peer application bag already holds data: one application-level changed at
          // least, and one more per membership change the leader publishes (two).
          "cluster-relation-changed": [1, 3],
          // The TS application bag does not change meanwhile: exactly one.
          "share-relation-changed": 1,
          "share-relation-joined ts/0": 1,
          "share-relation-changed ts/0": [1, 5],
          "share-relation-joined ts/1": 1,
          "share-relation-changed ts/1": [1, 5],
          // py/0's peer bag does not change meanwhile; the other new unit writes its own once.
          "cluster-relation-joined py/0": 1,
          "cluster-relation-changed py/0": 1,
          [`cluster-relation-joined ${peers[1]}`]: 1,
          [`cluster-relation-changed ${peers[1]}`]: [1, 2],
        };
        expectHooks(ctl(), M, unit, mark, expected);
        const keys = keysOf(ctl(), M, unit, mark);
        expect(keys.slice(0, 3)).toEqual([
          "install",
          "cluster-relation-created",
          "share-relation-created",
        ]);
        expect(keys.slice(3, 6)).toEqual(["leader-settings-changed", "config-changed", "start"]);
        for (const remote of [...peers, "ts/0", "ts/1"]) {
          const ep = remote.startsWith("py") ? "cluster" : "share";
          expectBefore(keys, `${ep}-relation-joined ${remote}`, `${ep}-relation-changed ${remote}`);
        }
      }
      expectHooks(ctl(), M, "py/0", mark, {
        "cluster-relation-joined py/1": 1,
        "cluster-relation-changed py/1": [1, 2],
        "cluster-relation-joined py/2": 1,
        "cluster-relation-changed py/2": [1, 2],
        // Each TS unit publishes the Python units it sees: one to four distinct writes.
        "share-relation-changed ts/0": [1, 4],
        "share-relation-changed ts/1": [1, 4],
      });
      for (const unit of ["ts/0", "ts/1"]) {
        expectHooks(ctl(), M, unit, mark, {
          "share-relation-joined py/1": 1,
          "share-relation-changed py/1": [1, 5],
          "share-relation-joined py/2": 1,
          "share-relation-changed py/2": [1, 5],
        });
        expect(relationOf(unit, "share")["local-unit"].data).toMatchObject({
          "py-units": "py/0,py/1,py/2",
          "py-unit-digests": JSON.stringify({
            "py/0": digest("py/0-r2"),
            "py/1": digest("py/1-r1"),
            "py/2": digest("py/2-r1"),
          }),
        });
      }

      const status = ctl().status(M).applications["py"];
      expect(status?.scale).toBe(3);
      expect(
        Object.entries(status?.units ?? {})
          .filter(([, u]) => u.leader === true)
          .map(([name]) => name),
      ).toEqual(["py/0"]);
      expect(appStatus("py")).toEqual({ current: "active", message: "3 units" });
      for (const unit of ["py/0", "py/1", "py/2"]) {
        expect(workload(unit)).toEqual({ current: "active", message: "serving bonjour" });
        const cluster = relationOf(unit, "cluster");
        expect(cluster["application-data"]).toMatchObject({
          leader: "py/0",
          members: "py/0,py/1,py/2",
        });
        for (const [peer, data] of Object.entries(cluster["related-units"] ?? {})) {
          expect(data.data["greeting"], `${unit} sees ${peer}`).toBe("bonjour");
        }
        expect(Object.keys(cluster["related-units"] ?? {}).sort()).toEqual(
          ["py/0", "py/1", "py/2"].filter((u) => u !== unit),
        );
      }
      for (const unit of ["py/1", "py/2"]) {
        expect(unitSecretOf(unit).grants).toEqual([
          { relationId: shareId(), target: "ts", role: "view" },
        ]);
        expect(relationOf(unit, "share")["local-unit"].data).toMatchObject({
          "bind-address": addressOf(unit),
          "ts-digest": digest("ts-r2"),
          "ts-units": "ts/0,ts/1",
        });
      }

      const view = await inspect("py/1");
      expect(view).toMatchObject({
        unit: "py/1",
        leader: false,
        "planned-units": 3,
        config: { greeting: "bonjour", port: 9090, ratio: 0.75, debug: true, nickname: "pat" },
        ports: ["9090/tcp"],
        cluster: {
          units: ["py/0", "py/2"],
          "peer-greetings": { "py/0": "bonjour", "py/2": "bonjour" },
        },
        share: { units: ["ts/0", "ts/1"], "ts-token": digest("ts-r2") },
        "unit-secret": { revision: 1, label: "py-unit" },
      });
      // A follower manages no application secret and reads no application status.
      expect(view).not.toHaveProperty("app-secret");
      expect(view).not.toHaveProperty("app-status");
    },
    PHASE_MS,
  );

  it(
    "scale 3 -> 1: the leavers depart everything, break share, stop and go; the others see them depart",
    async () => {
      const mark = lastSeq(ctl());
      const t = Date.now();
      const leaving = { "py/1": unitSecretOf("py/1").xid, "py/2": unitSecretOf("py/2").xid };
      await ctl().scale(M, "py", 1);
      await settled("scale 3 -> 1", t);

      for (const [unit, peers] of [
        ["py/1", ["py/0", "py/2"]],
        ["py/2", ["py/0", "py/1"]],
      ] as const) {
        const expected: Record<string, number> = {
          [`share-relation-departed ts/0 (departing ${unit})`]: 1,
          [`share-relation-departed ts/1 (departing ${unit})`]: 1,
          "share-relation-broken": 1,
          stop: 1,
          remove: 1,
        };
        for (const peer of peers)
          expected[`cluster-relation-departed ${peer} (departing ${unit})`] = 1;
        expectHooks(ctl(), M, unit, mark, expected);
        const keys = keysOf(ctl(), M, unit, mark);
        expect(keys.slice(-3)).toEqual(["share-relation-broken", "stop", "remove"]);
      }
      expectHooks(ctl(), M, "py/0", mark, {
        "cluster-relation-departed py/1": 1,
        "cluster-relation-departed py/2": 1,
      });
      for (const unit of ["ts/0", "ts/1"]) {
        expectHooks(ctl(), M, unit, mark, {
          "share-relation-departed py/1": 1,
          "share-relation-departed py/2": 1,
        });
      }
      const departed = recordsOf(ctl(), M, "ts/0", mark).find((r) => r.remoteUnit === "py/1");
      expect(departed?.departingUnit).toBe("py/1");

      expect(Object.keys(ctl().state.models[M]?.units ?? {}).sort()).toEqual([
        "py/0",
        "ts/0",
        "ts/1",
      ]);
      // Each leaver removed its own secret when its share relation broke, and no TS hook that
      // overlapped the removal brought it back (controller-bugs.test.ts: secret-resurrected).
      const secrets = ctl().state.models[M]?.secrets ?? {};
      expect(secrets[leaving["py/1"]]).toBeUndefined();
      expect(secrets[leaving["py/2"]]).toBeUndefined();
      expect(relationOf("py/0", "cluster")["application-data"]).toMatchObject({ members: "py/0" });
      expect(appStatus("py")).toEqual({ current: "active", message: "1 units" });
      expect(ctl().status(M).applications["py"]?.scale).toBe(1);
      const view = await inspect("py/0");
      expect(view).toMatchObject({ leader: true, "planned-units": 1, cluster: { units: [] } });
      // show-unit lists the related application's existing units only.
      expect(relationOf("ts/0", "share")["related-units"]).toEqual({
        "py/0": { "in-scope": true, data: relationOf("py/0", "share")["local-unit"].data },
      });
    },
    PHASE_MS,
  );

  it(
    "remove-relation: each side departs the other's units, then breaks; grants go",
    async () => {
      const mark = lastSeq(ctl());
      const t = Date.now();
      const pyUnitSecret = unitSecretOf("py/0").xid;
      await ctl().removeRelation(M, "py", "ts");
      await settled("remove-relation", t);

      expectHooks(ctl(), M, "py/0", mark, {
        "share-relation-departed ts/0": 1,
        "share-relation-departed ts/1": 1,
        "share-relation-broken": 1,
      });
      expect(keysOf(ctl(), M, "py/0", mark).at(-1)).toBe("share-relation-broken");
      for (const unit of ["ts/0", "ts/1"]) {
        expectHooks(ctl(), M, unit, mark, {
          "share-relation-departed py/0": 1,
          "share-relation-broken": 1,
        });
        expect(workload(unit)).toEqual({ current: "waiting", message: "waiting for fidelity-py" });
      }
      expect(ctl().state.relations.filter((r) => !r.peer)).toEqual([]);
      const secrets = ctl().state.models[M]?.secrets ?? {};
      expect(secrets[pyUnitSecret]).toBeUndefined();
      expect(secretByLabel("py-app").grants).toEqual([]);
      expect(secretByLabel("ts-own").grants).toEqual([]);
      expect(workload("py/0")).toEqual({
        current: "waiting",
        message: "waiting for the share relation",
      });
    },
    PHASE_MS,
  );

  it("the unit logs hold no errors, warnings or tracebacks from ops", () => {
    for (const unit of ["py/0", "py/1", "py/2", "ts/0", "ts/1"]) {
      const log = ctl().unitLog(M, unit);
      expect(log.length, unit).toBeGreaterThan(0);
      // ops logs security events (an authorisation failure, a crash) as JSON at TRACE.
      const bad = log.filter(
        (l) =>
          l.level === "ERROR" ||
          l.level === "WARNING" ||
          /Traceback|ModelError|Uncaught|Error:|"type": "security"/.test(l.message),
      );
      expect(bad, unit).toEqual([]);
    }
    // Every level ops uses reaches the unit's log through juju-log.
    const pyLog = ctl().unitLog(M, "py/0");
    expect(pyLog).toContainEqual(
      expect.objectContaining({
        logger: "unit.py/0.juju-log",
        level: "DEBUG",
        message: "ops 3.9.0 up and running.",
      }),
    );
    expect(pyLog).toContainEqual(
      expect.objectContaining({
        logger: "unit.py/0.juju-log",
        level: "INFO",
        message: "installing py/0",
      }),
    );
    // ops logs through juju-log; in a relation hook Juju prefixes the relation.
    const prefixed = ctl()
      .unitLog(M, "py/0")
      .filter((l) => l.logger === "unit.py/0.juju-log" && l.message.includes("departed from"));
    expect(prefixed.length).toBeGreaterThan(0);
    for (const l of prefixed)
      expect(l.message).toMatch(/^share:\d+: ts\/\d departed from share:\d+$/);
    expect(ctl().hooks.filter((r) => r.exitCode !== 0)).toEqual([]);
  });
});
