/**
 * Contract: services (start, stop, restart, autostart, statuses, a failing service), changes
 * (list, get, wait, abort), logs and signals.
 *
 * @module
 */

import { describe, expect, it } from "vitest";
import { APIError, ChangeError } from "../errors.js";
import { rejection, unique, until, untilSignalled } from "./target.js";
import type { TargetRef } from "./target.js";

export function servicesContract(target: TargetRef): void {
  describe("services", () => {
    it("starts, restarts and stops a service, with statuses and changes", async () => {
      const t = target();
      const { pebble } = t;
      const svc = unique("svc");
      t.handleExec(["sleep", "1002"], untilSignalled);
      await pebble.addLayer(unique("label"), {
        services: { [svc]: { override: "replace", command: "sleep 1002" } },
      });
      expect(await pebble.getServices([svc])).toEqual([
        { name: svc, startup: "disabled", current: "inactive" },
      ]);

      const startId = await pebble.startServices([svc]);
      const [started] = await pebble.getServices([svc]);
      expect(started).toMatchObject({ name: svc, current: "active" });
      expect(started?.currentSince).toMatch(/^\d{4}-\d\d-\d\dT/);

      const change = await pebble.getChange(startId);
      expect(change).toMatchObject({ id: startId, kind: "start", status: "Done", ready: true });
      expect(change.summary).toBe(`Start service "${svc}"`);
      expect(change.tasks[0]).toMatchObject({ kind: "start", status: "Done" });
      expect((await pebble.getChanges({ select: "all", service: svc })).map((c) => c.id)).toContain(
        startId,
      );
      expect(
        (await pebble.getChanges({ select: "in-progress", service: svc })).map((c) => c.id),
      ).not.toContain(startId);

      await pebble.restartServices([svc]);
      const [restarted] = await pebble.getServices([svc]);
      expect(restarted?.current).toBe("active");
      expect(restarted?.currentSince).not.toBe(started?.currentSince);

      const stopId = await pebble.stopServices([svc]);
      expect((await pebble.getChange(stopId)).kind).toBe("stop");
      expect((await pebble.getServices([svc]))[0]?.current).toBe("inactive");
    });

    it("autostarts enabled services and refuses when there are none to start", async () => {
      const t = target();
      const { pebble } = t;
      const svc = unique("auto-svc");
      const label = unique("label");
      t.handleExec(["sleep", "1003"], untilSignalled);
      await pebble.addLayer(label, {
        services: { [svc]: { override: "replace", command: "sleep 1003", startup: "enabled" } },
      });
      const id = await pebble.autostart();
      expect((await pebble.getChange(id)).kind).toBe("autostart");
      expect((await pebble.getServices([svc]))[0]).toMatchObject({
        startup: "enabled",
        current: "active",
      });
      await pebble.addLayer(
        label,
        { services: { [svc]: { override: "merge", startup: "disabled" } } },
        { combine: true },
      );
      await pebble.stopServices([svc]);
      const enabled = (await pebble.getServices()).filter((s) => s.startup === "enabled");
      if (enabled.length === 0) {
        const error = await rejection(pebble.autostart());
        expect(error).toBeInstanceOf(APIError);
        expect((error as APIError).kind).toBe("no-default-services");
      }
    });

    it("refuses unknown services with a 400", async () => {
      const { pebble } = target();
      const name = unique("missing-svc");
      // One call at a time: a second rejected promise left waiting would be an unhandled rejection.
      for (const call of [
        () => pebble.startServices([name]),
        () => pebble.stopServices([name]),
        () => pebble.restartServices([name]),
      ]) {
        const error = await rejection(call());
        expect(error).toBeInstanceOf(APIError);
        expect((error as APIError).statusCode).toBe(400);
        expect(error.message).toContain(`service "${name}" does not exist`);
      }
    });

    it("raises ChangeError for a service that exits at once, and logs its output", async () => {
      const t = target();
      const { pebble } = t;
      const svc = unique("failing-svc");
      const script = `echo ${svc} is failing; exit 3`;
      t.handleExec(["/bin/sh", "-c", script], { exitCode: 3, stdout: `${svc} is failing\n` });
      await pebble.addLayer(unique("label"), {
        services: {
          [svc]: { override: "replace", command: `/bin/sh -c "${script}"`, "backoff-delay": "10s" },
        },
      });
      const error = await rejection(pebble.startServices([svc]));
      expect(error).toBeInstanceOf(ChangeError);
      const changeError = error as ChangeError;
      expect(changeError.err).toContain("exited quickly with code 3");
      expect(changeError.change.status).toBe("Error");
      expect(changeError.change.kind).toBe("start");
      expect(["backoff", "error"]).toContain((await pebble.getServices([svc]))[0]?.current);
      const logs = await until(t, "the failing service's output in the logs", async () => {
        const entries = await pebble.getLogs({ services: [svc] });
        return entries.some((e) => e.message === `${svc} is failing`) && entries;
      });
      expect(logs[0]).toMatchObject({ service: svc });
      await pebble.stopServices([svc]);
    });
  });

  describe("changes", () => {
    it("waits for a change, aborts one in progress, and refuses to abort a ready one", async () => {
      const t = target();
      const { pebble } = t;
      const svc = unique("abort-svc");
      t.handleExec(["sleep", "1004"], untilSignalled);
      await pebble.addLayer(unique("label"), {
        services: { [svc]: { override: "replace", command: "sleep 1004" } },
      });
      const id = await pebble.startServices([svc], { wait: false });
      const inProgress = await pebble.getChanges({ select: "in-progress" });
      expect(inProgress.map((c) => c.id)).toContain(id);
      const aborting = await pebble.abortChange(id);
      expect(aborting.id).toBe(id);
      expect(aborting.ready).toBe(false);
      const done = await pebble.waitChange(id, { timeout: 10_000 });
      expect(done.ready).toBe(true);
      expect(done.status).toBe("Error");
      expect(done.err).toContain("aborted");
      expect((await pebble.getServices([svc]))[0]?.current).toBe("inactive");
      const error = await rejection(pebble.abortChange(id));
      expect(error).toBeInstanceOf(APIError);
      expect(error.message).toContain("nothing pending");
    });

    it("raises not-found for an unknown change", async () => {
      const error = await rejection(target().pebble.getChange("987654"));
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).statusCode).toBe(404);
      const waitError = await rejection(target().pebble.waitChange("987654"));
      expect((waitError as APIError).statusCode).toBe(404);
    });
  });

  describe("logs and signals", () => {
    it("returns a running service's output, newest n lines", async () => {
      const t = target();
      const { pebble } = t;
      const svc = unique("log-svc");
      const script = `echo ${svc} line one; echo ${svc} line two; exec sleep 1005`;
      t.handleExec(["/bin/sh", "-c", script], (ctx) => {
        ctx.stdout(`${svc} line one\n${svc} line two\n`);
        return new Promise((resolve) => ctx.signal.addEventListener("abort", () => resolve(143)));
      });
      await pebble.addLayer(unique("label"), {
        services: { [svc]: { override: "replace", command: `/bin/sh -c "${script}"` } },
      });
      await pebble.startServices([svc]);
      const entries = await until(t, "two log lines", async () => {
        const logs = await pebble.getLogs({ services: [svc], n: -1 });
        return logs.length >= 2 && logs;
      });
      expect(entries.map((e) => e.message)).toEqual([`${svc} line one`, `${svc} line two`]);
      expect(entries[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect((await pebble.getLogs({ services: [svc], n: 1 })).map((e) => e.message)).toEqual([
        `${svc} line two`,
      ]);
      await pebble.stopServices([svc]);
    });

    it("delivers a signal to a running service and refuses one for a stopped service", async () => {
      const t = target();
      const { pebble } = t;
      const svc = unique("signal-svc");
      const script = `trap "echo ${svc} got HUP" HUP; while true; do sleep 0.1; done`;
      t.handleExec(["/bin/sh", "-c", script], (ctx) => {
        ctx.onSignal((signal) => {
          if (signal === "SIGHUP") ctx.stdout(`${svc} got HUP\n`);
        });
        return new Promise(() => undefined);
      });
      await pebble.addLayer(unique("label"), {
        services: {
          [svc]: { override: "replace", command: `/bin/sh -c '${script}'`, "kill-delay": "1s" },
        },
      });
      const stopped = await rejection(pebble.sendSignal("SIGHUP", [svc]));
      expect(stopped).toBeInstanceOf(APIError);
      expect(stopped.message).toContain("service is not running");
      await pebble.startServices([svc]);
      const invalid = await rejection(pebble.sendSignal("SIGNOPE", [svc]));
      expect(invalid.message).toContain("invalid signal name");
      await pebble.sendSignal("SIGHUP", [svc]);
      await until(t, "the trapped HUP in the logs", async () =>
        (await pebble.getLogs({ services: [svc] })).some((e) => e.message === `${svc} got HUP`),
      );
      expect((await pebble.getServices([svc]))[0]?.current).toBe("active");
      await pebble.stopServices([svc]);
    });
  });
}
