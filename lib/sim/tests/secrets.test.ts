// Secrets across applications: the provider's leader creates an application secret, grants it
// over the relation and publishes its id; consumers read it (tracking revision 1); a new
// revision sends secret-changed to the consumers, which refresh; revision 1, tracked by no
// one any more, sends secret-remove to the owner, which removes it. Expiry and rotation follow
// the controller's clock, moved forward with advanceClock.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestCharm, hooksOf, lastSeq, tempDir, withController } from "./helpers.js";
import type { Controller } from "../controller.js";

let relay: string;
let cleanup: () => void;

beforeAll(async () => {
  const [tmp, remove] = tempDir();
  cleanup = remove;
  relay = await buildTestCharm("relay", tmp);
});
afterAll(() => cleanup?.());

const MINUTE = 60_000;

/**
 * Two relay units whose leader has just made an application secret with `action`; `advance`
 * moves the controller's clock and settles with no hook error.
 */
async function ownedSecret(
  c: Controller,
  action: string,
  params: Record<string, string>,
): Promise<{ mark: number; xid: string; advance: (ms: number) => Promise<void> }> {
  await c.addModel("m");
  await c.deploy("m", { charmDir: relay, scale: 2 });
  expect((await c.settle({ timeoutMs: 60_000 })).errors).toEqual([]);
  const mark = lastSeq(c);
  const created = await c.runAction("m", "relay/0", action, params);
  expect(created.status).toBe("completed");
  const xid =
    String(created.results["id"] ?? "")
      .split("/")
      .pop() ?? "";
  const advance = async (ms: number): Promise<void> => {
    c.advanceClock(ms);
    expect(await c.settle({ timeoutMs: 30_000 })).toMatchObject({ idle: true, errors: [] });
  };
  return { mark, xid, advance };
}

describe("secrets across applications", () => {
  it("grant, consumer tracking, secret-changed after a new revision, secret-remove to the owner", async () => {
    await withController({ deterministic: { seed: 21 } }, async (c) => {
      await c.addModel("m");
      await c.deploy("m", { charmDir: relay, name: "owner", config: { "share-secret": true } });
      await c.deploy("m", { charmDir: relay, name: "reader", scale: 2 });
      await c.integrate("m", "owner", "reader:sink");
      const first = await c.settle({ timeoutMs: 60_000 });
      expect(first).toMatchObject({ idle: true, errors: [] });

      const model = c.state.models["m"]!;
      const secrets = Object.values(model.secrets);
      expect(secrets).toHaveLength(1);
      const secret = secrets[0]!;
      expect(secret.xid).toMatch(/^[0-9a-v]{20}$/);
      expect(secret.owner).toEqual({ kind: "application", app: "owner" });
      expect(secret.label).toBe("relay-token");
      const rel = c.state.relations.find((r) => !r.peer)!;
      expect(secret.grants).toEqual([{ relationId: rel.id, target: "reader", role: "view" }]);
      expect(secret.consumers).toEqual({
        "m:reader/0": { trackedRevision: 1 },
        "m:reader/1": { trackedRevision: 1 },
      });
      const info = c.showUnit("m", "reader/0")["reader/0"];
      const shown = info?.["relation-info"].find((r) => r.endpoint === "sink");
      expect(shown?.["application-data"]["secret-id"]).toContain(secret.xid);

      const mark = lastSeq(c);
      const rotated = await c.runAction("m", "owner/0", "rotate");
      expect(rotated).toMatchObject({ status: "completed", results: { token: "token-2" } });
      const second = await c.settle({ timeoutMs: 60_000 });
      expect(second).toMatchObject({ idle: true, errors: [] });
      expect(hooksOf(c, "m", "reader/0", mark)).toEqual(["secret-changed"]);
      expect(hooksOf(c, "m", "reader/1", mark)).toEqual(["secret-changed"]);
      expect(hooksOf(c, "m", "owner/0", mark)).toEqual(["action:rotate", "secret-remove"]);

      const after = c.state.models["m"]!.secrets[secret.xid]!;
      expect(after.latestRevision).toBe(2);
      expect(Object.keys(after.revisions)).toEqual(["2"]);
      expect(after.revisions["2"]).toEqual({ token: "token-2" });
      expect(after.consumers).toEqual({
        "m:reader/0": { trackedRevision: 2 },
        "m:reader/1": { trackedRevision: 2 },
      });
      expect(after.removeNotified).toEqual([1]);
      const changed = c
        .unitLog("m", "reader/0")
        .filter((l) => l.message.includes("secret changed"));
      expect(changed).toHaveLength(1);

      // Removing the relation removes the grant: the secret no longer reaches the readers.
      await c.removeRelation("m", "owner", "reader");
      expect((await c.settle({ timeoutMs: 60_000 })).errors).toEqual([]);
      expect(c.state.models["m"]!.secrets[secret.xid]!.grants).toEqual([]);
    });
  }, 120_000);

  it("user secrets: a granted app reads one through a secret config option and gets secret-changed", async () => {
    await withController({ deterministic: { seed: 22 } }, async (c) => {
      await c.addModel("m");
      await c.deploy("m", { charmDir: relay, scale: 2 });
      expect((await c.settle({ timeoutMs: 60_000 })).errors).toEqual([]);
      const uri = await c.addSecret("m", "api-key", { token: "abc" });
      expect(uri).toMatch(/^secret:[0-9a-v]{20}$/);
      await expect(c.addSecret("m", "api-key", { token: "x" })).rejects.toThrow(
        'secret with name "api-key" already exists',
      );
      await expect(c.addSecret("m", "other", { K: "x" })).rejects.toThrow('key "K" not valid');

      // Not granted yet: reading it fails the hook.
      await c.config("m", "relay", { "user-secret": uri });
      const failed = await c.settle({ timeoutMs: 60_000 });
      expect(failed.errors.map((e) => e.message)).toEqual([
        'hook failed: "config-changed"',
        'hook failed: "config-changed"',
      ]);
      await c.grantSecret("m", "api-key", "relay");
      await c.resolve("m", "relay/0");
      await c.resolve("m", "relay/1");
      expect((await c.settle({ timeoutMs: 60_000 })).errors).toEqual([]);
      const xid = uri.slice("secret:".length);
      expect(c.state.models["m"]!.secrets[xid]!.consumers).toEqual({
        "m:relay/0": { trackedRevision: 1 },
        "m:relay/1": { trackedRevision: 1 },
      });

      const mark = lastSeq(c);
      await c.updateSecret("m", uri, { token: "def" });
      expect((await c.settle({ timeoutMs: 60_000 })).errors).toEqual([]);
      expect(hooksOf(c, "m", "relay/0", mark)).toEqual(["secret-changed"]);
      expect(hooksOf(c, "m", "relay/1", mark)).toEqual(["secret-changed"]);
      expect(c.state.models["m"]!.secrets[xid]!.consumers["m:relay/0"]).toEqual({
        trackedRevision: 2,
      });
    });
  }, 120_000);

  it("secret-expired goes to the owner's leader at the expiry, again every 5 minutes until the revision is removed", async () => {
    // timeScale 1: the 5-minute repeat is real time, so only advanceClock makes anything due.
    await withController({ deterministic: { seed: 23 }, timeScale: 1 }, async (c) => {
      const { mark, xid, advance } = await ownedSecret(c, "expiring-secret", { expire: "1h" });
      await advance(59 * MINUTE);
      expect(hooksOf(c, "m", "relay/0", mark)).toEqual(["action:expiring-secret"]);

      await advance(MINUTE + 1000);
      expect(hooksOf(c, "m", "relay/0", mark)).toEqual([
        "action:expiring-secret",
        "secret-expired",
      ]);
      expect(hooksOf(c, "m", "relay/1", mark)).toEqual([]);
      const expiredLines = (): string[] =>
        c
          .unitLog("m", "relay/0")
          .map((l) => l.message)
          .filter((m) => m.includes("expired"));
      expect(expiredLines()).toEqual(["secret expiring revision 1 expired"]);

      // The charm left revision 1 in place: Juju runs secret-expired again 5 minutes later.
      await advance(4 * MINUTE);
      expect(hooksOf(c, "m", "relay/0", mark)).toHaveLength(2);
      await advance(MINUTE + 1000);
      expect(hooksOf(c, "m", "relay/0", mark).slice(2)).toEqual(["secret-expired"]);
      expect(expiredLines()).toHaveLength(2);

      // Now it makes a new revision (which has no expiry); revision 1, tracked by no one, gets
      // secret-remove and the charm removes it: no more secret-expired.
      await c.config("m", "relay", { "renew-secrets": true });
      await advance(0);
      const renew = lastSeq(c);
      await advance(5 * MINUTE + 1000);
      expect(hooksOf(c, "m", "relay/0", renew)).toEqual(["secret-expired", "secret-remove"]);
      const secret = c.state.models["m"]!.secrets[xid]!;
      expect(secret.latestRevision).toBe(2);
      expect(Object.keys(secret.revisions)).toEqual(["2"]);
      expect(secret.expiries).toEqual({});
      expect(secret.expire).toBeUndefined();
      await advance(2 * 60 * MINUTE);
      expect(hooksOf(c, "m", "relay/0", renew)).toHaveLength(2);
      expect(hooksOf(c, "m", "relay/1", mark)).toEqual(["config-changed"]);
    });
  }, 90_000);

  it("secret-rotate goes to the owner's leader at the policy's time, again 5 minutes later until a new revision", async () => {
    await withController({ deterministic: { seed: 24 }, timeScale: 1 }, async (c) => {
      const { mark, xid, advance } = await ownedSecret(c, "rotating-secret", { rotate: "hourly" });
      const rotates = (): number =>
        hooksOf(c, "m", "relay/0", mark).filter((h) => h === "secret-rotate").length;

      await advance(59 * MINUTE);
      expect(rotates()).toBe(0);
      await advance(MINUTE + 1000);
      expect(hooksOf(c, "m", "relay/0", mark)).toEqual(["action:rotating-secret", "secret-rotate"]);
      expect(hooksOf(c, "m", "relay/1", mark)).toEqual([]);
      expect(c.unitLog("m", "relay/0").map((l) => l.message)).toContain(
        "secret rotating is due to rotate",
      );

      // No new revision: Juju runs secret-rotate again after 5 minutes, not after the hour.
      await advance(4 * MINUTE);
      expect(rotates()).toBe(1);
      await advance(MINUTE + 1000);
      expect(rotates()).toBe(2);

      // With a new revision the next rotation is the policy's hour later; revision 1 is removed.
      await c.config("m", "relay", { "renew-secrets": true });
      await advance(0);
      const renew = lastSeq(c);
      await advance(5 * MINUTE + 1000);
      expect(hooksOf(c, "m", "relay/0", renew)).toEqual(["secret-rotate", "secret-remove"]);
      const secret = c.state.models["m"]!.secrets[xid]!;
      expect(secret.latestRevision).toBe(2);
      expect(secret.revisions["2"]).toEqual({ token: "rotating-2" });
      await advance(30 * MINUTE);
      expect(rotates()).toBe(3);
      await advance(30 * MINUTE + 1000);
      expect(rotates()).toBe(4);
      expect(hooksOf(c, "m", "relay/1", mark)).toEqual(["config-changed"]);
    });
  }, 90_000);
});
