import { describe, expect, it } from "vitest";
import type { HookContextData } from "../context.js";
import { newHookContextData, newRelationData } from "../context.js";
import { runTool } from "../run-tool.js";

function context(overrides: Partial<HookContextData> = {}): HookContextData {
  return newHookContextData({
    unitName: "jimm/0",
    leader: true,
    relations: [
      newRelationData({
        id: 3,
        endpoint: "db",
        remoteApp: "postgresql",
        localUnitData: { "private-address": "10.0.0.5" },
        localAppData: { database: "jimm" },
        remoteAppData: { endpoints: "10.0.0.9:5432", secret: "<b>&" },
        remoteUnits: {
          "postgresql/1": { "private-address": "10.0.0.10" },
          "postgresql/0": { "private-address": "10.0.0.9" },
        },
        departedUnits: { "postgresql/2": { "private-address": "10.0.0.11" } },
      }),
      newRelationData({ id: 10, endpoint: "db", remoteApp: "pg2" }),
      newRelationData({ id: 4, endpoint: "db", remoteApp: "pg3", broken: true }),
      newRelationData({
        id: 1,
        endpoint: "peers",
        peer: true,
        remoteApp: "jimm",
        localAppData: { "secret-id": "x" },
        remoteUnits: { "jimm/1": { "private-address": "10.0.0.6" } },
      }),
    ],
    currentRelationId: 3,
    remoteUnit: "postgresql/0",
    remoteApp: "postgresql",
    ...overrides,
  });
}

const run = (ctx: HookContextData, tool: string, ...args: string[]) => runTool(ctx, tool, args);

describe("relation-ids", () => {
  it("lists the endpoint's relations, sorted as strings, without broken ones", () => {
    const ctx = context();
    expect(run(ctx, "relation-ids", "--format=json").stdout).toBe('["db:10","db:3"]\n');
    expect(run(ctx, "relation-ids", "peers").stdout).toBe("peers:1\n");
    expect(run(ctx, "relation-ids", "nothing", "--format=json").stdout).toBe("[]\n");
  });

  it("needs an endpoint outside a relation hook", () => {
    const ctx = context({ currentRelationId: undefined });
    expect(run(ctx, "relation-ids")).toEqual({
      stdout: "",
      stderr: "ERROR no endpoint name specified\n",
      exitCode: 2,
    });
  });
});

describe("relation-list", () => {
  it("lists joined remote units, or the remote application with --app", () => {
    const ctx = context();
    expect(run(ctx, "relation-list", "--format=json").stdout).toBe(
      '["postgresql/0","postgresql/1"]\n',
    );
    expect(run(ctx, "relation-list", "--format=json", "-r", "db:10").stdout).toBe("[]\n");
    expect(run(ctx, "relation-list", "--app").stdout).toBe("postgresql\n");
    expect(run(ctx, "relation-list", "--app=True", "--format", "json").stdout).toBe(
      '"postgresql"\n',
    );
  });

  it("refuses unknown, malformed and foreign-endpoint relation ids", () => {
    const ctx = context();
    expect(run(ctx, "relation-list", "-r", "db:99")).toEqual({
      stdout: "",
      stderr: 'ERROR invalid value "db:99" for option -r: relation not found\n',
      exitCode: 2,
    });
    expect(run(ctx, "relation-list", "-r", "peers:3").stderr).toBe(
      'ERROR invalid value "peers:3" for option -r: relation not found\n',
    );
    expect(run(ctx, "relation-list", "-r", "db:x").stderr).toBe(
      'ERROR invalid value "db:x" for option -r: invalid relation id\n',
    );
    expect(run(ctx, "relation-list", "-r", "3").exitCode).toBe(0);
    expect(run(context({ currentRelationId: undefined }), "relation-list").stderr).toBe(
      "ERROR no relation id specified\n",
    );
    expect(run(ctx, "relation-list", "-x").stderr).toBe(
      "ERROR option provided but not defined: -x\n",
    );
  });
});

describe("relation-get", () => {
  it("defaults to the remote unit of the hook", () => {
    const ctx = context();
    expect(run(ctx, "relation-get", "--format=json").stdout).toBe(
      '{"private-address":"10.0.0.9"}\n',
    );
    expect(run(ctx, "relation-get", "private-address").stdout).toBe("10.0.0.9\n");
    expect(run(ctx, "relation-get", "--format=json", "missing")).toEqual({
      stdout: "null\n",
      stderr: "",
      exitCode: 0,
    });
    expect(run(ctx, "relation-get", "missing")).toEqual({ stdout: "", stderr: "", exitCode: 0 });
  });

  it("reads the remote application bag with --app, escaping JSON like Go", () => {
    const ctx = context();
    expect(run(ctx, "relation-get", "--app", "--format=json").stdout).toBe(
      '{"endpoints":"10.0.0.9:5432","secret":"\\u003cb\\u003e\\u0026"}\n',
    );
    expect(run(ctx, "relation-get", "--format=json", "--app", "-", "postgresql/10").stdout).toBe(
      '{"endpoints":"10.0.0.9:5432","secret":"\\u003cb\\u003e\\u0026"}\n',
    );
  });

  it("falls back to the remote application when the hook has no remote unit", () => {
    const ctx = context({ remoteUnit: undefined });
    expect(run(ctx, "relation-get", "endpoints").stdout).toBe("10.0.0.9:5432\n");
  });

  it("needs a unit or application when the hook gives none", () => {
    const ctx = context({
      remoteUnit: undefined,
      remoteApp: undefined,
      currentRelationId: undefined,
    });
    expect(run(ctx, "relation-get", "-r", "db:3").stderr).toBe(
      "ERROR no unit or application specified\n",
    );
  });

  it("wants a unit name unless --app", () => {
    const ctx = context();
    expect(run(ctx, "relation-get", "-", "postgresql")).toEqual({
      stdout: "",
      stderr: 'ERROR expected unit name, got application name "postgresql"\n',
      exitCode: 2,
    });
    expect(run(ctx, "relation-get", "-", "Bad!").stderr).toBe('ERROR invalid unit name "Bad!"\n');
    expect(run(ctx, "relation-get", "-", "postgresql/0", "extra").stderr).toBe(
      'ERROR unrecognized args: ["extra"]\n',
    );
  });

  it("reads departed units' bags for the life of the relation", () => {
    expect(run(context(), "relation-get", "-", "postgresql/2", "--format=json").stdout).toBe(
      '{"private-address":"10.0.0.11"}\n',
    );
  });

  it("refuses units outside the relation", () => {
    expect(run(context(), "relation-get", "-", "other/0")).toMatchObject({
      stderr: "ERROR permission denied\n",
      exitCode: 1,
    });
  });

  it("lets the leader read its own application bag, and refuses a non-leader", () => {
    expect(run(context(), "relation-get", "--app", "-", "jimm", "--format=json").stdout).toBe(
      '{"database":"jimm"}\n',
    );
    expect(run(context({ leader: false }), "relation-get", "--app", "-", "jimm")).toEqual({
      stdout: "",
      stderr: "ERROR permission denied\n",
      exitCode: 1,
    });
  });

  it("lets every unit read the peer application bag", () => {
    const ctx = context({ leader: false });
    expect(
      run(ctx, "relation-get", "-r", "peers:1", "--app", "-", "jimm", "--format=json").stdout,
    ).toBe('{"secret-id":"x"}\n');
    expect(run(ctx, "relation-get", "-r", "1", "-", "jimm/1", "--format=json").stdout).toBe(
      '{"private-address":"10.0.0.6"}\n',
    );
  });
});

describe("relation-set", () => {
  it("writes the unit bag, deletes keys set to empty, and reads its own writes back", () => {
    const ctx = context();
    expect(run(ctx, "relation-set", "a=1", "private-address=", "b= spaced ")).toEqual({
      stdout: "",
      stderr: "",
      exitCode: 0,
    });
    expect(ctx.relations[0]?.localUnitData).toEqual({ a: "1", b: "spaced" });
    expect(run(ctx, "relation-get", "--format=json", "-", "jimm/0").stdout).toBe(
      '{"a":"1","b":"spaced"}\n',
    );
  });

  it("reads --file - from stdin (YAML or JSON), with key=value overriding it", () => {
    const ctx = context();
    const result = runTool(ctx, "relation-set", ["-r", "db:3", "--file", "-", "c=3"], {
      stdin: '{"a": "x", "c": "from-file", "private-address": "", "n": 5}',
    });
    expect(result.exitCode).toBe(0);
    expect(ctx.relations[0]?.localUnitData).toEqual({ a: "x", c: "3", n: "5" });
    runTool(ctx, "relation-set", ["--file=-"], { stdin: "y: two words\nz: null\n" });
    expect(ctx.relations[0]?.localUnitData).toMatchObject({ y: "two words" });
    expect(ctx.relations[0]?.localUnitData["z"]).toBeUndefined();
  });

  it("rejects nested values and non-map files", () => {
    const ctx = context();
    const nested = runTool(ctx, "relation-set", ["--file", "-"], { stdin: "a:\n  b: c\n" });
    expect(nested.exitCode).toBe(1);
    expect(nested.stderr).toMatch(/^ERROR yaml: unmarshal errors:/);
  });

  it("writes the application bag only as leader", () => {
    const ctx = context();
    expect(run(ctx, "relation-set", "--app", "endpoint=x").exitCode).toBe(0);
    expect(ctx.relations[0]?.localAppData).toEqual({ database: "jimm", endpoint: "x" });
    const follower = context({ leader: false });
    expect(run(follower, "relation-set", "--app", "endpoint=x")).toEqual({
      stdout: "",
      stderr: "ERROR cannot write relation settings\n",
      exitCode: 1,
    });
    expect(run(follower, "relation-set", "-r", "peers:1", "--app", "k=v").stderr).toBe(
      "ERROR cannot write relation settings\n",
    );
  });

  it("checks its arguments like Juju", () => {
    const ctx = context();
    expect(run(ctx, "relation-set", "novalue").stderr).toBe(
      'ERROR expected "key=value", got "novalue"\n',
    );
    expect(run(ctx, "relation-set", "a=1", "a=2").stderr).toBe(
      'ERROR key "a" specified more than once\n',
    );
    expect(run(context({ currentRelationId: undefined }), "relation-set", "a=1").stderr).toBe(
      "ERROR no relation id specified\n",
    );
    expect(run(ctx, "relation-set", "--format=json", "a=1")).toEqual({
      stdout: "",
      stderr: '--format flag deprecated for command "relation-set"',
      exitCode: 0,
    });
  });
});

describe("relation-model-get", () => {
  it("prints the remote model's UUID", () => {
    const ctx = context();
    ctx.relations[0]!.remoteModelUuid = "11111111-2222-4333-8444-555555555555";
    expect(run(ctx, "relation-model-get", "--format=json").stdout).toBe(
      '{"uuid":"11111111-2222-4333-8444-555555555555"}\n',
    );
    expect(run(ctx, "relation-model-get").stdout).toBe(
      "uuid: 11111111-2222-4333-8444-555555555555\n",
    );
  });
});
