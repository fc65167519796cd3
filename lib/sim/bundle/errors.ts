/**
 * The error a bundle that cannot be deployed throws: every problem found, one per line, under
 * Juju's heading (`the provided bundle has the following errors:`). It is a {@link SimError} of
 * code `invalid` (or `not-found` when the bundle file itself is missing), so the CLI prints it
 * as any refused operation.
 *
 * @example
 * ```ts
 * throw new BundleError(['cannot specify both scale and num_units for application "db"']);
 * ```
 */
import { SimError } from "../errors.js";
import type { SimErrorCode } from "../errors.js";

/**
 * Juju's heading of a bundle's verification errors.
 *
 * @example
 * ```ts
 * message.startsWith(BUNDLE_ERRORS_HEADING);
 * ```
 */
export const BUNDLE_ERRORS_HEADING = "the provided bundle has the following errors:";

/**
 * A bundle refused with all its problems.
 *
 * @example
 * ```ts
 * if (e instanceof BundleError) e.problems.forEach((p) => console.error(p));
 * ```
 */
export class BundleError extends SimError {
  constructor(
    readonly problems: readonly string[],
    code: SimErrorCode = "invalid",
  ) {
    super(code, `${BUNDLE_ERRORS_HEADING}\n${problems.join("\n")}`);
    this.name = "BundleError";
  }
}
