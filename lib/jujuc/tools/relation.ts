/**
 * The relation tools: `relation-ids`, `relation-list`, `relation-get`, `relation-set` and
 * `relation-model-get`, with Juju's data permissions: a unit reads and writes its own bag; only
 * the leader reads (from the hook cache) and writes its application bag; a non-leader reading
 * its own application bag is refused (`permission denied`) except on a peer relation, whose
 * application bag every unit may read; writing it is `cannot write relation settings`.
 *
 * @example
 * ```ts
 * runTool(ctx, "relation-get", ["--format=json", "-r", "db:3", "-", "pg/0"]);
 * runTool(ctx, "relation-set", ["-r", "db:3", "--file", "-"], { stdin: '{"user":"jimm"}' });
 * ```
 */

import type { Databag, HookContextData, RelationData } from "../context.js";
import {
  checkEmpty,
  isValidApplication,
  isValidUnit,
  parseKeyValues,
  parseSettingsYaml,
  readFileFlag,
  unitApplication,
} from "../internal/args.js";
import { ToolError, UsageError } from "../internal/errors.js";
import { FlagSet } from "../internal/flags.js";
import { goQuote } from "../internal/go-format.js";
import type { ToolDefinition } from "../internal/invocation.js";
import { OutputFlags } from "../internal/output.js";
import {
  addRelationFlag,
  findRelation,
  hookRelation,
  relationFakeId,
} from "../internal/relation-flag.js";

const ALL_FORMATS = ["smart", "yaml", "json"] as const;

function mustRelation(ctx: HookContextData, id: number): RelationData {
  const relation = findRelation(ctx, id);
  if (relation === undefined) throw new ToolError("relation not found");
  return relation;
}

/** `relation-ids [<endpoint>]`: sorted `<endpoint>:<id>` of the relations not broken. */
export const relationIds: ToolDefinition = {
  info: {
    name: "relation-ids",
    args: "[<name>]",
    purpose: "List all relation IDs for the given endpoint.",
  },
  run(inv) {
    const fs = new FlagSet(relationIds.info);
    const out = new OutputFlags(fs, "smart", ALL_FORMATS);
    const args = fs.parse(inv.args);
    let name = hookRelation(inv.ctx)?.endpoint ?? "";
    if (args.length > 0) name = args[0] ?? "";
    else if (name === "") throw new UsageError("no endpoint name specified");
    checkEmpty(args.slice(1));
    const ids = inv.ctx.relations
      .filter((r) => !r.broken && r.endpoint === name)
      .map(relationFakeId)
      .sort();
    out.write(inv, ids);
  },
};

/** `relation-list [-r id] [--app]`: the joined remote units, or the remote application. */
export const relationList: ToolDefinition = {
  info: { name: "relation-list", args: "", purpose: "list relation units" },
  run(inv) {
    const fs = new FlagSet(relationList.info);
    const out = new OutputFlags(fs, "smart", ALL_FORMATS);
    const rel = addRelationFlag(fs, inv.ctx);
    const app = fs.bool(["app"], "List remote application instead of participating units");
    const args = fs.parse(inv.args);
    if (rel.id === -1) throw new UsageError("no relation id specified");
    checkEmpty(args);
    const relation = mustRelation(inv.ctx, rel.id);
    if (app.value) out.write(inv, relation.remoteApp);
    // Juju sorts member names as strings (so "pg/10" comes before "pg/2").
    else out.write(inv, Object.keys(relation.remoteUnits).sort());
  },
};

/** Who `relation-get` reads, after Juju's defaulting rules. */
interface ReadTarget {
  name: string;
  app: boolean;
}

function determineTarget(ctx: HookContextData, rest: string[], app: boolean): ReadTarget {
  const supplied = rest.shift();
  if (supplied !== undefined) {
    if (app) {
      if (isValidApplication(supplied)) return { name: supplied, app };
      if (isValidUnit(supplied)) return { name: unitApplication(supplied), app };
      return { name: "", app };
    }
    if (!isValidUnit(supplied)) {
      if (isValidApplication(supplied)) {
        throw new UsageError(`expected unit name, got application name ${goQuote(supplied)}`);
      }
      throw new UsageError(`invalid unit name ${goQuote(supplied)}`);
    }
    return { name: supplied, app };
  }
  if (app) {
    if (!ctx.remoteApp) throw new UsageError("no unit or application specified");
    return { name: ctx.remoteApp, app };
  }
  if (ctx.remoteUnit) return { name: ctx.remoteUnit, app: false };
  if (ctx.remoteApp) return { name: ctx.remoteApp, app: true };
  throw new UsageError("no unit or application specified");
}

function readSettings(ctx: HookContextData, relation: RelationData, target: ReadTarget): Databag {
  // The unit's own bag, and the leader's own application bag, come from the hook's cache,
  // which holds this hook's writes. Everything else is what the controller would answer.
  if (target.name === ctx.unitName) {
    return target.app ? relation.localAppData : relation.localUnitData;
  }
  if (target.app) {
    if (target.name === ctx.appName) {
      if (ctx.leader || relation.peer) return relation.localAppData;
      throw new ToolError("permission denied");
    }
    if (target.name === relation.remoteApp) return relation.remoteAppData;
    throw new ToolError("permission denied");
  }
  const bag = relation.remoteUnits[target.name] ?? relation.departedUnits[target.name];
  // A unit outside the relation: the controller refuses the read.
  if (bag === undefined) throw new ToolError("permission denied");
  return bag;
}

/** `relation-get [-r id] [--app] [<key>|-] [<unit-or-app>]`. */
export const relationGet: ToolDefinition = {
  info: { name: "relation-get", args: "<key> <unit id>", purpose: "Get relation settings." },
  run(inv) {
    const fs = new FlagSet(relationGet.info);
    const out = new OutputFlags(fs, "smart", ALL_FORMATS);
    const rel = addRelationFlag(fs, inv.ctx);
    const app = fs.bool(
      ["app"],
      "Get the relation data for the overall application, not just a unit",
    );
    const rest = fs.parse(inv.args);
    if (rel.id === -1) throw new UsageError("no relation id specified");
    let key = rest.shift() ?? "";
    if (key === "-") key = "";
    const target = determineTarget(inv.ctx, rest, app.value);
    checkEmpty(rest);
    const relation = mustRelation(inv.ctx, rel.id);
    const settings = readSettings(inv.ctx, relation, target);
    if (key === "") out.write(inv, { ...settings });
    else out.write(inv, Object.hasOwn(settings, key) ? (settings[key] ?? null) : null);
  },
};

/** `relation-set [-r id] [--app] [--file <yaml>|-] key=value ...`; `""` deletes a key. */
export const relationSet: ToolDefinition = {
  info: {
    name: "relation-set",
    args: "key=value [key=value ...]",
    purpose: "set relation settings",
  },
  run(inv) {
    const fs = new FlagSet(relationSet.info);
    const rel = addRelationFlag(fs, inv.ctx, "specify a relation by id");
    const file = fs.string(["file"], "file containing key-value pairs");
    const app = fs.bool(
      ["app"],
      'pick whether you are setting "application" settings or "unit" settings',
    );
    const format = fs.string(["format"], "deprecated format flag");
    const args = fs.parse(inv.args);
    if (rel.id === -1) throw new UsageError("no relation id specified");
    const overrides = parseKeyValues(args);
    if (format.value !== "") inv.stderr += `--format flag deprecated for command "relation-set"`;
    let settings = overrides;
    if (file.value !== "") {
      settings = { ...parseSettingsYaml(readFileFlag(inv, file.value)), ...overrides };
    }
    const relation = mustRelation(inv.ctx, rel.id);
    let bag: Databag;
    if (app.value) {
      if (!inv.ctx.leader) throw new ToolError("cannot write relation settings");
      bag = relation.localAppData;
    } else {
      bag = relation.localUnitData;
    }
    for (const key of Object.keys(settings).sort()) {
      const value = settings[key] ?? "";
      if (value === "") delete bag[key];
      else bag[key] = value;
    }
  },
};

/** `relation-model-get [-r id]`: the UUID of the model hosting the remote application. */
export const relationModelGet: ToolDefinition = {
  info: {
    name: "relation-model-get",
    args: "",
    purpose: "Get details about the model hosing a related application.",
  },
  run(inv) {
    const fs = new FlagSet(relationModelGet.info);
    const out = new OutputFlags(fs, "smart", ALL_FORMATS);
    const rel = addRelationFlag(fs, inv.ctx);
    const args = fs.parse(inv.args);
    if (rel.id === -1) throw new UsageError("no relation id specified");
    checkEmpty(args);
    const relation = mustRelation(inv.ctx, rel.id);
    out.write(inv, { uuid: relation.remoteModelUuid });
  },
};
