/**
 * Small parts of Go's standard library that hook-tool messages and flags depend on: `%q`
 * quoting, `strconv.ParseBool`/`Atoi`/`ParseInt` and `time.ParseDuration`, with Go's error texts.
 *
 * @example
 * ```ts
 * goQuote('a"b'); // "\"a\\\"b\""
 * parseGoBool("True"); // true
 * parseGoDuration("1h30m"); // 5400000 (milliseconds)
 * ```
 */

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Quotes a string as Go's `strconv.Quote` (and so `fmt`'s `%q`) does. */
export function goQuote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (code >= 0xd800 && code <= 0xdfff) out += "\\ufffd";
    else if (PRINTABLE.test(ch)) out += ch;
    else if (ch === "\x07") out += "\\a";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\v") out += "\\v";
    else if (code < 0x80) out += "\\x" + code.toString(16).padStart(2, "0");
    else if (code < 0x10000) out += "\\u" + code.toString(16).padStart(4, "0");
    else out += "\\U" + code.toString(16).padStart(8, "0");
  }
  return out + '"';
}

/** Formats a string list as Go's `%q` does for a `[]string`: `["a" "b"]`. */
export function goQuoteList(values: readonly string[]): string {
  return "[" + values.map(goQuote).join(" ") + "]";
}

/** Go's `strconv.ParseBool`: 1 t T TRUE true True / 0 f F FALSE false False. */
export function parseGoBool(value: string): boolean {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(value)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(value)) return false;
  throw new Error(`strconv.ParseBool: parsing ${goQuote(value)}: invalid syntax`);
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

function toSafeInt(big: bigint, fn: string, value: string): number {
  if (big > INT64_MAX || big < INT64_MIN) {
    throw new Error(`strconv.${fn}: parsing ${goQuote(value)}: value out of range`);
  }
  return Number(big);
}

/** Go's `strconv.Atoi`: an optional sign and decimal digits, nothing else. */
export function parseGoAtoi(value: string): number {
  if (!/^[+-]?[0-9]+$/.test(value)) {
    throw new Error(`strconv.Atoi: parsing ${goQuote(value)}: invalid syntax`);
  }
  return toSafeInt(BigInt(value), "Atoi", value);
}

/** Go's `strconv.ParseInt(s, 0, 64)`, as gnuflag's int flags use it (0x, 0o, 0b, 0 prefixes). */
export function parseGoInt(value: string): number {
  const invalid = (): Error =>
    new Error(`strconv.ParseInt: parsing ${goQuote(value)}: invalid syntax`);
  const match = /^([+-]?)(.*)$/.exec(value);
  const sign = match?.[1] ?? "";
  let body = match?.[2] ?? "";
  if (body === "") throw invalid();
  let radix = 10;
  const lower = body.toLowerCase();
  const prefixes: [string, number][] = [
    ["0x", 16],
    ["0o", 8],
    ["0b", 2],
  ];
  const prefix = prefixes.find(([p]) => lower.startsWith(p));
  if (prefix !== undefined) {
    radix = prefix[1];
    body = body.slice(2);
  } else if (body.length > 1 && body.startsWith("0")) {
    radix = 8;
  }
  // Base 0 allows underscores between digits.
  if (/^_|_$|__/.test(body)) throw invalid();
  body = body.replaceAll("_", "");
  const digits = "0123456789abcdef".slice(0, radix);
  if (body === "" || ![...body.toLowerCase()].every((c) => digits.includes(c))) throw invalid();
  let big = 0n;
  for (const c of body.toLowerCase()) big = big * BigInt(radix) + BigInt(digits.indexOf(c));
  if (sign === "-") big = -big;
  return toSafeInt(big, "ParseInt", value);
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Go's `time.ParseDuration`, returning milliseconds: `300ms`, `-1.5h`, `2h45m`, `0`. Throws
 * `time: invalid duration "<s>"` (or `missing unit`/`unknown unit`) like Go.
 */
export function parseGoDuration(value: string): number {
  const invalid = (): Error => new Error(`time: invalid duration ${goQuote(value)}`);
  let rest = value;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    if (rest.startsWith("-")) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") throw invalid();
  let total = 0;
  while (rest !== "") {
    const num = /^([0-9]*)(\.([0-9]*))?/.exec(rest);
    const whole = num?.[1] ?? "";
    const frac = num?.[3] ?? "";
    if (whole === "" && frac === "") throw invalid();
    rest = rest.slice(num?.[0].length ?? 0);
    const unit = /^[^0-9.]*/.exec(rest)?.[0] ?? "";
    if (unit === "") throw new Error(`time: missing unit in duration ${goQuote(value)}`);
    const scale = DURATION_UNITS[unit];
    if (scale === undefined) {
      throw new Error(`time: unknown unit ${goQuote(unit)} in duration ${goQuote(value)}`);
    }
    rest = rest.slice(unit.length);
    total += Number(`${whole || "0"}.${frac || "0"}`) * scale;
  }
  return sign * total;
}
