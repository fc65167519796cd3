/**
 * Views of the controller's state that `juju` prints and the controller's API does not give
 * directly: the integrations of a model (the provider/requirer table of `juju status
 * --relations`) and an application's config as `juju config <app>` prints it.
 *
 * @example
 * ```ts
 * integrationRows(controller.state, "jaas");
 * // [{ id: 0, provider: "demo:replicas", requirer: "demo:replicas", interface: "demo-replicas", type: "peer", message: "" }]
 * ```
 */
import type { ConfigValue } from "../../jujuc/context.js";
import { CharmMeta } from "../../ops/metadata.js";
import type { ControllerState } from "../model/types.js";
import { mustApp, mustModel, otherSide, viewAppName } from "../model/view.js";

/** One row of the integrations table. */
export interface IntegrationRow {
  id: number;
  /** `app:endpoint` as the model sees it (a SAAS name or `remote-<token>` for the other model). */
  provider: string;
  requirer: string;
  interface: string;
  type: "peer" | "regular";
  /** `broken` while the relation is being removed. */
  message: string;
}

/**
 * The integrations a model takes part in, sorted by provider then requirer.
 *
 * @example
 * ```ts
 * integrationRows(state, "app").find((r) => r.requirer === "reader:sink")?.provider; // "shared:source"
 * ```
 */
export function integrationRows(state: ControllerState, model: string): IntegrationRow[] {
  mustModel(state, model);
  const rows: IntegrationRow[] = [];
  for (const rel of state.relations) {
    const mine = rel.sides.findIndex((s) => s.model === model);
    const side = rel.sides[mine];
    if (side === undefined) continue;
    const name = (i: number): string => {
      const s = rel.sides[i];
      return s === undefined ? "" : `${viewAppName(rel, mine, i)}:${s.endpoint}`;
    };
    let provider: string;
    let requirer: string;
    if (rel.peer) {
      provider = requirer = name(mine);
    } else {
      const other = otherSide(rel, mine);
      const providerIndex = side.role === "provides" ? mine : other;
      provider = name(providerIndex);
      requirer = name(providerIndex === mine ? other : mine);
    }
    rows.push({
      id: rel.id,
      provider,
      requirer,
      interface: rel.interface,
      type: rel.peer ? "peer" : "regular",
      message: rel.life === "alive" ? "" : "broken",
    });
  }
  return rows.sort((a, b) =>
    a.provider === b.provider
      ? a.requirer < b.requirer
        ? -1
        : 1
      : a.provider < b.provider
        ? -1
        : 1,
  );
}

/** One option of `juju config <app>`. */
export interface ConfigSetting {
  default?: ConfigValue;
  description: string;
  source: "default" | "user" | "unset";
  type: string;
  value?: ConfigValue;
}

/** `juju config <app>` (YAML or JSON). */
export interface ConfigView {
  application: string;
  "application-config": { trust: ConfigSetting };
  charm: string;
  settings: Record<string, ConfigSetting>;
}

/**
 * An application's config with defaults, descriptions and where each value comes from.
 *
 * @example
 * ```ts
 * configView(state, "jaas", "demo").settings.port; // { default: 8080, source: "default", type: "int", value: 8080, ... }
 * ```
 */
export function configView(state: ControllerState, model: string, appName: string): ConfigView {
  const app = mustApp(mustModel(state, model), appName);
  const meta = CharmMeta.fromCharmDir(app.charmDir);
  const settings: Record<string, ConfigSetting> = {};
  for (const name of [...meta.config.keys()].sort()) {
    const option = meta.config.get(name);
    if (option === undefined) continue;
    const set = app.config[name];
    const value = set ?? option.default;
    settings[name] = {
      ...(option.default !== undefined ? { default: option.default } : {}),
      description: option.description ?? "",
      source: set !== undefined ? "user" : option.default !== undefined ? "default" : "unset",
      type: option.type === "boolean" ? "boolean" : option.type,
      ...(value !== undefined ? { value } : {}),
    };
  }
  return {
    application: appName,
    "application-config": {
      trust: {
        default: false,
        description: "Does this application have access to trusted credentials",
        source: app.trust ? "user" : "default",
        type: "bool",
        value: app.trust,
      },
    },
    charm: app.charmName,
    settings,
  };
}
