import { describe, expect, it } from "vitest";
import type { HookContextData } from "../context.js";
import { newHookContextData, newRelationData } from "../context.js";
import { runTool } from "../run-tool.js";

const run = (ctx: HookContextData, tool: string, ...args: string[]) => runTool(ctx, tool, args);

describe("open-port / close-port / opened-ports", () => {
  it("opens ports for all or some endpoints and lists them sorted", () => {
    const ctx = newHookContextData({ unitName: "a/0", modelType: "iaas" });
    expect(run(ctx, "open-port", "8080")).toEqual({ stdout: "", stderr: "", exitCode: 0 });
    run(ctx, "open-port", "53/UDP");
    run(ctx, "open-port", "icmp");
    run(ctx, "open-port", "9000-9100/tcp", "--endpoints", "metrics, admin");
    run(ctx, "open-port", "8080/tcp", "--endpoints=web");
    expect(run(ctx, "opened-ports", "--format=json").stdout).toBe(
      '["icmp","8080/tcp","9000-9100/tcp","53/udp"]\n',
    );
    expect(run(ctx, "opened-ports", "--endpoints").stdout).toBe(
      "icmp (*)\n8080/tcp (*)\n9000-9100/tcp (admin, metrics)\n53/udp (*)\n",
    );
    expect(ctx.openedPorts).toEqual([
      { protocol: "icmp" },
      { protocol: "tcp", port: 8080 },
      { protocol: "tcp", port: 8080, endpoints: ["web"] },
      { protocol: "tcp", port: 9000, toPort: 9100, endpoints: ["admin", "metrics"] },
      { protocol: "udp", port: 53 },
    ]);
    run(ctx, "close-port", "8080");
    run(ctx, "close-port", "icmp");
    run(ctx, "close-port", "9000-9100", "--endpoints", "admin");
    run(ctx, "close-port", "7/tcp");
    expect(run(ctx, "opened-ports", "--endpoints", "--format", "json").stdout).toBe(
      '["8080/tcp (web)","9000-9100/tcp (metrics)","53/udp (*)"]\n',
    );
  });

  it("refuses ranges on Kubernetes and overlapping ranges", () => {
    const k8s = newHookContextData({ unitName: "a/0" });
    expect(run(k8s, "open-port", "80-90")).toEqual({
      stdout: "",
      stderr:
        "ERROR port ranges are not supported for k8s applications, please specify a single port\n",
      exitCode: 1,
    });
    const iaas = newHookContextData({ unitName: "a/0", modelType: "iaas" });
    run(iaas, "open-port", "80-90");
    expect(run(iaas, "open-port", "85").stderr).toBe(
      'ERROR cannot open 85/tcp (unit "a/0"): port range conflicts with 80-90/tcp (unit "a/0")\n',
    );
  });

  it("validates port specs like Juju (exit 2)", () => {
    const ctx = newHookContextData({ unitName: "a/0" });
    expect(run(ctx, "open-port").stderr).toBe("ERROR no port or range specified\n");
    expect(run(ctx, "open-port", "http").stderr).toBe(
      'ERROR invalid port "http": strconv.Atoi: parsing "http": invalid syntax\n',
    );
    expect(run(ctx, "open-port", "80/sctp").stderr).toBe(
      'ERROR invalid protocol "sctp", expected "tcp", "udp", or "icmp"\n',
    );
    expect(run(ctx, "open-port", "70000").stderr).toBe(
      "ERROR port range bounds must be between 0 and 65535, got 70000-70000\n",
    );
    expect(run(ctx, "open-port", "90-80").stderr).toBe("ERROR invalid port range 90-80/tcp\n");
    expect(run(ctx, "open-port", "80/icmp").stderr).toBe(
      'ERROR protocol "icmp" doesn\'t support any ports; got "80"\n',
    );
    expect(run(ctx, "open-port", "80").exitCode).toBe(0);
  });
});

describe("network-get", () => {
  const ctx = (): HookContextData =>
    newHookContextData({
      unitName: "a/0",
      relations: [newRelationData({ id: 2, endpoint: "db", remoteApp: "pg" })],
      networks: {
        db: {
          bindAddresses: [
            {
              macAddress: "",
              interfaceName: "eth0",
              addresses: [{ hostname: "", value: "10.1.2.3", cidr: "10.1.2.0/24" }],
            },
          ],
          egressSubnets: ["10.1.2.3/32"],
          ingressAddresses: ["10.1.2.3"],
        },
        empty: { bindAddresses: [], egressSubnets: [], ingressAddresses: [] },
      },
    });

  it("prints the whole network info", () => {
    expect(run(ctx(), "network-get", "db", "--format=json").stdout).toBe(
      '{"bind-addresses":[{"mac-address":"","interface-name":"eth0","addresses":[{"hostname":"","value":"10.1.2.3","cidr":"10.1.2.0/24"}]}],"egress-subnets":["10.1.2.3/32"],"ingress-addresses":["10.1.2.3"]}\n',
    );
  });

  it("prints one value for one flag and a map for several", () => {
    expect(run(ctx(), "network-get", "db", "--ingress-address").stdout).toBe("10.1.2.3\n");
    expect(run(ctx(), "network-get", "--bind-address", "db", "--format=json").stdout).toBe(
      '"10.1.2.3"\n',
    );
    expect(run(ctx(), "network-get", "db", "--egress-subnets").stdout).toBe("10.1.2.3/32\n");
    expect(run(ctx(), "network-get", "db", "--primary-address").stdout).toBe("10.1.2.3\n");
    expect(
      run(
        ctx(),
        "network-get",
        "db",
        "-r",
        "db:2",
        "--ingress-address",
        "--bind-address",
        "--format=json",
      ).stdout,
    ).toBe('{"bind-address":"10.1.2.3","ingress-address":"10.1.2.3"}\n');
  });

  it("reports unknown bindings and bad arguments", () => {
    expect(run(ctx(), "network-get", "nope")).toEqual({
      stdout: "",
      stderr: 'ERROR no network config found for binding "nope"\n',
      exitCode: 1,
    });
    expect(run(ctx(), "network-get", "empty").stderr).toBe(
      'ERROR no network config found for binding "empty"\n',
    );
    expect(run(ctx(), "network-get").stderr).toBe("ERROR no arguments specified\n");
    expect(run(ctx(), "network-get", "db", "-r", "9").stderr).toBe(
      'ERROR invalid value "9" for option -r: relation not found\n',
    );
    expect(run(ctx(), "network-get", "db", "--primary-address", "--bind-address").stderr).toBe(
      "ERROR --primary-address must be the only flag specified\n",
    );
  });
});
