/**
 * `secret-grant <ID> -r <relation> [--unit <unit>]` and `secret-revoke <ID> [-r <relation> |
 * --app <app> | --unit <unit>]`. Grants belong to a relation and give the remote application (or
 * one of its units) read access. Only the manager of the secret may grant or revoke; over a
 * cross-model relation only the offering side may grant.
 *
 * @example
 * ```ts
 * runTool(ctx, "secret-grant", ["secret:9m4e2mr0ui3e8a215n4g", "-r", "db:3"]);
 * runTool(ctx, "secret-revoke", ["secret:9m4e2mr0ui3e8a215n4g", "--unit", "pg/1"]);
 * ```
 */

import type { HookContextData, RelationData } from "../context.js";
import { checkEmpty, isValidApplication, isValidUnit, unitApplication } from "../internal/args.js";
import { ToolError, UsageError } from "../internal/errors.js";
import { FlagSet } from "../internal/flags.js";
import { goQuote } from "../internal/go-format.js";
import type { ToolDefinition } from "../internal/invocation.js";
import { addRelationFlag, findRelation } from "../internal/relation-flag.js";
import { secretToManage } from "../internal/secret-access.js";
import { secretUriArg } from "./secrets.js";

/** True when the local application consumes (rather than offers) a cross-model relation. */
function isConsumingSide(ctx: HookContextData, relation: RelationData): boolean {
  if (relation.remoteModelUuid === ctx.modelUuid) return false;
  if (relation.crossModelRole !== undefined) return relation.crossModelRole === "consumer";
  return !relation.remoteApp.startsWith("remote-");
}

/** The `secret-grant` tool. */
export const secretGrant: ToolDefinition = {
  info: { name: "secret-grant", args: "<ID>", purpose: "Grant access to a secret." },
  run(inv) {
    const fs = new FlagSet(secretGrant.info);
    const unit = fs.string(["unit"], "the unit to grant access");
    const rel = addRelationFlag(fs, inv.ctx, "the relation with which to associate the grant");
    const args = fs.parse(inv.args);
    const xid = secretUriArg(args[0]);
    if (rel.id === -1) throw new UsageError("no relation id specified");
    const relation = findRelation(inv.ctx, rel.id);
    if (relation === undefined) throw new UsageError("relation not found");
    const app = relation.remoteApp;
    if (unit.value !== "") {
      if (!isValidUnit(unit.value)) throw new UsageError(`unit ${goQuote(unit.value)} not valid`);
      if (unitApplication(unit.value) !== app) {
        throw new UsageError(
          `cannot specify unit ${goQuote(unit.value)} in relation to application ${goQuote(app)}`,
        );
      }
    }
    checkEmpty(args.slice(1));

    const ctx = inv.ctx;
    const secret = secretToManage(ctx, xid);
    if (isConsumingSide(ctx, relation)) {
      // UNVERIFIED wording: Juju lets only the offering side of a cross-model relation grant.
      throw new ToolError(
        `cannot grant access to secret ${goQuote(xid)} over cross-model relation ${goQuote(`${relation.endpoint}:${relation.id}`)}: only the offering side may grant`,
      );
    }
    const target = unit.value !== "" ? unit.value : app;
    for (const grant of secret.grants) {
      if (grant.relationId !== relation.id || grant.role !== "view") continue;
      if (grant.target === target) return;
      if (!grant.target.includes("/")) return;
      if (!target.includes("/")) {
        throw new ToolError(
          "any unit level grants need to be revoked before granting access to the corresponding application",
        );
      }
    }
    secret.grants.push({ relationId: relation.id, target, role: "view" });
  },
};

/** The `secret-revoke` tool. */
export const secretRevoke: ToolDefinition = {
  info: { name: "secret-revoke", args: "<ID>", purpose: "Revoke access to a secret." },
  run(inv) {
    const fs = new FlagSet(secretRevoke.info);
    const appFlag = fs.string(["app", "application"], "the application to revoke access");
    const unit = fs.string(["unit"], "the unit to revoke access");
    const rel = addRelationFlag(fs, inv.ctx, "the relation for which to revoke the grant");
    const args = fs.parse(inv.args);
    const xid = secretUriArg(args[0]);
    let app = appFlag.value;
    if (app !== "" && !isValidApplication(app))
      throw new UsageError(`application ${goQuote(app)} not valid`);
    if (unit.value !== "" && !isValidUnit(unit.value))
      throw new UsageError(`unit ${goQuote(unit.value)} not valid`);
    if (app !== "" && unit.value !== "")
      throw new UsageError("specify only one of application or unit");
    if (rel.id >= 0) {
      const relation = findRelation(inv.ctx, rel.id);
      if (relation === undefined) throw new UsageError("relation not found");
      if (app !== "") throw new UsageError("do not specify both relation and app");
      app = relation.remoteApp;
    }
    if (app === "" && unit.value === "")
      throw new UsageError("missing relation or application or unit");
    checkEmpty(args.slice(1));

    const secret = secretToManage(inv.ctx, xid);
    const target = unit.value !== "" ? unit.value : app;
    secret.grants = secret.grants.filter((g) => g.target !== target);
  },
};
