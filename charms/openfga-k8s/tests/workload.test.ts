// The rendered workload (environment, Pebble layer, checks, ports) and the restart policy: OpenFGA
// restarts only when its plan or its files change, never on unrelated events.
import { describe, expect, it } from "vitest";
import { relation } from "../../../lib/testing/index.js";
import { readConfig } from "../src/config.js";
import {
  datastoreUri,
  openfgaLayer,
  parseVersion,
  withCaInBundle,
  workloadEnvironment,
} from "../src/workload.js";
import {
  DB_PASSWORD,
  TOKEN,
  VERSION,
  ctx,
  databaseRelation,
  peers,
  planEnv,
  ready,
  restarts,
} from "./fixtures.js";

const PG = "postgresql-k8s-primary.test-model.svc.cluster.local:5432";
const PG_RO = "postgresql-k8s-replicas.test-model.svc.cluster.local:5432";
const PW = encodeURIComponent(DB_PASSWORD);

describe("the rendered workload", () => {
  it("plans exactly the service, environment and checks of the reference, and opens the ports", async () => {
    const out = await ctx.run(ctx.on.pebbleReady(ready().containers[0]!), ready());
    expect(out.containers[0]!.layers.openfga).toEqual({
      summary: "OpenFGA",
      description: "The OpenFGA authorization server, configured by the openfga-k8s charm.",
      services: {
        openfga: {
          override: "replace",
          summary: "OpenFGA server",
          command: "openfga run",
          startup: "enabled",
          environment: {
            OPENFGA_PLAYGROUND_ENABLED: "false",
            OPENFGA_DATASTORE_ENGINE: "postgres",
            OPENFGA_DATASTORE_URI: `postgres://relation_id_4:${PW}@${PG}/openfga`,
            OPENFGA_DATASTORE_SECONDARY_URI: `postgres://relation_id_4:${PW}@${PG_RO}/openfga`,
            OPENFGA_METRICS_ENABLED: "true",
            OPENFGA_DATASTORE_METRICS_ENABLED: "true",
            OPENFGA_METRICS_ENABLE_RPC_HISTOGRAMS: "true",
            OPENFGA_LOG_FORMAT: "json",
            OPENFGA_LOG_LEVEL: "error",
            OPENFGA_AUTHN_METHOD: "preshared",
            OPENFGA_AUTHN_PRESHARED_KEYS: TOKEN,
            OPENFGA_HTTP_TLS_ENABLED: "false",
            OPENFGA_GRPC_TLS_ENABLED: "false",
          },
        },
      },
      checks: {
        "http-check": {
          override: "replace",
          period: "1m",
          http: { url: "http://127.0.0.1:8080/healthz" },
        },
        "grpc-check": {
          override: "replace",
          level: "alive",
          period: "1m",
          exec: { command: "grpc_health_probe -addr 127.0.0.1:8081" },
        },
      },
    });
    expect([...out.openedPorts].sort((a, b) => a.port! - b.port!)).toEqual([
      { protocol: "tcp", port: 2112 },
      { protocol: "tcp", port: 8080 },
      { protocol: "tcp", port: 8081 },
    ]);
    expect(out.workloadVersion).toBe(VERSION);
    expect(restarts()).toEqual(["OpenFGA (re)started: its configuration changed"]);
  });

  it("restarts exactly once on a log-level change and never on unrelated events", async () => {
    const running = await ctx.run(ctx.on.configChanged(), ready());
    for (const event of [
      ctx.on.updateStatus(),
      ctx.on.configChanged(),
      ctx.on.leaderElected(),
      ctx.on.relationChanged(running.relations.find((r) => r.endpoint === "peer")!),
      ctx.on.relationChanged(databaseRelation()),
    ]) {
      const out = await ctx.run(event, running);
      expect(restarts()).toEqual([]);
      expect(out.containers[0]!.layers).toEqual(running.containers[0]!.layers);
    }
    const changed = await ctx.run(ctx.on.configChanged(), {
      ...running,
      config: { "log-level": "debug" },
    });
    expect(restarts()).toEqual(["OpenFGA (re)started: its configuration changed"]);
    expect(planEnv(changed).OPENFGA_LOG_LEVEL).toBe("debug");
    const again = await ctx.run(ctx.on.configChanged(), changed);
    expect(restarts()).toEqual([]);
    expect(again.containers[0]!.serviceStatuses.openfga).toBe("active");
  });

  it("starts OpenFGA again when it is stopped and nothing else changed", async () => {
    const running = await ctx.run(ctx.on.configChanged(), ready());
    const stopped = {
      ...running,
      containers: [
        { ...running.containers[0]!, serviceStatuses: { openfga: "inactive" as const } },
      ],
    };
    const out = await ctx.run(ctx.on.updateStatus(), stopped);
    expect(restarts()).toEqual(["OpenFGA (re)started: it was not running"]);
    expect(out.containers[0]!.serviceStatuses.openfga).toBe("active");
  });

  it("stops OpenFGA and blocks when the database relation goes, and starts it when it is back", async () => {
    const running = await ctx.run(ctx.on.configChanged(), ready());
    const db = running.relations.find((r) => r.endpoint === "database")!;
    const broken = await ctx.run(ctx.on.relationBroken(db), running);
    expect(broken.unitStatus.status).toBe("blocked");
    expect(broken.unitStatus.message).toMatch(/^missing database relation/);
    expect(broken.containers[0]!.serviceStatuses.openfga).toBe("inactive");
    // A new relation (new id, new user): migrated by the leader, then started.
    const fresh = relation({ ...databaseRelation(), id: 9 });
    const back = await ctx.run(ctx.on.relationChanged(fresh), {
      ...broken,
      relations: [...broken.relations.filter((r) => r.endpoint !== "database"), fresh],
    });
    expect(ctx.execHistory.filter((c) => c[1] === "migrate")).toHaveLength(1);
    expect(back.unitStatus).toEqual({ status: "active", message: "" });
    expect(back.containers[0]!.serviceStatuses.openfga).toBe("active");
  });

  it("sends traces to the tracing relation's OTLP gRPC receiver", async () => {
    const tracing = relation({
      endpoint: "tracing",
      remoteAppName: "tempo",
      remoteAppData: {
        receivers: JSON.stringify([
          {
            protocol: { name: "otlp_grpc", type: "grpc" },
            url: "tempo.cos.svc.cluster.local:4317",
          },
        ]),
      },
    });
    const out = await ctx.run(
      ctx.on.relationChanged(tracing),
      ready({ relations: [databaseRelation(), peers(), tracing] }),
    );
    expect(planEnv(out)).toMatchObject({
      OPENFGA_TRACE_ENABLED: "true",
      OPENFGA_TRACE_OTLP_ENDPOINT: "tempo.cos.svc.cluster.local:4317",
      OPENFGA_TRACE_SAMPLE_RATIO: "0.3",
    });
    // The leader asked for the receiver it needs.
    expect(out.relations.find((r) => r.endpoint === "tracing")!.localAppData.receivers).toBe(
      '["otlp_grpc"]',
    );
  });
});

describe("workload rendering helpers", () => {
  const db = { username: "u", password: "p@ss/w:rd", endpoint: "pg:5432", database: "openfga" };

  it("percent-encodes credentials in the datastore URI", () => {
    expect(datastoreUri(db)).toBe("postgres://u:p%40ss%2Fw%3Ard@pg:5432/openfga");
  });

  it("adds the TLS settings, the https health check and the probe's CA with TLS on", () => {
    const layer = openfgaLayer({ logLevel: "info", token: "t", database: db, tls: true });
    const env = layer.services!.openfga!.environment!;
    expect(env).toMatchObject({
      OPENFGA_HTTP_TLS_ENABLED: "true",
      OPENFGA_GRPC_TLS_ENABLED: "true",
      OPENFGA_HTTP_TLS_CERT: "/usr/local/share/ca-certificates/server.crt",
      OPENFGA_HTTP_TLS_KEY: "/etc/ssl/private/server.key",
      OPENFGA_GRPC_TLS_CERT: "/usr/local/share/ca-certificates/server.crt",
      OPENFGA_GRPC_TLS_KEY: "/etc/ssl/private/server.key",
    });
    expect(layer.checks!["http-check"]!.http!.url).toBe("https://127.0.0.1:8080/healthz");
    expect(layer.checks!["grpc-check"]!.exec!.command).toBe(
      "grpc_health_probe -addr 127.0.0.1:8081 -tls -tls-ca-cert /usr/local/share/ca-certificates/openfga-ca.crt",
    );
  });

  it("strips the scheme of the tracing endpoint", () => {
    const env = workloadEnvironment({
      logLevel: "info",
      token: "t",
      database: db,
      tls: false,
      tracingEndpoint: "http://tempo:4317/",
    });
    expect(env.OPENFGA_TRACE_OTLP_ENDPOINT).toBe("tempo:4317");
  });

  it("keeps the public roots of the system bundle and replaces only its own CA block", () => {
    const roots = "-----BEGIN CERTIFICATE-----\nROOT\n-----END CERTIFICATE-----\n";
    const one = withCaInBundle(roots, "CA1");
    expect(one.startsWith(roots)).toBe(true);
    const two = withCaInBundle(one, "CA2\n");
    expect(two).toContain("CA2");
    expect(two).not.toContain("CA1");
    expect(withCaInBundle(two, undefined)).toBe(roots);
  });

  it("reads the version from `openfga version`", () => {
    expect(parseVersion("OpenFGA version `v1.22.1` build from `abc` on `2026`")).toBe("1.22.1");
    expect(parseVersion("nothing here")).toBeUndefined();
  });

  it("config: valid levels pass, the default is error", () => {
    expect(readConfig({}).logLevel).toBe("error");
    expect(readConfig({ "log-level": "WARN" }).logLevel).toBe("warn");
    expect(readConfig({ "log-level": "warn" }).errors).toEqual([]);
  });
});
