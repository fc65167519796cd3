/**
 * The TypeScript side of the local model's fidelity test: a `lib/ops` charm that requires the
 * `share` relation of the Python `ops` charm (`../py-charm`).
 *
 * - The leader adds an application secret (`ts-own`), grants it over `share` and publishes its
 *   id with a `ping` in the application bag; its `rotate` action puts a new revision in it, and
 *   it removes revisions nobody tracks any more (`secret-remove`).
 * - Every unit reads the Python application bag (`greeting`, `secret-id`), the Python application
 *   secret (consumer label `py-app`) and each Python unit's own secret (consumer label
 *   `py-unit-<n>`), and publishes in its unit bag what it read: the greeting, the Python units
 *   it sees and SHA-256 digests of the tokens (never the tokens).
 * - A new revision of a Python unit's secret (`secret-changed`) is read with `refresh` and its
 *   digest updated.
 * - `hold` keeps the unit in a hook for a while (or until a file appears), to make its hook
 *   overlap other units' hooks.
 *
 * @example
 * ```ts
 * main(FidelityTsCharm);
 * ```
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import {
  type ActionEvent,
  ActiveStatus,
  CharmBase,
  type CharmContext,
  type CollectStatusEvent,
  type Relation,
  type RelationEvent,
  type Secret,
  type SecretChangedEvent,
  SecretNotFoundError,
  type SecretRemoveEvent,
  WaitingStatus,
} from "../../../ops/index.js";

/** The relation both charms share. */
const SHARE = "share";
/** The owner label of this application's secret. */
const OWN_SECRET = "ts-own";
/** The consumer label of the Python application's secret. */
const PY_APP_SECRET = "py-app";
/** The consumer label prefix of the Python units' secrets. */
const PY_UNIT_SECRET = "py-unit-";

/**
 * The first 12 hex digits of the SHA-256 of a token (what the charms publish instead of it).
 *
 * @example
 * ```ts
 * digest("ts-r1"); // 12 hex digits
 * ```
 */
export function digest(token: string): string {
  return createHash("sha256").update(token).digest("hex").slice(0, 12);
}

/** The TypeScript fidelity charm (see the module documentation). */
export class FidelityTsCharm extends CharmBase {
  constructor(ctx: CharmContext) {
    super(ctx);
    this.observe(this.on.relation(SHARE).created, this.onShareCreated);
    this.observe(this.on.relation(SHARE).changed, this.onShareChanged);
    this.observe(this.on.secretChanged, this.onSecretChanged);
    this.observe(this.on.secretRemove, this.onSecretRemove);
    this.observe(this.on.action("rotate"), this.onRotate);
    this.observe(this.on.action("hold"), (e: ActionEvent) => {
      const until = Date.now() + Number(e.params.seconds) * 1000;
      const release = typeof e.params["until-file"] === "string" ? e.params["until-file"] : "";
      const nap = new Int32Array(new SharedArrayBuffer(4));
      while (Date.now() < until && (release === "" || !existsSync(release))) {
        Atomics.wait(nap, 0, 0, Math.min(100, until - Date.now()));
      }
    });
    this.observe(this.on.collectUnitStatus, this.onCollectUnitStatus);
  }

  private ownSecret(): Secret | undefined {
    try {
      return this.model.getOwnedSecret({ label: OWN_SECRET }, "app");
    } catch (e) {
      if (e instanceof SecretNotFoundError) return undefined;
      throw e;
    }
  }

  onShareCreated(event: RelationEvent): void {
    if (!this.unit.isLeader()) return;
    const secret =
      this.ownSecret() ?? this.app.addSecret({ token: "ts-r1" }, { label: OWN_SECRET });
    secret.grant(event.relation);
    event.relation.data(this.app).update({ "secret-id": secret.id ?? "", ping: "pong" });
  }

  /** Reads what the Python charm publishes and records it in this unit's bag. */
  onShareChanged(event: RelationEvent): void {
    this.publishView(event.relation);
  }

  private publishView(relation: Relation): void {
    const remote = relation.app;
    if (remote === undefined) return;
    const appBag = relation.data(remote);
    const view: Record<string, string> = {
      "py-units": relation.units.map((u) => u.name).join(","),
    };
    const greeting = appBag.get("greeting");
    if (greeting !== undefined) view["py-greeting"] = greeting;
    const appSecretId = appBag.get("secret-id");
    if (appSecretId !== undefined) {
      const secret = this.model.getSecret({ id: appSecretId, label: PY_APP_SECRET });
      view["py-app-digest"] = digest(secret.getContent().token ?? "");
    }
    const units: Record<string, string> = {};
    for (const unit of relation.units) {
      const id = relation.data(unit).get("unit-secret-id");
      if (id === undefined) continue;
      const label = PY_UNIT_SECRET + unit.name.slice(unit.name.indexOf("/") + 1);
      units[unit.name] = digest(this.model.getSecret({ id, label }).getContent().token ?? "");
    }
    view["py-unit-digests"] = JSON.stringify(units);
    relation.data(this.unit).update(view);
  }

  onSecretChanged(event: SecretChangedEvent): void {
    const label = event.secret.label ?? "";
    if (!label.startsWith(PY_UNIT_SECRET)) {
      this.log.warning(`unexpected secret-changed for ${label || event.secret.id}`);
      return;
    }
    const token = event.secret.getContent({ refresh: true }).token ?? "";
    const unit = `${this.model.getRelation(SHARE)?.app?.name ?? "?"}/${label.slice(PY_UNIT_SECRET.length)}`;
    for (const relation of this.model.relations(SHARE)) {
      const bag = relation.data(this.unit);
      const digests = JSON.parse(bag.get("py-unit-digests") ?? "{}") as Record<string, string>;
      digests[unit] = digest(token);
      bag.set("py-unit-digests", JSON.stringify(digests));
    }
    this.log.info(`${unit}'s secret changed`);
  }

  onSecretRemove(event: SecretRemoveEvent): void {
    if (event.revision !== undefined) event.secret.removeRevision(event.revision);
  }

  onRotate(event: ActionEvent): void {
    if (!this.unit.isLeader()) return event.fail("not the leader");
    const secret = this.model.getOwnedSecret({ label: OWN_SECRET }, "app");
    const token = `ts-r${secret.getInfo().revision + 1}`;
    secret.setContent({ token });
    event.setResults({ digest: digest(token) });
  }

  onCollectUnitStatus(event: CollectStatusEvent): void {
    // lib/ops keeps the relation being broken in `relations()` (Python ops 3.9 leaves it out of
    // `Model.relations`): a relation that is breaking no longer counts here.
    const e = this.juju.event;
    const breaking = e.kind === "relation" && e.endpoint === SHARE && e.phase === "broken";
    const relation = breaking ? undefined : this.model.getRelation(SHARE);
    const greeting = relation?.app ? relation.data(relation.app).get("greeting") : undefined;
    event.addStatus(
      greeting === undefined
        ? new WaitingStatus("waiting for fidelity-py")
        : new ActiveStatus(`py says ${greeting}`),
    );
  }
}
