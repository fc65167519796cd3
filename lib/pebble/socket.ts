/**
 * Where the Pebble socket is.
 *
 * @module
 */

import { join } from "node:path";

/** Pebble's default directory when `$PEBBLE` is not set. */
export const DEFAULT_PEBBLE_DIR = "/var/lib/pebble/default";

/**
 * Resolves the socket path as Pebble's own CLI does: `$PEBBLE_SOCKET`, else
 * `$PEBBLE/.pebble.socket`, else `/var/lib/pebble/default/.pebble.socket`.
 *
 * @example
 * ```ts
 * const client = new PebbleClient({ socketPath: resolveSocketPath() });
 * ```
 */
export function resolveSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PEBBLE_SOCKET) return env.PEBBLE_SOCKET;
  return join(env.PEBBLE || DEFAULT_PEBBLE_DIR, ".pebble.socket");
}

/**
 * The socket of a workload container's Pebble as seen from a Juju sidecar charm's container:
 * `/charm/containers/<name>/pebble.socket`.
 *
 * @example
 * ```ts
 * const client = new PebbleClient({ socketPath: containerSocketPath("jimm") });
 * ```
 */
export function containerSocketPath(container: string): string {
  if (!container || container.includes("/"))
    throw new Error(`invalid container name "${container}"`);
  return `/charm/containers/${container}/pebble.socket`;
}
