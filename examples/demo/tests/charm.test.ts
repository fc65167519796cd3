// Unit tests of the demo charm with the in-memory harness (lib/testing): the real framework,
// Juju's hook tools emulated by lib/jujuc, and an in-memory Pebble.
import { describe, expect, it } from "vitest";
import {
  ActionFailed,
  Context,
  container,
  peerRelation,
  relation,
  state,
} from "../../../lib/testing/index.js";
import { DemoCharm } from "../src/charm.js";

const ctx = new Context(DemoCharm, { charmDir: "examples/demo" });
const web = container({ name: "web" });

describe("demo charm", () => {
  it("starts the web server and goes active with the greeting", async () => {
    const out = await ctx.run(
      ctx.on.pebbleReady(web),
      state({ containers: [web], config: { greeting: "hi" } }),
    );
    expect(out.unitStatus).toEqual({ status: "active", message: "hi" });
    const plan = out.containers[0]!;
    expect(plan.serviceStatuses.web).toBe("active");
  });

  it("waits for Pebble when the container is not up", async () => {
    const down = container({ name: "web", canConnect: false });
    const out = await ctx.run(ctx.on.configChanged(), state({ containers: [down] }));
    expect(out.unitStatus).toEqual({
      status: "waiting",
      message: "waiting for the web container's Pebble",
    });
  });

  it("blocks on an out-of-range port and says how to fix it", async () => {
    const out = await ctx.run(
      ctx.on.configChanged(),
      state({ containers: [web], config: { port: 70000 } }),
    );
    expect(out.unitStatus.status).toBe("blocked");
    expect(out.unitStatus.message).toContain("juju config demo port=8080");
  });

  it("publishes its URL to related apps", async () => {
    const site = relation({ endpoint: "website", remoteAppName: "proxy" });
    const out = await ctx.run(
      ctx.on.relationJoined(site),
      state({ containers: [web], relations: [site] }),
    );
    const after = out.relations.find((r) => r.id === site.id)!;
    expect(after.localUnitData.url).toBe("http://demo-0.demo:8080");
  });

  it("the leader creates the shared token once, as an app secret, and publishes its id", async () => {
    const peers = peerRelation({ endpoint: "replicas" });
    const out = await ctx.run(
      ctx.on.leaderElected(),
      state({ leader: true, containers: [web], relations: [peers] }),
    );
    const id = out.relations[0]!.localAppData["token-secret-id"];
    expect(id).toMatch(/^secret:/);
    expect(out.secrets).toHaveLength(1);
    expect(out.secrets[0]).toMatchObject({ id, owner: "app", label: "demo-token" });
    // Running again changes nothing: the reconcile is idempotent.
    const again = await ctx.run(ctx.on.leaderElected(), out);
    expect(again.secrets).toEqual(out.secrets);
  });

  it("a non-leader never creates the token", async () => {
    const peers = peerRelation({ endpoint: "replicas" });
    const out = await ctx.run(
      ctx.on.configChanged(),
      state({ leader: false, containers: [web], relations: [peers] }),
    );
    expect(out.secrets).toHaveLength(0);
  });

  it("greet returns the greeting and logs progress", async () => {
    await ctx.run(
      ctx.on.action("greet", { name: "Ada" }),
      state({ config: { greeting: "hello" } }),
    );
    expect(ctx.actionResults).toEqual({ message: "hello, Ada!" });
    expect(ctx.actionLogs).toEqual(["greeting Ada"]);
  });

  it("greet fails on an empty name", async () => {
    await expect(ctx.run(ctx.on.action("greet", { name: " " }), state())).rejects.toThrow(
      ActionFailed,
    );
  });

  it("the harness refuses an action parameter the schema does not allow", async () => {
    await expect(ctx.run(ctx.on.action("greet", { name: "x", extra: 1 }), state())).rejects.toThrow(
      'unknown parameter "extra"',
    );
  });
});
