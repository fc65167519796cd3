/**
 * Every hook tool the emulation knows, by name (the names Juju's unit agent serves).
 *
 * @example
 * ```ts
 * HOOK_TOOLS.get("relation-get")?.info.purpose; // "Get relation settings."
 * ```
 */

import type { ToolDefinition } from "../internal/invocation.js";
import { actionFail, actionGet, actionLog, actionSet } from "./actions.js";
import { applicationVersionSet } from "./application-version-set.js";
import { configGet } from "./config.js";
import { credentialGet } from "./credential-get.js";
import { goalState } from "./goal-state.js";
import { isLeader, leaderGet, leaderSet } from "./leadership.js";
import { jujuLog } from "./log.js";
import { networkGet } from "./network.js";
import { closePort, openedPorts, openPort } from "./ports.js";
import {
  relationGet,
  relationIds,
  relationList,
  relationModelGet,
  relationSet,
} from "./relation.js";
import { resourceGet } from "./resources.js";
import { secretGet } from "./secret-get.js";
import { secretGrant, secretRevoke } from "./secret-grants.js";
import { secretAdd, secretIds, secretInfoGet, secretRemove, secretSet } from "./secrets.js";
import { stateDelete, stateGet, stateSet } from "./state.js";
import { statusGet, statusSet } from "./status.js";
import { storageAdd, storageGet, storageList } from "./storage.js";

const ALL: readonly ToolDefinition[] = [
  actionFail,
  actionGet,
  actionLog,
  actionSet,
  applicationVersionSet,
  closePort,
  configGet,
  credentialGet,
  goalState,
  isLeader,
  jujuLog,
  leaderGet,
  leaderSet,
  networkGet,
  openPort,
  openedPorts,
  relationGet,
  relationIds,
  relationList,
  relationModelGet,
  relationSet,
  resourceGet,
  secretAdd,
  secretGet,
  secretGrant,
  secretIds,
  secretInfoGet,
  secretRemove,
  secretRevoke,
  secretSet,
  stateDelete,
  stateGet,
  stateSet,
  statusGet,
  statusSet,
  storageAdd,
  storageGet,
  storageList,
];

/**
 * The hook tools by name.
 *
 * @example
 * ```ts
 * const purpose = HOOK_TOOLS.get("secret-get")?.info.purpose;
 * ```
 */
export const HOOK_TOOLS: ReadonlyMap<string, ToolDefinition> = new Map(
  ALL.map((t) => [t.info.name, t]),
);

/**
 * The names of all hook tools, sorted (one symlink each in a tools directory).
 *
 * @example
 * ```ts
 * for (const name of HOOK_TOOL_NAMES) symlinkSync(shim, join(toolsDir, name));
 * ```
 */
export const HOOK_TOOL_NAMES: readonly string[] = [...HOOK_TOOLS.keys()].sort();
