/**
 * Secret rotation periods (Juju's `RotatePolicy.NextRotateTime`): hourly, daily, weekly,
 * monthly (30 days), quarterly (90 days), yearly (365 days); `never` has none.
 *
 * @example
 * ```ts
 * rotationDelayMs("daily"); // 86400000
 * rotationDelayMs("never"); // undefined
 * ```
 */
import type { RotatePolicy } from "../../jujuc/context.js";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

const PERIODS: Record<RotatePolicy, number | undefined> = {
  never: undefined,
  hourly: HOUR,
  daily: DAY,
  weekly: 7 * DAY,
  monthly: 30 * DAY,
  quarterly: 90 * DAY,
  yearly: 365 * DAY,
};

/**
 * The time from now to the next rotation under a policy, or undefined for `never`.
 *
 * @example
 * ```ts
 * secret.rotateAt = Date.now() + (rotationDelayMs(policy) ?? 0);
 * ```
 */
export function rotationDelayMs(policy: RotatePolicy): number | undefined {
  return PERIODS[policy];
}
