// TLS (certificates), send-ca-cert, http-ingress/grpc-ingress and the COS relations (metrics,
// alert rules, dashboards, log forwarding), with the in-memory harness.
import { describe, expect, it } from "vitest";
import { renderProviderBag } from "../../../lib/interfaces/tls-certificates/data.js";
import {
  generateCaCertificate,
  generatePrivateKey,
  parseCsr,
  signCsr,
} from "../../../lib/interfaces/tls-certificates/x509.js";
import { type RelationState, type State, relation } from "../../../lib/testing/index.js";
import {
  ctx,
  databaseRelation,
  peers,
  planEnv,
  ready,
  rel,
  requirer,
  restarts,
} from "./fixtures.js";

const FQDN = "openfga-k8s.test-model.svc.cluster.local";
const caKey = generatePrivateKey();
const ca = generateCaCertificate(caKey, { commonName: "test CA" });

/** Answers every CSR in our unit bag of the certificates relation, as a provider would. */
function issue(s: State, certId: number, authority = { ca, caKey }): State {
  const certs = rel(s, certId);
  const csrs = JSON.parse(certs.localUnitData.certificate_signing_requests!) as {
    certificate_signing_request: string;
  }[];
  const bag = renderProviderBag({
    certificates: csrs.map((c) => {
      const certificate = signCsr({
        csr: c.certificate_signing_request,
        caCertificate: authority.ca,
        caPrivateKey: authority.caKey,
        validityDays: 90,
      });
      return {
        ca: authority.ca,
        certificateSigningRequest: c.certificate_signing_request,
        certificate,
        chain: [certificate, authority.ca],
      };
    }),
    requestErrors: [],
  });
  return {
    ...s,
    relations: s.relations.map((r) =>
      r.id === certId ? { ...(r as RelationState), remoteAppData: bag } : r,
    ),
  };
}

function file(s: State, path: string): string | undefined {
  return s.containers[0]!.files[path];
}

describe("TLS", () => {
  const certificates = relation({ endpoint: "certificates", id: 30, remoteAppName: "ssc" });
  const sendCa = relation({
    endpoint: "send-ca-cert",
    id: 31,
    remoteAppName: "jimm",
    remoteAppData: { version: "1" },
  });

  async function withTls(): Promise<State> {
    const created = await ctx.run(
      ctx.on.relationCreated(certificates),
      ready({ extraRelations: [certificates, sendCa] }),
    );
    return ctx.run(ctx.on.relationChanged(certificates), issue(created, 30));
  }

  it("asks for a certificate for the service name, 127.0.0.1 and 0.0.0.0", async () => {
    const out = await ctx.run(
      ctx.on.relationCreated(certificates),
      ready({ extraRelations: [certificates] }),
    );
    const [req] = JSON.parse(rel(out, 30).localUnitData.certificate_signing_requests!) as {
      certificate_signing_request: string;
    }[];
    const csr = parseCsr(req!.certificate_signing_request);
    expect(csr.commonName).toBe(FQDN);
    expect(csr.sansDns).toEqual([FQDN]);
    expect([...csr.sansIp].sort()).toEqual(["0.0.0.0", "127.0.0.1"]);
    // Until the certificate arrives, OpenFGA serves plain HTTP and says it waits.
    expect(planEnv(out).OPENFGA_HTTP_TLS_ENABLED).toBe("false");
    expect(out.unitStatus).toEqual({
      status: "waiting",
      message: "certificates: waiting for certificates",
    });
  });

  it("pushes the files, serves TLS, checks over https, publishes https URLs and sends the CA", async () => {
    const jimm = requirer("jimm", {
      id: 12,
      localAppData: { store_id: "01S", http_api_url: "http://old:8080", grpc_api_url: "old:8081" },
    });
    const created = await ctx.run(
      ctx.on.relationCreated(certificates),
      ready({ extraRelations: [certificates, sendCa, jimm] }),
    );
    const out = await ctx.run(ctx.on.relationChanged(certificates), issue(created, 30));
    expect(out.unitStatus).toEqual({ status: "active", message: "" });
    expect(file(out, "/etc/ssl/private/server.key")).toMatch(/BEGIN RSA PRIVATE KEY/);
    expect(file(out, "/usr/local/share/ca-certificates/server.crt")).toMatch(/BEGIN CERTIFICATE/);
    expect(file(out, "/usr/local/share/ca-certificates/openfga-ca.crt")).toBe(`${ca.trim()}\n`);
    expect(file(out, "/etc/ssl/certs/ca-certificates.crt")).toContain(ca.trim());
    expect(planEnv(out)).toMatchObject({
      OPENFGA_HTTP_TLS_ENABLED: "true",
      OPENFGA_GRPC_TLS_ENABLED: "true",
      OPENFGA_HTTP_TLS_CERT: "/usr/local/share/ca-certificates/server.crt",
      OPENFGA_HTTP_TLS_KEY: "/etc/ssl/private/server.key",
    });
    const layer = out.containers[0]!.layers.openfga as {
      checks: Record<string, { http?: { url: string }; exec?: { command: string } }>;
    };
    expect(layer.checks["http-check"]!.http!.url).toBe("https://127.0.0.1:8080/healthz");
    expect(rel(out, 12).localAppData.http_api_url).toBe(`https://${FQDN}:8080`);
    expect(JSON.parse(rel(out, 31).localAppData.certificates!)).toEqual([ca.trim()]);
    expect(restarts()).toEqual(["OpenFGA (re)started: its configuration changed"]);
  });

  it("restarts once when the certificate changes but the plan does not", async () => {
    const serving = await withTls();
    const ca2Key = generatePrivateKey();
    const ca2 = generateCaCertificate(ca2Key, { commonName: "test CA 2" });
    const out = await ctx.run(
      ctx.on.relationChanged(certificates),
      issue(serving, 30, { ca: ca2, caKey: ca2Key }),
    );
    expect(restarts()).toEqual(["OpenFGA (re)started: its TLS certificate changed"]);
    expect(file(out, "/usr/local/share/ca-certificates/openfga-ca.crt")).toBe(`${ca2.trim()}\n`);
    expect(file(out, "/etc/ssl/certs/ca-certificates.crt")).not.toContain(ca.trim());
    // The same certificate again: nothing to do.
    await ctx.run(ctx.on.updateStatus(), out);
    expect(restarts()).toEqual([]);
  });

  it("goes back to plain HTTP and removes the files when the relation goes", async () => {
    const serving = await withTls();
    const out = await ctx.run(ctx.on.relationBroken(rel(serving, 30)), {
      ...serving,
      relations: serving.relations,
    });
    expect(planEnv(out).OPENFGA_HTTP_TLS_ENABLED).toBe("false");
    expect(file(out, "/etc/ssl/private/server.key")).toBeUndefined();
    expect(file(out, "/usr/local/share/ca-certificates/server.crt")).toBeUndefined();
    expect(file(out, "/etc/ssl/certs/ca-certificates.crt") ?? "").not.toContain(ca.trim());
    expect(rel(out, 31).localAppData.certificates).toBe("[]");
    expect(out.unitStatus).toEqual({ status: "active", message: "" });
  });

  it("sends the CA as v0 unit data to a requirer that does not speak v1", async () => {
    const v0 = relation({ endpoint: "send-ca-cert", id: 32, remoteAppName: "old" });
    const created = await ctx.run(
      ctx.on.relationCreated(certificates),
      ready({ extraRelations: [certificates, v0] }),
    );
    const out = await ctx.run(ctx.on.relationChanged(certificates), issue(created, 30));
    expect(JSON.parse(rel(out, 32).localUnitData.ca!)).toBe(ca.trim());
  });
});

describe("ingress", () => {
  const httpIngress = relation({
    endpoint: "http-ingress",
    id: 40,
    remoteAppName: "traefik-http",
    remoteAppData: {
      ingress: JSON.stringify({ url: "http://fga.example/test-model-openfga-k8s" }),
    },
  });
  const grpcIngress = relation({
    endpoint: "grpc-ingress",
    id: 41,
    remoteAppName: "traefik-grpc",
    remoteAppData: {
      ingress: JSON.stringify({ url: "http://grpc.example/test-model-openfga-k8s" }),
    },
  });

  it("requests routes (8080 strip-prefix; 8081 h2c strip-prefix) and publishes the ingress URLs", async () => {
    const jimm = requirer("jimm", {
      id: 12,
      localAppData: { store_id: "01S", http_api_url: "http://old:8080", grpc_api_url: "old:8081" },
    });
    const out = await ctx.run(
      ctx.on.relationChanged(httpIngress),
      ready({ extraRelations: [httpIngress, grpcIngress, jimm] }),
    );
    expect(rel(out, 40).localAppData).toEqual({
      model: '"test-model"',
      name: '"openfga-k8s"',
      port: "8080",
      "strip-prefix": "true",
      is_port_open: "true",
    });
    expect(rel(out, 41).localAppData).toMatchObject({
      port: "8081",
      scheme: '"h2c"',
      "strip-prefix": "true",
    });
    expect(JSON.parse(rel(out, 40).localUnitData.host!)).toBe(
      "openfga-k8s-0.openfga-k8s-endpoints.test-model.svc.cluster.local",
    );
    expect(rel(out, 12).localAppData).toMatchObject({
      http_api_url: "http://fga.example/test-model-openfga-k8s",
      grpc_api_url: "http://grpc.example/test-model-openfga-k8s",
    });
  });

  it("falls back to the cluster URLs while ingress is not ready", async () => {
    const pending = relation({ endpoint: "http-ingress", id: 40, remoteAppName: "traefik" });
    const jimm = requirer("jimm", { id: 12, localAppData: { store_id: "01S" } });
    const out = await ctx.run(
      ctx.on.relationJoined(pending),
      ready({ extraRelations: [pending, jimm] }),
    );
    expect(rel(out, 12).localAppData).toMatchObject({
      http_api_url: `http://${FQDN}:8080`,
      grpc_api_url: `${FQDN}:8081`,
    });
  });

  it("blocks with the library's message on a malformed ingress URL", async () => {
    const bad = relation({
      endpoint: "http-ingress",
      id: 40,
      remoteAppName: "traefik",
      remoteAppData: { ingress: "not json" },
    });
    const out = await ctx.run(ctx.on.relationChanged(bad), ready({ extraRelations: [bad] }));
    expect(out.unitStatus.status).toBe("blocked");
    expect(out.unitStatus.message).toMatch(/^invalid ingress data from traefik/);
  });
});

describe("observability", () => {
  it("publishes the scrape job on *:2112 and the alert rules to Prometheus", async () => {
    const prom = relation({ endpoint: "metrics-endpoint", id: 50, remoteAppName: "prometheus" });
    const out = await ctx.run(ctx.on.relationJoined(prom), ready({ extraRelations: [prom] }));
    const bag = rel(out, 50).localAppData;
    expect(JSON.parse(bag.scrape_jobs!)).toEqual([
      { metrics_path: "/metrics", static_configs: [{ targets: ["*:2112"] }] },
    ]);
    const alerts = (
      JSON.parse(bag.alert_rules!) as { groups: { rules: { alert: string }[] }[] }
    ).groups.flatMap((g) => g.rules.map((r) => r.alert));
    expect(alerts).toEqual(
      expect.arrayContaining(["OpenFGAUnavailable-multiple", "OpenFGAUnavailable-all"]),
    );
    expect(rel(out, 50).localUnitData.prometheus_scrape_unit_name).toBe("openfga-k8s/0");
  });

  it("publishes the dashboard to Grafana", async () => {
    const grafana = relation({ endpoint: "grafana-dashboard", id: 51, remoteAppName: "grafana" });
    const out = await ctx.run(
      ctx.on.relationCreated(grafana),
      ready({ extraRelations: [grafana] }),
    );
    const dashboards = JSON.parse(rel(out, 51).localAppData.dashboards!) as {
      templates: Record<string, unknown>;
    };
    expect(Object.keys(dashboards.templates)).toEqual(["file:openfga"]);
  }, 60_000);

  it("forwards the workload's logs to Loki with its alert rule, without restarting OpenFGA", async () => {
    const running = await ctx.run(ctx.on.configChanged(), ready());
    const loki = relation({
      endpoint: "logging",
      id: 52,
      remoteAppName: "loki",
      remoteUnitsData: {
        0: { endpoint: JSON.stringify({ url: "http://loki-0.loki:3100/loki/api/v1/push" }) },
      },
    });
    const out = await ctx.run(ctx.on.relationChanged(loki, { remoteUnit: 0 }), {
      ...running,
      relations: [...running.relations, loki],
    });
    const layers = out.containers[0]!.layers as Record<
      string,
      { "log-targets"?: Record<string, { location: string }> }
    >;
    expect(layers["openfga-log-forwarding"]!["log-targets"]!["loki/0"]!.location).toBe(
      "http://loki-0.loki:3100/loki/api/v1/push",
    );
    const rules = JSON.parse(rel(out, 52).localAppData.alert_rules!) as {
      groups: { rules: { alert: string }[] }[];
    };
    expect(rules.groups.flatMap((g) => g.rules.map((r) => r.alert))).toEqual([
      "HighFrequencyHighSeverityLog",
    ]);
    expect(restarts()).toEqual([]);
  });

  it("keeps working when the tracing relation has no receivers yet", async () => {
    const tempo = relation({ endpoint: "tracing", id: 53, remoteAppName: "tempo" });
    const out = await ctx.run(
      ctx.on.relationCreated(tempo),
      ready({ relations: [databaseRelation(), peers(), tempo] }),
    );
    expect(planEnv(out).OPENFGA_TRACE_ENABLED).toBeUndefined();
    expect(out.unitStatus.status).toBe("active");
  });
});
