/**
 * What the OpenFGA workload looks like when rendered: the environment of `openfga run`, the
 * Pebble layer (service and health checks), the TLS files and the ports. Pure functions of the
 * charm's inputs, so that the charm can compare the desired workload with what runs and change
 * it (and restart OpenFGA) only when something differs.
 *
 * @example
 * ```ts
 * const layer = openfgaLayer({ logLevel: "info", token, database, tls: false });
 * await container.ensureLayer(LAYER_LABEL, layer); // replans only when the plan changes
 * ```
 */
import type { Layer } from "../../../lib/pebble/layer.js";
import type { LogLevel } from "./config.js";

/** The workload container, its service and the label of the charm's layer. */
export const CONTAINER = "openfga";
/** The Pebble service running `openfga run`. */
export const SERVICE = "openfga";
/** The label of the layer the charm owns. */
export const LAYER_LABEL = "openfga";

/** OpenFGA's HTTP API port. */
export const HTTP_PORT = 8080;
/** OpenFGA's gRPC API port. */
export const GRPC_PORT = 8081;
/** OpenFGA's Prometheus metrics port (plain HTTP, `/metrics`). */
export const METRICS_PORT = 2112;

/**
 * Where the TLS material goes in the container (the certificate and key paths are the Python
 * charm's). The CA gets its own file: the system bundle keeps the public roots (see
 * {@link withCaInBundle}).
 *
 * @example
 * ```ts
 * await container.pushText(TLS_PATHS.key, key, { permissions: 0o600 });
 * ```
 */
export const TLS_PATHS = {
  cert: "/usr/local/share/ca-certificates/server.crt",
  key: "/etc/ssl/private/server.key",
  ca: "/usr/local/share/ca-certificates/openfga-ca.crt",
  bundle: "/etc/ssl/certs/ca-certificates.crt",
} as const;

/**
 * The database connection the workload needs. Holds the password: never log it.
 *
 * @example
 * ```ts
 * const db: DatabaseInputs = { username: "u", password: "p", endpoint: "pg:5432", database: "openfga" };
 * ```
 */
export interface DatabaseInputs {
  username: string;
  password: string;
  /** The primary, `host:port`. */
  endpoint: string;
  /** A read-only endpoint, when the provider gives one. */
  readOnlyEndpoint?: string;
  database: string;
}

/**
 * Everything the workload's configuration is made of. Holds secrets: never log it.
 *
 * @example
 * ```ts
 * const inputs: WorkloadInputs = { logLevel: "info", token, database, tls: true, tracingEndpoint: "tempo:4317" };
 * ```
 */
export interface WorkloadInputs {
  logLevel: LogLevel;
  /** The preshared API key. */
  token: string;
  database: DatabaseInputs;
  /** Serve HTTP and gRPC over TLS (the certificate files are in place). */
  tls: boolean;
  /** The OTLP gRPC receiver, `host:port`; tracing is off without it. */
  tracingEndpoint?: string;
}

/**
 * The PostgreSQL URI OpenFGA connects with; user and password are percent-encoded, so that a
 * password with `@` or `/` cannot break the URI.
 *
 * @example
 * ```ts
 * datastoreUri({ username: "relation_id_7", password: "p@ss", endpoint: "pg:5432", database: "openfga" });
 * // "postgres://relation_id_7:p%40ss@pg:5432/openfga"
 * ```
 */
export function datastoreUri(db: DatabaseInputs, endpoint = db.endpoint): string {
  const user = encodeURIComponent(db.username);
  const password = encodeURIComponent(db.password);
  return `postgres://${user}:${password}@${endpoint}/${encodeURIComponent(db.database)}`;
}

/**
 * The environment of the migration (`openfga migrate`): the datastore settings only. It goes
 * through Pebble's exec API, never the command line, since it holds the password.
 *
 * @example
 * ```ts
 * await container.exec(["openfga", "migrate"], { environment: migrationEnvironment(db) });
 * ```
 */
export function migrationEnvironment(db: DatabaseInputs): Record<string, string> {
  return { OPENFGA_DATASTORE_ENGINE: "postgres", OPENFGA_DATASTORE_URI: datastoreUri(db) };
}

/** Strips a scheme (`http://host:4317` gives `host:4317`): OpenFGA wants `host:port`. */
function hostPort(endpoint: string): string {
  return endpoint.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/\/+$/, "");
}

/**
 * The environment of `openfga run`. The preshared key and the datastore password reach OpenFGA
 * here, as in the Python charm: Pebble keeps a service's environment out of its command line.
 *
 * @example
 * ```ts
 * workloadEnvironment(inputs).OPENFGA_LOG_LEVEL; // "info"
 * ```
 */
export function workloadEnvironment(inputs: WorkloadInputs): Record<string, string> {
  const env: Record<string, string> = {
    OPENFGA_PLAYGROUND_ENABLED: "false",
    OPENFGA_DATASTORE_ENGINE: "postgres",
    OPENFGA_DATASTORE_URI: datastoreUri(inputs.database),
    OPENFGA_METRICS_ENABLED: "true",
    OPENFGA_DATASTORE_METRICS_ENABLED: "true",
    OPENFGA_METRICS_ENABLE_RPC_HISTOGRAMS: "true",
    OPENFGA_LOG_FORMAT: "json",
    OPENFGA_LOG_LEVEL: inputs.logLevel,
    OPENFGA_AUTHN_METHOD: "preshared",
    OPENFGA_AUTHN_PRESHARED_KEYS: inputs.token,
    OPENFGA_HTTP_TLS_ENABLED: String(inputs.tls),
    OPENFGA_GRPC_TLS_ENABLED: String(inputs.tls),
  };
  if (inputs.database.readOnlyEndpoint) {
    env.OPENFGA_DATASTORE_SECONDARY_URI = datastoreUri(
      inputs.database,
      inputs.database.readOnlyEndpoint,
    );
  }
  if (inputs.tls) {
    env.OPENFGA_HTTP_TLS_CERT = TLS_PATHS.cert;
    env.OPENFGA_HTTP_TLS_KEY = TLS_PATHS.key;
    env.OPENFGA_GRPC_TLS_CERT = TLS_PATHS.cert;
    env.OPENFGA_GRPC_TLS_KEY = TLS_PATHS.key;
  }
  if (inputs.tracingEndpoint) {
    env.OPENFGA_TRACE_ENABLED = "true";
    env.OPENFGA_TRACE_OTLP_ENDPOINT = hostPort(inputs.tracingEndpoint);
    env.OPENFGA_TRACE_SAMPLE_RATIO = "0.3";
  }
  return env;
}

/**
 * The charm's Pebble layer: the `openfga` service and its two health checks (HTTP `/healthz`,
 * and the gRPC health probe as an `alive` check).
 *
 * @example
 * ```ts
 * openfgaLayer(inputs).services!.openfga!.command; // "openfga run"
 * ```
 */
export function openfgaLayer(inputs: WorkloadInputs): Layer {
  const scheme = inputs.tls ? "https" : "http";
  const probe = [`grpc_health_probe -addr 127.0.0.1:${GRPC_PORT}`];
  if (inputs.tls) probe.push(`-tls -tls-ca-cert ${TLS_PATHS.ca}`);
  return {
    summary: "OpenFGA",
    description: "The OpenFGA authorization server, configured by the openfga-k8s charm.",
    services: {
      [SERVICE]: {
        override: "replace",
        summary: "OpenFGA server",
        command: "openfga run",
        startup: "enabled",
        environment: workloadEnvironment(inputs),
      },
    },
    checks: {
      "http-check": {
        override: "replace",
        period: "1m",
        http: { url: `${scheme}://127.0.0.1:${HTTP_PORT}/healthz` },
      },
      "grpc-check": {
        override: "replace",
        level: "alive",
        period: "1m",
        exec: { command: probe.join(" ") },
      },
    },
  };
}

/**
 * The TLS files the workload serves with.
 *
 * @example
 * ```ts
 * const files: TlsFiles = { cert: leafAndChain, key: privateKey, ca: caPem };
 * ```
 */
export interface TlsFiles {
  /** The certificate, followed by the rest of its chain. */
  cert: string;
  key: string;
  ca: string;
}

const BUNDLE_BEGIN = "# BEGIN openfga-k8s CA (managed by the charm)";
const BUNDLE_END = "# END openfga-k8s CA";

/**
 * The system CA bundle with our CA appended in a marked block (replacing an earlier block), or
 * without the block when `ca` is undefined. Pebble's HTTPS health check verifies OpenFGA's
 * certificate against the system roots, so our CA must be among them; unlike the Python charm,
 * which overwrote the bundle with the CA, the public roots stay (outbound TLS keeps working).
 *
 * @example
 * ```ts
 * withCaInBundle(bundle, caPem);     // bundle + marked CA block
 * withCaInBundle(bundle, undefined); // bundle without it
 * ```
 */
export function withCaInBundle(bundle: string, ca: string | undefined): string {
  const start = bundle.indexOf(BUNDLE_BEGIN);
  const end = bundle.indexOf(BUNDLE_END);
  let base = bundle;
  if (start >= 0 && end > start) {
    base = bundle.slice(0, start) + bundle.slice(end + BUNDLE_END.length).replace(/^\n/, "");
  }
  if (ca === undefined) return base;
  const sep = base === "" || base.endsWith("\n") ? "" : "\n";
  return `${base}${sep}${BUNDLE_BEGIN}\n${ca.trim()}\n${BUNDLE_END}\n`;
}

/**
 * The version in `openfga version` output (`v1.8.4` in `... version: v1.8.4 ...`), without the
 * `v`; undefined when there is none.
 *
 * @example
 * ```ts
 * parseVersion("OpenFGA version `v1.8.4` build from `abc` on `2024-01-01`"); // "1.8.4"
 * ```
 */
export function parseVersion(output: string): string | undefined {
  return /\bv(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\b/.exec(output)?.[1];
}
