/**
 * The hook environment of a test event, as Juju would set it (reference: Juju's `HookVars`).
 */
import type { HookContextData } from "../jujuc/context.js";
import type { TestEvent } from "./events.js";

/**
 * Builds the `JUJU_*` environment of `event` for the unit in `hook`.
 *
 * @example
 * ```ts
 * eventEnv(ctx.on.install(), hook, "/charm").JUJU_DISPATCH_PATH; // "hooks/install"
 * ```
 */
export function eventEnv(event: TestEvent, hook: HookContextData, charmDir: string): Record<string, string> {
  const isAction = event.dispatchPath.startsWith("actions/");
  const name = event.dispatchPath.slice(event.dispatchPath.indexOf("/") + 1);
  const env: Record<string, string> = {
    JUJU_CHARM_DIR: charmDir,
    CHARM_DIR: charmDir,
    JUJU_CONTEXT_ID: `${hook.unitName}-${name}-test`,
    JUJU_HOOK_NAME: isAction ? "" : name,
    JUJU_DISPATCH_PATH: event.dispatchPath,
    JUJU_UNIT_NAME: hook.unitName,
    JUJU_MODEL_NAME: hook.modelName,
    JUJU_MODEL_UUID: hook.modelUuid,
    JUJU_VERSION: hook.jujuVersion,
    JUJU_MACHINE_ID: "",
    JUJU_AVAILABILITY_ZONE: "",
  };
  if (event.relation) {
    env.JUJU_RELATION = event.relation.endpoint;
    env.JUJU_RELATION_ID = `${event.relation.endpoint}:${event.relation.id}`;
    env.JUJU_REMOTE_APP = hook.remoteApp ?? "";
    env.JUJU_REMOTE_UNIT = event.remoteUnit ?? "";
    if (event.departingUnit) env.JUJU_DEPARTING_UNIT = event.departingUnit;
  }
  if (event.container) env.JUJU_WORKLOAD_NAME = event.container.name;
  if (event.notice) {
    env.JUJU_NOTICE_ID = event.notice.id;
    env.JUJU_NOTICE_TYPE = event.notice.type;
    env.JUJU_NOTICE_KEY = event.notice.key;
  }
  if (event.checkName) env.JUJU_PEBBLE_CHECK_NAME = event.checkName;
  if (event.secret) {
    env.JUJU_SECRET_ID = event.secret.id;
    env.JUJU_SECRET_LABEL = event.secret.label ?? "";
    if (event.secretRevision !== undefined) env.JUJU_SECRET_REVISION = String(event.secretRevision);
  }
  if (event.storage) {
    env.JUJU_STORAGE_ID = `${event.storage.name}/${event.storage.index}`;
    env.JUJU_STORAGE_LOCATION = event.storage.location;
    env.JUJU_STORAGE_KIND = event.storage.kind;
  }
  if (event.action) {
    env.JUJU_ACTION_NAME = event.action.name;
    env.JUJU_ACTION_UUID = event.action.id;
    env.JUJU_ACTION_TAG = `action-${event.action.id}`;
  }
  return env;
}
