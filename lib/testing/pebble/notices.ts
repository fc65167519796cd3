/**
 * Notices of the in-memory Pebble: custom notices and the `change-update` notices that changes
 * record, with Pebble's key rules, filters and long-polling.
 *
 * @module
 */

import { APIError } from "../../pebble/errors.js";
import type { Notice, NoticesFilter, NoticeType } from "../../pebble/types.js";
import { formatGoDuration } from "../../pebble/duration.js";
import { nowNs, formatNs, parseTimeNs } from "./clock.js";

const CUSTOM_KEY = /^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)+(\/[a-z0-9]+(-[a-z0-9]+)*)+$/;
const VALID_TYPES = new Set<NoticeType>(["change-update", "custom", "warning"]);

interface StoredNotice {
  notice: Notice;
  lastRepeatedNs: bigint;
}

/** The notices store. */
export class NoticeStore {
  private readonly notices = new Map<string, StoredNotice>();
  private nextId = 1;
  private waiters = new Set<() => void>();

  /** Records an occurrence (new notice or repeat). Returns the notice ID. */
  record(
    userId: number | null,
    type: NoticeType,
    key: string,
    data: Record<string, string> = {},
    repeatAfterMs = 0,
  ): string {
    const uniqueKey = `${userId ?? "-"}|${type}|${key}`;
    const ns = nowNs();
    const time = formatNs(ns);
    const existing = this.notices.get(uniqueKey);
    let repeated = false;
    if (!existing) {
      const notice: Notice = {
        id: String(this.nextId++),
        userId,
        type,
        key,
        firstOccurred: time,
        lastOccurred: time,
        lastRepeated: time,
        occurrences: 1,
        lastData: { ...data },
        expireAfter: "168h0m0s",
      };
      this.notices.set(uniqueKey, { notice, lastRepeatedNs: ns });
      repeated = true;
    } else {
      const { notice } = existing;
      notice.occurrences++;
      if (
        repeatAfterMs === 0 ||
        ns > existing.lastRepeatedNs + BigInt(Math.round(repeatAfterMs * 1e6))
      ) {
        notice.lastRepeated = time;
        existing.lastRepeatedNs = ns;
        repeated = true;
      }
      notice.lastOccurred = time;
      notice.lastData = { ...data };
    }
    const stored = this.notices.get(uniqueKey) as StoredNotice;
    if (repeatAfterMs) stored.notice.repeatAfter = formatGoDuration(repeatAfterMs);
    else delete stored.notice.repeatAfter;
    if (repeated) {
      const waiters = this.waiters;
      this.waiters = new Set();
      for (const wake of waiters) wake();
    }
    return stored.notice.id;
  }

  /** Adds a custom notice as Pebble's `POST /v1/notices` does (validating the key and data). */
  addCustom(
    userId: number,
    key: string,
    data?: Record<string, string>,
    repeatAfterMs?: number,
  ): string {
    if (!CUSTOM_KEY.test(key)) {
      throw new APIError(
        400,
        "Bad Request",
        `invalid key "${key}" (must be in "example.com/path" format)`,
      );
    }
    if (key.length > 256) throw new APIError(400, "Bad Request", "key must be 256 bytes or less");
    if (data && JSON.stringify(data).length > 4096) {
      throw new APIError(400, "Bad Request", "total size of data must be 4096 bytes or less");
    }
    return this.record(userId, "custom", key, data, repeatAfterMs);
  }

  /** Notices matching a filter, ordered by last repeat. */
  list(filter: NoticesFilter = {}): Notice[] {
    const types = filter.types?.filter((t) => VALID_TYPES.has(t));
    if (filter.types?.length && !types?.length) return [];
    const after = filter.after instanceof Date ? filter.after.toISOString() : filter.after;
    let afterNs: bigint | undefined;
    if (after) {
      afterNs = parseTimeNs(after);
      if (afterNs === undefined) {
        throw new APIError(
          400,
          "Bad Request",
          `invalid "after" timestamp: cannot parse "${after}"`,
        );
      }
    }
    const out: StoredNotice[] = [];
    for (const stored of this.notices.values()) {
      const n = stored.notice;
      if (
        filter.users !== "all" &&
        filter.userId !== undefined &&
        n.userId !== null &&
        n.userId !== filter.userId
      )
        continue;
      if (types?.length && !types.includes(n.type)) continue;
      if (filter.keys?.length && !filter.keys.includes(n.key)) continue;
      if (afterNs !== undefined && stored.lastRepeatedNs <= afterNs) continue;
      out.push(stored);
    }
    out.sort((a, b) =>
      a.lastRepeatedNs < b.lastRepeatedNs ? -1 : a.lastRepeatedNs > b.lastRepeatedNs ? 1 : 0,
    );
    return out.map((s) => structuredClone(s.notice));
  }

  /** Waits up to `timeout` ms for a notice matching the filter. */
  async wait(filter: NoticesFilter, timeout: number): Promise<Notice[]> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const found = this.list(filter);
      if (found.length > 0) return found;
      const left = deadline - Date.now();
      if (left <= 0) return [];
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.waiters.delete(wake);
          resolve();
        }, left);
        const wake = (): void => {
          clearTimeout(timer);
          resolve();
        };
        this.waiters.add(wake);
      });
    }
  }

  /** One notice by ID. */
  get(id: string): Notice {
    for (const stored of this.notices.values()) {
      if (stored.notice.id === id) return structuredClone(stored.notice);
    }
    throw new APIError(404, "Not Found", `cannot find notice with ID "${id}"`);
  }
}
