/**
 * JSON text spelled exactly as Python's `json.dumps` spells it with its defaults: `", "` and
 * `": "` separators, `ensure_ascii` escapes, and Python's `repr` of floats. The COS libraries
 * (prometheus_scrape, loki_push_api, grafana_dashboard) and ingress/oauth/tracing encode bag values
 * with `json.dumps`; writing the same bytes makes our bags indistinguishable from a Python
 * charm's, and rewriting an unchanged value never fires a spurious `relation-changed`.
 *
 * Shared by the observability interfaces and ingress/oauth/tracing. It differs from
 * `tls-certificates/python-json.ts` in that it also encodes floats (Grafana dashboards carry
 * them); both belong in `lib/interfaces/common/`.
 *
 * @example
 * ```ts
 * pyJsonDumps({ url: "http://loki:3100" });              // '{"url": "http://loki:3100"}'
 * pyJsonDumps({ b: 1, a: [0.5, true] }, { sortKeys: true }); // '{"a": [0.5, true], "b": 1}'
 * ```
 */

/**
 * A value {@link pyJsonDumps} can encode. `undefined` members of objects are left out.
 *
 * @example
 * ```ts
 * const v: PyJson = { receivers: ["otlp_http"] };
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
 * pyJsonDumps(rules, { sortKeys: true });
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
 * notation for exponents -4..15 and `1e+16`/`1e-05` style outside. Integral values print as
 * Python ints: JSON parsed in JavaScript cannot tell `1.0` from `1`.
 */
function pyNumber(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`JSON cannot encode ${n}`);
  // An integral value prints as a Python int would (JSON parsed here cannot tell 1.0 from 1).
  if (Number.isInteger(n)) return BigInt(n).toString();
  const exp = n === 0 ? 0 : Math.floor(Math.log10(Math.abs(n)));
  if (exp >= -4 && exp < 16) return String(n);
  const [mantissa = "", e = "0"] = n.toExponential().split("e");
  const power = Number(e);
  return `${mantissa}e${power < 0 ? "-" : "+"}${String(Math.abs(power)).padStart(2, "0")}`;
}

/**
 * Encodes `value` as Python's `json.dumps(value)` does (or with `sort_keys=True`).
 *
 * @example
 * ```ts
 * pyJsonDumps(["otlp_http"]); // '["otlp_http"]'
 * pyJsonDumps("jimm");        // '"jimm"'
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
  if (opts.sortKeys) keys.sort();
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
