/**
 * The tls-client test charm: a `TlsCertificatesRequirer` (unit mode, one certificate for the
 * unit's pod name) and a `CertificateTransferRequirer`. The `show` action returns what the
 * libraries resolved; the private key never leaves the charm (`key-matches` says whether the
 * certificate carries its public key).
 */
import { CertificateTransferRequirer } from "../../../../../lib/interfaces/certificate-transfer/index.js";
import {
  TlsCertificatesRequirer,
  certificateMatchesKey,
} from "../../../../../lib/interfaces/tls-certificates/index.js";
import {
  type ActionEvent,
  ActiveStatus,
  CharmBase,
  type CharmContext,
  type CollectStatusEvent,
} from "../../../../../lib/ops/index.js";

/** The tls-client charm. */
export class TlsClientCharm extends CharmBase {
  readonly tls: TlsCertificatesRequirer;
  readonly cas: CertificateTransferRequirer;

  constructor(ctx: CharmContext) {
    super(ctx);
    const [app = "", n = "0"] = this.unit.name.split("/");
    const fqdn = `${app}-${n}.${app}-endpoints.${this.model.name}.svc.cluster.local`;
    this.tls = new TlsCertificatesRequirer(this, "certificates", {
      requests: [{ commonName: fqdn, sansDns: [fqdn], sansIp: ["127.0.0.1"] }],
    });
    this.cas = new CertificateTransferRequirer(this, "receive-ca-cert");
    this.observe(this.on.action("show"), this.onShow);
    this.observe(this.on.collectUnitStatus, this.collectStatus);
  }

  private onShow(event: ActionEvent): void {
    const [cert] = this.tls.assignedCertificates();
    const key = this.tls.privateKey();
    event.setResults({
      certificate: cert?.certificate ?? "",
      ca: cert?.ca ?? "",
      chain: JSON.stringify(cert?.chain ?? []),
      "received-cas": JSON.stringify(this.cas.allCertificates()),
      "key-matches": String(
        cert !== undefined && key !== undefined && certificateMatchesKey(cert.certificate, key),
      ),
    });
  }

  private collectStatus(event: CollectStatusEvent): void {
    for (const s of [this.tls.status(), this.cas.status()]) if (s) event.addStatus(s);
    const ready = this.tls.assignedCertificates().length > 0;
    const cas = this.cas.allCertificates().length;
    event.addStatus(new ActiveStatus(ready ? `certificate ready, ${cas} CA(s) trusted` : ""));
  }
}
