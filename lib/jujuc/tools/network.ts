/**
 * `network-get <binding> [-r id] [--bind-address] [--ingress-address] [--egress-subnets]
 * [--primary-address]`: the whole network info of a binding, one value for one flag, or a map
 * for several flags.
 *
 * @example
 * ```ts
 * runTool(ctx, "network-get", ["--format=json", "db"]);
 * // {"bind-addresses":[{"mac-address":"","interface-name":"eth0","addresses":[...]}],...}\n
 * runTool(ctx, "network-get", ["db", "--ingress-address"]); // 10.1.2.3\n
 * ```
 */

import { checkEmpty } from "../internal/args.js";
import { ToolError, UsageError } from "../internal/errors.js";
import { FlagSet } from "../internal/flags.js";
import { goQuote } from "../internal/go-format.js";
import { GoStruct } from "../internal/go-value.js";
import type { GoValue } from "../internal/go-value.js";
import type { ToolDefinition } from "../internal/invocation.js";
import { OutputFlags } from "../internal/output.js";
import { addRelationFlag } from "../internal/relation-flag.js";
import type { NetworkData } from "../context.js";

function display(info: NetworkData): GoStruct {
  const bind = info.bindAddresses.map(
    (b) =>
      new GoStruct([
        ["mac-address", b.macAddress],
        ["interface-name", b.interfaceName],
        [
          "addresses",
          b.addresses.map(
            (a) =>
              new GoStruct([
                ["hostname", a.hostname],
                ["value", a.value],
                ["cidr", a.cidr],
              ]),
          ),
        ],
      ]),
  );
  const omitEmpty = (list: GoValue[]): GoValue[] | undefined =>
    list.length > 0 ? list : undefined;
  return new GoStruct([
    ["bind-addresses", omitEmpty(bind)],
    ["egress-subnets", omitEmpty([...info.egressSubnets])],
    ["ingress-addresses", omitEmpty([...info.ingressAddresses])],
  ]);
}

/** The `network-get` tool. */
export const networkGet: ToolDefinition = {
  info: {
    name: "network-get",
    args: "<binding-name> [--ingress-address] [--bind-address] [--egress-subnets]",
    purpose: "get network config",
  },
  run(inv) {
    const fs = new FlagSet(networkGet.info);
    const out = new OutputFlags(fs, "smart", ["smart", "yaml", "json"]);
    const primary = fs.bool(
      ["primary-address"],
      "(deprecated) get the primary address for the binding",
    );
    const bind = fs.bool(
      ["bind-address"],
      "get the address for the binding on which the unit should listen",
    );
    const ingress = fs.bool(["ingress-address"], "get the ingress address for the binding");
    const egress = fs.bool(["egress-subnets"], "get the egress subnets for the binding");
    addRelationFlag(fs, inv.ctx, "specify a relation by id");
    const args = fs.parse(inv.args);
    const binding = args[0];
    if (binding === undefined) throw new UsageError("no arguments specified");
    if (binding === "") throw new UsageError("no binding name specified");
    const keys: string[] = [];
    if (bind.value) keys.push("bind-address");
    if (ingress.value) keys.push("ingress-address");
    if (egress.value) keys.push("egress-subnets");
    checkEmpty(args.slice(1));

    const info = inv.ctx.networks[binding];
    const first = info?.bindAddresses[0];
    if (info === undefined || first === undefined) {
      throw new ToolError(`no network config found for binding ${goQuote(binding)}`);
    }
    if (!primary.value && keys.length === 0) {
      out.write(inv, display(info));
      return;
    }
    const noAddresses = `no addresses attached to space for binding ${goQuote(binding)}`;
    if (primary.value) {
      if (keys.length > 0) throw new ToolError("--primary-address must be the only flag specified");
      const address = first.addresses[0];
      if (address === undefined) throw new ToolError(noAddresses);
      out.write(inv, address.value);
      return;
    }
    const values: Record<string, GoValue> = {};
    // An empty list arrives over Juju's API as nil, which prints as null.
    if (egress.value)
      values["egress-subnets"] = info.egressSubnets.length > 0 ? [...info.egressSubnets] : null;
    if (ingress.value) {
      const address = info.ingressAddresses[0] ?? first.addresses[0]?.value;
      if (address === undefined) throw new ToolError(noAddresses);
      values["ingress-address"] = address;
    }
    if (bind.value) {
      const address = first.addresses[0];
      if (address === undefined) throw new ToolError(noAddresses);
      values["bind-address"] = address.value;
    }
    const only = keys.length === 1 ? keys[0] : undefined;
    out.write(inv, only !== undefined ? (values[only] ?? null) : values);
  },
};
