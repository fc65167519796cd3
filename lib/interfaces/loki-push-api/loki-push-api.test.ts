import { describe, expect, it } from "vitest";
import { CharmBase, type CharmContext } from "../../ops/charm.js";
import type { CollectStatusEvent } from "../../ops/framework/juju-events.js";
import { CharmMeta } from "../../ops/metadata.js";
import { ActiveStatus, BlockedStatus, WaitingStatus } from "../../ops/model/status.js";
import { type Layer, combineLayers, validatePlan } from "../../pebble/layer.js";
import { Context } from "../../testing/context.js";
import { container, relation, state } from "../../testing/state.js";
import { InterfaceDataError } from "../common/databag.js";
import { JujuTopology } from "../common/topology.js";
import {
  LokiPushApiRequirer,
  jujuSupportsLogForwarding,
  lokiLogTargets,
  parseEndpoint,
  renderRequirerAppData,
} from "./index.js";

const UUID = "1d8a3f2e-0000-4000-8000-000000000000";
const TOPOLOGY = new JujuTopology("jimm-model", UUID, "jimm", "jimm/0", "juju-jimm-k8s");
const SRC = { interfaceName: "loki_push_api", relation: "logging:4", owner: "loki/0" };
const URL0 = "http://loki-0.loki-endpoints.cos.svc.cluster.local:3100/loki/api/v1/push";
const URL1 = "http://loki-1.loki-endpoints.cos.svc.cluster.local:3100/loki/api/v1/push";

const LABELS = {
  product: "Juju",
  charm: "juju-jimm-k8s",
  juju_model: "jimm-model",
  juju_model_uuid: UUID,
  juju_application: "jimm",
  juju_unit: "jimm/0",
  job: "juju_jimm-model_1d8a3f2e_jimm",
};

/** The labels of the test Context's unit (app `juju-jimm-k8s`, unit 0). */
const CTX_LABELS = {
  ...LABELS,
  juju_application: "juju-jimm-k8s",
  juju_unit: "juju-jimm-k8s/0",
  job: "juju_jimm-model_1d8a3f2e_juju-jimm-k8s",
};

class LoggingCharm extends CharmBase {
  readonly logging: LokiPushApiRequirer;

  constructor(ctx: CharmContext) {
    super(ctx);
    this.logging = new LokiPushApiRequirer(this, { services: ["jimm"] });
    this.observe(this.on.collectUnitStatus, this.onCollectStatus);
  }

  onCollectStatus(event: CollectStatusEvent): void {
    const { endpoints, errors } = this.logging.readEndpoints();
    if (errors[0]) event.addStatus(new BlockedStatus(errors[0].statusMessage));
    else if (Object.keys(endpoints).length === 0) event.addStatus(new WaitingStatus("no Loki"));
    else event.addStatus(new ActiveStatus(`logs to ${Object.keys(endpoints).join(",")}`));
  }
}

const META = CharmMeta.fromDocuments({
  name: "juju-jimm-k8s",
  requires: { logging: { interface: "loki_push_api", optional: true } },
  containers: { jimm: { resource: "jimm-image" } },
});

const MODEL = { name: "jimm-model", uuid: UUID, type: "kubernetes" as const };

const jimmLayer: Layer = {
  services: { jimm: { override: "replace", command: "/root/jimmsrv", startup: "enabled" } },
};

describe("loki_push_api data", () => {
  it("reads a Loki unit's endpoint", () => {
    expect(parseEndpoint({ endpoint: JSON.stringify({ url: URL0 }) }, SRC)).toBe(URL0);
    expect(parseEndpoint({ "ingress-address": "10.0.0.1" }, SRC)).toBeUndefined();
  });

  it.each([
    ["not JSON", "http://x", /not valid JSON/],
    ["a list", "[]", /JSON object/],
    ["no url", "{}", /no "url"/],
    ["a bad url", '{"url": "loki:3100"}', /non-HTTP|invalid URL/],
  ])("rejects an endpoint that is %s", (_what, endpoint, message) => {
    expect(() => parseEndpoint({ endpoint }, SRC)).toThrow(InterfaceDataError);
    expect(() => parseEndpoint({ endpoint }, SRC)).toThrow(message);
  });

  it("builds log targets as LogForwarder does, disabling its departed targets only", () => {
    const targets = lokiLogTargets({
      endpoints: { "loki/0": URL0 },
      topology: TOPOLOGY,
      current: {
        "loki/1": {
          override: "replace",
          type: "loki",
          location: URL1,
          services: ["all"],
          labels: LABELS,
        },
        mine: { override: "replace", type: "loki", location: "http://other", services: ["all"] },
      },
    });
    expect(targets).toEqual({
      "loki/1": { override: "replace", services: ["-all"], type: "loki", location: "(removed)" },
      "loki/0": {
        override: "replace",
        services: ["all"],
        type: "loki",
        location: URL0,
        labels: LABELS,
      },
    });
    // Pebble accepts it.
    expect(() =>
      validatePlan(combineLayers([jimmLayer, { "log-targets": targets }])),
    ).not.toThrow();
  });

  it("writes metadata and sorted-key alert rules", () => {
    expect(renderRequirerAppData(TOPOLOGY, {})).toEqual({
      metadata: `{"model": "jimm-model", "model_uuid": "${UUID}", "application": "jimm", "unit": "jimm/0", "charm_name": "juju-jimm-k8s"}`,
      alert_rules: "{}",
    });
    const data = renderRequirerAppData(TOPOLOGY, {
      groups: [{ name: "g_rules", rules: [{ expr: "x", alert: "A", labels: { z: "1", a: "2" } }] }],
    });
    expect(data.alert_rules).toBe(
      '{"groups": [{"name": "g_rules", "rules": [{"alert": "A", "expr": "x", "labels": {"a": "2", "z": "1"}}]}]}',
    );
  });

  it("knows which Juju forwards logs", () => {
    expect(jujuSupportsLogForwarding("3.4.0")).toBe(true);
    expect(jujuSupportsLogForwarding("3.3.6")).toBe(false);
    expect(jujuSupportsLogForwarding("4.0-beta1")).toBe(true);
  });
});

describe("LokiPushApiRequirer", () => {
  const ctx = () => new Context(LoggingCharm, { meta: META });
  const loki = (units: Record<number, Record<string, string>>) =>
    relation({ endpoint: "logging", id: 4, remoteAppName: "loki", remoteUnitsData: units });

  it("adds the log-forwarding layer in the workload container and the leader's app data", async () => {
    const c = ctx();
    const rel = loki({
      0: { endpoint: JSON.stringify({ url: URL0 }) },
      1: { endpoint: JSON.stringify({ url: URL1 }) },
    });
    const out = await c.run(
      c.on.relationChanged(rel, { remoteUnit: 1 }),
      state({
        leader: true,
        model: MODEL,
        relations: [rel],
        containers: [container({ name: "jimm", layers: { jimm: jimmLayer } })],
      }),
    );
    const layer = out.containers[0]!.layers["jimm-log-forwarding"] as Layer;
    expect(layer["log-targets"]).toEqual({
      "loki/0": {
        override: "replace",
        services: ["jimm"],
        type: "loki",
        location: URL0,
        labels: CTX_LABELS,
      },
      "loki/1": {
        override: "replace",
        services: ["jimm"],
        type: "loki",
        location: URL1,
        labels: CTX_LABELS,
      },
    });
    const app = out.relations[0]!.localAppData;
    expect(JSON.parse(app.metadata!)).toMatchObject({
      model: "jimm-model",
      application: "juju-jimm-k8s",
    });
    expect(app.alert_rules).toBe("{}");
    expect(out.unitStatus).toEqual({ status: "active", message: "logs to loki/0,loki/1" });
  });

  it("a non-leader forwards logs but writes no app data", async () => {
    const c = ctx();
    const rel = loki({ 0: { endpoint: JSON.stringify({ url: URL0 }) } });
    const out = await c.run(
      c.on.relationJoined(rel),
      state({
        relations: [rel],
        containers: [container({ name: "jimm", layers: { jimm: jimmLayer } })],
      }),
    );
    expect(out.relations[0]!.localAppData).toEqual({});
    expect(
      Object.keys((out.containers[0]!.layers["jimm-log-forwarding"] as Layer)["log-targets"]!),
    ).toEqual(["loki/0"]);
  });

  it("disables the target of a departed Loki unit, and all of them on relation-broken", async () => {
    const c = ctx();
    const both = loki({
      0: { endpoint: JSON.stringify({ url: URL0 }) },
      1: { endpoint: JSON.stringify({ url: URL1 }) },
    });
    const first = await c.run(
      c.on.relationChanged(both, { remoteUnit: 0 }),
      state({
        relations: [both],
        containers: [container({ name: "jimm", layers: { jimm: jimmLayer } })],
      }),
    );
    const departed = await c.run(c.on.relationDeparted(both, { remoteUnit: 1 }), first);
    const targets = (departed.containers[0]!.layers["jimm-log-forwarding"] as Layer)[
      "log-targets"
    ]!;
    expect(targets["loki/1"]).toEqual({
      override: "replace",
      services: ["-all"],
      type: "loki",
      location: "(removed)",
    });
    expect(targets["loki/0"]!.services).toEqual(["jimm"]);
    const broken = await c.run(c.on.relationBroken(both), departed);
    const after = (broken.containers[0]!.layers["jimm-log-forwarding"] as Layer)["log-targets"]!;
    expect(after["loki/0"]!.services).toEqual(["-all"]);
    expect(after["loki/1"]!.services).toEqual(["-all"]);
    expect(broken.unitStatus).toEqual({ status: "waiting", message: "no Loki" });
  });

  it("does not touch Pebble when nothing changed", async () => {
    const c = ctx();
    const rel = loki({ 0: { endpoint: JSON.stringify({ url: URL0 }) } });
    const first = await c.run(
      c.on.relationChanged(rel, { remoteUnit: 0 }),
      state({
        relations: [rel],
        containers: [container({ name: "jimm", layers: { jimm: jimmLayer } })],
      }),
    );
    const layersBefore = first.containers[0]!.layers;
    const again = await c.run(c.on.relationChanged(rel, { remoteUnit: 0 }), first);
    expect(again.containers[0]!.layers).toEqual(layersBefore);
  });

  it("skips a unit with malformed data and reports it; no hook failure", async () => {
    const c = ctx();
    const rel = loki({
      0: { endpoint: "{not json" },
      1: { endpoint: JSON.stringify({ url: URL1 }) },
    });
    const out = await c.run(
      c.on.relationChanged(rel, { remoteUnit: 0 }),
      state({
        relations: [rel],
        containers: [container({ name: "jimm", layers: { jimm: jimmLayer } })],
      }),
    );
    expect(
      Object.keys((out.containers[0]!.layers["jimm-log-forwarding"] as Layer)["log-targets"]!),
    ).toEqual(["loki/1"]);
    expect(out.unitStatus).toEqual({
      status: "blocked",
      message: 'invalid loki_push_api data from loki/0: "endpoint" is not valid JSON',
    });
  });

  it("waits for Pebble: a container that cannot connect is configured on pebble-ready", async () => {
    const c = ctx();
    const rel = loki({ 0: { endpoint: JSON.stringify({ url: URL0 }) } });
    const offline = container({ name: "jimm", canConnect: false });
    const out = await c.run(
      c.on.relationChanged(rel, { remoteUnit: 0 }),
      state({ relations: [rel], containers: [offline] }),
    );
    expect(out.containers[0]!.layers["jimm-log-forwarding"]).toBeUndefined();
    const online = { ...out.containers[0]!, canConnect: true, layers: { jimm: jimmLayer } };
    const ready = await c.run(c.on.pebbleReady(online), { ...out, containers: [online] });
    expect(ready.containers[0]!.layers["jimm-log-forwarding"]).toBeDefined();
  });
});
