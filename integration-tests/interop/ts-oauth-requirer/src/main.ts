// Interop charm: our oauth requirer. Its status shows what it read, with a digest in place of
// the client secret.
import { createHash } from "node:crypto";
import { InterfaceDataError } from "../../../../lib/interfaces/common/databag.js";
import { OAuthRequirer } from "../../../../lib/interfaces/oauth/index.js";
import type {
  InvalidClientConfigEvent,
  OAuthInfoChangedEvent,
} from "../../../../lib/interfaces/oauth/index.js";
import {
  ActiveStatus,
  BlockedStatus,
  CharmBase,
  type CharmContext,
  type CollectStatusEvent,
  WaitingStatus,
  main,
} from "../../../../lib/ops/index.js";

function digest(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 12);
}

class TsOauthRequirer extends CharmBase {
  private readonly oauth: OAuthRequirer;
  private invalid: string | undefined;

  constructor(ctx: CharmContext) {
    super(ctx);
    this.oauth = new OAuthRequirer(this, {
      clientConfig: {
        redirectUri: "https://ts-req.example.com/auth/callback",
        scope: "openid profile email",
        grantTypes: ["authorization_code", "refresh_token"],
      },
    });
    this.observe(this.oauth.infoChanged, this.onInfoChanged);
    this.observe(this.oauth.invalidClientConfig, this.onInvalid);
    this.observe(this.on.collectUnitStatus, this.onCollectUnitStatus);
  }

  onInfoChanged(event: OAuthInfoChangedEvent): void {
    const creds = this.oauth.getClientCredentials();
    this.log.info(
      `oauth client registered: ${event.clientId} secret=${digest(creds?.clientSecret ?? "")}`,
    );
  }

  onInvalid(event: InvalidClientConfigEvent): void {
    this.invalid = event.error;
  }

  onCollectUnitStatus(event: CollectStatusEvent): void {
    if (this.invalid !== undefined) return event.addStatus(new BlockedStatus(this.invalid));
    if (this.oauth.relation === undefined) return event.addStatus(new BlockedStatus("needs oauth"));
    try {
      // The tracked revision: the library moves it to the latest on secret-changed.
      const creds = this.oauth.getClientCredentials();
      const info = this.oauth.getProviderInfo();
      if (creds === undefined || info === undefined) {
        return event.addStatus(new WaitingStatus("waiting for the oauth client"));
      }
      event.addStatus(
        new ActiveStatus(
          `ready client=${creds.clientId} issuer=${info.issuerUrl} token=${info.tokenEndpoint} ` +
            `introspect=${info.introspectionEndpoint} secret=${digest(creds.clientSecret)}`,
        ),
      );
    } catch (e) {
      if (!(e instanceof InterfaceDataError)) throw e;
      event.addStatus(new BlockedStatus(e.statusMessage));
    }
  }
}

main(TsOauthRequirer);
