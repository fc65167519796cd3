// Unit tests of the shared databag readers added when the interface libraries were consolidated
// (the older readers are exercised by every library's tests).
import { describe, expect, it } from "vitest";
import {
  InterfaceDataError,
  fieldSecretUri,
  httpUrlMember,
  relationSource,
  requireHttpUrl,
} from "./databag.js";

const src = { interfaceName: "loki_push_api", relation: "logging:4", owner: "loki/0" };

describe("databag readers", () => {
  it("names the relation and its remote app, or the owner given", () => {
    const relation = { endpoint: "logging", id: 4, app: { name: "loki" } };
    expect(relationSource("loki_push_api", relation)).toEqual({ ...src, owner: "loki" });
    expect(relationSource("loki_push_api", relation, "loki/0")).toEqual(src);
    expect(relationSource("loki_push_api", { endpoint: "logging", id: 4 }).owner).toBe(
      "the remote application",
    );
  });

  it("reads secret URIs in both forms and rejects anything else", () => {
    const bag = { a: "secret:cf0a", b: "secret://6f1c/cf0a", c: "hunter2", d: "" };
    expect(fieldSecretUri(bag, "a", src)).toBe("secret:cf0a");
    expect(fieldSecretUri(bag, "b", src)).toBe("secret://6f1c/cf0a");
    expect(fieldSecretUri(bag, "d", src)).toBeUndefined();
    expect(() => fieldSecretUri(bag, "c", src)).toThrow(
      '"c" should be a Juju secret URI, got "hunter2"',
    );
  });

  it.each([
    [{}, 'has no "url" string'],
    [{ url: "not a url" }, 'has an invalid URL "not a url"'],
    [{ url: "ftp://loki/push" }, 'has a non-HTTP URL "ftp://loki/push"'],
  ])("rejects the url member of %j", (obj, message) => {
    expect(() => httpUrlMember(obj, "endpoint", src)).toThrow(InterfaceDataError);
    expect(() => httpUrlMember(obj, "endpoint", src)).toThrow(message);
  });

  it("returns an http(s) url member as written", () => {
    const url = "http://loki-0.loki-endpoints.cos.svc.cluster.local:3100/loki/api/v1/push";
    expect(httpUrlMember({ url }, "endpoint", src)).toBe(url);
  });
});

describe("requireHttpUrl", () => {
  it("takes http(s) URLs and says what is wrong with anything else", () => {
    expect(requireHttpUrl("https://vault:8200", "vault_url", src)).toBe("https://vault:8200");
    expect(() => requireHttpUrl("not a url", "vault_url", src)).toThrow(
      '"vault_url" should be a URL, got "not a url"',
    );
    expect(() => requireHttpUrl("v:8200", "vault_url", src)).toThrow(
      '"vault_url" should be an http(s) URL, got "v:8200"',
    );
  });
});
