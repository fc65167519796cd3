/**
 * Values as Juju's hook tools print them, and the two encoders they use: Go's `json.Marshal`
 * (compact, map keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped) and `gopkg.in/yaml.v2`
 * (keys sorted, YAML 1.1 quoting, block style). A plain object is a Go map (keys sorted); a
 * {@link GoStruct} keeps its field order and drops `undefined` fields (Go's `omitempty`).
 *
 * @example
 * ```ts
 * goJson({ b: "<x>", a: 1 }); // {"a":1,"b":"\u003cx\u003e"}
 * goJson(new GoStruct([["uuid", "abc"]])); // {"uuid":"abc"}
 * ```
 */

import { stringify } from "yaml";

/** A Go struct: fields in declaration order; `undefined` fields are omitted. */
export class GoStruct {
  constructor(readonly fields: ReadonlyArray<readonly [string, GoValue]>) {}
}

/** A value a hook tool prints. */
export type GoValue =
  | null
  | undefined
  | string
  | number
  | boolean
  | readonly GoValue[]
  | GoStruct
  | { readonly [key: string]: GoValue };

const HEX = "0123456789abcdef";

function jsonString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const ch = value[i] ?? "";
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += ch + (value[i + 1] ?? "");
        i++;
      } else {
        out += "\\ufffd";
      }
      continue;
    }
    if (code >= 0xdc00 && code <= 0xdfff) out += "\\ufffd";
    else if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (code < 0x20 || ch === "<" || ch === ">" || ch === "&") {
      out += "\\u00" + (HEX[code >> 4] ?? "0") + (HEX[code & 0xf] ?? "0");
    } else if (code === 0x2028) out += "\\u2028";
    else if (code === 0x2029) out += "\\u2029";
    else out += ch;
  }
  return out + '"';
}

function isGoMap(value: GoValue): value is { readonly [key: string]: GoValue } {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof GoStruct)
  );
}

/** Encodes `value` as Go's `json.Marshal` does (no trailing newline). */
export function goJson(value: GoValue): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return jsonString(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return Number.isFinite(value) ? JSON.stringify(value) : "null";
  if (Array.isArray(value)) return "[" + value.map((v: GoValue) => goJson(v)).join(",") + "]";
  if (value instanceof GoStruct) {
    const parts = value.fields
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => jsonString(k) + ":" + goJson(v));
    return "{" + parts.join(",") + "}";
  }
  if (isGoMap(value)) {
    const keys = Object.keys(value).sort();
    return "{" + keys.map((k) => jsonString(k) + ":" + goJson(value[k])).join(",") + "}";
  }
  return "null";
}

/** Turns a GoValue into plain data in the order yaml.v2 prints it. */
function toYamlData(value: GoValue): unknown {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map((v: GoValue) => toYamlData(v));
  if (value instanceof GoStruct) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value.fields) if (v !== undefined) out[k] = toYamlData(v);
    return out;
  }
  if (isGoMap(value)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = toYamlData(value[k]);
    return out;
  }
  return value;
}

/** Encodes `value` as Juju's `FormatYaml` does: nothing for null, else YAML ending in one newline. */
export function goYaml(value: GoValue): string {
  if (value === null || value === undefined) return "";
  const text = stringify(toYamlData(value), { version: "1.1", indentSeq: false, lineWidth: 0 });
  const trimmed = text.replace(/\n+$/, "");
  return trimmed === "" ? "" : trimmed + "\n";
}
