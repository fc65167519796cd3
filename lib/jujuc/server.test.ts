import { execFile } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newHookContextData, newRelationData } from "./context.js";
import type { HookContextData } from "./context.js";
import type { HookToolServer } from "./server.js";
import { startHookToolServer } from "./server.js";
import { HOOK_TOOL_NAMES } from "./tools/index.js";
import { ensureJujucShim, makeToolsDir } from "./tools-dir.js";

interface Outcome {
  stdout: string;
  stderr: string;
  exitCode: number;
}

let dir: string;
let tools: string;
let server: HookToolServer;
let ctx: HookContextData;
const CONTEXT_ID = "jimm/0-db-relation-changed-42";

function tool(
  name: string,
  args: string[],
  options: { stdin?: string; env?: Record<string, string>; cwd?: string } = {},
): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = execFile(
      join(tools, name),
      args,
      {
        cwd: options.cwd ?? dir,
        env: {
          PATH: `${tools}:/usr/bin:/bin`,
          JUJU_CONTEXT_ID: CONTEXT_ID,
          JUJU_AGENT_SOCKET_ADDRESS: server.socketPath,
          JUJU_AGENT_SOCKET_NETWORK: "unix",
          ...options.env,
        },
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ stdout, stderr, exitCode: code });
      },
    );
    child.stdin?.end(options.stdin ?? "");
  });
}

beforeAll(async () => {
  const shim = ensureJujucShim();
  dir = realpathSync(mkdtempSync(join(tmpdir(), "jujuc-server-")));
  server = await startHookToolServer(join(dir, "jujuc.sock"));
  tools = makeToolsDir(join(dir, "tools"), shim);
  ctx = newHookContextData({
    unitName: "jimm/0",
    leader: false,
    relations: [
      newRelationData({
        id: 3,
        endpoint: "db",
        remoteApp: "postgresql",
        remoteUnits: { "postgresql/0": { "private-address": "10.0.0.9", note: "é <&> \u2028" } },
      }),
    ],
    currentRelationId: 3,
    remoteUnit: "postgresql/0",
    remoteApp: "postgresql",
  });
  server.register(CONTEXT_ID, ctx, { newSecretId: () => "cs1ir5ipgbgs73c6bng0" });
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("hook tools through the shim and the socket server", () => {
  it("makes one link per tool", () => {
    expect(HOOK_TOOL_NAMES.length).toBeGreaterThan(30);
    expect(makeToolsDir(join(dir, "tools"))).toBe(join(dir, "tools"));
  });

  it("answers with the tool's stdout and exit code", async () => {
    expect(await tool("relation-get", ["--format=json"])).toEqual({
      stdout: '{"note":"é \\u003c\\u0026\\u003e \\u2028","private-address":"10.0.0.9"}\n',
      stderr: "",
      exitCode: 0,
    });
    expect(await tool("is-leader", [])).toEqual({ stdout: "False\n", stderr: "", exitCode: 0 });
  });

  it("passes stderr and exit codes 1 and 2 through", async () => {
    expect(await tool("relation-set", ["--app", "a=b"])).toEqual({
      stdout: "",
      stderr: "ERROR cannot write relation settings\n",
      exitCode: 1,
    });
    expect(await tool("relation-list", ["-r", "db:99"])).toEqual({
      stdout: "",
      stderr: 'ERROR invalid value "db:99" for option -r: relation not found\n',
      exitCode: 2,
    });
  });

  it("sends stdin for relation-set --file -", async () => {
    expect(
      await tool("relation-set", ["-r", "db:3", "--file", "-", "extra=1"], {
        stdin: '{"database": "jimm", "quote": "a\\"b"}',
      }),
    ).toEqual({
      stdout: "",
      stderr: "",
      exitCode: 0,
    });
    expect(ctx.relations[0]?.localUnitData).toEqual({ database: "jimm", quote: 'a"b', extra: "1" });
    expect((await tool("state-set", ["--file=-"], { stdin: "k: v\n" })).exitCode).toBe(0);
    expect(ctx.charmState).toEqual({ k: "v" });
  });

  it("resolves files relative to the tool's working directory", async () => {
    writeFileSync(join(dir, "settings.yaml"), "from-file: yes\n");
    expect((await tool("relation-set", ["--file", "settings.yaml"])).exitCode).toBe(0);
    expect(ctx.relations[0]?.localUnitData["from-file"]).toBe("yes");
    expect((await tool("secret-add", ["--owner", "unit", "key#file=settings.yaml"])).stdout).toBe(
      `secret://${ctx.modelUuid}/cs1ir5ipgbgs73c6bng0\n`,
    );
  });

  it("rejects a wrong context id as Juju does", async () => {
    expect(await tool("is-leader", [], { env: { JUJU_CONTEXT_ID: "other" } })).toEqual({
      stdout: "",
      stderr: `error: bad request: expected context id "${CONTEXT_ID}", got "other"\n`,
      exitCode: 1,
    });
  });

  it("reports a missing environment or socket like Juju's client", async () => {
    expect(await tool("is-leader", [], { env: { JUJU_CONTEXT_ID: "" } })).toEqual({
      stdout: "",
      stderr: "error: JUJU_CONTEXT_ID not set\n",
      exitCode: 1,
    });
    const missing = await tool("is-leader", [], {
      env: { JUJU_AGENT_SOCKET_ADDRESS: join(dir, "nope.sock") },
    });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(
      /^error: dial unix .*nope\.sock: connect: no such file or directory\n$/,
    );
  });

  it("answers raw socket requests and refuses malformed ones", async () => {
    const ask = (payload: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = connect(server.socketPath);
        let data = "";
        socket.on("data", (chunk) => (data += chunk.toString()));
        socket.on("end", () => resolve(data));
        socket.on("error", reject);
        socket.end(payload);
      });
    expect(
      JSON.parse(
        await ask(
          JSON.stringify({
            contextId: CONTEXT_ID,
            tool: "is-leader",
            args: ["--format=json"],
            cwd: "/",
          }) + "\n",
        ),
      ),
    ).toEqual({
      stdout: "false\n",
      stderr: "",
      exitCode: 0,
    });
    expect(JSON.parse(await ask("not json\n"))).toMatchObject({
      error: expect.stringMatching(/^bad request: /),
    });
    expect(
      JSON.parse(
        await ask(
          JSON.stringify({ contextId: CONTEXT_ID, tool: "is-leader", args: [], cwd: "rel" }),
        ),
      ),
    ).toEqual({
      error: "bad request: Dir is not absolute",
    });
    expect(server.handle({ contextId: CONTEXT_ID, tool: "unit-get", args: [], cwd: "/" })).toEqual({
      error: "bad request: unknown command: unit-get",
    });
  });

  it("serves several contexts and forgets unregistered ones", async () => {
    const other = newHookContextData({ unitName: "openfga/0", leader: true });
    server.register("openfga/0-install-1", other);
    expect(
      await tool("is-leader", [], { env: { JUJU_CONTEXT_ID: "openfga/0-install-1" } }),
    ).toMatchObject({ stdout: "True\n" });
    server.unregister("openfga/0-install-1");
    expect(
      (await tool("is-leader", [], { env: { JUJU_CONTEXT_ID: "openfga/0-install-1" } })).exitCode,
    ).toBe(1);
  });
});
