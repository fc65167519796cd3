import { describe, expect, it } from "vitest";
import { HelpRequested, UsageError } from "./errors.js";
import { FlagSet } from "./flags.js";

function flagSet(): {
  fs: FlagSet;
  app: { value: boolean };
  rel: { value: string };
  n: { value: number };
  v: { value: boolean };
} {
  const fs = new FlagSet({ name: "t", args: "", purpose: "test" });
  return {
    fs,
    app: fs.bool(["app", "a"], "app"),
    rel: fs.string(["r", "relation"], "relation"),
    n: fs.int(["revision"], "revision"),
    v: fs.bool(["v"], "verbose"),
  };
}

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error("no error");
}

describe("FlagSet (gnuflag semantics)", () => {
  it("takes long flags as --name value and --name=value, short flags as -r 3 and -r3", () => {
    for (const args of [["--relation", "db:3"], ["--relation=db:3"], ["-r", "db:3"], ["-rdb:3"]]) {
      const { fs, rel } = flagSet();
      expect(fs.parse(args)).toEqual([]);
      expect(rel.value).toBe("db:3");
    }
  });

  it("intersperses flags and positional arguments, and stops at --", () => {
    const { fs, app, rel } = flagSet();
    expect(fs.parse(["key", "--app", "unit/0", "-r", "1", "--", "--app", "-x"])).toEqual([
      "key",
      "unit/0",
      "--app",
      "-x",
    ]);
    expect(app.value).toBe(true);
    expect(rel.value).toBe("1");
  });

  it("treats - and the empty string as positional arguments", () => {
    const { fs } = flagSet();
    expect(fs.parse(["-", ""])).toEqual(["-", ""]);
  });

  it("accepts Go ParseBool spellings for --bool=value", () => {
    for (const [text, want] of [
      ["True", true],
      ["t", true],
      ["1", true],
      ["FALSE", false],
      ["f", false],
      ["0", false],
    ] as const) {
      const { fs, app } = flagSet();
      fs.parse([`--app=${text}`]);
      expect(app.value).toBe(want);
    }
  });

  it("does not give a bool flag the next argument", () => {
    const { fs, app } = flagSet();
    expect(fs.parse(["--app", "false"])).toEqual(["false"]);
    expect(app.value).toBe(true);
  });

  it("groups short bool flags", () => {
    const { fs, app, v } = flagSet();
    fs.parse(["-av"]);
    expect([app.value, v.value]).toEqual([true, true]);
  });

  it("reports Juju's texts for bad flags (exit 2)", () => {
    expect(usageError(() => flagSet().fs.parse(["-x"]))).toBe(
      "option provided but not defined: -x",
    );
    expect(usageError(() => flagSet().fs.parse(["--nope"]))).toBe(
      "option provided but not defined: --nope",
    );
    expect(usageError(() => flagSet().fs.parse(["-r"]))).toBe("option needs an argument: -r");
    expect(usageError(() => flagSet().fs.parse(["--app=yes"]))).toBe(
      'invalid value "yes" for option --app: strconv.ParseBool: parsing "yes": invalid syntax',
    );
    expect(usageError(() => flagSet().fs.parse(["-a=true"]))).toBe(
      'invalid value "=true" for option -a: strconv.ParseBool: parsing "=true": invalid syntax',
    );
    expect(usageError(() => flagSet().fs.parse(["--revision", "x"]))).toBe(
      'invalid value "x" for option --revision: strconv.ParseInt: parsing "x": invalid syntax',
    );
    expect(usageError(() => flagSet().fs.parse(["--=x"]))).toBe('empty option in argument "--=x"');
  });

  it("parses int flags with Go's base prefixes", () => {
    const { fs, n } = flagSet();
    fs.parse(["--revision=0x10"]);
    expect(n.value).toBe(16);
  });

  it("turns -h and --help into a help request", () => {
    expect(() => flagSet().fs.parse(["--help"])).toThrow(HelpRequested);
    expect(() => flagSet().fs.parse(["-h"])).toThrow(HelpRequested);
  });
});
