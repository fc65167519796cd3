/**
 * The db-client test charm: a `DatabaseRequirer` and nothing else. Its status says whether the
 * database is ready; the `connection` action returns the resolved connection so that the test can
 * connect with the credentials the requirer received through Juju secrets.
 */
import { DatabaseRequirer } from "../../../../../lib/interfaces/postgresql-client/index.js";
import {
  type ActionEvent,
  ActiveStatus,
  CharmBase,
  type CharmContext,
  type CollectStatusEvent,
} from "../../../../../lib/ops/index.js";

/** The db-client charm. */
export class DbClientCharm extends CharmBase {
  readonly db: DatabaseRequirer;

  constructor(ctx: CharmContext) {
    super(ctx);
    this.db = new DatabaseRequirer(this, "database", {
      database: this.config.string("database") ?? "appdb",
    });
    this.observe(this.on.action("connection"), this.onConnection);
    this.observe(this.on.collectUnitStatus, this.collectStatus);
  }

  private onConnection(event: ActionEvent): void {
    const c = this.db.connection();
    if (!c) {
      event.fail("the database is not ready");
      return;
    }
    event.setResults({
      username: c.username,
      password: c.password,
      database: c.database,
      endpoint: c.endpoints[0]?.text ?? "",
      "read-only-endpoint": c.readOnlyEndpoints[0]?.text ?? "",
      uris: c.uris ?? "",
      tls: String(c.tls),
      version: c.version ?? "",
    });
  }

  private collectStatus(event: CollectStatusEvent): void {
    const s = this.db.status();
    if (s) event.addStatus(s);
    const c = this.db.connection();
    event.addStatus(new ActiveStatus(c ? `database ${c.database} ready` : ""));
  }
}
