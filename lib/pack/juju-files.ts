/**
 * The YAML files Juju reads from a charm directory, derived from `charmcraft.yaml` the way
 * charmcraft derives them when it packs a charm:
 *
 * - `metadata.yaml`: only the metadata keys; `title` becomes `display-name`, and `links` is
 *   flattened (`documentation` -> `docs`, `contact` -> `maintainers` as a list, `issues`,
 *   `source` and `website` as they are).
 * - `config.yaml`: the `config` section as written (`{options: …}`), omitted when empty.
 * - `actions.yaml`: the `actions` section as written, omitted when empty.
 * - `manifest.yaml`: the bases the charm runs on (from `base` + `platforms`, or `bases`).
 *
 * Like charmcraft (PyYAML's `safe_dump`), mappings are written with sorted keys.
 *
 * @example
 * ```ts
 * const doc = parseYaml(readFileSync("charmcraft.yaml", "utf8")) as Record<string, unknown>;
 * const files = jujuFilesFromCharmcraft(doc);
 * files.metadata.name; // "demo"
 * files.config?.options; // { greeting: { type: "string", ... } }
 * ```
 */
import { stringify as stringifyYaml } from "yaml";

/** A YAML mapping. */
export type YamlMap = Record<string, unknown>;

/** The documents Juju reads from a charm directory. */
export interface JujuFiles {
  /** `metadata.yaml`. */
  metadata: YamlMap;
  /** `config.yaml` (`{options: …}`), when the charm has config. */
  config?: YamlMap;
  /** `actions.yaml`, when the charm has actions. */
  actions?: YamlMap;
}

/** One entry of `manifest.yaml`'s `bases`. */
export interface ManifestBase {
  name: string;
  channel: string;
  architectures: string[];
}

/**
 * Keys that go into `metadata.yaml` (charmcraft's metadata model, in its field order), as
 * spelled in `charmcraft.yaml`. `title` and `links` are translated separately.
 */
const METADATA_KEYS = [
  "name",
  "summary",
  "description",
  "maintainers",
  "assumes",
  "charm-user",
  "containers",
  "devices",
  "docs",
  "extra-bindings",
  "issues",
  "peers",
  "provides",
  "requires",
  "resources",
  "source",
  "storage",
  "subordinate",
  "terms",
  "website",
] as const;

const isMap = (v: unknown): v is YamlMap =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const present = (v: unknown): boolean => v !== undefined && v !== null;

/**
 * Splits a parsed `charmcraft.yaml` into the documents Juju reads. Throws when `name`,
 * `summary` or `description` is missing, as charmcraft does.
 *
 * @example
 * ```ts
 * jujuFilesFromCharmcraft({ name: "x", summary: "s", description: "d", title: "X" }).metadata;
 * // { name: "x", summary: "s", description: "d", "display-name": "X" }
 * ```
 */
export function jujuFilesFromCharmcraft(doc: YamlMap): JujuFiles {
  for (const key of ["name", "summary", "description"]) {
    if (typeof doc[key] !== "string" || doc[key] === "") {
      throw new Error(`charmcraft.yaml: \`${key}\` is required and must be a non-empty string`);
    }
  }
  const metadata: YamlMap = {};
  for (const key of METADATA_KEYS) {
    if (present(doc[key])) metadata[key] = doc[key];
  }
  if (present(doc.title)) metadata["display-name"] = doc.title;
  if (isMap(doc.links)) {
    for (const [key, value] of Object.entries(doc.links)) {
      if (!present(value)) continue;
      if (key === "documentation") metadata.docs = value;
      else if (key === "contact") metadata.maintainers = Array.isArray(value) ? value : [value];
      else metadata[key] = value;
    }
  }
  const files: JujuFiles = { metadata };
  if (isMap(doc.config) && Object.keys(doc.config).length > 0) files.config = doc.config;
  if (isMap(doc.actions) && Object.keys(doc.actions).length > 0) files.actions = doc.actions;
  return files;
}

/** Splits `<distro>@<series>` (e.g. `ubuntu@24.04`). */
function splitBase(base: string, where: string): { name: string; channel: string } {
  const at = base.indexOf("@");
  if (at <= 0 || at === base.length - 1)
    throw new Error(`charmcraft.yaml: ${where} "${base}" is not <distro>@<series>`);
  return { name: base.slice(0, at), channel: base.slice(at + 1) };
}

/**
 * The `bases` of `manifest.yaml`: from `base` and `platforms` (the current form, including
 * multi-base labels such as `ubuntu@22.04:amd64`), or from the `run-on` entries of `bases`.
 *
 * @example
 * ```ts
 * manifestBases({ base: "ubuntu@24.04", platforms: { amd64: null } });
 * // [{ name: "ubuntu", channel: "24.04", architectures: ["amd64"] }]
 * ```
 */
export function manifestBases(doc: YamlMap): ManifestBase[] {
  const out: ManifestBase[] = [];
  const add = (name: string, channel: string, arch: string): void => {
    const found = out.find((b) => b.name === name && b.channel === channel);
    if (!found) out.push({ name, channel, architectures: [arch] });
    else if (!found.architectures.includes(arch)) found.architectures.push(arch);
  };
  if (isMap(doc.platforms)) {
    const base = typeof doc.base === "string" ? splitBase(doc.base, "base") : undefined;
    for (const [label, raw] of Object.entries(doc.platforms)) {
      const targets: string[] =
        isMap(raw) && Array.isArray(raw["build-for"]) ? raw["build-for"].map(String) : [label];
      for (const target of targets) {
        const colon = target.lastIndexOf(":");
        if (colon > 0) {
          const b = splitBase(target.slice(0, colon), `platform "${label}"`);
          add(b.name, b.channel, target.slice(colon + 1));
        } else if (base) {
          add(base.name, base.channel, target);
        } else {
          throw new Error(
            `charmcraft.yaml: platform "${label}" names no base and there is no \`base\``,
          );
        }
      }
    }
    return out;
  }
  if (Array.isArray(doc.bases)) {
    for (const entry of doc.bases) {
      if (!isMap(entry)) continue;
      const runOn = Array.isArray(entry["run-on"])
        ? entry["run-on"]
        : Array.isArray(entry["build-on"])
          ? entry["build-on"]
          : [entry];
      for (const r of runOn) {
        if (!isMap(r) || typeof r.name !== "string" || r.channel === undefined) continue;
        const archs = Array.isArray(r.architectures) ? r.architectures.map(String) : ["amd64"];
        for (const arch of archs) add(r.name, String(r.channel), arch);
      }
    }
    return out;
  }
  throw new Error("charmcraft.yaml: needs `base` and `platforms` (or the older `bases`)");
}

/**
 * The `manifest.yaml` document. `tool` fills `charmcraft-version` (this is not charmcraft, so
 * it names the packer), `startedAt` fills `charmcraft-started-at`.
 *
 * @example
 * ```ts
 * manifest(doc, "jaas-charms lib/pack 0.1.0", new Date());
 * ```
 */
export function manifest(doc: YamlMap, tool: string, startedAt: Date): YamlMap {
  return {
    "charmcraft-version": tool,
    "charmcraft-started-at": startedAt.toISOString(),
    bases: manifestBases(doc),
    analysis: { attributes: [] },
  };
}

/**
 * Renders a document as charmcraft writes it: block style, keys sorted (charmcraft keeps the
 * order only in `manifest.yaml`: pass `sortKeys: false` for it).
 *
 * @example
 * ```ts
 * renderYaml({ b: 1, a: 2 }); // "a: 2\nb: 1\n"
 * ```
 */
export function renderYaml(doc: YamlMap, sortKeys = true): string {
  return stringifyYaml(doc, { sortMapEntries: sortKeys, lineWidth: 0 });
}
