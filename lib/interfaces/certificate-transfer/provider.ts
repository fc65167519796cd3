/**
 * The provider side of `certificate_transfer` (OpenFGA's `send-ca-cert`), as the v1 Python
 * library behaves: to a requirer whose app bag says `version` = `1`, the leader writes its app bag
 * (`certificates`, `version`); to any other requirer it falls back to v0 in its own unit bag. Each
 * write makes the bag exactly the new data, as the library's dump clears the bag first.
 *
 * @example
 * ```ts
 * this.sendCa = new CertificateTransferProvider(this, "send-ca-cert", { certificates: () => [this.caPem()] });
 * // the certificates are (re)sent on the relation events; after the CA changes:
 * this.sendCa.publish();
 * ```
 */
import { CharmObject } from "../../ops/charm.js";
import type { Relation } from "../../ops/model/relation.js";
import { liveRelations } from "../common/relations.js";
import { renderProviderAppBag, renderProviderUnitBagV0, requirerSpeaksV1 } from "./data.js";

/**
 * Options of {@link CertificateTransferProvider}.
 *
 * @example
 * ```ts
 * new CertificateTransferProvider(this, "send-ca-cert", { certificates: () => [caPem] } satisfies CertificateTransferProviderOptions);
 * ```
 */
export interface CertificateTransferProviderOptions {
  /** The certificates to send; when given, they are sent on every relation event of the endpoint. */
  certificates?: () => Iterable<string>;
}

/**
 * The provider side of `certificate_transfer` v1, with v0 fallback.
 *
 * @example
 * ```ts
 * const sendCa = new CertificateTransferProvider(this, "send-ca-cert");
 * sendCa.publish([caPem]);
 * ```
 */
export class CertificateTransferProvider extends CharmObject {
  constructor(
    parent: CharmObject,
    /** The endpoint, `send-ca-cert` on OpenFGA. */
    readonly endpoint: string,
    private readonly options: CertificateTransferProviderOptions = {},
  ) {
    super(parent, endpoint);
    const rel = this.charmEvents.relation(endpoint);
    if (options.certificates) {
      // The requirer writes `version` after relation-created: answer again on each change.
      this.observe(rel.created, this.onRelationEvent);
      this.observe(rel.joined, this.onRelationEvent);
      this.observe(rel.changed, this.onRelationEvent);
    }
  }

  private onRelationEvent(): void {
    this.publish();
  }

  /**
   * Leader only (returns false otherwise): sends `certificates` (default: the constructor's
   * callback) on `relation`, or on every relation. An empty set clears the bag.
   */
  publish(certificates?: Iterable<string>, relation?: Relation): boolean {
    if (!this.model.unit.isLeader()) return false;
    const certs = [...(certificates ?? this.options.certificates?.() ?? [])];
    for (const r of relation ? [relation] : liveRelations(this, this.endpoint)) {
      if (r.app && requirerSpeaksV1(r.data(r.app).toObject())) {
        r.data(this.model.app).replace(renderProviderAppBag(certs));
        // A requirer that moved to v1 must not keep reading stale v0 data.
        r.data(this.model.unit).replace({});
      } else {
        r.data(this.model.unit).replace(renderProviderUnitBagV0(certs));
      }
    }
    return true;
  }
}
