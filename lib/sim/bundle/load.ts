/**
 * Loads a bundle file with its overlays: the file's first document is the base, its later
 * documents and then every `--overlay` file's documents are overlays (see `overlay.ts`). Every
 * problem of every document is reported at once, in a {@link BundleError}.
 *
 * @example
 * ```ts
 * const { bundle, notes } = loadBundle("bundle.yaml", { overlays: ["overlays/offers.yaml"] });
 * Object.keys(bundle.applications); // ["jimm", "openfga", ...]
 * ```
 */
import { readFileSync, statSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { goQuote } from "../../jujuc/internal/go-format.js";
import { BundleError } from "./errors.js";
import { mergeParts } from "./overlay.js";
import { parseBundleText } from "./parse.js";
import type { BundlePart } from "./parse.js";
import type { Bundle } from "./types.js";

/** A loaded bundle and what the local model will ignore in it. */
export interface LoadedBundle {
  bundle: Bundle;
  /** One line per ignored or noted field (`application "a": expose ignored: …`). */
  notes: string[];
  /** The base file (absolute). */
  path: string;
}

function readText(path: string, what: string): string {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new BundleError([`${what} ${goQuote(path)} not found`], "not-found");
  }
  if (!isFile) throw new BundleError([`${what} ${goQuote(path)} is not a file`]);
  return readFileSync(path, "utf8");
}

/**
 * Parses and merges YAML texts given in memory (the base first); `baseDir` resolves their
 * relative paths.
 *
 * @example
 * ```ts
 * const { bundle } = loadBundleText(["applications:\n  a: {charm: demo}\n"], "/srv");
 * ```
 */
export function loadBundleText(texts: readonly string[], baseDir: string): LoadedBundle {
  const problems: string[] = [];
  const parts: BundlePart[] = [];
  texts.forEach((text, i) => {
    const source = i === 0 ? "bundle" : `overlay ${i}`;
    parts.push(...parseBundleText(text, { baseDir: resolve(baseDir), source }, i === 0, problems));
  });
  return finish(parts, problems, resolve(baseDir));
}

function finish(parts: BundlePart[], problems: string[], path: string): LoadedBundle {
  if (parts.length === 0 && problems.length === 0) {
    problems.push("malformed bundle: bundle is empty");
  }
  const bundle = mergeParts(parts, problems);
  if (problems.length > 0) throw new BundleError(problems);
  const notes = [
    ...parts.flatMap((p) => p.notes),
    ...Object.values(bundle.applications).flatMap((a) => a.notes),
  ];
  return { bundle, notes, path };
}

/**
 * Reads `path` and the overlay files, and merges them.
 *
 * @example
 * ```ts
 * loadBundle("/srv/jaas/bundle.yaml", { overlays: ["/srv/jaas/overlays/cmr.yaml"] });
 * ```
 */
export function loadBundle(
  path: string,
  options: { overlays?: readonly string[] } = {},
): LoadedBundle {
  const base = resolve(path);
  const problems: string[] = [];
  const parts: BundlePart[] = [];
  const text = readText(base, "bundle file");
  parts.push(
    ...parseBundleText(text, { baseDir: dirname(base), source: basename(base) }, true, problems),
  );
  for (const overlay of options.overlays ?? []) {
    const file = resolve(overlay);
    const overlayText = readText(file, "overlay file");
    parts.push(
      ...parseBundleText(
        overlayText,
        { baseDir: dirname(file), source: basename(file) },
        false,
        problems,
      ),
    );
  }
  return finish(parts, problems, base);
}
