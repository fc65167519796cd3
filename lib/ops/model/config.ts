/**
 * The charm's config, typed by its metadata. Reading an option checks the value Juju gave
 * against the declared type, so a wrong type is reported with the option's name.
 *
 * @example
 * ```ts
 * const level = this.config.string("log-level");      // string | undefined
 * const port = this.config.int("port") ?? 8080;
 * ```
 */
import { ConfigError } from "../errors.js";
import type { ConfigType } from "../metadata.js";
import type { ModelBackend } from "./backend.js";

/** A config value as Juju gives it. */
export type ConfigValue = string | number | boolean;

/** Typed, read-only access to the charm's config. */
export class ConfigData {
  constructor(private readonly backend: ModelBackend) {}

  private raw(): Record<string, unknown> {
    return this.backend.tools.configGet();
  }

  private read(name: string, expected: ConfigType): unknown {
    const meta = this.backend.meta.config.get(name);
    if (!meta) {
      const known = [...this.backend.meta.config.keys()].join(", ") || "none";
      throw new ConfigError(`unknown config option "${name}" (options: ${known})`);
    }
    if (meta.type !== expected) {
      throw new ConfigError(`config option "${name}" is of type ${meta.type}, not ${expected}`);
    }
    const value = this.raw()[name];
    if (value === undefined || value === null) return undefined;
    const ok =
      expected === "string" || expected === "secret"
        ? typeof value === "string"
        : expected === "boolean"
          ? typeof value === "boolean"
          : expected === "int"
            ? Number.isInteger(value)
            : typeof value === "number";
    if (!ok) {
      throw new ConfigError(
        `config option "${name}" should be ${expected === "int" ? "an int" : `a ${expected}`}, got ${JSON.stringify(value)}`,
      );
    }
    return value;
  }

  /** A `string` option. */
  string(name: string): string | undefined {
    return this.read(name, "string") as string | undefined;
  }

  /** An `int` option. */
  int(name: string): number | undefined {
    return this.read(name, "int") as number | undefined;
  }

  /** A `float` option (ints are floats too). */
  float(name: string): number | undefined {
    return this.read(name, "float") as number | undefined;
  }

  /** A `boolean` option. */
  boolean(name: string): boolean | undefined {
    return this.read(name, "boolean") as boolean | undefined;
  }

  /** A `secret` option: the secret URI the operator set. */
  secretId(name: string): string | undefined {
    return this.read(name, "secret") as string | undefined;
  }

  /** Any option, with the type the metadata declares. */
  get(name: string): ConfigValue | undefined {
    const meta = this.backend.meta.config.get(name);
    if (!meta) return this.read(name, "string") as undefined;
    return this.read(name, meta.type) as ConfigValue | undefined;
  }

  /** Every option that is set or has a default. */
  toObject(): Record<string, ConfigValue> {
    const out: Record<string, ConfigValue> = {};
    for (const [k, v] of Object.entries(this.raw())) {
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[k] = v;
    }
    return out;
  }
}
