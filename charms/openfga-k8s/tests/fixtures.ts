/**
 * Test fixtures of the openfga-k8s charm: States for the in-memory harness (`lib/testing`), a
 * test subclass of the charm that talks to local stand-in servers, and small helpers.
 *
 * @example
 * ```ts
 * const out = await ctx.run(ctx.on.configChanged(), ready({ leader: true }));
 * ```
 */
import {
  Context,
  type ContainerState,
  type RelationState,
  type SecretState,
  type State,
  container,
  peerRelation,
  relation,
  secret,
  state,
} from "../../../lib/testing/index.js";
import type { KubernetesAccess } from "../src/k8s-resources.js";
import { OpenFgaCharm } from "../src/charm.js";
import type { StoreClientOptions } from "../src/stores.js";

/** The OpenFGA version the fake `openfga version` prints. */
export const VERSION = "1.22.1";
/** What `openfga version` prints (on standard error, mixed into the output), as v1.22.1 does. */
export const VERSION_OUTPUT = `2026/11/26 23:22:39 OpenFGA version \`v${VERSION}\` build from \`none\` on \`unknown\` \n`;
export const TOKEN = "Zm9vYmFyLXByZXNoYXJlZC1rZXktZm9yLXRlc3RzLTAxMjM0NQ";
export const DB_PASSWORD = "s3cr3t/p@ss";
export const DB_USER = "relation_id_4";
export const DB_RELATION_ID = 4;

/**
 * Where the test charm sends store and Kubernetes requests: set by each test to its local
 * stand-in server (never the real 127.0.0.1:8080 or the cluster).
 */
export const endpoints: { openfgaApi?: string; kubernetes?: KubernetesAccess } = {};

/** The charm, with its OpenFGA and Kubernetes API endpoints pointed at the tests' stand-ins. */
export class TestOpenFgaCharm extends OpenFgaCharm {
  protected override kubernetesAccess(): KubernetesAccess | undefined {
    return endpoints.kubernetes;
  }

  protected override storeClientOptions(options: StoreClientOptions): StoreClientOptions {
    return {
      ...options,
      // Never the real 127.0.0.1:8080: a test without a stand-in gets the discard port (refused).
      apiUrl: endpoints.openfgaApi ?? "http://127.0.0.1:9",
      backoff: { attempts: 4, initialMs: 5, maxMs: 20 },
    };
  }
}

export const ctx = new Context(TestOpenFgaCharm, { charmDir: "charms/openfga-k8s" });

/** The workload container, Pebble up, with `openfga version` and `openfga migrate` answering. */
export function workload(init: Partial<ContainerState> = {}): ContainerState {
  return container({
    name: "openfga",
    execs: [
      { commandPrefix: ["openfga", "version"], returnCode: 0, stdout: VERSION_OUTPUT, stderr: "" },
      { commandPrefix: ["openfga", "migrate"], returnCode: 0, stdout: "migrated\n", stderr: "" },
    ],
    ...init,
  });
}

/** The app-owned token secret, as the leader created it earlier. */
export const tokenSecret: SecretState = secret({
  id: "secret:d5tokensecret0000001",
  owner: "app",
  label: "token",
  trackedContent: { token: TOKEN },
});

/** PostgreSQL's user secret, granted to us. */
export const userSecret: SecretState = secret({
  id: "secret:d5pgusersecret000001",
  trackedContent: { username: DB_USER, password: DB_PASSWORD },
});

/** The database relation, answered by postgresql-k8s. */
export function databaseRelation(answered = true): RelationState {
  return relation({
    endpoint: "database",
    id: DB_RELATION_ID,
    remoteAppName: "postgresql-k8s",
    localAppData: {
      database: "openfga",
      "requested-secrets":
        '["username", "password", "tls", "tls-ca", "uris", "read-only-uris", "entity-name", "entity-password"]',
    },
    remoteAppData: answered
      ? {
          "secret-user": `secret://00000000-0000-4000-8000-000000000000/${userSecret.id.slice(7)}`,
          endpoints: "postgresql-k8s-primary.test-model.svc.cluster.local:5432",
          "read-only-endpoints": "postgresql-k8s-replicas.test-model.svc.cluster.local:5432",
          database: "openfga",
          version: "16.4",
        }
      : {},
  });
}

/** The peer relation, with the migration recorded for `migrated` (default: the current version). */
export function peers(migrated: string | null = VERSION): ReturnType<typeof peerRelation> {
  return peerRelation({
    endpoint: "peer",
    id: 2,
    localAppData: migrated ? { [`migration_version_${DB_RELATION_ID}`]: migrated } : {},
  });
}

/** An `openfga` requirer relation. */
export function requirer(
  storeName: string | undefined,
  init: Partial<RelationState> = {},
): RelationState {
  return relation({
    endpoint: "openfga",
    remoteAppName: "jimm",
    remoteAppData: storeName ? { store_name: storeName } : {},
    ...init,
  });
}

/**
 * A unit with everything in place: Pebble up, peers, a ready database migrated to the image's
 * version, the token secret. The workload has not been planned yet unless `container` says so.
 */
export function ready(init: Partial<State> & { extraRelations?: RelationState[] } = {}): State {
  const { extraRelations = [], ...rest } = init;
  return state({
    leader: true,
    containers: [workload()],
    relations: [databaseRelation(), peers(), ...extraRelations],
    secrets: [userSecret, tokenSecret],
    // Opened at install/start of a deployed unit.
    openedPorts: [
      { protocol: "tcp", port: 8080 },
      { protocol: "tcp", port: 8081 },
      { protocol: "tcp", port: 2112 },
    ],
    ...rest,
  });
}

/** The service's environment in a container after a run. */
export function planEnv(s: State): Record<string, string> {
  const c = s.containers.find((x) => x.name === "openfga")!;
  const layer = c.layers.openfga as
    { services?: Record<string, { environment?: Record<string, string> }> } | undefined;
  return layer?.services?.openfga?.environment ?? {};
}

/** The (re)start lines the charm logged in the last run. */
export function restarts(): string[] {
  // Relation hooks prefix log lines with the relation (`certificates:30: ...`).
  return ctx.logs
    .map((l) => l.message.replace(/^[a-z-]+:\d+: /, ""))
    .filter((m) => m.startsWith("OpenFGA (re)started"));
}

/** The relation of a State by id. */
export function rel(s: State, id: number): RelationState {
  return s.relations.find((r) => r.id === id) as RelationState;
}
