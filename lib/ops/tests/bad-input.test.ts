// Bad input gets a precise error naming the problem, before any hook tool is called, and
// nothing is half-written.
import { describe, expect, it } from "vitest";
import { Context, UncaughtCharmError } from "../../testing/context.js";
import { relation, state } from "../../testing/state.js";
import { CharmBase, type CharmContext } from "../charm.js";
import { dispatch } from "../dispatch.js";
import { CharmMeta } from "../metadata.js";
import type { ToolRunner } from "../backend/runner.js";

const meta = CharmMeta.fromDocuments(
  { name: "strict", requires: { db: { interface: "pgsql" } } },
  { options: { port: { type: "int", default: 8080 }, name: { type: "string" } } },
  { probe: { params: { what: { type: "string" } } } },
);

/** Runs one named mistake in an action, so each case is one hook. */
class StrictCharm extends CharmBase {
  constructor(ctx: CharmContext) {
    super(ctx);
    this.observe(this.on.action("probe"), (e) => {
      const db = this.model.getRelation("db")!;
      switch (e.params.what) {
        case "int-as-string":
          this.config.string("port");
          break;
        case "unknown-option":
          this.config.int("colour");
          break;
        case "non-string-value":
          db.data(this.unit).update({ ok: "fine", port: 5432 as unknown as string });
          break;
        case "bad-secret-key":
          this.unit.addSecret({ Password: "x" });
          break;
        case "empty-secret":
          this.unit.addSecret({});
          break;
        case "remote-bag-write":
          db.data(db.units[0]!).set("k", "v");
          break;
        case "unknown-container":
          this.unit.getContainer("web");
          break;
      }
    });
  }
}

describe("bad input inside a hook", () => {
  const ctx = new Context(StrictCharm, { meta });
  const db = relation({ endpoint: "db" });
  const cases: [string, string, string[]][] = [
    ["int-as-string", 'config option "port" is of type int, not string', []],
    ["unknown-option", 'unknown config option "colour" (options: port, name)', []],
    [
      "non-string-value",
      'relation data values must be strings: key "port" has a number',
      ["relation-set"],
    ],
    ["bad-secret-key", 'secret key "Password" is not valid', ["secret-add"]],
    ["empty-secret", "secret content must not be empty", ["secret-add"]],
    ["remote-bag-write", "cannot write the databag of remote/0", ["relation-set"]],
    ["unknown-container", 'container "web" is not in the charm\'s metadata (containers: none)', []],
  ];
  it.each(cases)("%s: %s", async (what, message, neverCalled) => {
    const before = state({ relations: [db] });
    const run = ctx.run(ctx.on.action("probe", { what }), before);
    await expect(run).rejects.toThrow(UncaughtCharmError);
    await expect(run).rejects.toThrow(message);
    for (const tool of neverCalled) expect(ctx.toolCalls.get(tool) ?? 0).toBe(0);
  });
});

describe("bad input before the charm runs", () => {
  const noTools: ToolRunner = {
    run: (tool) => {
      throw new Error(`no hook tool may run, but ${tool} was called`);
    },
  };
  const env = {
    JUJU_DISPATCH_PATH: "hooks/install",
    JUJU_UNIT_NAME: "strict/0",
    JUJU_MODEL_NAME: "m",
    JUJU_MODEL_UUID: "u",
    JUJU_VERSION: "3.6.8",
  };

  it.each([
    [{ ...env, JUJU_UNIT_NAME: "strict" }, 'JUJU_UNIT_NAME "strict" is not of the form'],
    [{ ...env, JUJU_DISPATCH_PATH: "hooks/nonsense-hook" }, 'unknown hook "nonsense-hook"'],
    [
      {
        ...env,
        JUJU_DISPATCH_PATH: "hooks/cache-relation-changed",
        JUJU_RELATION_ID: "cache:1",
        JUJU_REMOTE_UNIT: "",
      },
      'endpoint "cache" is not in the charm\'s metadata',
    ],
    [
      { ...env, JUJU_DISPATCH_PATH: "actions/fly", JUJU_ACTION_UUID: "1" },
      'action "fly" is not in the charm\'s metadata (actions: probe)',
    ],
  ])("%# refuses with a precise message and calls no tool", async (bad, message) => {
    const result = await dispatch(StrictCharm, { env: bad, runner: noTools, meta });
    expect(result.exitCode).toBe(1);
    expect(result.error?.message).toContain(message);
    expect(result.toolCalls.size).toBe(0);
  });
});
