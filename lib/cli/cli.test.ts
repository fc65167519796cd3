// The CLI without a daemon: Juju's tabular status, argument parsing, and how failures end
// (ERROR on stderr; 2 for bad arguments, 1 for refusals).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { StatusOutput } from "../sim/status.js";
import { actionParams, parseDuration } from "./args.js";
import { statusTable } from "./format/status.js";
import { runCli } from "./program.js";

const since = "26 Nov 2026 21:45:03Z";
const STATUS: StatusOutput = {
  model: {
    name: "jaas",
    type: "caas",
    controller: "local",
    cloud: "sim-k8s",
    region: "default",
    version: "3.6.8",
    "model-status": { current: "available", since },
    sla: "unsupported",
  },
  machines: {},
  applications: {
    demo: {
      charm: "local:demo-1",
      "charm-origin": "local",
      "charm-name": "demo",
      "charm-rev": 1,
      exposed: false,
      scale: 2,
      "application-status": { current: "error", message: 'hook failed: "install"', since },
      units: {
        "demo/1": {
          "workload-status": { current: "error", message: 'hook failed: "install"', since },
          "juju-status": { current: "idle", since, version: "3.6.8" },
          address: "10.250.7.3",
          "provider-id": "demo-1",
        },
        "demo/0": {
          "workload-status": { current: "active", message: "hello", since },
          "juju-status": { current: "idle", since, version: "3.6.8" },
          leader: true,
          address: "10.250.7.2",
          "open-ports": ["8080/tcp"],
          "provider-id": "demo-0",
        },
      },
      "endpoint-bindings": { "": "alpha" },
    },
  },
  "application-endpoints": {
    pg: {
      url: "admin/db.pg",
      endpoints: { database: { interface: "postgresql_client", role: "provider" } },
      "application-status": { current: "active", since },
    },
  },
  offers: {
    site: {
      application: "demo",
      charm: "local:demo-1",
      "total-connected-count": 1,
      "active-connected-count": 1,
      endpoints: { website: { interface: "http", role: "provider" } },
    },
  },
  controller: { timestamp: "21:45:03Z" },
};

describe("status table", () => {
  it("prints Juju's sections: Model, SAAS, App, Unit, Offer, Integration", () => {
    const text = statusTable(
      STATUS,
      [
        {
          id: 0,
          provider: "demo:replicas",
          requirer: "demo:replicas",
          interface: "demo-replicas",
          type: "peer",
          message: "",
        },
      ],
      { relations: true },
    );
    expect(text).toBe(
      [
        "Model  Controller  Cloud/Region     Version  SLA          Timestamp",
        "jaas   local       sim-k8s/default  3.6.8    unsupported  21:45:03Z",
        "",
        "SAAS  Status  Store  URL",
        "pg    active  local  admin/db.pg",
        "",
        "App   Version  Status  Scale  Charm  Channel  Rev  Address  Exposed  Message",
        'demo           error       2  demo              1           no       hook failed: "install"',
        "",
        "Unit     Workload  Agent  Address     Ports     Message",
        "demo/0*  active    idle   10.250.7.2  8080/tcp  hello",
        'demo/1   error     idle   10.250.7.3            hook failed: "install"',
        "",
        "Offer  Application  Charm  Rev  Connected  Endpoint  Interface  Role",
        "site   demo         demo   1    1/1        website   http       provider",
        "",
        "Integration provider  Requirer       Interface      Type  Message",
        "demo:replicas         demo:replicas  demo-replicas  peer",
        "",
      ].join("\n"),
    );
    expect(statusTable({ ...STATUS, applications: {}, "application-endpoints": {} }, [])).toContain(
      'Model "admin/jaas" is empty.',
    );
  });
});

describe("arguments", () => {
  it("reads action parameters as YAML values with dotted keys, and durations", async () => {
    expect(await actionParams(["name=Ada", "n=3", "ok=true", "db.port=5432", "s="])).toEqual({
      name: "Ada",
      n: 3,
      ok: true,
      db: { port: 5432 },
      s: "",
    });
    expect(await actionParams(["n=3"], true)).toEqual({ n: "3" });
    expect(parseDuration("2s")).toBe(2000);
    expect(parseDuration("1.5")).toBe(1500);
    expect(parseDuration("1m30s")).toBe(90_000);
  });

  it("ends bad arguments with exit code 2 and refusals with 1, printing ERROR", async () => {
    const home = mkdtempSync(join(tmpdir(), "jaas-cli-"));
    try {
      const run = async (...args: string[]): Promise<[number, string]> => {
        let err = "";
        const code = await runCli(
          args,
          { out: () => undefined, err: (s) => (err += s) },
          { JAAS_HOME: home },
        );
        return [code, err];
      };
      expect(await run("scale-application", "demo", "lots", "-m", "jaas")).toEqual([
        2,
        'ERROR invalid scale "lots": expected a whole number\n',
      ]);
      expect(await run("deploy")).toEqual([
        2,
        "ERROR missing required argument 'charm-or-bundle'\n",
      ]);
      expect(await run("stauts")).toEqual([
        2,
        "ERROR unknown command 'stauts'\n(Did you mean status?)\n",
      ]);
      expect(await run("status", "-m", "jaas", "--format", "xml")).toEqual([
        2,
        'ERROR invalid value "xml" for option --format: unknown format (use tabular, json, yaml)\n',
      ]);
      expect(await run("status")).toEqual([
        1,
        'ERROR no current model, use "jaas switch" to select a model or "jaas add-model" to add one\n',
      ]);
      expect(await run("status", "-m", "jaas")).toEqual([
        1,
        `ERROR no controller in ${home}: create one with "jaas bootstrap"\n`,
      ]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
