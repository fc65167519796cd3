/**
 * Opened ports of a unit.
 *
 * @example
 * ```ts
 * this.unit.setPorts([{ protocol: "tcp", port: 8080 }, { protocol: "tcp", port: 8081 }]);
 * ```
 */
import { ModelError } from "../errors.js";

/** A port, as `open-port` takes it. */
export interface Port {
  protocol: "tcp" | "udp" | "icmp";
  /** Absent for icmp. */
  port?: number;
}

/** Parses `opened-ports` strings such as `80/tcp` and `icmp`; ranges are skipped. */
export function parsePort(spec: string): Port | undefined {
  if (spec === "icmp") return { protocol: "icmp" };
  const m = /^(\d+)\/(tcp|udp)$/.exec(spec.trim());
  if (!m) return undefined;
  return { protocol: m[2] as "tcp" | "udp", port: Number(m[1]) };
}

/** Checks a port before any hook tool sees it. */
export function validatePort(p: Port): void {
  if (p.protocol === "icmp") {
    if (p.port !== undefined) throw new ModelError("icmp ports take no port number");
    return;
  }
  if (!["tcp", "udp"].includes(p.protocol))
    throw new ModelError(`unknown protocol "${p.protocol}"`);
  if (p.port === undefined || !Number.isInteger(p.port) || p.port < 1 || p.port > 65535) {
    throw new ModelError(`port must be an integer from 1 to 65535, got ${String(p.port)}`);
  }
}

/** A stable key for a port. */
export const portKey = (p: Port): string =>
  p.protocol === "icmp" ? "icmp" : `${p.port}/${p.protocol}`;
