/**
 * Applies what a successful hook changed to the controller's state, as Juju's
 * `CommitHookChanges` does when a hook exits 0: relation unit and application bags (each
 * change bumps the bag's version, so the remote units get -changed), charm state, opened ports,
 * secrets (new secrets, new revisions, metadata, grants and revokes, removed revisions and
 * secrets, consumer tracking and labels) and storage-add requests. Writes by a dying unit or to
 * a dying relation are not published.
 *
 * @example
 * ```ts
 * const result = commitHookContext(state, run, before, after, deps);
 * result.peerAppWrites; // relation ids whose peer application bag this hook wrote
 * ```
 */
import type { Databag, HookContextData, SecretData } from "../../jujuc/context.js";
import { secretXid } from "../../jujuc/internal/secret-uri.js";
import type { CharmMeta } from "../../ops/metadata.js";
import { enterScope } from "../model/scope.js";
import { secretRole } from "../model/secret-access.js";
import type { ControllerState, ModelState, SecretState, UnitState } from "../model/types.js";
import { unitKey } from "../model/types.js";
import { mustModel, mustUnit, relationById, sideIndex } from "../model/view.js";
import type { HookRun } from "../uniter/done.js";
import { rotationDelayMs } from "./secret-rotation.js";

/** What the commit needs besides the state. */
export interface CommitDeps {
  meta: CharmMeta;
  now: number;
  /** Where a new storage instance lives (the directory is made by the caller). */
  storageLocation: (model: string, unit: string, id: string) => string;
}

/** What the commit did that the caller acts on. */
export interface CommitResult {
  /** Relation ids whose peer application bag the hook wrote (the writer gets no -changed). */
  peerAppWrites: number[];
  /** Secrets (xid) that got a new revision. */
  newRevisions: string[];
  /** Storage instances added by storage-add. */
  storageAdded: string[];
}

/**
 * Applies the difference between two bags to `target`; returns true when anything changed.
 *
 * @example
 * ```ts
 * patchBag({ a: "1" }, { b: "2" }, bag); // bag loses "a", gains "b"
 * ```
 */
export function patchBag(before: Databag, after: Databag, target: Databag): boolean {
  let changed = false;
  for (const [k, v] of Object.entries(after)) {
    if (before[k] !== v) {
      if (target[k] !== v) changed = true;
      target[k] = v;
    }
  }
  for (const k of Object.keys(before)) {
    if (!Object.hasOwn(after, k) && Object.hasOwn(target, k)) {
      delete target[k];
      changed = true;
    }
  }
  return changed;
}

function commitRelations(
  state: ControllerState,
  run: HookRun,
  unit: UnitState,
  before: HookContextData,
  after: HookContextData,
): number[] {
  const peerAppWrites: number[] = [];
  const beforeById = new Map(before.relations.map((r) => [r.id, r]));
  for (const a of after.relations) {
    const b = beforeById.get(a.id);
    const rel = relationById(state, a.id);
    if (b === undefined || rel === undefined || rel.life !== "alive" || a.broken) continue;
    const side = rel.sides[sideIndex(rel, run.model, unit.app)];
    if (side === undefined) continue;
    if (unit.life === "alive") {
      if (side.units[unit.name] === undefined) enterScope(state, rel, run.model, unit.name);
      const entry = side.units[unit.name];
      if (entry !== undefined && patchBag(b.localUnitData, a.localUnitData, entry.bag)) {
        entry.version += 1;
      }
    }
    if (patchBag(b.localAppData, a.localAppData, side.appBag)) {
      side.appVersion += 1;
      if (rel.peer) peerAppWrites.push(rel.id);
    }
  }
  return peerAppWrites;
}

/** Finds a secret anywhere in the controller by xid. */
function findSecret(
  state: ControllerState,
  xid: string,
): { model: ModelState; secret: SecretState } | undefined {
  for (const model of Object.values(state.models)) {
    const secret = model.secrets[xid];
    if (secret !== undefined) return { model, secret };
  }
  return undefined;
}

function newSecret(
  model: ModelState,
  unit: UnitState,
  data: SecretData,
  xid: string,
  now: number,
): SecretState {
  const owner: SecretState["owner"] =
    data.owner.kind === "unit"
      ? { kind: "unit", unit: unit.name }
      : { kind: "application", app: unit.app };
  const secret: SecretState = {
    xid,
    owner,
    revisions: structuredClone(data.revisions),
    latestRevision: data.latestRevision,
    grants: data.grants.map((g) => ({ ...g })),
    consumers: {},
    removeNotified: [],
  };
  if (data.label !== undefined) secret.label = data.label;
  if (data.description !== undefined) secret.description = data.description;
  if (data.expire !== undefined) setExpiry(secret, data.latestRevision, data.expire);
  if (data.rotate !== undefined) {
    secret.rotate = data.rotate;
    const delay = rotationDelayMs(data.rotate);
    if (delay !== undefined) secret.rotateAt = now + delay;
  }
  model.secrets[xid] = secret;
  return secret;
}

/** Gives a revision its expiry (`expire` is the latest revision's, as secret-info-get shows). */
function setExpiry(secret: SecretState, revision: number, expire: string): void {
  const at = Date.parse(expire);
  if (Number.isNaN(at)) return;
  secret.expire = expire;
  (secret.expiries ??= {})[String(revision)] = at;
}

function commitSecrets(
  state: ControllerState,
  run: HookRun,
  unit: UnitState,
  before: HookContextData,
  after: HookContextData,
  now: number,
): string[] {
  const model = mustModel(state, run.model);
  const key = unitKey(run.model, unit.name);
  const newRevisions: string[] = [];
  const atStart = new Set(before.secrets.map((s) => secretXid(s.id)));
  for (const data of after.secrets) {
    const xid = secretXid(data.id);
    const found = findSecret(state, xid);
    if (found === undefined) {
      // A secret the hook started with was removed meanwhile (by its owner): only the secrets
      // this hook added are new.
      if (atStart.has(xid)) continue;
      const created = newSecret(model, unit, data, xid, now);
      const own = data.consumers[unit.name];
      if (own !== undefined) created.consumers[key] = { ...own };
      continue;
    }
    const { model: secretModel, secret } = found;
    const role = secretRole(state, secretModel, secret, run.model, unit);
    if (role === "manager") {
      for (const field of ["label", "description"] as const) {
        const value = data[field];
        if (value !== undefined) secret[field] = value;
      }
      const previous = before.secrets.find((s) => secretXid(s.id) === xid);
      const expireSet = data.expire !== undefined && data.expire !== previous?.expire;
      if (data.rotate !== undefined && data.rotate !== secret.rotate) {
        secret.rotate = data.rotate;
        const delay = rotationDelayMs(data.rotate);
        if (delay === undefined) delete secret.rotateAt;
        else secret.rotateAt = now + delay;
      }
      for (const [rev, content] of Object.entries(data.revisions)) {
        if (secret.revisions[rev] === undefined && Number(rev) > secret.latestRevision) {
          secret.revisions[rev] = { ...content };
          newRevisions.push(xid);
        }
      }
      const newRevision = data.latestRevision > secret.latestRevision;
      secret.latestRevision = Math.max(secret.latestRevision, data.latestRevision);
      // Juju keeps an expiry per revision: `--expire` applies to the latest revision (the new
      // one when the same call makes one), and a new revision made without it has none.
      if (expireSet) setExpiry(secret, secret.latestRevision, data.expire ?? "");
      else if (newRevision) delete secret.expire;
      secret.grants = data.grants.map((g) => ({ ...g }));
    }
    const consumer = data.consumers[unit.name];
    if (consumer !== undefined) secret.consumers[key] = { ...consumer };
  }
  for (const entry of after.removedSecretRevisions) {
    const slash = entry.lastIndexOf("/");
    const found = findSecret(state, secretXid(entry.slice(0, slash)));
    if (found === undefined) continue;
    if (secretRole(state, found.model, found.secret, run.model, unit) !== "manager") continue;
    delete found.secret.revisions[entry.slice(slash + 1)];
    if (found.secret.expiries !== undefined) delete found.secret.expiries[entry.slice(slash + 1)];
  }
  const remaining = new Set(after.secrets.map((s) => secretXid(s.id)));
  for (const data of before.secrets) {
    const xid = secretXid(data.id);
    if (remaining.has(xid)) continue;
    const found = findSecret(state, xid);
    if (found === undefined) continue;
    if (secretRole(state, found.model, found.secret, run.model, unit) !== "manager") continue;
    delete found.model.secrets[xid];
  }
  return [...new Set(newRevisions)];
}

/**
 * Applies the hook's changes (see the module documentation).
 *
 * @example
 * ```ts
 * commitHookContext(state, run, before, after, { meta, now: Date.now(), storageLocation });
 * ```
 */
export function commitHookContext(
  state: ControllerState,
  run: HookRun,
  before: HookContextData,
  after: HookContextData,
  deps: CommitDeps,
): CommitResult {
  const model = mustModel(state, run.model);
  const unit = mustUnit(model, run.unit);
  const peerAppWrites = commitRelations(state, run, unit, before, after);
  unit.charmState = after.charmState === null ? null : { ...after.charmState };
  unit.openedPorts = structuredClone(after.openedPorts);
  const newRevisions = commitSecrets(state, run, unit, before, after, deps.now);
  const storageAdded: string[] = [];
  for (const [name, count] of Object.entries(after.storageAdd)) {
    const storage = deps.meta.storages.get(name);
    if (storage === undefined) continue;
    for (let i = 0; i < count; i++) {
      const index = unit.nextStorage[name] ?? 0;
      unit.nextStorage[name] = index + 1;
      const id = `${name}/${index}`;
      unit.storage.push({
        id,
        kind: storage.type,
        location: deps.storageLocation(run.model, unit.name, id),
      });
      storageAdded.push(id);
    }
  }
  return { peerAppWrites, newRevisions, storageAdded };
}
