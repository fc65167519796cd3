// Unit tests of the secret-id helpers shared by the interface libraries (readGrantedSecret is
// exercised through the openfga, vault-kv and postgresql-client requirers).
import { describe, expect, it } from "vitest";
import { canonicalSecretId } from "../../ops/model/secret.js";
import { secretUniqueId as testingUniqueId } from "../../testing/state.js";
import { sameSecret, secretUniqueId } from "./secrets.js";

const UUID = "6f1c2b3a-0000-4000-8000-000000000000";

describe("secret ids", () => {
  it("takes the unique part of every form Juju and ops write, as lib/testing does", () => {
    for (const id of ["cf0a", "secret:cf0a", `secret://${UUID}/cf0a`]) {
      expect(secretUniqueId(id)).toBe("cf0a");
      expect(secretUniqueId(id)).toBe(testingUniqueId(id));
    }
  });

  it("matches a short URI with the canonical one lib/ops publishes", () => {
    expect(sameSecret("secret:cf0a", canonicalSecretId("secret:cf0a", UUID))).toBe(true);
    expect(sameSecret("secret:cf0a", `secret://${UUID}/d2f1`)).toBe(false);
    expect(sameSecret(undefined, "secret:cf0a")).toBe(false);
    expect(sameSecret("secret:cf0a", undefined)).toBe(false);
  });
});
