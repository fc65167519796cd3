/**
 * One behaviour suite, two backends: the same cases run the probe charm in-process (hook tools
 * answered in memory) and as a real process (the real shim executables on PATH, answered over
 * a Unix socket). Both must pass, and `agreement.test.ts` checks they give identical results.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ActionFailed, Context, UncaughtCharmError } from "../context.js";
import { peerRelation, relation, secret, state } from "../state.js";
import { ProbeCharm } from "./probe/charm.js";

const CHARM_DIR = "lib/testing/tests/probe";

/** Makes the Context of a mode. */
export function probeContext(mode: "in-process" | "exec"): Context {
  return new Context(ProbeCharm, {
    charmDir: CHARM_DIR,
    ...(mode === "exec" ? { exec: { entry: `${CHARM_DIR}/main.ts` } } : {}),
  });
}

/** Registers the suite for one mode. */
export function behaviourSuite(mode: "in-process" | "exec"): void {
  describe(`behaviour (${mode})`, () => {
    const ctx = probeContext(mode);
    afterAll(() => ctx.close());

    it("reads typed config and logs through juju-log", async () => {
      await ctx.run(
        ctx.on.configChanged(),
        state({ config: { name: "x", count: 3, ratio: 0.5, debug: true } }),
      );
      expect(ctx.logs).toContainEqual({
        level: "INFO",
        message: "config: name=x count=3 ratio=0.5 debug=true",
      });
    });

    it("collect-status picks the most urgent status", async () => {
      const out = await ctx.run(ctx.on.configChanged(), state({ config: { count: -1 } }));
      expect(out.unitStatus).toEqual({ status: "blocked", message: "count must not be negative" });
      const db = relation({ endpoint: "db" });
      const ok = await ctx.run(ctx.on.configChanged(), state({ relations: [db] }));
      expect(ok.unitStatus).toEqual({ status: "active", message: "hooks=1" });
    });

    it("the leader writes its app bag; everyone writes its unit bag", async () => {
      const db = relation({
        endpoint: "db",
        remoteAppName: "postgresql",
        remoteAppData: { endpoints: "pg:5432" },
      });
      const out = await ctx.run(
        ctx.on.relationChanged(db, { remoteUnit: 0 }),
        state({ leader: true, relations: [db] }),
      );
      expect(out.relations[0]!.localUnitData).toMatchObject({
        seen: "pg:5432",
        "remote-units": "1",
      });
      expect(out.relations[0]!.localAppData).toEqual({ database: "probe" });
    });

    it("a non-leader is refused its app bag before any tool runs, and writes nothing there", async () => {
      const db = relation({ endpoint: "db", remoteAppData: { endpoints: "pg:5432" } });
      const out = await ctx.run(
        ctx.on.relationChanged(db),
        state({ leader: false, relations: [db] }),
      );
      expect(out.relations[0]!.localAppData).toEqual({});
      expect(ctx.logs).toContainEqual({
        level: "WARNING",
        message: `db:${db.id}: not the leader: app data left alone`,
      });
    });

    it("a deferred event is kept in charm state and re-emitted before the next event", async () => {
      const api = relation({ endpoint: "api", remoteAppName: "client" });
      const held = await ctx.run(
        ctx.on.relationJoined(api),
        state({ relations: [api], config: { hold: true } }),
      );
      expect(held.deferred).toHaveLength(1);
      expect(held.deferred[0]).toMatchObject({
        event: "charm/on/api_relation_joined",
        method: "onApiJoined",
      });
      expect(held.relations[0]!.localUnitData["joined-by"]).toBeUndefined();
      const released = await ctx.run(ctx.on.updateStatus(), { ...held, config: { hold: false } });
      expect(released.deferred).toHaveLength(0);
      expect(released.relations[0]!.localUnitData["joined-by"]).toBe("client/0");
    });

    it("stored state survives across hooks", async () => {
      const first = await ctx.run(ctx.on.install(), state());
      expect(first.storedStates["charm/StoredStateData[_stored]"]).toEqual({ hooks: 1 });
      const second = await ctx.run(ctx.on.start(), first);
      expect(second.storedStates["charm/StoredStateData[_stored]"]).toEqual({ hooks: 2 });
    });

    it("the leader adds an app secret, grants it to the relation and publishes its id", async () => {
      const db = relation({ endpoint: "db", remoteAppName: "postgresql" });
      await ctx.run(ctx.on.action("share-secret"), state({ leader: true, relations: [db] }));
      const id = ctx.actionResults.id!;
      expect(id).toMatch(/^secret:\/\/00000000-0000-4000-8000-000000000000\/[0-9a-v]{20}$/);
      const out = await ctx.run(
        ctx.on.action("share-secret"),
        state({ leader: true, relations: [db] }),
      );
      const owned = out.secrets.find((s) => s.label === "db-password")!;
      expect(owned).toMatchObject({ owner: "app", latestContent: { password: "s3cret-value" } });
      expect(owned.remoteGrants[db.id]).toEqual(["postgresql"]);
      expect(out.relations[0]!.localAppData["secret-id"]).toBe(owned.id);
      expect(JSON.stringify(ctx.logs)).not.toContain("s3cret-value");
    });

    it("a non-leader cannot add an app secret: the hook fails and nothing is committed", async () => {
      const db = relation({ endpoint: "db" });
      await expect(
        ctx.run(ctx.on.action("share-secret"), state({ leader: false, relations: [db] })),
      ).rejects.toThrow(UncaughtCharmError);
    });

    it("a consumer refreshes a granted secret on secret-changed", async () => {
      const db = relation({ endpoint: "db" });
      const s = secret({
        trackedContent: { password: "old" },
        latestContent: { password: "new", user: "u" },
      });
      const out = await ctx.run(ctx.on.secretChanged(s), state({ relations: [db], secrets: [s] }));
      expect(out.relations[0]!.localUnitData["secret-keys"]).toBe("password,user");
      expect(out.secrets[0]!.trackedContent).toEqual({ password: "new", user: "u" });
    });

    it("actions return nested results and progress logs", async () => {
      await ctx.run(ctx.on.action("echo", { value: "hi" }), state());
      expect(ctx.actionResults).toEqual({ "echo.value": "hi", count: "1" });
      expect(ctx.actionLogs).toEqual(["echoing"]);
    });

    it("action-fail surfaces as ActionFailed with its message", async () => {
      const run = ctx.run(ctx.on.action("fail-me"), state());
      await expect(run).rejects.toThrow(ActionFailed);
      await expect(run).rejects.toThrow("asked to fail");
    });

    it("an uncaught error fails the hook and commits none of its writes", async () => {
      const db = relation({ endpoint: "db" });
      const before = state({ relations: [db] });
      await expect(ctx.run(ctx.on.action("crash"), before)).rejects.toThrow("crash requested");
      expect(before.relations[0]!.localUnitData["before-crash"]).toBeUndefined();
      expect(
        ctx.logs.some((l) => l.level === "ERROR" && l.message.includes("Uncaught exception")),
      ).toBe(true);
    });

    it("ports opened in a hook are committed", async () => {
      const out = await ctx.run(ctx.on.action("open", { port: 8080 }), state());
      expect(out.openedPorts).toEqual([{ protocol: "tcp", port: 8080 }]);
    });

    it("peer relations list the other units", async () => {
      const peers = peerRelation({ endpoint: "peers", peersData: { 1: {}, 2: {} } });
      const out = await ctx.run(ctx.on.configChanged(), state({ relations: [peers] }));
      expect(out.relations[0]!.kind).toBe("peer");
    });
  });
}
