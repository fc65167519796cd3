/**
 * The unit-test harness: run one event against a State, get the new State.
 *
 * @example
 * ```ts
 * import { Context, state, relation } from "../../lib/testing/index.js";
 * const ctx = new Context(MyCharm, { charmDir: "charms/openfga-k8s" });
 * const out = await ctx.run(ctx.on.install(), state());
 * ```
 */
export * from "./state.js";
export * from "./events.js";
export * from "./consistency.js";
export * from "./context.js";
