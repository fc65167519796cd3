/**
 * The arguments `secret-add` and `secret-set` share (Juju's `secretUpsertCommand`): content as
 * `key=value`, `key#base64=<base64>`, `key#file=<path>` or `--file <yaml|json>`, and the
 * `--expire`, `--rotate`, `--description`, `--label`, `--owner` flags, with Juju's checks and
 * messages. Content is kept decoded (plain strings).
 *
 * @example
 * ```ts
 * const flags = addUpsertFlags(fs);
 * const rest = fs.parse(["--expire", "24h", "token#base64=czNjcmV0"]);
 * const upsert = readUpsert(inv, flags, rest); // upsert.content = { token: "s3cret" }
 * ```
 */

import { Buffer } from "node:buffer";
import { readFileSync, statSync } from "node:fs";
import type { RotatePolicy } from "../context.js";
import { parseSettingsYaml, readFileLikeGo, resolvePath } from "./args.js";
import { ToolError, UsageError } from "./errors.js";
import type { FlagRef, FlagSet } from "./flags.js";
import { goQuote, parseGoDuration } from "./go-format.js";
import type { Invocation } from "./invocation.js";

/** Content keys: lower case, a letter first, three or more characters, single inner hyphens. */
export const SECRET_KEY_RE = /^([a-z](?:-?[a-z0-9]){2,})$/;
/** Juju's limit on one base64-encoded value and on the whole content. */
export const MAX_SECRET_BYTES = 1000 * 1000;
/** The rotation policies Juju accepts. */
export const ROTATE_POLICIES: readonly RotatePolicy[] = [
  "never",
  "hourly",
  "daily",
  "weekly",
  "monthly",
  "quarterly",
  "yearly",
];

/** The upsert flags of one invocation. */
export interface UpsertFlags {
  expire: FlagRef<string>;
  rotate: FlagRef<string>;
  description: FlagRef<string>;
  label: FlagRef<string>;
  file: FlagRef<string>;
  owner: FlagRef<string>;
}

/** What the flags and arguments asked for. */
export interface Upsert {
  /** Decoded content; empty when none was given. */
  content: Record<string, string>;
  /** RFC 3339 expiry time (UTC). */
  expire?: string;
  rotate?: RotatePolicy;
  description?: string;
  label?: string;
  owner: "application" | "unit";
}

/** Defines the shared flags on `fs`. */
export function addUpsertFlags(fs: FlagSet): UpsertFlags {
  return {
    expire: fs.string(["expire"], "either a duration or time when the secret should expire"),
    rotate: fs.string(["rotate"], "the secret rotation policy"),
    description: fs.string(["description"], "the secret description"),
    label: fs.string(["label"], "a label used to identify the secret in hooks"),
    file: fs.string(["file"], "a YAML file containing secret key values"),
    owner: fs.string(
      ["owner"],
      "the owner of the secret, either the application or unit",
      "application",
    ),
  };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const RFC3339_NO_TZ = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

function formatTime(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, "Z");
}

/** Juju's expiry parsing: RFC 3339, `2006-01-02T15:04:05` (UTC) or a positive Go duration. */
export function parseExpire(spec: string, now: Date = new Date()): string {
  let date: Date | undefined;
  if (RFC3339.test(spec)) date = new Date(spec);
  else if (RFC3339_NO_TZ.test(spec)) date = new Date(spec + "Z");
  if (date !== undefined && !Number.isNaN(date.getTime())) return formatTime(date);
  let millis: number;
  try {
    millis = parseGoDuration(spec);
  } catch {
    throw new UsageError(`expire time or duration ${goQuote(spec)} not valid`);
  }
  if (millis <= 0) throw new UsageError(`negative expire duration ${goQuote(spec)} not valid`);
  return formatTime(new Date(now.getTime() + millis));
}

function base64Length(value: string): number {
  return Math.ceil(Buffer.byteLength(value) / 3) * 4;
}

/** Decodes `#base64` keys and checks keys and sizes, as Juju's `encodeBase64` does. */
function finishContent(raw: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  let total = 0;
  for (const [rawKey, rawValue] of Object.entries(raw)) {
    let key = rawKey;
    let value = rawValue;
    let encodedSize: number;
    if (key.endsWith("#base64")) {
      key = key.slice(0, -"#base64".length);
      encodedSize = value.length;
      value = Buffer.from(value, "base64").toString("utf8");
    } else {
      encodedSize = base64Length(value);
    }
    if (!SECRET_KEY_RE.test(key)) throw new UsageError(`key ${goQuote(key)} not valid`);
    if (encodedSize > MAX_SECRET_BYTES) {
      throw new UsageError(
        `base64 encoded secret content for key ${goQuote(key)} too large: ${encodedSize} bytes`,
      );
    }
    out[key] = value;
    total += encodedSize;
  }
  if (total > MAX_SECRET_BYTES) {
    throw new UsageError(`base64 encoded secret content too large: ${total} bytes`);
  }
  return out;
}

function fileSize(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

/** Juju's `CreateSecretData`: `key=value`, `key#base64=...`, `key#file=<path>` (relative to cwd). */
export function contentFromArgs(inv: Invocation, args: readonly string[]): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const arg of args) {
    const stripped = arg.replace(/=+$/, "");
    const eq = stripped.indexOf("=");
    if (eq < 1) throw new UsageError(`key value ${goQuote(arg)} not valid`);
    let key = arg.slice(0, eq);
    const value = arg.slice(eq + 1);
    if (!key.endsWith("#file")) {
      raw[key] = value;
      continue;
    }
    key = key.slice(0, -"#file".length);
    const path = resolvePath(inv.cwd, value);
    const size = fileSize(path);
    if (size !== undefined && size > MAX_SECRET_BYTES) {
      throw new UsageError(`secret content in file ${goQuote(path)} too large: ${size} bytes`);
    }
    try {
      raw[key] = readFileSync(path, "utf8");
    } catch (err) {
      const reason =
        (err as NodeJS.ErrnoException).code === "ENOENT"
          ? "no such file or directory"
          : (err as Error).message;
      throw new UsageError(
        `reading content for secret key ${goQuote(key)}: open ${value}: ${reason}`,
      );
    }
  }
  return finishContent(raw);
}

/** Juju's `ReadSecretData`: a JSON or YAML map of key values, `#base64` keys allowed. */
export function contentFromFile(inv: Invocation, file: string): Record<string, string> {
  const path = resolvePath(inv.cwd, file);
  const size = fileSize(path);
  if (size !== undefined && size > MAX_SECRET_BYTES) {
    throw new UsageError(`secret content in file ${goQuote(path)} too large: ${size} bytes`);
  }
  let text: string;
  let parsed: Record<string, string>;
  try {
    text = readFileLikeGo(path);
    parsed = parseSettingsYaml(text);
  } catch (err) {
    if (err instanceof ToolError) throw new UsageError(err.message);
    throw err;
  }
  return finishContent(parsed);
}

/** Checks the shared flags and reads the content, as `secretUpsertCommand.Init` does. */
export function readUpsert(inv: Invocation, flags: UpsertFlags, args: readonly string[]): Upsert {
  const upsert: Upsert = { content: {}, owner: "application" };
  if (flags.expire.value !== "") upsert.expire = parseExpire(flags.expire.value);
  const rotate = flags.rotate.value;
  if (rotate !== "") {
    if (!(ROTATE_POLICIES as readonly string[]).includes(rotate)) {
      throw new UsageError(`rotate policy ${goQuote(rotate)} not valid`);
    }
    upsert.rotate = rotate as RotatePolicy;
  }
  const owner = flags.owner.value;
  if (owner !== "application" && owner !== "unit")
    throw new UsageError(`secret owner ${goQuote(owner)} not valid`);
  upsert.owner = owner;
  upsert.content = contentFromArgs(inv, args);
  if (flags.file.value !== "")
    Object.assign(upsert.content, contentFromFile(inv, flags.file.value));
  if (flags.description.value !== "") upsert.description = flags.description.value;
  if (flags.label.value !== "") upsert.label = flags.label.value;
  return upsert;
}
