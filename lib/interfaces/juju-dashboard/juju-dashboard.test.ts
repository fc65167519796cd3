import { describe, expect, it } from "vitest";
import { CharmBase, type CharmContext } from "../../ops/charm.js";
import { CharmMeta } from "../../ops/metadata.js";
import { Context } from "../../testing/context.js";
import { relation, state } from "../../testing/state.js";
import { InterfaceDataError } from "../common/databag.js";
import {
  JujuDashboardProvider,
  controllerUrlFor,
  parseDashboardData,
  renderDashboardData,
} from "./index.js";

const SRC = { interfaceName: "juju-dashboard", relation: "dashboard:2", owner: "jimm" };

class JimmCharm extends CharmBase {
  readonly dashboard: JujuDashboardProvider;

  constructor(ctx: CharmContext) {
    super(ctx);
    this.dashboard = new JujuDashboardProvider(this, {
      controllerUrl: () => {
        const dns = this.config.string("dns-name");
        return dns ? controllerUrlFor(dns) : undefined;
      },
    });
  }
}

const META = CharmMeta.fromDocuments(
  { name: "juju-jimm-k8s", provides: { dashboard: { interface: "juju-dashboard" } } },
  { options: { "dns-name": { type: "string", default: "" } } },
);

describe("juju-dashboard data", () => {
  it("writes what JIMM-py writes", () => {
    expect(renderDashboardData({ controllerUrl: controllerUrlFor("jimm.example.com") })).toEqual({
      "controller-url": "wss://jimm.example.com",
      "is-juju": "False",
    });
    expect(
      renderDashboardData({
        controllerUrl: "wss://c:17070/api",
        isJuju: true,
        identityProviderUrl: "https://idp",
      }),
    ).toEqual({
      "controller-url": "wss://c:17070/api",
      "is-juju": "True",
      "identity-provider-url": "https://idp",
    });
  });

  it("derives the controller URL from a DNS name or an ingress URL", () => {
    expect(controllerUrlFor("https://jimm.example.com/")).toBe("wss://jimm.example.com");
    expect(controllerUrlFor("http://10.0.0.5/m-jimm")).toBe("ws://10.0.0.5/m-jimm");
  });

  it("parses both boolean spellings and rejects bad data", () => {
    expect(parseDashboardData({ "controller-url": "wss://x", "is-juju": "True" }, SRC).isJuju).toBe(
      true,
    );
    expect(
      parseDashboardData({ "controller-url": "wss://x", "is-juju": "false" }, SRC).isJuju,
    ).toBe(false);
    expect(() => parseDashboardData({ "is-juju": "False" }, SRC)).toThrow(
      /"controller-url" is missing/,
    );
    expect(() => parseDashboardData({ "controller-url": "http://x" }, SRC)).toThrow(
      InterfaceDataError,
    );
    expect(() =>
      parseDashboardData({ "controller-url": "wss://x", "is-juju": "nope" }, SRC),
    ).toThrow(/true or false/);
  });
});

describe("JujuDashboardProvider", () => {
  const ctx = () => new Context(JimmCharm, { meta: META });
  const dash = (localAppData: Record<string, string> = {}) =>
    relation({ endpoint: "dashboard", id: 2, remoteAppName: "juju-dashboard", localAppData });

  it("the leader publishes on relation-joined; stale keys go", async () => {
    const c = ctx();
    const rel = dash({ "identity-provider-url": "https://old" });
    const out = await c.run(
      c.on.relationJoined(rel),
      state({ leader: true, relations: [rel], config: { "dns-name": "jimm.example.com" } }),
    );
    expect(out.relations[0]!.localAppData).toEqual({
      "controller-url": "wss://jimm.example.com",
      "is-juju": "False",
    });
  });

  it("writes nothing without a DNS name nor as a follower; publishes when elected", async () => {
    const c = ctx();
    const rel = dash();
    const noDns = await c.run(c.on.relationJoined(rel), state({ leader: true, relations: [rel] }));
    expect(noDns.relations[0]!.localAppData).toEqual({});
    const follower = await c.run(
      c.on.relationJoined(rel),
      state({ relations: [rel], config: { "dns-name": "jimm.example.com" } }),
    );
    expect(follower.relations[0]!.localAppData).toEqual({});
    const elected = await c.run(c.on.leaderElected(), { ...follower, leader: true });
    expect(elected.relations[0]!.localAppData["controller-url"]).toBe("wss://jimm.example.com");
  });

  it("leaves a broken relation alone", async () => {
    const c = ctx();
    const rel = dash();
    const out = await c.run(
      c.on.relationBroken(rel),
      state({ leader: true, relations: [rel], config: { "dns-name": "jimm.example.com" } }),
    );
    expect(out.relations[0]!.localAppData).toEqual({});
  });
});
