/**
 * The relation index: what `relation-ids` answered for each endpoint, kept across hooks in a
 * small file beside the charm so that hooks which cannot change relation membership skip the
 * call.
 *
 * Why it is safe. A unit's answer to `relation-ids <endpoint>` changes only around two hooks
 * that Juju always runs on that unit: a relation appears just before its `-relation-created`
 * (the resolver runs it before any other hook) and disappears at its `-relation-broken`. So the
 * index drops an endpoint at the start of those two hooks (and everything on `install`,
 * `upgrade-charm` and `update-status`, which bounds any surprise to one update-status interval),
 * and writes every change to disk at once, before the charm runs, rather than with the hook's
 * commit: a hook that then fails, or that an operator skips with `juju resolved --no-retry`,
 * cannot leave a stale entry. A relation hook naming a relation the index does not list drops
 * that endpoint too.
 *
 * It also keeps the remote application of each listed relation (`relation-list --app`), which
 * never changes during a relation's life.
 *
 * The file holds relation ids and application names only (nothing secret), mode 0600. `JAAS_RELATION_INDEX=off` turns
 * the index off; `JAAS_RELATION_INDEX=verify` keeps it but also asks Juju on every hit and
 * fails the hook on a difference (for tests).
 *
 * @example
 * ```ts
 * const index = RelationIndex.forHook(juju, process.env);
 * index?.get("database"); // [4] from an earlier hook, or undefined: ask `relation-ids`
 * ```
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { JujuContext } from "../juju-context.js";

/** How the index is used in this hook. */
export type RelationIndexMode = "on" | "verify";

/** The index file's name in the charm directory. */
export const RELATION_INDEX_FILE = ".jaas-relation-index.json";

const FORMAT = 1;

interface IndexFile {
  format: number;
  unit: string;
  endpoints: Record<string, number[]>;
  /** The remote application of each relation id (fixed for the relation's life). */
  remoteApps?: Record<string, string>;
}

/** Relation ids per endpoint, persisted in the charm directory; see the module notes. */
export class RelationIndex {
  private constructor(
    private readonly path: string,
    private readonly unit: string,
    private readonly endpoints: Map<string, number[]>,
    private readonly remoteApps: Map<number, string>,
    /** Whether hits are checked against `relation-ids`. */
    readonly mode: RelationIndexMode,
  ) {}

  /**
   * The index for this hook, already adjusted for the event, or `undefined` when it is turned
   * off or the file cannot be written.
   *
   * @example
   * ```ts
   * RelationIndex.forHook(juju, { JAAS_RELATION_INDEX: "off" }); // undefined
   * ```
   */
  static forHook(
    juju: JujuContext,
    env: Record<string, string | undefined>,
  ): RelationIndex | undefined {
    const setting = env["JAAS_RELATION_INDEX"] ?? "on";
    if (setting === "off") return undefined;
    const mode: RelationIndexMode = setting === "verify" ? "verify" : "on";
    const index = new RelationIndex(
      join(juju.charmDir, RELATION_INDEX_FILE),
      juju.unitName,
      new Map(),
      new Map(),
      mode,
    );
    index.load();
    try {
      index.adjustFor(juju);
    } catch {
      return undefined; // cannot persist the drop: do without the index
    }
    return index;
  }

  /** The ids last seen for `endpoint`, or `undefined` when they must be asked for. */
  get(endpoint: string): readonly number[] | undefined {
    return this.endpoints.get(endpoint);
  }

  /** Records what `relation-ids` answered for `endpoint` (written at once). */
  set(endpoint: string, ids: readonly number[]): void {
    const known = this.endpoints.get(endpoint);
    if (known && known.length === ids.length && known.every((id, i) => id === ids[i])) return;
    this.endpoints.set(endpoint, [...ids]);
    // Forget the applications of relations no endpoint lists any more.
    const live = new Set([...this.endpoints.values()].flat());
    for (const id of this.remoteApps.keys()) if (!live.has(id)) this.remoteApps.delete(id);
    this.trySave();
  }

  /**
   * The remote application of relation `id`, when known. A relation keeps its remote
   * application for its whole life and Juju never reuses a relation id in a model, so this is
   * kept for as long as an endpoint lists the relation.
   */
  remoteApp(id: number): string | undefined {
    return this.remoteApps.get(id);
  }

  /** Records the remote application of a listed relation `id` (written at once). */
  setRemoteApp(id: number, app: string): void {
    if (this.remoteApps.get(id) === app) return;
    // Only for relations an endpoint lists (not, say, the one a -broken hook is about).
    if (![...this.endpoints.values()].some((ids) => ids.includes(id))) return;
    this.remoteApps.set(id, app);
    this.trySave();
  }

  private load(): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.path, "utf8"));
    } catch {
      return; // absent or unreadable: start empty
    }
    const file = parsed as Partial<IndexFile> | null;
    if (file?.format !== FORMAT || file.unit !== this.unit || typeof file.endpoints !== "object")
      return;
    for (const [endpoint, ids] of Object.entries(file.endpoints ?? {})) {
      if (Array.isArray(ids) && ids.every((id) => Number.isInteger(id))) {
        this.endpoints.set(endpoint, ids);
      }
    }
    for (const [id, app] of Object.entries(file.remoteApps ?? {})) {
      if (/^\d+$/.test(id) && typeof app === "string" && app !== "") {
        this.remoteApps.set(Number(id), app);
      }
    }
  }

  /** Drops what this hook may change; throws when the drop cannot be persisted. */
  private adjustFor(juju: JujuContext): void {
    const e = juju.event;
    let changed = false;
    if (e.kind === "lifecycle" && ["install", "upgrade-charm", "update-status"].includes(e.name)) {
      changed = this.endpoints.size > 0;
      this.endpoints.clear();
    } else if (e.kind === "relation") {
      const ids = this.endpoints.get(e.endpoint);
      const id = juju.relation?.id;
      const stale = e.phase === "created" || e.phase === "broken";
      if (ids !== undefined && (stale || id === undefined || !ids.includes(id))) {
        this.endpoints.delete(e.endpoint);
        changed = true;
      }
    }
    if (changed) this.save();
  }

  private trySave(): void {
    try {
      this.save();
    } catch {
      // A read-only charm directory only costs the next hook a few calls.
    }
  }

  private save(): void {
    const file: IndexFile = {
      format: FORMAT,
      unit: this.unit,
      endpoints: Object.fromEntries(this.endpoints),
      remoteApps: Object.fromEntries(this.remoteApps),
    };
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(file), { mode: 0o600 });
    renameSync(tmp, this.path);
  }
}
