/**
 * Who sees a secret: its owners (the owning unit, or every unit of the owning application, the
 * leader managing it) and the targets of its grants. A grant names the application or unit as
 * the owner's model names it, so across models it names `remote-<token>` and reaches the
 * consuming application behind that name.
 *
 * @example
 * ```ts
 * secretRole(state, ownerModel, secret, "jaas", unit); // "owner" | "manager" | "consumer" | undefined
 * ```
 */
import type { ControllerState, ModelState, SecretState, UnitState } from "./types.js";
import { relationById, sideIndex } from "./view.js";

/** How a unit stands to a secret. */
export type SecretRole = "manager" | "owner" | "consumer";

/**
 * The unit's role: `manager` (owning unit, or leader of the owning app), `owner` (another unit
 * of the owning app), `consumer` (granted), or undefined (the secret is not found for it).
 *
 * @example
 * ```ts
 * if (secretRole(state, model, secret, model.name, unit) === "consumer") { ... }
 * ```
 */
export function secretRole(
  state: ControllerState,
  secretModel: ModelState,
  secret: SecretState,
  viewerModel: string,
  unit: UnitState,
): SecretRole | undefined {
  const owner = secret.owner;
  if (secretModel.name === viewerModel) {
    if (owner.kind === "unit" && owner.unit === unit.name) return "manager";
    if (owner.kind === "application" && owner.app === unit.app) {
      return secretModel.applications[unit.app]?.leader === unit.name ? "manager" : "owner";
    }
  }
  return isGranted(state, secretModel, secret, viewerModel, unit) ? "consumer" : undefined;
}

/**
 * True when a grant of the secret reaches the unit.
 *
 * @example
 * ```ts
 * isGranted(state, ownerModel, secret, "jaas", unit); // true when a grant names its app or unit
 * ```
 */
export function isGranted(
  state: ControllerState,
  secretModel: ModelState,
  secret: SecretState,
  viewerModel: string,
  unit: UnitState,
): boolean {
  for (const grant of secret.grants) {
    if (secretModel.name === viewerModel) {
      if (grant.relationId >= 0 && relationById(state, grant.relationId) === undefined) continue;
      if (grant.target === unit.app || grant.target === unit.name) return true;
      continue;
    }
    const rel = relationById(state, grant.relationId);
    const cmr = rel?.crossModel;
    if (rel === undefined || cmr === undefined) continue;
    const consumerSide = sideIndex(rel, viewerModel, unit.app);
    if (consumerSide < 0 || consumerSide === cmr.offerSide) continue;
    if (rel.sides[cmr.offerSide]?.model !== secretModel.name) continue;
    const n = unit.name.slice(unit.name.indexOf("/") + 1);
    if (grant.target === cmr.remoteAppName || grant.target === `${cmr.remoteAppName}/${n}`) {
      return true;
    }
  }
  return false;
}

/**
 * The URI a unit of `viewerModel` uses for the secret: `secret:<xid>` in the owner's model,
 * `secret://<owner-model-uuid>/<xid>` elsewhere.
 *
 * @example
 * ```ts
 * secretUri(ownerModel, secret, "other"); // "secret://5f0e…/d0ekb4ipgbgs73c6bnf0"
 * ```
 */
export function secretUri(
  secretModel: ModelState,
  secret: SecretState,
  viewerModel: string,
): string {
  return secretModel.name === viewerModel
    ? `secret:${secret.xid}`
    : `secret://${secretModel.uuid}/${secret.xid}`;
}

/**
 * Every secret of the controller with the unit's role, owner's model first.
 *
 * @example
 * ```ts
 * for (const { model, secret, role } of visibleSecrets(state, "jaas", unit)) { ... }
 * ```
 */
export function visibleSecrets(
  state: ControllerState,
  viewerModel: string,
  unit: UnitState,
): { model: ModelState; secret: SecretState; role: SecretRole }[] {
  const out: { model: ModelState; secret: SecretState; role: SecretRole }[] = [];
  const models = Object.values(state.models).sort((a, b) =>
    a.name === viewerModel ? -1 : b.name === viewerModel ? 1 : a.name < b.name ? -1 : 1,
  );
  for (const model of models) {
    for (const secret of Object.values(model.secrets)) {
      const role = secretRole(state, model, secret, viewerModel, unit);
      if (role !== undefined) out.push({ model, secret, role });
    }
  }
  return out;
}
