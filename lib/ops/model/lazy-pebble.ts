/**
 * The Pebble client of a container, loaded on first use: most hooks never talk to Pebble, and
 * the client (HTTP, websockets, multipart) is the largest part of the framework, so a bundled
 * charm keeps it in its own chunk and reads it only when a hook needs it.
 *
 * @example
 * ```ts
 * const pebble = lazyPebble("/charm/containers/web/pebble.socket");
 * await pebble.getSystemInfo(); // imports the client now
 * ```
 */
import type { Pebble } from "../../pebble/types.js";

/** A {@link Pebble} whose client module is imported on the first call. */
export function lazyPebble(socketPath: string): Pebble {
  let client: Promise<Pebble> | undefined;
  const load = (): Promise<Pebble> =>
    (client ??= import("../../pebble/client.js").then((m) => new m.PebbleClient({ socketPath })));
  return new Proxy({} as Pebble, {
    get: (_target, prop: string) => {
      if (prop === "then") return undefined; // not a thenable: `await pebble` must not call it
      return async (...args: unknown[]) => {
        const real = (await load()) as unknown as Record<string, (...a: unknown[]) => unknown>;
        const method = real[prop];
        if (typeof method !== "function") throw new TypeError(`Pebble has no method "${prop}"`);
        return method.apply(real, args);
      };
    },
  });
}
