/**
 * Runs a charm as a real process, as Juju does: its entry module is bundled once with esbuild,
 * then each hook starts `node` on the bundle with the hook environment, the hook tools on `PATH`
 * and the charm directory as working directory. The tools are the real shim executables
 * talking to a hook-tool server in this process, which answers them with the same emulation as
 * the in-process mode. Used to prove both modes agree.
 *
 * @example
 * ```ts
 * const backend = await ExecBackend.start("lib/testing/tests/behaviour/main.ts");
 * const { exitCode } = await backend.run(hook, env, charmDir);
 * await backend.close();
 * ```
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import type { HookContextData } from "../jujuc/context.js";
import { type HookToolServer, startHookToolServer } from "../jujuc/server.js";
import { ensureJujucShim, makeToolsDir } from "../jujuc/tools-dir.js";
import type { ToolsEndpoint } from "./env.js";

/** What one hook process did. */
export interface ProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

let runs = 0;

/** A bundled charm, a tool server and a tools directory, ready to run hooks. */
export class ExecBackend {
  private constructor(
    private readonly dir: string,
    private readonly bundle: string,
    private readonly server: HookToolServer,
    private readonly socketPath: string,
    private readonly toolsDir: string,
  ) {}

  /** Bundles `entry` and starts the tool server. Call {@link close} when done. */
  static async start(entry: string): Promise<ExecBackend> {
    const dir = mkdtempSync(join(tmpdir(), "charm-exec-"));
    try {
      const bundle = join(dir, "charm.mjs");
      await build({
        entryPoints: [resolve(entry)],
        bundle: true,
        platform: "node",
        format: "esm",
        target: "node20",
        outfile: bundle,
        keepNames: true,
        logLevel: "silent",
        banner: {
          js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
        },
      });
      const socketPath = join(dir, "jujuc.sock");
      const server = await startHookToolServer(socketPath);
      const toolsDir = makeToolsDir(join(dir, "tools"), ensureJujucShim());
      return new ExecBackend(dir, bundle, server, socketPath, toolsDir);
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** A fresh endpoint (context id) for one hook. */
  endpoint(unitName: string): ToolsEndpoint {
    return {
      contextId: `${unitName}-${++runs}`,
      socketPath: this.socketPath,
      toolsDir: this.toolsDir,
    };
  }

  /** Runs one hook process against `hook`, whose data the tools mutate in place. */
  async run(
    hook: HookContextData,
    env: Record<string, string>,
    charmDir: string,
    contextId: string,
  ): Promise<ProcessResult> {
    this.server.register(contextId, hook);
    try {
      return await new Promise<ProcessResult>((resolveRun, reject) => {
        const child = spawn(process.execPath, [this.bundle], {
          cwd: charmDir,
          // Each run starts from its own State, so nothing may carry over between runs.
          env: { ...env, JAAS_RELATION_INDEX: "off" },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolveRun({ exitCode: code ?? 1, stdout, stderr }));
      });
    } finally {
      this.server.unregister(contextId);
    }
  }

  /** Stops the server and removes the bundle and tools. */
  async close(): Promise<void> {
    try {
      await this.server.close();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
