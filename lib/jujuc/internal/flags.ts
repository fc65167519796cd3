/**
 * Flag parsing as Juju's hook tools do it: `github.com/juju/gnuflag` with flags "known as"
 * options (so errors read `option provided but not defined: -x`). Long flags take `--name value`
 * or `--name=value`; short flags take `-r 3` or `-r3` and may be grouped (`-ab`); boolean flags
 * take no value unless given as `--app=<Go bool>`; `--` ends the flags; flags and positional
 * arguments may be interspersed. Errors become {@link UsageError} (exit 2), and an undefined
 * `-h`/`--help` becomes {@link HelpRequested}.
 *
 * @example
 * ```ts
 * const fs = new FlagSet({ name: "relation-list", args: "", purpose: "list relation units" });
 * const app = fs.bool(["app"], "list the remote application");
 * const rest = fs.parse(["--app=True"]); // app.value === true, rest = []
 * ```
 */

import { HelpRequested, UsageError } from "./errors.js";
import { goQuote, parseGoBool, parseGoInt } from "./go-format.js";

/** What `--help` prints about a tool. */
export interface ToolInfo {
  /** The tool name, e.g. `relation-get`. */
  name: string;
  /** The positional arguments, e.g. `<key> <unit id>`. */
  args: string;
  /** One line saying what the tool does. */
  purpose: string;
}

interface FlagDef {
  names: string[];
  usage: string;
  isBool: boolean;
  /** Sets the value; throws an Error whose message Go's flag value would return. */
  set(value: string): void;
}

/** A mutable holder for a parsed flag value. */
export interface FlagRef<T> {
  value: T;
}

function withMinus(name: string): string {
  return name.length > 1 ? `--${name}` : `-${name}`;
}

/** A set of flags for one tool invocation (see the module documentation). */
export class FlagSet {
  private readonly formal = new Map<string, FlagDef>();
  private readonly defs: FlagDef[] = [];

  constructor(readonly info: ToolInfo) {}

  /** Defines a boolean flag under each of `names`. */
  bool(names: string[], usage: string, initial = false): FlagRef<boolean> {
    const ref = { value: initial };
    this.define({ names, usage, isBool: true, set: (v) => (ref.value = parseGoBool(v)) });
    return ref;
  }

  /** Defines a string flag under each of `names`. */
  string(names: string[], usage: string, initial = ""): FlagRef<string> {
    const ref = { value: initial };
    this.define({ names, usage, isBool: false, set: (v) => (ref.value = v) });
    return ref;
  }

  /** Defines an integer flag (Go `ParseInt(s, 0, 64)` syntax) under each of `names`. */
  int(names: string[], usage: string, initial = 0): FlagRef<number> {
    const ref = { value: initial };
    this.define({ names, usage, isBool: false, set: (v) => (ref.value = parseGoInt(v)) });
    return ref;
  }

  /** Defines a flag whose value `set` checks and stores; `set` throws to reject the value. */
  custom(names: string[], usage: string, set: (value: string) => void): void {
    this.define({ names, usage, isBool: false, set });
  }

  private define(def: FlagDef): void {
    for (const name of def.names) this.formal.set(name, def);
    this.defs.push(def);
  }

  /** The help text, printed on stdout for `-h`/`--help`. */
  help(): string {
    const { name, args, purpose } = this.info;
    let text = `Usage: ${name}${this.defs.length > 0 ? " [options]" : ""}${args ? ` ${args}` : ""}\n`;
    text += `\nSummary:\n${purpose}\n`;
    if (this.defs.length > 0) {
      text += "\nOptions:\n";
      for (const def of this.defs) {
        text += `${def.names.map(withMinus).join(", ")}\n    ${def.usage}\n`;
      }
    }
    return text;
  }

  /** Parses `args`, setting the flags, and returns the positional arguments. */
  parse(args: readonly string[], allowIntersperse = true): string[] {
    const positional: string[] = [];
    const pending = [...args];
    let procFlag = "";
    for (;;) {
      let name: string;
      let long = false;
      if (procFlag !== "") {
        const first = [...procFlag][0] ?? "";
        name = first;
        procFlag = procFlag.slice(first.length);
      } else {
        const a = pending[0];
        if (a === undefined) break;
        if (a === "-" || a === "" || !a.startsWith("-")) {
          if (!allowIntersperse) {
            positional.push(...pending);
            break;
          }
          positional.push(a);
          pending.shift();
          continue;
        }
        if (a === "--") {
          positional.push(...pending.slice(1));
          break;
        }
        pending.shift();
        if (a[1] === "-") {
          long = true;
          const eq = a.indexOf("=");
          if (eq < 0) {
            name = a.slice(2);
          } else {
            name = a.slice(2, eq);
            if (name === "") throw new UsageError(`empty option in argument ${goQuote(a)}`);
            procFlag = a.slice(eq);
          }
        } else {
          const body = a.slice(1);
          const first = [...body][0] ?? "";
          name = first;
          procFlag = body.slice(first.length);
        }
      }
      procFlag = this.parseFlagArg(name, long, procFlag, pending);
    }
    return positional;
  }

  /** Handles one flag; returns what is left of the current argument (grouped short flags). */
  private parseFlagArg(name: string, long: boolean, procFlag: string, pending: string[]): string {
    const def = this.formal.get(name);
    if (def === undefined) {
      if (name === "help" || name === "h") throw new HelpRequested(this.help());
      throw new UsageError(`option provided but not defined: ${withMinus(name)}`);
    }
    if (def.isBool && !procFlag.startsWith("=")) {
      def.set("true");
      return procFlag;
    }
    let value: string | undefined;
    if (procFlag !== "") {
      value = long ? procFlag.slice(1) : procFlag;
      procFlag = "";
    } else if (pending.length > 0) {
      value = pending.shift();
    }
    if (value === undefined) throw new UsageError(`option needs an argument: ${withMinus(name)}`);
    try {
      def.set(value);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new UsageError(
        `invalid value ${goQuote(value)} for option ${withMinus(name)}: ${reason}`,
      );
    }
    return procFlag;
  }
}
