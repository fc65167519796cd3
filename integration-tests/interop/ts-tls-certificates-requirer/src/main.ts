// Interop charm: our tls-certificates requirer; its status shows digests of what it got and
// whether the certificate carries its key. The key itself is never shown or logged.
import { createHash } from "node:crypto";
import {
  type CertificateAvailableEvent,
  TlsCertificatesRequirer,
  certificateInfo,
  certificateMatchesKey,
} from "../../../../lib/interfaces/tls-certificates/index.js";
import {
  ActiveStatus,
  CharmBase,
  type CharmContext,
  type CollectStatusEvent,
  main,
} from "../../../../lib/ops/index.js";

function digest(pem: string): string {
  return createHash("sha256").update(pem.trim()).digest("hex").slice(0, 12);
}

class TsTlsCertificatesRequirer extends CharmBase {
  private readonly tls: TlsCertificatesRequirer;

  constructor(ctx: CharmContext) {
    super(ctx);
    const [app = "", n = "0"] = this.unit.name.split("/");
    const fqdn = `${app}-${n}.${app}-endpoints.${this.model.name}.svc.cluster.local`;
    this.tls = new TlsCertificatesRequirer(this, "certificates", {
      requests: [{ commonName: fqdn, sansDns: [fqdn], sansIp: ["127.0.0.1"] }],
    });
    this.observe(this.tls.on.certificateAvailable, (e: CertificateAvailableEvent) =>
      this.log.info(
        `certificate available for ${certificateInfo(e.certificate).commonName}: ${digest(e.certificate)}`,
      ),
    );
    this.observe(this.tls.on.certificateRevoked, () => this.log.info("certificate revoked"));
    this.observe(this.on.collectUnitStatus, this.onCollectUnitStatus);
  }

  onCollectUnitStatus(event: CollectStatusEvent): void {
    const problem = this.tls.status();
    if (problem !== undefined) return event.addStatus(problem);
    const [cert] = this.tls.assignedCertificates();
    const key = this.tls.privateKey();
    if (cert === undefined || key === undefined) return event.addStatus(new ActiveStatus());
    event.addStatus(
      new ActiveStatus(
        `ready certificate=${digest(cert.certificate)} ca=${digest(cert.ca)} ` +
          `csr=${digest(cert.csr)} key-matches=${certificateMatchesKey(cert.certificate, key)}`,
      ),
    );
  }
}

main(TsTlsCertificatesRequirer);
