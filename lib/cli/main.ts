/**
 * The `jaas` command's entry point (`bin/jaas` runs it with `node --import tsx`).
 *
 * @example
 * ```ts
 * // $ bin/jaas status --format=json
 * ```
 *
 * @module
 */
import { createInterface } from "node:readline";
import { runCli } from "./program.js";

const io = {
  out: (text: string) => {
    process.stdout.write(text);
  },
  err: (text: string) => {
    process.stderr.write(text);
  },
  isTty: process.stdout.isTTY === true && process.stdin.isTTY === true,
  readLine: () =>
    new Promise<string | undefined>((resolve) => {
      const rl = createInterface({ input: process.stdin });
      rl.once("line", (line) => {
        rl.close();
        resolve(line);
      });
      rl.once("close", () => resolve(undefined));
    }),
};

runCli(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`ERROR ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
