/**
 * The Pebble contract suite: one set of test cases that a Pebble implementation must pass. The
 * real-daemon test file and the in-memory test file both call {@link registerPebbleContract}, so
 * the in-memory Pebble cannot drift from the real one.
 *
 * @example
 * ```ts
 * registerPebbleContract("real Pebble", async () => realTarget());
 * ```
 *
 * @module
 */

import { afterAll, beforeAll, describe } from "vitest";
import { checksContract } from "./checks.contract.js";
import { execContract } from "./exec.contract.js";
import { filesContract } from "./files.contract.js";
import { noticesContract } from "./notices.contract.js";
import { planContract } from "./plan.contract.js";
import { servicesContract } from "./services.contract.js";
import type { ContractFactory, ContractTarget } from "./target.js";

export type { ContractFactory, ContractTarget, TargetRef } from "./target.js";
export { rejection, unique, until, untilSignalled } from "./target.js";

/**
 * Registers the whole contract suite under `name`, creating the target once for the file and
 * always cleaning it up.
 *
 * @example
 * ```ts
 * registerPebbleContract("in-memory Pebble", async () => inMemoryTarget());
 * ```
 */
export function registerPebbleContract(name: string, factory: ContractFactory): void {
  describe(name, () => {
    let current: ContractTarget | undefined;
    beforeAll(async () => {
      current = await factory();
    });
    afterAll(async () => {
      await current?.cleanup();
    });
    const ref = (): ContractTarget => {
      if (!current) throw new Error("the contract target was not created");
      return current;
    };
    planContract(ref);
    servicesContract(ref);
    checksContract(ref);
    execContract(ref);
    filesContract(ref);
    noticesContract(ref);
  });
}
