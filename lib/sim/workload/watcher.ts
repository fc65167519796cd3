/**
 * Turns one Pebble's notices into workload events, the way Juju's uniter does (its
 * `pebbleNoticer`, read in juju/juju `internal/worker/uniter/pebblenotices.go`, and checked
 * here against the real Pebble v1.26 daemon):
 *
 * - it long-polls `GET /v1/notices` (30 s), each time asking for notices repeated after the
 *   last one it handled (`after` = that notice's `last-repeated`);
 * - a `custom` notice is one `pebble-custom-notice` event (id, type, key). Occurrences that
 *   arrive between two polls are one event, as in Juju;
 * - a `change-update` notice whose data `kind` is `perform-check` or `recover-check` names a
 *   check change (data `check-name`). The change is fetched: a `perform-check` change that
 *   ended in `Error` means the check reached its failure threshold (`pebble-check-failed`); a
 *   `recover-check` change that is `Done` means it passes again (`pebble-check-recovered`).
 *   Pebble updates a change's notice on every status change, so the same change can be seen
 *   several times after it ended; each change is reported once (Juju can report it twice).
 *
 * @module
 */

import type { PebbleClient } from "../../pebble/client.js";
import { isNotFound } from "../../pebble/errors.js";
import type { Notice } from "../../pebble/types.js";
import { delay } from "./procs.js";

/**
 * What a watcher reports to; it waits for the returned promise before the next notice.
 *
 * @example
 * ```ts
 * const sink: NoticeSink = async (e) => console.log(e.kind);
 * ```
 */
export type NoticeSink = (
  event:
    | { kind: "pebble-custom-notice"; notice: { id: string; type: "custom"; key: string } }
    | { kind: "pebble-check-failed" | "pebble-check-recovered"; checkName: string },
) => Promise<void>;

/**
 * Options of {@link NoticeWatcher}.
 *
 * @example
 * ```ts
 * new NoticeWatcher(client, sink, { pollTimeoutMs: 30_000, onError: console.error });
 * ```
 */
export interface NoticeWatcherOptions {
  /** Long-poll timeout, ms (Juju: 30 s). */
  pollTimeoutMs?: number;
  /** Wait after a failed poll, ms (Juju: 1 s; shorter here, the daemon is local). */
  errorDelayMs?: number;
  /** Where poll errors go while the watcher runs; default: nowhere (retried). */
  onError?: (error: unknown) => void;
  /** Resume after this `last-repeated` time (a restarted Pebble keeps its notices). */
  after?: string;
}

/**
 * Watches one Pebble's notices until {@link NoticeWatcher.stop}.
 *
 * @example
 * ```ts
 * const watcher = new NoticeWatcher(new PebbleClient({ socketPath }), async (e) => console.log(e));
 * watcher.start();
 * // ...
 * await watcher.stop();
 * ```
 */
export class NoticeWatcher {
  readonly #client: PebbleClient;
  readonly #sink: NoticeSink;
  readonly #options: NoticeWatcherOptions;
  #after: string | undefined;
  #stopped = false;
  #loop: Promise<void> | undefined;
  /** The event being handed to the sink, if any. */
  #delivering: Promise<void> = Promise.resolve();
  /** Check changes already reported, `<kind>:<change id>`. */
  readonly #reported = new Set<string>();

  /** The client is the watcher's own: `stop()` closes it to end the pending long poll. */
  constructor(client: PebbleClient, sink: NoticeSink, options: NoticeWatcherOptions = {}) {
    this.#client = client;
    this.#sink = sink;
    this.#options = options;
    this.#after = options.after;
  }

  /** The `last-repeated` time of the last notice handled (to resume after a restart). */
  get after(): string | undefined {
    return this.#after;
  }

  /** Starts the polling loop (once). */
  start(): void {
    this.#loop ??= this.#run();
  }

  /**
   * Stops polling: no event is delivered after this resolves. A long poll already sent ends
   * when its daemon stops (closing the client does not abort a request on a reused
   * connection), so this waits for the event being delivered, not for the poll.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#client.close();
    await Promise.race([this.#loop, this.#delivering]);
    await this.#delivering;
  }

  async #run(): Promise<void> {
    const timeout = this.#options.pollTimeoutMs ?? 30_000;
    while (!this.#stopped) {
      let notices: Notice[];
      try {
        notices = await this.#client.waitNotices(
          { types: ["custom", "change-update"], ...(this.#after ? { after: this.#after } : {}) },
          timeout,
        );
      } catch (error) {
        if (this.#stopped) break;
        this.#options.onError?.(error);
        await delay(this.#options.errorDelayMs ?? 200);
        continue;
      }
      try {
        for (const notice of notices) {
          if (this.#stopped) break;
          await this.#handle(notice);
          this.#after = notice.lastRepeated;
        }
      } catch (error) {
        // Not handled, so not skipped: the next poll returns the notice again.
        if (this.#stopped) break;
        this.#options.onError?.(error);
        await delay(this.#options.errorDelayMs ?? 200);
      }
    }
  }

  async #handle(notice: Notice): Promise<void> {
    if (notice.type === "custom") {
      await this.#deliver({
        kind: "pebble-custom-notice",
        notice: { id: notice.id, type: "custom", key: notice.key },
      });
      return;
    }
    if (notice.type !== "change-update") return;
    const kind = notice.lastData.kind;
    if (kind !== "perform-check" && kind !== "recover-check") return;
    const id = `${kind}:${notice.key}`;
    if (this.#reported.has(id)) return;
    let status: string | undefined;
    try {
      status = (await this.#client.getChange(notice.key)).status;
    } catch (error) {
      // Pruned (Pebble drops changes after a week or beyond 500): assume it ended, as Juju does.
      if (!isNotFound(error)) throw error;
    }
    const failed = kind === "perform-check" && (status === undefined || status === "Error");
    const recovered = kind === "recover-check" && (status === undefined || status === "Done");
    if (!failed && !recovered) return;
    this.#reported.add(id);
    await this.#deliver({
      kind: failed ? "pebble-check-failed" : "pebble-check-recovered",
      checkName: notice.lastData["check-name"] ?? "",
    });
  }

  async #deliver(event: Parameters<NoticeSink>[0]): Promise<void> {
    if (this.#stopped) return;
    // A failing sink is reported, not retried: the event was delivered.
    this.#delivering = this.#sink(event).catch((error: unknown) => this.#options.onError?.(error));
    await this.#delivering;
  }
}
