/** The relay test charm (see charmcraft.yaml): small, and does what the local-model tests ask. */
import { spawnSync } from "node:child_process";
import { networkInterfaces } from "node:os";
import {
  type ActionEvent,
  ActiveStatus,
  CharmBase,
  type CharmContext,
  type CollectStatusEvent,
  type RelationEvent,
  type SecretChangedEvent,
  type SecretExpiredEvent,
  type SecretRemoveEvent,
  type SecretRotate,
  type SecretRotateEvent,
  SecretNotFoundError,
} from "../../../../ops/index.js";

const SECRET_LABEL = "relay-token";

/** The relay charm. */
export class RelayCharm extends CharmBase {
  constructor(ctx: CharmContext) {
    super(ctx);
    const fail = this.config.string("fail-hook");
    if (fail && fail === ctx.juju.event.name) throw new Error(`failing ${fail}, as configured`);
    this.observe(this.on.configChanged, this.onConfigChanged);
    this.observe(this.on.relation("source").joined, this.onSourceJoined);
    this.observe(this.on.relation("sink").changed, this.onSinkChanged);
    this.observe(this.on.secretChanged, this.onSecretChanged);
    this.observe(this.on.secretRemove, this.onSecretRemove);
    this.observe(this.on.action("echo"), this.onEcho);
    this.observe(this.on.action("fail"), (e: ActionEvent) => e.fail("failed on request"));
    this.observe(this.on.action("set-data"), this.onSetData);
    this.observe(this.on.action("set-app-data"), this.onSetAppData);
    this.observe(this.on.action("rotate"), this.onRotate);
    this.observe(this.on.action("bench-tools"), this.onBenchTools);
    this.observe(this.on.action("net-info"), this.onNetInfo);
    this.observe(this.on.action("crash"), this.onCrash);
    this.observe(this.on.action("open-port"), (e: ActionEvent) =>
      this.unit.openPort({ protocol: "tcp", port: Number(e.params.port) }),
    );
    this.observe(this.on.action("set-version"), (e: ActionEvent) =>
      this.unit.setWorkloadVersion(String(e.params.version)),
    );
    this.observe(this.on.action("remote-model"), this.onRemoteModel);
    this.observe(this.on.action("expiring-secret"), (e: ActionEvent) => {
      const secret = this.app.addSecret(
        { token: "short-lived" },
        { label: "expiring", expire: String(e.params.expire) },
      );
      e.setResults({ id: secret.id ?? "" });
    });
    this.observe(this.on.action("rotating-secret"), (e: ActionEvent) => {
      const secret = this.app.addSecret(
        { token: "rotating-1" },
        { label: "rotating", rotate: String(e.params.rotate) as SecretRotate },
      );
      e.setResults({ id: secret.id ?? "" });
    });
    this.observe(this.on.secretExpired, (e: SecretExpiredEvent) => {
      this.log.info(`secret ${e.secret.label ?? "?"} revision ${e.revision ?? "?"} expired`);
      if (this.config.boolean("renew-secrets")) e.secret.setContent({ token: "renewed" });
    });
    this.observe(this.on.secretRotate, (e: SecretRotateEvent) => {
      this.log.info(`secret ${e.secret.label ?? "?"} is due to rotate`);
      if (!this.config.boolean("renew-secrets")) return;
      const token = e.secret.peekContent().token ?? "rotating-1";
      e.secret.setContent({ token: `rotating-${Number(token.split("-")[1] ?? 1) + 1}` });
    });
    this.observe(this.on.collectUnitStatus, (e: CollectStatusEvent) =>
      e.addStatus(new ActiveStatus("ready")),
    );
  }

  private allRelations() {
    return ["source", "sink", "peers"].flatMap((ep) => this.model.relations(ep));
  }

  onConfigChanged(): void {
    const id = this.config.secretId("user-secret");
    if (!id) return;
    const content = this.model.getSecret({ id }).getContent();
    this.log.info(`user secret has ${Object.keys(content).length} keys`);
  }

  onSourceJoined(event: RelationEvent): void {
    if (!this.config.boolean("share-secret") || !this.unit.isLeader()) return;
    let secret;
    try {
      secret = this.model.getOwnedSecret({ label: SECRET_LABEL }, "app");
    } catch (e) {
      if (!(e instanceof SecretNotFoundError)) throw e;
      secret = this.app.addSecret({ token: "token-1" }, { label: SECRET_LABEL });
    }
    secret.grant(event.relation);
    event.relation.data(this.app).set("secret-id", secret.id!);
  }

  onSinkChanged(event: RelationEvent): void {
    const id = event.app ? event.relation.data(event.app).get("secret-id") : undefined;
    if (!id) return;
    const content = this.model.getSecret({ id }).getContent();
    this.log.info(`token has ${content.token?.length ?? 0} characters`);
  }

  onSecretChanged(event: SecretChangedEvent): void {
    const content = event.secret.getContent({ refresh: true });
    this.log.info(`secret changed: token has ${content.token?.length ?? 0} characters`);
  }

  onSecretRemove(event: SecretRemoveEvent): void {
    if (event.revision !== undefined) event.secret.removeRevision(event.revision);
  }

  onEcho(event: ActionEvent): void {
    event.log("echoing");
    const times = Number(event.params.times ?? 1);
    event.setResults({ echo: String(event.params.value).repeat(times), unit: this.unit.name });
  }

  onSetData(event: ActionEvent): void {
    for (const rel of this.allRelations()) {
      rel.data(this.unit).set(String(event.params.key), String(event.params.value));
    }
  }

  onSetAppData(event: ActionEvent): void {
    if (!this.unit.isLeader()) return event.fail("not the leader");
    for (const rel of this.allRelations()) {
      rel.data(this.app).set(String(event.params.key), String(event.params.value));
    }
  }

  onRotate(event: ActionEvent): void {
    if (!this.unit.isLeader()) return event.fail("not the leader");
    const secret = this.model.getOwnedSecret({ label: SECRET_LABEL }, "app");
    const next = Number((secret.peekContent().token ?? "token-1").split("-")[1]) + 1;
    secret.setContent({ token: `token-${next}` });
    event.setResults({ token: `token-${next}` });
  }

  onBenchTools(event: ActionEvent): void {
    const n = Number(event.params.n ?? 50);
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const r = spawnSync("is-leader", ["--format=json"], { encoding: "utf8" });
      if (r.status !== 0) return event.fail(`is-leader exited ${r.status}: ${r.stderr}`);
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    event.setResults({ n: String(n), "mean-ms": (ms / n).toFixed(3) });
  }

  onNetInfo(event: ActionEvent): void {
    const eth0 = (networkInterfaces()["eth0"] ?? []).find((a) => a.family === "IPv4");
    const binding = this.model.getBinding("source");
    event.setResults({
      "eth0-address": eth0?.address ?? "none",
      "bind-address": binding.bindAddress ?? "none",
      "ingress-address": binding.ingressAddress ?? "none",
    });
  }

  onCrash(event: ActionEvent): void {
    event.log("about to crash");
    for (const rel of this.allRelations()) rel.data(this.unit).set("crashed", "yes");
    this.unit.status = new ActiveStatus("crashing");
    throw new Error("crash requested");
  }

  onRemoteModel(event: ActionEvent): void {
    const results: Record<string, string> = {};
    for (const rel of this.allRelations())
      results[`${rel.endpoint}-${rel.id}`] = rel.remoteModelUuid;
    event.setResults(results);
  }
}
