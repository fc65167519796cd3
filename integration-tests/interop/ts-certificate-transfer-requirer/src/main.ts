// Interop charm: our certificate_transfer requirer; its status shows digests of what it got.
import { createHash } from "node:crypto";
import { CertificateTransferRequirer } from "../../../../lib/interfaces/certificate-transfer/index.js";
import {
  ActiveStatus,
  CharmBase,
  type CharmContext,
  type CollectStatusEvent,
  WaitingStatus,
  main,
} from "../../../../lib/ops/index.js";

function digest(pem: string): string {
  return createHash("sha256").update(pem.trim()).digest("hex").slice(0, 12);
}

class TsCertificateTransferRequirer extends CharmBase {
  private readonly receiveCa: CertificateTransferRequirer;

  constructor(ctx: CharmContext) {
    super(ctx);
    this.receiveCa = new CertificateTransferRequirer(this, "receive-ca-cert");
    this.observe(this.on.collectUnitStatus, this.onCollectUnitStatus);
  }

  onCollectUnitStatus(event: CollectStatusEvent): void {
    const problem = this.receiveCa.status();
    if (problem !== undefined) return event.addStatus(problem);
    const certs = this.receiveCa.allCertificates();
    if (certs.length === 0) return event.addStatus(new WaitingStatus("no certificate yet"));
    const digests = certs.map(digest).sort().join(",");
    event.addStatus(new ActiveStatus(`ready certificates=${digests}`));
  }
}

main(TsCertificateTransferRequirer);
