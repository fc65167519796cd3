// The `jaas` verbs the end-to-end test does not reach, against a real daemon started without
// network namespaces or workloads (so no root is needed): two models, offer, consume under a
// local name, integrate with the SAAS, status showing both sides, remove-relation,
// remove-saas, remove-application, destroy-model, kill-controller. Whatever happens, afterAll
// kills the controller and removes its home.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { homePaths } from "../sim/daemon/home.js";
import { killController } from "../sim/daemon/lifecycle.js";
import type { StatusOutput } from "../sim/status.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const JAAS = join(ROOT, "bin", "jaas");

let tmp: string;
let home: string;
let env: NodeJS.ProcessEnv;

interface Run {
  code: number;
  out: string;
  err: string;
}

function jaas(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(JAAS, args, { env, cwd: tmp, timeout: 180_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      done({ code, out: stdout, err: stderr });
    });
  });
}

async function ok(...args: string[]): Promise<Run> {
  const r = await jaas(...args);
  expect(r.code, `jaas ${args.join(" ")}\n${r.err}`).toBe(0);
  return r;
}

async function status(model: string): Promise<StatusOutput> {
  return JSON.parse((await ok("status", "-m", model, "--format=json")).out) as StatusOutput;
}

describe("jaas across models", () => {
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), "jaas-cmr-"));
    home = join(tmp, "h");
    env = {
      ...process.env,
      JAAS_HOME: home,
      JAAS_CHARM_PATH: join(ROOT, "lib", "sim", "tests", "charms"),
      JAAS_CHARM_CACHE: join(tmp, "charm-cache"),
    };
  });

  afterAll(async () => {
    if (home !== undefined && existsSync(home)) await killController(homePaths(home));
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  }, 120_000);

  it("offer, consume, integrate, remove-relation, remove-saas, remove-application, destroy-model", async () => {
    await ok("bootstrap", "cmr", "--no-network", "--no-workloads", "--update-status-interval=0");
    await ok("add-model", "db");
    await ok("deploy", "relay", "owner", "-m", "db", "--config", "share-secret=true");
    const offered = await ok("offer", "db.owner:source", "tokens");
    expect(offered.err).toContain(
      'Application "owner" endpoints [source] available at "admin/db.tokens"',
    );
    await ok("add-model", "app");
    expect((await ok("consume", "-m", "app", "admin/db.tokens", "tok")).err).toContain(
      "Added admin/db.tokens as tok",
    );
    await ok("deploy", "relay", "reader", "-m", "app");
    await ok("integrate", "-m", "app", "reader:sink", "tok");
    await ok("wait", "--timeout", "2m");

    const app = await status("app");
    expect(app["application-endpoints"]?.["tok"]?.url).toBe("admin/db.tokens");
    expect(app.applications["reader"]?.units?.["reader/0"]?.["workload-status"].current).toBe(
      "active",
    );
    const db = await status("db");
    expect(db.offers?.["tokens"]).toMatchObject({
      application: "owner",
      "total-connected-count": 1,
    });
    const table = (await ok("status", "-m", "app", "--relations")).out;
    expect(table).toMatch(/tok:source\s+reader:sink\s+relay\s+regular/);

    // Refusals change nothing and end with 1.
    const twice = await jaas("integrate", "-m", "app", "reader:sink", "tok");
    expect(twice.code).toBe(1);
    expect(twice.err).toMatch(/^ERROR /);

    await ok("remove-relation", "-m", "app", "reader", "tok");
    await ok("wait", "--timeout", "2m");
    expect((await status("db")).offers?.["tokens"]?.["active-connected-count"] ?? 0).toBe(0);
    await ok("remove-saas", "-m", "app", "tok");
    expect((await status("app"))["application-endpoints"] ?? {}).toEqual({});
    await ok("remove-application", "-m", "app", "reader");
    await ok("wait", "--timeout", "2m");
    expect((await status("app")).applications).toEqual({});

    // The offered application cannot go while offered; the whole model can.
    const offeredApp = await jaas("remove-application", "-m", "db", "owner");
    expect(offeredApp.code).toBe(1);
    expect(offeredApp.err).toContain('it is offered as "tokens"');
    expect((await ok("destroy-model", "db", "--no-prompt")).err).toContain("Model destroyed.");
    const models = (await ok("models", "--format=json")).out;
    expect(models).not.toContain('"db"');
    expect(models).toContain('"app"');
    await ok("kill-controller", "cmr", "--no-prompt");
    expect(existsSync(home)).toBe(false);
  }, 300_000);
});
