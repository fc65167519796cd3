/**
 * A workload container of a sidecar charm, driven through its Pebble.
 *
 * @example
 * ```ts
 * const container = this.unit.getContainer("openfga");
 * if (!(await container.canConnect())) return this.unit.status = new WaitingStatus("waiting for Pebble");
 * await container.pushText("/etc/openfga/config.yaml", rendered, { permissions: 0o600 });
 * const changed = await container.ensureLayer("openfga", layer); // replans only if the plan changes
 * ```
 */
import { ensureLayer } from "../../pebble/ensure-layer.js";
import type { Layer } from "../../pebble/layer.js";
import type { ExecOptions, ExecResult, Pebble, PushOptions } from "../../pebble/types.js";

/** Makes the Pebble client of a container (lazily, on first use). */
export type PebbleFactory = (container: string) => Pebble;

/** Where Juju mounts each container's Pebble socket in the charm container. */
export const CONTAINERS_DIR = "/charm/containers";

/** One workload container. */
export class Container {
  private client: Pebble | undefined;

  constructor(
    /** The container name from the metadata. */
    readonly name: string,
    private readonly connect: PebbleFactory,
  ) {}

  /** The Pebble client of this container. */
  get pebble(): Pebble {
    this.client ??= this.connect(this.name);
    return this.client;
  }

  /** Whether Pebble answers (`GET /v1/system-info`), as `ops`' `can_connect`. */
  async canConnect(): Promise<boolean> {
    try {
      await this.pebble.getSystemInfo();
      return true;
    } catch {
      return false;
    }
  }

  /** Writes a text file in the container. */
  async pushText(path: string, text: string, options?: PushOptions): Promise<void> {
    await this.pebble.push(path, text, options);
  }

  /** Reads a text file from the container. */
  async pullText(path: string): Promise<string> {
    return this.pebble.pullText(path);
  }

  /** Runs a command to completion; throws `ExecError` on a non-zero exit. */
  async exec(command: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    return this.pebble.exec(command, options);
  }

  /**
   * Adds (combines) the layer and replans, only when the layer would change the plan. Returns
   * whether it did: an unchanged plan never restarts the workload.
   */
  async ensureLayer(label: string, layer: Layer): Promise<boolean> {
    return ensureLayer(this.pebble, label, layer);
  }
}
