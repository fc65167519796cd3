/**
 * Local HTTP servers standing in for the two APIs the charm calls, on 127.0.0.1 only:
 *
 * - an **OpenFGA API stand-in** speaking the store endpoints the charm uses (`GET /stores` with
 *   `page_size`/`continuation_token` pagination, `POST /stores`), checking the preshared key,
 *   and able to play an OpenFGA that is still starting (503, or no listener at all);
 * - a **Kubernetes API stand-in** recording every request (method, path, query, headers, body)
 *   and answering `PATCH` of a StatefulSet as the API server does, or 403 for an untrusted app.
 *
 * The real OpenFGA server is used in the local-model tests; no Kubernetes API can run here.
 *
 * @example
 * ```ts
 * const fga = await startOpenFgaStandIn({ token: TOKEN, stores: [{ id: "01A", name: "jimm" }] });
 * endpoints.openfgaApi = fga.url;
 * await fga.close();
 * ```
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** One request a stand-in received. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A running stand-in. */
export interface StandIn {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

async function listen(
  handler: (req: RecordedRequest, res: ServerResponse) => void,
  requests: RecordedRequest[],
): Promise<{ server: Server; url: string }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const u = new URL(req.url ?? "/", "http://127.0.0.1");
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(recorded);
      handler(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Options of the OpenFGA stand-in. */
export interface OpenFgaStandInOptions {
  /** The preshared key it accepts. */
  token: string;
  /** Stores that exist already, in creation order. */
  stores?: { id: string; name: string }[];
  /** Stores per page, whatever `page_size` asks (to force pagination). */
  pageSize?: number;
  /** Answer 503 (as a server still starting) to this many requests first. */
  unavailableFor?: number;
}

/** The OpenFGA stand-in, with the stores it holds. */
export interface OpenFgaStandIn extends StandIn {
  stores: { id: string; name: string }[];
}

/**
 * Starts the OpenFGA API stand-in on 127.0.0.1 (a random port).
 *
 * @example
 * ```ts
 * const fga = await startOpenFgaStandIn({ token, pageSize: 1, stores: [...] });
 * ```
 */
export async function startOpenFgaStandIn(options: OpenFgaStandInOptions): Promise<OpenFgaStandIn> {
  const stores = [...(options.stores ?? [])];
  const requests: RecordedRequest[] = [];
  let unavailable = options.unavailableFor ?? 0;
  let next = 1;
  const { server, url } = await listen((req, res) => {
    if (unavailable > 0) {
      unavailable--;
      json(res, 503, { code: "unavailable", message: "server is starting" });
      return;
    }
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      json(res, 401, { code: "unauthenticated", message: "unauthenticated" });
      return;
    }
    if (req.path === "/stores" && req.method === "GET") {
      const size = Math.min(Number(req.query.page_size ?? 50), options.pageSize ?? 1000);
      const start = Number(req.query.continuation_token || "0");
      const page = stores.slice(start, start + size);
      const more = start + size < stores.length;
      json(res, 200, {
        stores: page.map((s) => ({
          ...s,
          created_at: "2026-11-26T00:00:00Z",
          updated_at: "2026-11-26T00:00:00Z",
        })),
        continuation_token: more ? String(start + size) : "",
      });
      return;
    }
    if (req.path === "/stores" && req.method === "POST") {
      const { name } = JSON.parse(req.body) as { name: string };
      const store = { id: `01STANDIN${String(next++).padStart(16, "0")}`, name };
      stores.push(store);
      json(res, 201, {
        ...store,
        created_at: "2026-11-26T00:00:00Z",
        updated_at: "2026-11-26T00:00:00Z",
      });
      return;
    }
    json(res, 404, { code: "undefined_endpoint", message: "Not Found" });
  }, requests);
  return { url, requests, stores, close: () => close(server) };
}

/**
 * A URL where nothing listens (a port opened, then closed at once): OpenFGA not started yet.
 *
 * @example
 * ```ts
 * endpoints.openfgaApi = await deadUrl();
 * ```
 */
export async function deadUrl(): Promise<string> {
  const { server, url } = await listen(() => undefined, []);
  await close(server);
  return url;
}

/** Options of the Kubernetes API stand-in. */
export interface KubernetesStandInOptions {
  /** Answer 403 Forbidden, as for an application deployed without `--trust`. */
  forbidden?: boolean;
}

/**
 * Starts the Kubernetes API stand-in on 127.0.0.1 (a random port).
 *
 * @example
 * ```ts
 * const k8s = await startKubernetesStandIn();
 * endpoints.kubernetes = { server: k8s.url, token: "sa-token" };
 * ```
 */
export async function startKubernetesStandIn(
  options: KubernetesStandInOptions = {},
): Promise<StandIn> {
  const requests: RecordedRequest[] = [];
  const { server, url } = await listen((req, res) => {
    if (options.forbidden) {
      const name = req.path.split("/").pop();
      json(res, 403, {
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        message: `statefulsets.apps "${name}" is forbidden: User "system:serviceaccount:test-model:openfga-k8s" cannot patch resource "statefulsets" in API group "apps" in the namespace "test-model"`,
        reason: "Forbidden",
        code: 403,
      });
      return;
    }
    if (
      req.method === "PATCH" &&
      /^\/apis\/apps\/v1\/namespaces\/[^/]+\/statefulsets\/[^/]+$/.test(req.path)
    ) {
      // Server-side apply answers with the whole object; the applied part is enough here.
      json(res, 200, JSON.parse(req.body));
      return;
    }
    json(res, 404, { kind: "Status", apiVersion: "v1", status: "Failure", code: 404 });
  }, requests);
  return { url, requests, close: () => close(server) };
}
