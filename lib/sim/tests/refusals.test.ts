// Bad input is refused with Juju's wording (or a clearer one), and nothing in the model changes:
// unknown charm paths, invalid names, config values of the wrong type, unknown or ambiguous
// endpoints, incompatible roles, limits, duplicate relations, action parameters that fail the
// schema, and operations on things that do not exist.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Controller } from "../controller.js";
import { SimError } from "../errors.js";
import { buildTestCharm, tempDir, TEST_OPTIONS } from "./helpers.js";

let tmp: string;
let relay: string;
let cleanup: () => void;
let c: Controller;

beforeAll(async () => {
  [tmp, cleanup] = tempDir();
  relay = await buildTestCharm("relay", tmp);
  c = await Controller.create({ ...TEST_OPTIONS, deterministic: { seed: 31 } });
  await c.addModel("m");
  for (const name of ["a", "b", "c"]) await c.deploy("m", { charmDir: relay, name });
  await c.integrate("m", "a:source", "b:sink");
  const settled = await c.settle({ timeoutMs: 90_000 });
  expect(settled).toMatchObject({ idle: true, errors: [] });
}, 120_000);

afterAll(async () => {
  await c?.destroy();
  cleanup?.();
});

/** Runs `op`, expects a SimError with `message`, and checks the state did not change. */
async function refused(
  op: () => Promise<unknown>,
  message: string,
  code?: SimError["code"],
): Promise<void> {
  const before = JSON.stringify(c.state);
  const hooks = c.hooks.length;
  const error = await op().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SimError);
  expect((error as SimError).message).toBe(message);
  if (code !== undefined) expect((error as SimError).code).toBe(code);
  await c.settle({ timeoutMs: 10_000 });
  expect(JSON.stringify(c.state)).toBe(before);
  expect(c.hooks.length).toBe(hooks);
}

describe("deploy refuses", () => {
  it("unknown or unrunnable charm paths", async () => {
    await refused(
      () => c.deploy("m", { charmDir: "/nonexistent/charm" }),
      'charm directory "/nonexistent/charm" not found',
      "not-found",
    );
    const empty = join(tmp, "empty");
    mkdirSync(empty, { recursive: true });
    await refused(
      () => c.deploy("m", { charmDir: empty }),
      `charm directory "${empty}": ${empty} has neither metadata.yaml nor charmcraft.yaml`,
    );
    const source = join(dirname(fileURLToPath(import.meta.url)), "charms", "relay");
    await refused(
      () => c.deploy("m", { charmDir: source, name: "src" }),
      `charm directory "${source}" has no executable dispatch and no hooks/ directory: build it first (lib/pack buildCharmDir)`,
    );
    await refused(() => c.deploy("nope", { charmDir: relay }), 'model "nope" not found');
  });

  it("bad names, scale, resources and existing applications", async () => {
    await refused(
      () => c.deploy("m", { charmDir: relay, name: "Bad_Name" }),
      'invalid application name "Bad_Name"',
    );
    await refused(
      () => c.deploy("m", { charmDir: relay, name: "a" }),
      'cannot add application "a": application already exists',
      "already-exists",
    );
    await refused(
      () => c.deploy("m", { charmDir: relay, name: "x", scale: -1 }),
      "scale must be a whole number >= 0, got -1",
    );
    await refused(
      () => c.deploy("m", { charmDir: relay, name: "x", resources: { image: "ubuntu" } }),
      'charm "relay" has no resource "image"',
    );
  });

  it("config values of the wrong type and unknown options", async () => {
    const cases: [Record<string, string | number | boolean>, string][] = [
      [{ count: "abc" }, 'option "count" expected int, got "abc"'],
      [{ count: 1.5 }, 'option "count" expected int, got 1.5'],
      [{ ratio: "fast" }, 'option "ratio" expected float, got "fast"'],
      [{ verbose: "maybe" }, 'option "verbose" expected boolean, got "maybe"'],
      [{ greeting: 7 }, 'option "greeting" expected string, got 7'],
      [{ nope: "1" }, 'unknown option "nope"'],
    ];
    for (const [config, message] of cases) {
      await refused(
        () => c.deploy("m", { charmDir: relay, name: "x", config }),
        message,
        "invalid",
      );
      await refused(() => c.config("m", "a", config), message, "invalid");
    }
    await refused(
      () => c.config("m", "zzz", { count: 1 }),
      'application "zzz" not found',
      "not-found",
    );
  });
});

describe("integrate refuses", () => {
  it("unknown applications and endpoints", async () => {
    await refused(() => c.integrate("m", "a", "zzz"), 'application "zzz" not found', "not-found");
    await refused(
      () => c.integrate("m", "a:nope", "b"),
      'application "a" has no "nope" relation',
      "not-found",
    );
    await refused(() => c.integrate("m", "a:", "b"), 'invalid endpoint "a:"');
  });

  it("ambiguous relations", async () => {
    await refused(
      () => c.integrate("m", "a", "c"),
      'ambiguous relation: "a c" could refer to "a:sink c:source"; "c:sink a:source"',
      "invalid",
    );
  });

  it("incompatible roles, peers, itself", async () => {
    await refused(
      () => c.integrate("m", "a:source", "c:source"),
      'no relations found: a:source (provides "relay") cannot relate to c:source (provides "relay")',
    );
    await refused(
      () => c.integrate("m", "a:peers", "c"),
      'no relations found: "a:peers" is a peer endpoint, which Juju relates only within its application',
    );
    await refused(
      () => c.integrate("m", "a", "a"),
      "no relations found: an application cannot relate to itself",
    );
  });

  it("existing relations and limits", async () => {
    await refused(
      () => c.integrate("m", "a:source", "b:sink"),
      'cannot add relation "b:sink a:source": relation b:sink a:source already exists',
      "already-exists",
    );
    await refused(
      () => c.integrate("m", "c:source", "b:sink"),
      "establishing a new relation for b:sink would exceed its maximum relation limit of 1",
    );
  });
});

describe("actions refuse parameters that fail their schema", () => {
  it("unknown actions and units", async () => {
    await refused(() => c.runAction("m", "a/0", "nope"), 'action "nope" not defined on unit "a/0"');
    await refused(() => c.runAction("m", "a/9", "echo", { value: "x" }), 'unit "a/9" not found');
  });

  it("required, types, additional properties, bounds", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'validation failed: (root) : "value" property is missing and required, given {}'],
      [{ value: 5 }, "validation failed: (root).value : must be of type string, given 5"],
      [
        { value: "x", extra: 1 },
        'validation failed: (root) : additional property "extra" is not allowed, given {"extra":1,"value":"x"}',
      ],
      [
        { value: "x", times: 0 },
        "validation failed: (root).times : must be greater than or equal to 1, given 0",
      ],
      [
        { value: "x", times: "2" },
        'validation failed: (root).times : must be of type integer, given "2"',
      ],
    ];
    for (const [params, message] of cases) {
      await refused(() => c.runAction("m", "a/0", "echo", params), message, "invalid");
    }
    const ok = await c.runAction("m", "a/0", "echo", { value: "ab", times: 2 });
    expect(ok).toMatchObject({
      status: "completed",
      results: { echo: "abab", unit: "a/0" },
      log: ["echoing"],
    });
  });
});

describe("other operations refuse", () => {
  it("scale, units, relations, resolve, churn", async () => {
    await refused(() => c.scale("m", "a", -2), "scale must be a whole number >= 0, got -2");
    await refused(() => c.scale("m", "zzz", 2), 'application "zzz" not found');
    await refused(() => c.removeUnit("m", "a/7"), 'unit "a/7" not found');
    await refused(
      () => c.removeUnit("m", "a/0"),
      "k8s models do not support removing named units; scale the application down instead (scale-application a 0)",
      "unsupported",
    );
    await refused(
      () => c.removeRelation("m", "a:sink", "c:source"),
      'relation "a:sink c:source" not found',
    );
    await refused(() => c.removeRelation("m", 99), "relation 99 not found");
    await refused(() => c.resolve("m", "a/0"), 'unit "a/0" is not in an error state', "state");
    await refused(() => c.churn("m", "a/5"), 'unit "a/5" not found');
  });

  it("refresh to another charm", async () => {
    const other = join(tmp, "other");
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, "metadata.yaml"), "name: other\n");
    writeFileSync(join(other, "dispatch"), "#!/bin/sh\n");
    chmodSync(join(other, "dispatch"), 0o755);
    await refused(
      () => c.refresh("m", "a", { charmDir: other }),
      'cannot refresh "a" from charm "relay" to a different charm "other"',
    );
  });

  it("models, offers and consumes", async () => {
    await refused(() => c.addModel("m"), 'model "m" already exists', "already-exists");
    await refused(
      () => c.addModel("Bad Model"),
      '"Bad Model" is not a valid name: model names may only contain lowercase letters, digits and hyphens',
    );
    await refused(() => c.offer("m", "a:nope"), 'application "a" has no "nope" relation');
    await refused(() => c.offer("m", "a:peers"), 'cannot offer peer endpoint "a:peers"');
    await refused(
      () => c.consume("m", "nonsense"),
      'offer URL "nonsense" is not valid: expected [<user>/]<model>.<offer>',
    );
    await refused(() => c.consume("m", "admin/other.db"), 'offer "admin/other.db" not found');
  });
});
