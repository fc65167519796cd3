/**
 * The Pebble contract suite against the in-memory Pebble: the same cases as the real daemon's
 * (lib/pebble/pebble.contract.real.test.ts).
 */

import { registerPebbleContract } from "../../pebble/contract/index.js";
import { InMemoryPebble } from "./in-memory-pebble.js";

registerPebbleContract("Pebble contract: in-memory", async () => {
  // A start must survive 100 ms here (Pebble waits 1 s), so that a start can be caught in
  // progress and aborted, as with the real daemon.
  const pebble = new InMemoryPebble({ startDelay: 100 });
  const scratch = "/tmp/contract-scratch";
  await pebble.makeDir(scratch, { makeParents: true });
  return {
    kind: "in-memory",
    pebble,
    scratch,
    handleExec: (prefix, handler) => pebble.handleExec(prefix, handler),
    tick: () => pebble.runChecks(),
    unreachable: () => {
      const gone = new InMemoryPebble({ socketPath: "/charm/containers/gone/pebble.socket" });
      gone.setConnected(false);
      return gone;
    },
    cleanup: async () => undefined,
  };
});
