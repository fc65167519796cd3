/**
 * A minimal hook environment for benchmarks and packer tests: `lib/jujuc`'s `buildHookEnv` (built
 * from scratch as Juju builds it) with fixed model, context and agent values, so that a caller
 * names only the charm, the unit, the hook and the tools.
 *
 * @example
 * ```ts
 * const env = hookEnv({ charmDir: built.dir, unit: "demo/0", hook: "config-changed", toolsDir: tools.dir });
 * spawnSync(built.dispatch, [], { cwd: built.dir, env });
 * ```
 */

import { buildHookEnv } from "../jujuc/env.js";

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
  const relation = options.relation;
  const colon = relation ? relation.id.indexOf(":") : -1;
  const env = buildHookEnv({
    hook: options.hook,
    unitName: options.unit,
    modelName: "bench",
    modelUuid: "00000000-0000-4000-8000-000000000000",
    jujuVersion: options.jujuVersion ?? "3.6.8",
    contextId: `${options.unit}-${options.hook}-1`,
    socketPath: "@fake-agent",
    apiAddresses: ["10.0.0.1:17070"],
    charmDir: options.charmDir,
    toolsDir: options.toolsDir,
    agentPath: options.systemPath ?? "/usr/sbin:/usr/bin:/sbin:/bin",
    ...(relation
      ? {
          relation: {
            endpoint: relation.id.slice(0, colon),
            id: Number(relation.id.slice(colon + 1)),
            remoteApp: relation.remoteApp,
            ...(relation.remoteUnit !== undefined ? { remoteUnit: relation.remoteUnit } : {}),
          },
        }
      : {}),
  });
  return { ...env, ...options.extra };
}
