/**
 * Identifiers the controller makes: model UUIDs, secret xids, `remote-<token>` names and
 * context ids. A seeded source makes them reproducible, so a test run in deterministic mode
 * gets the same ids every time.
 *
 * @example
 * ```ts
 * const ids = new IdSource(42);
 * ids.uuid();          // "5f0e…-…" (same for seed 42)
 * ids.secretXid();     // 20 chars of [0-9a-v]
 * ids.remoteAppName(); // "remote-" + 32 hex digits
 * ```
 */
import { randomBytes } from "node:crypto";
import { encodeXid } from "../../jujuc/internal/secret-uri.js";
import { SeededRandom } from "../uniter/random.js";

/**
 * Makes ids, randomly or from a seed.
 *
 * @example
 * ```ts
 * new IdSource(1).secretXid(); // the same id for seed 1
 * ```
 */
export class IdSource {
  private readonly rng: SeededRandom | undefined;
  private counter = 0;

  constructor(seed?: number) {
    this.rng = seed === undefined ? undefined : new SeededRandom(seed ^ 0x5eed);
  }

  /** `n` random bytes (seeded when the source is). */
  bytes(n: number): Uint8Array {
    if (this.rng === undefined) return new Uint8Array(randomBytes(n));
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(this.rng.next() * 256);
    return out;
  }

  /** A version-4 UUID. */
  uuid(): string {
    const b = this.bytes(16);
    b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
    b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
    const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** A secret id shaped like Juju's xid: 4 bytes of time, 5 random, a 3-byte counter. */
  secretXid(): string {
    const b = new Uint8Array(12);
    const seconds = this.rng === undefined ? Math.floor(Date.now() / 1000) : 1_767_225_600;
    b[0] = (seconds >>> 24) & 0xff;
    b[1] = (seconds >>> 16) & 0xff;
    b[2] = (seconds >>> 8) & 0xff;
    b[3] = seconds & 0xff;
    b.set(this.bytes(5), 4);
    const n = ++this.counter;
    b[9] = (n >>> 16) & 0xff;
    b[10] = (n >>> 8) & 0xff;
    b[11] = n & 0xff;
    return encodeXid(b);
  }

  /** The offering side's name for a consuming application: `remote-<32 hex digits>`. */
  remoteAppName(): string {
    return `remote-${[...this.bytes(16)].map((x) => x.toString(16).padStart(2, "0")).join("")}`;
  }
}
