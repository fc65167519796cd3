/**
 * Juju's hook tools, emulated: the hook context data they work on, the tools themselves (in
 * process with {@link runTool} or {@link InProcessToolRunner}), the hook environment
 * ({@link buildHookEnv}), and the pieces that make them real executables for the local model:
 * a Unix-socket tool server ({@link HookToolServer}) and a tools directory of links to the Go
 * shim ({@link makeToolsDir}).
 *
 * @example
 * ```ts
 * import { newHookContextData, runTool } from "../jujuc/index.js";
 * const ctx = newHookContextData({ unitName: "jimm/0", leader: true });
 * runTool(ctx, "status-set", ["active"]);
 * ```
 */

export type {
  ActionData,
  CloudSpecData,
  ConfigValue,
  Databag,
  HookContextData,
  ImmediateEffects,
  LogRecord,
  NetworkAddress,
  NetworkData,
  PortData,
  RelationData,
  RotatePolicy,
  SecretConsumerData,
  SecretData,
  SecretGrant,
  SecretOwner,
  StatusData,
  StatusName,
  StorageData,
} from "./context.js";
export { emptyImmediate, newHookContextData, newRelationData } from "./context.js";
export type { RunToolOptions } from "./run-tool.js";
export { runTool } from "./run-tool.js";
export type { InProcessToolRunnerOptions } from "./in-process-runner.js";
export { InProcessToolRunner } from "./in-process-runner.js";
export type { HookEnvOptions, HookKind, ProxySettings } from "./env.js";
export { buildHookEnv, DEFAULT_AGENT_PATH, hookKind, KUBERNETES_ENV_VARS } from "./env.js";
export type { HookToolRequest, HookToolResponse, RegisterOptions } from "./server.js";
export { HookToolServer, startHookToolServer } from "./server.js";
export { defaultShimPath, ensureJujucShim, makeToolsDir } from "./tools-dir.js";
export { HOOK_TOOL_NAMES, HOOK_TOOLS } from "./tools/index.js";
export { newXid, parseSecretUri } from "./internal/secret-uri.js";
export type { SecretUri } from "./internal/secret-uri.js";
