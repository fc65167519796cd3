/**
 * The requirer side of `tls-certificates` (library v4 semantics), for OpenFGA's and JIMM's
 * `certificates` endpoint.
 *
 * The private key is generated once and kept in a secret owned by this unit (or, in app mode, by
 * the application), labelled as the Python library labels it, so a charm upgraded from the Python
 * charm keeps its key. It never goes into a databag. For each wanted certificate the requirer
 * sends a CSR (unit bag, or app bag in app mode), matches the provider's certificate to it by the
 * exact, trimmed CSR text, checks CA-ness and the public key, renews when the certificate reaches
 * `renewalRelativeTime` of its life, and, when the provider revokes a certificate, stops using it
 * and asks again with a fresh CSR (same key).
 *
 * @example
 * ```ts
 * this.tls = new TlsCertificatesRequirer(this, "certificates", {
 *   requests: () => [{ commonName: `${this.app.name}.${this.model.name}.svc.cluster.local`,
 *                      sansDns: [`${this.app.name}.${this.model.name}.svc.cluster.local`],
 *                      sansIp: ["127.0.0.1", "0.0.0.0"] }],
 * });
 * this.observe(this.tls.on.certificateAvailable, this.reconcile);
 * // reconcile: const [cert] = this.tls.assignedCertificates(); const key = this.tls.privateKey();
 * ```
 */
import { createHash } from "node:crypto";
import { isIP } from "node:net";
import { CharmObject } from "../../ops/charm.js";
import { SecretNotFoundError } from "../../ops/errors.js";
import type { EventSource, Snapshot } from "../../ops/framework/event.js";
import { type RelationBrokenEvent, RelationEvent } from "../../ops/framework/juju-events.js";
import type { Relation, RelationDataContent } from "../../ops/model/relation.js";
import type { Secret } from "../../ops/model/secret.js";
import { BlockedStatus, type StatusBase } from "../../ops/model/status.js";
import { InterfaceDataError, relationSource } from "../common/databag.js";
import { snapshotStrings } from "../common/events.js";
import { readinessProblem, readinessStatus } from "../common/readiness.js";
import { liveRelations, relationEventInit } from "../common/relations.js";
import { forgetRelation, rememberRelation } from "../common/seen.js";
import { tryParse } from "../common/try-parse.js";
import {
  INTERFACE,
  LIBID,
  type ProviderData,
  type RequestError,
  type RequirerCsr,
  normalizePem,
  parseProviderBag,
  parseRequirerBag,
  renderRequirerBag,
} from "./data.js";
import {
  type CertificateRequestAttributes,
  X509Error,
  certificateInfo,
  certificateMatchesKey,
  csrMatchesKey,
  generateCsr,
  generatePrivateKey,
  parseCsr,
} from "./x509.js";

/**
 * A certificate issued for one of our CSRs, checked against our key.
 *
 * @example
 * ```ts
 * const [cert]: AssignedCertificate[] = this.tls.assignedCertificates();
 * ```
 */
export interface AssignedCertificate {
  certificate: string;
  ca: string;
  chain: string[];
  csr: string;
  isCa: boolean;
  notBefore: Date;
  notAfter: Date;
}

/**
 * A new (or re-issued) certificate is available for one of our CSRs.
 *
 * @example
 * ```ts
 * this.observe(this.tls.on.certificateAvailable, (e: CertificateAvailableEvent) => install(e.certificate));
 * ```
 */
export class CertificateAvailableEvent extends RelationEvent {
  certificate = "";
  ca = "";
  chain: string[] = [];
  csr = "";

  override snapshot(): Snapshot {
    return {
      ...super.snapshot(),
      certificate: this.certificate,
      ca: this.ca,
      chain: this.chain,
      csr: this.csr,
    };
  }

  override restore(s: Snapshot): void {
    super.restore(s);
    this.certificate = String(s.certificate);
    this.ca = String(s.ca);
    this.chain = snapshotStrings(s.chain);
    this.csr = String(s.csr);
  }
}

/**
 * A certificate we were using is now marked revoked: stop using it. The requirer has already
 * sent a fresh CSR (same key) in its place; `certificateAvailable` follows once it is issued.
 *
 * @example
 * ```ts
 * this.observe(this.tls.on.certificateRevoked, (e: CertificateRevokedEvent) => this.reconcile());
 * ```
 */
export class CertificateRevokedEvent extends RelationEvent {
  csr = "";

  override snapshot(): Snapshot {
    return { ...super.snapshot(), csr: this.csr };
  }

  override restore(s: Snapshot): void {
    super.restore(s);
    this.csr = String(s.csr);
  }
}

/**
 * The provider refused one of our CSRs.
 *
 * @example
 * ```ts
 * this.observe(this.tls.on.certificateDenied, (e: CertificateDeniedEvent) => this.log.warning(e.reason));
 * ```
 */
export class CertificateDeniedEvent extends RelationEvent {
  csr = "";
  code = 0;
  reason = "";

  override snapshot(): Snapshot {
    return { ...super.snapshot(), csr: this.csr, code: this.code, reason: this.reason };
  }

  override restore(s: Snapshot): void {
    super.restore(s);
    this.csr = String(s.csr);
    this.code = Number(s.code);
    this.reason = String(s.reason);
  }
}

/**
 * The relation is being removed: certificates and key are gone.
 *
 * @example
 * ```ts
 * this.observe(this.tls.on.certificatesRemoved, (e: CertificatesRemovedEvent) => this.reconcile());
 * ```
 */
export class CertificatesRemovedEvent extends RelationEvent {}

/**
 * Where the requirer stands.
 *
 * @example
 * ```ts
 * const r: TlsReadiness = this.tls.readiness();
 * ```
 */
export type TlsReadiness =
  | { state: "absent" }
  | { state: "waiting"; reason: string }
  | { state: "invalid"; error: InterfaceDataError }
  | { state: "denied"; errors: RequestError[] }
  | { state: "misconfigured"; reason: string }
  | { state: "ready"; certificates: AssignedCertificate[] };

/**
 * Options of {@link TlsCertificatesRequirer}.
 *
 * @example
 * ```ts
 * new TlsCertificatesRequirer(this, "certificates", { requests: [{ commonName: fqdn }], mode: "unit" } satisfies TlsRequirerOptions);
 * ```
 */
export interface TlsRequirerOptions {
  /** The certificates wanted; a function is called on every sync (it may read config). */
  requests:
    readonly CertificateRequestAttributes[] | (() => readonly CertificateRequestAttributes[]);
  /** `unit` (default): each unit its own key and CSR. `app`: the leader requests one for the app. */
  mode?: "unit" | "app";
  /** Renew when this fraction of the certificate's life has passed; 0.5 < x <= 1. Default 0.9. */
  renewalRelativeTime?: number;
  /** Whether a missing relation blocks the charm in {@link TlsCertificatesRequirer.status}. Default false. */
  required?: boolean;
}

/**
 * The content key of the private key secret.
 *
 * @example
 * ```ts
 * secret.getContent()[PRIVATE_KEY_KEY];
 * ```
 */
export const PRIVATE_KEY_KEY = "private-key";

type Seen = { available: string[]; denied: string[] };

/**
 * The requirer side of `tls-certificates`.
 *
 * @example
 * ```ts
 * const tls = new TlsCertificatesRequirer(this, "certificates", { requests: [{ commonName: fqdn }] });
 * const [cert] = tls.assignedCertificates();
 * ```
 */
export class TlsCertificatesRequirer extends CharmObject {
  /** Events this object emits. */
  readonly on: {
    certificateAvailable: EventSource<CertificateAvailableEvent>;
    certificateRevoked: EventSource<CertificateRevokedEvent>;
    certificateDenied: EventSource<CertificateDeniedEvent>;
    certificatesRemoved: EventSource<CertificatesRemovedEvent>;
  };
  private readonly seen = this.storedState<{ relations: Record<string, Seen> }>("seen", {
    relations: {},
  });
  private readonly mode: "unit" | "app";
  private readonly renewalRelativeTime: number;

  constructor(
    parent: CharmObject,
    /** The endpoint, `certificates` on OpenFGA and JIMM. */
    readonly endpoint: string,
    private readonly options: TlsRequirerOptions,
    /** The clock, for tests of renewal. */
    private readonly now: () => Date = () => new Date(),
  ) {
    super(parent, endpoint);
    this.mode = options.mode ?? "unit";
    this.renewalRelativeTime = options.renewalRelativeTime ?? 0.9;
    if (!(this.renewalRelativeTime > 0.5 && this.renewalRelativeTime <= 1)) {
      throw new RangeError("renewalRelativeTime must be in (0.5, 1]");
    }
    const m = this.model;
    this.on = {
      certificateAvailable: this.defineEvent(
        "certificate_available",
        () => new CertificateAvailableEvent(m),
      ),
      certificateRevoked: this.defineEvent(
        "certificate_revoked",
        () => new CertificateRevokedEvent(m),
      ),
      certificateDenied: this.defineEvent(
        "certificate_denied",
        () => new CertificateDeniedEvent(m),
      ),
      certificatesRemoved: this.defineEvent(
        "certificates_removed",
        () => new CertificatesRemovedEvent(m),
      ),
    };
    const rel = this.charmEvents.relation(endpoint);
    this.observe(rel.created, this.sync);
    this.observe(rel.changed, this.sync);
    this.observe(rel.broken, this.onBroken);
    // Renewal needs a clock: update-status is the periodic hook.
    this.observe(this.charmEvents.updateStatus, this.sync);
    this.observe(this.charmEvents.configChanged, this.sync);
    if (this.mode === "app") this.observe(this.charmEvents.leaderElected, this.sync);
  }

  /** The live relation, if any (a relation being broken does not count). */
  get relation(): Relation | undefined {
    return liveRelations(this, this.endpoint)[0];
  }

  private get active(): boolean {
    return this.mode === "unit" || this.model.unit.isLeader();
  }

  private get keyLabel(): string {
    const unitNumber = this.model.unit.name.split("/")[1] ?? "0";
    return this.mode === "unit"
      ? `${LIBID}-private-key-${unitNumber}-${this.endpoint}`
      : `${LIBID}-private-key-app-${this.endpoint}`;
  }

  private wanted(): readonly CertificateRequestAttributes[] {
    return typeof this.options.requests === "function"
      ? this.options.requests()
      : this.options.requests;
  }

  private ourBag(r: Relation): RelationDataContent {
    return r.data(this.mode === "unit" ? this.model.unit : this.model.app);
  }

  private keySecret(): Secret | undefined {
    try {
      return this.model.getSecret({ label: this.keyLabel });
    } catch (e) {
      if (e instanceof SecretNotFoundError) return undefined;
      throw e;
    }
  }

  /** The private key (PEM), once generated. Never log it or put it in relation data. */
  privateKey(): string | undefined {
    if (!this.active) return undefined;
    return this.keySecret()?.getContent()[PRIVATE_KEY_KEY];
  }

  private ensurePrivateKey(): string {
    const existing = this.privateKey();
    if (existing) return existing;
    const key = generatePrivateKey();
    const owner = this.mode === "unit" ? this.model.unit : this.model.app;
    owner.addSecret({ [PRIVATE_KEY_KEY]: key }, { label: this.keyLabel });
    return key;
  }

  private ourCsrs(r: Relation): RequirerCsr[] {
    try {
      return parseRequirerBag(this.ourBag(r).toObject(), relationSource(INTERFACE, r));
    } catch {
      return []; // our own bag, unreadable: start again
    }
  }

  private providerData(r: Relation): ProviderData {
    return r.app
      ? parseProviderBag(r.data(r.app).toObject(), relationSource(INTERFACE, r))
      : { certificates: [], requestErrors: [] };
  }

  /**
   * Reconciles the CSRs with the wanted certificates and the key, renews certificates that are due,
   * and emits events for what changed. Runs on the relation events, config-changed and
   * update-status; call it after anything that changes the wanted certificates.
   */
  async sync(): Promise<void> {
    const r = this.relation;
    if (!r || !this.active) return;
    const key = this.ensurePrivateKey();
    const wanted = this.wanted();
    let provider: ProviderData = { certificates: [], requestErrors: [] };
    try {
      provider = this.providerData(r);
    } catch (e) {
      if (!(e instanceof InterfaceDataError)) throw e;
      // Keep our CSRs as they are; status() reports the problem.
    }
    const now = this.now().getTime();
    const previous = this.ourCsrs(r);
    const kept = previous.filter((c) => {
      if (!csrMatchesKey(c.certificateSigningRequest, key)) return false;
      if (!wanted.some((w) => csrMatches(c, w))) return false;
      const cert = this.assigned(c, provider, key);
      // Revoked and not re-issued: ask again with a fresh CSR. Waiting for the provider to
      // re-issue for the same CSR could wait forever: nothing in our bag changes, so a provider
      // that answers on relation events is never told.
      if (!cert) return !isRevoked(c, provider);
      const start = cert.notBefore.getTime();
      const due = start + this.renewalRelativeTime * (cert.notAfter.getTime() - start);
      return now < due; // due: drop it, and a fresh CSR is sent below
    });
    const csrs = [...kept];
    this.addMissingCsrs(csrs, key);
    this.ourBag(r).replace(renderRequirerBag(csrs));
    await this.announce(r, csrs, previous, provider, key);
  }

  private assigned(
    c: RequirerCsr,
    provider: ProviderData,
    key: string,
  ): AssignedCertificate | undefined {
    const csr = normalizePem(c.certificateSigningRequest);
    for (const p of provider.certificates) {
      if (p.revoked || normalizePem(p.certificateSigningRequest) !== csr) continue;
      let info;
      try {
        info = certificateInfo(p.certificate);
      } catch (e) {
        if (e instanceof X509Error) continue;
        throw e;
      }
      if (info.isCa !== c.ca || !certificateMatchesKey(p.certificate, key)) continue;
      return {
        certificate: p.certificate,
        ca: p.ca,
        chain: p.chain ?? [p.certificate, p.ca],
        csr,
        isCa: info.isCa,
        notBefore: info.notBefore,
        notAfter: info.notAfter,
      };
    }
    return undefined;
  }

  private async announce(
    r: Relation,
    csrs: RequirerCsr[],
    /** Our CSRs before this sync replaced any (a revoked certificate's CSR is among these only). */
    previous: RequirerCsr[],
    provider: ProviderData,
    key: string,
  ): Promise<void> {
    const k = String(r.id);
    const before = this.seen.data.relations[k] ?? { available: [], denied: [] };
    const init = relationEventInit(r);
    const available: string[] = [];
    for (const c of csrs) {
      const cert = this.assigned(c, provider, key);
      if (!cert) continue;
      const fp = sha256(cert.certificate);
      available.push(fp);
      if (before.available.includes(fp)) continue;
      const e = new CertificateAvailableEvent(this.model, init);
      Object.assign(e, {
        certificate: cert.certificate,
        ca: cert.ca,
        chain: cert.chain,
        csr: cert.csr,
      });
      await this.emit(this.on.certificateAvailable, e);
    }
    const ours = new Set(csrs.map((c) => normalizePem(c.certificateSigningRequest)));
    const ourPrevious = new Set(previous.map((c) => normalizePem(c.certificateSigningRequest)));
    for (const p of provider.certificates) {
      if (
        !p.revoked ||
        !ourPrevious.has(p.certificateSigningRequest) ||
        !before.available.includes(sha256(p.certificate))
      )
        continue;
      const e = new CertificateRevokedEvent(this.model, init);
      e.csr = p.certificateSigningRequest;
      await this.emit(this.on.certificateRevoked, e);
    }
    const denied: string[] = [];
    for (const err of provider.requestErrors) {
      if (!ours.has(err.certificateSigningRequest)) continue;
      const fp = sha256(`${err.certificateSigningRequest}\n${err.error.code}`);
      denied.push(fp);
      if (before.denied.includes(fp)) continue;
      const e = new CertificateDeniedEvent(this.model, init);
      Object.assign(e, {
        csr: err.certificateSigningRequest,
        code: err.error.code,
        reason: err.error.message,
      });
      await this.emit(this.on.certificateDenied, e);
    }
    this.seen.data.relations = rememberRelation(this.seen.data.relations, r, { available, denied });
  }

  /**
   * Leader or unit as the mode requires: drops the CSR of `csr` (default: every CSR) and sends a
   * fresh one, for a certificate to be re-issued before it is due.
   */
  renew(csr?: string): void {
    const r = this.relation;
    if (!r || !this.active) return;
    const keep = this.ourCsrs(r).filter(
      (c) => csr !== undefined && normalizePem(c.certificateSigningRequest) !== normalizePem(csr),
    );
    this.addMissingCsrs(keep, this.ensurePrivateKey());
    this.ourBag(r).replace(renderRequirerBag(keep));
  }

  /** Appends a CSR for each valid wanted certificate that has none; invalid requests are skipped. */
  private addMissingCsrs(csrs: RequirerCsr[], key: string): void {
    for (const w of this.wanted()) {
      if (invalidRequest(w) !== undefined || csrs.some((c) => csrMatches(c, w))) continue;
      csrs.push({ certificateSigningRequest: generateCsr(key, w), ca: w.isCa ?? false });
    }
  }

  private async onBroken(event: RelationBrokenEvent): Promise<void> {
    if (this.active) {
      // As the Python library: the key goes with the relation; a new relation starts afresh.
      try {
        this.model.getOwnedSecret({ label: this.keyLabel }, this.mode).removeAllRevisions();
      } catch (e) {
        if (!(e instanceof SecretNotFoundError)) throw e;
      }
    }
    this.seen.data.relations = forgetRelation(this.seen.data.relations, event.relation);
    const init = relationEventInit(event.relation);
    await this.emit(this.on.certificatesRemoved, new CertificatesRemovedEvent(this.model, init));
  }

  /** Where the relation stands now. Never throws for remote data. */
  readiness(): TlsReadiness {
    const r = this.relation;
    if (!r) return { state: "absent" };
    // A bad request is the charm's (or its config's) fault: say so rather than crash or wait.
    for (const w of this.wanted()) {
      const bad = invalidRequest(w);
      if (bad) return { state: "misconfigured", reason: bad };
    }
    if (!this.active)
      return { state: "waiting", reason: "application certificates are managed by the leader" };
    const provider = tryParse(() => this.providerData(r));
    if (provider instanceof InterfaceDataError) return { state: "invalid", error: provider };
    const key = this.privateKey();
    const csrs = this.ourCsrs(r);
    if (!key || csrs.length === 0)
      return { state: "waiting", reason: "waiting to send certificate requests" };
    const ours = new Set(csrs.map((c) => c.certificateSigningRequest));
    const errors = provider.requestErrors.filter((e) => ours.has(e.certificateSigningRequest));
    const certs = csrs
      .map((c) => this.assigned(c, provider, key))
      .filter((c): c is AssignedCertificate => !!c);
    if (certs.length >= this.wanted().length && certs.length > 0)
      return { state: "ready", certificates: certs };
    if (errors.length) return { state: "denied", errors };
    return { state: "waiting", reason: "waiting for certificates" };
  }

  /** The certificates issued for our current CSRs (not revoked, matching our key). */
  assignedCertificates(): AssignedCertificate[] {
    const r = this.readiness();
    return r.state === "ready" ? r.certificates : [];
  }

  /** The typed error of malformed remote data, if any. */
  get problem(): InterfaceDataError | undefined {
    return readinessProblem(this.readiness());
  }

  /** A status for collect-status, or undefined when ready (or absent and optional). */
  status(): StatusBase | undefined {
    const r = this.readiness();
    if (r.state === "misconfigured") return new BlockedStatus(`${this.endpoint}: ${r.reason}`);
    if (r.state === "denied") {
      return new BlockedStatus(
        `${this.endpoint}: certificate request refused: ${r.errors[0]!.error.message}`,
      );
    }
    // A non-leader in app mode waits on the leader: nothing to show.
    if (r.state === "waiting" && !this.active) return undefined;
    return readinessStatus(r, this.endpoint, this.options.required ?? false);
  }
}

/** Why a wanted certificate cannot be requested, or undefined when it can. */
function invalidRequest(w: CertificateRequestAttributes): string | undefined {
  if (!w.commonName) return "cannot request a certificate without a common name";
  const ip = (w.sansIp ?? []).find((a) => isIP(a) === 0);
  if (ip !== undefined)
    return `cannot request a certificate for ${JSON.stringify(ip)}: not an IP address`;
  const dns = (w.sansDns ?? []).find((d) => !/^[A-Za-z0-9*._-]+$/.test(d));
  if (dns !== undefined)
    return `cannot request a certificate for ${JSON.stringify(dns)}: not a DNS name`;
  return undefined;
}

/** Whether the provider marked the certificate of `c` revoked. */
function isRevoked(c: RequirerCsr, provider: ProviderData): boolean {
  const csr = normalizePem(c.certificateSigningRequest);
  return provider.certificates.some(
    (p) => p.revoked === true && normalizePem(p.certificateSigningRequest) === csr,
  );
}

function sha256(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

const sameSet = (a: readonly string[] = [], b: readonly string[] = []): boolean =>
  a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");

/** Whether a CSR asks for exactly what `w` wants (subject, SANs, CA-ness). */
function csrMatches(c: RequirerCsr, w: CertificateRequestAttributes): boolean {
  let info;
  try {
    info = parseCsr(c.certificateSigningRequest);
  } catch {
    return false;
  }
  return (
    c.ca === (w.isCa ?? false) &&
    info.commonName === w.commonName &&
    (info.organization ?? "") === (w.organization ?? "") &&
    (info.organizationalUnit ?? "") === (w.organizationalUnit ?? "") &&
    (info.emailAddress ?? "") === (w.emailAddress ?? "") &&
    (info.countryName ?? "") === (w.countryName ?? "") &&
    (info.stateOrProvinceName ?? "") === (w.stateOrProvinceName ?? "") &&
    (info.localityName ?? "") === (w.localityName ?? "") &&
    info.hasUniqueId === (w.addUniqueId ?? true) &&
    sameSet(info.sansDns, w.sansDns) &&
    sameSet(info.sansIp, w.sansIp) &&
    sameSet(info.sansOid, w.sansOid)
  );
}
