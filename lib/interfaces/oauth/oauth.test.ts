import { describe, expect, it } from "vitest";
import { CharmBase, type CharmContext } from "../../ops/charm.js";
import type { CollectStatusEvent } from "../../ops/framework/juju-events.js";
import { CharmMeta } from "../../ops/metadata.js";
import { ActiveStatus, BlockedStatus, WaitingStatus } from "../../ops/model/status.js";
import { Context } from "../../testing/context.js";
import { type State, relation, secret, state } from "../../testing/state.js";
import { InterfaceDataError } from "../common/databag.js";
import { leaks, schemaErrors } from "../common/schema-check.js";
import {
  type ClientConfig,
  ClientConfigError,
  type ClientRequestEvent,
  type InvalidClientConfigEvent,
  OAuthProvider,
  OAuthRequirer,
  type ProviderInfo,
  parseClientConfig,
  parseProviderData,
  redirectUris,
  renderClientConfig,
  renderProviderInfo,
  validateClientConfig,
} from "./index.js";

const SRC = { interfaceName: "oauth", relation: "oauth:3", owner: "hydra" };
const CLIENT_SECRET = "s3cr3t-client-value";

const CONFIG: ClientConfig = {
  redirectUri: "https://jimm.example.com/auth/callback",
  scope: "openid profile email offline_access",
  grantTypes: [
    "authorization_code",
    "refresh_token",
    "urn:ietf:params:oauth:grant-type:device_code",
  ],
  tokenEndpointAuthMethod: "client_secret_post",
};

const INFO: ProviderInfo = {
  issuerUrl: "https://iam.example.com",
  authorizationEndpoint: "https://iam.example.com/oauth2/auth",
  tokenEndpoint: "https://iam.example.com/oauth2/token",
  introspectionEndpoint: "http://hydra.iam.svc.cluster.local:4445/admin/oauth2/introspect",
  userinfoEndpoint: "https://iam.example.com/userinfo",
  jwksEndpoint: "https://iam.example.com/.well-known/jwks.json",
  scope: "openid profile email phone",
  jwtAccessToken: true,
};

class RequirerCharm extends CharmBase {
  readonly oauth: OAuthRequirer;

  constructor(ctx: CharmContext) {
    super(ctx);
    this.oauth = new OAuthRequirer(this, { clientConfig: CONFIG });
    this.observe(this.oauth.infoChanged, this.onInfoChanged);
    this.observe(this.oauth.infoRemoved, this.onInfoRemoved);
    this.observe(this.on.collectUnitStatus, this.onCollectStatus);
  }

  onInfoChanged(): void {
    this.log.info("oauth client registered");
  }

  onInfoRemoved(): void {
    this.log.info("oauth removed");
  }

  onCollectStatus(event: CollectStatusEvent): void {
    try {
      const creds = this.oauth.getClientCredentials();
      if (!creds) return event.addStatus(new WaitingStatus("waiting for the oauth client"));
      const info = this.oauth.getProviderInfo()!;
      event.addStatus(new ActiveStatus(`${creds.clientId} at ${info.issuerUrl}`));
    } catch (e) {
      if (!(e instanceof InterfaceDataError)) throw e;
      event.addStatus(new BlockedStatus(e.statusMessage));
    }
  }
}

class BadConfigCharm extends CharmBase {
  readonly oauth: OAuthRequirer;

  constructor(ctx: CharmContext) {
    super(ctx);
    this.oauth = new OAuthRequirer(this, {
      clientConfig: { scope: "openid", grantTypes: ["authorization_code"] },
    });
    this.observe(this.oauth.invalidClientConfig, this.onInvalid);
  }

  onInvalid(event: InvalidClientConfigEvent): void {
    this.unit.status = new BlockedStatus(event.error);
  }
}

class ProviderCharm extends CharmBase {
  readonly oauth: OAuthProvider;

  constructor(ctx: CharmContext) {
    super(ctx);
    this.oauth = new OAuthProvider(this);
    this.observe(this.oauth.clientCreated, this.onClientCreated);
    this.observe(this.oauth.clientChanged, this.onClientChanged);
    this.observe(this.oauth.clientDeleted, this.onClientDeleted);
    this.observe(this.on.configChanged, this.onConfigChanged);
  }

  onConfigChanged(): void {
    this.oauth.setProviderInfo(INFO);
  }

  onClientCreated(event: ClientRequestEvent): void {
    this.log.info(`creating a client for ${redirectUris(event.config).join(" ") || "?"}`);
    this.oauth.setClientCredentials(event.relationId, "client-1", CLIENT_SECRET);
  }

  onClientChanged(event: ClientRequestEvent): void {
    this.log.info(`updating client ${event.clientId ?? "?"}`);
  }

  onClientDeleted(): void {
    this.log.info("client deleted");
  }
}

const REQ_META = CharmMeta.fromDocuments({
  name: "juju-jimm-k8s",
  requires: { oauth: { interface: "oauth", limit: 1 } },
});
const PROV_META = CharmMeta.fromDocuments({
  name: "hydra",
  provides: { oauth: { interface: "oauth" } },
});

const providerBag = (extra: Record<string, string> = {}) => ({
  ...renderProviderInfo(INFO),
  ...extra,
});

describe("oauth data", () => {
  it("writes the client config as hydra's library does", () => {
    expect(renderClientConfig(CONFIG)).toEqual({
      redirect_uri: "https://jimm.example.com/auth/callback",
      scope: "openid profile email offline_access",
      grant_types:
        '["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"]',
      audience: "[]",
      token_endpoint_auth_method: "client_secret_post",
    });
    expect(schemaErrors("oauth/v0/requirer.json", { app: renderClientConfig(CONFIG) })).toEqual([]);
  });

  it("validates the client config like ClientConfig.validate", () => {
    expect(() =>
      validateClientConfig({ scope: "openid", grantTypes: ["authorization_code"] }),
    ).toThrow(/redirect_uri is required/);
    expect(() =>
      validateClientConfig({
        scope: "o",
        grantTypes: ["client_credentials"],
        redirectUri: "ftp://x",
      }),
    ).toThrow(ClientConfigError);
    expect(() =>
      validateClientConfig({ scope: "o", grantTypes: ["implicit" as "refresh_token"] }),
    ).toThrow(/Invalid grant_type/);
    expect(() =>
      validateClientConfig({ scope: "o", grantTypes: ["client_credentials"] }),
    ).not.toThrow();
  });

  it("writes several redirect URIs as a JSON list and one as a plain string, as the 1.2.0 library does", () => {
    const uris = ["https://a.example.com/callback", "https://a.example.com/device"];
    const two = renderClientConfig({ ...CONFIG, redirectUri: uris });
    expect(two.redirect_uri).toBe(
      '["https://a.example.com/callback", "https://a.example.com/device"]',
    );
    expect(renderClientConfig({ ...CONFIG, redirectUri: [uris[0]!] }).redirect_uri).toBe(uris[0]);
    expect(renderClientConfig({ ...CONFIG, redirectUri: CONFIG.redirectUri! }).redirect_uri).toBe(
      CONFIG.redirectUri,
    );
    expect(
      "redirect_uri" in renderClientConfig({ scope: "o", grantTypes: ["client_credentials"] }),
    ).toBe(false);
    expect(parseClientConfig(two, SRC)?.redirectUri).toEqual(uris);
    expect(redirectUris(parseClientConfig(renderClientConfig(CONFIG), SRC)!)).toEqual([
      CONFIG.redirectUri,
    ]);
    expect(() => validateClientConfig({ ...CONFIG, redirectUri: [] })).toThrow(
      /redirect_uri is required/,
    );
    expect(() =>
      validateClientConfig({ ...CONFIG, redirectUri: ["https://a.example.com/cb", "ftp://x"] }),
    ).toThrow(/Invalid URL ftp:\/\/x/);
  });

  it("reads the provider's bag, with both boolean spellings, and against the schema", () => {
    const bag = providerBag({
      client_id: "client-1",
      client_secret_id: "secret:abc",
      ca_chain: '["-----BEGIN CERTIFICATE-----\\nX\\n-----END CERTIFICATE-----"]',
      groups: "groups",
    });
    expect(schemaErrors("oauth/v0/provider.json", { app: bag })).toEqual([]);
    expect(parseProviderData(bag, SRC)).toMatchObject({
      issuerUrl: "https://iam.example.com",
      jwtAccessToken: true,
      groups: "groups",
      caChain: ["-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----"],
      clientId: "client-1",
      clientSecretId: "secret:abc",
    });
    expect(parseProviderData({ ...bag, jwt_access_token: "false" }, SRC)?.jwtAccessToken).toBe(
      false,
    );
    expect(parseProviderData({ ...bag, jwt_access_token: "False" }, SRC)?.jwtAccessToken).toBe(
      false,
    );
    expect(parseProviderData({}, SRC)).toBeUndefined();
  });

  it.each([
    ["a missing endpoint", { token_endpoint: "" }, /"token_endpoint" is missing/],
    ["a non-string client id", { client_id: "123" }, /"client_id" should be a string/],
    ["a ca_chain that is not a list", { ca_chain: "PEM" }, /"ca_chain" should be a JSON list/],
    ["a bad boolean", { jwt_access_token: "maybe" }, /"jwt_access_token" should be True or False/],
    ["a secret id that is no URI", { client_secret_id: "abc" }, /not a Juju secret URI/],
  ])("rejects a provider bag with %s", (_what, change, message) => {
    const bag: Record<string, string> = { ...providerBag(), ...change };
    for (const [k, v] of Object.entries(change)) if (v === "") delete bag[k];
    expect(() => parseProviderData(bag, SRC)).toThrow(InterfaceDataError);
    expect(() => parseProviderData(bag, SRC)).toThrow(message);
  });

  it.each([
    ["no audience", { audience: undefined }, /"audience" is missing/],
    ["grant types not a list", { grant_types: "authorization_code" }, /JSON list/],
    ["an unknown grant", { grant_types: '["implicit"]' }, /unknown grant type/],
    ["an unknown auth method", { token_endpoint_auth_method: "none" }, /is not one of/],
    ["no redirect uri", { redirect_uri: undefined }, /"redirect_uri" is required/],
    ["an empty redirect uri list", { redirect_uri: "[]" }, /"redirect_uri" is required/],
    ["a redirect uri list of numbers", { redirect_uri: "[1]" }, /string or a JSON list/],
  ])("the provider rejects a client config with %s", (_what, change, message) => {
    const bag: Record<string, string> = { ...renderClientConfig(CONFIG) };
    for (const [k, v] of Object.entries(change)) {
      if (v === undefined) delete bag[k];
      else bag[k] = v;
    }
    expect(() => parseClientConfig(bag, SRC)).toThrow(message);
  });
});

describe("OAuthRequirer", () => {
  const ctx = () => new Context(RequirerCharm, { meta: REQ_META });
  const hydra = (remoteAppData: Record<string, string>) =>
    relation({ endpoint: "oauth", id: 3, remoteAppName: "hydra", remoteAppData });

  it("the leader writes the client config on relation-created; a follower writes nothing", async () => {
    const c = ctx();
    const rel = hydra({});
    const out = await c.run(c.on.relationCreated(rel), state({ leader: true, relations: [rel] }));
    expect(out.relations[0]!.localAppData).toEqual(renderClientConfig(CONFIG));
    const follower = await c.run(
      c.on.relationCreated(rel),
      state({ leader: false, relations: [rel] }),
    );
    expect(follower.relations[0]!.localAppData).toEqual({});
  });

  it("reads the client secret from the provider's secret; the value goes to no bag or log", async () => {
    const c = ctx();
    const s = secret({ trackedContent: { secret: CLIENT_SECRET } });
    const rel = hydra(providerBag({ client_id: "client-1", client_secret_id: s.id }));
    const out = await c.run(
      c.on.relationChanged(rel),
      state({ leader: true, relations: [rel], secrets: [s] }),
    );
    expect(c.emittedEvents).toContain("oauth_info_changed");
    expect(out.unitStatus).toEqual({
      status: "active",
      message: "client-1 at https://iam.example.com",
    });
    expect(leaks({ ...out, logs: c.logs }, [CLIENT_SECRET])).toEqual([]);
    expect(out.unitStatus.message).not.toContain(CLIENT_SECRET);
  });

  it("waits while the provider has not registered the client", async () => {
    const c = ctx();
    const rel = hydra(providerBag());
    const out = await c.run(c.on.relationChanged(rel), state({ leader: true, relations: [rel] }));
    expect(c.emittedEvents).not.toContain("oauth_info_changed");
    expect(out.unitStatus).toEqual({ status: "waiting", message: "waiting for the oauth client" });
  });

  it("an unreadable secret is a typed error and a blocked status", async () => {
    const c = ctx();
    const rel = hydra(
      providerBag({ client_id: "client-1", client_secret_id: "secret:d0esn0tex1st000000000" }),
    );
    const out = await c.run(c.on.relationChanged(rel), state({ leader: true, relations: [rel] }));
    expect(out.unitStatus.status).toBe("blocked");
    expect(out.unitStatus.message).toMatch(
      /^invalid oauth data from hydra: "client_secret_id" cannot be read/,
    );
  });

  it("a secret without the `secret` key is a typed error", async () => {
    const c = ctx();
    const s = secret({ trackedContent: { token: "x" } });
    const rel = hydra(providerBag({ client_id: "client-1", client_secret_id: s.id }));
    const out = await c.run(c.on.relationChanged(rel), state({ relations: [rel], secrets: [s] }));
    expect(out.unitStatus.message).toMatch(/without the "secret" key/);
  });

  it("malformed provider data blocks instead of failing the hook", async () => {
    const c = ctx();
    const rel = hydra(providerBag({ scope: "42" }));
    const out = await c.run(c.on.relationChanged(rel), state({ relations: [rel] }));
    expect(out.unitStatus).toEqual({
      status: "blocked",
      message: 'invalid oauth data from hydra: "scope" should be a string, got JSON number',
    });
  });

  it("refreshes on secret-changed of the client secret", async () => {
    const c = ctx();
    const s = secret({ trackedContent: { secret: "old" }, latestContent: { secret: "new" } });
    const rel = hydra(providerBag({ client_id: "client-1", client_secret_id: s.id }));
    const out = await c.run(c.on.secretChanged(s), state({ relations: [rel], secrets: [s] }));
    expect(c.emittedEvents).toContain("oauth_info_changed");
    expect(out.secrets[0]!.trackedContent).toEqual({ secret: "new" });
  });

  it("emits oauth_info_removed on relation-broken", async () => {
    const c = ctx();
    const rel = hydra(providerBag());
    const out = await c.run(c.on.relationBroken(rel), state({ leader: true, relations: [rel] }));
    expect(c.emittedEvents).toContain("oauth_info_removed");
    expect(out.unitStatus).toEqual({ status: "waiting", message: "waiting for the oauth client" });
  });

  it("publishes the config when the unit becomes leader", async () => {
    const c = ctx();
    const rel = hydra({});
    const out = await c.run(c.on.leaderElected(), state({ leader: true, relations: [rel] }));
    expect(out.relations[0]!.localAppData.scope).toBe(CONFIG.scope);
  });

  it("reports an invalid client config through an event instead of writing it", async () => {
    const c = new Context(BadConfigCharm, { meta: REQ_META });
    const rel = hydra({});
    const out = await c.run(c.on.relationCreated(rel), state({ leader: true, relations: [rel] }));
    expect(out.relations[0]!.localAppData).toEqual({});
    expect(out.unitStatus).toEqual({
      status: "blocked",
      message: "redirect_uri is required when using authorization_code grant_type",
    });
  });
});

describe("OAuthProvider", () => {
  const ctx = () => new Context(ProviderCharm, { meta: PROV_META });
  const jimm = (remoteAppData: Record<string, string>, localAppData: Record<string, string> = {}) =>
    relation({ endpoint: "oauth", id: 7, remoteAppName: "jimm", remoteAppData, localAppData });

  it("creates the client secret, labels and grants it, and publishes only its id", async () => {
    const c = ctx();
    const rel = jimm(renderClientConfig(CONFIG), renderProviderInfo(INFO));
    const out: State = await c.run(
      c.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    expect(c.emittedEvents).toContain("client_created");
    const created = out.secrets.find((s) => s.label === "client_secret_7");
    expect(created).toBeDefined();
    expect(created!.owner).toBe("app");
    expect(created!.latestContent).toEqual({ secret: CLIENT_SECRET });
    expect(created!.remoteGrants[7]).toContain("jimm");
    const bag = out.relations[0]!.localAppData;
    expect(bag.client_id).toBe("client-1");
    expect(bag.client_secret_id).toBe(created!.id);
    expect(schemaErrors("oauth/v0/provider.json", { app: bag })).toEqual([]);
    expect(leaks({ ...out, logs: c.logs }, [CLIENT_SECRET])).toEqual([]);
  });

  it("accepts the JSON list form of redirect_uri of a 1.2.0 requirer", async () => {
    const c = ctx();
    const uris = ["https://a.example.com/callback", "https://a.example.com/device"];
    const rel = jimm(
      { ...renderClientConfig(CONFIG), redirect_uri: JSON.stringify(uris) },
      renderProviderInfo(INFO),
    );
    const out = await c.run(c.on.relationChanged(rel), state({ leader: true, relations: [rel] }));
    expect(c.emittedEvents).toContain("client_created");
    expect(c.logs.map((l) => l.message)).toContain(
      `oauth:7: creating a client for ${uris.join(" ")}`,
    );
    expect(out.relations[0]!.localAppData.client_id).toBe("client-1");
  });

  it("creates no client before its provider info is in the bag, as the Python provider", async () => {
    const c = ctx();
    const rel = jimm(renderClientConfig(CONFIG));
    const out = await c.run(c.on.relationChanged(rel), state({ leader: true, relations: [rel] }));
    expect(c.emittedEvents).not.toContain("client_created");
    expect(out.secrets).toEqual([]);
    expect(out.relations[0]!.localAppData).toEqual({});
    const partial = jimm(renderClientConfig(CONFIG), { issuer_url: INFO.issuerUrl });
    const out2 = await c.run(
      c.on.relationChanged(partial),
      state({ leader: true, relations: [partial] }),
    );
    expect(c.emittedEvents).not.toContain("client_created");
    expect(out2.relations[0]!.localAppData).toEqual({ issuer_url: INFO.issuerUrl });
    expect(c.logs.some((l) => l.level === "WARNING" && l.message.includes("not complete"))).toBe(
      true,
    );
  });

  it("emits client_changed once the client exists", async () => {
    const c = ctx();
    const rel = jimm(renderClientConfig(CONFIG), {
      ...renderProviderInfo(INFO),
      client_id: "client-1",
      client_secret_id: "secret:x",
    });
    await c.run(c.on.relationChanged(rel), state({ leader: true, relations: [rel] }));
    expect(c.emittedEvents).toContain("client_changed");
    expect(c.emittedEvents).not.toContain("client_created");
  });

  it("keeps the client keys when it republishes its info, and drops stale optional keys", async () => {
    const c = ctx();
    const rel = jimm(
      {},
      { ...renderProviderInfo(INFO), groups: "old", client_id: "c", client_secret_id: "secret:x" },
    );
    const out = await c.run(c.on.configChanged(), state({ leader: true, relations: [rel] }));
    const bag = out.relations[0]!.localAppData;
    expect(bag.client_id).toBe("c");
    expect(bag.groups).toBeUndefined();
    expect(bag.jwt_access_token).toBe("True");
  });

  it("ignores a malformed client config with a warning, and non-leaders do nothing", async () => {
    const c = ctx();
    const rel = jimm({ scope: "openid", grant_types: "nope" });
    const out = await c.run(c.on.relationChanged(rel), state({ leader: true, relations: [rel] }));
    expect(c.emittedEvents).not.toContain("client_created");
    expect(c.logs.some((l) => l.level === "WARNING" && l.message.includes('"grant_types"'))).toBe(
      true,
    );
    expect(out.secrets).toEqual([]);
    const follower = await c.run(
      c.on.relationChanged(jimm(renderClientConfig(CONFIG))),
      state({ relations: [jimm(renderClientConfig(CONFIG))] }),
    );
    expect(follower.secrets).toEqual([]);
  });

  it("emits client_deleted on relation-broken", async () => {
    const c = ctx();
    const rel = jimm(renderClientConfig(CONFIG));
    await c.run(c.on.relationBroken(rel), state({ leader: true, relations: [rel] }));
    expect(c.emittedEvents).toContain("client_deleted");
  });
});
