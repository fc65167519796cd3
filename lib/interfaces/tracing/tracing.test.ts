import { describe, expect, it } from "vitest";
import { CharmBase, type CharmContext } from "../../ops/charm.js";
import type { CollectStatusEvent } from "../../ops/framework/juju-events.js";
import { CharmMeta } from "../../ops/metadata.js";
import { ActiveStatus, BlockedStatus, WaitingStatus } from "../../ops/model/status.js";
import { Context } from "../../testing/context.js";
import { relation, state } from "../../testing/state.js";
import { InterfaceDataError } from "../common/databag.js";
import {
  type EndpointChangedEvent,
  type EndpointRemovedEvent,
  TracingRequirer,
  parseProviderAppData,
  renderProviderAppData,
  renderRequirerAppData,
} from "./index.js";

const SRC = { interfaceName: "tracing", relation: "tracing:9", owner: "tempo" };
const RECEIVERS = [
  {
    protocol: { name: "otlp_grpc", type: "grpc" as const },
    url: "tempo.cos.svc.cluster.local:4317",
  },
  {
    protocol: { name: "otlp_http", type: "http" as const },
    url: "http://tempo.cos.svc.cluster.local:4318",
  },
];

class TracedCharm extends CharmBase {
  readonly tracing: TracingRequirer;

  constructor(ctx: CharmContext) {
    super(ctx);
    this.tracing = new TracingRequirer(this, { protocols: ["otlp_grpc", "otlp_http"] });
    this.observe(this.tracing.endpointChanged, this.onChanged);
    this.observe(this.tracing.endpointRemoved, this.onRemoved);
    this.observe(this.on.collectUnitStatus, this.onCollectStatus);
  }

  onChanged(event: EndpointChangedEvent): void {
    this.log.info(`tracing receivers: ${event.receivers.length}`);
  }

  onRemoved(): void {
    this.log.info("tracing removed");
  }

  onCollectStatus(event: CollectStatusEvent): void {
    try {
      const url = this.tracing.getEndpoint("otlp_http");
      event.addStatus(url ? new ActiveStatus(url) : new WaitingStatus("no tracing"));
    } catch (e) {
      if (!(e instanceof InterfaceDataError)) throw e;
      event.addStatus(new BlockedStatus(e.statusMessage));
    }
  }
}

/** Logs what each event says, for an endpoint without `limit: 1`. */
class MultiTracedCharm extends CharmBase {
  readonly tracing: TracingRequirer;

  constructor(ctx: CharmContext) {
    super(ctx);
    this.tracing = new TracingRequirer(this, { protocols: ["otlp_http"] });
    this.observe(this.tracing.endpointChanged, this.onChanged);
    this.observe(this.tracing.endpointRemoved, this.onRemoved);
  }

  onChanged(event: EndpointChangedEvent): void {
    this.log.info(`changed ${event.relationId}: ${event.receivers.map((r) => r.url).join(",")}`);
  }

  onRemoved(event: EndpointRemovedEvent): void {
    this.log.info(`removed ${event.relationId}`);
  }
}

const MULTI_META = CharmMeta.fromDocuments({
  name: "relay",
  requires: { tracing: { interface: "tracing" } },
});

const META = CharmMeta.fromDocuments({
  name: "openfga-k8s",
  requires: { tracing: { interface: "tracing", limit: 1, optional: true } },
});

describe("tracing v2 data", () => {
  it("writes and reads the bags as the v2 library does", () => {
    expect(renderRequirerAppData(["otlp_grpc", "otlp_http"])).toEqual({
      receivers: '["otlp_grpc", "otlp_http"]',
    });
    const provider = renderProviderAppData(RECEIVERS);
    expect(provider.receivers).toBe(
      '[{"protocol": {"name": "otlp_grpc", "type": "grpc"}, "url": "tempo.cos.svc.cluster.local:4317"}, {"protocol": {"name": "otlp_http", "type": "http"}, "url": "http://tempo.cos.svc.cluster.local:4318"}]',
    );
    expect(parseProviderAppData(provider, SRC)).toEqual(RECEIVERS);
    expect(parseProviderAppData({}, SRC)).toBeUndefined();
    expect(() => renderRequirerAppData([])).toThrow(RangeError);
    expect(() => renderRequirerAppData(["grpc" as "otlp_grpc"])).toThrow(
      /unknown tracing protocol/,
    );
  });

  it.each([
    ["not JSON", "otlp", /not valid JSON/],
    ["not a list", "{}", /JSON list/],
    ["an entry without url", '[{"protocol": {"name": "zipkin", "type": "http"}}]', /entry 0/],
    [
      "a bad transport",
      '[{"protocol": {"name": "zipkin", "type": "tcp"}, "url": "x"}]',
      /bad protocol/,
    ],
  ])("rejects receivers that are %s", (_what, receivers, message) => {
    expect(() => parseProviderAppData({ receivers }, SRC)).toThrow(InterfaceDataError);
    expect(() => parseProviderAppData({ receivers }, SRC)).toThrow(message);
  });
});

describe("TracingRequirer", () => {
  const ctx = () => new Context(TracedCharm, { meta: META });
  const tempo = (remoteAppData: Record<string, string> = {}) =>
    relation({ endpoint: "tracing", id: 9, remoteAppName: "tempo", remoteAppData });

  it("the leader requests its protocols; a follower does not", async () => {
    const c = ctx();
    const rel = tempo();
    const out = await c.run(c.on.relationCreated(rel), state({ leader: true, relations: [rel] }));
    expect(out.relations[0]!.localAppData).toEqual({ receivers: '["otlp_grpc", "otlp_http"]' });
    const follower = await c.run(c.on.relationCreated(rel), state({ relations: [rel] }));
    expect(follower.relations[0]!.localAppData).toEqual({});
    const elected = await c.run(c.on.leaderElected(), { ...follower, leader: true });
    expect(elected.relations[0]!.localAppData.receivers).toBeDefined();
  });

  it("emits endpoint_changed and exposes the URL per protocol", async () => {
    const c = ctx();
    const rel = tempo(renderProviderAppData(RECEIVERS));
    const out = await c.run(c.on.relationChanged(rel), state({ relations: [rel] }));
    expect(c.emittedEvents).toContain("endpoint_changed");
    expect(out.unitStatus).toEqual({
      status: "active",
      message: "http://tempo.cos.svc.cluster.local:4318",
    });
  });

  it("malformed receivers: endpoint_removed and a blocked status, no failed hook", async () => {
    const c = ctx();
    const rel = tempo({ receivers: "[{" });
    const out = await c.run(c.on.relationChanged(rel), state({ relations: [rel] }));
    expect(c.emittedEvents).toContain("endpoint_removed");
    expect(out.unitStatus).toEqual({
      status: "blocked",
      message: 'invalid tracing data from tempo: "receivers" is not valid JSON',
    });
  });

  it("reports the receivers of the relation that changed, not of the first relation", async () => {
    const c = new Context(MultiTracedCharm, { meta: MULTI_META });
    const first = relation({ endpoint: "tracing", id: 4, remoteAppName: "tempo-a" });
    const second = relation({
      endpoint: "tracing",
      id: 5,
      remoteAppName: "tempo-b",
      remoteAppData: renderProviderAppData(RECEIVERS),
    });
    await c.run(c.on.relationChanged(second), state({ relations: [first, second] }));
    expect(c.logs.map((l) => l.message)).toEqual([
      "tracing:5: changed 5: tempo.cos.svc.cluster.local:4317,http://tempo.cos.svc.cluster.local:4318",
    ]);
    await c.run(c.on.relationChanged(first), state({ relations: [first, second] }));
    expect(c.logs.map((l) => l.message)).toContain("tracing:4: removed 4");
  });

  it("emits endpoint_removed on relation-broken", async () => {
    const c = ctx();
    const rel = tempo(renderProviderAppData(RECEIVERS));
    const out = await c.run(c.on.relationBroken(rel), state({ relations: [rel] }));
    expect(c.emittedEvents).toContain("endpoint_removed");
    expect(out.unitStatus).toEqual({ status: "waiting", message: "no tracing" });
  });
});
