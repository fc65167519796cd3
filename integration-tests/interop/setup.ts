/**
 * Shared set-up of the interop tests: one virtual environment with `ops` and the published
 * Python interface libraries (pinned), the Python charms ready to deploy (a copy of
 * `py-<interface>-<role>/` whose `venv` links to that environment), the TypeScript charms built
 * with `lib/pack`, a recorder of every hook-tool argument, and the secret-leak scan. A test file
 * uses them through `interopSuite` (`suite.ts`), which also registers its set-up and clean-up.
 *
 * @example
 * ```ts
 * const venv = ensureInteropVenv();
 * const py = preparePyCharm("py-openfga-requirer", join(tmp, "py"), venv);
 * const ts = await buildTsCharm("ts-openfga-provider", join(tmp, "ts"));
 * ```
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { HookToolServer } from "../../lib/jujuc/server.js";
import type { HookToolRequest, HookToolResponse } from "../../lib/jujuc/server.js";
import { buildCharmDir } from "../../lib/pack/build.js";
import { Controller } from "../../lib/sim/controller.js";
import type { SettleResult } from "../../lib/sim/controller.js";
import type { SecretState } from "../../lib/sim/model/types.js";
import type { RelationInfoOutput } from "../../lib/sim/show-unit.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, "..", "..");

/** Where the interop tests keep their one virtual environment. */
export const INTEROP_VENV = join(REPO_ROOT, ".cache", "interop-venv");

/** The distributions installed in {@link INTEROP_VENV}, pinned. */
export const PINS: Readonly<Record<string, string>> = {
  ops: "3.9.0",
  "dpcharmlibs-interfaces": "1.2.2",
  "charmlibs-interfaces-openfga": "1.0.0",
  "charmlibs-interfaces-tls-certificates": "1.12.0",
  "charmlibs-interfaces-certificate-transfer": "1.1.0",
  "charmlibs-interfaces-oauth": "1.2.0",
  "charmlibs-interfaces-tracing": "1.0.0",
};

/** Installed versions of {@link PINS} that `python` sees (missing ones left out). */
function installed(python: string): Record<string, string> {
  const code =
    "import json, sys\nfrom importlib import metadata\nout = {}\n" +
    "for name in sys.argv[1:]:\n    try:\n        out[name] = metadata.version(name)\n" +
    "    except metadata.PackageNotFoundError:\n        pass\nprint(json.dumps(out))\n";
  const r = spawnSync(python, ["-c", code, ...Object.keys(PINS)], { encoding: "utf8" });
  return r.status === 0 ? (JSON.parse(r.stdout) as Record<string, string>) : {};
}

function pinsMet(python: string): boolean {
  const got = installed(python);
  return Object.entries(PINS).every(([name, version]) => got[name] === version);
}

/**
 * Makes the shared virtual environment (`python3 -m venv`, then its own pip) with every pin of
 * {@link PINS}, unless it already holds them; returns its directory.
 *
 * @example
 * ```ts
 * const venv = ensureInteropVenv(); // "<repo>/.cache/interop-venv"
 * ```
 */
export function ensureInteropVenv(venv: string = INTEROP_VENV): string {
  const python = join(venv, "bin", "python3");
  if (existsSync(python) && pinsMet(python)) return venv;
  if (!existsSync(python)) execFileSync("python3", ["-m", "venv", venv], { stdio: "inherit" });
  const specs = Object.entries(PINS).map(([name, version]) => `${name}==${version}`);
  execFileSync(
    join(venv, "bin", "pip"),
    ["install", "--quiet", "--disable-pip-version-check", ...specs],
    { stdio: "inherit" },
  );
  if (!pinsMet(python)) {
    throw new Error(`interop venv: pins not met, have ${JSON.stringify(installed(python))}`);
  }
  return venv;
}

/**
 * Copies the Python charm `name` (a folder next to this file) into `outDir` and links its
 * `venv` to `venv`, as charmcraft packs a Python charm's dependencies in its own `venv/`.
 *
 * @example
 * ```ts
 * const dir = preparePyCharm("py-openfga-requirer", "/tmp/x/py", ensureInteropVenv());
 * ```
 */
export function preparePyCharm(name: string, outDir: string, venv: string): string {
  cpSync(join(HERE, name), outDir, {
    recursive: true,
    filter: (src) => !src.includes("__pycache__"),
  });
  symlinkSync(resolve(venv), join(outDir, "venv"));
  return outDir;
}

/**
 * Builds the TypeScript charm `name` (a folder next to this file with `charmcraft.yaml` and
 * `src/main.ts`) into `outDir`, with the machine's Node linked.
 *
 * @example
 * ```ts
 * const dir = await buildTsCharm("ts-openfga-provider", "/tmp/x/ts");
 * ```
 */
export async function buildTsCharm(name: string, outDir: string): Promise<string> {
  const src = join(HERE, name);
  const built = await buildCharmDir({
    charmDir: src,
    entry: join(src, "src", "main.ts"),
    outDir,
    node: process.execPath,
    nodeInstall: "symlink",
  });
  return built.dir;
}

/**
 * The first 12 hex digits of the SHA-256 of a value: what the test charms show instead of a
 * secret value.
 *
 * @example
 * ```ts
 * digest("s3cret"); // 12 hex digits
 * ```
 */
export function digest(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 12);
}

/**
 * {@link digest} of a PEM text with its surrounding white space trimmed: what the test charms
 * show for a certificate.
 *
 * @example
 * ```ts
 * pemDigest(caPem); // 12 hex digits
 * ```
 */
export function pemDigest(pem: string): string {
  return digest(pem.trim());
}

/** One hook-tool call as the recorder keeps it. */
export interface ToolCall {
  tool: string;
  args: string[];
}

/** Hook-tool calls recorded while {@link recordToolCalls} is on. */
const toolCalls: ToolCall[] = [];
let restoreHandle: (() => void) | undefined;

/**
 * Records the arguments of every hook-tool process (`secret-add`, `relation-set`, …) served in
 * this test process, by wrapping the hook-tool server's request handler; returns the live list
 * and a function that stops recording.
 *
 * @example
 * ```ts
 * const { calls, stop } = recordToolCalls();
 * // ... run hooks ...
 * stop();
 * ```
 */
export function recordToolCalls(): { calls: ToolCall[]; stop: () => void } {
  if (restoreHandle === undefined) {
    const original = Object.getOwnPropertyDescriptor(HookToolServer.prototype, "handle");
    const handle = HookToolServer.prototype.handle;
    HookToolServer.prototype.handle = function (
      this: HookToolServer,
      request: HookToolRequest,
    ): HookToolResponse {
      toolCalls.push({ tool: request.tool, args: [...request.args] });
      return handle.call(this, request);
    };
    restoreHandle = () => {
      if (original !== undefined)
        Object.defineProperty(HookToolServer.prototype, "handle", original);
      restoreHandle = undefined;
    };
  }
  return { calls: toolCalls, stop: () => restoreHandle?.() };
}

/** One place a secret value was found. */
export interface Leak {
  where: string;
  /** The secret's content key (never the value). */
  key: string;
}

/** What {@link scanForLeaks} found and how much it looked at. */
export interface LeakScan {
  /** Every place a secret value shows (empty when clean). */
  leaks: Leak[];
  /** How many distinct secret values were looked for. */
  secrets: number;
  /** How many relation databags, log lines, status entries and hook-tool calls were read. */
  scanned: Record<"bags" | "logLines" | "statuses" | "toolCalls", number>;
}

/** One text the model shows outside its secrets, and where. */
export interface VisibleText {
  kind: "bags" | "logLines" | "statuses" | "showUnit" | "status" | "toolCalls";
  where: string;
  text: string;
}

/** Secret content values too common to mean anything when found (`tls` = `"False"`). */
function trivial(value: string): boolean {
  return value.length < 6 || /^(true|false)$/i.test(value);
}

/**
 * Every secret value of a model's secrets, by content key (every revision), leaving out
 * values listed as public (`publicKeys`, e.g. a CA certificate) and trivial ones.
 *
 * @example
 * ```ts
 * const values = secretValues(c, "m", ["tls-ca"]);
 * ```
 */
export function secretValues(
  c: Controller,
  model: string,
  publicKeys: readonly string[] = [],
): Map<string, string> {
  const out = new Map<string, string>();
  for (const secret of Object.values(c.state.models[model]?.secrets ?? {})) {
    for (const content of Object.values(secret.revisions)) {
      for (const [key, value] of Object.entries(content)) {
        if (publicKeys.includes(key) || trivial(value)) continue;
        out.set(value, key);
      }
    }
  }
  return out;
}

/**
 * Everything `model` shows outside its secrets: every relation databag, each unit's log lines,
 * status history and show-unit bags, `juju status`, and the arguments of the recorded hook-tool
 * calls (joined with spaces, so that a value split over arguments shows too).
 *
 * @example
 * ```ts
 * const hits = visibleTexts(c, "m", calls).filter((t) => t.text.includes("PRIVATE KEY"));
 * ```
 */
export function visibleTexts(
  c: Controller,
  model: string,
  calls: readonly ToolCall[],
): VisibleText[] {
  const m = c.state.models[model];
  if (m === undefined) throw new Error(`no model ${model}`);
  const out: VisibleText[] = [];
  for (const rel of c.state.relations) {
    out.push({
      kind: "bags",
      where: `relation ${rel.id} databags`,
      text: JSON.stringify(rel.sides),
    });
  }
  for (const unit of Object.keys(m.units)) {
    for (const line of c.unitLog(model, unit)) {
      out.push({ kind: "logLines", where: `${unit} log (${line.logger})`, text: line.message });
    }
    for (const entry of c.statusLog(model, unit)) {
      out.push({ kind: "statuses", where: `${unit} status history`, text: entry.message });
    }
    for (const bag of Object.values(c.showUnit(model, unit))) {
      out.push({ kind: "showUnit", where: `${unit} show-unit`, text: JSON.stringify(bag) });
    }
  }
  out.push({ kind: "status", where: "juju status", text: JSON.stringify(c.status(model)) });
  for (const call of calls) {
    out.push({ kind: "toolCalls", where: `argv of ${call.tool}`, text: call.args.join(" ") });
  }
  return out;
}

/**
 * Looks for every secret value of `model` (but those under `publicKeys`) in everything it shows
 * outside its secrets ({@link visibleTexts}): relation databags, unit logs, status messages
 * (current and history, unit and application) and the recorded hook-tool arguments. Returns
 * where each was found (empty when clean) and how much was scanned.
 *
 * @example
 * ```ts
 * const { leaks } = scanForLeaks(c, "m", calls);
 * expect(leaks).toEqual([]);
 * ```
 */
export function scanForLeaks(
  c: Controller,
  model: string,
  calls: readonly ToolCall[],
  publicKeys: readonly string[] = [],
): LeakScan {
  const values = secretValues(c, model, publicKeys);
  const leaks: Leak[] = [];
  const scanned = { bags: 0, logLines: 0, statuses: 0, toolCalls: 0 };
  for (const { kind, where, text } of visibleTexts(c, model, calls)) {
    if (kind in scanned) scanned[kind as keyof typeof scanned] += 1;
    for (const [value, key] of values) if (text.includes(value)) leaks.push({ where, key });
  }
  return { leaks, secrets: values.size, scanned };
}

/**
 * A controller with one model for an interop test, and the helpers the tests share. `close`
 * destroys the controller and removes the temporary folder, whatever happened before.
 *
 * @example
 * ```ts
 * const env = await InteropEnv.start("pg");
 * try { ... } finally { await env.close(); }
 * ```
 */
export class InteropEnv {
  private constructor(
    readonly tmp: string,
    readonly controller: Controller,
    readonly model: string,
  ) {}

  static async start(model: string): Promise<InteropEnv> {
    const tmp = mkdtempSync(join(tmpdir(), `jsim-interop-${model}-`));
    try {
      const c = await Controller.create({
        stateDir: join(tmp, "controller"),
        updateStatusIntervalMs: 0,
        timeScale: 0.005,
        persist: false,
      });
      try {
        await c.addModel(model);
      } catch (e) {
        await c.destroy({ removeState: true });
        throw e;
      }
      return new InteropEnv(tmp, c, model);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
  }

  /** Settles the model and fails on units in error or a timeout. */
  async settle(timeoutMs = 240_000): Promise<SettleResult> {
    const r = await this.controller.settle({ timeoutMs });
    if (r.errors.length > 0 || !r.idle) {
      const logs = r.errors
        .map((e) =>
          this.controller
            .unitLog(this.model, e.unit)
            .slice(-40)
            .map((l) => `${e.unit} ${l.level} ${l.message}`)
            .join("\n"),
        )
        .join("\n");
      throw new Error(
        `settle: errors ${JSON.stringify(r.errors)} busy ${r.busy.join(",")}\n${logs}`,
      );
    }
    return r;
  }

  /** A unit's workload status. */
  workload(unit: string): { current: string; message: string } {
    const app = unit.slice(0, unit.indexOf("/"));
    const s = this.controller.status(this.model).applications[app]?.units?.[unit]?.[
      "workload-status"
    ];
    return { current: s?.current ?? "", message: s?.message ?? "" };
  }

  /** `unit`'s relation on `endpoint`, as show-unit gives it (the first one). */
  private relationInfo(unit: string, endpoint: string): RelationInfoOutput {
    const info = this.controller.showUnit(this.model, unit)[unit];
    const rel = info?.["relation-info"].find((r) => r.endpoint === endpoint);
    if (rel === undefined) throw new Error(`${unit} has no ${endpoint} relation`);
    return rel;
  }

  /** The id of `unit`'s relation on `endpoint`. */
  relationId(unit: string, endpoint: string): number {
    return this.relationInfo(unit, endpoint)["relation-id"];
  }

  /** The remote application's bag on `unit`'s relation `endpoint`, as show-unit gives it. */
  appBag(unit: string, endpoint: string): Record<string, string> {
    return { ...(this.relationInfo(unit, endpoint)["application-data"] ?? {}) };
  }

  /** The remote unit bags seen from `unit`'s relation `endpoint`. */
  remoteUnitBags(unit: string, endpoint: string): Record<string, Record<string, string>> {
    const rel = this.relationInfo(unit, endpoint);
    const out: Record<string, Record<string, string>> = {};
    for (const [name, u] of Object.entries(rel["related-units"] ?? {})) out[name] = { ...u.data };
    return out;
  }

  /** Log lines of a unit (message only). */
  log(unit: string): string[] {
    return this.controller.unitLog(this.model, unit).map((l) => l.message);
  }

  /** The content (latest revision) of the one secret that `match` picks, or undefined. */
  private latestContent(match: (s: SecretState) => boolean): Record<string, string> | undefined {
    const s = Object.values(this.controller.state.models[this.model]?.secrets ?? {}).find(match);
    return s === undefined ? undefined : { ...(s.revisions[String(s.latestRevision)] ?? {}) };
  }

  /** The content (latest revision) of the one secret whose label is `label`. */
  secretByLabel(label: string): Record<string, string> {
    const content = this.latestContent((x) => x.label === label);
    if (content === undefined) throw new Error(`no secret labelled ${label}`);
    return content;
  }

  /** The content (latest revision) of the secret labelled `label` that the unit `unit` owns. */
  unitSecret(unit: string, label: string): Record<string, string> {
    const content = this.latestContent(
      (x) => x.label === label && x.owner.kind === "unit" && x.owner.unit === unit,
    );
    if (content === undefined) throw new Error(`${unit} has no secret labelled ${label}`);
    return content;
  }

  /** The content (latest revision) of the secret with this URI (any form). */
  secretById(uri: string): Record<string, string> {
    const xid = uri.slice(uri.lastIndexOf("/") + 1).replace(/^secret:/, "");
    const content = this.latestContent((x) => x.xid === xid);
    if (content === undefined) throw new Error(`no secret ${uri}`);
    return content;
  }

  async close(): Promise<void> {
    try {
      await this.controller.destroy({ removeState: true });
    } finally {
      rmSync(this.tmp, { recursive: true, force: true });
    }
  }
}
