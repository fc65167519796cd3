/**
 * `credential-get`: the model's cloud specification, for applications deployed with `--trust`.
 *
 * @example
 * ```ts
 * runTool({ ...ctx, trusted: true, cloudSpec: { type: "kubernetes", name: "k8s" } }, "credential-get", ["--format=json"]);
 * // {"type":"kubernetes","name":"k8s"}\n
 * ```
 */

import { checkEmpty } from "../internal/args.js";
import { ToolError } from "../internal/errors.js";
import { FlagSet } from "../internal/flags.js";
import { GoStruct } from "../internal/go-value.js";
import type { ToolDefinition } from "../internal/invocation.js";
import { OutputFlags } from "../internal/output.js";

/** The `credential-get` tool. */
export const credentialGet: ToolDefinition = {
  info: { name: "credential-get", args: "", purpose: "access cloud credentials" },
  run(inv) {
    const fs = new FlagSet(credentialGet.info);
    const out = new OutputFlags(fs, "smart", ["smart", "yaml", "json"]);
    checkEmpty(fs.parse(inv.args));
    const spec = inv.ctx.cloudSpec;
    // UNVERIFIED: the controller refuses untrusted applications; "permission denied" is the
    // API's usual refusal, wrapped the way the tool annotates any failure.
    if (!inv.ctx.trusted) throw new ToolError("cannot access cloud credentials: permission denied");
    if (spec === undefined)
      throw new ToolError("cannot access cloud credentials: cloud spec not found");
    const nonEmpty = <T>(list: T[] | undefined): T[] | undefined =>
      list && list.length > 0 ? list : undefined;
    const credential =
      spec.credential === undefined
        ? undefined
        : new GoStruct([
            ["auth-type", spec.credential.authType],
            [
              "attrs",
              spec.credential.attrs && Object.keys(spec.credential.attrs).length > 0
                ? { ...spec.credential.attrs }
                : undefined,
            ],
            ["redacted", nonEmpty(spec.credential.redacted)],
          ]);
    out.write(
      inv,
      new GoStruct([
        ["type", spec.type],
        ["name", spec.name],
        ["region", spec.region || undefined],
        ["endpoint", spec.endpoint || undefined],
        ["identity-endpoint", spec.identityEndpoint || undefined],
        ["storage-endpoint", spec.storageEndpoint || undefined],
        ["credential", credential],
        ["cacertificates", nonEmpty(spec.caCertificates)],
        ["skip-tls-verify", spec.skipTlsVerify || undefined],
        ["is-controller-cloud", spec.isControllerCloud || undefined],
      ]),
    );
  },
};
