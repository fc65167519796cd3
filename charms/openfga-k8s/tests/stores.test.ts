// Store requests of `openfga` requirers, against a local HTTP server standing in for the OpenFGA
// API (tests/stand-ins.ts, 127.0.0.1 only): new store, existing store (found on a later page),
// OpenFGA not ready yet (retried with backoff), OpenFGA not answering (the hook waits, never
// fails), non-leaders, and what is published.
import { afterEach, describe, expect, it } from "vitest";
import { leaks } from "../../../lib/interfaces/common/schema-check.js";
import type { State } from "../../../lib/testing/index.js";
import { StoreClient, isUnavailable } from "../src/stores.js";
import {
  TOKEN,
  ctx,
  databaseRelation,
  endpoints,
  peers,
  ready,
  rel,
  requirer,
  tokenSecret,
} from "./fixtures.js";
import { type OpenFgaStandIn, deadUrl, startOpenFgaStandIn } from "./stand-ins.js";

let fga: OpenFgaStandIn | undefined;

afterEach(async () => {
  await fga?.close();
  fga = undefined;
  delete endpoints.openfgaApi;
});

async function standIn(
  options: Parameters<typeof startOpenFgaStandIn>[0],
): Promise<OpenFgaStandIn> {
  fga = await startOpenFgaStandIn(options);
  endpoints.openfgaApi = fga.url;
  return fga;
}

function withRequirer(storeName: string | undefined, init: Parameters<typeof requirer>[1] = {}) {
  const jimm = requirer(storeName, { id: 12, ...init });
  return { jimm, before: ready({ extraRelations: [jimm] }) };
}

const FQDN = "openfga-k8s.test-model.svc.cluster.local";

describe("store creation (OpenFGA API stand-in)", () => {
  it("creates a new store and publishes it with the token secret and the cluster URLs", async () => {
    const api = await standIn({ token: TOKEN, stores: [{ id: "01OTHER", name: "other" }] });
    const { jimm, before } = withRequirer("jimm");
    const out = await ctx.run(ctx.on.relationChanged(jimm), before);

    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /stores",
      "POST /stores",
    ]);
    expect(JSON.parse(api.requests[1]!.body)).toEqual({ name: "jimm" });
    expect(api.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const bag = rel(out, 12).localAppData;
    expect(bag).toEqual({
      store_id: api.stores.find((s) => s.name === "jimm")!.id,
      token_secret_id: `secret://00000000-0000-4000-8000-000000000000/${tokenSecret.id.slice(7)}`,
      http_api_url: `http://${FQDN}:8080`,
      grpc_api_url: `${FQDN}:8081`,
    });
    // The secret is granted to the requirer's relation; the token itself is in no bag or log.
    const token = out.secrets.find((s) => s.label === "token")!;
    expect(token.remoteGrants[12]).toEqual(["jimm"]);
    expect(leaks({ ...out, logs: ctx.logs }, [TOKEN])).toEqual([]);
    expect(out.unitStatus).toEqual({ status: "active", message: "" });
  });

  it("reuses an existing store found on a later page of the listing", async () => {
    const api = await standIn({
      token: TOKEN,
      pageSize: 1,
      stores: [
        { id: "01AAA", name: "a" },
        { id: "01BBB", name: "b" },
        { id: "01JIMM", name: "jimm" },
      ],
    });
    const { jimm, before } = withRequirer("jimm");
    const out = await ctx.run(ctx.on.relationChanged(jimm), before);
    expect(api.requests.map((r) => [r.method, r.query.continuation_token ?? ""])).toEqual([
      ["GET", ""],
      ["GET", "1"],
      ["GET", "2"],
    ]);
    expect(rel(out, 12).localAppData.store_id).toBe("01JIMM");
  });

  it("retries with backoff while OpenFGA is still starting (503), then creates the store", async () => {
    const api = await standIn({ token: TOKEN, unavailableFor: 2 });
    const { jimm, before } = withRequirer("jimm");
    const out = await ctx.run(ctx.on.relationChanged(jimm), before);
    expect(api.requests.map((r) => r.method)).toEqual(["GET", "GET", "GET", "POST"]);
    expect(rel(out, 12).localAppData.store_id).toMatch(/^01STANDIN/);
    expect(
      ctx.logs.some((l) => /not answering the store listing yet \(HTTP 503/.test(l.message)),
    ).toBe(true);
  });

  it("waits, without failing the hook, while OpenFGA does not answer at all", async () => {
    endpoints.openfgaApi = await deadUrl();
    const { jimm, before } = withRequirer("jimm");
    const out = await ctx.run(ctx.on.relationChanged(jimm), before);
    expect(out.unitStatus).toEqual({
      status: "waiting",
      message: "waiting for OpenFGA to answer before creating the store of jimm",
    });
    const bag = rel(out, 12).localAppData;
    expect(bag.store_id).toBeUndefined();
    expect(bag.token_secret_id).toBeUndefined();
    expect(bag.http_api_url).toBe(`http://${FQDN}:8080`); // URLs are kept up to date anyway
    // The next hook tries again (holistic: no deferral needed) and publishes.
    await standIn({ token: TOKEN });
    const later = await ctx.run(ctx.on.updateStatus(), out);
    expect(rel(later, 12).localAppData.store_id).toMatch(/^01STANDIN/);
    expect(later.unitStatus.status).toBe("active");
  });

  it("does not talk to OpenFGA for a requirer that already has its store", async () => {
    const api = await standIn({ token: TOKEN });
    const { before } = withRequirer("jimm", {
      localAppData: {
        store_id: "01KEEP",
        token_secret_id: "secret://00000000-0000-4000-8000-000000000000/d5tokensecret0000001",
        http_api_url: "http://old:8080",
        grpc_api_url: "old:8081",
      },
    });
    const out = await ctx.run(ctx.on.updateStatus(), before);
    expect(api.requests).toEqual([]);
    expect(rel(out, 12).localAppData).toMatchObject({
      store_id: "01KEEP",
      http_api_url: `http://${FQDN}:8080`,
      grpc_api_url: `${FQDN}:8081`,
    });
  });

  it("waits for a store name before creating anything", async () => {
    const api = await standIn({ token: TOKEN });
    const { jimm, before } = withRequirer(undefined);
    const out = await ctx.run(ctx.on.relationJoined(jimm), before);
    expect(api.requests).toEqual([]);
    expect(rel(out, 12).localAppData.store_id).toBeUndefined();
  });

  it("two requirers asking for the same name share one store (one listing, one creation)", async () => {
    const api = await standIn({ token: TOKEN });
    const a = requirer("shared", { id: 12, remoteAppName: "a" });
    const b = requirer("shared", { id: 13, remoteAppName: "b" });
    const out = await ctx.run(ctx.on.updateStatus(), ready({ extraRelations: [a, b] }));
    expect(api.requests.map((r) => r.method)).toEqual(["GET", "POST"]);
    expect(rel(out, 12).localAppData.store_id).toBe(rel(out, 13).localAppData.store_id);
  });

  it("a non-leader never creates stores or writes the app bag", async () => {
    const api = await standIn({ token: TOKEN });
    const jimm = requirer("jimm", { id: 12 });
    const out = await ctx.run(
      ctx.on.relationChanged(jimm),
      ready({ leader: false, extraRelations: [jimm] }),
    );
    expect(api.requests).toEqual([]);
    expect(rel(out, 12).localAppData).toEqual({});
  });

  it("waits for the workload before creating stores (no database yet)", async () => {
    const api = await standIn({ token: TOKEN });
    const jimm = requirer("jimm", { id: 12 });
    const out = await ctx.run(
      ctx.on.relationChanged(jimm),
      ready({ relations: [databaseRelation(false), peers(), jimm] }),
    );
    expect(api.requests).toEqual([]);
    expect(out.unitStatus).toEqual({ status: "waiting", message: "Waiting for database creation" });
  });

  it("a new leader keeps the token and the published stores (scaling changes neither)", async () => {
    const api = await standIn({ token: TOKEN });
    const { jimm, before } = withRequirer("jimm");
    const first = await ctx.run(ctx.on.relationChanged(jimm), before);
    const published = rel(first, 12).localAppData;
    // Leadership moves (unit 0 lost it, got it back with the same Juju state): nothing changes.
    const asFollower: State = { ...first, leader: false };
    const followerOut = await ctx.run(ctx.on.leaderSettingsChanged(), asFollower);
    const leaderAgain = await ctx.run(ctx.on.leaderElected(), { ...followerOut, leader: true });
    expect(rel(leaderAgain, 12).localAppData).toEqual(published);
    expect(leaderAgain.secrets.filter((s) => s.label === "token")).toHaveLength(1);
    expect(leaderAgain.secrets.find((s) => s.label === "token")!.latestContent).toEqual({
      token: TOKEN,
    });
    expect(api.requests.filter((r) => r.method === "POST")).toHaveLength(1);
  });
});

describe("StoreClient", () => {
  it("classifies errors: no answer and 5xx are 'not ready', 4xx are real refusals", () => {
    expect(isUnavailable({ code: "ECONNREFUSED" })).toBe(true);
    expect(isUnavailable({ statusCode: 503 })).toBe(true);
    expect(isUnavailable({ statusCode: 401 })).toBe(false);
    expect(isUnavailable({ statusCode: 400 })).toBe(false);
  });

  it("fails at once (no retries) on a wrong token", async () => {
    const api = await standIn({ token: "right" });
    const client = new StoreClient({
      apiUrl: api.url,
      token: "wrong",
      backoff: { attempts: 5, initialMs: 1, maxMs: 1 },
    });
    await expect(client.ensureStore("x")).rejects.toThrow();
    expect(api.requests).toHaveLength(1);
  });
});
