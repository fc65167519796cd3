/**
 * Charm state: `state-get`, `state-set` and `state-delete`. Writes go to the hook's working copy
 * (Juju commits them when the hook succeeds). With no state at all `state-get` prints `null`; a
 * missing key prints `""` unless `--strict`. Keys are at most 256 bytes and values 64 KiB.
 *
 * @example
 * ```ts
 * runTool(ctx, "state-set", ["--file", "-"], { stdin: '{"deferred":"[]"}' });
 * runTool(ctx, "state-get", ["--format=json", "deferred"]); // "[]"\n
 * ```
 */

import { Buffer } from "node:buffer";
import { checkEmpty, parseKeyValues, parseSettingsYaml, readFileFlag } from "../internal/args.js";
import { ToolError } from "../internal/errors.js";
import { FlagSet } from "../internal/flags.js";
import { goQuote } from "../internal/go-format.js";
import type { ToolDefinition } from "../internal/invocation.js";
import { OutputFlags } from "../internal/output.js";

/** Juju's `quota.MaxCharmStateKeySize`. */
export const MAX_STATE_KEY_BYTES = 256;
/** Juju's `quota.MaxCharmStateValueSize`. */
export const MAX_STATE_VALUE_BYTES = 64 * 1024;

/** The `state-get` tool. */
export const stateGet: ToolDefinition = {
  info: { name: "state-get", args: "[<key>]", purpose: "print server-side-state value" },
  run(inv) {
    const fs = new FlagSet(stateGet.info);
    const out = new OutputFlags(fs, "smart", ["smart", "yaml", "json"]);
    const strict = fs.bool(["strict"], "Return an error if the requested key does not exist");
    const args = fs.parse(inv.args);
    let key = args[0] ?? "";
    if (key === "-") key = "";
    checkEmpty(args.slice(1));
    const state = inv.ctx.charmState;
    if (key === "") {
      out.write(inv, state === null || Object.keys(state).length === 0 ? null : { ...state });
      return;
    }
    if (state === null || !Object.hasOwn(state, key)) {
      if (strict.value) throw new ToolError(`${goQuote(key)} not found`);
      out.write(inv, "");
      return;
    }
    out.write(inv, state[key] ?? "");
  },
};

/** The `state-set` tool: `--file` (`-` for stdin) then `key=value` overrides. */
export const stateSet: ToolDefinition = {
  info: {
    name: "state-set",
    args: "key=value [key=value ...]",
    purpose: "set server-side-state values",
  },
  run(inv) {
    const fs = new FlagSet(stateSet.info);
    const file = fs.string(["file"], "file containing key-value pairs");
    const overrides = parseKeyValues(fs.parse(inv.args));
    let values = overrides;
    if (file.value !== "")
      values = { ...parseSettingsYaml(readFileFlag(inv, file.value)), ...overrides };
    for (const key of Object.keys(values).sort()) {
      const value = values[key] ?? "";
      // The wording follows Juju's quota package (Juju 4); Juju 3.6 words it slightly
      // differently ("... exceeded"), UNVERIFIED which one a given agent prints.
      if (Buffer.byteLength(key) > MAX_STATE_KEY_BYTES) {
        throw new ToolError(
          `max allowed key length (${MAX_STATE_KEY_BYTES}): quota limit exceeded`,
        );
      }
      if (Buffer.byteLength(value) > MAX_STATE_VALUE_BYTES) {
        throw new ToolError(
          `max allowed value length (${MAX_STATE_VALUE_BYTES}): quota limit exceeded`,
        );
      }
      inv.ctx.charmState ??= {};
      inv.ctx.charmState[key] = value;
    }
  },
};

/** The `state-delete` tool; no key is a no-op. */
export const stateDelete: ToolDefinition = {
  info: { name: "state-delete", args: "<key>", purpose: "delete server-side-state key value pair" },
  run(inv) {
    const fs = new FlagSet(stateDelete.info);
    const args = fs.parse(inv.args);
    const key = args[0];
    checkEmpty(args.slice(1));
    if (key === undefined || key === "") return;
    if (inv.ctx.charmState !== null) delete inv.ctx.charmState[key];
  },
};
