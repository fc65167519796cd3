/**
 * Secret management by the owner: `secret-add`, `secret-set`, `secret-remove`, `secret-ids`
 * and `secret-info-get`. Application-owned secrets are managed by the leader only (a non-leader
 * gets `permission denied`); other units' secrets are `not found`. New ids come from the
 * invocation's generator (20 characters of `[0-9a-v]`). `secret-set` makes a new revision only
 * when the content changed, and at most one per hook; `secret-remove` records what it removed in
 * `ctx.removedSecretRevisions`.
 *
 * @example
 * ```ts
 * runTool(ctx, "secret-add", ["--label", "db", "password=s3cret"]).stdout; // "secret://<model-uuid>/<xid>\n"
 * runTool(ctx, "secret-info-get", ["--format=json", "--label", "db"]);
 * ```
 */

import type { SecretData, SecretOwner } from "../context.js";
import { checkEmpty } from "../internal/args.js";
import { ToolError, UsageError } from "../internal/errors.js";
import { FlagSet } from "../internal/flags.js";
import { goQuote } from "../internal/go-format.js";
import { GoStruct } from "../internal/go-value.js";
import type { GoValue } from "../internal/go-value.js";
import type { Invocation, ToolDefinition } from "../internal/invocation.js";
import { OutputFlags } from "../internal/output.js";
import { findRelation } from "../internal/relation-flag.js";
import { checkOwnerLabel, secretToManage, visibleMetadata } from "../internal/secret-access.js";
import { addUpsertFlags, readUpsert } from "../internal/secret-content.js";
import type { Upsert } from "../internal/secret-content.js";
import { parseSecretUri, secretXid, shortSecretUri } from "../internal/secret-uri.js";

/** Parses the `<ID>` argument; a malformed URI is an argument error. */
export function secretUriArg(arg: string | undefined): string {
  if (arg === undefined) throw new UsageError("missing secret URI");
  try {
    return parseSecretUri(arg).xid;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function sameContent(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  if (a === undefined) return false;
  const keysA = Object.keys(a).sort();
  const keysB = Object.keys(b).sort();
  return keysA.length === keysB.length && keysA.every((k, i) => k === keysB[i] && a[k] === b[k]);
}

function applyMetadata(secret: SecretData, upsert: Upsert): void {
  if (upsert.label !== undefined) secret.label = upsert.label;
  if (upsert.description !== undefined) secret.description = upsert.description;
  if (upsert.expire !== undefined) secret.expire = upsert.expire;
  if (upsert.rotate !== undefined) secret.rotate = upsert.rotate;
}

/** The `secret-add` tool. */
export const secretAdd: ToolDefinition = {
  info: { name: "secret-add", args: "[key[#base64|#file]=value...]", purpose: "Add a new secret." },
  run(inv) {
    const fs = new FlagSet(secretAdd.info);
    const flags = addUpsertFlags(fs);
    const args = fs.parse(inv.args);
    if (args.length < 1 && flags.file.value === "")
      throw new UsageError("missing secret value or filename");
    const upsert = readUpsert(inv, flags, args);
    const ctx = inv.ctx;
    if (Object.keys(upsert.content).length === 0)
      throw new ToolError("empty secret value not valid");
    const owner: SecretOwner =
      upsert.owner === "unit"
        ? { kind: "unit", unit: ctx.unitName }
        : { kind: "application", app: ctx.appName };
    if (owner.kind === "application" && !ctx.leader)
      throw new ToolError("this unit is not the leader");
    if (upsert.label !== undefined) checkOwnerLabel(ctx, undefined, upsert.label, owner);
    const xid = inv.newSecretId();
    const secret: SecretData = {
      id: shortSecretUri(xid),
      modelUuid: ctx.modelUuid,
      owner,
      revisions: { "1": upsert.content },
      latestRevision: 1,
      grants: [],
      consumers: {},
    };
    applyMetadata(secret, upsert);
    ctx.secrets.push(secret);
    // Juju makes the URI with the model's UUID as its source and prints it whole
    // (`uri.String()`): `secret://<model-uuid>/<xid>`, which is what ops keeps as `Secret.id`.
    inv.stdout += `secret://${ctx.modelUuid}/${xid}\n`;
  },
};

/** The `secret-set` tool. */
export const secretSet: ToolDefinition = {
  info: {
    name: "secret-set",
    args: "<ID> [key[#base64]=value...]",
    purpose: "Update an existing secret.",
  },
  run(inv) {
    const fs = new FlagSet(secretSet.info);
    const flags = addUpsertFlags(fs);
    const args = fs.parse(inv.args);
    const xid = secretUriArg(args[0]);
    const upsert = readUpsert(inv, flags, args.slice(1));
    const ctx = inv.ctx;
    const secret = secretToManage(ctx, xid);
    if (upsert.label !== undefined && upsert.label !== secret.label) {
      checkOwnerLabel(ctx, secret, upsert.label, secret.owner);
    }
    applyMetadata(secret, upsert);
    if (Object.keys(upsert.content).length === 0) return;
    if (sameContent(secret.revisions[String(secret.latestRevision)], upsert.content)) return;
    const pending = (ctx.newSecretRevisions ??= {});
    const revision = pending[secret.id];
    if (revision !== undefined && secret.revisions[String(revision)] !== undefined) {
      secret.revisions[String(revision)] = upsert.content;
      return;
    }
    secret.latestRevision += 1;
    secret.revisions[String(secret.latestRevision)] = upsert.content;
    pending[secret.id] = secret.latestRevision;
  },
};

/** The `secret-remove` tool: one revision, or the whole secret. */
export const secretRemove: ToolDefinition = {
  info: { name: "secret-remove", args: "<ID>", purpose: "remove a existing secret" },
  run(inv) {
    const fs = new FlagSet(secretRemove.info);
    const revision = fs.int(["revision"], "remove the specified revision");
    const args = fs.parse(inv.args);
    const xid = secretUriArg(args[0]);
    checkEmpty(args.slice(1));
    const ctx = inv.ctx;
    const secret = secretToManage(ctx, xid);
    const removed = revision.value > 0 ? [String(revision.value)] : Object.keys(secret.revisions);
    for (const rev of removed) {
      if (secret.revisions[rev] === undefined) continue;
      delete secret.revisions[rev];
      ctx.removedSecretRevisions.push(`${secret.id}/${rev}`);
    }
    if (revision.value <= 0) ctx.secrets.splice(ctx.secrets.indexOf(secret), 1);
  },
};

/** The `secret-ids` tool: ids of the secrets this unit manages (JSON `null` when none). */
export const secretIds: ToolDefinition = {
  info: { name: "secret-ids", args: "", purpose: "Print secret IDs." },
  run(inv) {
    const fs = new FlagSet(secretIds.info);
    const out = new OutputFlags(fs, "smart", ["smart", "yaml", "json"]);
    checkEmpty(fs.parse(inv.args));
    const ids = visibleMetadata(inv.ctx)
      .map((s) => secretXid(s.id))
      .sort();
    // Juju builds the list with `var out []string`, so an empty result prints as null.
    out.write(inv, ids.length > 0 ? ids : null);
  },
};

/** The relation key Juju puts in a grant's scope tag. */
function relationScope(inv: Invocation, relationId: number): string {
  const relation = findRelation(inv.ctx, relationId);
  if (relation === undefined) return `relation-${relationId}`;
  if (relation.peer) return `relation-${inv.ctx.appName}.${relation.endpoint}`;
  const ends = [
    `${inv.ctx.appName}.${relation.endpoint}`,
    `${relation.remoteApp}.${relation.remoteEndpoint ?? relation.endpoint}`,
  ].sort();
  return `relation-${ends.join("#")}`;
}

/**
 * Juju's `NextRotateTime` as it prints it: Juju stores it rounded to the second, in UTC, and Go
 * writes a time without its zero fraction (`2026-11-28T09:30:00Z`).
 */
function rotateTime(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return value;
  return new Date(Math.round(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, "Z");
}

function tagOf(target: string): string {
  return target.includes("/") ? `unit-${target.replace("/", "-")}` : `application-${target}`;
}

/** The `secret-info-get` tool (owned secrets only). */
export const secretInfoGet: ToolDefinition = {
  info: { name: "secret-info-get", args: "<ID>", purpose: "Get a secret's metadata info." },
  run(inv) {
    const fs = new FlagSet(secretInfoGet.info);
    const out = new OutputFlags(fs, "yaml", ["yaml", "json"]);
    const label = fs.string(["label"], "a label used to identify the secret");
    const args = fs.parse(inv.args);
    let xid: string | undefined;
    if (args.length > 0) {
      try {
        xid = parseSecretUri(args[0] ?? "").xid;
      } catch {
        throw new UsageError(`secret URI ${goQuote(args[0] ?? "")} not valid`);
      }
    }
    if (xid === undefined && label.value === "")
      throw new UsageError("require either a secret URI or label");
    if (xid !== undefined && label.value !== "") {
      throw new UsageError("specify either a secret URI or label but not both");
    }
    checkEmpty(args.slice(1));
    const visible = visibleMetadata(inv.ctx);
    const secret =
      xid !== undefined
        ? visible.find((s) => secretXid(s.id) === xid)
        : visible.find((s) => s.label === label.value);
    if (secret === undefined)
      throw new ToolError(`secret ${goQuote(xid ?? label.value)} not found`);
    const access: GoValue[] = secret.grants.map(
      (g) =>
        new GoStruct([
          ["target", tagOf(g.target)],
          ["scope", relationScope(inv, g.relationId)],
          ["role", g.role],
        ]),
    );
    const info = new GoStruct([
      ["revision", secret.latestRevision],
      ["label", secret.label ?? ""],
      ["owner", secret.owner.kind],
      ["description", secret.description || undefined],
      ["rotation", secret.rotate || undefined],
      ["expiry", secret.expire || undefined],
      ["rotates", secret.nextRotate ? rotateTime(secret.nextRotate) : undefined],
      ["access", access.length > 0 ? access : undefined],
    ]);
    out.write(inv, { [secretXid(secret.id)]: info });
  },
};
