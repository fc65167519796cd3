import { describe, expect, it } from "vitest";
import { JujuContext, compareJujuVersions, parseDispatchPath } from "../juju-context.js";
import { JujuContextError } from "../errors.js";

const base = {
  JUJU_DISPATCH_PATH: "hooks/install",
  JUJU_UNIT_NAME: "openfga/0",
  JUJU_MODEL_NAME: "jaas",
  JUJU_MODEL_UUID: "6f1c2d3e-0000-4000-8000-000000000001",
  JUJU_VERSION: "3.6.8",
  JUJU_CHARM_DIR: "/charm",
};

describe("parseDispatchPath", () => {
  it.each([
    ["hooks/install", { kind: "lifecycle", name: "install" }],
    ["hooks/config-changed", { kind: "lifecycle", name: "config-changed" }],
    [
      "hooks/database-relation-changed",
      { kind: "relation", endpoint: "database", phase: "changed" },
    ],
    [
      "hooks/send-ca-cert-relation-broken",
      { kind: "relation", endpoint: "send-ca-cert", phase: "broken" },
    ],
    ["hooks/data-storage-attached", { kind: "storage", storage: "data", phase: "attached" }],
    [
      "hooks/openfga-pebble-ready",
      { kind: "workload", container: "openfga", phase: "pebble-ready" },
    ],
    [
      "hooks/openfga-pebble-check-failed",
      { kind: "workload", container: "openfga", phase: "pebble-check-failed" },
    ],
    ["hooks/secret-rotate", { kind: "secret", phase: "rotate" }],
    ["actions/schema-upgrade", { kind: "action", action: "schema-upgrade" }],
    ["hooks/collect-metrics", { kind: "restricted", name: "collect-metrics" }],
  ])("%s", (path, expected) => {
    expect(parseDispatchPath(path)).toMatchObject(expected);
  });

  it("rejects unknown hooks and paths with a precise message", () => {
    expect(() => parseDispatchPath("hooks/frobnicate")).toThrow('unknown hook "frobnicate"');
    expect(() => parseDispatchPath("bin/install")).toThrow(
      'must be "hooks/<hook-name>" or "actions/<action-name>"',
    );
    expect(() => parseDispatchPath("actions/Bad_Name")).toThrow("not a valid action name");
  });
});

describe("JujuContext.fromEnv", () => {
  it("reads a relation hook", () => {
    const ctx = JujuContext.fromEnv({
      ...base,
      JUJU_DISPATCH_PATH: "hooks/database-relation-departed",
      JUJU_RELATION: "database",
      JUJU_RELATION_ID: "database:7",
      JUJU_REMOTE_APP: "postgresql",
      JUJU_REMOTE_UNIT: "postgresql/1",
      JUJU_DEPARTING_UNIT: "postgresql/1",
    });
    expect(ctx.appName).toBe("openfga");
    expect(ctx.unitNumber).toBe(0);
    expect(ctx.relation).toEqual({ endpoint: "database", id: 7 });
    expect(ctx.remoteUnit).toBe("postgresql/1");
    expect(ctx.departingUnit).toBe("postgresql/1");
  });

  it("names the variable that is missing or malformed", () => {
    const bad = (env: Record<string, string>, msg: string) =>
      expect(() => JujuContext.fromEnv(env)).toThrow(new RegExp(msg.replace(/[()]/g, "\\$&")));
    bad({ ...base, JUJU_UNIT_NAME: "" }, "JUJU_UNIT_NAME is not set");
    bad({ ...base, JUJU_UNIT_NAME: "openfga" }, 'JUJU_UNIT_NAME "openfga" is not of the form');
    bad({ ...base, JUJU_VERSION: "three" }, 'JUJU_VERSION "three"');
    bad(
      {
        ...base,
        JUJU_DISPATCH_PATH: "hooks/db-relation-joined",
        JUJU_RELATION_ID: "db:x",
        JUJU_REMOTE_UNIT: "",
      },
      'JUJU_RELATION_ID "db:x"',
    );
    bad(
      {
        ...base,
        JUJU_DISPATCH_PATH: "hooks/db-relation-joined",
        JUJU_RELATION_ID: "other:1",
        JUJU_REMOTE_UNIT: "",
      },
      "does not belong to endpoint",
    );
    bad(
      { ...base, JUJU_DISPATCH_PATH: "hooks/db-relation-joined", JUJU_RELATION_ID: "db:1" },
      "JUJU_REMOTE_UNIT must be set",
    );
    bad(
      { ...base, JUJU_DISPATCH_PATH: "hooks/secret-remove", JUJU_SECRET_ID: "secret:abc" },
      "JUJU_SECRET_REVISION must be set",
    );
    bad(
      { ...base, JUJU_DISPATCH_PATH: "hooks/secret-changed", JUJU_SECRET_ID: "not-a-uri" },
      "is not a secret URI",
    );
    bad({ ...base, JUJU_DISPATCH_PATH: "actions/greet" }, "JUJU_ACTION_UUID is not set");
  });

  it("throws a JujuContextError, not a generic one", () => {
    expect(() => JujuContext.fromEnv({})).toThrow(JujuContextError);
  });
});

describe("compareJujuVersions", () => {
  it("compares numerically", () => {
    expect(compareJujuVersions("3.6.10", "3.6.9")).toBeGreaterThan(0);
    expect(compareJujuVersions("3.6.2", "3.6.2")).toBe(0);
    expect(compareJujuVersions("2.9", "3.0.3")).toBeLessThan(0);
  });
});
