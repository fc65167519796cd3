import { describe, expect, it } from "vitest";
import { CharmBase, type CharmContext } from "../../ops/charm.js";
import type { CollectStatusEvent } from "../../ops/framework/juju-events.js";
import { CharmMeta } from "../../ops/metadata.js";
import { ActiveStatus, BlockedStatus, WaitingStatus } from "../../ops/model/status.js";
import { Context } from "../../testing/context.js";
import { network, relation, state } from "../../testing/state.js";
import { InterfaceDataError } from "../common/databag.js";
import { schemaErrors } from "../common/schema-check.js";
import {
  IngressConfigError,
  type IngressReadyEvent,
  IngressRequirer,
  parseProviderAppData,
  parseRequirerAppData,
  parseRequirerUnitData,
  renderRequirerAppData,
  renderRequirerUnitData,
} from "./index.js";

const SRC = { interfaceName: "ingress", relation: "ingress:1", owner: "traefik" };

class IngressCharm extends CharmBase {
  readonly ingress: IngressRequirer;

  constructor(ctx: CharmContext) {
    super(ctx);
    this.ingress = new IngressRequirer(this, { port: 8080, stripPrefix: true });
    this.observe(this.ingress.ready, this.onReady);
    this.observe(this.ingress.revoked, this.onRevoked);
    this.observe(this.on.collectUnitStatus, this.onCollectStatus);
  }

  onReady(event: IngressReadyEvent): void {
    this.log.info(`ingress ready at ${event.url}`);
  }

  onRevoked(): void {
    this.log.info("ingress revoked");
  }

  onCollectStatus(event: CollectStatusEvent): void {
    try {
      const url = this.ingress.url;
      event.addStatus(url ? new ActiveStatus(url) : new WaitingStatus("waiting for ingress"));
    } catch (e) {
      if (!(e instanceof InterfaceDataError)) throw e;
      event.addStatus(new BlockedStatus(e.statusMessage));
    }
  }
}

const META = CharmMeta.fromDocuments({
  name: "jimm",
  requires: { ingress: { interface: "ingress", limit: 1 } },
});

function ctx(): Context {
  return new Context(IngressCharm, { meta: META });
}

const traefik = (remoteAppData: Record<string, string> = {}) =>
  relation({ endpoint: "ingress", id: 1, remoteAppName: "traefik", remoteAppData });

describe("ingress v2 data", () => {
  it("JSON-encodes every value and leaves out defaults, as the v2 library dumps", () => {
    expect(renderRequirerAppData({ model: "jimm-model", name: "jimm", port: 8080 })).toEqual({
      model: '"jimm-model"',
      name: '"jimm"',
      port: "8080",
    });
    expect(
      renderRequirerAppData({
        model: "m",
        name: "openfga",
        port: 8081,
        scheme: "h2c",
        stripPrefix: true,
        redirectHttps: true,
        isPortOpen: true,
        healthcheck: { path: "/healthz", interval: "30s", timeout: "10s", port: 8081 },
      }),
    ).toEqual({
      model: '"m"',
      name: '"openfga"',
      port: "8081",
      scheme: '"h2c"',
      "strip-prefix": "true",
      "redirect-https": "true",
      is_port_open: "true",
      healthcheck_params: '{"path": "/healthz", "port": 8081, "timeout": "10s"}',
    });
    expect(renderRequirerUnitData({ host: "jimm-0.x", ip: "10.1.2.3" })).toEqual({
      host: '"jimm-0.x"',
      ip: '"10.1.2.3"',
    });
  });

  it("refuses what the library refuses", () => {
    expect(() => renderRequirerAppData({ model: "m", name: "a", port: 65535 })).toThrow(
      IngressConfigError,
    );
    expect(() =>
      renderRequirerAppData({ model: "m", name: "a", port: 80, scheme: "ftp" as "http" }),
    ).toThrow(/invalid scheme/);
    expect(() => renderRequirerUnitData({ host: "h", ip: "not-an-ip" })).toThrow(
      IngressConfigError,
    );
  });

  it("parses both boolean spellings and reads back what it writes", () => {
    const app = renderRequirerAppData({ model: "m", name: "a", port: 80, stripPrefix: true });
    expect(parseRequirerAppData(app, SRC)).toEqual({
      model: "m",
      name: "a",
      port: 80,
      scheme: "http",
      stripPrefix: true,
    });
    expect(
      parseRequirerAppData({ ...app, "strip-prefix": "True", "redirect-https": '"false"' }, SRC),
    ).toMatchObject({ stripPrefix: true });
    expect(parseRequirerUnitData(renderRequirerUnitData({ host: "h", ip: "::1" }), SRC)).toEqual({
      host: "h",
      ip: "::1",
    });
  });

  it.each([
    ["not JSON", { ingress: "url: http://x" }, /not valid JSON/],
    ["not an object", { ingress: '"http://x"' }, /JSON object/],
    ["no url", { ingress: "{}" }, /no "url"/],
    ["url not a string", { ingress: '{"url": 3}' }, /no "url"/],
    ["not a URL", { ingress: '{"url": "nope"}' }, /invalid URL/],
    ["not HTTP", { ingress: '{"url": "ftp://x/y"}' }, /non-HTTP/],
  ])("rejects a provider bag with %s", (_what, bag, message) => {
    expect(() => parseProviderAppData(bag, SRC)).toThrow(InterfaceDataError);
    expect(() => parseProviderAppData(bag, SRC)).toThrow(message);
  });

  it("treats a missing ingress as not ready", () => {
    expect(parseProviderAppData({}, SRC)).toBeUndefined();
    expect(parseProviderAppData({ ingress: '{"url": "https://a.b/m-jimm"}' }, SRC)).toEqual({
      url: "https://a.b/m-jimm",
    });
  });
});

describe("IngressRequirer", () => {
  it("the leader publishes the request and every unit its host and IP, valid against the schema", async () => {
    const c = ctx();
    const rel = traefik();
    const out = await c.run(
      c.on.relationCreated(rel),
      state({
        leader: true,
        relations: [rel],
        model: {
          name: "jimm-model",
          uuid: "00000000-0000-4000-8000-000000000000",
          type: "kubernetes",
        },
        networks: [network({ binding: "ingress", bindAddress: "10.1.2.3" })],
      }),
    );
    const r = out.relations[0]!;
    expect(r.localAppData).toEqual({
      model: '"jimm-model"',
      name: '"jimm"',
      port: "8080",
      "strip-prefix": "true",
    });
    expect(r.localUnitData).toMatchObject({
      host: '"jimm-0.jimm-endpoints.jimm-model.svc.cluster.local"',
      ip: '"10.1.2.3"',
    });
    expect(
      schemaErrors("ingress/v2/requirer.json", { app: r.localAppData, unit: r.localUnitData }),
    ).toEqual([]);
    expect(out.unitStatus).toEqual({ status: "waiting", message: "waiting for ingress" });
  });

  it("a non-leader writes only its unit bag", async () => {
    const c = ctx();
    const rel = traefik();
    const out = await c.run(c.on.relationJoined(rel), state({ leader: false, relations: [rel] }));
    expect(out.relations[0]!.localAppData).toEqual({});
    expect(out.relations[0]!.localUnitData.host).toBe(
      '"jimm-0.jimm-endpoints.test-model.svc.cluster.local"',
    );
  });

  it("clears stale app keys when it rewrites the bag", async () => {
    const c = ctx();
    const rel = relation({
      endpoint: "ingress",
      remoteAppName: "traefik",
      localAppData: {
        model: '"m"',
        name: '"jimm"',
        port: "80",
        scheme: '"https"',
        "redirect-https": "true",
      },
    });
    const out = await c.run(c.on.relationChanged(rel), state({ leader: true, relations: [rel] }));
    expect(Object.keys(out.relations[0]!.localAppData).sort()).toEqual([
      "model",
      "name",
      "port",
      "strip-prefix",
    ]);
  });

  it("emits ready with the provider's URL once, and reports it in the status", async () => {
    const c = ctx();
    const rel = traefik({ ingress: '{"url": "http://10.0.0.5/jimm-model-jimm"}' });
    const out = await c.run(c.on.relationChanged(rel), state({ leader: true, relations: [rel] }));
    expect(c.emittedEvents).toContain("ready");
    expect(c.logs.map((l) => l.message)).toContain(
      "ingress:1: ingress ready at http://10.0.0.5/jimm-model-jimm",
    );
    expect(out.unitStatus).toEqual({
      status: "active",
      message: "http://10.0.0.5/jimm-model-jimm",
    });
    const provider = { app: rel.remoteAppData };
    expect(schemaErrors("ingress/v2/provider.json", provider)).toEqual([]);
    // The same URL again: no second ready.
    await c.run(c.on.relationChanged(rel), out);
    expect(c.emittedEvents).not.toContain("ready");
  });

  it("turns malformed provider data into a blocked status, not a failed hook", async () => {
    const c = ctx();
    const rel = traefik({ ingress: "url: http://x/y" });
    const out = await c.run(c.on.relationChanged(rel), state({ leader: true, relations: [rel] }));
    expect(c.emittedEvents).not.toContain("ready");
    expect(out.unitStatus.status).toBe("blocked");
    expect(out.unitStatus.message).toBe(
      'invalid ingress data from traefik: "ingress" is not valid JSON (ingress v2 JSON-encodes every value)',
    );
    expect(c.logs.some((l) => l.level === "WARNING" && l.message.includes("not valid JSON"))).toBe(
      true,
    );
  });

  it("emits revoked on relation-broken and forgets the URL", async () => {
    const c = ctx();
    const rel = traefik({ ingress: '{"url": "http://10.0.0.5/jimm-model-jimm"}' });
    const ready = await c.run(c.on.relationChanged(rel), state({ leader: true, relations: [rel] }));
    const out = await c.run(c.on.relationBroken(rel), ready);
    expect(c.emittedEvents).toContain("revoked");
    expect(out.unitStatus).toEqual({ status: "waiting", message: "waiting for ingress" });
    // Related again later: ready fires again for the same URL.
    const again = traefik({ ingress: '{"url": "http://10.0.0.5/jimm-model-jimm"}' });
    await c.run(c.on.relationChanged(again), { ...out, relations: [again] });
    expect(c.emittedEvents).toContain("ready");
  });

  it("republishes the app bag when this unit becomes leader", async () => {
    const c = ctx();
    const rel = traefik();
    const follower = await c.run(
      c.on.relationJoined(rel),
      state({ leader: false, relations: [rel] }),
    );
    expect(follower.relations[0]!.localAppData).toEqual({});
    const leader = await c.run(c.on.leaderElected(), { ...follower, leader: true });
    expect(leader.relations[0]!.localAppData.port).toBe("8080");
  });
});
