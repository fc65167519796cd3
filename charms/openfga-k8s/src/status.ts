/**
 * The unit's status: the reconcile records what stands in the way as it goes (in the order of
 * the startup path: config, container, peers, database, migration, TLS, service, stores) and
 * collect-status reports the most urgent of them (blocked over waiting over active; the first
 * recorded wins a tie), or active when nothing does.
 *
 * @example
 * ```ts
 * const st = new StatusCollector();
 * st.waiting(MESSAGES.container);
 * collectStatus(event, st); // waiting: "waiting for the openfga container to start"
 * ```
 */
import {
  ActiveStatus,
  BlockedStatus,
  type CollectStatusEvent,
  MaintenanceStatus,
  type StatusBase,
  WaitingStatus,
} from "../../../lib/ops/index.js";

/**
 * The status messages (reference §2.4 of the Python charm, said more precisely where that
 * helps the operator; messages that take values are functions).
 *
 * @example
 * ```ts
 * new BlockedStatus(MESSAGES.missingDatabase("openfga"));
 * ```
 */
export const MESSAGES = {
  container: "waiting for the openfga container to start",
  peers: "waiting for the peer relation",
  missingDatabase: (app: string) =>
    `missing database relation: run \`juju integrate ${app}:database postgresql-k8s\``,
  databaseCreation: "Waiting for database creation",
  newUnit: "waiting for Juju to introduce the relations of this new unit",
  token: "waiting for the leader to create the API token",
  leaderMigration: "Waiting for leader unit to run the migration",
  migrationFailed:
    "Database migration failed: see `juju debug-log`, then retry with the schema-upgrade action",
  schemaUpgrade: (from: string, to: string) =>
    `Waiting for migration to run (schema of ${from}, image ${to}): run the \`schema-upgrade\` action on the leader`,
  version: "waiting for the OpenFGA version (`openfga version` failed: see `juju debug-log`)",
  tlsFiles: "Failed to update the TLS certificates, please check the logs",
  restart: "Failed to restart the service, please check the openfga logs",
  starting: "starting OpenFGA",
  stores: (apps: string) => `waiting for OpenFGA to answer before creating the store of ${apps}`,
  storeFailed: (apps: string) =>
    `failed to create the store of ${apps}: see \`juju debug-log\` (retried on the next hook)`,
} as const;

/**
 * Collects the statuses of one reconcile.
 *
 * @example
 * ```ts
 * const st = new StatusCollector();
 * st.blocked("invalid log-level");
 * st.statuses.length; // 1
 * ```
 */
export class StatusCollector {
  private readonly list: StatusBase[] = [];

  /** Everything recorded, in order. */
  get statuses(): readonly StatusBase[] {
    return this.list;
  }

  /** Records a status (undefined is ignored, for library `status()` results). */
  add(status: StatusBase | undefined): void {
    if (status) this.list.push(status);
  }

  blocked(message: string): void {
    this.add(new BlockedStatus(message));
  }

  waiting(message: string): void {
    this.add(new WaitingStatus(message));
  }

  maintenance(message: string): void {
    this.add(new MaintenanceStatus(message));
  }

  /** Whether anything blocks or waits. */
  get clear(): boolean {
    return this.list.length === 0;
  }
}

/**
 * Adds what the reconcile recorded to a collect-status event, or active when nothing stands in
 * the way.
 *
 * @example
 * ```ts
 * this.observe(this.on.collectUnitStatus, (e) => collectStatus(e, this.outcome));
 * ```
 */
export function collectStatus(event: CollectStatusEvent, collector: StatusCollector): void {
  for (const s of collector.statuses) event.addStatus(s);
  event.addStatus(new ActiveStatus());
}
