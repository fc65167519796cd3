/**
 * The local stand-in of `postgresql-k8s`: a real PostgreSQL server under Pebble, providing
 * `database` (postgresql_client, v0 and v1 requirers) with the data the real charm publishes.
 *
 * One holistic reconcile runs once per hook, on every event that can change what the charm
 * manages:
 *
 * 1. The leader makes the operator password (an app secret) and records the primary in the peer
 *    application bag (itself, unless the recorded primary is still a unit).
 * 2. The primary makes the `postgres` account in its container, runs `initdb` on first start,
 *    writes `pg_hba.conf`, starts the server through its Pebble layer, and writes its cluster id
 *    and version in its peer unit bag. Other units stay waiting: the stand-in is single-primary.
 * 3. The leader answers every `database` request whose answer is missing or stale: it creates
 *    the user (`relation_id_<id>` for a v0 requirer, `relation_id_<id>_<request-id>` for each
 *    request of a v1 requirer; generated password) and the database over SQL on the primary,
 *    then publishes them through `DatabaseProvider` (v0: secret-user, secret-tls, endpoints,
 *    read-only-endpoints, version, database; v1: the same per request in the `requests` list).
 *    Relations and v1 requests that are gone lose their user.
 *
 * Collect-status reports what the reconcile saw: active "Primary" on the serving unit.
 */
import { randomBytes } from "node:crypto";
import {
  DatabaseProvider,
  type RequestState,
  secretLabel,
} from "../../../../lib/interfaces/postgresql-client/index.js";
import {
  type ActionEvent,
  ActiveStatus,
  BlockedStatus,
  CharmBase,
  type CharmContext,
  type CollectStatusEvent,
  MaintenanceStatus,
  type Relation,
  SecretNotFoundError,
  type SecretRemoveEvent,
  type StatusBase,
  WaitingStatus,
} from "../../../../lib/ops/index.js";
import { ConnectionError } from "../../../../lib/pebble/errors.js";
import {
  PEER,
  ensureOperatorPassword,
  generatePassword,
  readOperatorPassword,
} from "./passwords.js";
import {
  type AdminConnector,
  type ExtraRoles,
  type PgAdmin,
  SqlError,
  connectAdmin,
  parseExtraUserRoles,
} from "./sql.js";
import {
  CLUSTER_ID_KEY,
  PRIMARY_KEY,
  PROVISIONED_KEY,
  VERSION_KEY,
  choosePrimary,
  databaseNameProblem,
  parseProvisioned,
  parseRequestKey,
  podFqdn,
  provisionKey,
  relationUser,
  requestKey,
  serviceFqdn,
} from "./topology.js";
import { CONTAINER, OPERATOR_USER, PORT, PostgresqlWorkload, WorkloadError } from "./workload.js";

/** The provided endpoint. */
const DATABASE = "database";

/** What the reconcile of this hook found, for collect-status. */
interface Outcome {
  statuses: StatusBase[];
}

/** A request that needs the user and database ensured, then an answer. */
interface Job {
  relation: Relation;
  /** v1 requirers: the request answered. */
  requestId?: string;
  /** Its {@link Provisioned} key (`requestKey`). */
  record: string;
  database: string;
  roles: ExtraRoles;
  key: string;
}

/**
 * The postgresql-k8s stand-in charm (see the module documentation).
 *
 * @example
 * ```ts
 * main(PostgresqlK8sCharm);
 * ```
 */
export class PostgresqlK8sCharm extends CharmBase {
  /** The `database` provider. */
  readonly db: DatabaseProvider;
  private outcome: Promise<Outcome> | undefined;
  private readonly cache = this.storedState<{ workloadVersion: string }>("workload", {
    workloadVersion: "",
  });

  constructor(ctx: CharmContext) {
    super(ctx);
    this.db = new DatabaseProvider(this, DATABASE);
    const peers = this.on.relation(PEER);
    const db = this.on.relation(DATABASE);
    for (const source of [
      this.on.install,
      this.on.configChanged,
      this.on.leaderElected,
      this.on.upgradeCharm,
      this.on.updateStatus,
      this.on.container(CONTAINER).pebbleReady,
      this.on.storage("pgdata").attached,
      peers.created,
      peers.joined,
      peers.changed,
      peers.departed,
      db.created,
      db.joined,
      db.changed,
      db.departed,
      db.broken,
    ]) {
      this.observe(source, this.onEvent);
    }
    this.observe(this.on.action("get-password"), this.onGetPassword);
    this.observe(this.on.secretRemove, this.onSecretRemove);
    this.observe(this.on.collectUnitStatus, this.collectUnitStatus);
  }

  /** An old revision of one of our secrets is tracked by nobody any more: remove it. */
  private onSecretRemove(event: SecretRemoveEvent): void {
    if (!this.unit.isLeader() || event.revision === undefined) return;
    event.secret.removeRevision(event.revision);
  }

  /** How the leader reaches the server; tests give a fake. */
  protected adminConnector(): AdminConnector {
    return connectAdmin;
  }

  private async onEvent(): Promise<void> {
    await this.reconcileOnce();
  }

  private reconcileOnce(): Promise<Outcome> {
    this.outcome ??= this.reconcile();
    return this.outcome;
  }

  private async reconcile(): Promise<Outcome> {
    const statuses: StatusBase[] = [];
    const peers = this.model.getRelation(PEER);
    const leader = this.unit.isLeader();
    if (leader) ensureOperatorPassword(this.model);
    if (!peers) return { statuses: [new WaitingStatus("waiting for the peer relation")] };
    let primary = peers.data(this.app).get(PRIMARY_KEY);
    if (leader) {
      const units = [this.unit.name, ...peers.units.map((u) => u.name)];
      const chosen = choosePrimary(primary, this.unit.name, units);
      if (chosen !== primary) {
        if (primary !== undefined)
          this.log.info(`primary ${primary} is gone: ${chosen} serves now`);
        peers.data(this.app).set(PRIMARY_KEY, chosen);
        primary = chosen;
      }
    }
    if (primary === undefined) {
      statuses.push(new WaitingStatus("waiting for the leader to choose the primary"));
    } else if (primary === this.unit.name) {
      statuses.push(await this.servePrimary(peers));
    } else {
      statuses.push(
        new WaitingStatus(`standby: this stand-in serves from one primary (${primary})`),
      );
    }
    if (leader && primary !== undefined) statuses.push(...(await this.provision(peers, primary)));
    return { statuses };
  }

  /** Runs the server on this unit (the primary); returns its status. */
  private async servePrimary(peers: Relation): Promise<StatusBase> {
    const container = this.unit.getContainer(CONTAINER);
    if (!(await container.canConnect()))
      return new WaitingStatus("waiting for Pebble in workload container");
    const password = readOperatorPassword(this.model);
    if (password === undefined)
      return new WaitingStatus("waiting for the leader to create the operator password");
    const pg = new PostgresqlWorkload(container);
    try {
      const account = await pg.ensureAccount();
      await pg.ensureDataDir(account);
      const mine = peers.data(this.unit);
      let clusterId = mine.get(CLUSTER_ID_KEY);
      if (!(await pg.isInitialised())) {
        this.unit.status = new MaintenanceStatus("initialising PostgreSQL");
        await pg.initdb(account, password);
        clusterId = undefined;
      }
      const configChanged = await pg.ensureConfig(account);
      await pg.ensureServer(account, configChanged);
      if (this.cache.data.workloadVersion === "") {
        const version = (await pg.version()) ?? "";
        if (version !== "") this.unit.setWorkloadVersion(version);
        this.cache.data.workloadVersion = version;
      }
      mine.update({
        [CLUSTER_ID_KEY]: clusterId ?? randomBytes(8).toString("hex"),
        [VERSION_KEY]: this.cache.data.workloadVersion || undefined,
      });
      this.unit.setPorts([{ protocol: "tcp", port: PORT }]);
      const state = await pg.serviceState();
      if (state === "active") return new ActiveStatus("Primary");
      if (state === "backoff" || state === "error")
        return new BlockedStatus(`PostgreSQL service is in ${state}; see the container log`);
      return new MaintenanceStatus("starting PostgreSQL");
    } catch (e) {
      if (e instanceof WorkloadError) {
        this.log.error(e.detail ? `${e.message}:\n${e.detail}` : e.message);
        return new BlockedStatus(`${e.message}; see juju debug-log`);
      }
      if (e instanceof ConnectionError)
        return new WaitingStatus("waiting for Pebble in workload container");
      throw e;
    }
  }

  /** The password already published for a request's user (in its secret or, v0, in clear). */
  private publishedPassword(relation: Relation, requestId?: string): string | undefined {
    const clear = requestId === undefined ? relation.data(this.app).get("password") : undefined;
    if (clear) return clear;
    try {
      const content = this.model
        .getSecret({ label: secretLabel(DATABASE, relation.id, "user", requestId) })
        .getContent({ refresh: true });
      return content.password || undefined;
    } catch (e) {
      if (e instanceof SecretNotFoundError) return undefined;
      throw e;
    }
  }

  /**
   * Leader: ensures and publishes every relation whose answer is missing or stale, and drops the
   * users of relations that are gone. Returns the statuses of what could not be done.
   */
  private async provision(peers: Relation, primary: string): Promise<StatusBase[]> {
    const statuses: StatusBase[] = [];
    const primaryBag = primary === this.unit.name ? peers.data(this.unit) : peers.data(primary);
    let cluster: string | undefined;
    let version: string | undefined;
    // The primary's unit bag is unreadable once it left the relation.
    if (primary === this.unit.name || peers.units.some((u) => u.name === primary)) {
      cluster = primaryBag.get(CLUSTER_ID_KEY);
      version = primaryBag.get(VERSION_KEY);
    }
    // The leader administers the primary by its pod name; clients get the Services' names.
    const host = podFqdn(primary, this.model.name);
    const endpoint = `${serviceFqdn(this.app.name, "primary", this.model.name)}:${PORT}`;
    const records = parseProvisioned(peers.data(this.app).get(PROVISIONED_KEY));
    const requests = this.db.requests();
    const drops = Object.keys(records).filter((k) => isGone(k, requests));
    const jobs: Job[] = [];
    let waiting = false;
    for (const r of requests) {
      const job = this.jobFor(r, statuses, { cluster, version, endpoint });
      if (job === "waiting") waiting = true;
      else if (job !== undefined && records[job.record] !== job.key) jobs.push(job);
    }
    if (waiting) statuses.push(new WaitingStatus("waiting for the primary to start PostgreSQL"));
    if ((jobs.length === 0 && drops.length === 0) || cluster === undefined) return statuses;

    const password = readOperatorPassword(this.model);
    if (password === undefined) return statuses;
    let admin: PgAdmin;
    try {
      admin = await this.adminConnector()(
        {
          // The leader reaches its own server over loopback, another unit's by its pod name.
          host: primary === this.unit.name ? "127.0.0.1" : host,
          port: PORT,
          user: OPERATOR_USER,
          password,
        },
        { timeoutMs: 30_000 },
      );
    } catch (e) {
      if (!(e instanceof SqlError)) throw e;
      this.log.warning(e.message);
      statuses.push(
        e.transient
          ? new WaitingStatus("waiting for PostgreSQL to accept connections")
          : new BlockedStatus(`${e.message}`),
      );
      return statuses;
    }
    try {
      for (const key of drops) {
        const { relationId, requestId } = parseRequestKey(key);
        const user = relationUser(relationId, requestId);
        const what = requestId === undefined ? "relation" : `request ${requestId} of relation`;
        try {
          await admin.dropUser(user);
          this.log.info(`${what} ${DATABASE}:${relationId} is gone: dropped ${user}`);
          delete records[key];
        } catch (e) {
          if (!(e instanceof SqlError)) throw e;
          this.log.warning(`cannot drop ${user} yet: ${e.message}`);
        }
      }
      for (const job of jobs) {
        try {
          await this.answer(admin, job, {
            endpoint,
            readOnlyEndpoint: `${serviceFqdn(this.app.name, "replicas", this.model.name)}:${PORT}`,
            version: version ?? "",
          });
          records[job.record] = job.key;
        } catch (e) {
          if (!(e instanceof SqlError)) throw e;
          this.log.warning(`${job.relation}: ${e.message}`);
          statuses.push(
            e.transient
              ? new WaitingStatus("waiting for PostgreSQL to accept connections")
              : new BlockedStatus(`${DATABASE}:${job.relation.id}: ${e.message}`),
          );
        }
      }
    } finally {
      await admin.close();
    }
    peers.data(this.app).set(PROVISIONED_KEY, JSON.stringify(records));
    return statuses;
  }

  /** What to do for one request: a job, nothing (undefined), or wait for the primary. */
  private jobFor(
    r: RequestState,
    statuses: StatusBase[],
    at: { cluster: string | undefined; version: string | undefined; endpoint: string },
  ): Job | "waiting" | undefined {
    if (r.state === "none") return undefined;
    const where = `${DATABASE}:${r.relation.id}`;
    if (r.state === "invalid") {
      this.log.warning(r.error.message);
      statuses.push(new BlockedStatus(`${where}: ${r.error.statusMessage}`));
      return undefined;
    }
    const problem = databaseNameProblem(r.request.database);
    if (problem !== undefined) {
      statuses.push(new BlockedStatus(`${where}: ${problem}`));
      return undefined;
    }
    const roles = parseExtraUserRoles(r.request.extraUserRoles);
    if ("error" in roles) {
      statuses.push(new BlockedStatus(`${where}: ${roles.error}`));
      return undefined;
    }
    if (at.cluster === undefined || at.version === undefined) return "waiting";
    const { requestId } = r.request;
    return {
      relation: r.relation,
      ...(requestId !== undefined ? { requestId } : {}),
      record: requestKey(r.relation.id, requestId),
      database: r.request.database,
      roles,
      key: provisionKey({
        cluster: `${at.cluster}`,
        endpoint: at.endpoint,
        database: r.request.database,
        roles: JSON.stringify(roles),
        version: at.version,
      }),
    };
  }

  /** Ensures the relation's user and database, then publishes them as postgresql-k8s does. */
  private async answer(
    admin: PgAdmin,
    job: Job,
    at: { endpoint: string; readOnlyEndpoint: string; version: string },
  ): Promise<void> {
    const user = relationUser(job.relation.id, job.requestId);
    const password = this.publishedPassword(job.relation, job.requestId) ?? generatePassword();
    await admin.ensureUser(user, password, job.roles);
    await admin.ensureDatabase(job.database, user);
    const uri = `postgresql://${user}:${password}@${at.endpoint}/${job.database}`;
    const readOnlyUri = `postgresql://${user}:${password}@${at.readOnlyEndpoint}/${job.database}`;
    this.db.publish(job.relation, {
      ...(job.requestId !== undefined ? { requestId: job.requestId } : {}),
      database: job.database,
      username: user,
      password,
      endpoints: at.endpoint,
      // As the real charm: the replicas Service (in the local model every unit; standbys serve
      // nothing, and clients such as libpq go on to the next address).
      readOnlyEndpoints: at.readOnlyEndpoint,
      uris: uri,
      readOnlyUris: readOnlyUri,
      tls: false,
      version: at.version,
    });
    this.log.info(`${job.relation}: database ${JSON.stringify(job.database)} ready for ${user}`);
  }

  private onGetPassword(event: ActionEvent): void {
    const username = String(event.params.username ?? OPERATOR_USER);
    if (username !== OPERATOR_USER) {
      event.fail(`this stand-in manages only the ${OPERATOR_USER} user, not ${username}`);
      return;
    }
    const password = readOperatorPassword(this.model);
    if (password === undefined) {
      event.fail("the operator password does not exist yet: the leader creates it");
      return;
    }
    event.setResults({ password });
  }

  private async collectUnitStatus(event: CollectStatusEvent): Promise<void> {
    const { statuses } = await this.reconcileOnce();
    for (const s of statuses) event.addStatus(s);
    if (statuses.length === 0) event.addStatus(new WaitingStatus("waiting"));
  }
}

/**
 * Whether what was provisioned under `key` has no request any more: its relation is gone, or (v1)
 * its relation no longer lists that request. A v1 relation whose requests cannot all be read
 * keeps its users.
 */
function isGone(key: string, requests: readonly RequestState[]): boolean {
  const { relationId, requestId } = parseRequestKey(key);
  const mine = requests.filter((r) => r.relation.id === relationId);
  if (mine.length === 0) return true;
  if (requestId === undefined) return false;
  if (mine.some((r) => r.state === "invalid")) return false;
  return !mine.some((r) => r.state === "requested" && r.request.requestId === requestId);
}
