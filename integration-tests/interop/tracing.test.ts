// Interop of tracing with the published Python library `charmlibs-interfaces-tracing`: a Python
// provider built on the library (acting as tempo) answers our TypeScript requirer
// (lib/interfaces/tracing). The provider parses our request databag, publishes a receiver for
// each protocol we asked for, and our requirer reads the URL of each; nothing else is written.
// The interface carries no secret: the leak scan runs as in the other files and finds none.
import { describe, expect, it } from "vitest";
import { PHASE_MS, interopSuite } from "./suite.js";

const M = "trc";
const suite = interopSuite({
  title: "tracing",
  model: M,
  charms: [
    { py: "py-tracing-provider", name: "tempo-py" },
    { ts: "ts-tracing-requirer", name: "ts-req" },
  ],
});
const e = suite.env;

describe("tracing with charmlibs-interfaces-tracing 1.0.0", () => {
  it(
    "Python provider -> TS requirer: our requirer reads the URL published for each protocol",
    async () => {
      expect(e().workload("ts-req/0")).toEqual({ current: "blocked", message: "needs tracing" });
      await suite.integrate("ts-req", "tempo-py", "integrate+settle");

      // Our request, byte for byte as the library's TracingRequirerAppData dumps it; the provider
      // shows what it parsed from it.
      expect(e().appBag("tempo-py/0", "tracing")).toEqual({
        receivers: '["otlp_http", "otlp_grpc", "zipkin"]',
      });
      expect(e().workload("tempo-py/0")).toEqual({
        current: "active",
        message: "serving ts-req requested=otlp_http,otlp_grpc,zipkin",
      });

      const published = e().appBag("ts-req/0", "tracing");
      expect(Object.keys(published)).toEqual(["receivers"]);
      const receivers = JSON.parse(published["receivers"] ?? "") as {
        protocol: { name: string; type: string };
        url: string;
      }[];
      const svc = `tempo-py.${M}.svc.cluster.local`;
      const address = e().controller.showUnit(M, "tempo-py/0")["tempo-py/0"]?.address ?? "";
      expect(address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(receivers).toEqual([
        { protocol: { name: "otlp_grpc", type: "grpc" }, url: `${svc}:4317` },
        { protocol: { name: "otlp_http", type: "http" }, url: `http://${svc}:4318` },
        { protocol: { name: "zipkin", type: "http" }, url: `http://${address}:9411` },
      ]);
      const url = (name: string): string => receivers.find((r) => r.protocol.name === name)!.url;

      expect(e().workload("ts-req/0")).toEqual({
        current: "active",
        message:
          `ready otlp_http=${url("otlp_http")} otlp_grpc=${url("otlp_grpc")} ` +
          `zipkin=${url("zipkin")}`,
      });
      expect(
        e()
          .log("ts-req/0")
          .some((l) => /tracing receivers on relation \d+: otlp_grpc,otlp_http,zipkin/.test(l)),
      ).toBe(true);
    },
    PHASE_MS,
  );

  it(
    "a second unit of our requirer (not the leader) reads the same endpoints and writes nothing",
    async () => {
      const before = e().appBag("tempo-py/0", "tracing");
      const expected = e().workload("ts-req/0");
      await suite.timed("scale+settle", async () => {
        await e().controller.scale(M, "ts-req", 2);
        await e().settle();
      });
      expect(e().controller.showUnit(M, "ts-req/1")["ts-req/1"]?.leader).toBe(false);
      expect(e().workload("ts-req/1")).toEqual(expected);
      expect(e().appBag("tempo-py/0", "tracing")).toEqual(before);
      expect(e().remoteUnitBags("tempo-py/0", "tracing")["ts-req/1"]).toEqual(
        expect.not.objectContaining({ receivers: expect.anything() as unknown }),
      );
    },
    PHASE_MS,
  );

  // tracing has no secrets: the scan has nothing to find but still covers everything.
  suite.leakScanTest({ secrets: 0 });
});
