// Config parsing, action parameter schemas and endpoint inference, with Juju's messages.
import { describe, expect, it } from "vitest";
import { CharmMeta } from "../../ops/metadata.js";
import { SimError } from "../errors.js";
import { goJson, validateActionParams } from "./action-params.js";
import { configHash, effectiveConfig, parseConfigValues } from "./config.js";
import type { AppEndpoint } from "./endpoints.js";
import { inferEndpoints, relationKey } from "./endpoints.js";

const meta = CharmMeta.fromDocuments(
  {
    name: "x",
    requires: { db: { interface: "pg", limit: 1 } },
    peers: { p: { interface: "x-p" } },
  },
  {
    options: {
      name: { type: "string", default: "x" },
      count: { type: "int", default: 1 },
      ratio: { type: "float" },
      on: { type: "boolean", default: false },
      token: { type: "secret" },
    },
  },
  {
    go: {
      params: {
        target: { type: "string", enum: ["a", "b"] },
        n: { type: "integer", default: 3, maximum: 5 },
        opts: { type: "object", properties: { deep: { type: "boolean", default: true } } },
        tags: { type: "array", items: { type: "string" } },
      },
      required: ["target"],
      additionalProperties: false,
    },
  },
);

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SimError);
    return (e as Error).message;
  }
  throw new Error("did not throw");
}

describe("config", () => {
  it("parses CLI strings and checks typed values", () => {
    expect(
      parseConfigValues(meta, {
        count: "-4",
        ratio: "1e3",
        on: "True",
        name: "",
        token: "secret:d5ari050ups4j380000g",
      }),
    ).toEqual({
      count: -4,
      ratio: 1000,
      on: true,
      name: "",
      token: "secret:d5ari050ups4j380000g",
    });
    expect(parseConfigValues(meta, { count: null })).toEqual({ count: null });
    expect(message(() => parseConfigValues(meta, { count: "4.5" }))).toBe(
      'option "count" expected int, got "4.5"',
    );
    expect(message(() => parseConfigValues(meta, { on: 1 }))).toBe(
      'option "on" expected boolean, got 1',
    );
    expect(message(() => parseConfigValues(meta, { token: "nope" }))).toBe(
      'option "token" expected secret, got "nope"',
    );
    expect(message(() => parseConfigValues(meta, { b: 1, a: 1 }))).toBe('unknown option "a"');
  });

  it("merges defaults and hashes config with trust", () => {
    expect(effectiveConfig(meta, { count: 2 })).toEqual({ name: "x", count: 2, on: false });
    expect(configHash({ a: 1, b: 2 }, false)).toBe(configHash({ b: 2, a: 1 }, false));
    expect(configHash({ a: 1 }, false)).not.toBe(configHash({ a: 1 }, true));
  });
});

describe("action parameters", () => {
  const action = meta.actions.get("go")!;
  it("fills defaults, nested too", () => {
    expect(validateActionParams(action, { target: "a", opts: {} })).toEqual({
      target: "a",
      n: 3,
      opts: { deep: true },
    });
  });
  it("reports every problem as Juju's validator does", () => {
    expect(message(() => validateActionParams(action, { target: "c", n: 9, tags: [1] }))).toBe(
      'validation failed: (root).n : must be less than or equal to 5, given 9; (root).tags.0 : must be of type string, given 1; (root).target : must be one of the following: "a", "b", given "c"',
    );
  });
  it("prints values as Go's json.Marshal", () => {
    expect(goJson({ b: [1, "x"], a: { d: null, c: true } })).toBe(
      '{"a":{"c":true,"d":null},"b":[1,"x"]}',
    );
  });
});

describe("endpoint inference", () => {
  const eps: Record<string, AppEndpoint[]> = {
    wordpress: [
      { app: "wordpress", name: "db", role: "requires", interface: "mysql" },
      {
        app: "wordpress",
        name: "juju-info",
        role: "provides",
        interface: "juju-info",
        implicit: true,
      },
    ],
    mysql: [
      { app: "mysql", name: "server", role: "provides", interface: "mysql" },
      { app: "mysql", name: "juju-info", role: "provides", interface: "juju-info", implicit: true },
      { app: "mysql", name: "info", role: "requires", interface: "juju-info" },
    ],
  };
  const lookup = (app: string) => eps[app];
  it("picks the only candidate, dropping implicit ones when that decides", () => {
    const pair = inferEndpoints("wordpress", "mysql", lookup);
    expect(relationKey(pair)).toBe("wordpress:db mysql:server");
    expect(relationKey(inferEndpoints("mysql:info", "wordpress", lookup))).toBe(
      "mysql:info wordpress:juju-info",
    );
  });
  it("refuses unknown applications and endpoints", () => {
    expect(message(() => inferEndpoints("wordpress", "nope", lookup))).toBe(
      'application "nope" not found',
    );
    expect(message(() => inferEndpoints("wordpress:x", "mysql", lookup))).toBe(
      'application "wordpress" has no "x" relation',
    );
    expect(message(() => inferEndpoints(":x", "mysql", lookup))).toBe('invalid endpoint ":x"');
  });
});
