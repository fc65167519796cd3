/**
 * Contract: notices (custom notices, filters, long-polling, change-update notices) and
 * connection errors.
 *
 * @module
 */

import { describe, expect, it } from "vitest";
import { APIError, ConnectionError } from "../errors.js";
import { rejection, unique } from "./target.js";
import type { TargetRef } from "./target.js";

export function noticesContract(target: TargetRef): void {
  describe("notices", () => {
    it("records a custom notice, repeats it, and filters by type, key and time", async () => {
      const { pebble } = target();
      const key = `example.com/contract/${unique("notice")}`;
      const id = await pebble.notify(key, { data: { reason: "first" } });
      const first = await pebble.getNotice(id);
      expect(first).toMatchObject({
        id,
        type: "custom",
        key,
        occurrences: 1,
        lastData: { reason: "first" },
      });
      expect(first.userId).toBe(0);
      expect(await pebble.notify(key, { data: { reason: "second" } })).toBe(id);
      const listed = await pebble.getNotices({ types: ["custom"], keys: [key] });
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ id, occurrences: 2, lastData: { reason: "second" } });
      expect(await pebble.getNotices({ keys: [key], after: listed[0]?.lastRepeated })).toEqual([]);
      expect(await pebble.getNotices({ types: ["warning"], keys: [key] })).toEqual([]);
    });

    it("long-polls until a matching notice is added, and returns nothing on timeout", async () => {
      const { pebble } = target();
      const key = `example.com/contract/${unique("wait")}`;
      const started = Date.now();
      const waiting = pebble.waitNotices({ types: ["custom"], keys: [key] }, 10_000);
      await new Promise((r) => setTimeout(r, 150));
      const id = await pebble.notify(key);
      const notices = await waiting;
      expect(notices.map((n) => n.id)).toEqual([id]);
      expect(Date.now() - started).toBeLessThan(5_000);
      const quiet = Date.now();
      expect(
        await pebble.waitNotices({ keys: [`example.com/contract/${unique("never")}`] }, 300),
      ).toEqual([]);
      expect(Date.now() - quiet).toBeGreaterThanOrEqual(250);
    });

    it("records change-update notices for changes", async () => {
      const { pebble } = target();
      const changes = await pebble.getChanges({ select: "all" });
      expect(changes.length).toBeGreaterThan(0);
      const last = changes[changes.length - 1];
      const notices = await pebble.getNotices({ types: ["change-update"], keys: [last?.id ?? ""] });
      expect(notices).toHaveLength(1);
      expect(notices[0]?.lastData.kind).toBe(last?.kind);
      expect(notices[0]?.userId).toBeNull();
    });

    it("rejects malformed keys and unknown notice IDs", async () => {
      const { pebble } = target();
      const bad = await rejection(pebble.notify("not-a-domain-key"));
      expect(bad).toBeInstanceOf(APIError);
      expect((bad as APIError).statusCode).toBe(400);
      const missing = await rejection(pebble.getNotice("987654"));
      expect((missing as APIError).statusCode).toBe(404);
    });
  });

  describe("connection errors", () => {
    it("raises ConnectionError when the daemon cannot be reached", async () => {
      const error = await rejection(target().unreachable().getSystemInfo());
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as ConnectionError).socketPath).not.toBe("");
      expect(error.message).toContain((error as ConnectionError).socketPath);
    });
  });
}
