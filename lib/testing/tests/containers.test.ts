// Containers in the harness: the in-memory Pebble is seeded from the State and read back.
import { describe, expect, it } from "vitest";
import { CharmBase, type CharmContext, CharmMeta } from "../../ops/index.js";
import { Context } from "../context.js";
import { container, state } from "../state.js";

const meta = CharmMeta.fromDocuments({ name: "layered", containers: { app: {} } }, { options: {} });

class LayeredCharm extends CharmBase {
  constructor(ctx: CharmContext) {
    super(ctx);
    this.observe(this.on.container("app").pebbleReady, this.onReady);
  }
  async onReady(): Promise<void> {
    const app = this.unit.getContainer("app");
    await app.pebble.addLayer(
      "base",
      { services: { extra: { override: "replace", command: "sleep 1" } } },
      { combine: true },
    );
    await app.pushText("/etc/app/config.yaml", "level: debug\n", { makeDirs: true });
    await app.exec(["app", "migrate"]);
  }
}

describe("test containers", () => {
  const ctx = new Context(LayeredCharm, { meta });

  it("records the combined layer, files written and commands run", async () => {
    const c = container({
      name: "app",
      layers: { base: { services: { main: { override: "replace", command: "app serve" } } } },
      execs: [{ commandPrefix: ["app", "migrate"], returnCode: 0, stdout: "ok", stderr: "" }],
    });
    const out = await ctx.run(ctx.on.pebbleReady(c), state({ containers: [c] }));
    const after = out.containers[0]!;
    expect(Object.keys((after.layers.base as { services: object }).services).sort()).toEqual([
      "extra",
      "main",
    ]);
    expect(after.files["/etc/app/config.yaml"]).toBe("level: debug\n");
    expect(ctx.execHistory).toEqual([["app", "migrate"]]);
    // The input State is untouched.
    expect(Object.keys(c.files)).toEqual([]);
  });

  it("a command with no handler fails like a missing executable", async () => {
    const c = container({ name: "app" });
    await expect(ctx.run(ctx.on.pebbleReady(c), state({ containers: [c] }))).rejects.toThrow();
  });
});
