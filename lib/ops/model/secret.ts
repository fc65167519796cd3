/**
 * Juju secrets: content validated before any hook tool runs, values passed through private
 * files, ownership rules (app secrets are managed by the leader) checked first.
 *
 * @example
 * ```ts
 * const secret = this.app.addSecret({ token: randomToken() }, { label: "preshared-token" });
 * secret.grant(relation);
 * relation.data(this.app).set("token_secret_id", secret.id!);
 * ```
 */
import { InvalidSecretContentError, PermissionDeniedError } from "../errors.js";
import type { SecretMetaOptions } from "../backend/hook-tools.js";
import type { ModelBackend } from "./backend.js";
import type { Relation } from "./relation.js";

const KEY = /^([a-z](?:-?[a-z0-9]){2,})$/;
const ROTATE = new Set(["never", "hourly", "daily", "weekly", "monthly", "quarterly", "yearly"]);

/** Rotation policies Juju accepts. */
export type SecretRotate =
  "never" | "hourly" | "daily" | "weekly" | "monthly" | "quarterly" | "yearly";

/** Metadata a charm can give a secret. */
export interface SecretOptions {
  label?: string;
  description?: string;
  /** When the secret expires: a Date, or a Go duration such as `24h`. */
  expire?: Date | string;
  rotate?: SecretRotate;
}

/** What `secret-info-get` tells the owner. */
export interface SecretInfo {
  id: string;
  label?: string;
  revision: number;
  owner: string;
  description?: string;
  expires?: Date;
  rotation?: string;
  rotates?: Date;
}

/**
 * Checks secret content as Juju would: at least one key; keys lowercase letters, digits and
 * single hyphens, starting with a letter, three characters or more; values strings.
 * Throws {@link InvalidSecretContentError} naming the bad key.
 */
export function validateSecretContent(
  content: Record<string, unknown>,
): asserts content is Record<string, string> {
  const keys = Object.keys(content);
  if (keys.length === 0) throw new InvalidSecretContentError("secret content must not be empty");
  for (const k of keys) {
    if (!KEY.test(k)) {
      throw new InvalidSecretContentError(
        `secret key "${k}" is not valid: use at least 3 characters of lowercase letters, digits and single hyphens, starting with a letter`,
      );
    }
    const v = content[k];
    if (typeof v !== "string") {
      throw new InvalidSecretContentError(
        `secret value of "${k}" must be a string, got ${typeof v}`,
      );
    }
    if (v === "") throw new InvalidSecretContentError(`secret value of "${k}" must not be empty`);
  }
}

/** Converts {@link SecretOptions} to hook-tool flags, validating them. */
export function secretMetaArgs(opts: SecretOptions): SecretMetaOptions {
  const out: SecretMetaOptions = {};
  if (opts.label !== undefined) out.label = opts.label;
  if (opts.description !== undefined) out.description = opts.description;
  if (opts.expire !== undefined) {
    out.expire = opts.expire instanceof Date ? opts.expire.toISOString() : opts.expire;
  }
  if (opts.rotate !== undefined) {
    if (!ROTATE.has(opts.rotate)) {
      throw new InvalidSecretContentError(
        `rotate policy "${opts.rotate}" is not valid: use one of ${[...ROTATE].join(", ")}`,
      );
    }
    out.rotate = opts.rotate;
  }
  return out;
}

/**
 * The owner of a secret, from this charm's point of view: its app, this unit, someone else
 * (`none`: granted to it), or owned by this charm with the kind unknown (secret hooks), in
 * which case Juju alone checks the right to manage it.
 */
export type SecretOwnerKind = "app" | "unit" | "none" | "unknown";

/**
 * The canonical URI of a secret, as Python `ops` makes it: `secret://<model-uuid>/<id>`. Juju
 * prints bare ids (`secret-info-get`) and short URIs (`secret:<id>`, from `secret-add`); a
 * consumer in another model can resolve only the long form, so that is what charms publish.
 *
 * @example
 * ```ts
 * canonicalSecretId("secret:cf0a", "6f1c…"); // "secret://6f1c…/cf0a"
 * ```
 */
export function canonicalSecretId(id: string, modelUuid: string): string {
  const trimmed = id.trim();
  if (trimmed.startsWith("secret://")) return trimmed;
  const bare = trimmed.startsWith("secret:") ? trimmed.slice("secret:".length) : trimmed;
  return `secret://${modelUuid}/${bare}`;
}

/** A secret: one this charm owns, or one granted to it. */
export class Secret {
  private idValue: string | undefined;

  constructor(
    private readonly backend: ModelBackend,
    id: string | undefined,
    private labelValue: string | undefined,
    /** Who owns it as far as this charm knows (`none` for a secret granted to it). */
    readonly owner: SecretOwnerKind,
    private contentCache?: Record<string, string>,
  ) {
    this.idValue = id === undefined ? undefined : canonicalSecretId(id, backend.juju.modelUuid);
  }

  /**
   * The secret URI in its canonical form, `secret://<model-uuid>/<id>` (undefined while only
   * the label is known).
   */
  get id(): string | undefined {
    return this.idValue;
  }

  /** The label this charm knows it by. */
  get label(): string | undefined {
    return this.labelValue;
  }

  /** The part of the id after the last `/` or `:`. */
  get uniqueIdentifier(): string | undefined {
    return this.idValue?.split(/[/:]/).pop();
  }

  private ref(): { id?: string; label?: string } {
    return {
      ...(this.idValue !== undefined ? { id: this.idValue } : {}),
      ...(this.labelValue !== undefined ? { label: this.labelValue } : {}),
    };
  }

  private checkManage(what: string): void {
    if (this.owner === "app" && !this.backend.isLeader()) {
      throw new PermissionDeniedError(
        `${this.backend.unitName} is not the leader and cannot ${what} application secret ${this.idValue ?? this.labelValue}`,
      );
    }
  }

  /**
   * The content: the tracked revision (cached for the hook), or the latest with `refresh`
   * (which also tracks it).
   */
  getContent(opts: { refresh?: boolean } = {}): Record<string, string> {
    if (!opts.refresh && this.contentCache) return { ...this.contentCache };
    const content = this.backend.tools.secretGet(this.ref(), opts.refresh ? { refresh: true } : {});
    this.contentCache = content;
    return { ...content };
  }

  /** The latest revision's content, without tracking it. */
  peekContent(): Record<string, string> {
    return this.backend.tools.secretGet(this.ref(), { peek: true });
  }

  /** Writes new content: a new revision (Juju 3.6 skips it if unchanged). Owner only. */
  setContent(content: Record<string, string>): void {
    validateSecretContent(content);
    this.checkManage("update");
    this.backend.tools.secretSet(this.requireId(), content, {});
    this.contentCache = { ...content };
  }

  /** Updates metadata without a new revision. Owner only. */
  setInfo(opts: SecretOptions): void {
    this.checkManage("update");
    this.backend.tools.secretSet(this.requireId(), undefined, secretMetaArgs(opts));
    if (opts.label !== undefined) this.labelValue = opts.label;
  }

  /** Metadata of a secret this charm owns. */
  getInfo(): SecretInfo {
    this.checkManage("read the metadata of");
    const raw = this.backend.tools.secretInfoGet(this.ref());
    this.idValue ??= canonicalSecretId(raw.id, this.backend.juju.modelUuid);
    return {
      id: canonicalSecretId(raw.id, this.backend.juju.modelUuid),
      revision: raw.revision,
      owner: raw.owner,
      ...(raw.label !== undefined ? { label: raw.label } : {}),
      ...(raw.description !== undefined ? { description: raw.description } : {}),
      ...(raw.expiry !== undefined ? { expires: new Date(raw.expiry) } : {}),
      ...(raw.rotation !== undefined ? { rotation: raw.rotation } : {}),
      ...(raw.rotates !== undefined ? { rotates: new Date(raw.rotates) } : {}),
    };
  }

  /** Lets the remote app of `relation` (or just `unit` of it) read this secret. Owner only. */
  grant(relation: Relation, unit?: string): void {
    this.checkManage("grant");
    this.backend.tools.secretGrant(this.requireId(), relation.id, unit);
  }

  /** Withdraws a grant. Owner only. */
  revoke(relation: Relation, unit?: string): void {
    this.checkManage("revoke");
    this.backend.tools.secretRevoke(this.requireId(), relation.id, unit);
  }

  /** Removes one revision (after `secret-remove`/`secret-expired`). Owner only. */
  removeRevision(revision: number): void {
    this.checkManage("remove");
    this.backend.tools.secretRemove(this.requireId(), revision);
  }

  /** Removes the secret and every revision. Owner only. */
  removeAllRevisions(): void {
    this.checkManage("remove");
    this.backend.tools.secretRemove(this.requireId());
  }

  private requireId(): string {
    if (this.idValue === undefined) {
      this.idValue = canonicalSecretId(
        this.backend.tools.secretInfoGet(this.ref()).id,
        this.backend.juju.modelUuid,
      );
    }
    return this.idValue;
  }
}
