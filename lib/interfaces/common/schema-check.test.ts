// Unit tests of the test support itself: the schema check must bite on both kinds of published
// schema (generated per-side schemas with JSON-text fields, hand-written application-data
// schemas), and the leak finder must look at every surface.
import { describe, expect, it } from "vitest";
import { leaks, schemaErrors, withoutJujuKeys } from "./schema-check.js";

describe("schemaErrors", () => {
  it("decodes JSON-text fields of generated schemas and checks each side given", () => {
    const app = { model: '"m"', name: '"jimm"', port: "8080" };
    const unit = {
      host: '"jimm-0.jimm-endpoints.m.svc.cluster.local"',
      "ingress-address": "10.0.0.1",
    };
    expect(schemaErrors("ingress/v2/requirer.json", { app, unit })).toEqual([]);
    expect(schemaErrors("ingress/v2/requirer.json", { app: { ...app, port: '"x"' } })).toEqual([
      "app/port must be integer",
    ]);
    expect(schemaErrors("ingress/v2/requirer.json", { unit: { host: "3" } })).toEqual([
      "unit/host must be string",
    ]);
  });

  it("reads hand-written schemas' application-data as the Python library decodes it", () => {
    const config = {
      redirect_uri: "https://jimm.example.com/auth/callback",
      scope: "openid",
      grant_types: '["authorization_code"]',
      audience: "[]",
      token_endpoint_auth_method: "client_secret_basic",
    };
    expect(schemaErrors("oauth/v0/requirer.json", { app: config })).toEqual([]);
    expect(
      schemaErrors("oauth/v0/requirer.json", { app: { ...config, grant_types: "nope" } }),
    ).toEqual(["/application-data/grant_types must be array"]);
  });

  it("leaves Juju's own unit keys out", () => {
    expect(withoutJujuKeys({ "private-address": "a", "egress-subnets": "b", host: "h" })).toEqual({
      host: "h",
    });
  });
});

describe("leaks", () => {
  it("finds a secret in bags, logs and statuses", () => {
    const found = leaks(
      {
        relations: [{ localAppData: { a: "x-s3cr3t" }, localUnitData: { u: "s3cr3t" } }],
        logs: [{ message: "ok" }, { message: "s3cr3t!" }],
        unitStatus: { message: "s3cr3t" },
      },
      ["s3cr3t"],
    );
    expect(found).toEqual([
      'relation 0 app bag "a" contains a secret value',
      'relation 0 unit bag "u" contains a secret value',
      "log line 1 contains a secret value",
      "unit status contains a secret value",
    ]);
    expect(leaks({ relations: [], logs: [{ message: "s3cr3t" }] }, [""])).toEqual([]);
  });
});
