// The metadata matches the Python charm's (name, container, resource, endpoints, config, action),
// and charmcraft's own project model accepts charmcraft.yaml (charmcraft 4.5.0 in
// .cache/charmcraft-venv, installed by scripts/install-charmcraft.sh from scripts/setup.sh).
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { CharmMeta } from "../../../lib/ops/index.js";

const meta = CharmMeta.fromCharmDir("charms/openfga-k8s");
const CHARMCRAFT_PYTHON = ".cache/charmcraft-venv/bin/python";

describe("metadata", () => {
  it("has the Python charm's name, container, resource, config and action", () => {
    expect(meta.name).toBe("openfga-k8s");
    expect(meta.containers.get("openfga")?.resource).toBe("oci-image");
    expect(meta.resources.get("oci-image")?.type).toBe("oci-image");
    expect([...meta.config.keys()].sort()).toEqual(["cpu", "log-level", "memory"]);
    expect(meta.config.get("log-level")).toMatchObject({ type: "string", default: "error" });
    expect(meta.config.get("cpu")?.type).toBe("string");
    expect(meta.config.get("memory")?.type).toBe("string");
    expect([...meta.actions.keys()]).toEqual(["schema-upgrade"]);
  });

  it("has the Python charm's endpoints, interfaces, limits and optional flags", () => {
    const endpoints = Object.fromEntries(
      [...meta.relations.values()].map((e) => [
        e.name,
        [e.role, e.interface, e.limit ?? null, e.optional],
      ]),
    );
    expect(endpoints).toEqual({
      peer: ["peers", "openfga-peer", null, false],
      openfga: ["provides", "openfga", null, false],
      "grafana-dashboard": ["provides", "grafana_dashboard", null, true],
      "metrics-endpoint": ["provides", "prometheus_scrape", null, true],
      "send-ca-cert": ["provides", "certificate_transfer", null, true],
      "http-ingress": ["requires", "ingress", 1, true],
      "grpc-ingress": ["requires", "ingress", 1, true],
      database: ["requires", "postgresql_client", 1, false],
      logging: ["requires", "loki_push_api", 1, true],
      certificates: ["requires", "tls-certificates", 1, true],
      tracing: ["requires", "tracing", 1, true],
    });
  });

  it("is valid for charmcraft", () => {
    const r = spawnSync(
      CHARMCRAFT_PYTHON,
      ["lib/pack/tests/validate_charmcraft.py", "charms/openfga-k8s"],
      {
        encoding: "utf8",
      },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^valid: openfga-k8s/);
  });
});
