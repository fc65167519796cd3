/**
 * `secret-get <ID> [key[#base64]] [--label L] [--peek|--refresh]` (or `--label L` alone), with
 * Juju's consumer tracking: the first read tracks the latest revision; later plain reads return
 * the tracked one; `--peek` returns the latest without tracking it; `--refresh` returns the
 * latest and tracks it. Owners (the owning unit, every unit of the owning application) read by
 * id or by the owner's label, and an owner-manager giving a new label renames the secret; other
 * units need a grant and may set their own consumer label. Anything else is `not found`.
 *
 * @example
 * ```ts
 * runTool(ctx, "secret-get", ["--format=json", "secret:9m4e2mr0ui3e8a215n4g", "--label", "db"]);
 * // {"password":"s3cret"}\n
 * ```
 */

import { Buffer } from "node:buffer";
import type { HookContextData, SecretData } from "../context.js";
import { checkEmpty } from "../internal/args.js";
import { ToolError, UsageError } from "../internal/errors.js";
import { FlagSet } from "../internal/flags.js";
import { goQuote } from "../internal/go-format.js";
import type { ToolDefinition } from "../internal/invocation.js";
import { OutputFlags } from "../internal/output.js";
import { canRead, findSecret, isManagedHere, isOwnedHere } from "../internal/secret-access.js";
import { parseSecretUri, secretXid, shortSecretUri } from "../internal/secret-uri.js";
import type { SecretUri } from "../internal/secret-uri.js";

function uriString(uri: SecretUri): string {
  return uri.sourceUuid === undefined
    ? shortSecretUri(uri.xid)
    : `secret://${uri.sourceUuid}/${uri.xid}`;
}

/** Finds the secret and settles labels, as Juju's `ProcessCharmSecretConsumerLabel` does. */
function resolve(ctx: HookContextData, uri: SecretUri | undefined, label: string): SecretData {
  if (uri !== undefined) {
    const secret = findSecret(ctx, uri.xid);
    if (secret === undefined || !canRead(ctx, secret)) {
      throw new ToolError(`secret ${goQuote(uriString(uri))} not found`);
    }
    if (label !== "" && isOwnedHere(ctx, secret)) {
      // Owners use the owner label: the manager renames the secret, peers change nothing.
      if (isManagedHere(ctx, secret) && label !== secret.label) {
        const taken = ctx.secrets.some(
          (s) =>
            s !== secret &&
            s.label === label &&
            JSON.stringify(s.owner) === JSON.stringify(secret.owner),
        );
        if (taken) throw new ToolError("secret label already exists");
        secret.label = label;
      }
    } else if (label !== "") {
      const taken = ctx.secrets.some(
        (s) => s !== secret && s.consumers[ctx.unitName]?.label === label,
      );
      if (taken) throw new ToolError("secret label already exists");
      const consumer = secret.consumers[ctx.unitName];
      if (consumer !== undefined) consumer.label = label;
      else secret.consumers[ctx.unitName] = { trackedRevision: 0, label };
    }
    return secret;
  }
  const owned = ctx.secrets.find((s) => isOwnedHere(ctx, s) && s.label === label);
  if (owned !== undefined) return owned;
  const consumed = ctx.secrets.find(
    (s) => s.consumers[ctx.unitName]?.label === label && canRead(ctx, s),
  );
  if (consumed !== undefined) return consumed;
  throw new ToolError(`secret URI for consumer label ${goQuote(label)} not found`);
}

/** The revision to read, tracking it as Juju's `GetConsumedRevision` does. */
function consumedRevision(
  ctx: HookContextData,
  secret: SecretData,
  refresh: boolean,
  peek: boolean,
): number {
  const consumer = secret.consumers[ctx.unitName];
  const tracked =
    consumer !== undefined && consumer.trackedRevision > 0 ? consumer.trackedRevision : undefined;
  if (peek) return secret.latestRevision;
  if (refresh || tracked === undefined) {
    if (consumer !== undefined) consumer.trackedRevision = secret.latestRevision;
    else secret.consumers[ctx.unitName] = { trackedRevision: secret.latestRevision };
    return secret.latestRevision;
  }
  return tracked;
}

/** The `secret-get` tool. */
export const secretGet: ToolDefinition = {
  info: {
    name: "secret-get",
    args: "<ID> [key[#base64]]",
    purpose: "Get the content of a secret.",
  },
  run(inv) {
    const fs = new FlagSet(secretGet.info);
    const out = new OutputFlags(fs, "yaml", ["yaml", "json"]);
    const label = fs.string(["label"], "a label used to identify the secret in hooks");
    const peek = fs.bool(["peek"], "get the latest revision just this time");
    const refresh = fs.bool(
      ["refresh"],
      "get the latest revision and also get this same revision for subsequent calls",
    );
    const args = fs.parse(inv.args);
    let uri: SecretUri | undefined;
    if (args.length > 0) {
      try {
        uri = parseSecretUri(args[0] ?? "");
      } catch {
        throw new UsageError(`secret URI ${goQuote(args[0] ?? "")} not valid`);
      }
    }
    if (uri === undefined && label.value === "")
      throw new UsageError("require either a secret URI or label");
    if (peek.value && refresh.value)
      throw new UsageError("specify one of --peek or --refresh but not both");
    const key = args[1];
    checkEmpty(args.slice(2));

    const ctx = inv.ctx;
    const secret = resolve(ctx, uri, label.value);
    const revision = consumedRevision(ctx, secret, refresh.value, peek.value);
    const content = secret.revisions[String(revision)];
    if (content === undefined)
      throw new ToolError(`secret ${secretXid(secret.id)} revision ${revision} not found`);
    if (key === undefined) {
      out.write(inv, { ...content });
      return;
    }
    const base64 = key.endsWith("#base64");
    const name = base64 ? key.slice(0, -"#base64".length) : key;
    const value = content[name];
    if (value === undefined) throw new ToolError(`secret key ${goQuote(name)} not found`);
    out.write(inv, base64 ? Buffer.from(value, "utf8").toString("base64") : value);
  },
};
