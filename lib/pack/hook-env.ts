/**
 * A minimal hook environment, built from scratch as Juju builds it (Juju does not pass the
 * agent's own environment to a hook): the `JUJU_*` variables of one hook, and `PATH` with the
 * hook-tool directory first.
 *
 * @example
 * ```ts
 * const env = hookEnv({ charmDir: built.dir, unit: "demo/0", hook: "config-changed", toolsDir: tools.dir });
 * spawnSync(built.dispatch, [], { cwd: built.dir, env });
 * ```
 */

/** Options of {@link hookEnv}. */
export interface HookEnvOptions {
  /** The charm directory (also the working directory Juju gives the hook). */
  charmDir: string;
  /** This unit, e.g. `demo/0`. */
  unit: string;
  /** The hook, e.g. `config-changed` or `website-relation-changed`. */
  hook: string;
  /** The directory of the hook tools, put first on `PATH`. */
  toolsDir: string;
  /** For relation hooks: the relation (`<endpoint>:<id>`), remote app and remote unit. */
  relation?: { id: string; remoteApp: string; remoteUnit?: string };
  /** Juju's version (default `3.6.8`). */
  jujuVersion?: string;
  /** The system part of `PATH` (default `/usr/sbin:/usr/bin:/sbin:/bin`). */
  systemPath?: string;
  /** More variables, added last. */
  extra?: Record<string, string>;
}

/**
 * The environment of one hook.
 *
 * @example
 * ```ts
 * hookEnv({ charmDir: "/c", unit: "a/0", hook: "install", toolsDir: "/t" }).JUJU_DISPATCH_PATH; // "hooks/install"
 * ```
 */
export function hookEnv(options: HookEnvOptions): Record<string, string> {
  const env: Record<string, string> = {
    PATH: `${options.toolsDir}:${options.systemPath ?? "/usr/sbin:/usr/bin:/sbin:/bin"}`,
    LANG: "C.UTF-8",
    JUJU_CHARM_DIR: options.charmDir,
    CHARM_DIR: options.charmDir,
    JUJU_CONTEXT_ID: `${options.unit}-${options.hook}-1`,
    JUJU_HOOK_NAME: options.hook,
    JUJU_DISPATCH_PATH: `hooks/${options.hook}`,
    JUJU_UNIT_NAME: options.unit,
    JUJU_MODEL_NAME: "bench",
    JUJU_MODEL_UUID: "00000000-0000-4000-8000-000000000000",
    JUJU_VERSION: options.jujuVersion ?? "3.6.8",
    JUJU_AGENT_SOCKET_ADDRESS: "@fake-agent",
    JUJU_AGENT_SOCKET_NETWORK: "unix",
    JUJU_API_ADDRESSES: "10.0.0.1:17070",
    JUJU_MACHINE_ID: "",
    JUJU_AVAILABILITY_ZONE: "",
    JUJU_CHARM_HTTP_PROXY: "",
    JUJU_CHARM_HTTPS_PROXY: "",
    JUJU_CHARM_FTP_PROXY: "",
    JUJU_CHARM_NO_PROXY: "",
  };
  if (options.relation) {
    env.JUJU_RELATION = options.relation.id.slice(0, options.relation.id.indexOf(":"));
    env.JUJU_RELATION_ID = options.relation.id;
    env.JUJU_REMOTE_APP = options.relation.remoteApp;
    env.JUJU_REMOTE_UNIT = options.relation.remoteUnit ?? "";
  }
  return { ...env, ...options.extra };
}
