/**
 * Charms the controller deploys: a charm directory is checked (it exists, its metadata parses,
 * it has something to run) and copied into the controller's state directory, one copy per
 * application revision, so that editing the source does not change a deployed application until
 * it is refreshed.
 *
 * @example
 * ```ts
 * const charm = inspectCharmDir("build/demo");          // { dir, meta }
 * const copy = storeCharm(charm.dir, stateDir, "jaas", "demo", 1);
 * ```
 */
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { goQuote } from "../../jujuc/internal/go-format.js";
import { CharmMeta } from "../../ops/metadata.js";
import { invalid, notFound, SimError } from "../errors.js";
import { copyCharmTree } from "../runner/charm-files.js";

/** A checked charm directory. */
export interface InspectedCharm {
  dir: string;
  meta: CharmMeta;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Checks a charm directory; throws a {@link SimError} saying what is wrong.
 *
 * @example
 * ```ts
 * inspectCharmDir("/nope"); // throws: charm directory "/nope" not found
 * ```
 */
export function inspectCharmDir(path: string): InspectedCharm {
  const dir = resolve(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw notFound(`charm directory ${goQuote(path)} not found`);
  }
  let meta: CharmMeta;
  try {
    meta = CharmMeta.fromCharmDir(dir);
  } catch (e) {
    throw invalid(`charm directory ${goQuote(path)}: ${(e as Error).message}`);
  }
  if (meta.subordinate) {
    throw new SimError(
      "unsupported",
      `charm ${goQuote(meta.name)} is a subordinate charm: the local model does not run subordinates`,
    );
  }
  if (!executable(join(dir, "dispatch")) && !existsSync(join(dir, "hooks"))) {
    throw invalid(
      `charm directory ${goQuote(path)} has no executable dispatch and no hooks/ directory: build it first (lib/pack buildCharmDir)`,
    );
  }
  return { dir, meta };
}

/**
 * Copies a charm into the controller's state directory and returns the copy's path.
 *
 * @example
 * ```ts
 * storeCharm("/src/demo", "/state", "jaas", "demo", 2); // "/state/charms/jaas/demo-2"
 * ```
 */
export function storeCharm(
  src: string,
  stateDir: string,
  model: string,
  app: string,
  revision: number,
): string {
  const dest = join(stateDir, "charms", model, `${app}-${revision}`);
  copyCharmTree(src, dest);
  return dest;
}
