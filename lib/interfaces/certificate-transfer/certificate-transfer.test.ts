// Unit tests of certificate_transfer v1 (and the v0 fallback): data model, requirer and provider in
// tiny charms run by lib/testing, with every bag we write checked against the published schema.
import { beforeEach, describe, expect, it } from "vitest";
import { CharmBase, type CharmContext } from "../../ops/charm.js";
import type { CollectStatusEvent } from "../../ops/framework/juju-events.js";
import { CharmMeta } from "../../ops/metadata.js";
import { ActiveStatus } from "../../ops/model/status.js";
import { Context, type RelationState, relation, state } from "../../testing/index.js";
import { schemaErrors, withoutJujuKeys } from "../common/schema-check.js";
import {
  type CertificatesAvailableEvent,
  CertificateTransferProvider,
  CertificateTransferRequirer,
  parseProviderAppBag,
  parseProviderUnitBagV0,
  renderProviderAppBag,
  renderProviderUnitBagV0,
} from "./index.js";

const src = {
  interfaceName: "certificate_transfer",
  relation: "receive-ca-cert:2",
  owner: "self-signed-certificates",
};
const pem = (n: string): string =>
  `-----BEGIN CERTIFICATE-----\nMIIB${n}\n-----END CERTIFICATE-----`;
const A = pem("aaaa");
const B = pem("bbbb");

describe("data model", () => {
  it("writes v1 app data and v0 fallback unit data as the v1 Python library does", () => {
    expect(renderProviderAppBag([B, A, A])).toEqual({
      certificates: JSON.stringify([A, B]).replace(/","/g, '", "'),
      version: "1",
    });
    expect(renderProviderUnitBagV0([A])).toEqual({
      ca: JSON.stringify(A),
      certificate: JSON.stringify(A),
      chain: `[${JSON.stringify(A)}]`,
      version: "0",
    });
    expect(renderProviderUnitBagV0([])).toEqual({});
  });

  it("reads v1, v0 JSON-quoted (v1 library fallback) and v0 raw (legacy library) data alike", () => {
    expect(
      parseProviderAppBag({ certificates: JSON.stringify([B, A]), version: "1" }, src),
    ).toEqual([A, B]);
    expect(parseProviderAppBag({ certificates: "[]", version: "1" }, src)).toBeUndefined();
    expect(parseProviderUnitBagV0(renderProviderUnitBagV0([A, B]), src)).toEqual([A, B]);
    expect(
      parseProviderUnitBagV0({ ca: A, certificate: B, chain: JSON.stringify([B, A]) }, src),
    ).toEqual([A, B]);
    expect(parseProviderUnitBagV0({ ca: A }, src)).toEqual([A]);
  });

  it.each([
    [{ certificates: "[" }, '"certificates" is not valid JSON'],
    [{ certificates: "[1]" }, '"certificates" should be a JSON list of PEM certificates'],
    [{ certificates: '["not a pem"]' }, '"certificates" should hold PEM certificates'],
    [{ certificates: "[]", version: "one" }, '"version" should be an integer'],
  ])("rejects app data %j", (bag, message) => {
    expect(() => parseProviderAppBag(bag, src)).toThrow(message);
  });
});

// ---- requirer

const events: string[] = [];

class JimmCharm extends CharmBase {
  readonly cas: CertificateTransferRequirer;
  constructor(ctx: CharmContext) {
    super(ctx);
    this.cas = new CertificateTransferRequirer(this, "receive-ca-cert");
    this.observe(
      this.cas.on.certificatesAvailable,
      (e: CertificatesAvailableEvent) => void events.push(`available:${e.certificates.length}`),
    );
    this.observe(this.cas.on.certificatesRemoved, () => void events.push("removed"));
    this.observe(this.on.collectUnitStatus, this.collect);
  }
  collect(event: CollectStatusEvent): void {
    event.addStatus(
      this.cas.status() ?? new ActiveStatus(`${this.cas.allCertificates().length} CA certificates`),
    );
  }
}

const reqCtx = new Context(JimmCharm, {
  meta: CharmMeta.fromDocuments({
    name: "jimm",
    requires: {
      "receive-ca-cert": { interface: "certificate_transfer", limit: 1, optional: true },
    },
  }),
});

function caRelation(
  remoteAppData: Record<string, string>,
  remoteUnitsData?: Record<number, Record<string, string>>,
): RelationState {
  return relation({
    endpoint: "receive-ca-cert",
    id: 2,
    remoteAppName: "self-signed-certificates",
    remoteAppData,
    ...(remoteUnitsData ? { remoteUnitsData } : {}),
  });
}

describe("CertificateTransferRequirer", () => {
  beforeEach(() => {
    events.length = 0;
  });

  it("the leader writes version 1 on relation-created, schema-valid; a non-leader writes nothing", async () => {
    const rel = caRelation({});
    const out = await reqCtx.run(
      reqCtx.on.relationCreated(rel),
      state({ leader: true, relations: [rel] }),
    );
    expect(out.relations[0]!.localAppData).toEqual({ version: "1" });
    expect(
      schemaErrors("certificate_transfer/v1/requirer.json", {
        app: out.relations[0]!.localAppData,
      }),
    ).toEqual([]);
    const follower = await reqCtx.run(
      reqCtx.on.relationCreated(rel),
      state({ leader: false, relations: [rel] }),
    );
    expect(follower.relations[0]!.localAppData).toEqual({});
    const elected = await reqCtx.run(reqCtx.on.leaderElected(), { ...follower, leader: true });
    expect(elected.relations[0]!.localAppData).toEqual({ version: "1" });
  });

  it("reads v1 certificates and announces a changed set once", async () => {
    const rel = caRelation(renderProviderAppBag([A]));
    const out = await reqCtx.run(reqCtx.on.relationChanged(rel), state({ relations: [rel] }));
    expect(out.unitStatus).toEqual({ status: "active", message: "1 CA certificates" });
    const same = await reqCtx.run(reqCtx.on.relationChanged(rel), out);
    const more = caRelation(renderProviderAppBag([A, B]));
    await reqCtx.run(reqCtx.on.relationChanged(more), { ...same, relations: [more] });
    expect(events).toEqual(["available:1", "available:2"]);
  });

  it("falls back to v0 unit data from a legacy provider (raw PEM) and from the v1 library (JSON-quoted)", async () => {
    const legacy = caRelation({}, { 0: { ca: A, certificate: B, chain: JSON.stringify([B, A]) } });
    const out = await reqCtx.run(
      reqCtx.on.relationChanged(legacy, { remoteUnit: 0 }),
      state({ relations: [legacy] }),
    );
    expect(out.unitStatus.message).toBe("2 CA certificates");
    const quoted = caRelation({}, { 0: renderProviderUnitBagV0([A]) });
    const out2 = await reqCtx.run(
      reqCtx.on.relationChanged(quoted, { remoteUnit: 0 }),
      state({ relations: [quoted] }),
    );
    expect(out2.unitStatus.message).toBe("1 CA certificates");
  });

  it("blocks with a precise message on malformed data", async () => {
    const rel = caRelation({ certificates: '["garbage"]', version: "1" });
    const out = await reqCtx.run(reqCtx.on.relationChanged(rel), state({ relations: [rel] }));
    expect(out.unitStatus).toEqual({
      status: "blocked",
      message:
        'invalid certificate_transfer data from self-signed-certificates: "certificates" should hold PEM certificates',
    });
    expect(events).toEqual([]);
  });

  it("announces removal when the provider empties its set and on relation-broken", async () => {
    const rel = caRelation(renderProviderAppBag([A]));
    const out = await reqCtx.run(reqCtx.on.relationChanged(rel), state({ relations: [rel] }));
    const emptied = caRelation(renderProviderAppBag([]));
    const out2 = await reqCtx.run(reqCtx.on.relationChanged(emptied), {
      ...out,
      relations: [emptied],
    });
    const broken = await reqCtx.run(reqCtx.on.relationBroken(emptied), out2);
    expect(events).toEqual(["available:1", "removed", "removed"]);
    expect(broken.unitStatus).toEqual({ status: "active", message: "0 CA certificates" });
  });
});

// ---- provider

class OpenFgaCharm extends CharmBase {
  readonly sendCa: CertificateTransferProvider;
  constructor(ctx: CharmContext) {
    super(ctx);
    this.sendCa = new CertificateTransferProvider(this, "send-ca-cert", {
      certificates: () => [B, A],
    });
  }
}

const provCtx = new Context(OpenFgaCharm, {
  meta: CharmMeta.fromDocuments({
    name: "openfga-k8s",
    provides: { "send-ca-cert": { interface: "certificate_transfer" } },
  }),
});

describe("CertificateTransferProvider", () => {
  it("answers a v1 requirer in the app bag, schema-valid, and clears any v0 unit data", async () => {
    const rel = relation({
      endpoint: "send-ca-cert",
      remoteAppName: "jimm",
      remoteAppData: { version: "1" },
      localUnitData: { "ingress-address": "10.0.0.1", ca: '"old"', chain: "[]", version: "0" },
    });
    const out = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: true, relations: [rel] }),
    );
    const app = out.relations[0]!.localAppData;
    expect(app).toEqual(renderProviderAppBag([A, B]));
    expect(schemaErrors("certificate_transfer/v1/provider.json", { app })).toEqual([]);
    expect(out.relations[0]!.localUnitData).toEqual({ "ingress-address": "10.0.0.1" });
  });

  it("falls back to v0 unit data for a requirer without version 1", async () => {
    const rel = relation({ endpoint: "send-ca-cert", remoteAppName: "legacy", remoteAppData: {} });
    const out = await provCtx.run(
      provCtx.on.relationJoined(rel),
      state({ leader: true, relations: [rel] }),
    );
    expect(out.relations[0]!.localAppData).toEqual({});
    expect(withoutJujuKeys(out.relations[0]!.localUnitData)).toEqual(
      renderProviderUnitBagV0([A, B]),
    );
  });

  it("a non-leader writes nothing", async () => {
    const rel = relation({
      endpoint: "send-ca-cert",
      remoteAppName: "jimm",
      remoteAppData: { version: "1" },
    });
    const out = await provCtx.run(
      provCtx.on.relationChanged(rel),
      state({ leader: false, relations: [rel] }),
    );
    expect(out.relations[0]!.localAppData).toEqual({});
    expect(withoutJujuKeys(out.relations[0]!.localUnitData)).toEqual({});
  });
});
