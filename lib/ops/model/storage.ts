/**
 * Storage instances attached to the unit.
 *
 * @example
 * ```ts
 * const data = this.model.storages("data")[0]?.location;
 * ```
 */
import type { ModelBackend } from "./backend.js";

/** One storage instance, `<name>/<index>`. */
export class Storage {
  private info: { kind: string; location: string } | undefined;

  constructor(
    private readonly backend: ModelBackend,
    readonly name: string,
    readonly index: number,
    known?: { kind: string; location: string },
  ) {
    this.info = known;
  }

  /** `<name>/<index>`. */
  get id(): string {
    return `${this.name}/${this.index}`;
  }

  private load(): { kind: string; location: string } {
    this.info ??= this.backend.tools.storageGet(this.id);
    return this.info;
  }

  /** Where the storage is mounted. */
  get location(): string {
    return this.load().location;
  }

  /** `filesystem` or `block`. */
  get kind(): string {
    return this.load().kind;
  }
}
