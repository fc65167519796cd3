// Unit tests of vault-kv: data model, requirer and provider in tiny charms run by lib/testing, with
// every bag we write checked against the published schema and no credential in any bag or log.
import { beforeEach, describe, expect, it } from "vitest";
import { CharmBase, type CharmContext } from "../../ops/charm.js";
import type { CollectStatusEvent } from "../../ops/framework/juju-events.js";
import { CharmMeta } from "../../ops/metadata.js";
import { canonicalSecretId } from "../../ops/model/secret.js";
import { ActiveStatus } from "../../ops/model/status.js";
import {
  Context,
  type RelationState,
  network,
  relation,
  secret,
  state,
} from "../../testing/index.js";
import { InterfaceDataError } from "../common/databag.js";
import { leaks, schemaErrors, withoutJujuKeys } from "../common/schema-check.js";
import {
  type ClientAttachedEvent,
  type ClientDetachedEvent,
  VaultKvProvider,
  VaultKvRequirer,
  kvMountName,
  parseProviderBag,
  parseUnitBag,
  renderProviderBag,
} from "./index.js";

const src = { interfaceName: "vault-kv", relation: "vault:4", owner: "vault-k8s" };
const ROLE_SECRET_ID = "rsid-5e8d0c41-9e0f-4b43-9a6b-3f1f1f1f1f1f";
const CA = "-----BEGIN CERTIFICATE-----\nMIIBvault\n-----END CERTIFICATE-----";

describe("data model", () => {
  it("writes credentials as json.dumps(sort_keys=True)", () => {
    expect(
      renderProviderBag({
        vaultUrl: "https://v:8200",
        caCertificate: CA,
        mount: "m",
        credentials: { b: "secret:2", a: "secret:1" },
      }).credentials,
    ).toBe('{"a": "secret:1", "b": "secret:2"}');
    expect(kvMountName("jimm", "jimm")).toBe("charm-jimm-jimm");
  });

  it("reads unit requests, incomplete ones as undefined, bad CIDRs as errors", () => {
    expect(parseUnitBag({ egress_subnet: "10.1.0.5/32, 10.1.0.0/16", nonce: "n1" }, src)).toEqual({
      nonce: "n1",
      egressSubnets: ["10.1.0.5/32", "10.1.0.0/16"],
    });
    expect(parseUnitBag({ nonce: "n1" }, src)).toBeUndefined();
    expect(() => parseUnitBag({ egress_subnet: "10.1.0.5", nonce: "n1" }, src)).toThrow(
      /comma-separated CIDRs/,
    );
  });

  it.each([
    [{ vault_url: "https://v:8200" }, '"ca_certificate" is missing'],
    [
      { vault_url: "v:8200", ca_certificate: CA, mount: "m", credentials: "{}" },
      '"vault_url" should be an http(s) URL',
    ],
    [
      { vault_url: "https://v", ca_certificate: "nope", mount: "m", credentials: "{}" },
      '"ca_certificate" should be a PEM certificate',
    ],
    [
      { vault_url: "https://v", ca_certificate: CA, mount: "m", credentials: "{" },
      '"credentials" is not valid JSON',
    ],
    [
      { vault_url: "https://v", ca_certificate: CA, mount: "m", credentials: '{"n": 1}' },
      '"credentials" should be a JSON object',
    ],
  ])("rejects %j", (bag, message) => {
    expect(() => parseProviderBag(bag, src)).toThrow(InterfaceDataError);
    expect(() => parseProviderBag(bag, src)).toThrow(message);
  });
});

// ---- requirer

const events: string[] = [];

class JimmCharm extends CharmBase {
  readonly vault: VaultKvRequirer;
  constructor(ctx: CharmContext) {
    super(ctx);
    this.vault = new VaultKvRequirer(this, "vault", { mountSuffix: "jimm" });
    this.observe(this.vault.on.ready, () => void events.push("ready"));
    this.observe(this.vault.on.changed, () => void events.push("changed"));
    this.observe(this.vault.on.gone, () => void events.push("gone"));
    this.observe(this.on.collectUnitStatus, this.collect);
  }
  collect(event: CollectStatusEvent): void {
    const c = this.vault.credentials();
    event.addStatus(
      this.vault.status() ??
        new ActiveStatus(c ? `vault ${c.vaultUrl} mount ${c.mount} role ${c.roleId}` : ""),
    );
  }
}

const reqCtx = new Context(JimmCharm, {
  meta: CharmMeta.fromDocuments({
    name: "jimm",
    requires: { vault: { interface: "vault-kv", limit: 1, optional: true } },
  }),
});
const net = network({
  binding: "vault",
  bindAddress: "10.1.166.206",
  cidr: "10.1.0.0/16",
  egressSubnets: ["10.1.166.206/32"],
});

function vaultRelation(
  remoteAppData: Record<string, string>,
  extra: Partial<RelationState> = {},
): RelationState {
  return relation({
    endpoint: "vault",
    id: 4,
    remoteAppName: "vault-k8s",
    remoteAppData,
    ...extra,
  });
}

describe("VaultKvRequirer", () => {
  beforeEach(() => {
    events.length = 0;
  });

  it("every unit sends a stable nonce and its egress subnets; only the leader sends mount_suffix; schema-valid", async () => {
    const rel = vaultRelation({});
    const follower = await reqCtx.run(
      reqCtx.on.relationJoined(rel),
      state({ relations: [rel], networks: [net] }),
    );
    const unit = withoutJujuKeys(follower.relations[0]!.localUnitData);
    expect(unit.egress_subnet).toBe("10.1.166.206/32,10.1.0.0/16");
    expect(unit.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(follower.relations[0]!.localAppData).toEqual({});
    // The nonce survives hooks, and the new leader adds the mount suffix.
    const led = await reqCtx.run(reqCtx.on.leaderElected(), { ...follower, leader: true });
    expect(withoutJujuKeys(led.relations[0]!.localUnitData).nonce).toBe(unit.nonce);
    expect(led.relations[0]!.localAppData).toEqual({ mount_suffix: "jimm" });
    expect(
      schemaErrors("vault_kv/v0/requirer.json", {
        app: led.relations[0]!.localAppData,
        unit: withoutJujuKeys(led.relations[0]!.localUnitData),
      }),
    ).toEqual([]);
    // No vault relation needed: absent is fine, waiting while vault has not answered.
    expect(led.unitStatus).toEqual({
      status: "waiting",
      message: "vault: waiting for vault to answer",
    });
  });

  it("re-sends egress_subnet when the pod's address changes (update-status)", async () => {
    const rel = vaultRelation({});
    const out = await reqCtx.run(
      reqCtx.on.relationJoined(rel),
      state({ relations: [rel], networks: [net] }),
    );
    const moved = network({
      binding: "vault",
      bindAddress: "10.1.7.7",
      cidr: "10.1.0.0/16",
      egressSubnets: ["10.1.7.7/32"],
    });
    const after = await reqCtx.run(reqCtx.on.updateStatus(), { ...out, networks: [moved] });
    expect(after.relations[0]!.localUnitData.egress_subnet).toBe("10.1.7.7/32,10.1.0.0/16");
  });

  it("adopts the nonce the Python JIMM charm kept in its unit secret labelled nonce", async () => {
    const legacy = secret({
      owner: "unit",
      label: "nonce",
      trackedContent: { nonce: "3081279da89c48a32923473c2c587019" },
    });
    const rel = vaultRelation({});
    const out = await reqCtx.run(
      reqCtx.on.relationJoined(rel),
      state({ relations: [rel], networks: [net], secrets: [legacy] }),
    );
    expect(out.relations[0]!.localUnitData.nonce).toBe("3081279da89c48a32923473c2c587019");
  });

  async function withAnswer(
    credentials: (nonce: string) => Record<string, string>,
    secrets = [credSecret],
  ) {
    const rel = vaultRelation({});
    const joined = await reqCtx.run(
      reqCtx.on.relationJoined(rel),
      state({ relations: [rel], networks: [net] }),
    );
    const nonce = joined.relations[0]!.localUnitData.nonce!;
    const answered = vaultRelation(
      {
        vault_url: "https://10.152.183.20:8200",
        ca_certificate: CA,
        mount: "charm-jimm-jimm",
        credentials: JSON.stringify(credentials(nonce)),
      },
      { localUnitData: joined.relations[0]!.localUnitData },
    );
    return { answered, before: { ...joined, relations: [answered], secrets } };
  }

  const credSecret = secret({
    trackedContent: { "role-id": "role-abc", "role-secret-id": ROLE_SECRET_ID },
  });

  it("reads its own credentials by nonce and emits ready, then changed on a new secret revision", async () => {
    const { answered, before } = await withAnswer((nonce) => ({
      stale: "secret:gone",
      [nonce]: credSecret.id,
    }));
    const out = await reqCtx.run(reqCtx.on.relationChanged(answered), before);
    expect(out.unitStatus).toEqual({
      status: "active",
      message: "vault https://10.152.183.20:8200 mount charm-jimm-jimm role role-abc",
    });
    expect(events).toEqual(["ready"]);
    expect(leaks({ ...out, logs: reqCtx.logs }, [ROLE_SECRET_ID])).toEqual([]);
    const rotated = {
      ...credSecret,
      latestContent: { "role-id": "role-abc", "role-secret-id": "rsid-new" },
    };
    await reqCtx.run(reqCtx.on.secretChanged(rotated), { ...out, secrets: [rotated] });
    expect(events).toEqual(["ready", "changed"]);
  });

  it("waits while vault has no entry for its nonce (stale entries of other units do not count)", async () => {
    const { answered, before } = await withAnswer(() => ({ someoneelse: credSecret.id }));
    const out = await reqCtx.run(reqCtx.on.relationChanged(answered), before);
    expect(out.unitStatus).toEqual({
      status: "waiting",
      message: "vault: waiting for vault to issue this unit's credentials",
    });
    expect(events).toEqual([]);
  });

  it("blocks with a precise message when its credentials secret cannot be read or lacks the keys", async () => {
    const { answered, before } = await withAnswer((nonce) => ({ [nonce]: credSecret.id }), []);
    const out = await reqCtx.run(reqCtx.on.relationChanged(answered), before);
    expect(out.unitStatus).toEqual({
      status: "blocked",
      message:
        'invalid vault-kv data from vault-k8s: "credentials" names a secret this unit cannot read (not granted to this relation?)',
    });
    const half = secret({ id: credSecret.id, trackedContent: { "role-id": "r" } });
    const out2 = await reqCtx.run(reqCtx.on.relationChanged(answered), {
      ...before,
      secrets: [half],
    });
    expect(out2.unitStatus.message).toBe(
      'invalid vault-kv data from vault-k8s: "credentials" names a secret without "role-id" and "role-secret-id"',
    );
  });

  it("blocks on a malformed answer", async () => {
    const { answered, before } = await withAnswer(() => ({}));
    const bad = { ...answered, remoteAppData: { ...answered.remoteAppData, credentials: "[]" } };
    const out = await reqCtx.run(reqCtx.on.relationChanged(bad), { ...before, relations: [bad] });
    expect(out.unitStatus).toEqual({
      status: "blocked",
      message:
        'invalid vault-kv data from vault-k8s: "credentials" should be a JSON object of nonce to secret URI',
    });
  });

  it("emits gone on relation-broken; an optional relation that is absent adds no status", async () => {
    const { answered, before } = await withAnswer((nonce) => ({ [nonce]: credSecret.id }));
    const out = await reqCtx.run(reqCtx.on.relationChanged(answered), before);
    const broken = await reqCtx.run(reqCtx.on.relationBroken(answered), out);
    expect(events).toEqual(["ready", "gone"]);
    expect(broken.unitStatus).toEqual({ status: "active", message: "" });
  });
});

// ---- provider

const attached: string[] = [];

class VaultCharm extends CharmBase {
  readonly kv: VaultKvProvider;
  constructor(ctx: CharmContext) {
    super(ctx);
    this.kv = new VaultKvProvider(this, "vault-kv");
    this.observe(this.kv.on.clientAttached, this.onAttached);
    this.observe(this.kv.on.clientDetached, this.onDetached);
  }
  onAttached(e: ClientAttachedEvent): void {
    attached.push(`${e.unitName}:${e.nonce}:${e.egressSubnets.join("+")}`);
    this.kv.publish(e.relation, {
      unitName: e.unitName,
      nonce: e.nonce,
      vaultUrl: "https://10.152.183.20:8200",
      caCertificate: CA,
      mount: kvMountName(e.relation.app!.name, e.mountSuffix),
      roleId: `role-${e.unitName}`,
      roleSecretId: ROLE_SECRET_ID,
    });
  }
  onDetached(e: ClientDetachedEvent): void {
    attached.push(`detached:${e.unitName}`);
    this.kv.removeUnitCredentials(e.relation, e.unitName);
  }
}

const provCtx = new Context(VaultCharm, {
  meta: CharmMeta.fromDocuments({
    name: "vault-k8s",
    provides: { "vault-kv": { interface: "vault-kv" } },
  }),
});

describe("VaultKvProvider", () => {
  beforeEach(() => {
    attached.length = 0;
  });

  const jimm = (units: Record<number, Record<string, string>>) =>
    relation({
      endpoint: "vault-kv",
      id: 9,
      remoteAppName: "jimm",
      remoteAppData: { mount_suffix: "jimm" },
      remoteUnitsData: units,
    });

  it("issues one secret per unit, granted to the relation, and publishes credentials[nonce], schema-valid", async () => {
    const rel = jimm({
      0: { egress_subnet: "10.1.0.5/32", nonce: "n0" },
      1: { egress_subnet: "10.1.0.6/32", nonce: "n1" },
      2: { nonce: "half" },
    });
    const out = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    expect(attached).toEqual(["jimm/0:n0:10.1.0.5/32", "jimm/1:n1:10.1.0.6/32"]);
    const bag = out.relations[0]!.localAppData;
    const creds = JSON.parse(bag.credentials!) as Record<string, string>;
    expect(Object.keys(creds)).toEqual(["n0", "n1"]);
    const s0 = out.secrets.find((s) => s.label === "vault-kv-jimm-0")!;
    expect(s0).toMatchObject({
      owner: "app",
      remoteGrants: { 9: ["jimm"] },
      latestContent: { "role-id": "role-jimm/0" },
    });
    expect(creds.n0).toBe(s0.id);
    expect(bag.mount).toBe("charm-jimm-jimm");
    expect(schemaErrors("vault_kv/v0/provider.json", { app: bag })).toEqual([]);
    expect(leaks({ ...out, logs: provCtx.logs }, [ROLE_SECRET_ID])).toEqual([]);
  });

  it("a non-leader neither emits nor writes; a bad CIDR is logged, not fatal", async () => {
    const rel = jimm({ 0: { egress_subnet: "nonsense", nonce: "n0" } });
    const out = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: false, relations: [rel] }),
    );
    expect(out.relations[0]!.localAppData).toEqual({});
    const led = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    expect(attached).toEqual([]);
    expect(led.relations[0]!.localAppData).toEqual({});
    expect(provCtx.logs.map((l) => l.message).join()).toContain(
      '"egress_subnet" should be comma-separated CIDRs',
    );
  });

  it("keeps other units' entries, a short-form id of an older charm made canonical", async () => {
    const rel = relation({
      endpoint: "vault-kv",
      id: 9,
      remoteAppName: "jimm",
      remoteAppData: { mount_suffix: "jimm" },
      remoteUnitsData: { 0: { egress_subnet: "10.1.0.5/32", nonce: "n0" } },
      localAppData: {
        credentials: '{"gone": "secret:d0e5hort0000000000ab"}',
        vault_url: "https://10.152.183.20:8200",
        ca_certificate: CA,
        mount: "charm-jimm-jimm",
      },
    });
    const out = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    const creds = JSON.parse(out.relations[0]!.localAppData.credentials!) as Record<string, string>;
    expect(creds).toEqual({
      gone: canonicalSecretId("secret:d0e5hort0000000000ab", out.model.uuid),
      n0: out.secrets[0]!.id,
    });
  });

  it("removes a departed unit's secret", async () => {
    const rel = jimm({ 0: { egress_subnet: "10.1.0.5/32", nonce: "n0" } });
    const out = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    expect(out.secrets).toHaveLength(1);
    const gone = await provCtx.run(provCtx.on.relationDeparted(rel, { remoteUnit: 0 }), out);
    expect(attached.at(-1)).toBe("detached:jimm/0");
    expect(gone.secrets).toEqual([]);
  });
});
