/**
 * The demo charm: a small, complete example of the framework.
 *
 * One holistic reconcile runs on every event that can change the desired state: it computes the
 * workload's Pebble layer, the data published to related apps and the shared token, and applies
 * only the differences. Collect-status turns what the reconcile saw into one status.
 */
import { randomBytes } from "node:crypto";
import {
  type ActionEvent,
  ActiveStatus,
  BlockedStatus,
  CharmBase,
  type CharmContext,
  type CollectStatusEvent,
  MaintenanceStatus,
  SecretNotFoundError,
  WaitingStatus,
} from "../../../lib/ops/index.js";
import type { Layer } from "../../../lib/pebble/layer.js";

const TOKEN_LABEL = "demo-token";

/** The demo charm. */
export class DemoCharm extends CharmBase {
  constructor(ctx: CharmContext) {
    super(ctx);
    for (const source of [
      this.on.configChanged,
      this.on.leaderElected,
      this.on.upgradeCharm,
      this.on.container("web").pebbleReady,
      this.on.relation("website").joined,
      this.on.relation("replicas").changed,
    ]) {
      this.observe(source, this.reconcile);
    }
    this.observe(this.on.action("greet"), this.onGreet);
    this.observe(this.on.action("rotate-token"), this.onRotateToken);
    this.observe(this.on.collectUnitStatus, this.collectStatus);
  }

  /** The port from config, or an error message when it is out of range. */
  private port(): number | string {
    const port = this.config.int("port") ?? 8080;
    if (port < 1 || port > 65535) return `config "port" must be from 1 to 65535, got ${port}`;
    return port;
  }

  /** The desired Pebble layer. */
  private layer(port: number): Layer {
    return {
      summary: "demo web server",
      services: {
        web: {
          override: "replace",
          command: `python3 -m http.server ${port}`,
          startup: "enabled",
          environment: { GREETING: this.config.string("greeting") ?? "hello" },
        },
      },
    };
  }

  /** Reconciles everything the charm manages. Idempotent. */
  async reconcile(): Promise<void> {
    const port = this.port();
    if (typeof port === "string") return;
    if (this.unit.isLeader()) this.ensureToken();
    for (const rel of this.model.relations("website")) {
      rel
        .data(this.unit)
        .update({ url: `http://${this.unit.name.replace("/", "-")}.demo:${port}` });
    }
    const web = this.unit.getContainer("web");
    if (await web.canConnect()) await web.ensureLayer("demo", this.layer(port));
  }

  /** The leader creates the shared token once and publishes its id to the peers. */
  private ensureToken(): void {
    const peers = this.model.getRelation("replicas");
    if (!peers) return;
    if (peers.data(this.app).get("token-secret-id")) return;
    const secret = this.app.addSecret(
      { token: randomBytes(16).toString("hex") },
      { label: TOKEN_LABEL },
    );
    peers.data(this.app).set("token-secret-id", secret.id!);
  }

  onGreet(event: ActionEvent): void {
    const name = String(event.params.name ?? "");
    if (name.trim() === "") {
      event.fail("parameter `name` must not be empty");
      return;
    }
    event.log(`greeting ${name}`);
    event.setResults({ message: `${this.config.string("greeting") ?? "hello"}, ${name}!` });
  }

  onRotateToken(event: ActionEvent): void {
    if (!this.unit.isLeader()) {
      event.fail("run this action on the leader unit");
      return;
    }
    let secret;
    try {
      secret = this.model.getOwnedSecret({ label: TOKEN_LABEL }, "app");
    } catch (e) {
      if (!(e instanceof SecretNotFoundError)) throw e;
      event.fail("there is no token yet: the leader creates it once the peer relation exists");
      return;
    }
    secret.setContent({ token: randomBytes(16).toString("hex") });
    event.setResults({ rotated: true });
  }

  async collectStatus(event: CollectStatusEvent): Promise<void> {
    const port = this.port();
    if (typeof port === "string") {
      event.addStatus(new BlockedStatus(`${port}: run \`juju config demo port=8080\``));
      return;
    }
    const web = this.unit.getContainer("web");
    if (!(await web.canConnect())) {
      event.addStatus(new WaitingStatus("waiting for the web container's Pebble"));
      return;
    }
    const services = await web.pebble.getServices(["web"]);
    if (services[0]?.current !== "active")
      event.addStatus(new MaintenanceStatus("starting the web server"));
    event.addStatus(new ActiveStatus(this.config.string("greeting") ?? ""));
  }
}
