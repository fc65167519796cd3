import { describe, expect, it } from "vitest";
import { parseServiceCommand, splitCommand } from "./command.js";
import { formatDuration, formatGoDuration, parseDuration } from "./duration.js";
import {
  combineLayers,
  LayerError,
  parseLayer,
  parsePlan,
  renderLayer,
  validateLayer,
  validatePlan,
} from "./layer.js";
import type { Layer } from "./layer.js";
import { containerSocketPath, resolveSocketPath } from "./socket.js";

describe("layer model", () => {
  const layer: Layer = {
    summary: "web",
    services: {
      web: {
        override: "replace",
        command: "/bin/web --port [ 8080 ]",
        startup: "enabled",
        environment: { A: "1" },
        "on-check-failure": { up: "restart" },
      },
    },
    checks: {
      up: { override: "replace", level: "ready", http: { url: "http://localhost:8080/" } },
    },
    "log-targets": {
      loki: { override: "replace", type: "loki", location: "http://loki/", services: ["all"] },
    },
  };

  it("renders YAML that parses back to the same layer", () => {
    const yaml = renderLayer(layer);
    expect(yaml).toContain("services:\n  web:\n    override: replace\n");
    expect(parseLayer(yaml)).toEqual(layer);
    expect(renderLayer({})).toBe("{}\n");
  });

  it("validates fields, names and values as Pebble does", () => {
    expect(() => validateLayer(layer)).not.toThrow();
    const bad: [Layer, string][] = [
      [
        { services: { web: { command: "x" } as never } },
        'must define "override" for service "web"',
      ],
      [{ services: { "-web": { override: "merge" } } }, 'starting with "-" not allowed'],
      [{ services: { pebble: { override: "merge" } } }, 'reserved service name "pebble"'],
      [
        { services: { web: { override: "merge", "on-success": "success-shutdown" } } },
        "on-success action",
      ],
      [
        { services: { web: { override: "merge", "backoff-factor": 0.5 } } },
        "backoff-factor must be 1.0 or greater",
      ],
      [{ services: { web: { override: "merge", "kill-delay": "soon" } } }, "invalid duration"],
      [
        { services: { web: { override: "merge", command: "[ x ]" } } },
        "cannot start command with [ ... ] group",
      ],
      [{ services: { web: { override: "merge", bogus: 1 } as never } }, 'unknown field "bogus"'],
      [
        { checks: { c: { override: "merge", level: "dead" as never } } },
        'level must be "alive" or "ready"',
      ],
      [{ checks: { c: { override: "merge", period: "0s" } } }, "period must not be zero"],
      [
        { "log-targets": { t: { override: "merge", type: "syslog" as never } } },
        "unsupported type",
      ],
      [
        { "log-targets": { t: { override: "merge", labels: { pebble_x: "y" } } } },
        "reserved prefix",
      ],
    ];
    for (const [value, message] of bad) expect(() => validateLayer(value)).toThrow(message);
    expect(() => validateLayer({}, "pebble-x")).toThrow(LayerError);
    expect(() => parseLayer("services: [")).toThrow(LayerError);
  });

  it("combines layers with merge and replace, and validates the plan", () => {
    const plan = combineLayers([
      layer,
      {
        services: {
          web: { override: "merge", environment: { B: "2" }, after: ["db"] },
          db: { override: "replace", command: "db" },
        },
        checks: { up: { override: "merge", threshold: 1 } },
        "log-targets": { loki: { override: "merge", services: ["-web"] } },
      },
      { checks: { tcp: { override: "replace", tcp: { port: 5432 } } } },
    ]);
    expect(plan.services.web?.environment).toEqual({ A: "1", B: "2" });
    expect(plan.services.web?.after).toEqual(["db"]);
    expect(plan.services.web?.command).toBe("/bin/web --port [ 8080 ]");
    expect(plan.checks.up?.threshold).toBe(1);
    expect(plan.checks.tcp?.threshold).toBe(3);
    expect(plan["log-targets"].loki?.services).toEqual(["all", "-web"]);
    expect(() => validatePlan(plan)).not.toThrow();
    const replaced = combineLayers([
      plan,
      { services: { web: { override: "replace", summary: "s" } } },
    ]);
    expect(() => validatePlan(replaced)).toThrow('plan must define "command" for service "web"');
    expect(() =>
      validatePlan(
        combineLayers([
          { checks: { c: { override: "replace", tcp: { port: 1 }, exec: { command: "x" } } } },
        ]),
      ),
    ).toThrow('one of "http", "tcp", or "exec"');
    expect(() =>
      validatePlan(
        combineLayers([
          {
            services: {
              a: { override: "replace", command: "a", after: ["b"] },
              b: { override: "replace", command: "b", after: ["a"] },
            },
          },
        ]),
      ),
    ).toThrow("loop");
  });

  it("parses the plan YAML Pebble prints, ignoring unknown sections", () => {
    const plan = parsePlan(
      "services:\n    a:\n        override: replace\n        command: a\nextension: {}\n",
    );
    expect(plan).toEqual({
      services: { a: { override: "replace", command: "a" } },
      checks: {},
      "log-targets": {},
    });
    expect(parsePlan("{}\n")).toEqual({ services: {}, checks: {}, "log-targets": {} });
  });
});

describe("commands, durations and sockets", () => {
  it("splits commands like shlex and separates default arguments", () => {
    expect(splitCommand(`sh -c 'echo "a b"' x\\ y "q\\"d"`)).toEqual([
      "sh",
      "-c",
      'echo "a b"',
      "x y",
      'q"d',
    ]);
    expect(() => splitCommand("'open")).toThrow("no closing quotation");
    expect(parseServiceCommand("srv --port [ 80 --v ]")).toEqual({
      base: ["srv", "--port"],
      extra: ["80", "--v"],
    });
    expect(() => parseServiceCommand("srv [ a ] b")).toThrow("after [ ... ] group");
  });

  it("parses and formats Go durations", () => {
    expect(parseDuration("1m30s")).toBe(90_000);
    expect(parseDuration("1.5h")).toBe(5_400_000);
    expect(parseDuration("300ms")).toBe(300);
    expect(parseDuration("0")).toBe(0);
    expect(parseDuration("10")).toBeUndefined();
    expect(parseDuration("soon")).toBeUndefined();
    expect(formatDuration(1500)).toBe("1500ms");
    expect(formatGoDuration(60_000)).toBe("1m0s");
    expect(formatGoDuration(3_600_000)).toBe("1h0m0s");
    expect(formatGoDuration(1500)).toBe("1.5s");
    expect(formatGoDuration(300)).toBe("300ms");
  });

  it("resolves the socket path from the environment", () => {
    expect(resolveSocketPath({ PEBBLE_SOCKET: "/s.sock", PEBBLE: "/p" })).toBe("/s.sock");
    expect(resolveSocketPath({ PEBBLE: "/p" })).toBe("/p/.pebble.socket");
    expect(resolveSocketPath({})).toBe("/var/lib/pebble/default/.pebble.socket");
    expect(containerSocketPath("jimm")).toBe("/charm/containers/jimm/pebble.socket");
    expect(() => containerSocketPath("../x")).toThrow();
  });
});
