/**
 * Administration of the server over a SQL connection, as the `operator` superuser: one user and
 * one database per relation, the server's version, and dropping a relation's user. The `pg`
 * package is loaded lazily, only on the hooks that talk to the server.
 *
 * Passwords reach the server only as SCRAM verifiers inside SQL over the connection: never on a
 * command line, in a log or in an error message.
 *
 * @example
 * ```ts
 * const admin = await connectAdmin({ host: "127.0.0.1", port: 5432, user: "operator", password });
 * try {
 *   await admin.ensureUser("relation_id_7", password, { attributes: [], memberOf: [] });
 *   await admin.ensureDatabase("jimm", "relation_id_7");
 * } finally {
 *   await admin.close();
 * }
 * ```
 */
import type * as PgTypes from "pg";
import type { Client, ClientConfig } from "pg";
import { scramVerifier } from "./scram.js";

/**
 * Where and as whom to connect. Holds the password: never log it.
 *
 * @example
 * ```ts
 * const target: AdminTarget = { host: "127.0.0.1", port: 5432, user: "operator", password };
 * ```
 */
export interface AdminTarget {
  host: string;
  port: number;
  user: string;
  password: string;
}

/**
 * What a relation's `extra-user-roles` grant: role attributes, and memberships of other roles.
 *
 * @example
 * ```ts
 * const roles: ExtraRoles = { attributes: ["CREATEDB"], memberOf: ["pg_read_all_data"] };
 * ```
 */
export interface ExtraRoles {
  attributes: readonly ("SUPERUSER" | "CREATEDB" | "CREATEROLE")[];
  memberOf: readonly string[];
}

/**
 * The administration the charm needs; {@link connectAdmin} gives the real one, tests a fake.
 *
 * @example
 * ```ts
 * const version = await admin.serverVersion(); // "18.4"
 * ```
 */
export interface PgAdmin {
  /** `major.minor` of the server (`SHOW server_version`). */
  serverVersion(): Promise<string>;
  /** Creates the login role, or resets its password and roles if it exists. */
  ensureUser(name: string, password: string, extra: ExtraRoles): Promise<void>;
  /** Creates the database if missing; grants `user` all on it and on its `public` schema. */
  ensureDatabase(database: string, user: string): Promise<void>;
  /**
   * Drops a login role: its sessions end, what it owns in any database passes to the
   * administering user, its privileges go. Databases are kept. A missing role is not an error.
   */
  dropUser(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens a {@link PgAdmin}, waiting up to `timeoutMs` for a server that is starting.
 *
 * @example
 * ```ts
 * const connector: AdminConnector = connectAdmin;
 * ```
 */
export type AdminConnector = (
  target: AdminTarget,
  options?: { timeoutMs?: number },
) => Promise<PgAdmin>;

/**
 * The server could not be reached or refused a statement. The message holds no secret.
 *
 * @example
 * ```ts
 * try { await connectAdmin(target); } catch (e) { if (e instanceof SqlError && e.transient) retryLater(); }
 * ```
 */
export class SqlError extends Error {
  constructor(
    message: string,
    /** True when the server was not (yet) reachable, rather than refusing. */
    readonly transient: boolean,
  ) {
    super(message);
    this.name = "SqlError";
  }
}

type PgModule = typeof PgTypes;

const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "57P03", // cannot_connect_now: the server is starting up or shutting down
]);

function isTransient(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && TRANSIENT_CODES.has(code)) return true;
  const message = e instanceof Error ? e.message : "";
  return /Connection terminated|timeout expired/i.test(message);
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function loadPg(): Promise<PgModule> {
  const mod = (await import("pg")) as PgModule & { default?: PgModule };
  return mod.default ?? mod;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function open(
  pg: PgModule,
  target: AdminTarget,
  database: string,
  deadline: number,
): Promise<Client> {
  for (;;) {
    const config: ClientConfig = {
      host: target.host,
      port: target.port,
      user: target.user,
      password: target.password,
      database,
      connectionTimeoutMillis: 5_000,
      application_name: "postgresql-k8s-charm",
    };
    const client = new pg.Client(config);
    // An error on an idle connection is emitted, not thrown: keep it from ending the hook.
    client.on("error", () => undefined);
    try {
      await client.connect();
      return client;
    } catch (e) {
      await client.end().catch(() => undefined);
      const transient = isTransient(e);
      if (!transient || Date.now() >= deadline) {
        throw new SqlError(
          `cannot connect to PostgreSQL at ${target.host}:${target.port}: ${messageOf(e)}`,
          transient,
        );
      }
      await sleep(500);
    }
  }
}

class RealAdmin implements PgAdmin {
  constructor(
    private readonly pg: PgModule,
    private readonly client: Client,
    private readonly target: AdminTarget,
  ) {}

  private async query(sql: string, values: unknown[] = [], client = this.client) {
    try {
      return await client.query(sql, values);
    } catch (e) {
      throw new SqlError(`PostgreSQL refused a statement: ${messageOf(e)}`, isTransient(e));
    }
  }

  private id(name: string): string {
    return this.pg.escapeIdentifier(name);
  }

  /** Runs `fn` on a connection to another database of the server. */
  private async inDatabase(database: string, fn: (c: Client) => Promise<void>): Promise<void> {
    const client = await open(this.pg, this.target, database, Date.now() + 10_000);
    try {
      await fn(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async serverVersion(): Promise<string> {
    const r = await this.query("SHOW server_version");
    const full = String(
      (r.rows[0] as { server_version?: unknown } | undefined)?.server_version ?? "",
    );
    return /^\d+(?:\.\d+)?/.exec(full)?.[0] ?? full;
  }

  async ensureUser(name: string, password: string, extra: ExtraRoles): Promise<void> {
    const exists = (await this.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [name])).rowCount;
    const attributes = ["LOGIN", ...extra.attributes].join(" ");
    const verifier = this.pg.escapeLiteral(scramVerifier(password));
    await this.query(
      `${exists ? "ALTER" : "CREATE"} ROLE ${this.id(name)} WITH ${attributes} PASSWORD ${verifier}`,
    );
    for (const role of extra.memberOf) {
      await this.query(`GRANT ${this.id(role)} TO ${this.id(name)}`);
    }
  }

  async ensureDatabase(database: string, user: string): Promise<void> {
    const exists = (await this.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]))
      .rowCount;
    if (!exists) await this.query(`CREATE DATABASE ${this.id(database)}`);
    await this.query(`GRANT ALL PRIVILEGES ON DATABASE ${this.id(database)} TO ${this.id(user)}`);
    // Since PostgreSQL 15 only the database owner may create in `public`.
    await this.inDatabase(database, async (c) => {
      await this.query(`GRANT ALL ON SCHEMA public TO ${this.id(user)}`, [], c);
    });
  }

  async dropUser(name: string): Promise<void> {
    const exists = (await this.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [name])).rowCount;
    if (!exists) return;
    await this.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", [
      name,
    ]);
    const dbs = await this.query(
      "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname",
    );
    const role = this.id(name);
    const admin = this.id(this.target.user);
    for (const row of dbs.rows as { datname: string }[]) {
      await this.inDatabase(row.datname, async (c) => {
        await this.query(`REASSIGN OWNED BY ${role} TO ${admin}`, [], c);
        await this.query(`DROP OWNED BY ${role}`, [], c);
      });
    }
    await this.query(`DROP ROLE IF EXISTS ${role}`);
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

/**
 * Connects to the server's `postgres` database as `target.user` (see {@link AdminConnector}).
 *
 * @example
 * ```ts
 * const admin = await connectAdmin(target, { timeoutMs: 30_000 });
 * ```
 */
export const connectAdmin: AdminConnector = async (target, options = {}) => {
  const pg = await loadPg();
  const client = await open(pg, target, "postgres", Date.now() + (options.timeoutMs ?? 30_000));
  return new RealAdmin(pg, client, target);
};

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Reads `extra-user-roles` (comma-separated). `superuser`, `createdb` and `createrole` become
 * role attributes; `admin` becomes CREATEDB with membership of `pg_read_all_data` and
 * `pg_write_all_data`; any other name is a role to be a member of. Returns an error text for a
 * name that is not a plain lowercase identifier.
 *
 * @example
 * ```ts
 * parseExtraUserRoles("createdb, pg_monitor"); // { attributes: ["CREATEDB"], memberOf: ["pg_monitor"] }
 * ```
 */
export function parseExtraUserRoles(value: string | undefined): ExtraRoles | { error: string } {
  const attributes = new Set<ExtraRoles["attributes"][number]>();
  const memberOf = new Set<string>();
  for (const raw of (value ?? "").split(",")) {
    const name = raw.trim().toLowerCase();
    if (name === "") continue;
    if (!ROLE_NAME.test(name))
      return { error: `extra-user-roles: ${JSON.stringify(raw.trim())} is not a role name` };
    if (name === "superuser") attributes.add("SUPERUSER");
    else if (name === "createdb") attributes.add("CREATEDB");
    else if (name === "createrole") attributes.add("CREATEROLE");
    else if (name === "admin") {
      attributes.add("CREATEDB");
      memberOf.add("pg_read_all_data");
      memberOf.add("pg_write_all_data");
    } else memberOf.add(name);
  }
  return { attributes: [...attributes].sort(), memberOf: [...memberOf].sort() };
}
