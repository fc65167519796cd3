/**
 * User secrets, owned by the model (`juju add-secret`, `update-secret`, `grant-secret`,
 * `revoke-secret`); charms read them through a `secret` config option.
 *
 * @example
 * ```ts
 * const uri = await addSecret(ctx, "jaas", "api-key", { token: "abc" });
 * await grantSecret(ctx, "jaas", "api-key", "jimm");
 * ```
 */
import { goQuote } from "../../jujuc/internal/go-format.js";
import { parseSecretUri } from "../../jujuc/internal/secret-uri.js";
import { invalid, notFound, SimError } from "../errors.js";
import type { ModelState, SecretState } from "../model/types.js";
import { mustApp, mustModel } from "../model/view.js";
import type { OpContext } from "./context.js";

/** Secret content keys Juju accepts. */
const SECRET_KEY = /^([a-z](?:-?[a-z0-9]){2,})$/;

function userSecret(model: ModelState, ref: string): SecretState {
  let xid: string | undefined;
  try {
    xid = parseSecretUri(ref).xid;
  } catch {
    xid = undefined;
  }
  const secret = Object.values(model.secrets).find(
    (s) => s.owner.kind === "model" && (s.xid === xid || s.label === ref),
  );
  if (secret === undefined) throw notFound(`secret ${goQuote(ref)} not found`);
  return secret;
}

function checkContent(content: Record<string, string>): void {
  if (Object.keys(content).length === 0) throw invalid("missing secret value");
  for (const [key, value] of Object.entries(content)) {
    if (!SECRET_KEY.test(key)) throw invalid(`key ${goQuote(key)} not valid`);
    if (typeof value !== "string" || value === "")
      throw invalid(`empty secret value for key ${goQuote(key)}`);
  }
}

/**
 * Adds a user secret owned by the model (`juju add-secret <name> k=v`); returns its URI.
 *
 * @example
 * ```ts
 * const uri = await addSecret(ctx, "jaas", "db-pass", { password: "s3cret" });
 * await grantSecret(ctx, "jaas", "db-pass", "jimm");
 * ```
 */
export async function addSecret(
  ctx: OpContext,
  modelName: string,
  name: string,
  content: Record<string, string>,
  options: { description?: string } = {},
): Promise<string> {
  const model = mustModel(ctx.runtime.state, modelName);
  if (Object.values(model.secrets).some((s) => s.owner.kind === "model" && s.label === name)) {
    throw new SimError("already-exists", `secret with name ${goQuote(name)} already exists`);
  }
  checkContent(content);
  return ctx.hold(async () => {
    const xid = ctx.runtime.newSecretId();
    model.secrets[xid] = {
      xid,
      owner: { kind: "model" },
      label: name,
      ...(options.description !== undefined ? { description: options.description } : {}),
      revisions: { "1": { ...content } },
      latestRevision: 1,
      grants: [],
      consumers: {},
      removeNotified: [],
    };
    return `secret:${xid}`;
  });
}

/**
 * Puts new content in a user secret (`juju update-secret`); its consumers get secret-changed.
 *
 * @example
 * ```ts
 * await updateSecret(ctx, "jaas", "db-pass", { password: "n3w" });
 * ```
 */
export async function updateSecret(
  ctx: OpContext,
  modelName: string,
  ref: string,
  content: Record<string, string>,
): Promise<void> {
  const secret = userSecret(mustModel(ctx.runtime.state, modelName), ref);
  checkContent(content);
  await ctx.hold(async () => {
    secret.latestRevision += 1;
    secret.revisions[String(secret.latestRevision)] = { ...content };
  });
}

/**
 * Lets an application read a user secret (`juju grant-secret <name> <app>`).
 *
 * @example
 * ```ts
 * await grantSecret(ctx, "jaas", "db-pass", "jimm");
 * ```
 */
export async function grantSecret(
  ctx: OpContext,
  modelName: string,
  ref: string,
  app: string,
): Promise<void> {
  const model = mustModel(ctx.runtime.state, modelName);
  const secret = userSecret(model, ref);
  mustApp(model, app);
  await ctx.hold(async () => {
    if (!secret.grants.some((g) => g.target === app)) {
      secret.grants.push({ relationId: -1, target: app, role: "view" });
    }
  });
}

/**
 * Takes a user secret away from an application (`juju revoke-secret <name> <app>`).
 *
 * @example
 * ```ts
 * await revokeSecret(ctx, "jaas", "db-pass", "jimm");
 * ```
 */
export async function revokeSecret(
  ctx: OpContext,
  modelName: string,
  ref: string,
  app: string,
): Promise<void> {
  const secret = userSecret(mustModel(ctx.runtime.state, modelName), ref);
  await ctx.hold(async () => {
    secret.grants = secret.grants.filter((g) => g.target !== app);
  });
}
