/**
 * Generated passwords, and the application secret that holds the `operator` superuser's
 * password: made once by the leader, labelled `<peer endpoint>.<app>.app` and keyed
 * `operator-password` as the real charm keeps its system users' passwords, readable by every
 * unit of the application (the primary needs it for `initdb`).
 *
 * @example
 * ```ts
 * const password = ensureOperatorPassword(this.model); // leader
 * const same = readOperatorPassword(this.model);       // any unit; undefined until it exists
 * ```
 */
import { randomInt } from "node:crypto";
import { type Model, SecretNotFoundError } from "../../../../lib/ops/index.js";

/**
 * The peer endpoint; it names the secret, as the real charm's peer data secret.
 *
 * @example
 * ```ts
 * this.model.getRelation(PEER);
 * ```
 */
export const PEER = "database-peers";

/**
 * The key of the operator password in the secret.
 *
 * @example
 * ```ts
 * secret.getContent()[OPERATOR_PASSWORD_KEY];
 * ```
 */
export const OPERATOR_PASSWORD_KEY = "operator-password";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * A random password of letters and digits (16 by default), from a uniform CSPRNG draw.
 *
 * @example
 * ```ts
 * generatePassword(); // "q3ZbW0…" (16 characters)
 * ```
 */
export function generatePassword(length = 16): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/**
 * The label of the application secret with the operator password.
 *
 * @example
 * ```ts
 * operatorSecretLabel("postgresql-k8s"); // "database-peers.postgresql-k8s.app"
 * ```
 */
export function operatorSecretLabel(app: string): string {
  return `${PEER}.${app}.app`;
}

/**
 * The operator password, or undefined while the leader has not made it. Any unit.
 *
 * @example
 * ```ts
 * const password = readOperatorPassword(this.model);
 * ```
 */
export function readOperatorPassword(model: Model): string | undefined {
  try {
    // Refresh: a unit otherwise keeps reading the revision it saw first.
    const content = model
      .getSecret({ label: operatorSecretLabel(model.app.name) })
      .getContent({ refresh: true });
    return content[OPERATOR_PASSWORD_KEY] || undefined;
  } catch (e) {
    if (e instanceof SecretNotFoundError) return undefined;
    throw e;
  }
}

/**
 * Leader only: the operator password, made (and its secret created) the first time.
 *
 * @example
 * ```ts
 * if (this.unit.isLeader()) ensureOperatorPassword(this.model);
 * ```
 */
export function ensureOperatorPassword(model: Model): string {
  const label = operatorSecretLabel(model.app.name);
  const existing = readOperatorPassword(model);
  if (existing !== undefined) return existing;
  const password = generatePassword();
  try {
    model.getOwnedSecret({ label }, "app").setContent({ [OPERATOR_PASSWORD_KEY]: password });
  } catch (e) {
    if (!(e instanceof SecretNotFoundError)) throw e;
    model.app.addSecret(
      { [OPERATOR_PASSWORD_KEY]: password },
      { label, description: "PostgreSQL system user passwords" },
    );
  }
  return password;
}
