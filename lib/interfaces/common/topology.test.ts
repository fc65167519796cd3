// Unit tests of the Juju topology and the unit-address helpers shared by prometheus_scrape,
// loki_push_api, grafana_dashboard and ingress.
import { describe, expect, it } from "vitest";
import { isIp, podFqdn } from "./network.js";
import { JujuTopology } from "./topology.js";

const UUID = "1d8a3f2e-0000-4000-8000-000000000000";
const TOPOLOGY = new JujuTopology("jimm-model", UUID, "jimm", "jimm/0", "juju-jimm-k8s");

describe("topology", () => {
  it("matches cos-lib's identifier and label dicts", () => {
    expect(TOPOLOGY.identifier).toBe("jimm-model_1d8a3f2e_jimm");
    expect(TOPOLOGY.labelMatcherDict).toEqual({
      juju_model: "jimm-model",
      juju_model_uuid: UUID,
      juju_application: "jimm",
      juju_charm: "juju-jimm-k8s",
    });
    expect(Object.keys(TOPOLOGY.asDict())).toEqual([
      "model",
      "model_uuid",
      "application",
      "unit",
      "charm_name",
    ]);
  });

  it("leaves the unit and the charm out of alert expressions, and empty values out of labels", () => {
    expect(TOPOLOGY.alertExpressionDict).toEqual({
      juju_model: "jimm-model",
      juju_model_uuid: UUID,
      juju_application: "jimm",
    });
    const bare = new JujuTopology("m", UUID, "a");
    expect(bare.labelMatcherDict).toEqual({
      juju_model: "m",
      juju_model_uuid: UUID,
      juju_application: "a",
    });
    expect(bare.labelMatchers).toBe(
      `juju_model="m", juju_model_uuid="${UUID}", juju_application="a"`,
    );
  });
});

describe("unit addresses", () => {
  it("names the pod as socket.getfqdn() does in a sidecar charm", () => {
    expect(podFqdn("jimm/0", "jimm-model")).toBe(
      "jimm-0.jimm-endpoints.jimm-model.svc.cluster.local",
    );
    expect(podFqdn("jimm/3", "m", "k8s.example")).toBe("jimm-3.jimm-endpoints.m.svc.k8s.example");
  });

  it.each([
    ["10.1.2.3", true],
    ["255.255.255.255", true],
    ["256.1.1.1", false],
    ["::1", true],
    ["fd00::1", true],
    ["jimm-0.jimm-endpoints", false],
    ["", false],
  ])("isIp(%j) is %s", (s, expected) => {
    expect(isIp(s)).toBe(expected);
  });
});
