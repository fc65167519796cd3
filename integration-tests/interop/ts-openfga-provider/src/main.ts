// Interop charm: our openfga provider. Store ids are derived from the store name, as a real
// OpenFGA would keep one store per name.
import { createHash } from "node:crypto";
import { OpenFgaProvider } from "../../../../lib/interfaces/openfga/index.js";
import type { StoreRequestedEvent } from "../../../../lib/interfaces/openfga/index.js";
import {
  ActiveStatus,
  CharmBase,
  type CharmContext,
  type CollectStatusEvent,
  main,
} from "../../../../lib/ops/index.js";

class TsOpenfgaProvider extends CharmBase {
  private readonly openfga: OpenFgaProvider;

  constructor(ctx: CharmContext) {
    super(ctx);
    this.openfga = new OpenFgaProvider(this, "openfga");
    this.observe(this.openfga.on.storeRequested, this.onStoreRequested);
    this.observe(this.on.collectUnitStatus, this.onCollectUnitStatus);
  }

  private url(port: number): string {
    return `http://${this.app.name}.${this.model.name}.svc.cluster.local:${port}`;
  }

  onStoreRequested(event: StoreRequestedEvent): void {
    const storeId =
      "01" + createHash("sha256").update(event.storeName).digest("hex").slice(0, 24).toUpperCase();
    this.openfga.publish(event.relation, {
      storeId,
      tokenSecret: this.openfga.ensureTokenSecret(),
      httpApiUrl: this.url(8080),
      grpcApiUrl: this.url(8081),
    });
    this.log.info(`store ${event.storeName} for ${event.relation.app?.name ?? "?"}: ${storeId}`);
  }

  onCollectUnitStatus(event: CollectStatusEvent): void {
    const served = this.unit.isLeader()
      ? this.model
          .relations("openfga")
          .filter((r) => r.app !== undefined && r.data(this.app).get("store_id") !== undefined)
          .map((r) => r.app?.name ?? "")
          .sort()
      : [];
    event.addStatus(new ActiveStatus(served.length > 0 ? `serving ${served.join(",")}` : ""));
  }
}

main(TsOpenfgaProvider);
