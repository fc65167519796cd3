/**
 * Storage tools: `storage-get [-s <name>/<n>] [<key>]`, `storage-list [<name>]` and
 * `storage-add <name>[=<count>]...`. Inside a storage hook `-s` defaults to the hook's storage;
 * `storage-add` requests are collected in `ctx.storageAdd` for the controller to apply when the
 * hook succeeds.
 *
 * @example
 * ```ts
 * runTool(ctx, "storage-get", ["--format=json", "-s", "data/0"]); // {"kind":"filesystem","location":"/srv"}\n
 * runTool(ctx, "storage-add", ["data=2"]); // ctx.storageAdd.data === 2
 * ```
 */

import type { StorageData } from "../context.js";
import { checkEmpty } from "../internal/args.js";
import { ToolError, UsageError } from "../internal/errors.js";
import { FlagSet } from "../internal/flags.js";
import { goQuote } from "../internal/go-format.js";
import type { ToolDefinition } from "../internal/invocation.js";
import { OutputFlags } from "../internal/output.js";

const STORAGE_NAME = "(?:[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*)";
const STORAGE_ID_RE = new RegExp(`^${STORAGE_NAME}/(?:0|[1-9][0-9]*)$`);

function storageOrder(a: StorageData, b: StorageData): number {
  const [nameA = "", idxA = "0"] = a.id.split("/");
  const [nameB = "", idxB = "0"] = b.id.split("/");
  return nameA === nameB ? Number(idxA) - Number(idxB) : nameA < nameB ? -1 : 1;
}

/** The `storage-get` tool. */
export const storageGet: ToolDefinition = {
  info: {
    name: "storage-get",
    args: "[<key>]",
    purpose: "Print information for the storage instance with the specified ID.",
  },
  run(inv) {
    const fs = new FlagSet(storageGet.info);
    const out = new OutputFlags(fs, "smart", ["smart", "yaml", "json"]);
    const ctx = inv.ctx;
    let storage = ctx.storages.find((s) => s.id === ctx.currentStorageId);
    fs.custom(["s"], "specify a storage instance by id", (value) => {
      if (!STORAGE_ID_RE.test(value)) throw new Error(`invalid storage ID ${goQuote(value)}`);
      const found = ctx.storages.find((s) => s.id === value);
      // UNVERIFIED wording: Juju reports the controller's not-found error for the attachment.
      if (found === undefined) throw new Error(`storage ${goQuote(value)} not found`);
      storage = found;
    });
    const args = fs.parse(inv.args);
    if (storage === undefined) throw new UsageError("no storage instance specified");
    const key = args[0] ?? "";
    checkEmpty(args.slice(1));
    const values: Record<string, string> = { kind: storage.kind, location: storage.location };
    if (key === "") out.write(inv, values);
    else if (Object.hasOwn(values, key)) out.write(inv, values[key] ?? "");
    else throw new ToolError(`invalid storage attribute ${goQuote(key)}`);
  },
};

/** The `storage-list` tool. */
export const storageList: ToolDefinition = {
  info: {
    name: "storage-list",
    args: "[<storage-name>]",
    purpose: "List storage attached to the unit.",
  },
  run(inv) {
    const fs = new FlagSet(storageList.info);
    const out = new OutputFlags(fs, "smart", ["smart", "yaml", "json"]);
    const args = fs.parse(inv.args);
    const name = args[0] ?? "";
    checkEmpty(args.slice(1));
    const ids = [...inv.ctx.storages]
      .sort(storageOrder)
      .map((s) => s.id)
      .filter((id) => name === "" || id.split("/")[0] === name);
    out.write(inv, ids);
  },
};

interface Directive {
  pool: string;
  size: number;
  count: number;
}

const POOL_RE = /^[a-zA-Z]+[-?a-zA-Z0-9]*$/;
const COUNT_RE = /^-?[0-9]+$/;
const SIZE_RE = /^-?[0-9]+(?:\.[0-9]+)?[MGTPEZY](?:i?B)?$/;

/** Juju's `storage.ParseDirective`: comma-separated pool, count and size. */
function parseDirective(text: string): Directive {
  const directive: Directive = { pool: "", size: 0, count: 0 };
  for (const field of text.split(",")) {
    if (field === "") continue;
    if (POOL_RE.test(field)) {
      if (directive.pool !== "") {
        throw new Error(
          `pool name is already set to ${goQuote(directive.pool)}, new value ${goQuote(field)} not valid`,
        );
      }
      directive.pool = field;
    } else if (COUNT_RE.test(field) && Number.isSafeInteger(Number(field))) {
      if (Number(field) <= 0)
        throw new Error(
          `cannot parse count: count must be greater than zero, got ${goQuote(field)}`,
        );
      directive.count = Number(field);
    } else if (SIZE_RE.test(field)) {
      if (field.startsWith("-")) {
        // UNVERIFIED wording of juju/utils ParseSize for a negative size.
        throw new Error(
          `cannot parse size: expected a non-negative number, got ${goQuote(field.replace(/[MGTPEZY](i?B)?$/, ""))}`,
        );
      }
      directive.size = 1;
    } else {
      throw new Error(`unrecognized storage directive ${goQuote(field)} not valid`);
    }
  }
  if (directive.count === 0 && directive.size === 0 && directive.pool === "") {
    throw new Error("storage directives require at least one field to be specified");
  }
  if (directive.count === 0) directive.count = 1;
  return directive;
}

/** The `storage-add` tool: `<name>[=<count>]`, as Juju's `ParseDirectivesMap` reads them. */
export const storageAdd: ToolDefinition = {
  info: {
    name: "storage-add",
    args: "<charm storage name>[=count] ...",
    purpose: "Add storage instances.",
  },
  run(inv) {
    const fs = new FlagSet(storageAdd.info);
    const args = fs.parse(inv.args);
    if (args.length === 0) throw new UsageError("storage add requires a storage directive");
    const requests = new Map<string, number>();
    for (const kv of args) {
      const parts = kv.split("=");
      const name = parts[0] ?? "";
      if (parts.length > 2 || name === "") {
        throw new UsageError(`expected "name=directive" or "name", got ${goQuote(kv)}`);
      }
      if (requests.has(name))
        throw new UsageError(`storage ${goQuote(name)} specified more than once`);
      let directive: Directive;
      try {
        directive = parseDirective(parts[1] ?? "1");
      } catch (err) {
        throw new UsageError(
          `cannot parse directive for storage ${goQuote(name)}: ${(err as Error).message}`,
        );
      }
      if (directive.pool !== "" || directive.size !== 0) {
        throw new UsageError(`only count can be specified for ${goQuote(name)}`);
      }
      requests.set(name, directive.count);
    }
    for (const [name, count] of requests) {
      inv.ctx.storageAdd[name] = (inv.ctx.storageAdd[name] ?? 0) + count;
    }
  },
};
