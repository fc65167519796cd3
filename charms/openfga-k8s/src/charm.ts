/**
 * The openfga-k8s charm: OpenFGA in a Kubernetes sidecar container, with PostgreSQL for its
 * data, serving stores and a preshared API key to `openfga` requirers.
 *
 * Every event runs one holistic {@link OpenFgaCharm.reconcile}: it reads config, relations and
 * secrets, computes the desired workload (Pebble layer, TLS files, ports, relation data) and
 * applies only the differences; OpenFGA restarts only when its rendered plan or its files
 * change. What stands in the way is recorded as it goes and reported by collect-status.
 *
 * @example
 * ```ts
 * // src/main.ts
 * main(OpenFgaCharm);
 * ```
 */
import { createHash } from "node:crypto";
import { InterfaceDataError } from "../../../lib/interfaces/common/databag.js";
import { CertificateTransferProvider } from "../../../lib/interfaces/certificate-transfer/index.js";
import { GrafanaDashboardProvider } from "../../../lib/interfaces/grafana-dashboard/index.js";
import { IngressRequirer } from "../../../lib/interfaces/ingress/index.js";
import { LokiPushApiRequirer } from "../../../lib/interfaces/loki-push-api/index.js";
import { OpenFgaProvider, TOKEN_SECRET_LABEL } from "../../../lib/interfaces/openfga/index.js";
import { DatabaseRequirer } from "../../../lib/interfaces/postgresql-client/index.js";
import { MetricsEndpointProvider } from "../../../lib/interfaces/prometheus-scrape/index.js";
import {
  type AssignedCertificate,
  TlsCertificatesRequirer,
} from "../../../lib/interfaces/tls-certificates/index.js";
import { TracingRequirer } from "../../../lib/interfaces/tracing/index.js";
import {
  type ActionEvent,
  CharmBase,
  type CharmContext,
  type CollectStatusEvent,
  type Container,
  type EventSource,
  type Relation,
  type Secret,
  SecretNotFoundError,
  type StoredState,
} from "../../../lib/ops/index.js";
import { ensureLayerDiff } from "../../../lib/pebble/ensure-layer.js";
import type { ServiceInfo } from "../../../lib/pebble/types.js";
import { ExecError, PebbleError, isNotFound } from "../../../lib/pebble/errors.js";
import { type CharmConfig, readConfig } from "./config.js";
import { type KubernetesAccess, applyComputeResources, trustMessage } from "./k8s-resources.js";
import { assetDirs } from "./observability.js";
import { MESSAGES, StatusCollector, collectStatus } from "./status.js";
import { OpenFgaUnavailableError, StoreClient, type StoreClientOptions } from "./stores.js";
import {
  CONTAINER,
  type DatabaseInputs,
  GRPC_PORT,
  HTTP_PORT,
  LAYER_LABEL,
  METRICS_PORT,
  SERVICE,
  TLS_PATHS,
  type TlsFiles,
  migrationEnvironment,
  openfgaLayer,
  parseVersion,
  withCaInBundle,
} from "./workload.js";

/** The peer relation, where the leader records migrations and applied resources. */
const PEERS = "peer";
/** Peer app bag key of the resources last applied to the StatefulSet (JSON). */
const APPLIED_RESOURCES_KEY = "k8s-resources";
/** Events on which a failed Kubernetes apply is tried again. */
const RESOURCE_RETRY_EVENTS = new Set([
  "config-changed",
  "upgrade-charm",
  "leader-elected",
  "update-status",
]);

/** Hooks on which the unit (re)opens its ports. */
const PORT_EVENTS = new Set(["install", "start", "upgrade-charm", "leader-elected"]);

/**
 * The peer app bag key holding the OpenFGA version the database of relation `id` was migrated
 * to (the Python charm's key, so an upgraded deployment keeps its record).
 *
 * @example
 * ```ts
 * migrationKey(7); // "migration_version_7"
 * ```
 */
export const migrationKey = (relationId: number): string => `migration_version_${relationId}`;

type Stored = {
  /** The OpenFGA version of the running image (`openfga version`), refreshed on pebble-ready. */
  workloadVersion: string;
  /** Fingerprint of the last automatic migration that failed (not retried automatically). */
  failedMigration: string;
  /**
   * SHA-256 of the layer last added: when it matches and Pebble has the service, the plan is
   * ours as rendered, and the hook skips fetching and parsing it (YAML) at all.
   */
  appliedLayer: string;
  /** Whether the TLS files were last put in place (so that their removal is only tried then). */
  tlsFiles: boolean;
  /** The resources whose apply failed, and why (retried on a few events only). */
  resourceFailure: { desired: string; message: string } | null;
  /**
   * True from this unit's `install` until its first `start`: Juju introduces the existing
   * relations in between (relation-created), so a relation not seen yet is not missing yet.
   */
  settingUp: boolean;
};

/**
 * The openfga-k8s charm.
 *
 * @example
 * ```ts
 * const ctx = new Context(OpenFgaCharm, { charmDir: "charms/openfga-k8s" });
 * ```
 */
export class OpenFgaCharm extends CharmBase {
  readonly database: DatabaseRequirer;
  readonly openfga: OpenFgaProvider;
  readonly httpIngress: IngressRequirer;
  readonly grpcIngress: IngressRequirer;
  readonly tls: TlsCertificatesRequirer;
  readonly sendCa: CertificateTransferProvider;
  readonly metrics: MetricsEndpointProvider;
  readonly logging: LokiPushApiRequirer;
  readonly dashboards: GrafanaDashboardProvider;
  readonly tracing: TracingRequirer;
  private readonly stored: StoredState<Stored>;
  /** What the last reconcile of this hook found in the way; read by collect-status. */
  private outcome: StatusCollector | undefined;

  constructor(ctx: CharmContext) {
    super(ctx);
    const fqdn = this.serviceFqdn();
    const assets = assetDirs();
    this.database = new DatabaseRequirer(this, "database", { database: "openfga" });
    this.openfga = new OpenFgaProvider(this, "openfga");
    this.httpIngress = new IngressRequirer(this, {
      endpoint: "http-ingress",
      port: HTTP_PORT,
      stripPrefix: true,
    });
    this.grpcIngress = new IngressRequirer(this, {
      endpoint: "grpc-ingress",
      port: GRPC_PORT,
      scheme: "h2c",
      stripPrefix: true,
    });
    this.tls = new TlsCertificatesRequirer(this, "certificates", {
      requests: [{ commonName: fqdn, sansDns: [fqdn], sansIp: ["127.0.0.1", "0.0.0.0"] }],
    });
    // The CA is published by reconcile (leader), once the certificate is known.
    this.sendCa = new CertificateTransferProvider(this, "send-ca-cert");
    this.metrics = new MetricsEndpointProvider(this, {
      jobs: [{ metrics_path: "/metrics", static_configs: [{ targets: [`*:${METRICS_PORT}`] }] }],
      alertRulesPath: assets.prometheusRules,
    });
    this.logging = new LokiPushApiRequirer(this, {
      containers: [CONTAINER],
      alertRulesPath: assets.lokiRules,
    });
    this.dashboards = new GrafanaDashboardProvider(this, { dashboardsPath: assets.dashboards });
    this.tracing = new TracingRequirer(this, { protocols: ["otlp_grpc"] });
    this.stored = this.storedState<Stored>("state", {
      workloadVersion: "",
      failedMigration: "",
      appliedLayer: "",
      tlsFiles: false,
      resourceFailure: null,
      settingUp: false,
    });

    // One reconcile for every event that can change the desired state. The libraries observe
    // first (they were created first), so their relation data is in place when it runs.
    const on = this.on;
    const sources: EventSource<never>[] = [
      on.install,
      on.start,
      on.configChanged,
      on.upgradeCharm,
      on.leaderElected,
      on.updateStatus,
      on.secretChanged,
      on.container(CONTAINER).pebbleReady,
      on.container(CONTAINER).pebbleCheckFailed,
      on.container(CONTAINER).pebbleCheckRecovered,
    ] as EventSource<never>[];
    for (const endpoint of this.meta.relations.keys()) {
      const rel = on.relation(endpoint);
      sources.push(
        ...([
          rel.created,
          rel.joined,
          rel.changed,
          rel.departed,
          rel.broken,
        ] as EventSource<never>[]),
      );
    }
    for (const source of sources) this.observe(source, this.reconcile);
    this.observe(on.action("schema-upgrade"), this.onSchemaUpgrade);
    this.observe(on.collectUnitStatus, this.onCollectStatus);
  }

  /** `<app>.<model>.svc.cluster.local`, the Kubernetes service of the application. */
  private serviceFqdn(): string {
    return `${this.app.name}.${this.model.name}.svc.cluster.local`;
  }

  /**
   * How to reach the Kubernetes API; undefined means the pod's in-cluster service account.
   * Tests override it to point at a local stand-in.
   */
  protected kubernetesAccess(): KubernetesAccess | undefined {
    return undefined;
  }

  /** Options of the store client; tests override it (a faster backoff). */
  protected storeClientOptions(options: StoreClientOptions): StoreClientOptions {
    return options;
  }

  private onCollectStatus(event: CollectStatusEvent): void {
    // Events the charm does not reconcile on (stop, remove, ...) leave the status as it is.
    if (this.outcome) collectStatus(event, this.outcome);
  }

  // ---------------------------------------------------------------------------------------
  // Reconcile
  // ---------------------------------------------------------------------------------------

  /** Brings everything the charm manages to the desired state. Idempotent. */
  async reconcile(): Promise<void> {
    const st = new StatusCollector();
    this.outcome = st;
    const hook = this.juju.event.name;
    if (hook === "install" || hook === "start") this.stored.data.settingUp = hook === "install";
    const cfg = readConfig(this.config.toObject());
    for (const error of cfg.errors) st.blocked(error);
    const leader = this.unit.isLeader();
    const peers = this.model.getRelation(PEERS);

    const { secret: tokenSecret, token } = this.tokenSecret(leader);
    if (leader && peers) await this.reconcileResources(cfg, peers, st);

    // The ports never change: Juju keeps them open, so set them on the hooks that start a unit
    // or a new charm, not on every hook (two hook tools less per hook).
    if (PORT_EVENTS.has(this.juju.event.name) || this.juju.event.name.endsWith("-pebble-ready")) {
      this.unit.setPorts([
        { protocol: "tcp", port: HTTP_PORT },
        { protocol: "tcp", port: GRPC_PORT },
        { protocol: "tcp", port: METRICS_PORT },
      ]);
    }
    const certificate = this.certificate(st);
    const tlsFiles = this.tlsFiles(certificate);
    this.publishIngressRequests(tlsFiles !== undefined);
    const urls = this.apiUrls(tlsFiles !== undefined, st);
    if (leader) {
      this.sendCa.publish(tlsFiles ? [tlsFiles.ca] : []);
      this.tracing.requestProtocols(["otlp_grpc"]);
    }

    const serving = await this.reconcileWorkload(cfg, token, tlsFiles, peers, st);
    if (leader && tokenSecret && token) {
      if (serving) await this.createStores(tokenSecret, token, urls, tlsFiles, st);
      else this.waitForStores(st);
      this.openfga.updateUrls(urls);
    }
  }

  /**
   * The app secret holding the preshared key, and the key. Any unit reads it by its label; the
   * leader creates it the first time (and only then: scaling and new leaders keep it).
   */
  private tokenSecret(leader: boolean): { secret?: Secret; token?: string } {
    let secret: Secret;
    try {
      secret = this.model.getSecret({ label: TOKEN_SECRET_LABEL });
    } catch (e) {
      if (!(e instanceof SecretNotFoundError)) throw e;
      if (!leader) return {};
      secret = this.openfga.ensureTokenSecret();
    }
    const token = secret.getContent().token;
    return token ? { secret, token } : {};
  }

  /** This unit's certificate, when the certificates relation gave one. */
  private certificate(st: StatusCollector): AssignedCertificate | undefined {
    st.add(this.tls.status());
    return this.tls.assignedCertificates()[0];
  }

  private tlsFiles(cert: AssignedCertificate | undefined): TlsFiles | undefined {
    const key = cert ? this.tls.privateKey() : undefined;
    if (!cert || !key) return undefined;
    const chain = cert.chain.length > 0 ? cert.chain : [cert.certificate];
    // The leaf first, then the intermediates: the root (the CA) is not served.
    const served = [
      cert.certificate,
      ...chain.filter((c) => c !== cert.certificate && c !== cert.ca),
    ];
    return { cert: `${served.map((c) => c.trim()).join("\n")}\n`, key, ca: `${cert.ca.trim()}\n` };
  }

  /** Every unit publishes its ingress data; TLS changes the scheme traefik uses to reach us. */
  private publishIngressRequests(tls: boolean): void {
    if (this.httpIngress.relation) {
      this.httpIngress.provideIngressRequirements({
        port: HTTP_PORT,
        stripPrefix: true,
        ...(tls ? { scheme: "https" } : {}),
      });
    }
    if (this.grpcIngress.relation) {
      this.grpcIngress.provideIngressRequirements({
        port: GRPC_PORT,
        stripPrefix: true,
        scheme: tls ? "https" : "h2c",
      });
    }
  }

  /** The URLs requirers get: ingress when ready, the cluster service otherwise. */
  private apiUrls(tls: boolean, st: StatusCollector): { httpApiUrl: string; grpcApiUrl: string } {
    const ingressUrl = (requirer: IngressRequirer): string | undefined => {
      try {
        return requirer.url;
      } catch (e) {
        if (!(e instanceof InterfaceDataError)) throw e;
        st.blocked(e.statusMessage);
        return undefined;
      }
    };
    const fqdn = this.serviceFqdn();
    return {
      httpApiUrl:
        ingressUrl(this.httpIngress) ?? `${tls ? "https" : "http"}://${fqdn}:${HTTP_PORT}`,
      grpcApiUrl: ingressUrl(this.grpcIngress) ?? `${fqdn}:${GRPC_PORT}`,
    };
  }

  /**
   * The workload, along the startup path: container, peers, database, migration, TLS files,
   * layer, service. Returns whether OpenFGA runs with the desired configuration.
   */
  private async reconcileWorkload(
    cfg: CharmConfig,
    token: string | undefined,
    tls: TlsFiles | undefined,
    peers: Relation | undefined,
    st: StatusCollector,
  ): Promise<boolean> {
    const container = this.unit.getContainer(CONTAINER);
    // The service list doubles as the connection check: one Pebble request instead of two.
    let service: ServiceInfo | undefined;
    try {
      [service] = await container.pebble.getServices([SERVICE]);
    } catch (e) {
      if (!(e instanceof PebbleError)) throw e;
      st.waiting(MESSAGES.container);
      return false;
    }
    const version = await this.workloadVersion(container);
    if (!peers) {
      st.waiting(MESSAGES.peers);
      return false;
    }
    const readiness = this.database.readiness();
    if (readiness.state !== "ready") {
      if (readiness.state === "absent" && this.stored.data.settingUp) st.waiting(MESSAGES.newUnit);
      else if (readiness.state === "absent") st.blocked(MESSAGES.missingDatabase(this.app.name));
      else if (readiness.state === "invalid") st.blocked(readiness.error.statusMessage);
      else st.waiting(MESSAGES.databaseCreation);
      if (readiness.state === "absent" && service?.current === "active") {
        await container.pebble.stopServices([SERVICE]);
        this.log.info("OpenFGA stopped: the database relation is gone");
      }
      return false;
    }
    if (!token) {
      st.waiting(MESSAGES.token);
      return false;
    }
    if (!version) {
      st.waiting(MESSAGES.version);
      return false;
    }
    const conn = readiness.connection;
    const db: DatabaseInputs = {
      username: conn.username,
      password: conn.password,
      endpoint: conn.endpoints[0]!.text,
      ...(conn.readOnlyEndpoints[0] ? { readOnlyEndpoint: conn.readOnlyEndpoints[0].text } : {}),
      database: conn.database,
    };
    const relationId = this.database.relation!.id;
    if (!(await this.ensureMigrated(container, peers, relationId, db, version, st))) return false;
    if (!cfg.logLevelValid) return false; // blocked already; the running workload stays as it is

    let filesChanged: boolean;
    try {
      filesChanged = await this.syncTlsFiles(container, tls);
    } catch (e) {
      this.log.error(`cannot update the TLS files in the container: ${(e as Error).message}`);
      st.blocked(MESSAGES.tlsFiles);
      return false;
    }
    const tracingEndpoint = this.tracingEndpoint();
    const layer = openfgaLayer({
      logLevel: cfg.logLevel,
      token,
      database: db,
      tls: tls !== undefined,
      ...(tracingEndpoint ? { tracingEndpoint } : {}),
    });
    const layerHash = createHash("sha256").update(JSON.stringify(layer)).digest("hex");
    try {
      let replanned = false;
      if (!service || this.stored.data.appliedLayer !== layerHash) {
        const diff = await ensureLayerDiff(container.pebble, LAYER_LABEL, layer);
        this.stored.data.appliedLayer = layerHash;
        replanned = diff.services.includes(SERVICE);
        [service] = await container.pebble.getServices([SERVICE]);
      }
      if (replanned) {
        this.log.info("OpenFGA (re)started: its configuration changed");
      } else if (service?.current !== "active") {
        await container.pebble.startServices([SERVICE]);
        this.log.info("OpenFGA (re)started: it was not running");
      } else if (filesChanged) {
        await container.pebble.restartServices([SERVICE]);
        this.log.info("OpenFGA (re)started: its TLS certificate changed");
      }
    } catch (e) {
      if (!(e instanceof PebbleError)) throw e;
      this.log.error(`cannot start OpenFGA: ${e.message}`);
      st.blocked(MESSAGES.restart);
      return false;
    }
    return true;
  }

  private tracingEndpoint(): string | undefined {
    try {
      return this.tracing.getEndpoint("otlp_grpc");
    } catch (e) {
      if (!(e instanceof InterfaceDataError)) throw e;
      this.log.warning(`tracing disabled: ${e.message}`);
      return undefined;
    }
  }

  /**
   * The OpenFGA version of the image (`openfga version`), asked again when the container may
   * have a new image (pebble-ready, upgrade-charm) or when it is not known yet.
   */
  private async workloadVersion(container: Container): Promise<string | undefined> {
    const hook = this.juju.event.name;
    const fresh = hook.endsWith("-pebble-ready") || hook === "upgrade-charm" || hook === "start";
    if (this.stored.data.workloadVersion && !fresh) return this.stored.data.workloadVersion;
    let output: string;
    try {
      output = (await container.exec(["openfga", "version"], { timeout: 30_000 })).stdout;
    } catch (e) {
      if (!(e instanceof PebbleError)) throw e;
      this.log.error(`\`openfga version\` failed: ${e.message}`);
      return this.stored.data.workloadVersion || undefined;
    }
    const version = parseVersion(output);
    if (!version) {
      this.log.error(`no version in the output of \`openfga version\`: ${output.slice(0, 200)}`);
      return this.stored.data.workloadVersion || undefined;
    }
    if (version !== this.stored.data.workloadVersion) {
      this.stored.data.workloadVersion = version;
      this.unit.setWorkloadVersion(version);
    }
    return version;
  }

  /**
   * Whether the database schema matches the image. The first time a database relation is
   * ready, the leader migrates it; after an image upgrade every unit waits for
   * `schema-upgrade`.
   */
  private async ensureMigrated(
    container: Container,
    peers: Relation,
    relationId: number,
    db: DatabaseInputs,
    version: string,
    st: StatusCollector,
  ): Promise<boolean> {
    const migrated = peers.data(this.app).get(migrationKey(relationId));
    if (migrated === version) return true;
    if (migrated) {
      st.blocked(MESSAGES.schemaUpgrade(migrated, version));
      return false;
    }
    if (!this.unit.isLeader()) {
      st.waiting(MESSAGES.leaderMigration);
      return false;
    }
    const fingerprint = migrationFingerprint(relationId, version, db);
    if (this.stored.data.failedMigration === fingerprint) {
      st.blocked(MESSAGES.migrationFailed);
      return false;
    }
    const result = await this.migrate(container, peers, relationId, db, version, 60_000);
    if (!result.ok) st.blocked(MESSAGES.migrationFailed);
    return result.ok;
  }

  /** Runs `openfga migrate` and records the outcome. The password goes in the environment. */
  private async migrate(
    container: Container,
    peers: Relation,
    relationId: number,
    db: DatabaseInputs,
    version: string,
    timeout: number,
  ): Promise<{ ok: true } | { ok: false; message: string }> {
    this.log.info(`migrating the OpenFGA database schema to ${version}`);
    try {
      await container.exec(["openfga", "migrate"], {
        environment: migrationEnvironment(db),
        timeout,
      });
    } catch (e) {
      if (!(e instanceof PebbleError)) throw e;
      const output = e instanceof ExecError ? `${e.stdout}${e.stderr}` : e.message;
      const message = redact(migrationError(output), db.password);
      this.log.error(`database migration failed: ${message}`);
      this.stored.data.failedMigration = migrationFingerprint(relationId, version, db);
      return { ok: false, message };
    }
    peers.data(this.app).set(migrationKey(relationId), version);
    this.stored.data.failedMigration = "";
    this.log.info(`database schema migrated to ${version}`);
    return { ok: true };
  }

  /**
   * Puts the TLS files in place (or removes them) and returns whether the served certificate
   * changed, which needs a restart even when the plan does not.
   */
  private async syncTlsFiles(container: Container, tls: TlsFiles | undefined): Promise<boolean> {
    const pebble = container.pebble;
    const read = async (path: string): Promise<string | undefined> => {
      try {
        return await pebble.pullText(path);
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    };
    if (!tls) {
      // Only clean up when TLS was on: no file reads on the common path.
      if (!this.stored.data.tlsFiles) return false;
      for (const path of [TLS_PATHS.cert, TLS_PATHS.key, TLS_PATHS.ca]) {
        if ((await read(path)) !== undefined) await pebble.removePath(path);
      }
      const bundle = await read(TLS_PATHS.bundle);
      if (bundle !== undefined) {
        const cleaned = withCaInBundle(bundle, undefined);
        if (cleaned !== bundle) await pebble.push(TLS_PATHS.bundle, cleaned);
      }
      this.stored.data.tlsFiles = false;
      return false;
    }
    let changed = false;
    if ((await read(TLS_PATHS.ca)) !== tls.ca) {
      // The system bundle first: the CA file then marks the whole update as done.
      const bundle = (await read(TLS_PATHS.bundle)) ?? "";
      await pebble.push(TLS_PATHS.bundle, withCaInBundle(bundle, tls.ca), { makeDirs: true });
      await pebble.push(TLS_PATHS.ca, tls.ca, { makeDirs: true, permissions: 0o644 });
      changed = true;
    }
    if ((await read(TLS_PATHS.key)) !== tls.key) {
      await pebble.push(TLS_PATHS.key, tls.key, { makeDirs: true, permissions: 0o600 });
      changed = true;
    }
    if ((await read(TLS_PATHS.cert)) !== tls.cert) {
      await pebble.push(TLS_PATHS.cert, tls.cert, { makeDirs: true, permissions: 0o644 });
      changed = true;
    }
    this.stored.data.tlsFiles = true;
    return changed;
  }

  // ---------------------------------------------------------------------------------------
  // Stores (leader)
  // ---------------------------------------------------------------------------------------

  /** The requirers that asked for a store and have none yet. */
  private pendingStores(): { relation: Relation; storeName: string }[] {
    return this.openfga
      .requests()
      .filter(
        (r): r is { relation: Relation; storeName: string } =>
          r.storeName !== undefined && !r.relation.data(this.app).get("store_id"),
      );
  }

  private waitForStores(st: StatusCollector): void {
    const pending = this.pendingStores();
    if (pending.length > 0 && st.clear) st.waiting(MESSAGES.stores(appsOf(pending)));
  }

  /** Creates (or finds by name) the store of every requirer without one, and publishes it. */
  private async createStores(
    tokenSecret: Secret,
    token: string,
    urls: { httpApiUrl: string; grpcApiUrl: string },
    tls: TlsFiles | undefined,
    st: StatusCollector,
  ): Promise<void> {
    const pending = this.pendingStores();
    if (pending.length === 0) return;
    const client = new StoreClient(
      this.storeClientOptions({
        apiUrl: `${tls ? "https" : "http"}://127.0.0.1:${HTTP_PORT}`,
        token,
        ...(tls ? { ca: tls.ca } : {}),
        log: (m) => this.log.info(m),
      }),
    );
    for (const [i, { relation, storeName }] of pending.entries()) {
      let store: { id: string; created: boolean };
      try {
        store = await client.ensureStore(storeName);
      } catch (e) {
        const rest = appsOf(pending.slice(i));
        if (e instanceof OpenFgaUnavailableError) {
          this.log.warning(e.message);
          st.waiting(MESSAGES.stores(rest));
        } else {
          this.log.error(
            `cannot create store ${JSON.stringify(storeName)}: ${(e as Error).message}`,
          );
          st.waiting(MESSAGES.storeFailed(rest));
        }
        return;
      }
      this.openfga.publish(relation, { storeId: store.id, tokenSecret, ...urls });
      this.log.info(
        `${store.created ? "created" : "reusing"} store ${JSON.stringify(storeName)} (${store.id}) for ${relation.app?.name ?? relation.toString()}`,
      );
    }
  }

  // ---------------------------------------------------------------------------------------
  // Kubernetes resources (leader)
  // ---------------------------------------------------------------------------------------

  /** Applies `cpu`/`memory` to the StatefulSet when they differ from what was last applied. */
  private async reconcileResources(
    cfg: CharmConfig,
    peers: Relation,
    st: StatusCollector,
  ): Promise<void> {
    if (!cfg.resources) return; // invalid: blocked by the config errors already
    const desired = JSON.stringify(cfg.resources);
    const bag = peers.data(this.app);
    const applied = bag.get(APPLIED_RESOURCES_KEY);
    // Nothing set and nothing ever applied: leave the StatefulSet alone (no trust needed).
    if (!cfg.resourcesConfigured && applied === undefined) return;
    const hook = this.juju.event.name;
    if (applied === desired && hook !== "upgrade-charm") return;
    const failure = this.stored.data.resourceFailure;
    if (failure?.desired === desired && !RESOURCE_RETRY_EVENTS.has(hook)) {
      st.blocked(failure.message);
      return;
    }
    const target = { namespace: this.model.name, statefulSet: this.app.name, container: CONTAINER };
    const result = await applyComputeResources(target, cfg.resources, this.kubernetesAccess());
    if (result.ok) {
      bag.set(APPLIED_RESOURCES_KEY, desired);
      this.stored.data.resourceFailure = null;
      this.log.info(`applied the container resources ${desired} to the StatefulSet`);
      return;
    }
    const message =
      result.reason === "forbidden"
        ? trustMessage(this.app.name)
        : `failed to apply cpu/memory limits: ${result.message}`;
    this.log.error(`cannot apply the container resources: ${result.message}`);
    this.stored.data.resourceFailure = { desired, message };
    st.blocked(message);
  }

  // ---------------------------------------------------------------------------------------
  // Actions
  // ---------------------------------------------------------------------------------------

  /** `schema-upgrade`: the leader migrates the schema to the image's version. */
  async onSchemaUpgrade(event: ActionEvent): Promise<void> {
    if (!this.unit.isLeader()) {
      event.fail(
        `Only the leader unit can run the schema-upgrade action: run it on ${this.app.name}/leader`,
      );
      return;
    }
    const container = this.unit.getContainer(CONTAINER);
    if (!(await container.canConnect())) {
      event.fail("the openfga container is not ready yet: try again once it is");
      return;
    }
    const peers = this.model.getRelation(PEERS);
    if (!peers) {
      event.fail("the peer relation is not there yet: try again once it is");
      return;
    }
    const conn = this.database.connection();
    if (!conn || !this.database.relation) {
      event.fail(`no ready database: ${MESSAGES.missingDatabase(this.app.name)}`);
      return;
    }
    const version = await this.workloadVersion(container);
    if (!version) {
      event.fail("cannot tell the OpenFGA version of the image (`openfga version` failed)");
      return;
    }
    const db: DatabaseInputs = {
      username: conn.username,
      password: conn.password,
      endpoint: conn.endpoints[0]!.text,
      database: conn.database,
    };
    event.log(`migrating the database schema to OpenFGA ${version}`);
    const result = await this.migrate(
      container,
      peers,
      this.database.relation.id,
      db,
      version,
      120_000,
    );
    if (!result.ok) {
      event.fail(`Database migration failed: ${result.message}`);
    } else {
      event.log("database schema migrated");
      event.setResults({ result: "migrated", version });
    }
    await this.reconcile();
  }
}

/** The apps of relations, for messages. */
function appsOf(items: readonly { relation: Relation }[]): string {
  return items.map((i) => i.relation.app?.name ?? `relation ${i.relation.id}`).join(", ");
}

/** Identifies one automatic migration attempt: relation, image version and credentials. */
function migrationFingerprint(relationId: number, version: string, db: DatabaseInputs): string {
  const creds = createHash("sha256")
    .update(`${db.username}\n${db.password}\n${db.endpoint}\n${db.database}`)
    .digest("hex")
    .slice(0, 16);
  return `${relationId}:${version}:${creds}`;
}

/**
 * The gist of a failed `openfga migrate`: its `Error:` line when there is one (cobra prints the
 * usage after it), else the last lines before the usage.
 */
function migrationError(output: string): string {
  const lines = output.split("\n").map((l) => l.trim());
  const usage = lines.findIndex((l) => l === "Usage:");
  const before = (usage >= 0 ? lines.slice(0, usage) : lines).filter((l) => l !== "");
  const error = before.filter((l) => l.startsWith("Error:"));
  return (error.length > 0 ? error : before.slice(-3)).join(" | ") || "no output";
}

/** Removes a secret (and its URI-encoded form) from text meant for logs. */
function redact(text: string, secret: string): string {
  if (!secret) return text;
  return text.split(secret).join("***").split(encodeURIComponent(secret)).join("***");
}
