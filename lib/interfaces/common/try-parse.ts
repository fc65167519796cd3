/**
 * Parsing remote relation data where bad data is expected and handled, not fatal: the
 * {@link InterfaceDataError} a parser throws comes back as a value, so the caller logs it, skips
 * the bag or reports it, while any other error (a bug) still propagates.
 *
 * @example
 * ```ts
 * const status = tryParse(() => parseDashboardStatus(bag, src));
 * if (status instanceof InterfaceDataError) return this.log.warning(status.message);
 * ```
 */
import { InterfaceDataError } from "./databag.js";

/**
 * The result of `parse`, or the {@link InterfaceDataError} it threw; any other error propagates.
 *
 * @example
 * ```ts
 * const parsed = tryParse(() => parseRequirerBag(r.data(r.app!).toObject(), src));
 * if (parsed instanceof InterfaceDataError) return [{ relation: r, state: "invalid", error: parsed }];
 * ```
 */
export function tryParse<T>(parse: () => T): T | InterfaceDataError {
  try {
    return parse();
  } catch (e) {
    if (e instanceof InterfaceDataError) return e;
    throw e;
  }
}
