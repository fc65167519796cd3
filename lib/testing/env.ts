/**
 * The hook environment of a test event, built by the same function the local model uses
 * (`lib/jujuc/env.ts`), so a unit test sees exactly the variables Juju sets.
 */
import type { HookContextData } from "../jujuc/context.js";
import { buildHookEnv } from "../jujuc/env.js";
import type { TestEvent } from "./events.js";
import { secretUniqueId } from "./state.js";

/** Where the hook tools of a run are reached (exec mode), or placeholders (in-process). */
export interface ToolsEndpoint {
  contextId: string;
  socketPath: string;
  toolsDir: string;
}

/**
 * Builds the `JUJU_*` environment of `event` for the unit in `hook`.
 *
 * @example
 * ```ts
 * eventEnv(ctx.on.install(), hook, "/charm").JUJU_DISPATCH_PATH; // "hooks/install"
 * ```
 */
export function eventEnv(
  event: TestEvent,
  hook: HookContextData,
  charmDir: string,
  tools: ToolsEndpoint = { contextId: `${hook.unitName}-test`, socketPath: "", toolsDir: "" },
): Record<string, string> {
  const name = event.dispatchPath.slice(event.dispatchPath.indexOf("/") + 1);
  return buildHookEnv({
    ...(event.action
      ? { action: { name: event.action.name, id: event.action.id } }
      : { hook: name }),
    unitName: hook.unitName,
    modelName: hook.modelName,
    modelUuid: hook.modelUuid,
    jujuVersion: hook.jujuVersion,
    contextId: tools.contextId,
    socketPath: tools.socketPath,
    charmDir,
    toolsDir: tools.toolsDir,
    ...(event.relation
      ? {
          relation: {
            endpoint: event.relation.endpoint,
            id: event.relation.id,
            remoteApp: hook.remoteApp ?? "",
            ...(event.remoteUnit ? { remoteUnit: event.remoteUnit } : {}),
            ...(event.departingUnit ? { departingUnit: event.departingUnit } : {}),
          },
        }
      : {}),
    ...(event.container
      ? {
          workload: {
            name: event.container.name,
            ...(event.notice ? { notice: event.notice } : {}),
            ...(event.checkName ? { checkName: event.checkName } : {}),
          },
        }
      : {}),
    ...(event.secret
      ? {
          secret: {
            // Juju names a secret of the unit's own model by its short URI.
            id: `secret:${secretUniqueId(event.secret.id)}`,
            ...(event.secret.label !== undefined ? { label: event.secret.label } : {}),
            ...(event.secretRevision !== undefined ? { revision: event.secretRevision } : {}),
          },
        }
      : {}),
    ...(event.storage
      ? {
          storage: {
            id: `${event.storage.name}/${event.storage.index}`,
            location: event.storage.location,
            kind: event.storage.kind,
          },
        }
      : {}),
  });
}
