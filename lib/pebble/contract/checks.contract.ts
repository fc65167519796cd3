/**
 * Contract: checks (statuses, threshold, start/stop, refresh) and health.
 *
 * @module
 */

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { APIError } from "../errors.js";
import { rejection, unique, until } from "./target.js";
import type { TargetRef } from "./target.js";

export function checksContract(target: TargetRef): void {
  describe("checks and health", () => {
    it("takes an exec check down after threshold failures, reports it in health, and brings it back up", async () => {
      const t = target();
      const { pebble } = t;
      const check = unique("flag-check");
      const flag = join(t.scratch, `${check}.flag`);
      // `test -e FLAG`: succeeds while the file exists.
      t.handleExec(["test", "-e", flag], async () =>
        pebble.listFiles(flag, { itself: true }).then(
          () => 0,
          () => 1,
        ),
      );
      await pebble.addLayer(unique("label"), {
        checks: {
          [check]: {
            override: "replace",
            level: "ready",
            period: "300ms",
            timeout: "250ms",
            threshold: 1,
            exec: { command: `test -e ${flag}` },
          },
        },
      });
      const [initial] = await pebble.getChecks({ names: [check] });
      expect(initial).toMatchObject({
        name: check,
        level: "ready",
        startup: "enabled",
        threshold: 1,
      });
      expect(["up", "down"]).toContain(initial?.status);

      const down = await until(t, "check down", async () => {
        const [info] = await pebble.getChecks({ names: [check] });
        return info?.status === "down" && info;
      });
      expect(down.failures).toBeGreaterThanOrEqual(1);
      expect(down.changeId).toBeDefined();
      expect(await pebble.health({ level: "ready", names: [check] })).toBe(false);
      expect(await pebble.health({ level: "alive", names: [check] })).toBe(true);
      expect((await pebble.getChecks({ level: "ready" })).map((c) => c.name)).toContain(check);
      expect((await pebble.getChecks({ level: "alive" })).map((c) => c.name)).not.toContain(check);

      const refreshed = await pebble.refreshCheck(check);
      expect(refreshed.info.name).toBe(check);
      expect(refreshed.error).toBeTruthy();

      await pebble.push(flag, "ok");
      const up = await until(t, "check up again", async () => {
        const [info] = await pebble.getChecks({ names: [check] });
        return info?.status === "up" && info;
      });
      expect(up.failures).toBe(0);
      expect(await pebble.health({ names: [check] })).toBe(true);
      const ok = await pebble.refreshCheck(check);
      expect(ok.error).toBeUndefined();
      expect(ok.info.status).toBe("up");
      await pebble.stopChecks([check]);
    });

    it("starts and stops checks, reporting which changed", async () => {
      const t = target();
      const { pebble } = t;
      const check = unique("startstop-check");
      t.handleExec(["true"], 0);
      await pebble.addLayer(unique("label"), {
        checks: {
          [check]: {
            override: "replace",
            startup: "disabled",
            period: "10s",
            exec: { command: "true" },
          },
        },
      });
      expect((await pebble.getChecks({ names: [check] }))[0]).toMatchObject({
        status: "inactive",
        startup: "disabled",
        threshold: 3,
      });
      expect(await pebble.startChecks([check])).toEqual([check]);
      expect(await pebble.startChecks([check])).toEqual([]);
      expect((await pebble.getChecks({ names: [check] }))[0]?.status).toBe("up");
      expect(await pebble.stopChecks([check])).toEqual([check]);
      expect(await pebble.stopChecks([check])).toEqual([]);
      expect((await pebble.getChecks({ names: [check] }))[0]?.status).toBe("inactive");
    });

    it("refuses unknown checks", async () => {
      const { pebble } = target();
      const name = unique("missing-check");
      const refresh = await rejection(pebble.refreshCheck(name));
      expect(refresh).toBeInstanceOf(APIError);
      expect((refresh as APIError).statusCode).toBe(404);
      const start = await rejection(pebble.startChecks([name]));
      expect((start as APIError).statusCode).toBe(400);
      expect(start.message).toContain(name);
    });
  });
}
