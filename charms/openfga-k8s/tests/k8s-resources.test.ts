// `cpu` and `memory` applied to the StatefulSet with @kubernetes/client-node. No Kubernetes API can
// run here: the exact requests are checked against a local HTTP server standing in for the
// Kubernetes API (tests/stand-ins.ts, 127.0.0.1 only).
import { afterEach, describe, expect, it } from "vitest";
import { computeResources, parseQuantity, readConfig } from "../src/config.js";
import { applyBody, applyComputeResources } from "../src/k8s-resources.js";
import { ctx, endpoints, ready } from "./fixtures.js";
import { type StandIn, startKubernetesStandIn } from "./stand-ins.js";

let api: StandIn | undefined;

afterEach(async () => {
  await api?.close();
  api = undefined;
  delete endpoints.kubernetes;
});

async function kubernetes(options: { forbidden?: boolean } = {}): Promise<StandIn> {
  api = await startKubernetesStandIn(options);
  // Plain HTTP on loopback: the client wants skipTLSVerify to allow http.
  endpoints.kubernetes = { server: api.url, token: "service-account-token", skipTlsVerify: true };
  return api;
}

const PATH = "/apis/apps/v1/namespaces/test-model/statefulsets/openfga-k8s";

describe("Kubernetes resources (Kubernetes API stand-in)", () => {
  it("server-side applies the limits and derived requests to the openfga container", async () => {
    const k8s = await kubernetes();
    const out = await ctx.run(
      ctx.on.configChanged(),
      ready({ config: { cpu: "2", memory: "1Gi" } }),
    );
    expect(k8s.requests).toHaveLength(1);
    const [req] = k8s.requests;
    expect(req!.method).toBe("PATCH");
    expect(req!.path).toBe(PATH);
    expect(req!.query).toEqual({ fieldManager: "openfga-k8s", force: "true" });
    expect(req!.headers["content-type"]).toBe("application/apply-patch+yaml");
    expect(req!.headers.authorization).toBe("Bearer service-account-token");
    expect(JSON.parse(req!.body)).toEqual({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "openfga-k8s", namespace: "test-model" },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: "openfga",
                resources: {
                  limits: { cpu: "2", memory: "1Gi" },
                  requests: { cpu: "100m", memory: "200Mi" },
                },
              },
            ],
          },
        },
      },
    });
    expect(out.unitStatus).toEqual({ status: "active", message: "" });
    // Recorded for every unit to see; the same config applies nothing again.
    const again = await ctx.run(ctx.on.configChanged(), out);
    expect(k8s.requests).toHaveLength(1);
    expect(again.unitStatus.status).toBe("active");
  });

  it("blocks with the exact `juju trust` command when the app is not trusted", async () => {
    const k8s = await kubernetes({ forbidden: true });
    const out = await ctx.run(ctx.on.configChanged(), ready({ config: { cpu: "500m" } }));
    expect(k8s.requests).toHaveLength(1);
    expect(out.unitStatus).toEqual({
      status: "blocked",
      message: "cpu/memory limits need trust: run `juju trust openfga-k8s --scope=cluster`",
    });
    // Not retried on every hook (a relation event reuses the verdict), but on config-changed.
    const rel = out.relations.find((r) => r.endpoint === "peer")!;
    const later = await ctx.run(ctx.on.relationChanged(rel), out);
    expect(k8s.requests).toHaveLength(1);
    expect(later.unitStatus.message).toMatch(/juju trust openfga-k8s/);
    await ctx.run(ctx.on.configChanged(), later);
    expect(k8s.requests).toHaveLength(2);
  });

  it("removes the limits it set when the options are unset", async () => {
    const k8s = await kubernetes();
    const limited = await ctx.run(ctx.on.configChanged(), ready({ config: { memory: "512Mi" } }));
    await ctx.run(ctx.on.configChanged(), { ...limited, config: {} });
    expect(k8s.requests).toHaveLength(2);
    const body = JSON.parse(k8s.requests[1]!.body) as {
      spec: { template: { spec: { containers: { resources: unknown }[] } } };
    };
    expect(body.spec.template.spec.containers[0]!.resources).toEqual({
      requests: { cpu: "100m", memory: "200Mi" },
    });
  });

  it("leaves the StatefulSet alone when nothing is configured (no trust needed)", async () => {
    const k8s = await kubernetes();
    const out = await ctx.run(ctx.on.configChanged(), ready());
    expect(k8s.requests).toEqual([]);
    expect(out.unitStatus.status).toBe("active");
  });

  it("only the leader applies", async () => {
    const k8s = await kubernetes();
    await ctx.run(ctx.on.configChanged(), ready({ leader: false, config: { cpu: "1" } }));
    expect(k8s.requests).toEqual([]);
  });

  it("an invalid quantity is refused before any request", async () => {
    const k8s = await kubernetes();
    const out = await ctx.run(ctx.on.configChanged(), ready({ config: { memory: "lots" } }));
    expect(k8s.requests).toEqual([]);
    expect(out.unitStatus).toEqual({
      status: "blocked",
      message: 'invalid memory "lots": not a Kubernetes quantity (for example 512Mi or 1Gi)',
    });
  });

  it("reports an API refusal other than 403 with the API's reason", async () => {
    const target = { namespace: "m", statefulSet: "missing", container: "openfga" };
    const k8s = await kubernetes();
    const r = await applyComputeResources(target, computeResources({ cpu: "1" }), {
      server: `${k8s.url}/nowhere`,
      token: "t",
      skipTlsVerify: true,
    });
    expect(r).toMatchObject({ ok: false, reason: "refused" });
  });

  it("says so outside Kubernetes (no in-cluster configuration)", async () => {
    const target = { namespace: "m", statefulSet: "s", container: "openfga" };
    const r = await applyComputeResources(target, computeResources({}), undefined, {});
    expect(r).toEqual({
      ok: false,
      reason: "unreachable",
      message: "no Kubernetes API here (KUBERNETES_SERVICE_HOST is not set)",
    });
  });
});

describe("quantities", () => {
  it("parses Kubernetes quantities", () => {
    expect(parseQuantity("500m")).toBe(0.5);
    expect(parseQuantity("2")).toBe(2);
    expect(parseQuantity("1Gi")).toBe(2 ** 30);
    expect(parseQuantity("1.5G")).toBe(1.5e9);
    expect(parseQuantity("1e3")).toBe(1000);
    expect(parseQuantity("1 Gi")).toBeUndefined();
    expect(parseQuantity("Gi")).toBeUndefined();
  });

  it("refuses zero, negative, sub-millicore and fractional-byte values precisely", () => {
    expect(readConfig({ cpu: "0" }).errors).toEqual(['invalid cpu "0": must be greater than zero']);
    expect(readConfig({ cpu: "100u" }).errors).toEqual([
      'invalid cpu "100u": below the smallest Kubernetes CPU unit, 1m',
    ]);
    expect(readConfig({ memory: "500m" }).errors).toEqual([
      'invalid memory "500m": below one byte (use a suffix such as Mi or Gi)',
    ]);
  });

  it("lowers a request to a lower limit (Kubernetes refuses a request above its limit)", () => {
    expect(computeResources({ cpu: "50m", memory: "100Mi" })).toEqual({
      limits: { cpu: "50m", memory: "100Mi" },
      requests: { cpu: "50m", memory: "100Mi" },
    });
    expect(
      applyBody({ namespace: "m", statefulSet: "s", container: "c" }, computeResources({})),
    ).toMatchObject({
      spec: {
        template: {
          spec: { containers: [{ name: "c", resources: { requests: { cpu: "100m" } } }] },
        },
      },
    });
  });
});
