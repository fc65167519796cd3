// Interop charm: our oauth provider, acting as hydra does towards its clients. Its status shows
// the client config it parsed from each requirer.
import { randomBytes, randomUUID } from "node:crypto";
import { InterfaceDataError } from "../../../../lib/interfaces/common/databag.js";
import { OAuthProvider, redirectUris } from "../../../../lib/interfaces/oauth/index.js";
import type { ClientRequestEvent, ProviderInfo } from "../../../../lib/interfaces/oauth/index.js";
import {
  type ActionEvent,
  ActiveStatus,
  CharmBase,
  type CharmContext,
  type CollectStatusEvent,
  main,
} from "../../../../lib/ops/index.js";

class TsOauthProvider extends CharmBase {
  private readonly oauth: OAuthProvider;

  constructor(ctx: CharmContext) {
    super(ctx);
    this.oauth = new OAuthProvider(this);
    this.observe(this.on.relation("oauth").created, this.publishInfo);
    this.observe(this.on.leaderElected, this.publishInfo);
    this.observe(this.oauth.clientCreated, this.onClientCreated);
    this.observe(this.oauth.clientChanged, this.onClientChanged);
    this.observe(this.on.action("rotate-client-secret"), this.onRotate);
    this.observe(this.on.collectUnitStatus, this.onCollectUnitStatus);
  }

  private info(): ProviderInfo {
    const svc = `${this.app.name}.${this.model.name}.svc.cluster.local`;
    const pub = `https://${svc}:4444`;
    return {
      issuerUrl: pub,
      authorizationEndpoint: `${pub}/oauth2/auth`,
      tokenEndpoint: `${pub}/oauth2/token`,
      introspectionEndpoint: `http://${svc}:4445/admin/oauth2/introspect`,
      userinfoEndpoint: `${pub}/userinfo`,
      jwksEndpoint: `${pub}/.well-known/jwks.json`,
      scope: "openid profile email phone",
      jwtAccessToken: true,
    };
  }

  publishInfo(): void {
    this.oauth.setProviderInfo(this.info());
  }

  onClientCreated(event: ClientRequestEvent): void {
    const clientId = randomUUID();
    this.oauth.setClientCredentials(
      event.relationId,
      clientId,
      randomBytes(32).toString("base64url"),
    );
    this.log.info(
      `client ${clientId} registered for relation ${event.relationId} ` +
        `(redirect ${redirectUris(event.config).join(" ")})`,
    );
  }

  onClientChanged(event: ClientRequestEvent): void {
    this.log.info(`client ${event.clientId ?? "?"} of relation ${event.relationId} is up to date`);
  }

  onRotate(event: ActionEvent): void {
    const rotated: string[] = [];
    for (const r of this.model.relations("oauth")) {
      const clientId = r.data(this.app).get("client_id");
      if (clientId === undefined || !this.unit.isLeader()) continue;
      this.oauth.setClientCredentials(r.id, clientId, randomBytes(32).toString("base64url"));
      rotated.push(clientId);
    }
    event.setResults({ rotated: rotated.join(",") });
  }

  onCollectUnitStatus(event: CollectStatusEvent): void {
    const served: string[] = [];
    if (this.unit.isLeader()) {
      for (const r of this.model.relations("oauth")) {
        const clientId = r.data(this.app).get("client_id");
        if (r.app === undefined || clientId === undefined) continue;
        try {
          const c = this.oauth.getClientConfig(r);
          if (c === undefined) continue;
          served.push(
            `${r.app.name} client=${clientId} redirect=${redirectUris(c).join(",")} ` +
              `scope=${c.scope} grants=${c.grantTypes.join(",")} ` +
              `audience=${(c.audience ?? []).join(",")} auth=${c.tokenEndpointAuthMethod ?? "?"}`,
          );
        } catch (e) {
          if (!(e instanceof InterfaceDataError)) throw e;
          served.push(`${r.app.name} invalid: ${e.message}`);
        }
      }
    }
    event.addStatus(new ActiveStatus(served.length > 0 ? `serving ${served.join("; ")}` : ""));
  }
}

main(TsOauthProvider);
