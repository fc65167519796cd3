/**
 * Typed errors raised by the framework. Every error a charm can catch from a Juju interaction is
 * a {@link ModelError}; the subclasses say what went wrong, as Python `ops` does.
 *
 * @example
 * ```ts
 * try {
 *   secret = this.model.getSecret({ label: "token" });
 * } catch (e) {
 *   if (e instanceof SecretNotFoundError) secret = this.app.addSecret({ token });
 *   else throw e;
 * }
 * ```
 */

/** A hook tool failed, or Juju refused a request. */
export class ModelError extends Error {
  constructor(
    message: string,
    /** The hook tool that failed, when one did. */
    readonly tool?: string,
    /** Its exit code. */
    readonly exitCode?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The relation does not exist (or no longer does). */
export class RelationNotFoundError extends ModelError {}

/** The secret does not exist, or this unit may not see it. */
export class SecretNotFoundError extends ModelError {}

/** Juju refused the operation for lack of permission (for example, a non-leader). */
export class PermissionDeniedError extends ModelError {}

/**
 * A relation databag was read or written against Juju's rules (a non-leader touching its app
 * bag, a unit writing a remote bag). Raised before any hook tool is called.
 */
export class RelationDataAccessError extends ModelError {}

/** Relation data that is not a string-to-string map. */
export class RelationDataTypeError extends ModelError {}

/** Secret content that Juju would refuse (bad key, empty content, non-string value). */
export class InvalidSecretContentError extends ModelError {}

/** A config option read with the wrong type, or unknown to the charm's metadata. */
export class ConfigError extends ModelError {}

/** The Juju environment of the process is missing or malformed. */
export class JujuContextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JujuContextError";
  }
}

/** The charm's metadata (charmcraft.yaml or metadata.yaml) is missing or invalid. */
export class MetadataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MetadataError";
  }
}
