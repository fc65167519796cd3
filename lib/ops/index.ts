/**
 * The charm framework: everything a charm imports.
 *
 * @example
 * ```ts
 * import { ActiveStatus, CharmBase, type CharmContext, main } from "../../lib/ops/index.js";
 * class DemoCharm extends CharmBase {
 *   constructor(ctx: CharmContext) {
 *     super(ctx);
 *     this.observe(this.on.configChanged, () => { this.unit.status = new ActiveStatus(); });
 *   }
 * }
 * main(DemoCharm);
 * ```
 */
export * from "./errors.js";
export * from "./juju-context.js";
export * from "./metadata.js";
export * from "./charm.js";
export * from "./dispatch.js";
export * from "./log.js";
export type { ToolRunner, ToolResult } from "./backend/runner.js";
export { ExecToolRunner } from "./backend/exec-runner.js";
export { HookTools } from "./backend/hook-tools.js";
export * from "./framework/event.js";
export * from "./framework/juju-events.js";
export * from "./framework/charm-events.js";
export { Framework, type Handler, type Notice, NOTICES_KEY } from "./framework/framework.js";
export * from "./framework/stored-state.js";
export * from "./model/status.js";
export * from "./model/relation.js";
export * from "./model/secret.js";
export * from "./model/config.js";
export * from "./model/network.js";
export * from "./model/ports.js";
export * from "./model/storage.js";
export * from "./model/container.js";
export { Unit, Application } from "./model/unit.js";
export { Model } from "./model/model.js";
