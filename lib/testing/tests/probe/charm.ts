/** The behaviour suite's charm: every framework feature, driven by config, events and actions. */
import {
  type ActionEvent,
  ActiveStatus,
  BlockedStatus,
  CharmBase,
  type CharmContext,
  type CollectStatusEvent,
  type RelationEvent,
  RelationDataAccessError,
  type SecretChangedEvent,
  WaitingStatus,
} from "../../../ops/index.js";

/** The probe charm. */
export class ProbeCharm extends CharmBase {
  private readonly stored = this.storedState("_stored", { hooks: 0 });

  constructor(ctx: CharmContext) {
    super(ctx);
    this.stored.data.hooks += 1;
    this.observe(this.on.configChanged, this.onConfig);
    this.observe(this.on.relation("db").changed, this.onDbChanged);
    this.observe(this.on.relation("api").joined, this.onApiJoined);
    this.observe(this.on.secretChanged, this.onSecretChanged);
    this.observe(this.on.action("echo"), this.onEcho);
    this.observe(this.on.action("share-secret"), this.onShareSecret);
    this.observe(this.on.action("fail-me"), (e: ActionEvent) => e.fail("asked to fail"));
    this.observe(this.on.action("crash"), this.onCrash);
    this.observe(this.on.action("open"), (e: ActionEvent) => {
      this.unit.openPort({ protocol: "tcp", port: Number(e.params.port) });
    });
    this.observe(this.on.collectUnitStatus, this.onCollect);
  }

  onConfig(): void {
    const ratio = this.config.float("ratio");
    this.log.info(
      `config: name=${this.config.string("name")} count=${this.config.int("count")} ratio=${ratio ?? "unset"} debug=${this.config.boolean("debug")}`,
    );
  }

  onDbChanged(event: RelationEvent): void {
    const endpoints = event.app ? event.relation.data(event.app).get("endpoints") : undefined;
    event.relation
      .data(this.unit)
      .update({ seen: endpoints ?? "", "remote-units": String(event.relation.units.length) });
    try {
      event.relation.data(this.app).update({ database: "probe" });
    } catch (e) {
      if (!(e instanceof RelationDataAccessError)) throw e;
      this.log.warning("not the leader: app data left alone");
    }
  }

  onApiJoined(event: RelationEvent): void {
    if (this.config.boolean("hold")) {
      event.defer();
      return;
    }
    event.relation.data(this.unit).set("joined-by", event.unit?.name ?? "");
  }

  onSecretChanged(event: SecretChangedEvent): void {
    const content = event.secret.getContent({ refresh: true });
    const db = this.model.getRelation("db");
    db?.data(this.unit).set("secret-keys", Object.keys(content).sort().join(","));
  }

  onEcho(event: ActionEvent): void {
    event.log("echoing");
    event.setResults({ echo: { value: event.params.value }, count: this.stored.data.hooks });
  }

  onShareSecret(event: ActionEvent): void {
    const db = this.model.getRelation("db");
    if (!db) return event.fail("no db relation");
    const secret = this.app.addSecret({ password: "s3cret-value" }, { label: "db-password" });
    secret.grant(db);
    db.data(this.app).set("secret-id", secret.id!);
    event.setResults({ id: secret.id });
  }

  onCrash(): void {
    this.model.getRelation("db")?.data(this.unit).set("before-crash", "yes");
    throw new Error("crash requested");
  }

  onCollect(event: CollectStatusEvent): void {
    if (this.config.int("count")! < 0)
      event.addStatus(new BlockedStatus("count must not be negative"));
    if (!this.model.getRelation("db")) event.addStatus(new WaitingStatus("waiting for db"));
    event.addStatus(new ActiveStatus(`hooks=${this.stored.data.hooks}`));
  }
}
