import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { HookContextData, SecretData } from "../context.js";
import { newHookContextData, newRelationData } from "../context.js";
import { runTool } from "../run-tool.js";
import type { RunToolOptions } from "../run-tool.js";

const MODEL = "00000000-0000-4000-8000-000000000000";
const OTHER_MODEL = "99999999-0000-4000-8000-000000000000";
const XID = "d0ekb4ipgbgs73c6bnf0";
const APP_SECRET = "cs1ir5ipgbgs73c6bng0";
const FOREIGN = "cs1ir5ipgbgs73c6bnh0";
const dir = mkdtempSync(join(tmpdir(), "jujuc-secrets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ids(...xids: string[]): () => string {
  const queue = [...xids];
  return () => queue.shift() ?? "zzzzzzzzzzzzzzzzzzzz";
}

function secret(
  init: Partial<SecretData> & { id: string; owner: SecretData["owner"] },
): SecretData {
  return {
    modelUuid: MODEL,
    revisions: { "1": { password: "one" } },
    latestRevision: 1,
    grants: [],
    consumers: {},
    ...init,
  };
}

function context(overrides: Partial<HookContextData> = {}): HookContextData {
  return newHookContextData({
    unitName: "jimm/0",
    leader: true,
    modelUuid: MODEL,
    relations: [
      newRelationData({
        id: 5,
        endpoint: "openfga",
        remoteApp: "openfga",
        remoteUnits: { "openfga/0": {} },
      }),
      newRelationData({
        id: 6,
        endpoint: "vault",
        remoteApp: "vault",
        remoteModelUuid: OTHER_MODEL,
      }),
      newRelationData({
        id: 7,
        endpoint: "db",
        remoteApp: "remote-76cd96ab50f146b284912afd1cc13a0e",
        remoteModelUuid: OTHER_MODEL,
      }),
    ],
    secrets: [
      secret({
        id: `secret:${APP_SECRET}`,
        owner: { kind: "application", app: "jimm" },
        label: "app-creds",
        revisions: { "1": { password: "one" }, "2": { password: "two" } },
        latestRevision: 2,
      }),
      secret({
        id: `secret://${OTHER_MODEL}/${FOREIGN}`,
        modelUuid: OTHER_MODEL,
        owner: { kind: "application", app: "vault" },
        revisions: { "1": { token: "t1" } },
        grants: [{ relationId: 6, target: "jimm", role: "view" }],
      }),
    ],
    ...overrides,
  });
}

const run = (ctx: HookContextData, tool: string, args: string[], options: RunToolOptions = {}) =>
  runTool(ctx, tool, args, { newSecretId: ids(XID), cwd: dir, ...options });

describe("secret-add", () => {
  it("creates an application secret and prints its URI", () => {
    const ctx = context();
    const result = run(ctx, "secret-add", [
      "--label",
      "db",
      "--description",
      "db password",
      "password=s3cret",
      "api-key#base64=YWJj",
    ]);
    // Juju prints the URI with the model's UUID (ops keeps it as Secret.id).
    expect(result).toEqual({ stdout: `secret://${MODEL}/${XID}\n`, stderr: "", exitCode: 0 });
    expect(ctx.secrets.at(-1)).toEqual({
      id: `secret:${XID}`,
      modelUuid: MODEL,
      owner: { kind: "application", app: "jimm" },
      label: "db",
      description: "db password",
      revisions: { "1": { password: "s3cret", "api-key": "abc" } },
      latestRevision: 1,
      grants: [],
      consumers: {},
    });
  });

  it("reads #file values and --file relative to the working directory", () => {
    writeFileSync(join(dir, "cert.pem"), "-----BEGIN-----\n");
    writeFileSync(join(dir, "content.yaml"), "user: admin\ntoken#base64: dG9r\n");
    const ctx = context();
    expect(
      run(ctx, "secret-add", ["--owner", "unit", "cert#file=cert.pem", "--file", "content.yaml"])
        .exitCode,
    ).toBe(0);
    const added = ctx.secrets.at(-1);
    expect(added?.owner).toEqual({ kind: "unit", unit: "jimm/0" });
    expect(added?.revisions["1"]).toEqual({
      cert: "-----BEGIN-----\n",
      user: "admin",
      token: "tok",
    });
    expect(run(ctx, "secret-add", ["x#file=missing.txt"]).stderr).toBe(
      'ERROR reading content for secret key "xxx": open missing.txt: no such file or directory\n'.replace(
        "xxx",
        "x",
      ),
    );
  });

  it("parses --expire as RFC 3339 or a Go duration, and --rotate", () => {
    const ctx = context();
    run(ctx, "secret-add", ["--expire", "2030-01-02T03:04:05Z", "--rotate", "monthly", "key=val"]);
    expect(ctx.secrets.at(-1)).toMatchObject({ expire: "2030-01-02T03:04:05Z", rotate: "monthly" });
    const before = Date.now();
    runTool(ctx, "secret-add", ["--expire", "24h", "key=val"], {
      newSecretId: ids("a0ekb4ipgbgs73c6bnf0"),
    });
    const expire = Date.parse(ctx.secrets.at(-1)?.expire ?? "");
    expect(expire - before).toBeGreaterThanOrEqual(24 * 3600 * 1000 - 1000);
    expect(expire - before).toBeLessThan(24 * 3600 * 1000 + 60_000);
  });

  it("reports Juju's argument errors (exit 2)", () => {
    const ctx = context();
    const err = (...args: string[]) => run(ctx, "secret-add", args);
    expect(err()).toEqual({
      stdout: "",
      stderr: "ERROR missing secret value or filename\n",
      exitCode: 2,
    });
    expect(err("--expire", "soon", "k=v").stderr).toBe(
      'ERROR expire time or duration "soon" not valid\n',
    );
    expect(err("--expire", "-1h", "key=v").stderr).toBe(
      'ERROR negative expire duration "-1h" not valid\n',
    );
    expect(err("--rotate", "often", "key=v").stderr).toBe(
      'ERROR rotate policy "often" not valid\n',
    );
    expect(err("--owner", "model", "key=v").stderr).toBe('ERROR secret owner "model" not valid\n');
    expect(err("Key=v").stderr).toBe('ERROR key "Key" not valid\n');
    expect(err("ab=v").stderr).toBe('ERROR key "ab" not valid\n');
    expect(err("a--b=v").stderr).toBe('ERROR key "a--b" not valid\n');
    expect(err("novalue").stderr).toBe('ERROR key value "novalue" not valid\n');
    expect(err("key=v").exitCode).toBe(0);
  });

  it("needs leadership for an application secret, and a free label", () => {
    expect(run(context({ leader: false }), "secret-add", ["key=v"])).toEqual({
      stdout: "",
      stderr: "ERROR this unit is not the leader\n",
      exitCode: 1,
    });
    expect(
      run(context({ leader: false }), "secret-add", ["--owner", "unit", "key=v"]).exitCode,
    ).toBe(0);
    expect(run(context(), "secret-add", ["--label", "app-creds", "key=v"])).toMatchObject({
      stderr: "ERROR secret label already exists\n",
      exitCode: 1,
    });
    writeFileSync(join(dir, "empty.yaml"), "");
    expect(run(context(), "secret-add", ["--file", "empty.yaml"]).stderr).toBe(
      "ERROR empty secret value not valid\n",
    );
  });
});

describe("secret-get", () => {
  it("tracks the latest revision on first read and returns the tracked one afterwards", () => {
    const ctx = context();
    const get = (...args: string[]) => run(ctx, "secret-get", ["--format=json", ...args]).stdout;
    expect(get(`secret:${APP_SECRET}`)).toBe('{"password":"two"}\n');
    const target = ctx.secrets[0]!;
    expect(target.consumers["jimm/0"]).toEqual({ trackedRevision: 2 });
    target.revisions["3"] = { password: "three" };
    target.latestRevision = 3;
    expect(get(APP_SECRET)).toBe('{"password":"two"}\n');
    expect(get(APP_SECRET, "--peek")).toBe('{"password":"three"}\n');
    expect(target.consumers["jimm/0"]).toEqual({ trackedRevision: 2 });
    expect(get(`secret://${MODEL}/${APP_SECRET}`, "--refresh")).toBe('{"password":"three"}\n');
    expect(get(APP_SECRET)).toBe('{"password":"three"}\n');
    expect(run(ctx, "secret-get", [APP_SECRET]).stdout).toBe("password: three\n");
  });

  it("reads one key, plain or #base64", () => {
    const ctx = context();
    expect(run(ctx, "secret-get", [APP_SECRET, "password"]).stdout).toBe("two\n");
    expect(run(ctx, "secret-get", ["--format=json", APP_SECRET, "password#base64"]).stdout).toBe(
      '"dHdv"\n',
    );
    expect(run(ctx, "secret-get", [APP_SECRET, "nope"])).toEqual({
      stdout: "",
      stderr: 'ERROR secret key "nope" not found\n',
      exitCode: 1,
    });
  });

  it("finds owned secrets by the owner's label, from every unit of the application", () => {
    const follower = context({ leader: false, unitName: "jimm/1" });
    expect(run(follower, "secret-get", ["--label", "app-creds", "--format=json"]).stdout).toBe(
      '{"password":"two"}\n',
    );
  });

  it("lets a consumer with a grant read and label the secret, and read by that label", () => {
    const ctx = context();
    expect(
      run(ctx, "secret-get", [
        `secret://${OTHER_MODEL}/${FOREIGN}`,
        "--label",
        "vault-token",
        "token",
      ]).stdout,
    ).toBe("t1\n");
    expect(ctx.secrets[1]?.consumers["jimm/0"]).toEqual({
      trackedRevision: 1,
      label: "vault-token",
    });
    expect(run(ctx, "secret-get", ["--label", "vault-token", "--format=json"]).stdout).toBe(
      '{"token":"t1"}\n',
    );
    // As in Juju, the first argument is always the ID, even with --label.
    expect(run(ctx, "secret-get", ["--label", "vault-token", "token"]).stderr).toBe(
      'ERROR secret URI "token" not valid\n',
    );
  });

  it("lets the owner rename a secret by reading it with a new label", () => {
    const ctx = context();
    run(ctx, "secret-get", [APP_SECRET, "--label", "renamed"]);
    expect(ctx.secrets[0]?.label).toBe("renamed");
    expect(ctx.secrets[0]?.consumers["jimm/0"]?.label).toBeUndefined();
  });

  it("answers not found without a grant, and for unknown labels", () => {
    const ctx = context({ unitName: "other/0", appName: "other" });
    expect(run(ctx, "secret-get", [`secret:${APP_SECRET}`])).toEqual({
      stdout: "",
      stderr: `ERROR secret "secret:${APP_SECRET}" not found\n`,
      exitCode: 1,
    });
    expect(run(ctx, "secret-get", ["--label", "nope"]).stderr).toBe(
      'ERROR secret URI for consumer label "nope" not found\n',
    );
  });

  it("checks its arguments", () => {
    const ctx = context();
    expect(run(ctx, "secret-get", []).stderr).toBe("ERROR require either a secret URI or label\n");
    expect(run(ctx, "secret-get", [APP_SECRET, "--peek", "--refresh"]).stderr).toBe(
      "ERROR specify one of --peek or --refresh but not both\n",
    );
    expect(run(ctx, "secret-get", ["secret:nope"])).toEqual({
      stdout: "",
      stderr: 'ERROR secret URI "secret:nope" not valid\n',
      exitCode: 2,
    });
    expect(run(ctx, "secret-get", [APP_SECRET, "--format=smart"]).stderr).toBe(
      'ERROR invalid value "smart" for option --format: unknown format "smart"\n',
    );
  });
});

describe("secret-set", () => {
  it("adds a revision only when the content changes, and one per hook", () => {
    const ctx = context();
    expect(run(ctx, "secret-set", [APP_SECRET, "password=two"])).toEqual({
      stdout: "",
      stderr: "",
      exitCode: 0,
    });
    expect(ctx.secrets[0]?.latestRevision).toBe(2);
    run(ctx, "secret-set", [`secret:${APP_SECRET}`, "password=three"]);
    run(ctx, "secret-set", [APP_SECRET, "password=four", "--description", "d", "--label", "creds"]);
    expect(ctx.secrets[0]).toMatchObject({
      latestRevision: 3,
      revisions: { "3": { password: "four" } },
      description: "d",
      label: "creds",
    });
    expect(ctx.newSecretRevisions).toEqual({ [`secret:${APP_SECRET}`]: 3 });
  });

  it("after secret-add in the same hook, the first change makes revision 2", () => {
    const ctx = context();
    run(ctx, "secret-add", ["key=a"]);
    run(ctx, "secret-set", [XID, "key=b"]);
    expect(ctx.secrets.at(-1)).toMatchObject({
      latestRevision: 2,
      revisions: { "1": { key: "a" }, "2": { key: "b" } },
    });
  });

  it("is for the secret's manager only", () => {
    expect(run(context({ leader: false }), "secret-set", [APP_SECRET, "password=x"])).toEqual({
      stdout: "",
      stderr: "ERROR permission denied\n",
      exitCode: 1,
    });
    expect(run(context(), "secret-set", [FOREIGN, "token=x"]).stderr).toBe(
      `ERROR secret "${FOREIGN}" not found\n`,
    );
    expect(run(context(), "secret-set", []).stderr).toBe("ERROR missing secret URI\n");
  });
});

describe("secret-info-get and secret-ids", () => {
  it("prints the owner's metadata", () => {
    const ctx = context();
    ctx.secrets[0]!.grants.push({ relationId: 5, target: "openfga", role: "view" });
    ctx.secrets[0]!.rotate = "daily";
    ctx.secrets[0]!.nextRotate = "2026-11-28T09:29:59.700Z";
    // Juju's field order: revision, label, owner, description, rotation, expiry, rotates, access.
    expect(run(ctx, "secret-info-get", ["--format=json", APP_SECRET]).stdout).toBe(
      `{"${APP_SECRET}":{"revision":2,"label":"app-creds","owner":"application","rotation":"daily","rotates":"2026-11-28T09:30:00Z","access":[{"target":"application-openfga","scope":"relation-jimm.openfga#openfga.openfga","role":"view"}]}}\n`,
    );
    expect(run(ctx, "secret-info-get", ["--label", "app-creds"]).stdout).toMatch(
      new RegExp(`^${APP_SECRET}:\\n  revision: 2\\n`),
    );
  });

  it("shows application secrets to the leader only", () => {
    expect(run(context({ leader: false }), "secret-info-get", [APP_SECRET]).stderr).toBe(
      `ERROR secret "${APP_SECRET}" not found\n`,
    );
    expect(run(context(), "secret-ids", ["--format=json"]).stdout).toBe(`["${APP_SECRET}"]\n`);
    expect(run(context({ leader: false }), "secret-ids", ["--format=json"]).stdout).toBe("null\n");
    expect(run(context(), "secret-info-get", [APP_SECRET, "--label", "x"]).stderr).toBe(
      "ERROR specify either a secret URI or label but not both\n",
    );
  });
});

describe("secret-grant / secret-revoke", () => {
  it("grants over a relation to the remote application or one of its units", () => {
    const ctx = context();
    expect(
      run(ctx, "secret-grant", [APP_SECRET, "-r", "openfga:5", "--unit", "openfga/0"]).exitCode,
    ).toBe(0);
    expect(run(ctx, "secret-grant", [APP_SECRET, "--relation", "5"])).toMatchObject({
      stderr:
        "ERROR any unit level grants need to be revoked before granting access to the corresponding application\n",
      exitCode: 1,
    });
    expect(run(ctx, "secret-revoke", [APP_SECRET, "--unit", "openfga/0"]).exitCode).toBe(0);
    expect(run(ctx, "secret-grant", [APP_SECRET, "-r", "5"]).exitCode).toBe(0);
    expect(run(ctx, "secret-grant", [APP_SECRET, "-r", "5"]).exitCode).toBe(0);
    expect(ctx.secrets[0]?.grants).toEqual([{ relationId: 5, target: "openfga", role: "view" }]);
    expect(run(ctx, "secret-revoke", [APP_SECRET, "-r", "5"]).exitCode).toBe(0);
    expect(ctx.secrets[0]?.grants).toEqual([]);
  });

  it("gives the grantee read access", () => {
    const owner = context();
    run(owner, "secret-grant", [APP_SECRET, "-r", "5"]);
    const consumer = newHookContextData({ unitName: "openfga/0", secrets: owner.secrets });
    expect(runTool(consumer, "secret-get", [APP_SECRET, "password"]).stdout).toBe("two\n");
  });

  it("checks relation and unit", () => {
    const ctx = context();
    expect(run(ctx, "secret-grant", [APP_SECRET]).stderr).toBe("ERROR no relation id specified\n");
    expect(run(ctx, "secret-grant", [APP_SECRET, "-r", "5", "--unit", "vault/0"]).stderr).toBe(
      'ERROR cannot specify unit "vault/0" in relation to application "openfga"\n',
    );
    expect(run(ctx, "secret-grant", [APP_SECRET, "-r", "5", "--unit", "x"]).stderr).toBe(
      'ERROR unit "x" not valid\n',
    );
    expect(run(context({ leader: false }), "secret-grant", [APP_SECRET, "-r", "5"])).toEqual({
      stdout: "",
      stderr: "ERROR permission denied\n",
      exitCode: 1,
    });
    expect(run(ctx, "secret-grant", ["cs1ir5ipgbgs73c6bnj0", "-r", "5"]).stderr).toBe(
      'ERROR secret "cs1ir5ipgbgs73c6bnj0" not found\n',
    );
  });

  it("grants across models from the offering side only", () => {
    const ctx = context();
    expect(run(ctx, "secret-grant", [APP_SECRET, "-r", "vault:6"]).exitCode).toBe(1);
    expect(run(ctx, "secret-grant", [APP_SECRET, "-r", "db:7"]).exitCode).toBe(0);
  });

  it("checks revoke's arguments like Juju", () => {
    const ctx = context();
    const revoke = (...args: string[]) => run(ctx, "secret-revoke", [APP_SECRET, ...args]).stderr;
    expect(revoke()).toBe("ERROR missing relation or application or unit\n");
    expect(revoke("--app", "a", "--unit", "a/0")).toBe(
      "ERROR specify only one of application or unit\n",
    );
    expect(revoke("-r", "5", "--app", "openfga")).toBe(
      "ERROR do not specify both relation and app\n",
    );
    expect(revoke("--app", "openfga")).toBe("");
  });
});

describe("secret-remove", () => {
  it("removes one revision or the whole secret, and records it", () => {
    const ctx = context();
    expect(run(ctx, "secret-remove", [APP_SECRET, "--revision", "1"]).exitCode).toBe(0);
    expect(ctx.secrets[0]?.revisions).toEqual({ "2": { password: "two" } });
    run(ctx, "secret-remove", [APP_SECRET]);
    expect(ctx.secrets.map((s) => s.id)).toEqual([`secret://${OTHER_MODEL}/${FOREIGN}`]);
    expect(ctx.removedSecretRevisions).toEqual([
      `secret:${APP_SECRET}/1`,
      `secret:${APP_SECRET}/2`,
    ]);
    expect(run(context({ leader: false }), "secret-remove", [APP_SECRET]).stderr).toBe(
      "ERROR permission denied\n",
    );
  });
});
