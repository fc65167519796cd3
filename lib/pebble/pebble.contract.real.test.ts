/**
 * The Pebble contract suite against a real Pebble daemon (`pebble run --hold`, installed by
 * scripts/install-pebble.sh), on a temporary directory and Unix socket.
 */

import { join } from "node:path";
import { PebbleClient } from "./client.js";
import { registerPebbleContract } from "./contract/index.js";
import { startRealPebble } from "./testing/real-pebble.js";

registerPebbleContract("Pebble contract: real daemon", async () => {
  const real = await startRealPebble();
  return {
    kind: "real",
    pebble: real.client,
    scratch: real.scratchDir,
    handleExec: () => undefined, // the real command runs
    tick: () => new Promise((r) => setTimeout(r, 100)),
    unreachable: () =>
      new PebbleClient({ socketPath: join(real.pebbleDir, "missing", ".pebble.socket") }),
    cleanup: () => real.stop(),
  };
});
