/**
 * A library's memory, per relation, of what it last saw (kept in its stored state, keyed by
 * relation id), so that it emits `created` once and `changed` only on a difference. Stored state
 * is written by assignment, so both helpers return a new record instead of changing the old one.
 *
 * @example
 * ```ts
 * const before = this.seen.data.relations[String(r.id)];
 * this.seen.data.relations = rememberRelation(this.seen.data.relations, r, now);
 * this.seen.data.relations = forgetRelation(this.seen.data.relations, event.relation); // on broken
 * ```
 */

/**
 * A copy of `seen` with `value` recorded for `relation`.
 *
 * @example
 * ```ts
 * rememberRelation({}, { id: 3 }, { fingerprint: "…" }); // { "3": { fingerprint: "…" } }
 * ```
 */
export function rememberRelation<T>(
  seen: Readonly<Record<string, T>>,
  relation: { readonly id: number },
  value: T,
): Record<string, T> {
  return { ...seen, [String(relation.id)]: value };
}

/**
 * A copy of `seen` without the entry of `relation` (for its `-relation-broken`).
 *
 * @example
 * ```ts
 * forgetRelation({ "3": a, "4": b }, { id: 3 }); // { "4": b }
 * ```
 */
export function forgetRelation<T>(
  seen: Readonly<Record<string, T>>,
  relation: { readonly id: number },
): Record<string, T> {
  const rest = { ...seen };
  delete rest[String(relation.id)];
  return rest;
}
