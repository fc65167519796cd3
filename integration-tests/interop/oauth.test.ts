// Interop of oauth with the published Python library `charmlibs-interfaces-oauth`, both
// directions in one model: a Python provider built on the library (acting as hydra) registers a
// client for our TypeScript requirer (lib/interfaces/oauth), and our TypeScript provider
// registers one for a Python requirer built on it. Each side reaches its ready state with the
// right client id, endpoints and client secret, and no secret value shows in a databag, log
// line, status message or hook-tool argument.
import { describe, expect, it } from "vitest";
import { digest } from "./setup.js";
import { PHASE_MS, interopSuite } from "./suite.js";

const M = "oauth";
const suite = interopSuite({
  title: "oauth",
  model: M,
  charms: [
    { py: "py-oauth-provider", name: "hydra-py" },
    { ts: "ts-oauth-requirer", name: "ts-req" },
    { ts: "ts-oauth-provider", name: "hydra-ts" },
    { py: "py-oauth-requirer", name: "py-req" },
  ],
});
const e = suite.env;

/** The provider keys both test providers publish, for a provider application `app`. */
function providerInfo(app: string): Record<string, string> {
  const svc = `${app}.${M}.svc.cluster.local`;
  return {
    issuer_url: `https://${svc}:4444`,
    authorization_endpoint: `https://${svc}:4444/oauth2/auth`,
    token_endpoint: `https://${svc}:4444/oauth2/token`,
    introspection_endpoint: `http://${svc}:4445/admin/oauth2/introspect`,
    userinfo_endpoint: `https://${svc}:4444/userinfo`,
    jwks_endpoint: `https://${svc}:4444/.well-known/jwks.json`,
    scope: "openid profile email phone",
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("oauth with charmlibs-interfaces-oauth 1.2.0", () => {
  it(
    "Python provider -> TS requirer: our requirer reads its client id, endpoints and secret",
    async () => {
      await suite.integrate("ts-req", "hydra-py", "py-provider integrate+settle");

      // Our client config, as the Python provider's schema and ClientConfig read it.
      expect(e().appBag("hydra-py/0", "oauth")).toEqual({
        redirect_uri: "https://ts-req.example.com/auth/callback",
        scope: "openid profile email",
        grant_types: '["authorization_code", "refresh_token"]',
        audience: "[]",
        token_endpoint_auth_method: "client_secret_basic",
      });

      const answer = e().appBag("ts-req/0", "oauth");
      expect(answer).toEqual({
        ...providerInfo("hydra-py"),
        jwt_access_token: "False",
        client_id: answer["client_id"],
        client_secret_id: answer["client_secret_id"],
      });
      const clientId = answer["client_id"] ?? "";
      expect(clientId).toMatch(UUID);
      const uri = answer["client_secret_id"] ?? "";
      expect(uri).toMatch(/^secret:/);
      const rid = e().relationId("ts-req/0", "oauth");
      const clientSecret = e().secretById(uri)["secret"] ?? "";
      expect(clientSecret.length).toBeGreaterThan(20);
      expect(e().secretByLabel(`client_secret_${rid}`)).toEqual({ secret: clientSecret });

      expect(e().workload("ts-req/0")).toEqual({
        current: "active",
        message:
          `ready client=${clientId} issuer=https://hydra-py.${M}.svc.cluster.local:4444 ` +
          `token=https://hydra-py.${M}.svc.cluster.local:4444/oauth2/token ` +
          `introspect=http://hydra-py.${M}.svc.cluster.local:4445/admin/oauth2/introspect ` +
          `secret=${digest(clientSecret)}`,
      });
      expect(e().workload("hydra-py/0")).toEqual({
        current: "active",
        message:
          `serving ts-req client=${clientId} redirect=https://ts-req.example.com/auth/callback ` +
          "scope=openid profile email grants=authorization_code,refresh_token audience= " +
          "auth=client_secret_basic",
      });
      expect(
        e()
          .log("ts-req/0")
          .some((l) =>
            l.endsWith(`oauth client registered: ${clientId} secret=${digest(clientSecret)}`),
          ),
      ).toBe(true);
    },
    PHASE_MS,
  );

  it(
    "TS provider -> Python requirer: the requirer reads our client id, endpoints and secret",
    async () => {
      await suite.integrate("py-req", "hydra-ts", "ts-provider integrate+settle");

      // The Python requirer's client config (two redirect URIs: the JSON list form).
      expect(e().appBag("hydra-ts/0", "oauth")).toEqual({
        redirect_uri:
          '["https://py-req.example.com/oauth/callback", "https://py-req.example.com/oauth/device"]',
        scope: "openid email offline_access",
        grant_types: '["authorization_code", "refresh_token"]',
        audience: '["jimm", "juju"]',
        token_endpoint_auth_method: "client_secret_post",
      });

      const answer = e().appBag("py-req/0", "oauth");
      expect(answer).toEqual({
        ...providerInfo("hydra-ts"),
        jwt_access_token: "True",
        client_id: answer["client_id"],
        client_secret_id: answer["client_secret_id"],
      });
      const clientId = answer["client_id"] ?? "";
      expect(clientId).toMatch(UUID);
      const rid = e().relationId("py-req/0", "oauth");
      const clientSecret = e().secretById(answer["client_secret_id"] ?? "")["secret"] ?? "";
      expect(clientSecret.length).toBeGreaterThan(20);
      expect(e().secretByLabel(`client_secret_${rid}`)).toEqual({ secret: clientSecret });

      expect(e().workload("py-req/0")).toEqual({
        current: "active",
        message:
          `ready client=${clientId} issuer=https://hydra-ts.${M}.svc.cluster.local:4444 ` +
          `token=https://hydra-ts.${M}.svc.cluster.local:4444/oauth2/token jwt=True ` +
          `secret=${digest(clientSecret)}`,
      });
      expect(e().workload("hydra-ts/0")).toEqual({
        current: "active",
        message:
          `serving py-req client=${clientId} ` +
          "redirect=https://py-req.example.com/oauth/callback,https://py-req.example.com/oauth/device " +
          "scope=openid email offline_access grants=authorization_code,refresh_token " +
          "audience=jimm,juju auth=client_secret_post",
      });
      expect(
        e()
          .log("py-req/0")
          .some((l) =>
            l.endsWith(`oauth client registered: ${clientId} secret=${digest(clientSecret)}`),
          ),
      ).toBe(true);
    },
    PHASE_MS,
  );

  it.each([
    { provider: "hydra-py", requirer: "ts-req" },
    { provider: "hydra-ts", requirer: "py-req" },
  ])(
    "$provider rotates the client secret: $requirer reads the new revision, same client id",
    async ({ provider, requirer }) => {
      const unit = `${requirer}/0`;
      const rid = e().relationId(unit, "oauth");
      const before = e().appBag(unit, "oauth");
      const oldSecret = e().secretByLabel(`client_secret_${rid}`)["secret"] ?? "";
      await suite.timed(`${provider} rotate+settle`, async () => {
        const r = await e().controller.runAction(M, `${provider}/0`, "rotate-client-secret");
        expect(r.status).toBe("completed");
        expect(r.results).toEqual({ rotated: before["client_id"] });
        await e().settle();
      });

      // Same secret (a new revision), same bag.
      expect(e().appBag(unit, "oauth")).toEqual(before);
      const newSecret = e().secretById(before["client_secret_id"] ?? "")["secret"] ?? "";
      expect(newSecret.length).toBeGreaterThan(20);
      expect(newSecret).not.toBe(oldSecret);
      expect(e().secretByLabel(`client_secret_${rid}`)).toEqual({ secret: newSecret });
      const status = e().workload(unit);
      expect(status.current).toBe("active");
      expect(status.message).toMatch(
        new RegExp(`^ready client=${before["client_id"]} .* secret=${digest(newSecret)}$`),
      );
      if (requirer === "ts-req") {
        // Our library moved the tracked revision on secret-changed and said so (infoChanged).
        expect(
          e()
            .log(unit)
            .some((l) =>
              l.endsWith(
                `oauth client registered: ${before["client_id"]} secret=${digest(newSecret)}`,
              ),
            ),
        ).toBe(true);
      }
    },
    PHASE_MS,
  );

  // Two client secrets, two revisions each.
  suite.leakScanTest({ secrets: 4 });
});
