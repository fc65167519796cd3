/**
 * Who may do what with a secret, from the point of view of the hook's unit:
 * - a unit-owned secret belongs to its unit; an application-owned one to every unit of the
 *   application, but only the leader manages it (Juju shows its metadata to the leader only);
 * - a secret can be read by its owners and by the targets of its grants (the application or a
 *   unit of it);
 * - everything else is `not found`.
 *
 * @example
 * ```ts
 * const secret = findSecret(ctx, "9m4e2mr0ui3e8a215n4g");
 * if (secret && canRead(ctx, secret)) { ... }
 * ```
 */

import type { HookContextData, SecretData } from "../context.js";
import { ToolError } from "./errors.js";
import { goQuote } from "./go-format.js";
import { secretXid } from "./secret-uri.js";

/** The secret with this xid, if the context knows it. */
export function findSecret(ctx: HookContextData, xid: string): SecretData | undefined {
  return ctx.secrets.find((s) => secretXid(s.id) === xid);
}

/** True when the secret belongs to the unit or to its application. */
export function isOwnedHere(ctx: HookContextData, secret: SecretData): boolean {
  const owner = secret.owner;
  return (
    (owner.kind === "unit" && owner.unit === ctx.unitName) ||
    (owner.kind === "application" && owner.app === ctx.appName)
  );
}

/** True when the unit manages the secret (its own, or its application's while leader). */
export function isManagedHere(ctx: HookContextData, secret: SecretData): boolean {
  const owner = secret.owner;
  if (owner.kind === "unit") return owner.unit === ctx.unitName;
  return owner.kind === "application" && owner.app === ctx.appName && ctx.leader;
}

/** True when the unit may read the secret's content. */
export function canRead(ctx: HookContextData, secret: SecretData): boolean {
  return (
    isOwnedHere(ctx, secret) ||
    secret.grants.some((g) => g.target === ctx.appName || g.target === ctx.unitName)
  );
}

/** The owned secrets whose metadata Juju shows this unit (`secret-ids`, `secret-info-get`). */
export function visibleMetadata(ctx: HookContextData): SecretData[] {
  return ctx.secrets.filter((s) => isManagedHere(ctx, s));
}

/**
 * The secret a management tool (`secret-set`, `-remove`, `-grant`, `-revoke`) may change.
 * A secret of the unit's application while not leader is `permission denied`: Juju refuses the
 * change (when the hook's changes are committed), so the emulation refuses at once.
 */
export function secretToManage(ctx: HookContextData, xid: string): SecretData {
  const secret = findSecret(ctx, xid);
  if (secret === undefined || !isOwnedHere(ctx, secret)) {
    throw new ToolError(`secret ${goQuote(xid)} not found`);
  }
  if (!isManagedHere(ctx, secret)) throw new ToolError("permission denied");
  return secret;
}

/** Refuses an owner label another secret of the same owner already uses. */
export function checkOwnerLabel(
  ctx: HookContextData,
  secret: SecretData | undefined,
  label: string,
  owner: SecretData["owner"],
): void {
  const taken = ctx.secrets.some(
    (s) => s !== secret && s.label === label && JSON.stringify(s.owner) === JSON.stringify(owner),
  );
  if (taken) throw new ToolError("secret label already exists");
}
