import { describe, expect, it } from "vitest";
import { buildHookEnv, hookKind } from "./env.js";
import type { HookEnvOptions } from "./env.js";

const base: Omit<HookEnvOptions, "hook"> = {
  unitName: "jimm/0",
  modelName: "jaas",
  modelUuid: "00000000-0000-4000-8000-000000000000",
  jujuVersion: "3.6.8",
  contextId: "jimm/0-install-1",
  socketPath: "/run/jujuc.sock",
  charmDir: "/var/lib/juju/agents/unit-jimm-0/charm",
  toolsDir: "/var/lib/juju/tools/unit-jimm-0",
};

describe("buildHookEnv", () => {
  it("sets every always-present variable, and nothing inherited", () => {
    const env = buildHookEnv({ ...base, hook: "install", agentPath: "/usr/bin:/bin" });
    expect(env).toEqual({
      CHARM_DIR: "/var/lib/juju/agents/unit-jimm-0/charm",
      JUJU_CHARM_DIR: "/var/lib/juju/agents/unit-jimm-0/charm",
      JUJU_CONTEXT_ID: "jimm/0-install-1",
      JUJU_HOOK_NAME: "install",
      JUJU_AGENT_SOCKET_ADDRESS: "/run/jujuc.sock",
      JUJU_AGENT_SOCKET_NETWORK: "unix",
      JUJU_UNIT_NAME: "jimm/0",
      JUJU_MODEL_UUID: "00000000-0000-4000-8000-000000000000",
      JUJU_MODEL_NAME: "jaas",
      JUJU_API_ADDRESSES: "",
      JUJU_MACHINE_ID: "",
      JUJU_PRINCIPAL_UNIT: "",
      JUJU_AVAILABILITY_ZONE: "",
      JUJU_VERSION: "3.6.8",
      CLOUD_API_VERSION: "",
      JUJU_CHARM_HTTP_PROXY: "",
      JUJU_CHARM_HTTPS_PROXY: "",
      JUJU_CHARM_FTP_PROXY: "",
      JUJU_CHARM_NO_PROXY: "",
      APT_LISTCHANGES_FRONTEND: "none",
      DEBIAN_FRONTEND: "noninteractive",
      LANG: "C.UTF-8",
      TERM: "tmux-256color",
      PATH: "/var/lib/juju/tools/unit-jimm-0:/usr/bin:/bin",
      JUJU_DISPATCH_PATH: "hooks/install",
    });
  });

  it("exports relation variables, the departing unit, and an empty remote unit where Juju does", () => {
    const joined = buildHookEnv({
      ...base,
      hook: "db-relation-joined",
      relation: { endpoint: "db", id: 7, remoteApp: "postgresql", remoteUnit: "postgresql/0" },
    });
    expect(joined).toMatchObject({
      JUJU_RELATION: "db",
      JUJU_RELATION_ID: "db:7",
      JUJU_REMOTE_UNIT: "postgresql/0",
      JUJU_REMOTE_APP: "postgresql",
      JUJU_DISPATCH_PATH: "hooks/db-relation-joined",
    });
    expect(joined).not.toHaveProperty("JUJU_DEPARTING_UNIT");
    const broken = buildHookEnv({
      ...base,
      hook: "db-relation-broken",
      relation: { endpoint: "db", id: 7, remoteApp: "postgresql" },
    });
    expect(broken.JUJU_REMOTE_UNIT).toBe("");
    const departed = buildHookEnv({
      ...base,
      hook: "db-relation-departed",
      relation: {
        endpoint: "db",
        id: 7,
        remoteApp: "postgresql",
        remoteUnit: "postgresql/1",
        departingUnit: "postgresql/1",
      },
    });
    expect(departed.JUJU_DEPARTING_UNIT).toBe("postgresql/1");
  });

  it("builds action environments with an empty hook name", () => {
    const env = buildHookEnv({ ...base, action: { name: "create-user", id: "42" } });
    expect(env).toMatchObject({
      JUJU_HOOK_NAME: "",
      JUJU_DISPATCH_PATH: "actions/create-user",
      JUJU_ACTION_NAME: "create-user",
      JUJU_ACTION_UUID: "42",
      JUJU_ACTION_TAG: "action-42",
    });
  });

  it("builds workload, notice and check environments", () => {
    expect(
      buildHookEnv({ ...base, hook: "jimm-pebble-ready", workload: { name: "jimm" } })
        .JUJU_WORKLOAD_NAME,
    ).toBe("jimm");
    expect(
      buildHookEnv({
        ...base,
        hook: "jimm-pebble-custom-notice",
        workload: {
          name: "jimm",
          notice: { id: "12", type: "custom", key: "canonical.com/reload" },
        },
      }),
    ).toMatchObject({
      JUJU_NOTICE_ID: "12",
      JUJU_NOTICE_TYPE: "custom",
      JUJU_NOTICE_KEY: "canonical.com/reload",
    });
    expect(
      buildHookEnv({
        ...base,
        hook: "jimm-pebble-check-failed",
        workload: { name: "jimm", checkName: "ready" },
      }).JUJU_PEBBLE_CHECK_NAME,
    ).toBe("ready");
  });

  it("builds secret and storage environments", () => {
    const changed = buildHookEnv({
      ...base,
      hook: "secret-changed",
      secret: { id: "secret:cs1ir5ipgbgs73c6bng0", label: "db" },
    });
    expect(changed).toMatchObject({
      JUJU_SECRET_ID: "secret:cs1ir5ipgbgs73c6bng0",
      JUJU_SECRET_LABEL: "db",
    });
    expect(changed).not.toHaveProperty("JUJU_SECRET_REVISION");
    expect(
      buildHookEnv({
        ...base,
        hook: "secret-remove",
        secret: { id: "secret:cs1ir5ipgbgs73c6bng0", revision: 3 },
      }).JUJU_SECRET_REVISION,
    ).toBe("3");
    expect(
      buildHookEnv({
        ...base,
        hook: "data-storage-attached",
        storage: { id: "data/0", location: "/srv", kind: "filesystem" },
      }),
    ).toMatchObject({
      JUJU_STORAGE_ID: "data/0",
      JUJU_STORAGE_LOCATION: "/srv",
      JUJU_STORAGE_KIND: "filesystem",
    });
  });

  it("exports proxies, Kubernetes service variables and traces when given", () => {
    const env = buildHookEnv({
      ...base,
      hook: "config-changed",
      jujuProxy: { http: "http://proxy:3128" },
      legacyProxy: { noProxy: "localhost" },
      kubernetesEnv: { KUBERNETES_SERVICE_HOST: "10.152.183.1", OTHER: "x" },
      trace: { traceId: "t", spanId: "s", flags: "01" },
      apiAddresses: ["10.0.0.1:17070", "10.0.0.2:17070"],
    });
    expect(env).toMatchObject({
      JUJU_CHARM_HTTP_PROXY: "http://proxy:3128",
      no_proxy: "localhost",
      NO_PROXY: "localhost",
      KUBERNETES_SERVICE_HOST: "10.152.183.1",
      JUJU_TRACE_ID: "t",
      JUJU_API_ADDRESSES: "10.0.0.1:17070 10.0.0.2:17070",
    });
    expect(env).not.toHaveProperty("OTHER");
  });

  it("refuses options that do not fit the hook", () => {
    expect(() => buildHookEnv({ ...base, hook: "db-relation-joined" })).toThrow(/relation/);
    expect(() =>
      buildHookEnv({
        ...base,
        hook: "install",
        relation: { endpoint: "db", id: 1, remoteApp: "x" },
      }),
    ).toThrow();
    expect(() =>
      buildHookEnv({
        ...base,
        hook: "db-relation-departed",
        relation: { endpoint: "db", id: 1, remoteApp: "x" },
      }),
    ).toThrow(/departingUnit/);
    expect(() => buildHookEnv(base as HookEnvOptions)).toThrow(/exactly one/);
    expect(hookKind("web-pebble-check-recovered")).toBe("workload");
    expect(hookKind("leader-elected")).toBe("unit");
  });
});
