/**
 * The local stand-in of `self-signed-certificates`: a real CA that signs the CSRs it receives on
 * `certificates` (tls-certificates v1, with `TlsCertificatesProvider`) and sends its certificate
 * on `send-ca-cert` (certificate_transfer v1 with the v0 fallback, with
 * `CertificateTransferProvider`).
 *
 * The leader makes the CA once (an application secret) and answers every outstanding CSR with a
 * certificate of `certificate-validity`; the providers answer on their relations' events and on
 * update-status. Changing the CA settings makes a new CA and revokes every certificate issued by
 * the old one; requirers then ask again (or the next sync re-issues for the same CSRs). The charm
 * has no workload container, as the real one.
 */
import { CertificateTransferProvider } from "../../../../lib/interfaces/certificate-transfer/index.js";
import {
  type CertificateRequest,
  type IssueResult,
  TlsCertificatesProvider,
  signCsr,
} from "../../../../lib/interfaces/tls-certificates/index.js";
import {
  type ActionEvent,
  ActiveStatus,
  BlockedStatus,
  CharmBase,
  type CharmContext,
  type CollectStatusEvent,
  type SecretRemoveEvent,
} from "../../../../lib/ops/index.js";
import { type Ca, CA_SECRET_LABEL, type CaSettings, caSettings, ensureCa, readCa } from "./ca.js";

/**
 * The self-signed-certificates stand-in charm (see the module documentation).
 *
 * @example
 * ```ts
 * main(SelfSignedCertificatesCharm);
 * ```
 */
export class SelfSignedCertificatesCharm extends CharmBase {
  /** The `certificates` provider. */
  readonly tls: TlsCertificatesProvider;
  /** The `send-ca-cert` provider. */
  readonly sendCa: CertificateTransferProvider;
  /** The CA as this hook knows it (after any change it made). */
  private ca: Ca | undefined;

  constructor(ctx: CharmContext) {
    super(ctx);
    this.tls = new TlsCertificatesProvider(this, "certificates", {
      issue: (req) => this.issue(req),
    });
    this.sendCa = new CertificateTransferProvider(this, "send-ca-cert", {
      certificates: () => {
        const ca = this.currentCa();
        return ca ? [ca.certificate] : [];
      },
    });
    for (const source of [
      this.on.install,
      this.on.configChanged,
      this.on.leaderElected,
      this.on.upgradeCharm,
      this.on.updateStatus,
    ]) {
      this.observe(source, this.reconcile);
    }
    this.observe(this.on.action("get-ca-certificate"), this.onGetCaCertificate);
    this.observe(this.on.action("rotate-private-key"), this.onRotatePrivateKey);
    this.observe(this.on.secretRemove, this.onSecretRemove);
    this.observe(this.on.collectUnitStatus, this.collectUnitStatus);
  }

  /** An old revision of the CA secret is no longer tracked by anyone: remove it. */
  private onSecretRemove(event: SecretRemoveEvent): void {
    if (!this.unit.isLeader() || event.revision === undefined) return;
    if (event.secret.label !== CA_SECRET_LABEL) return;
    event.secret.removeRevision(event.revision);
  }

  private settings(): CaSettings | undefined {
    const s = caSettings(this.config);
    return "error" in s ? undefined : s;
  }

  /**
   * Leader: the CA to sign with now: the current one (even if the settings changed since; the
   * reconcile replaces it), or a new one when there is none yet and the settings are valid.
   */
  private currentCa(): Ca | undefined {
    if (this.ca || !this.unit.isLeader()) return this.ca;
    const settings = this.settings();
    if (settings) this.ca = ensureCa(this.model, settings, { keepOutdated: true }).ca;
    else {
      const stored = readCa(this.model);
      if (stored) this.ca = { certificate: stored.certificate, privateKey: stored.privateKey };
    }
    return this.ca;
  }

  private issue(req: CertificateRequest): IssueResult {
    const settings = this.settings();
    const ca = this.currentCa();
    if (!settings || !ca) return undefined; // pending until the config is fixed
    const certificate = signCsr({
      csr: req.csr,
      caCertificate: ca.certificate,
      caPrivateKey: ca.privateKey,
      validityDays: settings.certificateValidityDays,
      isCa: req.isCa,
    });
    this.log.info(`issued a certificate for a CSR from ${req.from} on ${req.relation}`);
    return { certificate, ca: ca.certificate, chain: [certificate, ca.certificate] };
  }

  /** Leader: the CA matches the settings; after a change, old certificates are revoked. */
  private reconcile(): void {
    if (!this.unit.isLeader()) return;
    const settings = this.settings();
    if (!settings) return;
    const { ca, rotated } = ensureCa(this.model, settings);
    this.ca = ca;
    // After a rotation the revoked certificates stay on the wire for requirers to see; the next
    // sync (a relation event, update-status) answers their new CSRs, or the same ones again.
    if (rotated) this.afterRotation("the CA settings changed");
    else this.tls.sync();
    this.sendCa.publish();
  }

  private afterRotation(why: string): void {
    this.log.info(`${why}: new CA certificate; revoking the certificates issued by the old one`);
    this.tls.revokeAll();
  }

  private onGetCaCertificate(event: ActionEvent): void {
    const ca = this.ca ?? readCa(this.model);
    if (!ca) {
      event.fail("there is no CA certificate yet: the leader makes it");
      return;
    }
    event.setResults({ "ca-certificate": ca.certificate });
  }

  private onRotatePrivateKey(event: ActionEvent): void {
    if (!this.unit.isLeader()) {
      event.fail("run this action on the leader unit");
      return;
    }
    const settings = caSettings(this.config);
    if ("error" in settings) {
      event.fail(`cannot make a new CA: ${settings.error}`);
      return;
    }
    const { ca, rotated } = ensureCa(this.model, settings, { rotate: true });
    this.ca = ca;
    if (rotated) this.afterRotation("rotate-private-key");
    this.sendCa.publish();
    event.setResults({ "ca-certificate": ca.certificate });
  }

  private collectUnitStatus(event: CollectStatusEvent): void {
    const settings = caSettings(this.config);
    if ("error" in settings) {
      event.addStatus(new BlockedStatus(`${settings.error}; run \`juju config\` to fix it`));
      return;
    }
    if (this.unit.isLeader()) {
      // Reading every request refreshes the provider's list of unreadable ones.
      this.tls.requests();
      const [first] = this.tls.problems;
      if (first) {
        event.addStatus(new BlockedStatus(`${first.source.relation}: ${first.statusMessage}`));
        return;
      }
    }
    event.addStatus(new ActiveStatus());
  }
}
