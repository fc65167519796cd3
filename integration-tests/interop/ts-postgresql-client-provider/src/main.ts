// Interop charm: our postgresql_client provider, answering as postgresql-k8s does: v0 requirers
// with one user per relation, v1 requirers (a `requests` list) with one user per request.
import { randomBytes } from "node:crypto";
import { DatabaseProvider } from "../../../../lib/interfaces/postgresql-client/index.js";
import type { DatabaseRequestedEvent } from "../../../../lib/interfaces/postgresql-client/index.js";
import {
  ActiveStatus,
  CharmBase,
  type CharmContext,
  type CollectStatusEvent,
  WaitingStatus,
  main,
} from "../../../../lib/ops/index.js";

class TsPostgresqlProvider extends CharmBase {
  private readonly db: DatabaseProvider;

  constructor(ctx: CharmContext) {
    super(ctx);
    this.db = new DatabaseProvider(this, "database");
    this.observe(this.db.on.databaseRequested, this.onRequested);
    this.observe(this.on.collectUnitStatus, this.onCollectUnitStatus);
  }

  private host(role: string): string {
    return `${this.app.name}-${role}.${this.model.name}.svc.cluster.local:5432`;
  }

  onRequested(event: DatabaseRequestedEvent): void {
    const { requestId, database } = event.request;
    const username =
      requestId === undefined
        ? `relation_id_${event.relation.id}`
        : `relation_id_${event.relation.id}_${requestId}`;
    const password = randomBytes(24).toString("base64url");
    const primary = this.host("primary");
    this.db.publish(event.relation, {
      ...(requestId !== undefined ? { requestId } : {}),
      database,
      username,
      password,
      endpoints: primary,
      readOnlyEndpoints: this.host("replicas"),
      uris: `postgresql://${username}:${password}@${primary}/${database}`,
      tls: false,
      version: "16.4",
    });
    this.log.info(
      `answered database ${database} on relation ${event.relation.id}` +
        (requestId !== undefined ? ` (request ${requestId})` : ""),
    );
  }

  onCollectUnitStatus(event: CollectStatusEvent): void {
    if (!this.unit.isLeader()) return event.addStatus(new ActiveStatus());
    // v0 answers carry `endpoints`; v1 answers are in the `requests` list.
    const served = this.model
      .relations("database")
      .filter((r) => {
        const bag = r.data(this.app);
        return r.app !== undefined && (bag.get("endpoints") ?? bag.get("requests")) !== undefined;
      })
      .map((r) => r.app?.name ?? "")
      .sort();
    event.addStatus(
      served.length > 0
        ? new ActiveStatus(`serving ${served.join(",")}`)
        : new WaitingStatus("no request yet"),
    );
  }
}

main(TsPostgresqlProvider);
