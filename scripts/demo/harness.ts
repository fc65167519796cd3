/**
 * The in-process walk-through (`bash scripts/demo.sh --harness`; no root needed): runs the demo
 * charm (examples/demo) with lib/testing through the hooks Juju sends when one unit is deployed,
 * then through a config change and an action, printing what the unit shows after each hook.
 */
import { Context, container, peerRelation, state } from "../../lib/testing/index.js";
import { DemoCharm } from "../../examples/demo/src/charm.js";

const ctx = new Context(DemoCharm, { charmDir: "examples/demo" });
const web = container({ name: "web" });
const peers = peerRelation({ endpoint: "replicas" });

let s = state({ leader: true, containers: [web], relations: [peers] });
const steps = [
  ctx.on.install(),
  ctx.on.relationCreated(peers),
  ctx.on.leaderElected(),
  ctx.on.configChanged(),
  ctx.on.start(),
  ctx.on.pebbleReady(web),
];
for (const event of steps) {
  s = await ctx.run(event, s);
  console.log(`${event.dispatchPath.padEnd(34)} ${s.unitStatus.status}: ${s.unitStatus.message}`);
}
s = await ctx.run(ctx.on.configChanged(), { ...s, config: { greeting: "bonjour" } });
console.log(
  `${"hooks/config-changed (greeting)".padEnd(34)} ${s.unitStatus.status}: ${s.unitStatus.message}`,
);
await ctx.run(ctx.on.action("greet", { name: "operator" }), s);
console.log(`${"actions/greet".padEnd(34)} ${JSON.stringify(ctx.actionResults)}`);
console.log(`services: ${JSON.stringify(s.containers[0]?.serviceStatuses)}`);
