// Interop charm: our tls-certificates provider with a real CA (the self-signed-certificates
// stand-in's CA code); its status shows the CA's digest and how many certificates are issued.
import { createHash } from "node:crypto";
import {
  type CertificateRequest,
  type IssueResult,
  TlsCertificatesProvider,
  signCsr,
} from "../../../../lib/interfaces/tls-certificates/index.js";
import {
  ActiveStatus,
  CharmBase,
  type CharmContext,
  type CollectStatusEvent,
  main,
} from "../../../../lib/ops/index.js";
import {
  type Ca,
  type CaSettings,
  ensureCa,
} from "../../../charms/self-signed-certificates/src/ca.js";

const SETTINGS: CaSettings = {
  commonName: "ts-tls-certificates-provider interop CA",
  rootValidityDays: 30,
  certificateValidityDays: 10,
};

function digest(pem: string): string {
  return createHash("sha256").update(pem.trim()).digest("hex").slice(0, 12);
}

class TsTlsCertificatesProvider extends CharmBase {
  private readonly tls: TlsCertificatesProvider;
  private current: Ca | undefined;

  constructor(ctx: CharmContext) {
    super(ctx);
    this.tls = new TlsCertificatesProvider(this, "certificates", {
      issue: (req) => this.issue(req),
    });
    this.observe(this.on.leaderElected, () => this.tls.sync());
    this.observe(this.on.collectUnitStatus, this.onCollectUnitStatus);
  }

  /** Leader only: the CA, made the first time. */
  private ca(): Ca {
    this.current ??= ensureCa(this.model, SETTINGS).ca;
    return this.current;
  }

  private issue(req: CertificateRequest): IssueResult {
    const ca = this.ca();
    const certificate = signCsr({
      csr: req.csr,
      caCertificate: ca.certificate,
      caPrivateKey: ca.privateKey,
      validityDays: SETTINGS.certificateValidityDays,
      isCa: req.isCa,
    });
    this.log.info(`issued a certificate for ${req.from} on ${req.relation}`);
    return { certificate, ca: ca.certificate, chain: [certificate, ca.certificate] };
  }

  onCollectUnitStatus(event: CollectStatusEvent): void {
    if (!this.unit.isLeader()) return event.addStatus(new ActiveStatus());
    const issued = this.model
      .relations("certificates")
      .flatMap((r) => this.tls.issued(r).filter((c) => !c.revoked)).length;
    event.addStatus(new ActiveStatus(`ca=${digest(this.ca().certificate)} issued=${issued}`));
  }
}

main(TsTlsCertificatesProvider);
