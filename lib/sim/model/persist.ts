/**
 * Saves the controller's state to one JSON file and loads it back, so a controller survives a
 * restart. Writes go to a temporary file renamed over the old one, so a crash mid-write leaves
 * the previous state intact.
 *
 * Format: `{"format":"jaas-sim-controller","version":1,"state":<ControllerState>}`.
 *
 * @example
 * ```ts
 * saveState("/var/lib/sim/controller.json", state);
 * const again = loadState("/var/lib/sim/controller.json");
 * ```
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { STATE_VERSION, type ControllerState } from "./types.js";

const FORMAT = "jaas-sim-controller";

interface Envelope {
  format: typeof FORMAT;
  version: number;
  state: ControllerState;
}

/**
 * Writes `state` to `path` atomically.
 *
 * @example
 * ```ts
 * saveState(join(stateDir, "controller.json"), controller.state);
 * ```
 */
export function saveState(path: string, state: ControllerState): void {
  const envelope: Envelope = { format: FORMAT, version: STATE_VERSION, state };
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(envelope, null, 1) + "\n", { mode: 0o600 });
  renameSync(tmp, path);
}

/**
 * Reads the state saved at `path`, or `undefined` when there is none. Throws on a file that is
 * not a saved controller or was written by another format version.
 *
 * @example
 * ```ts
 * const state = loadState(join(stateDir, "controller.json")) ?? emptyControllerState("sim", uuid);
 * ```
 */
export function loadState(path: string): ControllerState | undefined {
  if (!existsSync(path)) return undefined;
  const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
  const envelope = parsed as Partial<Envelope>;
  if (typeof parsed !== "object" || parsed === null || envelope.format !== FORMAT) {
    throw new Error(`${path} is not a saved local controller`);
  }
  if (envelope.version !== STATE_VERSION) {
    throw new Error(
      `${path} was saved in format version ${String(envelope.version)}; this controller reads version ${STATE_VERSION}`,
    );
  }
  return envelope.state as ControllerState;
}
