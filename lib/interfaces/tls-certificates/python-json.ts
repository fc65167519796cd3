/**
 * JSON text exactly as Python's `json.dumps` writes it with its defaults: `", "` and `": "`
 * separators and `ensure_ascii` (every character outside printable ASCII escaped as `\uXXXX`).
 *
 * The Python interface libraries encode structured bag values with `json.dumps`. Writing the same
 * bytes means a bag we write is indistinguishable from one a Python charm writes, and rewriting an
 * unchanged value never fires a spurious `relation-changed` on the other side.
 *
 * @example
 * ```ts
 * pyJsonDumps(["username", "password"]); // '["username", "password"]'
 * pyJsonDumps({ b: "2", a: "1" }, { sortKeys: true }); // '{"a": "1", "b": "2"}'
 * ```
 */

/**
 * A value `pyJsonDumps` can encode.
 *
 * @example
 * ```ts
 * const v: PyJson = { certificates: ["pem"] };
 * ```
 */
export type PyJson =
  string | number | boolean | null | readonly PyJson[] | { readonly [key: string]: PyJson };

/**
 * Options of {@link pyJsonDumps}.
 *
 * @example
 * ```ts
 * pyJsonDumps(credentials, { sortKeys: true } satisfies PyJsonOptions);
 * ```
 */
export interface PyJsonOptions {
  /** Python's `sort_keys=True`. */
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
    // Python escapes everything outside ' '..'~' (so DEL too); UTF-16 units map 1:1 to its
    // surrogate-pair escapes.
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * Encodes `value` as Python's `json.dumps` does. Integers only for numbers: the interfaces never
 * carry floats, and Python spells those differently.
 *
 * @example
 * ```ts
 * pyJsonDumps([{ certificate_signing_request: csr, ca: false }]);
 * ```
 */
export function pyJsonDumps(value: PyJson, opts: PyJsonOptions = {}): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isInteger(value))
      throw new TypeError(`pyJsonDumps encodes integers only, got ${value}`);
    return String(value);
  }
  if (typeof value === "string") return pyString(value);
  if (Array.isArray(value))
    return `[${(value as readonly PyJson[]).map((v) => pyJsonDumps(v, opts)).join(", ")}]`;
  const obj = value as { readonly [key: string]: PyJson };
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
  if (opts.sortKeys) keys.sort();
  return `{${keys.map((k) => `${pyString(k)}: ${pyJsonDumps(obj[k]!, opts)}`).join(", ")}}`;
}
