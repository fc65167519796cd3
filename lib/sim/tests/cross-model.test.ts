// A cross-model relation: one model offers an endpoint, another consumes it and integrates.
// The offering side sees the consumer as `remote-<token>` with units `remote-<token>/<n>`; the
// consuming side sees the offer under its SAAS name. Secrets go from the offerer, over the
// relation, to the consumer, whose URI names the offering model.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestCharm, hooksOf, lastSeq, tempDir, withController } from "./helpers.js";

let relay: string;
let cleanup: () => void;

beforeAll(async () => {
  const [tmp, remove] = tempDir();
  cleanup = remove;
  relay = await buildTestCharm("relay", tmp);
});
afterAll(() => cleanup?.());

describe("cross-model relations", () => {
  it("offer, consume, integrate: remote-<token> naming, data and secrets both ways", async () => {
    await withController({ deterministic: { seed: 41 } }, async (c) => {
      const db = await c.addModel("db");
      const app = await c.addModel("app");
      await c.deploy("db", { charmDir: relay, name: "owner", config: { "share-secret": true } });
      await c.deploy("app", { charmDir: relay, name: "reader" });
      const offer = await c.offer("db", "owner:source", "shared");
      expect(offer).toEqual({
        name: "shared",
        url: "admin/db.shared",
        app: "owner",
        endpoints: ["source"],
      });
      expect(await c.consume("app", "admin/db.shared")).toBe("shared");
      expect((await c.settle({ timeoutMs: 60_000 })).errors).toEqual([]);

      const mark = lastSeq(c);
      const { key } = await c.integrate("app", "reader", "shared");
      expect(key).toBe("reader:sink shared:source");
      const settled = await c.settle({ timeoutMs: 60_000 });
      expect(settled).toMatchObject({ idle: true, errors: [] });

      const rel = c.state.relations.find((r) => r.crossModel !== undefined)!;
      const remote = rel.crossModel!.remoteAppName;
      expect(remote).toMatch(/^remote-[0-9a-f]{32}$/);
      expect(hooksOf(c, "db", "owner/0", mark)).toEqual([
        "source-relation-created",
        `source-relation-joined ${remote}/0`,
        `source-relation-changed ${remote}/0`,
      ]);
      const reader = hooksOf(c, "app", "reader/0", mark);
      expect(reader[0]).toBe("sink-relation-created");
      expect([...reader].sort()).toEqual(
        [
          "sink-relation-changed",
          "sink-relation-changed shared/0",
          "sink-relation-created",
          "sink-relation-joined shared/0",
        ].sort(),
      );
      expect(reader.indexOf("sink-relation-joined shared/0")).toBe(
        reader.indexOf("sink-relation-changed shared/0") - 1,
      );

      const ownerInfo = c.showUnit("db", "owner/0")["owner/0"];
      const ownerView = ownerInfo?.["relation-info"].find((r) => r.endpoint === "source");
      expect(ownerView).toMatchObject({ "cross-model": true, "related-endpoint": "sink" });
      expect(Object.keys(ownerView?.["related-units"] ?? {})).toEqual([`${remote}/0`]);
      const readerInfo = c.showUnit("app", "reader/0")["reader/0"];
      const readerView = readerInfo?.["relation-info"].find((r) => r.endpoint === "sink");
      expect(Object.keys(readerView?.["related-units"] ?? {})).toEqual(["shared/0"]);
      expect(readerView?.["application-data"]["secret-id"]).toBeDefined();

      const dbStatus = c.status("db");
      expect(dbStatus.offers?.["shared"]).toMatchObject({
        application: "owner",
        "total-connected-count": 1,
        endpoints: { source: { interface: "relay", role: "provider" } },
      });
      expect(dbStatus.applications["owner"]?.relations?.["source"]).toEqual([
        { "related-application": remote, interface: "relay", scope: "global" },
      ]);
      const appStatus = c.status("app");
      expect(appStatus["application-endpoints"]?.["shared"]).toMatchObject({
        url: "admin/db.shared",
        relations: { source: ["reader"] },
      });
      expect(
        appStatus.applications["reader"]?.relations?.["sink"]?.[0]?.["related-application"],
      ).toBe("shared");

      // The secret lives in the offering model, granted to remote-<token>; the reader tracks it.
      const secret = Object.values(c.state.models["db"]!.secrets)[0]!;
      expect(secret.grants).toEqual([{ relationId: rel.id, target: remote, role: "view" }]);
      expect(secret.consumers).toEqual({ "app:reader/0": { trackedRevision: 1 } });

      const rotateMark = lastSeq(c);
      await c.runAction("db", "owner/0", "rotate");
      expect((await c.settle({ timeoutMs: 60_000 })).errors).toEqual([]);
      expect(hooksOf(c, "app", "reader/0", rotateMark)).toEqual(["secret-changed"]);
      expect(hooksOf(c, "db", "owner/0", rotateMark)).toEqual(["action:rotate", "secret-remove"]);
      // relation-model-get answers the other model's UUID on both sides.
      const readerModel = await c.runAction("app", "reader/0", "remote-model");
      expect(readerModel.results[`sink-${rel.id}`]).toBe(db.uuid);
      const ownerModel = await c.runAction("db", "owner/0", "remote-model");
      expect(ownerModel.results[`source-${rel.id}`]).toBe(app.uuid);
      const changed = c.hooks.find((r) => r.seq > rotateMark && r.hook === "secret-changed");
      expect(changed?.model).toBe("app");
      expect(db.uuid).not.toBe(app.uuid);

      // Removing the SAAS entry tears the relation down on both sides.
      const removeMark = lastSeq(c);
      await c.removeSaas("app", "shared");
      expect((await c.settle({ timeoutMs: 60_000 })).errors).toEqual([]);
      expect(hooksOf(c, "app", "reader/0", removeMark)).toEqual([
        "sink-relation-departed shared/0",
        "sink-relation-broken",
      ]);
      expect(hooksOf(c, "db", "owner/0", removeMark)).toEqual([
        `source-relation-departed ${remote}/0`,
        "source-relation-broken",
      ]);
      expect(c.state.relations.filter((r) => r.crossModel !== undefined)).toEqual([]);
    });
  }, 120_000);
});
