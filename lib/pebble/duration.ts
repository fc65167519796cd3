/**
 * Go duration strings (`300ms`, `1m30s`, `168h0m0s`), which Pebble uses for every duration in
 * layers and API fields.
 *
 * @module
 */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * Parses a Go duration into milliseconds, or returns `undefined` when the text is not one.
 *
 * @example
 * ```ts
 * parseDuration("1m30s"); // 90000
 * parseDuration("soon");  // undefined
 * ```
 */
export function parseDuration(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    sign = rest.startsWith("-") ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < rest.length) {
    const match = PART.exec(rest);
    if (!match) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ""] ?? Number.NaN);
  }
  return Number.isNaN(total) ? undefined : sign * total;
}

/**
 * Formats milliseconds as a Go duration that Pebble accepts.
 *
 * @example
 * ```ts
 * formatDuration(1500); // "1500ms"
 * ```
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`invalid duration: ${ms} ms`);
  if (Number.isInteger(ms)) return `${ms}ms`;
  return `${Math.round(ms * 1000)}us`;
}

/**
 * Formats milliseconds the way Go's `time.Duration.String` does, which is how Pebble prints
 * durations (`1m0s`, `1h0m0s`, `300ms`).
 *
 * @example
 * ```ts
 * formatGoDuration(90_000); // "1m30s"
 * ```
 */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return "0s";
  const sign = ms < 0 ? "-" : "";
  let rest = Math.abs(ms);
  if (rest < 1000) {
    const text = Number.isInteger(rest) ? `${rest}ms` : `${+(rest * 1000).toFixed(3)}µs`;
    return sign + text;
  }
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = +(rest / 1000).toFixed(9);
  let text = `${seconds}s`;
  if (hours > 0 || minutes > 0) text = `${minutes}m${text}`;
  if (hours > 0) text = `${hours}h${text}`;
  return sign + text;
}
