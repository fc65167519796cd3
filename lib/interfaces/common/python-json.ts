/**
 * JSON text spelled exactly as Python's `json.dumps` spells it with its defaults: `", "` and
 * `": "` separators, `ensure_ascii` escapes (every character outside printable ASCII as
 * `\uXXXX`, astral characters as surrogate pairs), Python's `repr` of floats, and with
 * `sort_keys=True` keys in code-point order.
 *
 * The Python interface libraries encode structured bag values with `json.dumps`. Writing the same
 * bytes makes a bag we write indistinguishable from one a Python charm writes, and rewriting an
 * unchanged value never fires a spurious `relation-changed` on the other side. Every interface
 * library here writes its JSON with {@link pyJsonDumps}.
 *
 * @example
 * ```ts
 * pyJsonDumps(["username", "password"]);                     // '["username", "password"]'
 * pyJsonDumps({ b: 1, a: [0.5, true] }, { sortKeys: true }); // '{"a": [0.5, true], "b": 1}'
 * ```
 */

/**
 * A value {@link pyJsonDumps} can encode. `undefined` members of objects are left out.
 *
 * @example
 * ```ts
 * const v: PyJson = { certificates: ["pem"], receivers: ["otlp_http"] };
 * ```
 */
export type PyJson =
  | string
  | number
  | boolean
  | null
  | readonly PyJson[]
  | { readonly [key: string]: PyJson | undefined };

/**
 * Options of {@link pyJsonDumps}.
 *
 * @example
 * ```ts
 * pyJsonDumps(credentials, { sortKeys: true } satisfies PyJsonOptions);
 * ```
 */
export interface PyJsonOptions {
  /** Python's `sort_keys=True` (applies at every depth). */
  sortKeys?: boolean;
}

const SHORT: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

/** A string literal as Python's `json.dumps(..., ensure_ascii=True)` spells it. */
function pyString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    const short = SHORT[ch];
    if (short !== undefined) out += short;
    // Python escapes everything outside ' '..'~' (DEL included); a UTF-16 unit maps to the
    // same \uXXXX (surrogate pairs included) as Python writes for astral characters.
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * Python's `repr(float)`: the shortest round-trip digits (as JavaScript's), in positional
 * notation for decimal exponents -4..15 and `1e+16`/`1e-05` style outside. Integral values print
 * as Python ints: JSON parsed in JavaScript cannot tell `1.0` from `1`.
 */
function pyNumber(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`JSON cannot encode ${n}`);
  if (Number.isInteger(n)) return BigInt(n).toString();
  // The exponent of the shortest digits, not a logarithm (which rounds near powers of ten).
  const [mantissa = "", e = "0"] = n.toExponential().split("e");
  const exp = Number(e);
  if (exp >= -4 && exp < 16) return String(n);
  return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
}

/** Python's `str` ordering: by code point (JavaScript's default sort compares UTF-16 units). */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < x.length && i < y.length; i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * Encodes `value` as Python's `json.dumps(value)` does (or with `sort_keys=True`). Throws
 * `TypeError` on `NaN` and infinities, which JSON cannot carry.
 *
 * @example
 * ```ts
 * pyJsonDumps([{ certificate_signing_request: csr, ca: false }]);
 * pyJsonDumps("jimm"); // '"jimm"'
 * ```
 */
export function pyJsonDumps(value: PyJson, opts: PyJsonOptions = {}): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return pyNumber(value);
  if (typeof value === "string") return pyString(value);
  if (Array.isArray(value)) {
    return `[${(value as readonly PyJson[]).map((v) => pyJsonDumps(v, opts)).join(", ")}]`;
  }
  const obj = value as { readonly [key: string]: PyJson | undefined };
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
  if (opts.sortKeys) keys.sort(byCodePoint);
  return `{${keys.map((k) => `${pyString(k)}: ${pyJsonDumps(obj[k]!, opts)}`).join(", ")}}`;
}

/**
 * Converts a value parsed from JSON (typed `unknown`) to {@link PyJson}, checking it really is
 * JSON data.
 *
 * @example
 * ```ts
 * const dashboard = asPyJson(JSON.parse(text));
 * ```
 */
export function asPyJson(value: unknown): PyJson {
  if (
    value === null ||
    typeof value === "string" ||
    typeof value === "boolean" ||
    typeof value === "number"
  ) {
    return value;
  }
  if (Array.isArray(value)) return value.map(asPyJson);
  if (typeof value === "object") {
    const out: Record<string, PyJson> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = asPyJson(v);
    return out;
  }
  throw new TypeError(`not JSON data: ${typeof value}`);
}

/**
 * A bag value as the Python libraries' `_load_data` reads it: the JSON value when the text parses,
 * else the raw string.
 *
 * @example
 * ```ts
 * pyJsonLoadsOrRaw('["openid"]'); // ["openid"]
 * pyJsonLoadsOrRaw("openid");     // "openid"
 * ```
 */
export function pyJsonLoadsOrRaw(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
