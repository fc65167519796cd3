/**
 * Endpoint inference for `integrate`, as Juju's `InferEndpoints` does: each argument is
 * `<app>` or `<app>:<endpoint>`; the candidates are the pairs of non-peer endpoints of two
 * different applications with the same interface and matching roles (provides with requires);
 * one candidate wins, several are ambiguous unless dropping the implicit `juju-info` endpoint
 * leaves one.
 *
 * @example
 * ```ts
 * inferEndpoints("wordpress", "mysql:db", lookup);
 * // [{ app: "wordpress", name: "database", role: "requires", … }, { app: "mysql", name: "db", … }]
 * inferEndpoints("a", "b", lookup);
 * // throws SimError: ambiguous relation: "a b" could refer to "a:sink b:source"; "b:sink a:source"
 * ```
 */
import { goQuote } from "../../jujuc/internal/go-format.js";
import type { EndpointRole } from "../../ops/metadata.js";
import { invalid, notFound } from "../errors.js";

/** An endpoint of an application (or of a consumed offer). */
export interface AppEndpoint {
  app: string;
  name: string;
  role: EndpointRole;
  interface: string;
  limit?: number;
  /** Juju's implicit `juju-info` endpoint. */
  implicit?: boolean;
}

/** Finds an application's endpoints, or undefined when there is no such application. */
export type EndpointLookup = (app: string) => AppEndpoint[] | undefined;

/**
 * Splits `app[:endpoint]`; `invalid endpoint "<arg>"` when the colon starts or ends it.
 *
 * @example
 * ```ts
 * parseEndpointArg("mysql:db"); // { app: "mysql", endpoint: "db" }
 * ```
 */
export function parseEndpointArg(arg: string): { app: string; endpoint?: string } {
  const i = arg.indexOf(":");
  if (i < 0) return { app: arg };
  if (i === 0 || i === arg.length - 1) throw invalid(`invalid endpoint ${goQuote(arg)}`);
  return { app: arg.slice(0, i), endpoint: arg.slice(i + 1) };
}

/**
 * `app:endpoint`.
 *
 * @example
 * ```ts
 * endpointString({ app: "mysql", name: "db", role: "provides", interface: "mysql" }); // "mysql:db"
 * ```
 */
export function endpointString(ep: AppEndpoint): string {
  return `${ep.app}:${ep.name}`;
}

/**
 * Juju's relation key: the endpoints ordered requirer first, then provider (then by name),
 * joined by a space; a peer relation is its one endpoint.
 *
 * @example
 * ```ts
 * relationKey([mysqlServer, wordpressDb]); // "wordpress:db mysql:server"
 * ```
 */
export function relationKey(eps: readonly AppEndpoint[]): string {
  const order: Record<EndpointRole, number> = { requires: 0, provides: 1, peers: 2 };
  return [...eps]
    .sort((a, b) => {
      if (a.role !== b.role) return order[a.role] - order[b.role];
      const x = endpointString(a);
      const y = endpointString(b);
      return x < y ? -1 : x > y ? 1 : 0;
    })
    .map(endpointString)
    .join(" ");
}

/**
 * Juju's `Endpoint.CanRelateTo`.
 *
 * @example
 * ```ts
 * canRelate(wordpressDb, mysqlServer); // true: same interface, requires with provides
 * ```
 */
export function canRelate(a: AppEndpoint, b: AppEndpoint): boolean {
  if (a.app === b.app || a.interface !== b.interface) return false;
  if (a.role === "peers" || b.role === "peers") return false;
  return a.role !== b.role;
}

function endpointsFor(arg: string, lookup: EndpointLookup): AppEndpoint[] {
  const { app, endpoint } = parseEndpointArg(arg);
  const all = lookup(app);
  if (all === undefined) throw notFound(`application ${goQuote(app)} not found`);
  if (endpoint === undefined) return all.filter((e) => e.role !== "peers");
  const ep = all.find((e) => e.name === endpoint);
  if (ep === undefined) {
    throw notFound(`application ${goQuote(app)} has no ${goQuote(endpoint)} relation`);
  }
  if (ep.role === "peers") {
    throw invalid(
      `no relations found: ${goQuote(arg)} is a peer endpoint, which Juju relates only within its application`,
    );
  }
  return [ep];
}

function describe(ep: AppEndpoint): string {
  return `${endpointString(ep)} (${ep.role} ${goQuote(ep.interface)})`;
}

/**
 * Picks the two endpoints `integrate <a> <b>` means. Throws a {@link SimError}: unknown
 * application or endpoint (`not-found`); no candidate or several (`invalid`).
 *
 * @example
 * ```ts
 * const [requirer, provider] = inferEndpoints("wordpress", "mysql", lookup);
 * ```
 */
export function inferEndpoints(
  a: string,
  b: string,
  lookup: EndpointLookup,
): [AppEndpoint, AppEndpoint] {
  const eps1 = endpointsFor(a, lookup);
  const eps2 = endpointsFor(b, lookup);
  const candidates: [AppEndpoint, AppEndpoint][] = [];
  for (const e1 of eps1) for (const e2 of eps2) if (canRelate(e1, e2)) candidates.push([e1, e2]);
  if (candidates.length === 1) return candidates[0] as [AppEndpoint, AppEndpoint];
  if (candidates.length === 0) {
    // Juju says only "no relations found"; say why when both endpoints were named.
    const why =
      eps1.length === 1 && eps2.length === 1
        ? `: ${describe(eps1[0] as AppEndpoint)} cannot relate to ${describe(eps2[0] as AppEndpoint)}`
        : eps1[0]?.app === eps2[0]?.app
          ? `: an application cannot relate to itself`
          : ` between ${goQuote(a)} and ${goQuote(b)}`;
    throw invalid(`no relations found${why}`);
  }
  const explicit = candidates.filter(([e1, e2]) => !e1.implicit && !e2.implicit);
  if (explicit.length === 1) return explicit[0] as [AppEndpoint, AppEndpoint];
  const keys = candidates.map((c) => goQuote(relationKey(c))).sort();
  throw invalid(`ambiguous relation: ${goQuote(`${a} ${b}`)} could refer to ${keys.join("; ")}`);
}
