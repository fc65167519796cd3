// Bundles without a controller: parsing, Juju's overlay rules, and every refusal of a bundle
// that does not fit its charms or its model, each with its message and all reported at once.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApplicationState, ControllerState, ModelState } from "../model/types.js";
import { emptyControllerState } from "../model/types.js";
import { CharmCatalogue } from "./catalogue.js";
import { BundleError } from "./errors.js";
import { loadBundle, loadBundleText } from "./load.js";
import { describeChange, planBundle } from "./plan.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const RELAY = join(ROOT, "lib", "sim", "tests", "charms", "relay");

let tmp: string;
let catalogue: CharmCatalogue;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "jaas-bundle-test-"));
  catalogue = new CharmCatalogue({
    searchDirs: ["lib/sim/tests/charms", "lib/testing/tests", "examples"],
    cacheDir: join(tmp, "cache"),
  });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function model(name: string, extra: Partial<ModelState> = {}): ModelState {
  return {
    name,
    uuid: `uuid-${name}`,
    type: "kubernetes",
    life: "alive",
    applications: {},
    units: {},
    secrets: {},
    offers: {},
    saas: {},
    remoteApps: {},
    actions: {},
    ...extra,
  };
}

/** A controller with model `m` and model `db`, which offers `owner:source` as `shared`. */
function controllerState(mExtra: Partial<ModelState> = {}): ControllerState {
  const state = emptyControllerState("local", "ctl-uuid");
  state.models["m"] = model("m", mExtra);
  state.models["db"] = model("db", {
    applications: { owner: { name: "owner", charmDir: RELAY } as ApplicationState },
    offers: {
      shared: { name: "shared", app: "owner", endpoints: ["source"], url: "admin/db.shared" },
    },
  });
  return state;
}

/** The problems a bundle is refused with. */
function problemsOf(texts: string[], state = controllerState()): string[] {
  try {
    const { bundle } = loadBundleText(texts, ROOT);
    planBundle(bundle, { model: "m", state, catalogue });
  } catch (e) {
    if (e instanceof BundleError) return [...e.problems];
    throw e;
  }
  return [];
}

describe("parsing and overlays", () => {
  it("reads applications, scale or num_units, options, resources, trust, relations, saas", () => {
    const { bundle, notes } = loadBundleText(
      [
        `bundle: kubernetes
applications:
  web:
    charm: demo
    scale: 2
    options: {greeting: hey, port: 9090}
    resources: {web-image: ubuntu:24.04}
    trust: true
    expose: true
    constraints: mem=1G
    storage: {data: "tmpfs,1G,1"}
  a: {charm: relay, num_units: 3}
  b: {charm: ./lib/sim/tests/charms/relay, channel: latest/edge}
relations:
  - [a:source, b:sink]
  - [b:source, shared]
saas:
  shared: {url: local:admin/db.shared}
`,
      ],
      ROOT,
    );
    expect(bundle.type).toBe("kubernetes");
    expect(bundle.applications["web"]).toMatchObject({
      charm: "demo",
      scale: 2,
      options: { greeting: "hey", port: 9090 },
      resources: { "web-image": "ubuntu:24.04" },
      trust: true,
      expose: true,
      constraints: "mem=1G",
      storage: { data: "tmpfs,1G,1" },
    });
    expect(bundle.applications["a"]?.scale).toBe(3);
    expect(bundle.applications["b"]?.charm).toBe(RELAY);
    expect(bundle.relations).toEqual([
      ["a:source", "b:sink"],
      ["b:source", "shared"],
    ]);
    expect(bundle.saas).toEqual({ shared: { url: "local:admin/db.shared" } });
    expect(notes.join("\n")).toContain('application "web": expose ignored');
    expect(notes.join("\n")).toContain('application "b": channel "latest/edge" ignored');
  });

  it("merges later documents and --overlay files as Juju does", () => {
    const dir = join(tmp, "overlay");
    mkdirSync(join(dir, "sub"), { recursive: true });
    writeFileSync(
      join(dir, "bundle.yaml"),
      `applications:
  a: {charm: relay, scale: 1, options: {greeting: hi, count: 2}}
  b: {charm: relay}
  gone: {charm: relay}
relations:
  - [a:source, b:sink]
  - [gone:source, a:sink]
saas:
  shared: {url: admin/db.shared}
---
applications:
  a: {scale: 3, options: {count: null, verbose: true}}
  c: {charm: relay}
relations:
  - [b:source, c]
`,
    );
    writeFileSync(join(dir, "sub", "note.txt"), "from a file");
    writeFileSync(
      join(dir, "sub", "overlay.yaml"),
      `applications:
  gone:
  d: {charm: ../../../../lib/sim/tests/charms/relay, options: {greeting: include-file://note.txt}}
  b:
    offers:
      b-source: {endpoints: [source], acl: {admin: admin}}
saas:
  shared:
`.replace("../../../../lib/sim/tests/charms/relay", RELAY),
    );
    const { bundle } = loadBundle(join(dir, "bundle.yaml"), {
      overlays: [join(dir, "sub", "overlay.yaml")],
    });
    expect(Object.keys(bundle.applications).sort()).toEqual(["a", "b", "c", "d"]);
    expect(bundle.applications["a"]).toMatchObject({
      charm: "relay",
      scale: 3,
      options: { greeting: "hi", verbose: true },
    });
    expect(bundle.applications["a"]?.options).not.toHaveProperty("count");
    expect(bundle.applications["d"]?.options).toEqual({ greeting: "from a file" });
    expect(bundle.applications["b"]?.offers).toEqual({
      "b-source": { endpoints: ["source"], acl: { admin: "admin" } },
    });
    // The removed application and SAAS take their relations with them; overlays append.
    expect(bundle.relations).toEqual([
      ["a:source", "b:sink"],
      ["b:source", "c"],
    ]);
    expect(bundle.saas).toEqual({});
    const plan = planBundle(bundle, { model: "m", state: controllerState(), catalogue });
    expect(plan.changes.map(describeChange)).toEqual([
      "deploy application a from local charm relay (catalogue) with 3 units (config greeting, verbose)",
      "deploy application b from local charm relay (catalogue) with 1 unit",
      "deploy application c from local charm relay (catalogue) with 1 unit",
      `deploy application d from local charm ${RELAY} with 1 unit (config greeting)`,
      "add relation a:source - b:sink",
      "add relation b:source - c:sink",
      "create offer b-source for b:source",
    ]);
  });

  it("plans SAAS consumption and cross-model relations against the controller's offers", () => {
    const { bundle } = loadBundleText(
      [
        `applications:
  reader: {charm: relay}
saas:
  shared: {url: admin/db.shared}
relations:
  - [reader, shared]
`,
      ],
      ROOT,
    );
    const plan = planBundle(bundle, { model: "m", state: controllerState(), catalogue });
    expect(plan.changes.map(describeChange)).toEqual([
      "deploy application reader from local charm relay (catalogue) with 1 unit",
      "consume admin/db.shared as shared",
      "add relation reader:sink - shared:source",
    ]);
  });
});

describe("refusals", () => {
  const cases: [string, string, string][] = [
    [
      "scale and num_units",
      "applications:\n  a: {charm: relay, scale: 2, num_units: 2}\n",
      'cannot specify both scale and num_units for application "a"',
    ],
    [
      "negative units",
      "applications:\n  a: {charm: relay, scale: -1}\n",
      'negative number of units specified on application "a"',
    ],
    [
      "a typo in a field",
      "applications:\n  a: {charm: relay, num_unit: 2}\n",
      'unknown field "num_unit" in application "a"',
    ],
    [
      "offers in the base",
      "applications:\n  a: {charm: relay, offers: {o: {endpoints: [source]}}}\n",
      "applications.a.offers can only appear in an overlay section",
    ],
    ["an empty bundle", "", "malformed bundle: bundle is empty"],
    ["YAML that does not parse", "applications: [a\n", "bundle: cannot parse YAML"],
    [
      "an application without a body",
      "applications:\n  a:\n",
      'bundle application for key "a" is undefined',
    ],
    [
      "a charm not in the catalogue",
      "applications:\n  a: {charm: postgresql-k8s-nope}\n",
      'application "a": charm "postgresql-k8s-nope" is not in the local catalogue (it has: census, demo, keeper, probe, relay;',
    ],
    [
      "a charm path that does not exist",
      "applications:\n  a: {charm: ./nowhere}\n",
      `charm path in application "a" does not exist: ${join(ROOT, "nowhere")}`,
    ],
    [
      "an unknown option",
      "applications:\n  a: {charm: relay, options: {nope: 1}}\n",
      'cannot validate application "a": configuration option "nope" not found in charm "relay"',
    ],
    [
      "an option of the wrong type",
      "applications:\n  a: {charm: relay, options: {count: many}}\n",
      'cannot validate application "a": option "count" expected int, got "many"',
    ],
    [
      "an unknown resource",
      "applications:\n  a: {charm: relay, resources: {image: ubuntu}}\n",
      'application "a": charm "relay" has no resource "image"',
    ],
    [
      "a missing OCI image",
      "applications:\n  a: {charm: demo}\n",
      'application "a": local charm missing OCI images for: web-image',
    ],
    [
      "a relation of three endpoints",
      "applications:\n  a: {charm: relay}\n  b: {charm: relay}\nrelations:\n  - [a, b, a]\n",
      'relation ["a","b","a"] has 3 endpoint(s), not 2',
    ],
    [
      "a relation to an application not in the bundle",
      "applications:\n  a: {charm: relay}\nrelations:\n  - [a:sink, x:source]\n",
      'relation ["a:sink" "x:source"] refers to application "x" not defined in this bundle',
    ],
    [
      "a relation to itself",
      "applications:\n  a: {charm: relay}\nrelations:\n  - [a:sink, a:source]\n",
      'relation ["a:sink" "a:source"] relates an application to itself',
    ],
    [
      "a relation that does not parse",
      "applications:\n  a: {charm: relay}\n  b: {charm: relay}\nrelations:\n  - [a:sink:x, b]\n",
      'invalid relation syntax "a:sink:x"',
    ],
    [
      "an unknown endpoint",
      "applications:\n  a: {charm: relay}\n  b: {charm: relay}\nrelations:\n  - [a:nope, b]\n",
      'cannot infer endpoint between a:nope and b: application "a" has no "nope" relation',
    ],
    [
      "an ambiguous relation",
      "applications:\n  a: {charm: relay}\n  b: {charm: relay}\nrelations:\n  - [a, b]\n",
      'cannot infer endpoint between a and b: ambiguous relation: "a b" could refer to "a:sink b:source"; "b:sink a:source"',
    ],
    [
      "endpoints that cannot relate",
      "applications:\n  p: {charm: probe}\n  d: {charm: demo, resources: {web-image: x}}\nrelations:\n  - [p:api, d:website]\n",
      'cannot infer endpoint between p:api and d:website: no relations found: p:api (provides "http") cannot relate to d:website (provides "http")',
    ],
    [
      "a relation given twice",
      "applications:\n  a: {charm: relay}\n  b: {charm: relay}\nrelations:\n  - [a:source, b:sink]\n  - [b:sink, a:source]\n",
      'relation ["b:sink" "a:source"] is defined more than once',
    ],
    [
      "a SAAS URL that is not valid",
      "applications:\n  a: {charm: relay}\nsaas:\n  s: {url: not a url}\n",
      'invalid offer URL "not a url" for SAAS s',
    ],
    [
      "a SAAS named like an application",
      "applications:\n  a: {charm: relay}\nsaas:\n  a: {url: admin/db.shared}\n",
      'application "a" already exists with SAAS "a" name',
    ],
    [
      "an offer that does not exist",
      "applications:\n  a: {charm: relay}\nsaas:\n  s: {url: admin/db.nothing}\n",
      'SAAS "s": offer "admin/db.nothing" not found',
    ],
    [
      "an offer of an unknown endpoint",
      "applications:\n  a: {charm: relay}\n---\napplications:\n  a: {offers: {o: {endpoints: [nope]}}}\n",
      'offer "o": application "a" has no "nope" relation',
    ],
    [
      "an offer of a peer endpoint",
      "applications:\n  a: {charm: relay}\n---\napplications:\n  a: {offers: {o: {endpoints: [peers]}}}\n",
      'offer "o": cannot offer peer endpoint "a:peers"',
    ],
  ];
  for (const [what, text, message] of cases) {
    it(`refuses ${what}`, () => {
      const problems = problemsOf([text]);
      expect(problems.join("\n")).toContain(message);
    });
  }

  it("refuses an application that already exists in the model", () => {
    const state = controllerState({
      applications: { a: { name: "a", charmDir: RELAY } as ApplicationState },
    });
    expect(problemsOf(["applications:\n  a: {charm: relay}\n"], state)).toEqual([
      'application "a" already exists in model "m": the local model deploys a bundle only into a model without its applications',
    ]);
  });

  it("reports every problem at once, under Juju's heading", () => {
    const text = `applications:
  a: {charm: relay, options: {count: x, nope: 1}}
  b: {charm: nowhere-to-be-found}
relations:
  - [a, c]
`;
    let error: unknown;
    try {
      planBundle(loadBundleText([text], ROOT).bundle, {
        model: "m",
        state: controllerState(),
        catalogue,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BundleError);
    const message = (error as BundleError).message.split("\n");
    expect(message[0]).toBe("the provided bundle has the following errors:");
    expect(message.slice(1)).toHaveLength(4);
    expect((error as BundleError).code).toBe("invalid");
  });

  it("refuses a bundle file or overlay that is missing", () => {
    expect(() => loadBundle(join(tmp, "none.yaml"))).toThrow(
      `bundle file "${join(tmp, "none.yaml")}" not found`,
    );
  });
});
