/**
 * Who serves and under which name: the stand-in runs one primary (recorded by the leader in the
 * peer application bag), and publishes, as the real charm does, the Services
 * `<app>-primary.<model>.svc.cluster.local` (following the primary) and `<app>-replicas...`. The
 * local model lists those names in every unit's hosts file for this charm (lib/sim/network
 * `CHARM_SERVICES`): `<app>-primary` on the leader, which is the stand-in's primary (the leader
 * records itself when there is none), `<app>-replicas` on every unit. The leader itself reaches
 * the primary's server by the pod name, `<app>-<n>.<app>-endpoints.<model>.svc.cluster.local`.
 *
 * @example
 * ```ts
 * serviceFqdn("postgresql-k8s", "primary", "jaas"); // "postgresql-k8s-primary.jaas.svc.cluster.local"
 * podFqdn("postgresql-k8s/0", "jaas"); // "postgresql-k8s-0.postgresql-k8s-endpoints.jaas.svc.cluster.local"
 * ```
 */

/**
 * The peer application bag key naming the primary unit.
 *
 * @example
 * ```ts
 * peers.data(this.app).get(PRIMARY_KEY); // "postgresql-k8s/0"
 * ```
 */
export const PRIMARY_KEY = "primary";

/**
 * The peer application bag key holding what was provisioned per relation (JSON).
 *
 * @example
 * ```ts
 * parseProvisioned(peers.data(this.app).get(PROVISIONED_KEY));
 * ```
 */
export const PROVISIONED_KEY = "provisioned";

/**
 * The primary's unit bag key identifying its current cluster (a new value after each `initdb`).
 *
 * @example
 * ```ts
 * peers.data(this.unit).set(CLUSTER_ID_KEY, randomBytes(8).toString("hex"));
 * ```
 */
export const CLUSTER_ID_KEY = "cluster-id";

/**
 * The primary's unit bag key with the server's `major.minor` version.
 *
 * @example
 * ```ts
 * peers.data(primary).get(VERSION_KEY); // "18.4"
 * ```
 */
export const VERSION_KEY = "version";

/**
 * The cluster DNS name of one of the Services postgresql-k8s makes: `primary` or `replicas`.
 *
 * @example
 * ```ts
 * serviceFqdn("db", "replicas", "m"); // "db-replicas.m.svc.cluster.local"
 * ```
 */
export function serviceFqdn(app: string, role: "primary" | "replicas", model: string): string {
  return `${app}-${role}.${model}.svc.cluster.local`;
}

/**
 * The cluster DNS name of a unit's pod.
 *
 * @example
 * ```ts
 * podFqdn("db/1", "m"); // "db-1.db-endpoints.m.svc.cluster.local"
 * ```
 */
export function podFqdn(unit: string, model: string): string {
  const [app = "", n = "0"] = unit.split("/");
  return `${app}-${n}.${app}-endpoints.${model}.svc.cluster.local`;
}

/**
 * The primary the leader should record: the current one while it is still a unit of the
 * application, else the leader itself.
 *
 * @example
 * ```ts
 * choosePrimary("pg/0", "pg/1", ["pg/0", "pg/1"]); // "pg/0"
 * choosePrimary("pg/3", "pg/1", ["pg/1"]); // "pg/1"
 * ```
 */
export function choosePrimary(
  current: string | undefined,
  leader: string,
  units: readonly string[],
): string {
  return current !== undefined && units.includes(current) ? current : leader;
}

/**
 * Per request (`<relation id>` for a v0 requirer, `<relation id>/<request-id>` for each request of
 * a v1 requirer, see {@link requestKey}), the key of what was last provisioned and published.
 *
 * @example
 * ```ts
 * const done: Provisioned = { "7": "pg/0#ab12|pg-0…:5432|jimm||18.4", "8/9d6806fc04c3f55d": "…" };
 * ```
 */
export type Provisioned = Record<string, string>;

/**
 * The {@link Provisioned} key of a request: the relation id (v0), or `<id>/<request-id>` (v1).
 *
 * @example
 * ```ts
 * requestKey(7); // "7"
 * requestKey(8, "9d6806fc04c3f55d"); // "8/9d6806fc04c3f55d"
 * ```
 */
export function requestKey(relationId: number, requestId?: string): string {
  return requestId === undefined ? String(relationId) : `${relationId}/${requestId}`;
}

/**
 * The relation id and request-id (v1 only) of a {@link Provisioned} key.
 *
 * @example
 * ```ts
 * parseRequestKey("8/9d6806fc04c3f55d"); // { relationId: 8, requestId: "9d6806fc04c3f55d" }
 * ```
 */
export function parseRequestKey(key: string): { relationId: number; requestId?: string } {
  const at = key.indexOf("/");
  if (at < 0) return { relationId: Number(key) };
  return { relationId: Number(key.slice(0, at)), requestId: key.slice(at + 1) };
}

/**
 * Reads the peer bag's record; anything malformed counts as nothing provisioned.
 *
 * @example
 * ```ts
 * parseProvisioned('{"7":"k"}'); // { "7": "k" }
 * ```
 */
export function parseProvisioned(text: string | undefined): Provisioned {
  if (!text) return {};
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== "object" || v === null || Array.isArray(v)) return {};
    return Object.fromEntries(
      Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string"),
    );
  } catch {
    return {};
  }
}

/**
 * What a relation's answer depends on: when it changes, the user and database are ensured again
 * on the (possibly new) primary and the answer is published again.
 *
 * @example
 * ```ts
 * provisionKey({ cluster: "pg/0#ab12", endpoint: "h:5432", database: "jimm", roles: "", version: "18.4" });
 * ```
 */
export function provisionKey(p: {
  cluster: string;
  endpoint: string;
  database: string;
  roles: string;
  version: string;
}): string {
  return JSON.stringify([p.cluster, p.endpoint, p.database, p.roles, p.version]);
}

/**
 * The login role of a relation, as postgresql-k8s names it (v0), or of one request of a v1
 * requirer (a user per request).
 *
 * @example
 * ```ts
 * relationUser(7); // "relation_id_7"
 * relationUser(8, "9d6806fc04c3f55d"); // "relation_id_8_9d6806fc04c3f55d"
 * ```
 */
export function relationUser(relationId: number, requestId?: string): string {
  return requestId === undefined
    ? `relation_id_${relationId}`
    : `relation_id_${relationId}_${requestId}`;
}

/**
 * Why a requested database name cannot be served, or undefined when it can. Prefix matching
 * (`name*`) is not supported by the stand-in.
 *
 * @example
 * ```ts
 * databaseNameProblem("jimm"); // undefined
 * databaseNameProblem("app*"); // "prefix matching ... is not supported by this stand-in"
 * ```
 */
export function databaseNameProblem(name: string): string | undefined {
  if (name.trim() === "") return "the requested database name is empty";
  if (name.endsWith("*"))
    return `prefix matching (${JSON.stringify(name)}) is not supported by this stand-in`;
  if (Buffer.byteLength(name, "utf8") > 63)
    return `database name ${JSON.stringify(name.slice(0, 20))}... is longer than 63 bytes`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(name)) return "the requested database name has control characters";
  return undefined;
}
