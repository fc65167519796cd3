/**
 * The ways a hook tool invocation ends other than success, mirroring Juju's `cmd.Main`: a failure
 * while running prints `ERROR <message>` and exits 1; a flag or argument error prints the same
 * and exits 2; `-h`/`--help` prints the help on stdout and exits 0.
 *
 * @example
 * ```ts
 * throw new UsageError("no relation id specified"); // ERROR no relation id specified, exit 2
 * ```
 */

/** A run-time failure: `ERROR <message>` on stderr, exit code 1. */
export class ToolError extends Error {
  /** The process exit code Juju uses for this kind of failure. */
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "ToolError";
    this.exitCode = exitCode;
  }
}

/** A flag or argument error (Juju's `Init` and flag parsing): exit code 2. */
export class UsageError extends ToolError {
  constructor(message: string) {
    super(message, 2);
    this.name = "UsageError";
  }
}

/** `-h` or `--help` was given: the help text goes to stdout, exit code 0. */
export class HelpRequested extends Error {
  /** The help text to print. */
  readonly help: string;

  constructor(help: string) {
    super("help requested");
    this.name = "HelpRequested";
    this.help = help;
  }
}
