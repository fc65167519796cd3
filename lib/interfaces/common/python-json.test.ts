// Unit tests of the Python-compatible JSON writer every interface library uses, cross-checked
// against python3's json module (the tls-certificates tests cross-check it once more next to
// Python's cryptography).
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { asPyJson, pyJsonDumps, pyJsonLoadsOrRaw } from "./python-json.js";

/** What python3 writes for `value` (sent as JSON text, read with `json.loads`). */
function pythonDumps(value: unknown, sortKeys = false): string {
  const py = spawnSync(
    "python3",
    [
      "-c",
      `import json,sys; print(json.dumps(json.loads(sys.stdin.read())${sortKeys ? ", sort_keys=True" : ""}), end='')`,
    ],
    { input: JSON.stringify(value), encoding: "utf8" },
  );
  expect(py.status).toBe(0);
  return py.stdout;
}

describe("Python-compatible JSON", () => {
  it("writes what Python's json.dumps writes", () => {
    expect(pyJsonDumps({ a: [1, true, null, 'é\n"/'], b: {} })).toBe(
      '{"a": [1, true, null, "\\u00e9\\n\\"/"], "b": {}}',
    );
    expect(pyJsonDumps("😀")).toBe('"\\ud83d\\ude00"');
  });

  it("spells values exactly as json.dumps does", () => {
    const value = {
      s: 'quote " backslash \\ tab \t é ✓ 😀 \u007f',
      n: [0, -3, 1.5, 0.1, 1e-5, 1e16, 2.5e-7, 123456789012345.6],
      b: [true, false, null],
      nested: { z: {}, a: [] },
    };
    expect(pyJsonDumps(value)).toBe(pythonDumps(value));
    expect(pyJsonDumps(value, { sortKeys: true })).toBe(pythonDumps(value, true));
  });

  it("spells floats as Python's repr, at the edges of positional notation too", () => {
    // 9.999999999999999e-5 is where a logarithm-based exponent goes wrong (it rounds to -4).
    // Integral floats are left out: they print as Python ints (see pyNumber).
    const floats = [
      0.0001,
      0.00001,
      9.999999999999999e-5,
      1.0000000000000002e-4,
      -2.5e-7,
      1234567890123456.8,
      999999999999999.9,
      0.1 + 0.2,
      -0.5,
      5e-324,
      123456789012.345,
    ];
    expect(pyJsonDumps(floats)).toBe(pythonDumps(floats));
  });

  it("sorts keys by code point, as Python sorts str", () => {
    const value = { "\uffff": 1, "😀": 2, b: { "\ue000": 3, "𝒜": 4, a: 5 }, B: 6, é: 7 };
    expect(pyJsonDumps(value, { sortKeys: true })).toBe(pythonDumps(value, true));
  });

  it("leaves out undefined members and refuses what JSON cannot carry", () => {
    expect(pyJsonDumps({ a: undefined, b: 1 })).toBe('{"b": 1}');
    expect(() => pyJsonDumps(Number.NaN)).toThrow(TypeError);
    expect(() => pyJsonDumps([Number.POSITIVE_INFINITY])).toThrow(TypeError);
  });

  it("checks parsed JSON and reads bag values as the Python libraries' _load_data", () => {
    expect(asPyJson(JSON.parse('{"a": [1, "x", null]}'))).toEqual({ a: [1, "x", null] });
    expect(() => asPyJson(() => 1)).toThrow(TypeError);
    expect(pyJsonLoadsOrRaw('["openid"]')).toEqual(["openid"]);
    expect(pyJsonLoadsOrRaw("openid profile")).toBe("openid profile");
  });
});
