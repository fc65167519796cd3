/**
 * The error every refused controller operation throws. Its message is Juju's wording where we
 * know it (`unknown option "foo"`, `ambiguous relation: …`) or a clearer one; `code` lets
 * callers (the CLI) tell kinds apart without parsing text. A refused operation changes nothing.
 *
 * @example
 * ```ts
 * try {
 *   await controller.config("jaas", "openfga", { port: "abc" });
 * } catch (e) {
 *   if (e instanceof SimError && e.code === "invalid") console.error(`ERROR ${e.message}`);
 * }
 * ```
 */

/** Kinds of refusal. */
export type SimErrorCode = "not-found" | "already-exists" | "invalid" | "unsupported" | "state";

/**
 * A refused operation.
 *
 * @example
 * ```ts
 * throw new SimError("state", `unit "a/0" is not in an error state`);
 * ```
 */
export class SimError extends Error {
  constructor(
    readonly code: SimErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "SimError";
  }
}

/**
 * Shorthand for a {@link SimError} of code `not-found`.
 *
 * @example
 * ```ts
 * throw notFound(`application "x" not found`);
 * ```
 */
export function notFound(message: string): SimError {
  return new SimError("not-found", message);
}

/**
 * Shorthand for a {@link SimError} of code `invalid`.
 *
 * @example
 * ```ts
 * throw invalid(`invalid application name "X"`);
 * ```
 */
export function invalid(message: string): SimError {
  return new SimError("invalid", message);
}
