// Unit tests of openfga v1: data model, requirer and provider in tiny charms run by lib/testing,
// with every bag we write checked against the published schema and no token in any bag or log.
import { beforeEach, describe, expect, it } from "vitest";
import { CharmBase, type CharmContext } from "../../ops/charm.js";
import type { CollectStatusEvent } from "../../ops/framework/juju-events.js";
import { CharmMeta } from "../../ops/metadata.js";
import { canonicalSecretId } from "../../ops/model/secret.js";
import { ActiveStatus } from "../../ops/model/status.js";
import { Context, type RelationState, relation, secret, state } from "../../testing/index.js";
import { InterfaceDataError } from "../common/databag.js";
import { leaks, schemaErrors } from "../common/schema-check.js";
import {
  OpenFgaProvider,
  OpenFgaRequirer,
  type StoreRequestedEvent,
  TOKEN_SECRET_LABEL,
  parseProviderBag,
  renderProviderBag,
} from "./index.js";

const src = { interfaceName: "openfga", relation: "openfga:3", owner: "openfga-k8s" };
const TOKEN = "tok-8f1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d";
const HTTP = "http://openfga-k8s.m.svc.cluster.local:8080";
const GRPC = "openfga-k8s.m.svc.cluster.local:8081";

describe("data model", () => {
  it("renders the provider bag in the library's key order and leaves out empty values", () => {
    expect(
      Object.entries(renderProviderBag({ storeId: "", httpApiUrl: HTTP, grpcApiUrl: GRPC })),
    ).toEqual([
      ["grpc_api_url", GRPC],
      ["http_api_url", HTTP],
    ]);
  });

  it("reads an answer, tolerates legacy keys, and treats an empty bag as no answer", () => {
    expect(parseProviderBag({}, src)).toBeUndefined();
    expect(
      parseProviderBag(
        { http_api_url: HTTP, grpc_api_url: GRPC, store_id: "", address: "10.0.0.1" },
        src,
      ),
    ).toEqual({
      httpApiUrl: HTTP,
      grpcApiUrl: GRPC,
    });
    // An ingress URL with a path, and a gRPC URL with a scheme, are both fine.
    expect(
      parseProviderBag(
        { http_api_url: "https://traefik/m-openfga", grpc_api_url: "https://traefik:443" },
        src,
      ),
    ).toBeDefined();
  });

  it.each([
    [{ store_id: "01H" }, '"http_api_url" is missing'],
    [{ http_api_url: HTTP }, '"grpc_api_url" is missing'],
    [
      { http_api_url: "openfga:8080", grpc_api_url: GRPC },
      '"http_api_url" should be an http(s) URL',
    ],
    [{ http_api_url: "not a url", grpc_api_url: GRPC }, '"http_api_url" should be a URL'],
    [{ http_api_url: HTTP, grpc_api_url: "a b" }, '"grpc_api_url" should be host:port or a URL'],
    [
      { http_api_url: HTTP, grpc_api_url: GRPC, token_secret_id: TOKEN },
      '"token_secret_id" should be a Juju secret URI',
    ],
  ])("rejects %j", (bag, message) => {
    expect(() => parseProviderBag(bag, src)).toThrow(InterfaceDataError);
    expect(() => parseProviderBag(bag, src)).toThrow(message);
  });
});

// ---- requirer

const events: string[] = [];

class JimmCharm extends CharmBase {
  readonly openfga: OpenFgaRequirer;
  constructor(ctx: CharmContext) {
    super(ctx);
    this.openfga = new OpenFgaRequirer(this, "openfga", { storeName: "jimm" });
    this.observe(this.openfga.on.storeCreated, () => void events.push("created"));
    this.observe(this.openfga.on.storeChanged, () => void events.push("changed"));
    this.observe(this.openfga.on.storeRemoved, () => void events.push("removed"));
    this.observe(this.on.collectUnitStatus, this.collect);
  }
  collect(event: CollectStatusEvent): void {
    const store = this.openfga.store();
    event.addStatus(
      this.openfga.status() ??
        new ActiveStatus(store ? `store ${store.storeId} at ${store.httpApiUrl}` : ""),
    );
  }
}

const reqCtx = new Context(JimmCharm, {
  meta: CharmMeta.fromDocuments({
    name: "jimm",
    requires: { openfga: { interface: "openfga", limit: 1 } },
  }),
});
const tokenSecret = secret({ trackedContent: { token: TOKEN, "secret-id": "secret:whatever" } });
const answer = {
  grpc_api_url: GRPC,
  http_api_url: HTTP,
  store_id: "01GK13VYZK62Q1T0X55Q2BHYD6",
  token_secret_id: tokenSecret.id,
};

function fgaRelation(remoteAppData: Record<string, string>): RelationState {
  return relation({ endpoint: "openfga", id: 3, remoteAppName: "openfga-k8s", remoteAppData });
}

describe("OpenFgaRequirer", () => {
  beforeEach(() => {
    events.length = 0;
  });

  it("the leader writes store_name on relation-created, schema-valid; a non-leader does not", async () => {
    const rel = fgaRelation({});
    const led = await reqCtx.run(
      reqCtx.on.relationCreated(rel),
      state({ leader: true, relations: [rel] }),
    );
    expect(led.relations[0]!.localAppData).toEqual({ store_name: "jimm" });
    expect(
      schemaErrors("openfga/v1/requirer.json", { app: led.relations[0]!.localAppData }),
    ).toEqual([]);
    const follower = await reqCtx.run(
      reqCtx.on.relationCreated(rel),
      state({ leader: false, relations: [rel] }),
    );
    expect(follower.relations[0]!.localAppData).toEqual({});
    const elected = await reqCtx.run(reqCtx.on.leaderElected(), { ...follower, leader: true });
    expect(elected.relations[0]!.localAppData).toEqual({ store_name: "jimm" });
  });

  it.each([
    [{}, "openfga: waiting for OpenFGA to answer"],
    [
      { grpc_api_url: GRPC, http_api_url: HTTP, store_id: "" },
      "openfga: waiting for OpenFGA to create the store",
    ],
    [
      { grpc_api_url: GRPC, http_api_url: HTTP, store_id: "01GK" },
      "openfga: waiting for the OpenFGA token",
    ],
  ])("is not ready on %j", async (bag, message) => {
    const rel = fgaRelation(bag);
    const out = await reqCtx.run(
      reqCtx.on.relationChanged(rel),
      state({ relations: [rel], secrets: [tokenSecret] }),
    );
    expect(out.unitStatus).toEqual({ status: "waiting", message });
    expect(events).toEqual([]);
  });

  it("reads the token from the granted secret and emits storeCreated once, then storeChanged on a new URL", async () => {
    const rel = fgaRelation(answer);
    const out = await reqCtx.run(
      reqCtx.on.relationChanged(rel),
      state({ relations: [rel], secrets: [tokenSecret] }),
    );
    expect(out.unitStatus).toEqual({
      status: "active",
      message: `store 01GK13VYZK62Q1T0X55Q2BHYD6 at ${HTTP}`,
    });
    const same = await reqCtx.run(reqCtx.on.relationChanged(rel), out);
    const moved = fgaRelation({ ...answer, http_api_url: "https://traefik.example/m-openfga-k8s" });
    await reqCtx.run(reqCtx.on.relationChanged(moved), { ...same, relations: [moved] });
    expect(events).toEqual(["created", "changed"]);
    expect(leaks({ ...out, logs: reqCtx.logs }, [TOKEN])).toEqual([]);
  });

  it("emits storeChanged when the token secret gets a new revision", async () => {
    const rel = fgaRelation(answer);
    const out = await reqCtx.run(
      reqCtx.on.relationChanged(rel),
      state({ relations: [rel], secrets: [tokenSecret] }),
    );
    const rotated = { ...tokenSecret, latestContent: { token: "new-token-value" } };
    await reqCtx.run(reqCtx.on.secretChanged(rotated), { ...out, secrets: [rotated] });
    expect(events).toEqual(["created", "changed"]);
  });

  it("blocks with a precise message when the token secret is not readable or has no token", async () => {
    const rel = fgaRelation(answer);
    const out = await reqCtx.run(reqCtx.on.relationChanged(rel), state({ relations: [rel] }));
    expect(out.unitStatus).toEqual({
      status: "blocked",
      message:
        'invalid openfga data from openfga-k8s: "token_secret_id" names a secret this unit cannot read (not granted to this relation?)',
    });
    const noToken = secret({ id: tokenSecret.id, trackedContent: { other: "x12" } });
    const out2 = await reqCtx.run(
      reqCtx.on.relationChanged(rel),
      state({ relations: [rel], secrets: [noToken] }),
    );
    expect(out2.unitStatus.message).toBe(
      'invalid openfga data from openfga-k8s: "token_secret_id" names a secret without a "token" key',
    );
  });

  it("blocks on a malformed answer", async () => {
    const rel = fgaRelation({ ...answer, http_api_url: "ftp://x" });
    const out = await reqCtx.run(
      reqCtx.on.relationChanged(rel),
      state({ relations: [rel], secrets: [tokenSecret] }),
    );
    expect(out.unitStatus).toEqual({
      status: "blocked",
      message:
        'invalid openfga data from openfga-k8s: "http_api_url" should be an http(s) URL, got "ftp://x"',
    });
  });

  it("emits storeRemoved on relation-broken and then needs the relation", async () => {
    const rel = fgaRelation(answer);
    const out = await reqCtx.run(
      reqCtx.on.relationChanged(rel),
      state({ relations: [rel], secrets: [tokenSecret] }),
    );
    const broken = await reqCtx.run(reqCtx.on.relationBroken(rel), out);
    expect(events).toEqual(["created", "removed"]);
    expect(broken.unitStatus).toEqual({ status: "blocked", message: "needs an openfga relation" });
  });
});

// ---- provider

const requested: string[] = [];

class OpenFgaCharm extends CharmBase {
  readonly openfga: OpenFgaProvider;
  constructor(ctx: CharmContext) {
    super(ctx);
    this.openfga = new OpenFgaProvider(this, "openfga");
    this.observe(this.openfga.on.storeRequested, this.onStoreRequested);
    this.observe(this.on.configChanged, this.onConfigChanged);
  }
  onStoreRequested(e: StoreRequestedEvent): void {
    requested.push(e.storeName);
    const ok = this.openfga.publish(e.relation, {
      storeId: `store-of-${e.storeName}`,
      tokenSecret: this.openfga.ensureTokenSecret(),
      httpApiUrl: HTTP,
      grpcApiUrl: GRPC,
    });
    requested.push(`published:${ok}`);
  }
  onConfigChanged(): void {
    this.openfga.updateUrls({
      httpApiUrl: "https://ingress.example/m-openfga-k8s",
      grpcApiUrl: "ingress.example:443",
    });
  }
}

const provCtx = new Context(OpenFgaCharm, {
  meta: CharmMeta.fromDocuments({
    name: "openfga-k8s",
    provides: { openfga: { interface: "openfga" } },
  }),
});

describe("OpenFgaProvider", () => {
  beforeEach(() => {
    requested.length = 0;
  });

  it("creates and grants the token secret, then publishes the four v1 keys, schema-valid, no token in the bag", async () => {
    const rel = relation({
      endpoint: "openfga",
      id: 5,
      remoteAppName: "jimm",
      remoteAppData: { store_name: "jimm" },
      localAppData: { token: "legacy-clear-token" },
    });
    const out = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    expect(requested).toEqual(["jimm", "published:true"]);
    const tokenSecret = out.secrets.find((s) => s.label === TOKEN_SECRET_LABEL)!;
    expect(tokenSecret).toMatchObject({ owner: "app", remoteGrants: { 5: ["jimm"] } });
    const bag = out.relations[0]!.localAppData;
    expect(bag).toEqual({
      grpc_api_url: GRPC,
      http_api_url: HTTP,
      store_id: "store-of-jimm",
      token_secret_id: tokenSecret.id,
    });
    expect(schemaErrors("openfga/v1/provider.json", { app: bag })).toEqual([]);
    expect(leaks({ ...out, logs: provCtx.logs }, [tokenSecret.latestContent.token!])).toEqual([]);

    // A second request reuses the same secret and publishes the same URI.
    const again = await provCtx.run(provCtx.on.relationChanged(rel), out);
    expect(again.secrets).toHaveLength(1);
    expect(again.relations[0]!.localAppData).toEqual(bag);

    // Reconcile: new URLs, same store and secret.
    const moved = await provCtx.run(provCtx.on.configChanged(), again);
    expect(moved.relations[0]!.localAppData).toEqual({
      grpc_api_url: "ingress.example:443",
      http_api_url: "https://ingress.example/m-openfga-k8s",
      store_id: "store-of-jimm",
      token_secret_id: tokenSecret.id,
    });
  });

  it("republishes a short-form token secret id of an older charm in the canonical form", async () => {
    const rel = relation({
      endpoint: "openfga",
      remoteAppName: "jimm",
      remoteAppData: { store_name: "jimm" },
      localAppData: {
        grpc_api_url: GRPC,
        http_api_url: HTTP,
        store_id: "store-of-jimm",
        token_secret_id: "secret:d0e5hort0000000000ab",
      },
    });
    const out = await provCtx.run(
      provCtx.on.configChanged(),
      state({ leader: true, relations: [rel] }),
    );
    expect(out.relations[0]!.localAppData.token_secret_id).toBe(
      canonicalSecretId("secret:d0e5hort0000000000ab", out.model.uuid),
    );
  });

  it("a non-leader neither emits nor writes", async () => {
    const rel = relation({
      endpoint: "openfga",
      remoteAppName: "jimm",
      remoteAppData: { store_name: "jimm" },
    });
    const out = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: false, relations: [rel] }),
    );
    expect(requested).toEqual([]);
    expect(out.relations[0]!.localAppData).toEqual({});
    const cfg = await provCtx.run(provCtx.on.configChanged(), out);
    expect(cfg.relations[0]!.localAppData).toEqual({});
  });

  it("ignores a requirer that has not asked yet", async () => {
    const rel = relation({ endpoint: "openfga", remoteAppName: "jimm", remoteAppData: {} });
    await provCtx.run(provCtx.on.relationChanged(rel), state({ leader: true, relations: [rel] }));
    expect(requested).toEqual([]);
  });
});
