// Unit tests of the readiness-to-status mapping shared by the openfga, vault-kv,
// postgresql-client and tls-certificates requirers.
import { describe, expect, it } from "vitest";
import { BlockedStatus, WaitingStatus } from "../../ops/model/status.js";
import { InterfaceDataError } from "./databag.js";
import { readinessStatus } from "./readiness.js";

describe("readinessStatus", () => {
  it("blocks on a missing required relation, with the article the endpoint needs", () => {
    expect(readinessStatus({ state: "absent" }, "openfga", true)).toEqual(
      new BlockedStatus("needs an openfga relation"),
    );
    expect(readinessStatus({ state: "absent" }, "database", true)).toEqual(
      new BlockedStatus("needs a database relation"),
    );
    expect(readinessStatus({ state: "absent" }, "vault", false)).toBeUndefined();
  });

  it("waits with the reason, blocks on invalid data, and says nothing when ready", () => {
    expect(
      readinessStatus({ state: "waiting", reason: "waiting for vault" }, "vault", false),
    ).toEqual(new WaitingStatus("vault: waiting for vault"));
    const error = new InterfaceDataError(
      { interfaceName: "vault-kv", relation: "vault:1", owner: "vault-k8s" },
      "mount",
      "is missing",
    );
    expect(readinessStatus({ state: "invalid", error }, "vault", false)).toEqual(
      new BlockedStatus('invalid vault-kv data from vault-k8s: "mount" is missing'),
    );
    expect(readinessStatus({ state: "ready" }, "vault", true)).toBeUndefined();
  });
});
