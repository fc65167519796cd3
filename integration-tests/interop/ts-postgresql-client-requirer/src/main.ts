// Interop charm: our postgresql_client requirer. Its status shows what it read, with digests in
// place of the credentials.
import { createHash } from "node:crypto";
import { DatabaseRequirer } from "../../../../lib/interfaces/postgresql-client/index.js";
import type { DatabaseCreatedEvent } from "../../../../lib/interfaces/postgresql-client/index.js";
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

class TsPostgresqlRequirer extends CharmBase {
  private readonly db: DatabaseRequirer;

  constructor(ctx: CharmContext) {
    super(ctx);
    this.db = new DatabaseRequirer(this, "database", { database: "interop" });
    this.observe(this.db.on.databaseCreated, this.onCreated);
    this.observe(this.on.collectUnitStatus, this.onCollectUnitStatus);
  }

  onCreated(event: DatabaseCreatedEvent): void {
    const c = this.db.connection();
    this.log.info(`database created on relation ${event.relation.id}: ${c?.database ?? "?"}`);
  }

  onCollectUnitStatus(event: CollectStatusEvent): void {
    const problem = this.db.status();
    if (problem !== undefined) return event.addStatus(problem);
    const c = this.db.connection();
    if (c === undefined) return;
    event.addStatus(
      new ActiveStatus(
        `ready db=${c.database} endpoint=${c.endpoints[0]?.text ?? ""} tls=${c.tls} ` +
          `user=${digest(c.username)} password=${digest(c.password)}`,
      ),
    );
  }
}

main(TsPostgresqlRequirer);
