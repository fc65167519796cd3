/**
 * Typed access to Juju's hook tools, over a {@link ToolRunner}.
 *
 * Each method builds the exact arguments Juju expects (always `--format=json` where the tool
 * takes it), parses the output, and maps failures to typed errors. Relation and state data go
 * in through stdin (`--file -`); secret values go through 0600 files in a private temporary
 * folder, never on the command line. Reads are cached for the hook and updated or dropped by
 * the writes that affect them.
 *
 * @example
 * ```ts
 * const tools = new HookTools(new ExecToolRunner());
 * tools.relationSet(3, { key: "value" }, false);
 * tools.relationGet(3, "myapp/0", false); // { key: "value", ... }
 * ```
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ModelError,
  PermissionDeniedError,
  RelationNotFoundError,
  SecretNotFoundError,
} from "../errors.js";
import type { RelationIndex } from "./relation-index.js";
import type { ToolRunner } from "./runner.js";

/** Status names a charm may set. */
export type SettableStatus = "active" | "blocked" | "maintenance" | "waiting";

/** The answer of `status-get`. */
export interface StatusInfo {
  status: string;
  message: string;
}

/** Options for `secret-add` and `secret-set`. */
export interface SecretMetaOptions {
  label?: string;
  description?: string;
  /** RFC 3339 time or a Go duration such as `24h`. */
  expire?: string;
  rotate?: string;
}

/** What `secret-info-get` answers for one secret. */
export interface SecretInfoData {
  id: string;
  revision: number;
  label?: string;
  owner: string;
  description?: string;
  expiry?: string;
  rotation?: string;
  rotates?: string;
}

/** What `network-get` answers, in its JSON shape. */
export interface NetworkInfoData {
  "bind-addresses"?: {
    "mac-address"?: string;
    "interface-name"?: string;
    addresses?: { hostname?: string; value?: string; cidr?: string }[];
  }[];
  "egress-subnets"?: string[];
  "ingress-addresses"?: string[];
}

const AUTHZ = [
  "access denied",
  "permission denied",
  "not the leader",
  "cannot write relation settings",
];

/** Counts calls per tool; the benchmark reports it. */
export type ToolCallCounter = Map<string, number>;

/** Typed, cached hook-tool client for one hook. */
export class HookTools {
  /** Calls made so far, per tool. */
  readonly calls: ToolCallCounter = new Map();
  private readonly cache = new Map<string, unknown>();

  /**
   * @param index relation ids kept from earlier hooks (see {@link RelationIndex}); without it
   *   every hook asks `relation-ids`.
   */
  constructor(
    private readonly runner: ToolRunner,
    private readonly index?: RelationIndex,
  ) {}

  private call(tool: string, args: readonly string[], stdin?: string): string {
    this.calls.set(tool, (this.calls.get(tool) ?? 0) + 1);
    const result = this.runner.run(tool, args, stdin);
    if (result.exitCode === 0) return result.stdout;
    const text =
      result.stderr.trim().replace(/^ERROR\s+/, "") || `${tool} exited with ${result.exitCode}`;
    const message = `${tool}: ${text}`;
    if (
      /relation not found/.test(text) &&
      (tool.startsWith("relation-") || tool.startsWith("network-"))
    ) {
      throw new RelationNotFoundError(message, tool, result.exitCode);
    }
    if (tool.startsWith("secret-") && /not found/.test(text)) {
      throw new SecretNotFoundError(message, tool, result.exitCode);
    }
    if (AUTHZ.some((needle) => text.includes(needle))) {
      throw new PermissionDeniedError(message, tool, result.exitCode);
    }
    throw new ModelError(message, tool, result.exitCode);
  }

  private json<T>(tool: string, args: readonly string[]): T {
    const out = this.call(tool, [...args, "--format=json"]);
    try {
      return JSON.parse(out) as T;
    } catch {
      throw new ModelError(`${tool}: cannot parse its output as JSON: ${out.slice(0, 200)}`, tool);
    }
  }

  private cached<T>(key: string, load: () => T): T {
    if (this.cache.has(key)) return this.cache.get(key) as T;
    const value = load();
    this.cache.set(key, value);
    return value;
  }

  // ---- leadership, config, status, version, log

  /** `is-leader`. The model caches this for the 30 s lease; this layer does not. */
  isLeader(): boolean {
    return this.json<boolean>("is-leader", []) === true;
  }

  /** `config-get`: every option that is set or has a default. Cached for the hook. */
  configGet(): Record<string, unknown> {
    return this.cached(
      "config",
      () => this.json<Record<string, unknown> | null>("config-get", []) ?? {},
    );
  }

  /** `status-get` for the unit or (leader only) the application. */
  statusGet(app: boolean): StatusInfo {
    const out = this.json<Record<string, unknown>>("status-get", [
      "--include-data",
      `--application=${app}`,
    ]);
    const data = (app ? out["application-status"] : out) as Record<string, unknown> | undefined;
    return { status: String(data?.status ?? "unknown"), message: String(data?.message ?? "") };
  }

  /** `status-set`: takes effect at once in Juju, even if the hook later fails. */
  statusSet(status: SettableStatus, message: string, app: boolean): void {
    this.call("status-set", [`--application=${app}`, status, "--", message]);
  }

  /** `application-version-set`. */
  applicationVersionSet(version: string): void {
    this.call("application-version-set", ["--", version]);
  }

  /** `juju-log`. */
  jujuLog(level: "DEBUG" | "INFO" | "WARNING" | "ERROR", message: string): void {
    this.call("juju-log", ["--log-level", level, "--", message]);
  }

  // ---- relations

  /**
   * `relation-ids <endpoint>`: the live relation ids of an endpoint. Cached for the hook, and
   * across hooks by the relation index when there is one.
   */
  relationIds(endpoint: string): number[] {
    return this.cached(`relation-ids:${endpoint}`, () => {
      const indexed = this.index?.get(endpoint);
      if (indexed !== undefined && this.index?.mode === "on") return [...indexed];
      const ids = this.json<string[]>("relation-ids", [endpoint]).map((r) =>
        Number(r.slice(r.lastIndexOf(":") + 1)),
      );
      if (indexed !== undefined && indexed.join(",") !== ids.join(",")) {
        throw new Error(
          `relation index out of date for "${endpoint}": it holds [${indexed.join(", ")}], ` +
            `relation-ids answers [${ids.join(", ")}]`,
        );
      }
      this.index?.set(endpoint, ids);
      return ids;
    });
  }

  /** `relation-list -r <ep:id>`: remote units that joined and have not departed. Cached. */
  relationList(endpoint: string, id: number): string[] {
    return this.cached(
      `relation-list:${id}`,
      () => this.json<string[] | null>("relation-list", ["-r", `${endpoint}:${id}`]) ?? [],
    );
  }

  /**
   * `relation-list --app -r <ep:id>`: the remote application's name. Cached for the hook, and
   * across hooks by the relation index when there is one.
   */
  relationRemoteApp(endpoint: string, id: number): string | undefined {
    return this.cached(`relation-app:${id}`, () => {
      const indexed = this.index?.remoteApp(id);
      if (indexed !== undefined && this.index?.mode === "on") return indexed;
      const raw = this.json<string | null>("relation-list", ["-r", `${endpoint}:${id}`, "--app"]);
      const name = raw === null || raw === "" ? undefined : raw;
      if (indexed !== undefined && indexed !== name) {
        throw new Error(
          `relation index out of date for relation ${endpoint}:${id}: it holds application ` +
            `"${indexed}", relation-list --app answers "${name ?? ""}"`,
        );
      }
      if (name !== undefined) this.index?.setRemoteApp(id, name);
      return name;
    });
  }

  /** `relation-get - <member>`: one member's whole databag. Cached until written. */
  relationGet(
    endpoint: string,
    id: number,
    member: string,
    isApp: boolean,
  ): Record<string, string> {
    return this.cached(`relation-get:${id}:${member}:${isApp}`, () => {
      const args = ["-r", `${endpoint}:${id}`, ...(isApp ? ["--app"] : []), "-", member];
      const data = this.json<Record<string, unknown> | null>("relation-get", args) ?? {};
      const bag: Record<string, string> = {};
      for (const [k, v] of Object.entries(data))
        bag[k] = typeof v === "string" ? v : JSON.stringify(v);
      return bag;
    });
  }

  /**
   * `relation-set --file -` with the changes as JSON on stdin (`""` deletes a key). Updates the
   * cached bag of `member` so the hook reads its own writes.
   */
  relationSet(
    endpoint: string,
    id: number,
    changes: Record<string, string>,
    isApp: boolean,
    member: string,
  ): void {
    const args = ["-r", `${endpoint}:${id}`, ...(isApp ? ["--app"] : []), "--file", "-"];
    this.call("relation-set", args, JSON.stringify(changes));
    const key = `relation-get:${id}:${member}:${isApp}`;
    const bag = this.cache.get(key) as Record<string, string> | undefined;
    if (bag) {
      for (const [k, v] of Object.entries(changes)) {
        if (v === "") delete bag[k];
        else bag[k] = v;
      }
    }
  }

  /** `relation-model-get`: the UUID of the remote application's model. */
  relationModelUuid(endpoint: string, id: number): string {
    return this.cached(
      `relation-model:${id}`,
      () => this.json<{ uuid: string }>("relation-model-get", ["-r", `${endpoint}:${id}`]).uuid,
    );
  }

  // ---- charm state

  /** `state-get`: the whole charm state (empty when Juju prints `null`). Cached. */
  stateGet(): Record<string, string> {
    return this.cached(
      "state",
      () => this.json<Record<string, string> | null>("state-get", []) ?? {},
    );
  }

  /** `state-set --file -` with the keys as JSON on stdin. */
  stateSet(values: Record<string, string>): void {
    if (Object.keys(values).length === 0) return;
    this.call("state-set", ["--file", "-"], JSON.stringify(values));
    const state = this.cache.get("state") as Record<string, string> | undefined;
    if (state) Object.assign(state, values);
  }

  /** `state-delete <key>`. */
  stateDelete(key: string): void {
    this.call("state-delete", ["--", key]);
    const state = this.cache.get("state") as Record<string, string> | undefined;
    if (state) delete state[key];
  }

  // ---- secrets

  /** Writes secret values to 0600 files and returns `key#file=<path>` arguments. */
  private withSecretFiles<T>(content: Record<string, string>, use: (args: string[]) => T): T {
    const dir = mkdtempSync(join(tmpdir(), "secret-"));
    try {
      const args = Object.entries(content).map(([k, v]) => {
        const path = join(dir, k);
        writeFileSync(path, v, { mode: 0o600 });
        return `${k}#file=${path}`;
      });
      return use(args);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private static metaArgs(opts: SecretMetaOptions): string[] {
    const args: string[] = [];
    if (opts.label !== undefined) args.push("--label", opts.label);
    if (opts.description !== undefined) args.push("--description", opts.description);
    if (opts.expire !== undefined) args.push("--expire", opts.expire);
    if (opts.rotate !== undefined) args.push("--rotate", opts.rotate);
    return args;
  }

  /** `secret-add`: returns the new secret's URI. */
  secretAdd(
    content: Record<string, string>,
    owner: "application" | "unit",
    opts: SecretMetaOptions,
  ): string {
    const out = this.withSecretFiles(content, (valueArgs) =>
      this.call("secret-add", ["--owner", owner, ...HookTools.metaArgs(opts), ...valueArgs]),
    );
    this.cache.delete("secret-ids");
    return out.trim();
  }

  /** `secret-set`: new content (a new revision) and/or metadata. */
  secretSet(
    id: string,
    content: Record<string, string> | undefined,
    opts: SecretMetaOptions,
  ): void {
    const meta = HookTools.metaArgs(opts);
    if (content)
      this.withSecretFiles(content, (valueArgs) =>
        this.call("secret-set", [id, ...meta, ...valueArgs]),
      );
    else this.call("secret-set", [id, ...meta]);
  }

  /** `secret-get`: the content of the tracked revision, or the latest with peek or refresh. */
  secretGet(
    ref: { id?: string; label?: string },
    mode: { peek?: boolean; refresh?: boolean } = {},
  ): Record<string, string> {
    const args: string[] = [];
    if (ref.id !== undefined) args.push(ref.id);
    if (ref.label !== undefined) args.push("--label", ref.label);
    if (mode.peek) args.push("--peek");
    if (mode.refresh) args.push("--refresh");
    return this.json<Record<string, string>>("secret-get", args);
  }

  /** `secret-info-get`: metadata of a secret this unit or app owns. */
  secretInfoGet(ref: { id?: string; label?: string }): SecretInfoData {
    const args = ref.id !== undefined ? [ref.id] : ["--label", ref.label ?? ""];
    const out = this.json<Record<string, Omit<SecretInfoData, "id">>>("secret-info-get", args);
    const [id, info] = Object.entries(out)[0] ?? [];
    if (id === undefined || info === undefined) {
      throw new SecretNotFoundError(
        `secret-info-get: no secret ${ref.id ?? ref.label}`,
        "secret-info-get",
      );
    }
    return { id, ...info };
  }

  /** `secret-ids`: the secrets this unit or app owns. */
  secretIds(): string[] {
    return this.json<string[] | null>("secret-ids", []) ?? [];
  }

  /** `secret-grant`. */
  secretGrant(id: string, relationId: number, unit?: string): void {
    this.call("secret-grant", [
      "--relation",
      String(relationId),
      ...(unit ? ["--unit", unit] : []),
      id,
    ]);
  }

  /** `secret-revoke`. */
  secretRevoke(id: string, relationId: number, unit?: string): void {
    this.call("secret-revoke", [
      "--relation",
      String(relationId),
      ...(unit ? ["--unit", unit] : []),
      id,
    ]);
  }

  /** `secret-remove`: one revision, or every revision. */
  secretRemove(id: string, revision?: number): void {
    this.call("secret-remove", [
      id,
      ...(revision !== undefined ? ["--revision", String(revision)] : []),
    ]);
  }

  // ---- ports, network

  /** `open-port` / `close-port`. */
  port(action: "open" | "close", protocol: "tcp" | "udp" | "icmp", port?: number): void {
    const spec = protocol === "icmp" ? "icmp" : `${port}/${protocol}`;
    this.call(`${action}-port`, [spec]);
    this.cache.delete("opened-ports");
  }

  /** `opened-ports`. */
  openedPorts(): string[] {
    return this.cached("opened-ports", () => this.json<string[] | null>("opened-ports", []) ?? []);
  }

  /** `network-get <binding> [-r id]`. */
  networkGet(binding: string, relation?: { endpoint: string; id: number }): NetworkInfoData {
    const args = [binding, ...(relation ? ["-r", `${relation.endpoint}:${relation.id}`] : [])];
    return this.cached(`network:${args.join(" ")}`, () =>
      this.json<NetworkInfoData>("network-get", args),
    );
  }

  // ---- actions

  /** `action-get`: the action's parameters, with schema defaults filled in by Juju. */
  actionGet(): Record<string, unknown> {
    return this.json<Record<string, unknown> | null>("action-get", []) ?? {};
  }

  /** `action-set` with flattened dotted keys. */
  actionSet(flat: Record<string, string>): void {
    const args = Object.entries(flat).map(([k, v]) => `${k}=${v}`);
    if (args.length) this.call("action-set", args);
  }

  /** `action-fail`. */
  actionFail(message: string): void {
    this.call("action-fail", ["--", message]);
  }

  /** `action-log`. */
  actionLog(message: string): void {
    this.call("action-log", ["--", message]);
  }

  // ---- storage, resources, goal state, credentials

  /** `storage-list [name]`. */
  storageList(name?: string): string[] {
    return this.json<string[] | null>("storage-list", name ? [name] : []) ?? [];
  }

  /** `storage-get -s <id>`. */
  storageGet(id: string): { kind: string; location: string } {
    return this.json<{ kind: string; location: string }>("storage-get", ["-s", id]);
  }

  /** `storage-add name=count`. */
  storageAdd(name: string, count: number): void {
    this.call("storage-add", [`${name}=${count}`]);
  }

  /** `resource-get <name>`: the path of the resource's file. */
  resourceGet(name: string): string {
    return this.call("resource-get", [name]).trim();
  }

  /** `goal-state`. */
  goalState(): { units: Record<string, { status: string }>; relations: Record<string, unknown> } {
    return this.json("goal-state", []);
  }

  /** `credential-get` (needs the app to be trusted). */
  credentialGet(): Record<string, unknown> {
    return this.json("credential-get", []);
  }

  /** Whether the caller called a tool named `tool` at least once. */
  called(tool: string): boolean {
    return (this.calls.get(tool) ?? 0) > 0;
  }

  /** Whether any stderr text means Juju refused for lack of permission. */
  static isAuthz(text: string): boolean {
    return AUTHZ.some((n) => text.includes(n));
  }
}
