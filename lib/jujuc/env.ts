/**
 * The environment of a hook or action process, built from scratch as Juju's unit agent does
 * (`HookVars` plus the Ubuntu variables): nothing is inherited from the agent except `PATH`
 * (after the tools directory) and the Kubernetes service variables.
 *
 * - Every hook and action: `CHARM_DIR`, `JUJU_CHARM_DIR`, `JUJU_CONTEXT_ID`, `JUJU_HOOK_NAME`
 *   (empty for actions), `JUJU_AGENT_SOCKET_ADDRESS`/`_NETWORK`, `JUJU_UNIT_NAME`,
 *   `JUJU_MODEL_UUID`, `JUJU_MODEL_NAME`, `JUJU_API_ADDRESSES`, `JUJU_MACHINE_ID`,
 *   `JUJU_PRINCIPAL_UNIT`, `JUJU_AVAILABILITY_ZONE`, `JUJU_VERSION`, `CLOUD_API_VERSION`,
 *   `JUJU_CHARM_{HTTP,HTTPS,FTP,NO}_PROXY` (even when empty), `JUJU_DISPATCH_PATH`, and
 *   `APT_LISTCHANGES_FRONTEND=none`, `DEBIAN_FRONTEND=noninteractive`, `LANG=C.UTF-8`,
 *   `TERM=tmux-256color`, `PATH=<tools dir>:<agent PATH>`.
 * - Relation hooks: `JUJU_RELATION`, `JUJU_RELATION_ID` (`<endpoint>:<id>`), `JUJU_REMOTE_UNIT`
 *   (always present, empty for `-created`, `-broken` and app-level `-changed`),
 *   `JUJU_REMOTE_APP`; `-departed` adds `JUJU_DEPARTING_UNIT`.
 * - Actions: `JUJU_ACTION_NAME`, `JUJU_ACTION_UUID`, `JUJU_ACTION_TAG` (`action-<id>`).
 * - Workload hooks: `JUJU_WORKLOAD_NAME`; notices add `JUJU_NOTICE_ID`/`_TYPE`/`_KEY`; checks add
 *   `JUJU_PEBBLE_CHECK_NAME`.
 * - Secret hooks: `JUJU_SECRET_ID`, `JUJU_SECRET_LABEL`, and `JUJU_SECRET_REVISION` when > 0.
 * - Storage hooks: `JUJU_STORAGE_ID`, `JUJU_STORAGE_LOCATION`, `JUJU_STORAGE_KIND`.
 *
 * @example
 * ```ts
 * const env = buildHookEnv({
 *   hook: "db-relation-joined",
 *   unitName: "jimm/0", modelName: "jaas", modelUuid, jujuVersion: "3.6.8",
 *   contextId: "jimm/0-db-relation-joined-1", socketPath: "/run/jujuc.sock",
 *   charmDir: "/var/lib/juju/agents/unit-jimm-0/charm", toolsDir: "/var/lib/juju/tools/unit-jimm-0",
 *   relation: { endpoint: "db", id: 3, remoteApp: "postgresql", remoteUnit: "postgresql/0" },
 * });
 * env.JUJU_DISPATCH_PATH; // "hooks/db-relation-joined"
 * ```
 */

/**
 * Proxy settings (model config `juju-*-proxy`, or the legacy `*-proxy` ones).
 *
 * @example
 * ```ts
 * buildHookEnv({ ...options, jujuProxy: { http: "http://proxy:3128", noProxy: "10.0.0.0/8" } });
 * ```
 */
export interface ProxySettings {
  http?: string;
  https?: string;
  ftp?: string;
  noProxy?: string;
}

/**
 * What the hook is about; exactly one of `hook` and `action` is given.
 *
 * @example
 * ```ts
 * const options: HookEnvOptions = { hook: "install", unitName: "a/0", modelName: "m", modelUuid,
 *   jujuVersion: "3.6.8", contextId: "a/0-install-1", socketPath, charmDir, toolsDir };
 * ```
 */
export interface HookEnvOptions {
  /** The hook name (`install`, `db-relation-changed`, `web-pebble-ready`, ...). */
  hook?: string;
  /** The action, for an action run (`JUJU_HOOK_NAME` is then empty). */
  action?: { name: string; id: string };

  unitName: string;
  modelName: string;
  modelUuid: string;
  jujuVersion: string;
  /** `JUJU_CONTEXT_ID`: what the hook tools send to the tool server. */
  contextId: string;
  /** `JUJU_AGENT_SOCKET_ADDRESS`: the tool server's socket. */
  socketPath: string;
  /** `JUJU_AGENT_SOCKET_NETWORK` (default `unix`). */
  socketNetwork?: string;
  /** The charm directory (`JUJU_CHARM_DIR`, `CHARM_DIR`). */
  charmDir: string;
  /** The directory of hook tool links, put first in `PATH`. */
  toolsDir: string;
  /** The agent's own `PATH`, after the tools directory (default: the usual system directories). */
  agentPath?: string;

  apiAddresses?: readonly string[];
  /** Empty on Kubernetes. */
  machineId?: string;
  /** Set for subordinate units only. */
  principalUnit?: string;
  availabilityZone?: string;
  cloudApiVersion?: string;
  /** Model config `juju-http-proxy` etc. (`JUJU_CHARM_*_PROXY`). */
  jujuProxy?: ProxySettings;
  /** Legacy proxy settings, exported as `http_proxy`/`HTTP_PROXY` etc. when set. */
  legacyProxy?: ProxySettings;
  /** The agent's `KUBERNETES_*` service variables, passed through when present. */
  kubernetesEnv?: Readonly<Record<string, string>>;
  /** Set only while the agent traces the hook. */
  trace?: { traceId: string; spanId: string; flags: string };

  /** For relation hooks. `remoteUnit` is empty or absent for `-created`, `-broken`, app `-changed`. */
  relation?: {
    endpoint: string;
    id: number;
    remoteApp: string;
    remoteUnit?: string;
    departingUnit?: string;
  };
  /** For workload (Pebble) hooks. */
  workload?: {
    name: string;
    notice?: { id: string; type: string; key: string };
    checkName?: string;
  };
  /** For secret hooks; `revision` is exported only when > 0. */
  secret?: { id: string; label?: string; revision?: number };
  /** For storage hooks. */
  storage?: { id: string; location: string; kind: "block" | "filesystem" };
}

/**
 * The system `PATH` of an Ubuntu charm container, used when no agent `PATH` is given.
 *
 * @example
 * ```ts
 * buildHookEnv({ ...options, agentPath: DEFAULT_AGENT_PATH + ":/charm/bin" });
 * ```
 */
export const DEFAULT_AGENT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * Juju's list of agent variables passed through to hooks (`ContextAllowedEnvVars`).
 *
 * @example
 * ```ts
 * const kubernetesEnv = Object.fromEntries(KUBERNETES_ENV_VARS.flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])));
 * ```
 */
export const KUBERNETES_ENV_VARS: readonly string[] = [
  "KUBERNETES_PORT",
  "KUBERNETES_PORT_443_TCP",
  "KUBERNETES_PORT_443_TCP_ADDR",
  "KUBERNETES_PORT_443_TCP_PORT",
  "KUBERNETES_PORT_443_TCP_PROTO",
  "KUBERNETES_SERVICE",
  "KUBERNETES_SERVICE_HOST",
  "KUBERNETES_SERVICE_PORT",
  "KUBERNETES_SERVICE_PORT_HTTPS",
];

function legacyProxyVars(proxy: ProxySettings | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  const pairs: [string, string | undefined][] = [
    ["http_proxy", proxy?.http],
    ["https_proxy", proxy?.https],
    ["ftp_proxy", proxy?.ftp],
    ["no_proxy", proxy?.noProxy],
  ];
  for (const [name, value] of pairs) {
    if (value === undefined || value === "") continue;
    env[name] = value;
    env[name.toUpperCase()] = value;
  }
  return env;
}

/**
 * The kinds of hook whose environment differs.
 *
 * @example
 * ```ts
 * const kind: HookKind = hookKind("db-relation-changed"); // "relation"
 * ```
 */
export type HookKind = "unit" | "relation" | "workload" | "secret" | "storage" | "action";

/**
 * The kind of a hook, from its name (Juju's hook names, `internal/charm/hooks`).
 *
 * @example
 * ```ts
 * hookKind("db-relation-departed"); // "relation"
 * hookKind("web-pebble-custom-notice"); // "workload"
 * ```
 */
export function hookKind(hook: string): Exclude<HookKind, "action"> {
  if (/-relation-(created|joined|changed|departed|broken)$/.test(hook)) return "relation";
  if (/-storage-(attached|detaching)$/.test(hook)) return "storage";
  if (/-pebble-(ready|custom-notice|check-failed|check-recovered)$/.test(hook)) return "workload";
  if (/^secret-(changed|rotate|expired|remove)$/.test(hook)) return "secret";
  return "unit";
}

/** Refuses options that do not fit the hook: what Juju would export depends on them. */
function checkKind(options: HookEnvOptions): void {
  const kind: HookKind = options.action !== undefined ? "action" : hookKind(options.hook ?? "");
  const hook = options.hook ?? "";
  const need = (ok: boolean, what: string): void => {
    if (!ok)
      throw new Error(
        `buildHookEnv: ${what} (hook ${JSON.stringify(hook || options.action?.name)})`,
      );
  };
  need(
    (options.relation !== undefined) === (kind === "relation"),
    "`relation` is required for, and only for, relation hooks",
  );
  need(
    (options.workload !== undefined) === (kind === "workload"),
    "`workload` is required for, and only for, workload hooks",
  );
  need(
    (options.secret !== undefined) === (kind === "secret"),
    "`secret` is required for, and only for, secret hooks",
  );
  need(
    (options.storage !== undefined) === (kind === "storage"),
    "`storage` is required for, and only for, storage hooks",
  );
  if (kind === "relation") {
    need(
      hook.endsWith("-relation-departed") === Boolean(options.relation?.departingUnit),
      "`relation.departingUnit` is required for, and only for, -relation-departed",
    );
  }
  if (kind === "workload") {
    need(
      hook.endsWith("-pebble-custom-notice") === (options.workload?.notice !== undefined),
      "`workload.notice` is required for, and only for, -pebble-custom-notice",
    );
    need(
      /-pebble-check-(failed|recovered)$/.test(hook) === Boolean(options.workload?.checkName),
      "`workload.checkName` is required for, and only for, -pebble-check-failed/-recovered",
    );
  }
}

/**
 * Builds the environment of one hook or action process (see the module documentation). Throws
 * when the options do not fit the hook's kind (e.g. a relation hook without `relation`).
 *
 * @example
 * ```ts
 * spawn("./dispatch", [], { cwd: charmDir, env: buildHookEnv({ ...options, action: { name: "backup", id: "3" } }) });
 * ```
 */
export function buildHookEnv(options: HookEnvOptions): Record<string, string> {
  const { hook, action } = options;
  if ((hook === undefined) === (action === undefined)) {
    throw new Error("buildHookEnv: give exactly one of `hook` and `action`");
  }
  checkKind(options);
  const env: Record<string, string> = {
    ...legacyProxyVars(options.legacyProxy),
  };
  for (const name of KUBERNETES_ENV_VARS) {
    const value = options.kubernetesEnv?.[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, {
    CHARM_DIR: options.charmDir,
    JUJU_CHARM_DIR: options.charmDir,
    JUJU_CONTEXT_ID: options.contextId,
    JUJU_HOOK_NAME: hook ?? "",
    JUJU_AGENT_SOCKET_ADDRESS: options.socketPath,
    JUJU_AGENT_SOCKET_NETWORK: options.socketNetwork ?? "unix",
    JUJU_UNIT_NAME: options.unitName,
    JUJU_MODEL_UUID: options.modelUuid,
    JUJU_MODEL_NAME: options.modelName,
    JUJU_API_ADDRESSES: (options.apiAddresses ?? []).join(" "),
    JUJU_MACHINE_ID: options.machineId ?? "",
    JUJU_PRINCIPAL_UNIT: options.principalUnit ?? "",
    JUJU_AVAILABILITY_ZONE: options.availabilityZone ?? "",
    JUJU_VERSION: options.jujuVersion,
    CLOUD_API_VERSION: options.cloudApiVersion ?? "",
    JUJU_CHARM_HTTP_PROXY: options.jujuProxy?.http ?? "",
    JUJU_CHARM_HTTPS_PROXY: options.jujuProxy?.https ?? "",
    JUJU_CHARM_FTP_PROXY: options.jujuProxy?.ftp ?? "",
    JUJU_CHARM_NO_PROXY: options.jujuProxy?.noProxy ?? "",
  });
  if (options.trace !== undefined) {
    env["JUJU_TRACE_ID"] = options.trace.traceId;
    env["JUJU_SPAN_ID"] = options.trace.spanId;
    env["JUJU_TRACE_FLAGS"] = options.trace.flags;
  }
  const relation = options.relation;
  if (relation !== undefined) {
    env["JUJU_RELATION"] = relation.endpoint;
    env["JUJU_RELATION_ID"] = `${relation.endpoint}:${relation.id}`;
    env["JUJU_REMOTE_UNIT"] = relation.remoteUnit ?? "";
    env["JUJU_REMOTE_APP"] = relation.remoteApp;
    if (relation.departingUnit) env["JUJU_DEPARTING_UNIT"] = relation.departingUnit;
  }
  if (action !== undefined) {
    env["JUJU_ACTION_NAME"] = action.name;
    env["JUJU_ACTION_UUID"] = action.id;
    env["JUJU_ACTION_TAG"] = `action-${action.id}`;
  }
  const workload = options.workload;
  if (workload !== undefined) {
    env["JUJU_WORKLOAD_NAME"] = workload.name;
    if (workload.notice !== undefined) {
      env["JUJU_NOTICE_ID"] = workload.notice.id;
      env["JUJU_NOTICE_TYPE"] = workload.notice.type;
      env["JUJU_NOTICE_KEY"] = workload.notice.key;
    }
    if (workload.checkName) env["JUJU_PEBBLE_CHECK_NAME"] = workload.checkName;
  }
  const secret = options.secret;
  if (secret !== undefined) {
    env["JUJU_SECRET_ID"] = secret.id;
    env["JUJU_SECRET_LABEL"] = secret.label ?? "";
    if (secret.revision !== undefined && secret.revision > 0) {
      env["JUJU_SECRET_REVISION"] = String(secret.revision);
    }
  }
  const storage = options.storage;
  if (storage !== undefined) {
    env["JUJU_STORAGE_ID"] = storage.id;
    env["JUJU_STORAGE_LOCATION"] = storage.location;
    env["JUJU_STORAGE_KIND"] = storage.kind;
  }
  Object.assign(env, {
    APT_LISTCHANGES_FRONTEND: "none",
    DEBIAN_FRONTEND: "noninteractive",
    LANG: "C.UTF-8",
    TERM: "tmux-256color",
    PATH: `${options.toolsDir}:${options.agentPath ?? DEFAULT_AGENT_PATH}`,
  });
  env["JUJU_DISPATCH_PATH"] =
    action !== undefined ? `actions/${action.name}` : `hooks/${hook ?? ""}`;
  return env;
}
