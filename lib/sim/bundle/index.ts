/**
 * Bundles for the local model: parse and check `bundle.yaml` with its overlays, resolve charms
 * through the catalogue of local charms and stand-ins, and deploy all or nothing.
 *
 * @example
 * ```ts
 * import { CharmCatalogue, deployBundle, loadBundle } from "../bundle/index.js";
 * const catalogue = new CharmCatalogue();
 * await deployBundle(controller, "jaas", loadBundle("bundle.yaml"), { catalogue, progress: console.log });
 * ```
 *
 * @module
 */
export { CharmCatalogue, DEFAULT_SEARCH_DIRS } from "./catalogue.js";
export type { BuiltCharmRef, CatalogueEntry, CatalogueOptions, LocatedCharm } from "./catalogue.js";
export { deployBundle, deployCharm } from "./deploy.js";
export type {
  BundleDeployResult,
  CharmDeployRequest,
  DeployRunOptions,
  DeployTarget,
} from "./deploy.js";
export { BUNDLE_ERRORS_HEADING, BundleError } from "./errors.js";
export { loadBundle, loadBundleText } from "./load.js";
export type { LoadedBundle } from "./load.js";
export { mergeParts } from "./overlay.js";
export { parseBundleText, readDocument } from "./parse.js";
export type { BundlePart, DocumentSource, PartApplication } from "./parse.js";
export { describeChange, planBundle } from "./plan.js";
export type { BundleChange, BundlePlan, PlanContext } from "./plan.js";
export type { Bundle, BundleApplication, BundleOffer, BundleSaas } from "./types.js";
