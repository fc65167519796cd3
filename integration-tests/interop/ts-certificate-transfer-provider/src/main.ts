// Interop charm: our certificate_transfer provider, sending the CA of its "ca" option.
import { CertificateTransferProvider } from "../../../../lib/interfaces/certificate-transfer/index.js";
import {
  ActiveStatus,
  CharmBase,
  type CharmContext,
  type CollectStatusEvent,
  main,
} from "../../../../lib/ops/index.js";

class TsCertificateTransferProvider extends CharmBase {
  private readonly sendCa: CertificateTransferProvider;

  constructor(ctx: CharmContext) {
    super(ctx);
    this.sendCa = new CertificateTransferProvider(this, "send-ca-cert", {
      certificates: () => this.certificates(),
    });
    this.observe(this.on.configChanged, this.onConfigChanged);
    this.observe(this.on.collectUnitStatus, this.onCollectUnitStatus);
  }

  private certificates(): string[] {
    const ca = String(this.config.get("ca") ?? "").trim();
    return ca === "" ? [] : [ca + "\n"];
  }

  onConfigChanged(): void {
    this.sendCa.publish();
  }

  onCollectUnitStatus(event: CollectStatusEvent): void {
    event.addStatus(new ActiveStatus(`sending to ${this.model.relations("send-ca-cert").length}`));
  }
}

main(TsCertificateTransferProvider);
