/**
 * Timestamps for the in-memory Pebble: RFC 3339 with nanoseconds, strictly increasing, like the
 * ones Pebble sends, so that "after" filters and ordering behave as with the real daemon.
 *
 * @module
 */

let last = 0n;

/** Nanoseconds since the epoch, strictly increasing across calls. */
export function nowNs(): bigint {
  let now = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  if (now <= last) now = last + 1n;
  last = now;
  return now;
}

/** Formats nanoseconds since the epoch as RFC 3339 with nine fractional digits. */
export function formatNs(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const base = new Date(ms).toISOString().slice(0, 19);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, "0");
  return `${base}.${frac}Z`;
}

/** A fresh timestamp string. */
export function timestamp(): string {
  return formatNs(nowNs());
}

/** Parses an RFC 3339 time (any number of fractional digits, any offset) into nanoseconds. */
export function parseTimeNs(text: string): bigint | undefined {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (!match) return undefined;
  const seconds = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  const frac = (match[2] ?? "").padEnd(9, "0").slice(0, 9);
  return BigInt(seconds) * 1_000_000n + BigInt(frac);
}
