// Interop of oauth with the published Python library `charmlibs-interfaces-oauth`, both
// directions in one model: a Python provider built on the library (acting as hydra) registers a
// client for our TypeScript requirer (lib/interfaces/oauth), and our TypeScript provider
// registers one for a Python requirer built on it. Each side reaches its ready state with the
// right client id, endpoints and client secret, and no secret value shows in a databag, log
// line, status message or hook-tool argument.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  InteropEnv,
  buildTsCharm,
  digest,
  ensureInteropVenv,
  preparePyCharm,
  recordToolCalls,
  scanForLeaks,
} from "./setup.js";

const M = "oauth";
const PHASE_MS = 600_000;
const timings: Record<string, number> = {};
const recorder = recordToolCalls();
let env: InteropEnv | undefined;

function e(): InteropEnv {
  if (env === undefined) throw new Error("no environment (set-up failed)");
  return env;
}

/** The id of `unit`'s relation on `endpoint`. */
function relationId(unit: string, endpoint: string): number {
  const info = e().controller.showUnit(M, unit)[unit];
  const rel = info?.["relation-info"].find((r) => r.endpoint === endpoint);
  if (rel === undefined) throw new Error(`${unit} has no ${endpoint} relation`);
  return rel["relation-id"];
}

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

beforeAll(async () => {
  const t0 = Date.now();
  const venv = ensureInteropVenv();
  env = await InteropEnv.start(M);
  const dirs = {
    pyProv: preparePyCharm("py-oauth-provider", join(e().tmp, "py-prov"), venv),
    pyReq: preparePyCharm("py-oauth-requirer", join(e().tmp, "py-req"), venv),
    tsReq: await buildTsCharm("ts-oauth-requirer", join(e().tmp, "ts-req")),
    tsProv: await buildTsCharm("ts-oauth-provider", join(e().tmp, "ts-prov")),
  };
  timings["set-up"] = Date.now() - t0;
  const t1 = Date.now();
  const c = e().controller;
  await c.deploy(M, { charmDir: dirs.pyProv, name: "hydra-py" });
  await c.deploy(M, { charmDir: dirs.tsReq, name: "ts-req" });
  await c.deploy(M, { charmDir: dirs.tsProv, name: "hydra-ts" });
  await c.deploy(M, { charmDir: dirs.pyReq, name: "py-req" });
  await e().settle();
  timings["deploy"] = Date.now() - t1;
}, PHASE_MS);

afterAll(async () => {
  recorder.stop();
  try {
    await env?.close();
  } finally {
    console.log(`oauth interop timings (ms): ${JSON.stringify(timings)}`);
  }
}, PHASE_MS);

describe("oauth with charmlibs-interfaces-oauth 1.2.0", () => {
  it(
    "Python provider -> TS requirer: our requirer reads its client id, endpoints and secret",
    async () => {
      const t = Date.now();
      await e().controller.integrate(M, "ts-req", "hydra-py");
      await e().settle();
      timings["py-provider integrate+settle"] = Date.now() - t;

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
      const rid = relationId("ts-req/0", "oauth");
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
      const t = Date.now();
      await e().controller.integrate(M, "py-req", "hydra-ts");
      await e().settle();
      timings["ts-provider integrate+settle"] = Date.now() - t;

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
      const rid = relationId("py-req/0", "oauth");
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
      const rid = relationId(unit, "oauth");
      const before = e().appBag(unit, "oauth");
      const oldSecret = e().secretByLabel(`client_secret_${rid}`)["secret"] ?? "";
      const t = Date.now();
      const r = await e().controller.runAction(M, `${provider}/0`, "rotate-client-secret");
      expect(r.status).toBe("completed");
      expect(r.results).toEqual({ rotated: before["client_id"] });
      await e().settle();
      timings[`${provider} rotate+settle`] = Date.now() - t;

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

  it("never shows a secret value in a databag, log, status or tool argument", () => {
    const { leaks, secrets, scanned } = scanForLeaks(e().controller, M, recorder.calls);
    // Two client secrets, two revisions each.
    expect(secrets).toBe(4);
    expect(scanned["toolCalls"]).toBeGreaterThan(0);
    expect(leaks).toEqual([]);
  });
});
