/**
 * Adds label matchers to every vector selector of a PromQL expression, or every stream selector
 * of a LogQL expression: what `cos-tool transform --label-matcher k=v` does for the Python COS
 * libraries. A matcher the selector already has for a label is kept; the new ones are added and
 * the selector's matchers are written sorted by label name, as Prometheus prints them. The rest
 * of the expression is left as written (cos-tool re-prints it canonically; the meaning is the
 * same). Anything this scanner cannot follow leaves the expression unchanged, as cos-tool's
 * callers do when it fails.
 *
 * @example
 * ```ts
 * injectLabelMatchers("rate(http_requests_total[5m]) > 0", { juju_model: "m" }, "promql");
 * // 'rate(http_requests_total{juju_model="m"}[5m]) > 0'
 * ```
 */

/**
 * The query language of an expression.
 *
 * @example
 * ```ts
 * injectLabelMatchers("{app=\"x\"}", matchers, "logql" satisfies QueryType);
 * ```
 */
export type QueryType = "promql" | "logql";

const KEYWORDS = new Set([
  "and",
  "or",
  "unless",
  "bool",
  "offset",
  "atan2",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "inf",
  "nan",
]);
const GROUPING = new Set(["by", "without", "on", "ignoring", "group_left", "group_right"]);
const AGGREGATORS = new Set([
  "sum",
  "min",
  "max",
  "avg",
  "group",
  "stddev",
  "stdvar",
  "count",
  "count_values",
  "bottomk",
  "topk",
  "quantile",
  "limitk",
  "limit_ratio",
]);

class ScanError extends Error {}

/** Go's `strconv.Quote` for the ASCII cases label values use. */
function quote(v: string): string {
  return `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

interface Matcher {
  name: string;
  text: string;
}

class Scanner {
  private i = 0;
  private out = "";

  constructor(
    private readonly src: string,
    private readonly matchers: Readonly<Record<string, string>>,
    private readonly type: QueryType,
  ) {}

  run(): string {
    while (this.i < this.src.length) this.step();
    return this.out;
  }

  private peekNonSpace(from: number): string | undefined {
    let j = from;
    while (j < this.src.length && /\s/.test(this.src[j]!)) j++;
    return this.src[j];
  }

  private copyString(): void {
    const q = this.src[this.i]!;
    let j = this.i + 1;
    while (j < this.src.length && this.src[j] !== q) {
      if (this.src[j] === "\\" && q !== "`") j++;
      j++;
    }
    if (j >= this.src.length) throw new ScanError("unterminated string");
    this.out += this.src.slice(this.i, j + 1);
    this.i = j + 1;
  }

  /** Copies from an opening bracket to its matching closer, strings included. */
  private copyBalanced(open: string, close: string): void {
    let depth = 0;
    while (this.i < this.src.length) {
      const c = this.src[this.i]!;
      if (c === '"' || c === "'" || c === "`") {
        this.copyString();
        continue;
      }
      if (c === open) depth++;
      if (c === close) depth--;
      this.out += c;
      this.i++;
      if (depth === 0) return;
    }
    throw new ScanError(`unbalanced ${open}`);
  }

  /** Parses `{...}` at `this.i` and writes it with the extra matchers. */
  private selector(): void {
    const existing: Matcher[] = [];
    let j = this.i + 1;
    const src = this.src;
    const skipSpace = (): void => {
      while (j < src.length && /\s/.test(src[j]!)) j++;
    };
    for (;;) {
      skipSpace();
      if (src[j] === "}") break;
      const nameMatch = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(src.slice(j));
      if (!nameMatch) throw new ScanError("label name expected");
      const name = nameMatch[0];
      j += name.length;
      skipSpace();
      const op = /^(=~|!~|!=|=)/.exec(src.slice(j));
      if (!op) throw new ScanError("matcher operator expected");
      j += op[0].length;
      skipSpace();
      const q = src[j];
      if (q !== '"' && q !== "'" && q !== "`") throw new ScanError("label value expected");
      let k = j + 1;
      while (k < src.length && src[k] !== q) {
        if (src[k] === "\\" && q !== "`") k++;
        k++;
      }
      if (k >= src.length) throw new ScanError("unterminated label value");
      existing.push({ name, text: `${name}${op[0]}${src.slice(j, k + 1)}` });
      j = k + 1;
      skipSpace();
      if (src[j] === ",") {
        j++;
        continue;
      }
      if (src[j] === "}") break;
      throw new ScanError("',' or '}' expected");
    }
    this.out += this.render(existing);
    this.i = j + 1;
  }

  private render(existing: Matcher[]): string {
    const all = [...existing];
    for (const [k, v] of Object.entries(this.matchers)) {
      if (!existing.some((m) => m.name === k)) all.push({ name: k, text: `${k}=${quote(v)}` });
    }
    all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return `{${all.map((m) => m.text).join(",")}}`;
  }

  private step(): void {
    const c = this.src[this.i]!;
    if (c === '"' || c === "'" || c === "`") return this.copyString();
    if (c === "#") {
      const end = this.src.indexOf("\n", this.i);
      const stop = end < 0 ? this.src.length : end;
      this.out += this.src.slice(this.i, stop);
      this.i = stop;
      return;
    }
    if (c === "{") return this.selector();
    if (this.type === "logql") {
      this.out += c;
      this.i++;
      return;
    }
    if (c === "[") return this.copyBalanced("[", "]");
    if (/[0-9.]/.test(c)) {
      const m = /^[0-9.][0-9a-zA-Z_.]*/.exec(this.src.slice(this.i))!;
      this.out += m[0];
      this.i += m[0].length;
      return;
    }
    if (/[a-zA-Z_:]/.test(c)) return this.identifier();
    if (c === "$") throw new ScanError("template variables are not supported");
    this.out += c;
    this.i++;
  }

  private identifier(): void {
    const m = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(this.src.slice(this.i))!;
    const word = m[0];
    this.out += word;
    this.i += word.length;
    const lower = word.toLowerCase();
    const next = this.peekNonSpace(this.i);
    if (GROUPING.has(lower)) {
      if (next === "(") {
        while (/\s/.test(this.src[this.i]!)) this.out += this.src[this.i++];
        this.copyBalanced("(", ")");
      }
      return;
    }
    if (KEYWORDS.has(lower) || AGGREGATORS.has(word)) return;
    if (next === "(") return; // a function call
    if (next === "{") {
      while (/\s/.test(this.src[this.i]!)) this.out += this.src[this.i++];
      this.selector();
      return;
    }
    this.out += this.render([]); // a bare metric name
  }
}

/**
 * Returns `expression` with `matchers` added to each of its selectors, or unchanged when there is
 * nothing to add or the expression cannot be scanned.
 *
 * @example
 * ```ts
 * injectLabelMatchers('count_over_time({app="x"} |= "err" [5m]) > 0', { juju_model: "m" }, "logql");
 * // 'count_over_time({app="x",juju_model="m"} |= "err" [5m]) > 0'
 * ```
 */
export function injectLabelMatchers(
  expression: string,
  matchers: Readonly<Record<string, string>>,
  type: QueryType,
): string {
  if (Object.keys(matchers).length === 0) return expression;
  try {
    return new Scanner(expression, matchers, type).run();
  } catch (e) {
    if (e instanceof ScanError) return expression;
    throw e;
  }
}
