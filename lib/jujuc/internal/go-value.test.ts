import { describe, expect, it } from "vitest";
import { goQuote, goQuoteList, parseGoAtoi, parseGoDuration } from "./go-format.js";
import { GoStruct, goJson, goYaml } from "./go-value.js";
import { formatValue } from "./output.js";

describe("goJson (Go json.Marshal)", () => {
  it("sorts map keys, keeps struct order and drops undefined struct fields", () => {
    expect(goJson({ b: 1, a: [true, null] })).toBe('{"a":[true,null],"b":1}');
    expect(
      goJson(
        new GoStruct([
          ["z", 1],
          ["a", undefined],
          ["m", "x"],
        ]),
      ),
    ).toBe('{"z":1,"m":"x"}');
  });

  it("escapes HTML characters, control characters and line separators like Go", () => {
    expect(goJson("<a href='x'>&amp;</a>")).toBe(
      "\"\\u003ca href='x'\\u003e\\u0026amp;\\u003c/a\\u003e\"",
    );
    expect(goJson('q"\\\n\r\t\b\f\u0001\u007f')).toBe('"q\\"\\\\\\n\\r\\t\\b\\f\\u0001\u007f"');
    expect(goJson("\u2028\u2029é😀")).toBe('"\\u2028\\u2029é😀"');
    expect(goJson("\ud800")).toBe('"\\ufffd"');
  });

  it("prints null for null and undefined", () => {
    expect(goJson(null)).toBe("null");
    expect(goJson(undefined)).toBe("null");
  });
});

describe("formatters", () => {
  it("smart: strings raw, string lists one per line, booleans True/False, others YAML", () => {
    expect(formatValue("smart", "x")).toBe("x\n");
    expect(formatValue("smart", "")).toBe("");
    expect(formatValue("smart", ["a", "b"])).toBe("a\nb\n");
    expect(formatValue("smart", [])).toBe("");
    expect(formatValue("smart", false)).toBe("False\n");
    expect(formatValue("smart", null)).toBe("");
    expect(formatValue("smart", { b: "1", a: "yes" })).toBe('a: "yes"\nb: "1"\n');
    expect(formatValue("smart", ["a", "b"], { dynamic: true })).toBe("- a\n- b\n");
  });

  it("json: one line and a newline, null included", () => {
    expect(formatValue("json", null)).toBe("null\n");
    expect(formatValue("json", ["a"])).toBe('["a"]\n');
  });

  it("yaml: nothing for null, sorted keys, unindented sequences", () => {
    expect(goYaml(null)).toBe("");
    expect(goYaml({ b: ["x"], a: {} })).toBe("a: {}\nb:\n- x\n");
  });
});

describe("Go formatting helpers", () => {
  it("quotes like strconv.Quote", () => {
    expect(goQuote('a"b\\c\n\u0001é')).toBe('"a\\"b\\\\c\\n\\x01é"');
    expect(goQuoteList(["a", "b c"])).toBe('["a" "b c"]');
  });

  it("parses integers like Atoi and durations like time.ParseDuration", () => {
    expect(parseGoAtoi("+7")).toBe(7);
    expect(() => parseGoAtoi("7x")).toThrow('strconv.Atoi: parsing "7x": invalid syntax');
    expect(parseGoDuration("1h30m")).toBe(5_400_000);
    expect(parseGoDuration("1.5s")).toBe(1500);
    expect(parseGoDuration("-2m")).toBe(-120_000);
    expect(() => parseGoDuration("10")).toThrow('time: missing unit in duration "10"');
    expect(() => parseGoDuration("tomorrow")).toThrow('time: invalid duration "tomorrow"');
  });
});
