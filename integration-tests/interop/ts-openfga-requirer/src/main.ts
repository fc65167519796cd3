// Interop charm: our openfga requirer. Its status shows what it read, with a digest in place of
// the token.
import { createHash } from "node:crypto";
import { OpenFgaRequirer } from "../../../../lib/interfaces/openfga/index.js";
import type { StoreCreatedEvent } from "../../../../lib/interfaces/openfga/index.js";
import {
  ActiveStatus,
  CharmBase,
  type CharmContext,
  type CollectStatusEvent,
  main,
} from "../../../../lib/ops/index.js";

function digest(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 12);
}

class TsOpenfgaRequirer extends CharmBase {
  private readonly openfga: OpenFgaRequirer;

  constructor(ctx: CharmContext) {
    super(ctx);
    this.openfga = new OpenFgaRequirer(this, "openfga", { storeName: "interop" });
    this.observe(this.openfga.on.storeCreated, this.onStoreCreated);
    this.observe(this.on.collectUnitStatus, this.onCollectUnitStatus);
  }

  onStoreCreated(event: StoreCreatedEvent): void {
    this.log.info(
      `store created on relation ${event.relation.id}: ${this.openfga.store()?.storeId ?? "?"}`,
    );
  }

  onCollectUnitStatus(event: CollectStatusEvent): void {
    const problem = this.openfga.status();
    if (problem !== undefined) return event.addStatus(problem);
    const s = this.openfga.store();
    if (s === undefined) return;
    event.addStatus(
      new ActiveStatus(
        `ready store=${s.storeId} http=${s.httpApiUrl} grpc=${s.grpcApiUrl} token=${digest(s.token)}`,
      ),
    );
  }
}

main(TsOpenfgaRequirer);
