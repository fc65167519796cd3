/**
 * What the controller's operations work with: the engine, the state directory, a way to change
 * the model while no new hook starts (and to save it after), and charm metadata. Each operation
 * module (`models.ts`, `applications.ts`, …) takes this as its first argument.
 *
 * @example
 * ```ts
 * await deploy(ctx, "jaas", { charmDir: "build/demo" });
 * ```
 */
import type { CharmMeta } from "../../ops/metadata.js";
import type { Runtime } from "../runtime.js";

/** The context of a controller operation. */
export interface OpContext {
  readonly runtime: Runtime;
  readonly stateDir: string;
  /** Runs `fn` with new hooks held back, then saves the state and looks for work. */
  hold<T>(fn: () => Promise<T>): Promise<T>;
  meta(model: string, app: string): CharmMeta;
}

/**
 * Juju's application name rule (`names.IsValidApplication`).
 *
 * @example
 * ```ts
 * APP_NAME.test("openfga-k8s"); // true
 * ```
 */
export const APP_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*$/;
/**
 * Model names: lower-case letters, digits and hyphens.
 *
 * @example
 * ```ts
 * MODEL_NAME.test("Bad Model"); // false
 * ```
 */
export const MODEL_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
