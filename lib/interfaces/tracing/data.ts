/**
 * `tracing` v2 wire format (tempo `tempo_coordinator_k8s.v0.tracing`, LIBPATCH 11; CRI
 * `tracing/v2`). The requirer's leader writes `receivers` = JSON list of the protocols it will
 * send with; the provider writes `receivers` = JSON list of `{"protocol": {"name", "type"},
 * "url"}`. A grpc receiver's URL has no scheme (`host:4317`).
 *
 * @example
 * ```ts
 * relation.data(app).replace(renderRequirerAppData(["otlp_http"])); // { receivers: '["otlp_http"]' }
 * const receivers = parseProviderAppData(relation.data(relation.app!).toObject(), src);
 * ```
 */
import { type DataSource, InterfaceDataError, isObject } from "../common/databag.js";
import { pyJsonDumps } from "../common/python-json.js";

/**
 * The interface name.
 *
 * @example
 * ```ts
 * const src = { interfaceName: INTERFACE, relation: "tracing:9", owner: "tempo" };
 * ```
 */
export const INTERFACE = "tracing";

/**
 * The receiver protocols the v2 interface knows.
 *
 * @example
 * ```ts
 * RECEIVER_PROTOCOLS.includes("otlp_grpc"); // true
 * ```
 */
export const RECEIVER_PROTOCOLS = [
  "zipkin",
  "otlp_grpc",
  "otlp_http",
  "jaeger_grpc",
  "jaeger_thrift_http",
] as const;

/**
 * A receiver protocol.
 *
 * @example
 * ```ts
 * const p: ReceiverProtocol = "otlp_http";
 * ```
 */
export type ReceiverProtocol = (typeof RECEIVER_PROTOCOLS)[number];

/**
 * The transport of each protocol.
 *
 * @example
 * ```ts
 * TRANSPORT.otlp_grpc; // "grpc"
 * ```
 */
export const TRANSPORT: Readonly<Record<ReceiverProtocol, "http" | "grpc">> = {
  zipkin: "http",
  otlp_grpc: "grpc",
  otlp_http: "http",
  jaeger_grpc: "grpc",
  jaeger_thrift_http: "http",
};

/**
 * One receiver the provider runs.
 *
 * @example
 * ```ts
 * const r: Receiver = { protocol: { name: "otlp_grpc", type: "grpc" }, url: "tempo:4317" };
 * ```
 */
export interface Receiver {
  protocol: { name: string; type: "http" | "grpc" };
  url: string;
}

/**
 * The requirer app bag. Throws `RangeError` on an empty list or an unknown protocol.
 *
 * @example
 * ```ts
 * renderRequirerAppData(["otlp_grpc", "otlp_http"]); // { receivers: '["otlp_grpc", "otlp_http"]' }
 * ```
 */
export function renderRequirerAppData(
  protocols: readonly ReceiverProtocol[],
): Record<string, string> {
  if (protocols.length === 0) throw new RangeError("request at least one tracing protocol");
  for (const p of protocols) {
    if (!(RECEIVER_PROTOCOLS as readonly string[]).includes(p)) {
      throw new RangeError(`unknown tracing protocol ${JSON.stringify(p)}`);
    }
  }
  return { receivers: pyJsonDumps([...protocols]) };
}

/**
 * The provider's receivers; undefined while `receivers` is absent. Throws
 * {@link InterfaceDataError} when it is not a JSON list of receivers.
 *
 * @example
 * ```ts
 * parseProviderAppData({ receivers: '[{"protocol": {"name": "otlp_http", "type": "http"}, "url": "http://tempo:4318"}]' }, src);
 * ```
 */
export function parseProviderAppData(
  bag: Readonly<Record<string, string>>,
  src: DataSource,
): Receiver[] | undefined {
  const raw = bag.receivers;
  if (raw === undefined || raw === "") return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw) as unknown;
  } catch {
    throw new InterfaceDataError(src, "receivers", "is not valid JSON");
  }
  if (!Array.isArray(v)) throw new InterfaceDataError(src, "receivers", "should be a JSON list");
  return v.map((r, i) => {
    if (!isObject(r) || !isObject(r.protocol) || typeof r.url !== "string") {
      throw new InterfaceDataError(
        src,
        "receivers",
        `entry ${i} should be {"protocol": {...}, "url": "..."}`,
      );
    }
    const { name, type } = r.protocol;
    if (typeof name !== "string" || (type !== "http" && type !== "grpc")) {
      throw new InterfaceDataError(
        src,
        "receivers",
        `entry ${i} has a bad protocol (name, type http|grpc)`,
      );
    }
    return { protocol: { name, type }, url: r.url };
  });
}

/**
 * The provider app bag (for tests and a TypeScript provider).
 *
 * @example
 * ```ts
 * renderProviderAppData([{ protocol: { name: "otlp_http", type: "http" }, url: "http://tempo:4318" }]);
 * ```
 */
export function renderProviderAppData(receivers: readonly Receiver[]): Record<string, string> {
  return {
    receivers: pyJsonDumps(receivers.map((r) => ({ protocol: { ...r.protocol }, url: r.url }))),
  };
}
