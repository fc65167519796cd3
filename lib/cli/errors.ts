/**
 * Errors of the `jaas` command: what it prints (`ERROR <message>` on stderr) and its exit code,
 * as Juju's client does: 2 for bad arguments, 1 for everything refused or failed.
 *
 * @example
 * ```ts
 * throw new UsageError('invalid scale "x": expected a whole number');
 * ```
 */

/**
 * A failure with its exit code.
 *
 * @example
 * ```ts
 * throw new CliError("units in error: demo/0");
 * ```
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/**
 * Bad arguments (exit code 2).
 *
 * @example
 * ```ts
 * throw new UsageError('expected "key=value", got "x"');
 * ```
 */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = "UsageError";
  }
}
