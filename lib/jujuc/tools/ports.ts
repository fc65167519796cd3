/**
 * `open-port`, `close-port` and `opened-ports`. Ports are `80`, `80/tcp`, `8000-8999/udp` or
 * `icmp`, optionally for some endpoints (`--endpoints a,b`; none means all). Kubernetes models
 * refuse ranges. Changes go to the hook's working copy (Juju applies them when the hook
 * succeeds) and `opened-ports` reports the result.
 *
 * @example
 * ```ts
 * runTool(ctx, "open-port", ["8080/tcp"]);
 * runTool(ctx, "opened-ports", ["--format=json", "--endpoints"]); // ["8080/tcp (*)"]\n
 * ```
 */

import type { HookContextData, PortData } from "../context.js";
import { checkEmpty } from "../internal/args.js";
import { ToolError, UsageError } from "../internal/errors.js";
import { FlagSet } from "../internal/flags.js";
import type { ToolInfo } from "../internal/flags.js";
import { goQuote, parseGoAtoi } from "../internal/go-format.js";
import type { ToolDefinition } from "../internal/invocation.js";
import { OutputFlags } from "../internal/output.js";

/** A port range as Juju's `network.PortRange` (icmp is -1/-1). */
export interface PortRange {
  from: number;
  to: number;
  protocol: string;
}

/** Formats a range as Juju does: `80/tcp`, `80-90/udp`, `icmp`. */
export function portRangeString(p: PortRange): string {
  const protocol = p.protocol.toLowerCase();
  if (protocol === "icmp") return protocol;
  return p.from === p.to ? `${p.from}/${protocol}` : `${p.from}-${p.to}/${protocol}`;
}

function validate(p: PortRange): void {
  const proto = p.protocol.toLowerCase();
  if (proto !== "tcp" && proto !== "udp" && proto !== "icmp") {
    throw new UsageError(`invalid protocol ${goQuote(proto)}, expected "tcp", "udp", or "icmp"`);
  }
  if (proto === "icmp") {
    if (p.from === p.to && p.from === -1) return;
    throw new UsageError(`protocol "icmp" doesn't support any ports; got "${p.from}"`);
  }
  if (p.from > p.to) throw new UsageError(`invalid port range ${portRangeString(p)}`);
  if (p.from < 0 || p.from > 65535 || p.to < 0 || p.to > 65535) {
    throw new UsageError(`port range bounds must be between 0 and 65535, got ${p.from}-${p.to}`);
  }
}

function atoiOrFail(text: string, label: string): number {
  try {
    return parseGoAtoi(text);
  } catch (err) {
    throw new UsageError(`invalid port ${goQuote(label)}: ${(err as Error).message}`);
  }
}

/** Juju's `network.ParsePortRange` (argument errors exit 2). */
export function parsePortRange(input: string): PortRange {
  let protocol = "tcp";
  let spec = input;
  const slash = input.indexOf("/");
  if (slash >= 0) {
    spec = input.slice(0, slash);
    protocol = input.slice(slash + 1);
  }
  const parts = spec.split("-");
  if (parts.length > 2) throw new UsageError(`invalid port range ${goQuote(spec)}`);
  let from: number;
  let to: number;
  if (parts.length === 1) {
    if (parts[0] === "icmp") [from, to] = [-1, -1];
    else from = to = atoiOrFail(parts[0] ?? "", spec);
  } else {
    from = atoiOrFail(parts[0] ?? "", parts[0] ?? "");
    to = atoiOrFail(parts[1] ?? "", parts[1] ?? "");
  }
  if (from === -1) protocol = "icmp";
  const range = { from, to, protocol };
  validate(range);
  return range;
}

function toRange(p: PortData): PortRange {
  if (p.protocol === "icmp") return { from: -1, to: -1, protocol: "icmp" };
  const from = p.port ?? 0;
  return { from, to: p.toPort ?? from, protocol: p.protocol };
}

function sameRange(a: PortRange, b: PortRange): boolean {
  return a.from === b.from && a.to === b.to && a.protocol === b.protocol;
}

function compareRanges(a: PortRange, b: PortRange): number {
  if (a.protocol !== b.protocol) return a.protocol < b.protocol ? -1 : 1;
  return a.from !== b.from ? a.from - b.from : a.to - b.to;
}

/** Port ranges grouped by endpoint, `""` meaning every endpoint (Juju's `GroupedPortRanges`). */
type Grouped = Map<string, PortRange[]>;

function grouped(ports: readonly PortData[]): Grouped {
  const groups: Grouped = new Map();
  for (const p of ports) {
    for (const endpoint of p.endpoints ?? [""]) {
      const list = groups.get(endpoint) ?? [];
      if (!list.some((r) => sameRange(r, toRange(p)))) list.push(toRange(p));
      groups.set(endpoint, list);
    }
  }
  return groups;
}

function ungrouped(groups: Grouped): PortData[] {
  const byRange = new Map<string, { range: PortRange; endpoints: Set<string> }>();
  for (const [endpoint, ranges] of groups) {
    for (const range of ranges) {
      const key = portRangeString(range);
      const entry = byRange.get(key) ?? { range, endpoints: new Set<string>() };
      entry.endpoints.add(endpoint);
      byRange.set(key, entry);
    }
  }
  const out: PortData[] = [];
  for (const { range, endpoints } of [...byRange.values()].sort((a, b) =>
    compareRanges(a.range, b.range),
  )) {
    const base: PortData =
      range.protocol === "icmp"
        ? { protocol: "icmp" }
        : {
            protocol: range.protocol as PortData["protocol"],
            port: range.from,
            ...(range.to !== range.from ? { toPort: range.to } : {}),
          };
    if (endpoints.has("")) out.push({ ...base });
    const named = [...endpoints].filter((e) => e !== "").sort();
    if (named.length > 0) out.push({ ...base, endpoints: named });
  }
  return out;
}

function conflicts(a: PortRange, b: PortRange): boolean {
  return a.protocol === b.protocol && a.to >= b.from && b.to >= a.from;
}

function checkConflict(
  ctx: HookContextData,
  groups: Grouped,
  verb: string,
  endpoint: string,
  range: PortRange,
): "exists" | undefined {
  for (const [existingEndpoint, ranges] of groups) {
    for (const existing of ranges) {
      if (!conflicts(range, existing)) continue;
      if (sameRange(range, existing)) {
        if (existingEndpoint !== endpoint) continue;
        return "exists";
      }
      throw new ToolError(
        `cannot ${verb} ${portRangeString(range)} (unit ${goQuote(ctx.unitName)}): port range conflicts with ${portRangeString(existing)} (unit ${goQuote(ctx.unitName)})`,
      );
    }
  }
  return undefined;
}

function portCommand(info: ToolInfo, open: boolean): ToolDefinition {
  const definition: ToolDefinition = {
    info,
    run(inv) {
      const fs = new FlagSet(info);
      const format = fs.string(["format"], "deprecated format flag");
      const endpoints = fs.string(
        ["endpoints"],
        "a comma-delimited list of application endpoints to target with this operation",
      );
      const args = fs.parse(inv.args);
      const first = args[0];
      if (first === undefined) throw new UsageError("no port or range specified");
      const range = parsePortRange(first.toLowerCase());
      checkEmpty(args.slice(1));
      if (format.value !== "")
        inv.stderr += `--format flag deprecated for command ${goQuote(info.name)}`;
      const ctx = inv.ctx;
      if (ctx.modelType === "kubernetes" && range.from !== range.to) {
        throw new ToolError(
          "port ranges are not supported for k8s applications, please specify a single port",
        );
      }
      const groups = grouped(ctx.openedPorts);
      const targets =
        endpoints.value === "" ? [""] : endpoints.value.split(",").map((e) => e.trim());
      for (const endpoint of targets) {
        const existing = checkConflict(ctx, groups, open ? "open" : "close", endpoint, range);
        const list = groups.get(endpoint) ?? [];
        if (open && existing === undefined) list.push(range);
        if (!open && existing === "exists")
          list.splice(
            list.findIndex((r) => sameRange(r, range)),
            1,
          );
        if (list.length > 0) groups.set(endpoint, list);
        else groups.delete(endpoint);
      }
      ctx.openedPorts = ungrouped(groups);
    },
  };
  return definition;
}

const PORT_ARGS = "<port>[/<protocol>] or <from>-<to>[/<protocol>] or icmp";

/** The `open-port` tool. */
export const openPort = portCommand(
  {
    name: "open-port",
    args: PORT_ARGS,
    purpose: "Register a request to open a port or port range.",
  },
  true,
);

/** The `close-port` tool. */
export const closePort = portCommand(
  {
    name: "close-port",
    args: PORT_ARGS,
    purpose: "Register a request to close a port or port range.",
  },
  false,
);

/** The `opened-ports` tool. */
export const openedPorts: ToolDefinition = {
  info: {
    name: "opened-ports",
    args: "",
    purpose: "List all ports or port ranges opened by the unit.",
  },
  run(inv) {
    const fs = new FlagSet(openedPorts.info);
    const out = new OutputFlags(fs, "smart", ["smart", "yaml", "json"]);
    const showEndpoints = fs.bool(
      ["endpoints"],
      "display the list of target application endpoints for each port range",
    );
    checkEmpty(fs.parse(inv.args));
    const groups = grouped(inv.ctx.openedPorts);
    const byRange = new Map<string, { range: PortRange; endpoints: Set<string> }>();
    for (const [endpoint, ranges] of groups) {
      for (const range of ranges) {
        const key = portRangeString(range);
        const entry = byRange.get(key) ?? { range, endpoints: new Set<string>() };
        entry.endpoints.add(endpoint);
        byRange.set(key, entry);
      }
    }
    const entries = [...byRange.values()].sort((a, b) => compareRanges(a.range, b.range));
    const result = entries.map(({ range, endpoints }) => {
      if (!showEndpoints.value) return portRangeString(range);
      const descr = endpoints.has("") ? "*" : [...endpoints].sort().join(", ");
      return `${portRangeString(range)} (${descr})`;
    });
    out.write(inv, result);
  },
};
