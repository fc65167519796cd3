/**
 * Pebble service commands: shell-like words (split as POSIX `shlex` does, no shell is run) with an
 * optional trailing `[ default args ]` group that `pebble run --args` may replace.
 *
 * @module
 */

/**
 * Splits a command line into words, honouring single quotes, double quotes and backslashes.
 * Raises an Error on an unterminated quote or a trailing backslash.
 *
 * @example
 * ```ts
 * splitCommand(`sh -c 'echo "hi there"'`); // ["sh", "-c", 'echo "hi there"']
 * ```
 */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i] as string;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
      continue;
    }
    if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (
        ch === "\\" &&
        i + 1 < command.length &&
        '"\\$`\n'.includes(command[i + 1] as string)
      ) {
        word += command[++i];
      } else word += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === "\\") {
      if (i + 1 >= command.length) throw new Error("no escaped character after backslash");
      word += command[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) throw new Error("no closing quotation");
  if (inWord) words.push(word);
  return words;
}

/** A service command split into its base words and its `[ ... ]` default arguments. */
export interface ParsedCommand {
  base: string[];
  extra: string[];
}

/**
 * Parses a service command, separating the optional `[ ... ]` group of default arguments.
 *
 * @example
 * ```ts
 * parseServiceCommand("server --port [ 8080 ]"); // { base: ["server", "--port"], extra: ["8080"] }
 * ```
 */
export function parseServiceCommand(command: string): ParsedCommand {
  const base: string[] = [];
  const extra: string[] = [];
  let inGroup = false;
  let hadGroup = false;
  for (const [index, word] of splitCommand(command).entries()) {
    if (inGroup) {
      if (word === "[") throw new Error("cannot nest [ ... ] groups");
      if (word === "]") inGroup = false;
      else extra.push(word);
      continue;
    }
    if (hadGroup) throw new Error("cannot have any arguments after [ ... ] group");
    if (word === "[") {
      if (index === 0) throw new Error("cannot start command with [ ... ] group");
      inGroup = true;
      hadGroup = true;
    } else if (word === "]") {
      throw new Error("cannot have ] outside of [ ... ] group");
    } else {
      base.push(word);
    }
  }
  return { base, extra };
}
