/**
 * The daemon's methods: each request (see `protocol.ts`) maps to one controller operation, with
 * its parameters checked first. Refusals keep the controller's `SimError` code and message, so
 * the CLI prints Juju's wording. Long operations (bundle deploys, `wait`, `destroy-model`,
 * `kill`) report progress.
 *
 * | method | params | result |
 * |---|---|---|
 * | `ping` | | name, pid, models, options |
 * | `models` | | `[{ name, uuid, type, life, applications, units }]` |
 * | `add-model` / `destroy-model` | `name` / `model, timeoutMs?` | model / `{}` |
 * | `deploy` | `model, charm, baseDir, name?, config?, resources?, trust?, scale?` | `{ application }` |
 * | `deploy-bundle` | `model, path, overlays?, dryRun?` | `{ changes, applications }` |
 * | `remove-application` | `model, application` | `{}` |
 * | `integrate` / `remove-relation` | `model, a, b` / `model, a, b?` or `model, id` | `{ id, key }` / `{}` |
 * | `scale` | `model, application, scale` | `{}` |
 * | `config` | `model, application, set?, reset?` | the config view (no changes asked) or `{}` |
 * | `run` | `model, unit, action, params?, background?, timeoutMs?` | the action's result |
 * | `offer` / `consume` / `remove-saas` | `model, spec, name?` / `model, url, alias?` / `model, name` | offer / `{ name }` / `{}` |
 * | `status` | `model` | `{ status, integrations }` |
 * | `show-unit` | `model, unit` | the `show-unit` map |
 * | `debug-log` | `model, include?, level?, replay?, lines?, cursor?` | `{ entries, cursor }` |
 * | `task` | `model, id` | the action's state and result |
 * | `resolve` | `model, unit, retry?` | `{}` |
 * | `wait` | `timeoutMs?` | the settle result |
 * | `stop` / `kill` | | `{}` (the daemon then exits) |
 *
 * @example
 * ```ts
 * const api = new DaemonApi({ controller, catalogue, stateDir, onExit: (kill) => shutdown(kill) });
 * await api.handle({ method: "status", params: { model: "jaas" } }, ctx);
 * ```
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { goQuote } from "../../jujuc/internal/go-format.js";
import type { CharmCatalogue } from "../bundle/catalogue.js";
import { deployBundle, deployCharm } from "../bundle/deploy.js";
import { loadBundle } from "../bundle/load.js";
import type { ActionResult, Controller } from "../controller.js";
import { invalid, notFound, SimError } from "../errors.js";
import type { ModelType } from "../model/types.js";
import type { ConfigInput } from "../validate/config.js";
import type { AgentLog } from "./agent-log.js";
import { readDebugLog } from "./debug-log.js";
import type { DaemonOptions } from "./home.js";
import type { Request } from "./protocol.js";
import type { RequestContext } from "./server.js";
import { configView, integrationRows } from "./views.js";

/** What {@link DaemonApi} works with. */
export interface DaemonApiDeps {
  controller: Controller;
  catalogue: CharmCatalogue;
  /** The controller's state folder (unit logs are read from it). */
  stateDir: string;
  /** The unit agents' log lines. */
  agentLog: AgentLog;
  options: DaemonOptions;
  /** Called after a `stop` (`kill: false`) or `kill` (`kill: true`) request was answered. */
  onExit: (kill: boolean) => Promise<void>;
}

type Params = Record<string, unknown>;

function bad(message: string): SimError {
  return invalid(`bad request: ${message}`);
}

function str(p: Params, key: string): string {
  const v = p[key];
  if (typeof v !== "string" || v === "") throw bad(`${key} must be a non-empty string`);
  return v;
}

function optStr(p: Params, key: string): string | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw bad(`${key} must be a string`);
  return v;
}

function optNum(p: Params, key: string): number | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw bad(`${key} must be a number`);
  return v;
}

function optBool(p: Params, key: string): boolean | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw bad(`${key} must be true or false`);
  return v;
}

function strList(p: Params, key: string): string[] {
  const v = p[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
    throw bad(`${key} must be a list of strings`);
  }
  return v as string[];
}

function map(p: Params, key: string): Record<string, unknown> {
  const v = p[key];
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) throw bad(`${key} must be a map`);
  return v as Record<string, unknown>;
}

function configInputs(p: Params, key: string): Record<string, ConfigInput> {
  const out: Record<string, ConfigInput> = {};
  for (const [k, v] of Object.entries(map(p, key))) {
    if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") {
      out[k] = v;
    } else throw bad(`${key}.${k} must be a string, number, boolean or null`);
  }
  return out;
}

function stringMap(p: Params, key: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map(p, key))) {
    if (typeof v !== "string") throw bad(`${key}.${k} must be a string`);
    out[k] = v;
  }
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The daemon's methods (see the module documentation).
 *
 * @example
 * ```ts
 * await serve(socket, (req, ctx) => api.handle(req, ctx));
 * ```
 */
export class DaemonApi {
  readonly #deps: DaemonApiDeps;
  readonly #methods: Record<string, (p: Params, ctx: RequestContext) => Promise<unknown>>;

  constructor(deps: DaemonApiDeps) {
    this.#deps = deps;
    const c = deps.controller;
    this.#methods = {
      ping: async () => ({
        name: c.state.name,
        uuid: c.state.uuid,
        pid: process.pid,
        models: Object.keys(c.state.models).sort(),
        options: deps.options,
        networkPrefix: c.network?.prefix ?? null,
      }),
      models: async () =>
        Object.values(c.state.models)
          .sort((a, b) => (a.name < b.name ? -1 : 1))
          .map((m) => ({
            name: m.name,
            uuid: m.uuid,
            type: m.type,
            life: m.life,
            cloud: m.cloudSpec?.name ?? "",
            region: m.cloudSpec?.region ?? "",
            applications: Object.keys(m.applications).length,
            units: Object.keys(m.units).length,
          })),
      "add-model": async (p) => {
        const type = optStr(p, "type");
        const model = await c.addModel(
          str(p, "name"),
          type !== undefined ? { type: type as ModelType } : {},
        );
        const spec = c.state.models[model.name]?.cloudSpec;
        return { ...model, cloud: spec?.name ?? "", region: spec?.region ?? "" };
      },
      "destroy-model": async (p, ctx) => {
        const model = str(p, "model");
        const state = c.state.models[model];
        if (state === undefined) throw notFound(`model ${goQuote(model)} not found`);
        ctx.progress(
          `Destroying model ${model}: ${Object.keys(state.applications).length} application(s), ${Object.keys(state.units).length} unit(s)`,
        );
        const destroying = c.destroyModel(model, { timeoutMs: optNum(p, "timeoutMs") ?? 120_000 });
        const settled = destroying.then(
          () => true,
          () => true,
        );
        while (!(await Promise.race([settled, sleep(2000).then(() => false)]))) {
          const left = c.state.models[model];
          if (left !== undefined) {
            ctx.progress(
              `Waiting for model to be removed, ${Object.keys(left.units).length} unit(s)...`,
            );
          }
        }
        await destroying;
        deps.agentLog.flush();
        rmSync(join(deps.agentLog.dir, model), { recursive: true, force: true });
        return {};
      },
      deploy: async (p, ctx) => {
        const scale = optNum(p, "scale");
        const name = optStr(p, "name");
        const trust = optBool(p, "trust");
        const application = await deployCharm(
          c,
          str(p, "model"),
          {
            charm: str(p, "charm"),
            baseDir: optStr(p, "baseDir") ?? process.cwd(),
            ...(name !== undefined ? { name } : {}),
            config: configInputs(p, "config"),
            resources: stringMap(p, "resources"),
            ...(trust !== undefined ? { trust } : {}),
            ...(scale !== undefined ? { scale } : {}),
          },
          { catalogue: deps.catalogue, progress: ctx.progress },
        );
        return { application };
      },
      "deploy-bundle": async (p, ctx) => {
        const path = str(p, "path");
        const loaded = loadBundle(path, { overlays: strList(p, "overlays") });
        return deployBundle(c, str(p, "model"), loaded, {
          catalogue: deps.catalogue,
          progress: ctx.progress,
          dryRun: optBool(p, "dryRun") ?? false,
        });
      },
      "remove-application": async (p) => {
        await c.removeApplication(str(p, "model"), str(p, "application"));
        return {};
      },
      integrate: async (p) => c.integrate(str(p, "model"), str(p, "a"), str(p, "b")),
      "remove-relation": async (p) => {
        const id = optNum(p, "id");
        if (id !== undefined) await c.removeRelation(str(p, "model"), id);
        else await c.removeRelation(str(p, "model"), str(p, "a"), str(p, "b"));
        return {};
      },
      scale: async (p) => {
        const scale = optNum(p, "scale");
        if (scale === undefined) throw bad("scale is required");
        await c.scale(str(p, "model"), str(p, "application"), scale);
        return {};
      },
      config: async (p) => {
        const model = str(p, "model");
        const app = str(p, "application");
        const set = configInputs(p, "set");
        const reset = strList(p, "reset");
        if (Object.keys(set).length === 0 && reset.length === 0) {
          return configView(c.state, model, app);
        }
        for (const key of reset) {
          if (key in set) throw invalid(`cannot set and reset key ${goQuote(key)} simultaneously`);
        }
        const values: Record<string, ConfigInput> = { ...set };
        for (const key of reset) values[key] = null;
        await c.config(model, app, values);
        return {};
      },
      run: async (p, ctx) => this.run(p, ctx),
      offer: async (p) => c.offer(str(p, "model"), str(p, "spec"), optStr(p, "name")),
      consume: async (p) => ({
        name: await c.consume(str(p, "model"), str(p, "url"), optStr(p, "alias")),
      }),
      "remove-saas": async (p) => {
        await c.removeSaas(str(p, "model"), str(p, "name"));
        return {};
      },
      status: async (p) => {
        const model = str(p, "model");
        return { status: c.status(model), integrations: integrationRows(c.state, model) };
      },
      "show-unit": async (p) => c.showUnit(str(p, "model"), str(p, "unit")),
      "debug-log": async (p) => {
        const model = str(p, "model");
        if (c.state.models[model] === undefined)
          throw notFound(`model ${goQuote(model)} not found`);
        const cursor = map(p, "cursor");
        const level = optStr(p, "level");
        const lines = optNum(p, "lines");
        deps.agentLog.flush();
        return readDebugLog(
          { state: deps.stateDir, agent: deps.agentLog.dir },
          {
            model,
            include: strList(p, "include"),
            ...(level !== undefined ? { level } : {}),
            replay: optBool(p, "replay") ?? false,
            ...(lines !== undefined ? { lines } : {}),
            ...(p.cursor !== undefined && p.cursor !== null
              ? {
                  cursor: Object.fromEntries(
                    Object.entries(cursor).map(([k, v]) => [k, Number(v)]),
                  ),
                }
              : {}),
          },
        );
      },
      task: async (p) => {
        const id = str(p, "id");
        const action = c.action(str(p, "model"), id);
        if (action === undefined) throw notFound(`task ${goQuote(id)} not found`);
        return action;
      },
      resolve: async (p) => {
        await c.resolve(str(p, "model"), str(p, "unit"), { retry: optBool(p, "retry") ?? true });
        return {};
      },
      wait: async (p, ctx) => this.wait(optNum(p, "timeoutMs") ?? 600_000, ctx),
      stop: async () => {
        setImmediate(() => void deps.onExit(false));
        return {};
      },
      kill: async (_p, ctx) => {
        ctx.progress(`Destroying controller ${goQuote(c.state.name)}`);
        const models = c.state.models;
        const units = Object.values(models).reduce((n, m) => n + Object.keys(m.units).length, 0);
        ctx.progress(
          `Killing ${Object.keys(models).length} model(s) and ${units} unit(s): processes, containers, network namespaces`,
        );
        await deps.onExit(true);
        return {};
      },
    };
  }

  /**
   * Runs one request.
   *
   * @example
   * ```ts
   * await api.handle({ method: "scale", params: { model: "jaas", application: "demo", scale: 3 } }, ctx);
   * ```
   */
  async handle(request: Request, ctx: RequestContext): Promise<unknown> {
    const method = this.#methods[request.method];
    if (method === undefined) {
      throw new SimError("unsupported", `the controller has no method ${goQuote(request.method)}`);
    }
    return method(request.params ?? {}, ctx);
  }

  private async run(p: Params, ctx: RequestContext): Promise<ActionResult | { id: string }> {
    const c = this.#deps.controller;
    const model = str(p, "model");
    const unit = str(p, "unit");
    const id = await c.enqueueAction(model, unit, str(p, "action"), map(p, "params"));
    if (optBool(p, "background") === true) return { id };
    ctx.progress(`Running operation ${id} with 1 task`);
    ctx.progress(`  - task ${id} on unit-${unit.replace("/", "-")}`);
    ctx.progress("");
    ctx.progress(`Waiting for task ${id}...`);
    const timeoutMs = optNum(p, "timeoutMs");
    const deadline = timeoutMs !== undefined && timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
    for (;;) {
      const action = c.action(model, id);
      if (action === undefined) throw notFound(`task ${id} not found`);
      if (action.status !== "pending" && action.status !== "running") return action;
      if (Date.now() > deadline) return action;
      if (ctx.signal.aborted) return action;
      await sleep(50);
    }
  }

  /** Settles, reporting the busy units every few seconds; quiet for 1 s counts as done. */
  private async wait(timeoutMs: number, ctx: RequestContext): Promise<unknown> {
    const c = this.#deps.controller;
    const deadline = Date.now() + timeoutMs;
    let hooksRun = 0;
    let quietSince: number | undefined;
    let lastReport = 0;
    for (;;) {
      const slice = Math.max(1, Math.min(1000, deadline - Date.now()));
      const r = await c.settle({ timeoutMs: slice });
      hooksRun += r.hooksRun;
      const now = Date.now();
      if (r.idle && r.hooksRun === 0) quietSince ??= now;
      else quietSince = undefined;
      if (r.idle && quietSince !== undefined && now - quietSince >= 1000) {
        return { ...r, hooksRun };
      }
      if (now >= deadline || ctx.signal.aborted) return { ...r, idle: false, hooksRun };
      if (now - lastReport >= 3000) {
        lastReport = now;
        const busy = r.busy.length > 0 ? `running hooks on ${r.busy.join(", ")}` : "settling";
        const errors =
          r.errors.length > 0 ? `; in error: ${r.errors.map((e) => e.unit).join(", ")}` : "";
        ctx.progress(`Waiting: ${busy}${errors}`);
      }
      if (r.idle) await sleep(200);
    }
  }
}
