/**
 * Juju secrets named in relation data. A provider publishes `Secret.id`, which `lib/ops` already
 * gives in the canonical form `secret://<model-uuid>/<id>` (see `canonicalSecretId`); a requirer
 * may meet any form (`secret:<id>` from older charms, the long form from Python `ops`), so ids are
 * compared by their unique part, and a secret the bag names but this unit cannot read is the
 * remote side's fault, reported as an {@link InterfaceDataError}.
 *
 * @example
 * ```ts
 * sameSecret("secret:cf0a", "secret://6f1c…/cf0a"); // true
 * const content = readGrantedSecret(this.model, uri, src, "token_secret_id");
 * ```
 */
import { ModelError } from "../../ops/errors.js";
import type { Model } from "../../ops/model/model.js";
import { type DataSource, InterfaceDataError } from "./databag.js";

/**
 * The unique part of a secret URI: the same for `secret:<id>`, `secret://<model-uuid>/<id>` and
 * a bare `<id>`.
 *
 * @example
 * ```ts
 * secretUniqueId("secret://6f1c…/cf0a"); // "cf0a"
 * ```
 */
export function secretUniqueId(id: string): string {
  return id.split(/[/:]/).pop() ?? id;
}

/**
 * Whether two secret URIs name the same secret, whatever their forms; false when either is
 * unknown.
 *
 * @example
 * ```ts
 * if (sameSecret(event.secret.id, bag.token_secret_id)) refresh();
 * ```
 */
export function sameSecret(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  return secretUniqueId(a) === secretUniqueId(b);
}

/**
 * The latest content of a secret that the remote side granted and named in its bag (tracking
 * that revision). A secret this unit cannot read (not granted, removed) becomes an
 * {@link InterfaceDataError} on `field`.
 *
 * @example
 * ```ts
 * const content = readGrantedSecret(this.model, d.tokenSecretId, src, "token_secret_id");
 * content.token;
 * ```
 */
export function readGrantedSecret(
  model: Model,
  id: string,
  src: DataSource,
  field: string,
): Record<string, string> {
  try {
    return model.getSecret({ id }, { refresh: true }).getContent();
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    throw new InterfaceDataError(
      src,
      field,
      "names a secret this unit cannot read (not granted to this relation?)",
    );
  }
}
