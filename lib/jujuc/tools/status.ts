/**
 * `status-set` and `status-get`. A status set takes effect at once in Juju (it survives a failing
 * hook), so besides updating the context it is recorded in `ctx.immediate`. `--application`
 * needs leadership.
 *
 * @example
 * ```ts
 * runTool(ctx, "status-set", ["--application=True", "active", "--", "ready"]);
 * runTool(ctx, "status-get", ["--include-data", "--format=json"]);
 * // {"message":"","status":"active","status-data":{}}\n
 * ```
 */

import type { StatusData } from "../context.js";
import { checkEmpty } from "../internal/args.js";
import { ToolError, UsageError } from "../internal/errors.js";
import { FlagSet } from "../internal/flags.js";
import { goQuote } from "../internal/go-format.js";
import type { GoValue } from "../internal/go-value.js";
import type { ToolDefinition } from "../internal/invocation.js";
import { OutputFlags } from "../internal/output.js";

const SETTABLE = ["maintenance", "blocked", "waiting", "active"] as const;

/** Juju's error when a non-leader touches the application status. */
export const NOT_LEADER = "this unit is not the leader";

/** The `status-set` tool. */
export const statusSet: ToolDefinition = {
  info: {
    name: "status-set",
    args: "<maintenance | blocked | waiting | active> [message]",
    purpose: "set status information",
  },
  run(inv) {
    const fs = new FlagSet(statusSet.info);
    const application = fs.bool(
      ["application"],
      "set this status for the application to which the unit belongs if the unit is the leader",
    );
    const args = fs.parse(inv.args);
    const status = args[0];
    if (status === undefined) throw new UsageError("invalid args, require <status> [message]");
    if (!(SETTABLE as readonly string[]).includes(status)) {
      throw new UsageError(
        `invalid status ${goQuote(status)}, expected one of [${SETTABLE.join(" ")}]`,
      );
    }
    const message = args[1] ?? "";
    checkEmpty(args.slice(2));
    const value: StatusData = { status: status as StatusData["status"], message };
    if (application.value) {
      if (!inv.ctx.leader) throw new ToolError(NOT_LEADER);
      inv.ctx.appStatus = value;
      inv.ctx.immediate.appStatusHistory.push({ ...value });
    } else {
      inv.ctx.unitStatus = value;
      inv.ctx.immediate.unitStatusHistory.push({ ...value });
    }
  },
};

function details(status: StatusData, includeData: boolean): Record<string, GoValue> {
  const out: Record<string, GoValue> = { status: status.status };
  if (includeData) {
    out["status-data"] = {};
    out["message"] = status.message;
  }
  return out;
}

/** The `status-get` tool. */
export const statusGet: ToolDefinition = {
  info: {
    name: "status-get",
    args: "[--include-data] [--application]",
    purpose: "Print status information.",
  },
  run(inv) {
    const fs = new FlagSet(statusGet.info);
    const out = new OutputFlags(fs, "smart", ["smart", "yaml", "json"]);
    const includeData = fs.bool(["include-data"], "print all status data");
    const application = fs.bool(
      ["application"],
      "print status for all units of this application if this unit is the leader",
    );
    checkEmpty(fs.parse(inv.args));
    const ctx = inv.ctx;
    if (!application.value) {
      if (!includeData.value && out.name === "smart") out.write(inv, ctx.unitStatus.status);
      else out.write(inv, details(ctx.unitStatus, includeData.value));
      return;
    }
    if (!ctx.leader) throw new ToolError(`finding application status: ${NOT_LEADER}`);
    if (!includeData.value && out.name === "smart") {
      out.write(inv, ctx.appStatus.status);
      return;
    }
    const units: Record<string, GoValue> = {};
    for (const [unit, status] of Object.entries(ctx.appUnitStatuses ?? {})) {
      units[unit] = details(status, includeData.value);
    }
    units[ctx.unitName] = details(ctx.unitStatus, includeData.value);
    const app = details(ctx.appStatus, includeData.value);
    app["units"] = units;
    out.write(inv, { "application-status": app });
  },
};
