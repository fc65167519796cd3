/**
 * Charm metadata: endpoints, containers, storage, resources, config options and actions, read
 * from `charmcraft.yaml` (source tree) or from the `metadata.yaml`, `config.yaml` and
 * `actions.yaml` that a packed charm carries.
 *
 * @example
 * ```ts
 * const meta = CharmMeta.fromCharmDir("/var/lib/juju/agents/unit-openfga-0/charm");
 * meta.relations.get("database")?.interface; // "postgresql_client"
 * meta.config.get("log-level")?.type;         // "string"
 * ```
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { MetadataError } from "./errors.js";

/** Role of an endpoint. */
export type EndpointRole = "provides" | "requires" | "peers";

/** One relation endpoint. */
export interface EndpointMeta {
  name: string;
  role: EndpointRole;
  interface: string;
  limit?: number;
  optional: boolean;
  scope: "global" | "container";
}

/** Config option types Juju knows. */
export type ConfigType = "string" | "int" | "float" | "boolean" | "secret";

/** One config option. */
export interface ConfigOptionMeta {
  name: string;
  type: ConfigType;
  default?: string | number | boolean;
  description?: string;
}

/** One action. */
export interface ActionMeta {
  name: string;
  description?: string;
  /** JSON Schema properties of the parameters. */
  params: Record<string, Record<string, unknown>>;
  required: string[];
  additionalProperties: boolean;
}

/** One workload container. */
export interface ContainerMeta {
  name: string;
  resource?: string;
  mounts: { storage: string; location: string }[];
}

/** One storage definition. */
export interface StorageMeta {
  name: string;
  type: "filesystem" | "block";
  location?: string;
  multiple: boolean;
}

/** One resource. */
export interface ResourceMeta {
  name: string;
  type: "oci-image" | "file";
  filename?: string;
}

const CONFIG_TYPES = new Set(["string", "int", "float", "boolean", "secret"]);
const ACTION_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const CONTAINER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

type YamlMap = Record<string, unknown>;

const isMap = (v: unknown): v is YamlMap =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The parsed, validated metadata of a charm. */
export class CharmMeta {
  readonly relations = new Map<string, EndpointMeta>();
  readonly containers = new Map<string, ContainerMeta>();
  readonly storages = new Map<string, StorageMeta>();
  readonly resources = new Map<string, ResourceMeta>();
  readonly config = new Map<string, ConfigOptionMeta>();
  readonly actions = new Map<string, ActionMeta>();
  readonly extraBindings = new Set<string>();

  private constructor(
    readonly name: string,
    readonly subordinate: boolean,
  ) {}

  /** Endpoints with role `peers`. */
  get peers(): EndpointMeta[] {
    return [...this.relations.values()].filter((r) => r.role === "peers");
  }

  /**
   * Reads the metadata from a charm directory: `charmcraft.yaml` if `metadata.yaml` is absent,
   * otherwise the packed files (`metadata.yaml`, `config.yaml`, `actions.yaml`).
   */
  static fromCharmDir(dir: string): CharmMeta {
    const read = (file: string): YamlMap | undefined => {
      const path = join(dir, file);
      if (!existsSync(path)) return undefined;
      let doc: unknown;
      try {
        doc = parseYaml(readFileSync(path, "utf8"));
      } catch (e) {
        throw new MetadataError(`${path} is not valid YAML: ${(e as Error).message}`);
      }
      if (doc === null || doc === undefined) return {};
      if (!isMap(doc)) throw new MetadataError(`${path} must be a YAML map`);
      return doc;
    };
    const metadata = read("metadata.yaml");
    if (metadata) {
      return CharmMeta.fromDocuments(metadata, read("config.yaml"), read("actions.yaml"));
    }
    const charmcraft = read("charmcraft.yaml");
    if (!charmcraft) {
      throw new MetadataError(`${dir} has neither metadata.yaml nor charmcraft.yaml`);
    }
    const config = charmcraft.config;
    const actions = charmcraft.actions;
    return CharmMeta.fromDocuments(
      charmcraft,
      isMap(config) ? config : undefined,
      isMap(actions) ? actions : undefined,
    );
  }

  /**
   * Builds metadata from parsed documents: the metadata map, the config map (`{options: …}`) and
   * the actions map.
   */
  static fromDocuments(metadata: YamlMap, config?: YamlMap, actions?: YamlMap): CharmMeta {
    const name = metadata.name;
    if (typeof name !== "string" || name === "") {
      throw new MetadataError("metadata: `name` is required and must be a string");
    }
    const meta = new CharmMeta(name, metadata.subordinate === true);
    for (const role of ["provides", "requires", "peers"] as const) {
      const section = metadata[role];
      if (section === undefined || section === null) continue;
      if (!isMap(section))
        throw new MetadataError(`metadata: \`${role}\` must be a map of endpoints`);
      for (const [ep, raw] of Object.entries(section)) {
        if (meta.relations.has(ep))
          throw new MetadataError(`metadata: endpoint "${ep}" is defined twice`);
        const spec = isMap(raw) ? raw : {};
        if (typeof spec.interface !== "string") {
          throw new MetadataError(`metadata: endpoint "${ep}" needs an \`interface\``);
        }
        meta.relations.set(ep, {
          name: ep,
          role,
          interface: spec.interface,
          ...(typeof spec.limit === "number" ? { limit: spec.limit } : {}),
          optional: spec.optional === true,
          scope: spec.scope === "container" ? "container" : "global",
        });
      }
    }
    if (isMap(metadata.containers)) {
      for (const [cname, raw] of Object.entries(metadata.containers)) {
        if (!CONTAINER_NAME.test(cname)) {
          throw new MetadataError(
            `metadata: container name "${cname}" is not a valid RFC 1123 label`,
          );
        }
        const spec = isMap(raw) ? raw : {};
        const mounts = Array.isArray(spec.mounts)
          ? spec.mounts
              .filter(isMap)
              .map((m) => ({ storage: String(m.storage), location: String(m.location) }))
          : [];
        meta.containers.set(cname, {
          name: cname,
          ...(typeof spec.resource === "string" ? { resource: spec.resource } : {}),
          mounts,
        });
      }
    }
    if (isMap(metadata.storage)) {
      for (const [sname, raw] of Object.entries(metadata.storage)) {
        const spec = isMap(raw) ? raw : {};
        const type = spec.type === "block" ? "block" : "filesystem";
        meta.storages.set(sname, {
          name: sname,
          type,
          ...(typeof spec.location === "string" ? { location: spec.location } : {}),
          multiple: spec.multiple !== undefined && spec.multiple !== null,
        });
      }
    }
    if (isMap(metadata.resources)) {
      for (const [rname, raw] of Object.entries(metadata.resources)) {
        const spec = isMap(raw) ? raw : {};
        meta.resources.set(rname, {
          name: rname,
          type: spec.type === "file" ? "file" : "oci-image",
          ...(typeof spec.filename === "string" ? { filename: spec.filename } : {}),
        });
      }
    }
    if (isMap(metadata["extra-bindings"])) {
      for (const b of Object.keys(metadata["extra-bindings"])) meta.extraBindings.add(b);
    }
    const options = config?.options;
    if (options !== undefined && options !== null) {
      if (!isMap(options)) throw new MetadataError("config: `options` must be a map");
      for (const [oname, raw] of Object.entries(options)) {
        if (!isMap(raw)) throw new MetadataError(`config: option "${oname}" must be a map`);
        const type = raw.type;
        if (typeof type !== "string" || !CONFIG_TYPES.has(type)) {
          throw new MetadataError(
            `config: option "${oname}" has type ${JSON.stringify(type)}; expected one of string, int, float, boolean, secret`,
          );
        }
        const option: ConfigOptionMeta = { name: oname, type: type as ConfigType };
        if (raw.default !== undefined && raw.default !== null) {
          option.default = raw.default as string | number | boolean;
        }
        if (typeof raw.description === "string") option.description = raw.description;
        meta.config.set(oname, option);
      }
    }
    for (const [aname, raw] of Object.entries(actions ?? {})) {
      if (!ACTION_NAME.test(aname))
        throw new MetadataError(`actions: "${aname}" is not a valid action name`);
      const spec = isMap(raw) ? raw : {};
      meta.actions.set(aname, {
        name: aname,
        ...(typeof spec.description === "string" ? { description: spec.description } : {}),
        params: isMap(spec.params) ? (spec.params as ActionMeta["params"]) : {},
        required: Array.isArray(spec.required) ? spec.required.map(String) : [],
        additionalProperties: spec.additionalProperties !== false,
      });
    }
    return meta;
  }
}
