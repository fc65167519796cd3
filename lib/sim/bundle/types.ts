/**
 * The shape of a bundle after parsing, merging its overlays and resolving paths: what the
 * local model deploys. Field names follow Juju's `bundle.yaml` (JCH:bundledata.go).
 *
 * @example
 * ```ts
 * const app: BundleApplication = {
 *   charm: "demo", baseDir: "/srv/bundle", scale: 2, options: { port: 8080 }, resources: {},
 *   trust: false, expose: false, storage: {}, offers: {}, notes: [],
 * };
 * ```
 */
import type { ConfigValue } from "../../jujuc/context.js";

/** An offer of an application's endpoints (overlay only, as in Juju). */
export interface BundleOffer {
  endpoints: string[];
  /** User to access level; recorded, not enforced (the local model has one user). */
  acl: Record<string, string>;
}

/** One application of a bundle. */
export interface BundleApplication {
  /** A charm name (resolved through the catalogue) or an absolute local path. */
  charm: string;
  /** The folder of the document that named the charm (relative paths were resolved there). */
  baseDir: string;
  /** `scale` or `num_units`; undefined means 1 (Juju's default for a Kubernetes bundle is 1). */
  scale?: number;
  /** Config values with their YAML types. */
  options: Record<string, ConfigValue>;
  /** Resource name to an absolute file or folder path, an image reference, or a revision. */
  resources: Record<string, string | number>;
  trust: boolean;
  /** Accepted and ignored: every unit address is reachable from this machine. */
  expose: boolean;
  constraints?: string;
  /** Storage directives (`<pool>,<size>,<count>`); accepted, the charm's defaults are used. */
  storage: Record<string, string>;
  offers: Record<string, BundleOffer>;
  /** What the local model accepts but ignores (channel, revision, base, placement ...). */
  notes: string[];
}

/** A consumed offer. */
export interface BundleSaas {
  /** `[controller:][qualifier/]model.offer`. */
  url: string;
}

/** A bundle with its overlays applied. */
export interface Bundle {
  /** `kubernetes`, or undefined for a machine bundle. */
  type?: string;
  description?: string;
  applications: Record<string, BundleApplication>;
  /** Two-item lists, `app[:endpoint]` each. */
  relations: [string, string][];
  saas: Record<string, BundleSaas>;
}
