/**
 * Contract: exec (stdin, stdout, split stderr, exit codes, environment, working directory,
 * signals, timeouts, missing executables).
 *
 * @module
 */

import { describe, expect, it } from "vitest";
import { APIError, ExecError, TimeoutError } from "../errors.js";
import { rejection, untilSignalled } from "./target.js";
import type { TargetRef } from "./target.js";

export function execContract(target: TargetRef): void {
  describe("exec", () => {
    it("passes stdin and returns stdout", async () => {
      const t = target();
      t.handleExec(["cat"], async (ctx) => ({ stdout: await ctx.readStdin() }));
      const result = await t.pebble.exec(["cat"], { stdin: "hello\nworld\n" });
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toBe("hello\nworld\n");
      const bytes = Buffer.from([0, 1, 2, 255]);
      expect((await t.pebble.exec(["cat"], { stdin: bytes })).stdoutBytes.equals(bytes)).toBe(true);
    });

    it("raises ExecError with the exit code and split stdout and stderr", async () => {
      const t = target();
      const script = "echo out; echo err >&2; exit 3";
      t.handleExec(["/bin/sh", "-c", script], (ctx) => {
        ctx.stdout("out\n");
        ctx.stderr("err\n");
        return 3;
      });
      const split = await rejection(
        t.pebble.exec(["/bin/sh", "-c", script], { splitStderr: true }),
      );
      expect(split).toBeInstanceOf(ExecError);
      expect(split).toMatchObject({ exitCode: 3, stdout: "out\n", stderr: "err\n" });
      expect((split as ExecError).command).toEqual(["/bin/sh", "-c", script]);
      const combined = (await rejection(t.pebble.exec(["/bin/sh", "-c", script]))) as ExecError;
      expect(combined.exitCode).toBe(3);
      expect(combined.stdout).toBe("out\nerr\n");
      expect(combined.stderr).toBe("");
    });

    it("runs with the given environment and working directory", async () => {
      const t = target();
      const script = 'echo "$CONTRACT_VAR"; pwd';
      t.handleExec(["/bin/sh", "-c", script], (ctx) => ({
        stdout: `${ctx.environment.CONTRACT_VAR}\n${ctx.workingDir}\n`,
      }));
      const result = await t.pebble.exec(["/bin/sh", "-c", script], {
        environment: { CONTRACT_VAR: "from-the-test" },
        workingDir: t.scratch,
      });
      expect(result.stdout).toBe(`from-the-test\n${t.scratch}\n`);
    });

    it("streams a spawned process and delivers a signal to it", async () => {
      const t = target();
      t.handleExec(["sleep", "30"], untilSignalled);
      const proc = await t.pebble.spawn(["sleep", "30"]);
      expect(proc.changeId).not.toBe("");
      proc.stdin.end();
      const early = await rejection(t.pebble.waitChange(proc.changeId, { timeout: 100 }));
      expect(early).toBeInstanceOf(TimeoutError);
      expect((await t.pebble.getChange(proc.changeId)).ready).toBe(false);
      await proc.sendSignal("SIGTERM");
      const error = await rejection(proc.wait());
      expect(error).toBeInstanceOf(ExecError);
      expect((error as ExecError).exitCode).toBe(143);
      const change = await t.pebble.getChange(proc.changeId);
      expect(change.kind).toBe("exec");
      expect(change.tasks[0]?.data["exit-code"]).toBe(143);
    });

    it("reads stdout as a stream from a spawned process", async () => {
      const t = target();
      t.handleExec(["cat"], async (ctx) => ({ stdout: await ctx.readStdin() }));
      const proc = await t.pebble.spawn(["cat"]);
      const chunks: Buffer[] = [];
      proc.stdout.on("data", (c: Buffer) => chunks.push(c));
      proc.stdin.write("streamed ");
      proc.stdin.end("input");
      const result = await proc.wait();
      expect(Buffer.concat(chunks).toString()).toBe("streamed input");
      expect(result.stdout).toBe("");
    });

    it("kills a command that runs past its timeout", async () => {
      const t = target();
      t.handleExec(["sleep", "5"], untilSignalled);
      const started = Date.now();
      const error = await rejection(t.pebble.exec(["sleep", "5"], { timeout: 300 }));
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.message).toContain("timed out after 300ms");
      expect(Date.now() - started).toBeLessThan(4000);
    });

    it("refuses a missing executable with a 400", async () => {
      const error = await rejection(target().pebble.exec(["/no/such/binary-for-contract"]));
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).statusCode).toBe(400);
      expect(error.message).toContain('cannot find executable "/no/such/binary-for-contract"');
    });
  });
}
