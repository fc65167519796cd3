// Controller bugs the fidelity charms found, fixed in lib/sim: each test names one and asserts
// what Juju does, as a regression test (the hook tools' side of each is in lib/jujuc).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Controller } from "../controller.js";
import { lastSeq, recordsOf } from "./expect-hooks.js";
import { buildTsCharm, ensureFidelityVenv, preparePyCharm } from "./setup.js";

const M = "bugs";
const PHASE_MS = 600_000;

let tmp = "";
let c: Controller | undefined;

function ctl(): Controller {
  if (c === undefined) throw new Error("no controller (set-up failed)");
  return c;
}

async function settled(): Promise<void> {
  const r = await ctl().settle({ timeoutMs: 540_000 });
  expect(r.errors).toEqual([]);
  expect(r.idle).toBe(true);
}

function unitSecretOf(unit: string) {
  return Object.values(ctl().state.models[M]?.secrets ?? {}).find(
    (s) => s.owner.kind === "unit" && s.owner.unit === unit,
  );
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "jsim-fidelity-bugs-"));
  const py = preparePyCharm(join(tmp, "py"), ensureFidelityVenv());
  const ts = await buildTsCharm(join(tmp, "ts"));
  c = await Controller.create({
    stateDir: join(tmp, "controller"),
    updateStatusIntervalMs: 0,
    timeScale: 0.005,
    persist: false,
  });
  await c.addModel(M);
  await c.deploy(M, { charmDir: py, name: "py", scale: 2, trust: true });
  await c.deploy(M, { charmDir: ts, name: "ts" });
  await settled();
  await c.integrate(M, "py", "ts");
  await settled();
}, PHASE_MS);

afterAll(async () => {
  try {
    await c?.destroy({ removeState: true });
  } finally {
    if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
  }
}, PHASE_MS);

describe.sequential("controller bugs found by the fidelity charms", () => {
  it(
    "secret-rotate-time: secret-info-get has no `rotates` for a secret that rotates (the hook context never gets SecretData.nextRotate from the secret's rotateAt)",
    async () => {
      const r = await ctl().runAction(M, "py/0", "inspect");
      expect(r.status, r.stderr).toBe("completed");
      const view = JSON.parse(String(r.results["view"])) as {
        "app-secret"?: { rotation?: string; rotates?: boolean };
      };
      // The application secret was added with `--rotate daily`: Juju prints its NextRotateTime.
      expect(view["app-secret"]?.rotation).toBe("daily");
      expect(view["app-secret"]?.rotates).toBe(true);
    },
    PHASE_MS,
  );

  it(
    "owner-tracking: a revision the owner still tracks is treated as unused (secret-remove runs, the revision goes), although Juju >= 3.1.7/3.3.1 counts the owner's consumer record",
    async () => {
      const mark = lastSeq(ctl());
      // py/0 reads its own secret (tracking revision 1), adds revision 2 and does not refresh; the
      // TS unit refreshes to revision 2. Revision 1 is still tracked by the owner unit.
      const rotated = await ctl().runAction(M, "py/0", "rotate", { "track-new": false });
      expect(rotated.status, rotated.stderr).toBe("completed");
      await settled();
      const secret = unitSecretOf("py/0");
      expect(secret?.consumers).toMatchObject({
        "bugs:py/0": { trackedRevision: 1 },
        "bugs:ts/0": { trackedRevision: 2 },
      });
      expect(recordsOf(ctl(), M, "py/0", mark).map((r) => r.hook)).not.toContain("secret-remove");
      expect(Object.keys(secret?.revisions ?? {}).sort()).toEqual(["1", "2"]);
    },
    PHASE_MS,
  );

  it(
    "secret-resurrected: a consumer's hook that overlaps the owner's removal of a secret commits it back, owned by the consumer unit",
    async () => {
      const leaving = unitSecretOf("py/1");
      expect(leaving).toBeDefined();
      // ts/0 starts a long hook while the secret exists; py/1 leaves meanwhile and removes its
      // secret when its share relation breaks.
      // The hold ends at the latest after 60 s, or once py/1's relation-broken has run.
      const release = join(tmp, "release-hold");
      const hold = await ctl().enqueueAction(M, "ts/0", "hold", {
        seconds: 60,
        "until-file": release,
      });
      const started = Date.now();
      while (ctl().action(M, hold)?.status === "pending" && Date.now() - started < 120_000) {
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(ctl().action(M, hold)?.status).toBe("running");
      await ctl().scale(M, "py", 1);
      const brokenRan = () =>
        recordsOf(ctl(), M, "py/1").some((r) => r.hook === "share-relation-broken");
      while (!brokenRan() && ctl().action(M, hold)?.status === "running") {
        await new Promise((r) => setTimeout(r, 200));
      }
      writeFileSync(release, "");
      await settled();
      const broken = recordsOf(ctl(), M, "py/1").find((r) => r.hook === "share-relation-broken");
      const held = recordsOf(ctl(), M, "ts/0").find((r) => r.hook === "action:hold");
      // The removal committed while the hold was running (the overlap this test needs).
      expect(broken).toBeDefined();
      expect((broken?.startedAt ?? 0) + (broken?.durationMs ?? 0)).toBeLessThan(
        (held?.startedAt ?? 0) + (held?.durationMs ?? 0),
      );
      const after = ctl().state.models[M]?.secrets[leaving?.xid ?? ""];
      expect(after, JSON.stringify(after)).toBeUndefined();
    },
    PHASE_MS,
  );

  it("show-unit-gone-units: show-unit lists related units that left the model, with their data; Juju lists the related application's existing units, and data only for those in scope", () => {
    // py/1 was removed by the scale-down above; Juju's UnitsInfo walks otherApp.AllUnits() and
    // reads settings only `if inScope`.
    const info = ctl().showUnit(M, "ts/0")["ts/0"];
    const share = info?.["relation-info"].find((r) => r.endpoint === "share");
    expect(Object.keys(share?.["related-units"] ?? {})).toEqual(["py/0"]);
    for (const [name, unit] of Object.entries(share?.["related-units"] ?? {})) {
      if (!unit["in-scope"]) expect(unit.data, name).toEqual({});
    }
  });
});
