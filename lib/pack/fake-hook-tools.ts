/**
 * Cheap stand-ins for Juju's hook tools, for running a built charm's `dispatch` outside Juju
 * (smoke tests, the hook-latency benchmark). Each tool is a tiny `#!/bin/sh` script that appends
 * one line to a log (`<tool>\t<args>\t<stdin>`) and prints a canned answer in the shape Juju
 * gives with `--format=json`. They keep no state between calls: writes are recorded, not
 * applied. For faithful semantics use the emulation in `lib/jujuc`.
 *
 * @example
 * ```ts
 * const tools = writeFakeHookTools(dir, { unit: "demo/0", config: { port: 8080 } });
 * spawnSync(join(charm, "dispatch"), { env: hookEnv({ charmDir: charm, hook: "config-changed", unit: "demo/0", toolsDir: tools.dir }) });
 * countToolCalls(tools.log); // { "config-get": 1, "status-set": 1, ... }
 * ```
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A relation the fake tools know. */
export interface FakeRelation {
  endpoint: string;
  id: number;
  /** The remote application's name. */
  remoteApp: string;
  /** Remote units that joined. */
  remoteUnits?: string[];
  /** Databags by member (unit or application name), as `relation-get` prints them. */
  data?: Record<string, Record<string, string>>;
}

/** What the fake tools answer. */
export interface FakeHookToolsSpec {
  /** This unit, e.g. `demo/0`. */
  unit: string;
  /** `is-leader` (default true). */
  leader?: boolean;
  /** `config-get` (set and defaulted options). */
  config?: Record<string, string | number | boolean>;
  relations?: FakeRelation[];
  /** `state-get` (default: no state, printed as `null` as Juju 4 does). */
  state?: Record<string, string>;
  /** `status-get` (default `maintenance`, no message). */
  status?: { status: string; message: string };
  /** Model UUID for `relation-model-get`. */
  modelUuid?: string;
}

/** Fake tools written to disk. */
export interface FakeHookTools {
  /** The directory holding the tools: put it first on `PATH`. */
  dir: string;
  /** The call log. */
  log: string;
  /** Names of the tools written. */
  tools: string[];
}

/** One logged call. */
export interface ToolCall {
  tool: string;
  args: string;
  stdin: string;
}

/** Quotes a word for `sh`. */
function sq(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

const json = (v: unknown): string => sq(JSON.stringify(v));

/** Parses the arguments every tool may get into `$key` (the first positional argument),
 * `$member` (the second), `$rel` (`-r`, id only), `$app` (`--app` or `--application[=true]`). */
const PARSE_ARGS = `key= member= rel= app= stdin_file= want=
for a in "$@"; do
  if [ -n "$want" ]; then eval "$want=\\$a"; want=; continue; fi
  case "$a" in
    -r|--relation) want=rel ;;
    -r=*|--relation=*) rel="\${a#*=}" ;;
    --file) want=stdin_file ;;
    --format|-o|--output|-l|--log-level|-s|--label|--owner|--unit|--revision|--endpoints) want=skip ;;
    --app|--application|--application=true|--application=True) app=1 ;;
    -|[!-]*) if [ -z "$key" ]; then key="$a"; elif [ -z "$member" ]; then member="$a"; fi ;;
    *) ;;
  esac
done
rel="\${rel##*:}"`;

/** Reads stdin when `--file -` was given, with shell built-ins only. */
const READ_STDIN = `input=
if [ "$stdin_file" = "-" ]; then
  while IFS= read -r line || [ -n "$line" ]; do input="$input$line"; line=; done
fi`;

const ERR_REL = `echo "ERROR invalid value \\"$rel\\" for option -r: relation not found" >&2; exit 2`;

function toolBodies(spec: FakeHookToolsSpec): Record<string, string> {
  const relations = spec.relations ?? [];
  const config = spec.config ?? {};
  const status = spec.status ?? { status: "maintenance", message: "" };

  const configCases = Object.entries(config)
    .map(([k, v]) => `  ${sq(k)}) echo ${json(v)} ;;`)
    .join("\n");
  const endpoints = [...new Set(relations.map((r) => r.endpoint))];
  const idsCases = endpoints
    .map((ep) => {
      const ids = relations.filter((r) => r.endpoint === ep).map((r) => `${ep}:${r.id}`);
      return `  ${sq(ep)}) echo ${json(ids)} ;;`;
    })
    .join("\n");
  const listCases = relations
    .map(
      (r) =>
        `  ${r.id}) if [ -n "$app" ]; then echo ${json(r.remoteApp)}; else echo ${json(r.remoteUnits ?? [])}; fi ;;`,
    )
    .join("\n");
  const getCases = relations
    .map((r) => {
      const members = Object.entries(r.data ?? {})
        .map(([member, bag]) => {
          const keys = Object.entries(bag)
            .map(([k, v]) => `      ${sq(k)}) echo ${json(v)} ;;`)
            .join("\n");
          return `    ${sq(member)})\n      case "$key" in\n      ''|-) echo ${json(bag)} ;;\n${keys}\n      *) echo null ;;\n      esac ;;`;
        })
        .join("\n");
      return `  ${r.id})\n    case "$member" in\n${members}\n    *) case "$key" in ''|-) echo '{}' ;; *) echo null ;; esac ;;\n    esac ;;`;
    })
    .join("\n");
  const stateCases = Object.entries(spec.state ?? {})
    .map(([k, v]) => `  ${sq(k)}) echo ${json(v)} ;;`)
    .join("\n");
  const statusData = { status: status.status, message: status.message, "status-data": {} };
  const appStatus = { "application-status": { ...statusData, units: { [spec.unit]: statusData } } };
  const network = {
    "bind-addresses": [
      {
        "mac-address": "",
        "interface-name": "eth0",
        addresses: [{ hostname: "", value: "10.1.0.10", cidr: "10.1.0.0/24" }],
      },
    ],
    "egress-subnets": ["10.1.0.10/32"],
    "ingress-addresses": ["10.1.0.10"],
  };
  const goal = {
    units: { [spec.unit]: { status: "active", since: "2026-01-01 00:00:00Z" } },
    relations: {},
  };
  const silent = "";
  return {
    "config-get": `case "$key" in\n  '') echo ${json(config)} ;;\n${configCases}\n  *) echo null ;;\nesac`,
    "is-leader": `echo ${spec.leader === false ? "false" : "true"}`,
    "relation-ids": `case "$key" in\n${idsCases}\n  *) echo '[]' ;;\nesac`,
    "relation-list": `case "$rel" in\n${listCases}\n  *) ${ERR_REL} ;;\nesac`,
    "relation-get": `case "$rel" in\n${getCases}\n  *) ${ERR_REL} ;;\nesac`,
    "relation-set": `case "$rel" in\n${relations.map((r) => `  ${r.id}) ;;`).join("\n")}\n  *) ${ERR_REL} ;;\nesac`,
    "relation-model-get": `echo ${json({ uuid: spec.modelUuid ?? "00000000-0000-4000-8000-000000000000" })}`,
    "state-get": `case "$key" in\n  ''|-) echo ${spec.state ? json(spec.state) : "null"} ;;\n${stateCases}\n  *) echo '""' ;;\nesac`,
    "state-set": silent,
    "state-delete": silent,
    "status-get": `if [ -n "$app" ]; then echo ${json(appStatus)}; else echo ${json(statusData)}; fi`,
    "status-set": silent,
    "application-version-set": silent,
    "juju-log": silent,
    "opened-ports": `echo '[]'`,
    "open-port": silent,
    "close-port": silent,
    "network-get": `echo ${json(network)}`,
    "goal-state": `echo ${json(goal)}`,
    "leader-get": `echo '{}'`,
    "action-get": `echo '{}'`,
    "action-set": silent,
    "action-log": silent,
    "action-fail": silent,
    "secret-ids": `echo '[]'`,
    "secret-add": `echo secret:d5fake00000000000000`,
    "secret-get": `echo "ERROR secret not found" >&2; exit 1`,
    "secret-info-get": `echo "ERROR secret not found" >&2; exit 1`,
    "secret-set": silent,
    "secret-grant": silent,
    "secret-revoke": silent,
    "secret-remove": silent,
    "storage-list": `echo '[]'`,
    "storage-add": silent,
    "resource-get": `echo "ERROR could not download resource: no such resource" >&2; exit 1`,
  };
}

/**
 * Writes the fake tools into `dir` (created if missing) with their log at `<dir>/calls.log`.
 *
 * @example
 * ```ts
 * const tools = writeFakeHookTools("/tmp/tools", {
 *   unit: "bench/0",
 *   config: { greeting: "hello" },
 *   relations: [{ endpoint: "website", id: 1, remoteApp: "client", remoteUnits: ["client/0"] }],
 * });
 * ```
 */
export function writeFakeHookTools(dir: string, spec: FakeHookToolsSpec): FakeHookTools {
  if (!/^[a-z][a-z0-9-]*\/\d+$/.test(spec.unit))
    throw new Error(`unit "${spec.unit}" is not <app>/<number>`);
  mkdirSync(dir, { recursive: true });
  const log = join(dir, "calls.log");
  writeFileSync(log, "");
  const bodies = toolBodies(spec);
  for (const [tool, body] of Object.entries(bodies)) {
    const script = [
      "#!/bin/sh",
      `# Fake ${tool}: logs the call, answers like Juju's ${tool} --format=json.`,
      PARSE_ARGS,
      READ_STDIN,
      `printf '%s\\t%s\\t%s\\n' ${tool} "$*" "$input" >>${sq(log)}`,
      body,
      "",
    ].join("\n");
    const path = join(dir, tool);
    writeFileSync(path, script);
    chmodSync(path, 0o755);
  }
  return { dir, log, tools: Object.keys(bodies) };
}

/**
 * The calls logged so far.
 *
 * @example
 * ```ts
 * readToolCalls(tools.log)[0]; // { tool: "state-get", args: "--format=json", stdin: "" }
 * ```
 */
export function readToolCalls(log: string): ToolCall[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const [tool = "", args = "", ...rest] = line.split("\t");
      return { tool, args, stdin: rest.join("\t") };
    });
}

/**
 * Calls per tool, sorted by tool name.
 *
 * @example
 * ```ts
 * countToolCalls(tools.log); // { "config-get": 1, "relation-set": 1, "status-set": 1 }
 * ```
 */
export function countToolCalls(log: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { tool } of readToolCalls(log)) counts[tool] = (counts[tool] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Empties the log (between runs).
 *
 * @example
 * ```ts
 * clearToolCalls(tools.log);
 * ```
 */
export function clearToolCalls(log: string): void {
  writeFileSync(log, "");
}
