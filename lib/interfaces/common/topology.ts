/**
 * Juju topology: the model, model UUID, application, unit and charm that telemetry comes from,
 * in the shapes the COS libraries (cos-lib `JujuTopology`) put it on the wire and in labels.
 * Shared by prometheus_scrape (`scrape_metadata`, rule labels), loki_push_api (`metadata`, log
 * labels) and grafana_dashboard (`juju_topology`, without the charm name).
 *
 * @example
 * ```ts
 * const topology = JujuTopology.fromModel(this.model, this.meta.name);
 * topology.identifier;       // "jimm-model_1d8a3f2e_jimm"
 * topology.labelMatcherDict; // { juju_model: "jimm-model", ..., juju_charm: "juju-jimm-k8s" }
 * ```
 */
import type { Model } from "../../ops/model/model.js";

/**
 * The topology dict of the wire (`scrape_metadata`, Loki `metadata`), in cos-lib's key order.
 *
 * @example
 * ```ts
 * const d: TopologyDict = topology.asDict(); d.charm_name;
 * ```
 */
export interface TopologyDict {
  model: string;
  model_uuid: string;
  application: string;
  unit: string;
  charm_name: string;
  [key: string]: string;
}

/**
 * Where some telemetry comes from.
 *
 * @example
 * ```ts
 * new JujuTopology("m", uuid, "jimm", "jimm/0", "juju-jimm-k8s").identifier; // "m_<uuid8>_jimm"
 * ```
 */
export class JujuTopology {
  constructor(
    readonly model: string,
    readonly modelUuid: string,
    readonly application: string,
    /** The unit name; `""` when unknown. */
    readonly unit: string = "",
    /** The charm name from the metadata; `""` when unknown. */
    readonly charmName: string = "",
  ) {}

  /**
   * The topology of this unit.
   *
   * @example
   * ```ts
   * JujuTopology.fromModel(charm.model, charm.meta.name);
   * ```
   */
  static fromModel(model: Model, charmName: string): JujuTopology {
    return new JujuTopology(model.name, model.uuid, model.app.name, model.unit.name, charmName);
  }

  /** `{model, model_uuid, application, unit, charm_name}`, as cos-lib's `as_dict()`. */
  asDict(): TopologyDict {
    return {
      model: this.model,
      model_uuid: this.modelUuid,
      application: this.application,
      unit: this.unit,
      charm_name: this.charmName,
    };
  }

  /** The first 8 characters of the model UUID. */
  get modelUuidShort(): string {
    return this.modelUuid.slice(0, 8);
  }

  /** `<model>_<uuid[:8]>_<application>`, with `/` turned to `_`. */
  get identifier(): string {
    return [this.model, this.modelUuidShort, this.application].join("_").replace(/\//g, "_");
  }

  /**
   * Labels naming this application: `juju_model`, `juju_model_uuid`, `juju_application`,
   * `juju_charm` (empty values left out; never the unit).
   */
  get labelMatcherDict(): Record<string, string> {
    return { ...this.alertExpressionDict, ...nonEmpty([["juju_charm", this.charmName]]) };
  }

  /** The labels injected in alert expressions: model, model UUID and application. */
  get alertExpressionDict(): Record<string, string> {
    return nonEmpty([
      ["juju_model", this.model],
      ["juju_model_uuid", this.modelUuid],
      ["juju_application", this.application],
    ]);
  }

  /** `juju_model="m", juju_model_uuid="…", …` as a PromQL/LogQL matcher list. */
  get labelMatchers(): string {
    return Object.entries(this.labelMatcherDict)
      .map(([k, v]) => `${k}="${v}"`)
      .join(", ");
  }
}

/** The entries with a non-empty value, as a dict in their order. */
function nonEmpty(entries: readonly (readonly [string, string])[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of entries) if (v) out[k] = v;
  return out;
}
