// With networking on (root only), every unit is a network namespace with its own address: hooks
// run inside it, network-get and the relation address keys give that address, a churned pod
// gets a fresh namespace, and destroying the controller removes every namespace it made.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cidrContains, parseCidr } from "../network/cidr.js";
import { listNamespaces } from "../network/ip.js";
import { buildTestCharm, hooksOf, lastSeq, tempDir, withController } from "./helpers.js";

const root = process.getuid?.() === 0;
let relay: string;
let cleanup: () => void;

beforeAll(async () => {
  const [tmp, remove] = tempDir();
  cleanup = remove;
  relay = await buildTestCharm("relay", tmp);
});
afterAll(() => cleanup?.());

describe.runIf(root)("networking", () => {
  it("runs hooks in each unit's namespace and cleans up", async () => {
    let prefix = "";
    await withController({ networking: true, deterministic: { seed: 61 } }, async (c) => {
      prefix = c.network!.prefix;
      await c.addModel("m");
      await c.deploy("m", { charmDir: relay, scale: 2 });
      expect((await c.settle({ timeoutMs: 90_000 })).errors).toEqual([]);
      const cidr = parseCidr(c.network!.podCidr);
      for (const name of ["relay/0", "relay/1"]) {
        const unit = c.state.models["m"]!.units[name]!;
        expect(cidrContains(cidr, unit.address)).toBe(true);
        const info = await c.runAction("m", name, "net-info");
        expect(info.results).toEqual({
          "eth0-address": unit.address,
          "bind-address": unit.address,
          "ingress-address": unit.address,
        });
      }
      const peer = c.showUnit("m", "relay/0")["relay/0"]?.["relation-info"][0];
      const address1 = c.state.models["m"]!.units["relay/1"]!.address;
      expect(peer?.["related-units"]?.["relay/1"]?.data).toEqual({
        "egress-subnets": `${address1}/32`,
        "ingress-address": address1,
        "private-address": address1,
      });
      const namespaces = (await listNamespaces()).filter((n) => n.startsWith(prefix));
      expect(namespaces).toHaveLength(2);

      const mark = lastSeq(c);
      await c.churn("m", "relay/1");
      expect((await c.settle({ timeoutMs: 90_000 })).errors).toEqual([]);
      expect(hooksOf(c, "m", "relay/1", mark).slice(0, 4)).toEqual([
        "stop",
        "upgrade-charm",
        "config-changed",
        "start",
      ]);
      const after = c.state.models["m"]!.units["relay/1"]!.address;
      const info = await c.runAction("m", "relay/1", "net-info");
      expect(info.results["eth0-address"]).toBe(after);
    });
    expect((await listNamespaces()).filter((n) => n.startsWith(prefix))).toEqual([]);
  }, 120_000);
});
