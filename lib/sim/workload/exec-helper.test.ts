/** The argument vectors of the exec helper (pure: no root, no daemon). */

import { describe, expect, it } from "vitest";

import { charmProcessCommand, containerCommand } from "./exec-helper.js";
import { workloadHook } from "./events.js";

describe("charmProcessCommand", () => {
  it("runs the command in the unit's namespace with its containers at /charm/containers", () => {
    expect(
      charmProcessCommand({
        helper: "/h",
        netns: "jsimab12-1-jaas-openfga-0",
        containersDir: "/s/jaas/openfga-0/containers",
        command: ["/c/dispatch"],
        uid: 170,
        gid: 170,
      }),
    ).toEqual([
      "/h",
      "--netns",
      "jsimab12-1-jaas-openfga-0",
      "--rootfs",
      "/s/jaas/openfga-0/.charm-root",
      "--bind",
      "/s/jaas/openfga-0/containers:/charm/containers",
      "--uid",
      "170",
      "--gid",
      "170",
      "--",
      "/c/dispatch",
    ]);
  });

  it("leaves the network alone without a namespace, and refuses relative or ':' paths", () => {
    expect(
      charmProcessCommand({ helper: "/h", containersDir: "/u/containers", command: ["x"] }),
    ).toEqual([
      "/h",
      "--rootfs",
      "/u/.charm-root",
      "--bind",
      "/u/containers:/charm/containers",
      "--",
      "x",
    ]);
    expect(() => charmProcessCommand({ containersDir: "u/containers", command: ["x"] })).toThrow(
      /absolute/,
    );
    expect(() => charmProcessCommand({ containersDir: "/a:b", command: ["x"] })).toThrow(/':'/);
    expect(() => charmProcessCommand({ containersDir: "/u", command: [] })).toThrow(/empty/);
  });
});

describe("containerCommand", () => {
  it("builds the container's root, mounts and Pebble", () => {
    expect(
      containerCommand({
        helper: "/h",
        command: ["/charm/bin/pebble", "run"],
        sharedDir: "/u/containers/web",
        pebble: "/bin/pebble",
        rootDir: "/u/fs/web/root",
        upperDir: "/u/fs/web",
        share: ["/work"],
        image: { dir: "/images/web", path: "/usr/local/bin" },
        mounts: [
          { source: "/st/data-0", location: "/var/lib/data" },
          { source: "/st/conf", location: "/etc/conf", readOnly: true },
        ],
        netns: "ns1",
        hostname: "web-0",
        dieWithParent: true,
      }),
    ).toEqual([
      "/h",
      "--netns",
      "ns1",
      "--hostname",
      "web-0",
      "--rootfs",
      "/u/fs/web/root",
      "--upper",
      "/u/fs/web",
      "--share",
      "/work",
      "--ro-bind",
      "/bin/pebble:/charm/bin/pebble",
      "--bind",
      "/u/containers/web:/charm/container",
      "--merge",
      "/images/web:/usr/local/bin",
      "--bind",
      "/st/data-0:/var/lib/data",
      "--ro-bind",
      "/st/conf:/etc/conf",
      "--die-with-parent",
      "--chdir",
      "/",
      "--",
      "/charm/bin/pebble",
      "run",
    ]);
  });
});

describe("workloadHook", () => {
  it("names the hook and its variables as Juju does", () => {
    const base = { model: "m", unit: "a/0", container: "web" };
    expect(workloadHook({ ...base, kind: "pebble-ready" })).toEqual({
      hook: "web-pebble-ready",
      env: { JUJU_WORKLOAD_NAME: "web" },
    });
    expect(
      workloadHook({
        ...base,
        kind: "pebble-custom-notice",
        notice: { id: "7", type: "custom", key: "example.com/a" },
      }),
    ).toEqual({
      hook: "web-pebble-custom-notice",
      env: {
        JUJU_WORKLOAD_NAME: "web",
        JUJU_NOTICE_ID: "7",
        JUJU_NOTICE_TYPE: "custom",
        JUJU_NOTICE_KEY: "example.com/a",
      },
    });
    expect(workloadHook({ ...base, kind: "pebble-check-failed", checkName: "up" })).toEqual({
      hook: "web-pebble-check-failed",
      env: { JUJU_WORKLOAD_NAME: "web", JUJU_PEBBLE_CHECK_NAME: "up" },
    });
  });
});
