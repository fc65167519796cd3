/**
 * Checks a State and an event against the charm's metadata before a test runs, as Scenario's
 * consistency checker does: a test that sets up something Juju could never produce fails with
 * a message that says what is wrong, instead of passing by accident.
 *
 * @example
 * ```ts
 * checkConsistency(meta, state({ config: { port: "80" } }), ctx.on.install());
 * // throws: config option "port" is an int, got "80"
 * ```
 */
import type { CharmMeta } from "../ops/metadata.js";
import type { TestEvent } from "./events.js";
import { type State, getSecret, secretUniqueId } from "./state.js";

/** A State or event that contradicts the metadata or Juju's rules. */
export class InconsistentStateError extends Error {
  constructor(readonly problems: string[]) {
    super(`inconsistent state or event:\n- ${problems.join("\n- ")}`);
    this.name = "InconsistentStateError";
  }
}

const RFC1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function typeOk(type: string, v: unknown): boolean {
  switch (type) {
    case "string":
    case "secret":
      return typeof v === "string";
    case "int":
      return Number.isInteger(v);
    case "float":
      return typeof v === "number";
    case "boolean":
      return typeof v === "boolean";
    default:
      return false;
  }
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (Number.isInteger(v)) return "integer";
  return typeof v;
}

/** Throws {@link InconsistentStateError} listing every problem found. */
export function checkConsistency(meta: CharmMeta, s: State, event: TestEvent): void {
  const problems: string[] = [];
  for (const [k, v] of Object.entries(s.config)) {
    const opt = meta.config.get(k);
    if (!opt) problems.push(`config option "${k}" is not in the charm's config`);
    else if (!typeOk(opt.type, v))
      problems.push(
        `config option "${k}" is ${opt.type === "int" ? "an int" : `a ${opt.type}`}, got ${JSON.stringify(v)}`,
      );
  }
  const ids = new Set<number>();
  for (const r of s.relations) {
    if (ids.has(r.id)) problems.push(`relation id ${r.id} is used twice`);
    ids.add(r.id);
    const ep = meta.relations.get(r.endpoint);
    if (!ep) {
      problems.push(`relation endpoint "${r.endpoint}" is not in the charm's metadata`);
      continue;
    }
    if (r.kind === "peer" && ep.role !== "peers")
      problems.push(`"${r.endpoint}" is not a peer endpoint: use relation()`);
    if (r.kind === "regular" && ep.role === "peers")
      problems.push(`"${r.endpoint}" is a peer endpoint: use peerRelation()`);
    const bags = [
      r.localAppData,
      r.localUnitData,
      ...(r.kind === "peer"
        ? Object.values(r.peersData)
        : [r.remoteAppData, ...Object.values(r.remoteUnitsData)]),
    ];
    for (const bag of bags) {
      for (const [k, v] of Object.entries(bag)) {
        if (typeof v !== "string")
          problems.push(`relation ${r.endpoint}:${r.id}: value of "${k}" is not a string`);
      }
    }
  }
  for (const c of s.containers) {
    if (!meta.containers.has(c.name))
      problems.push(`container "${c.name}" is not in the charm's metadata`);
    if (!RFC1123.test(c.name)) problems.push(`container name "${c.name}" is not an RFC 1123 label`);
  }
  for (const st of s.storages) {
    if (!meta.storages.has(st.name))
      problems.push(`storage "${st.name}" is not in the charm's metadata`);
  }
  for (const n of s.networks) {
    if (!meta.relations.has(n.binding) && !meta.extraBindings.has(n.binding)) {
      problems.push(`network binding "${n.binding}" is neither an endpoint nor an extra binding`);
    }
  }
  for (const name of Object.keys(s.resources)) {
    if (!meta.resources.has(name))
      problems.push(`resource "${name}" is not in the charm's metadata`);
  }
  const secretIds = new Set<string>();
  for (const sec of s.secrets) {
    if (secretIds.has(secretUniqueId(sec.id))) problems.push(`secret id ${sec.id} is used twice`);
    secretIds.add(secretUniqueId(sec.id));
  }

  if (event.relation && !s.relations.some((r) => r.id === event.relation!.id)) {
    problems.push(
      `the event's relation ${event.relation.endpoint}:${event.relation.id} is not in the state`,
    );
  }
  if (event.container && !s.containers.some((c) => c.name === event.container!.name)) {
    problems.push(`the event's container "${event.container.name}" is not in the state`);
  }
  if (
    event.storage &&
    !s.storages.some((x) => x.name === event.storage!.name && x.index === event.storage!.index)
  ) {
    problems.push(
      `the event's storage ${event.storage.name}/${event.storage.index} is not in the state`,
    );
  }
  if (event.secret) {
    const sec = getSecret(s, { id: event.secret.id });
    if (!sec) problems.push(`the event's secret ${event.secret.id} is not in the state`);
    const ownerEvent = /secret-(rotate|expired|remove)$/.test(event.dispatchPath);
    if (sec && ownerEvent && !sec.owner)
      problems.push(
        `${event.dispatchPath} goes to the secret's owner, but this charm does not own ${sec.id}`,
      );
    if (sec && !ownerEvent && sec.owner)
      problems.push(`secret-changed goes to consumers, but this charm owns ${sec.id}`);
  }
  if (event.action) {
    const a = meta.actions.get(event.action.name);
    if (!a) problems.push(`action "${event.action.name}" is not in the charm's actions`);
    else {
      for (const r of a.required)
        if (!(r in event.action.params))
          problems.push(`action "${a.name}": parameter "${r}" is required`);
      for (const [k, v] of Object.entries(event.action.params)) {
        const schema = a.params[k];
        if (!schema) {
          if (!a.additionalProperties)
            problems.push(`action "${a.name}": unknown parameter "${k}"`);
          continue;
        }
        const want = schema.type;
        if (
          typeof want === "string" &&
          !(want === jsonType(v) || (want === "number" && typeof v === "number"))
        ) {
          problems.push(
            `action "${a.name}": parameter "${k}" should be of type ${want}, got ${jsonType(v)}`,
          );
        }
      }
    }
  }
  if (problems.length) throw new InconsistentStateError(problems);
}
