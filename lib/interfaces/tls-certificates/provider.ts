/**
 * The provider side of `tls-certificates` (library v4 semantics), for a local CA stand-in: read
 * the CSRs of every requirer unit bag and app bag, and (leader only) publish certificates, request
 * errors and capabilities in the app bag, removing certificates whose CSR is no longer requested.
 *
 * @example
 * ```ts
 * this.tls = new TlsCertificatesProvider(this, "certificates", {
 *   issue: (req) => ({ certificate: signCsr({ csr: req.csr, caCertificate, caPrivateKey, validityDays: 90 }),
 *                      ca: caCertificate, chain: [] }),
 * });
 * // after a CA rotation: this.tls.revokeAll();
 * ```
 */
import { CharmObject } from "../../ops/charm.js";
import type { Relation } from "../../ops/model/relation.js";
import { InterfaceDataError, relationSource } from "../common/databag.js";
import { liveRelations } from "../common/relations.js";
import {
  INTERFACE,
  type ProviderCapabilities,
  type ProviderCertificate,
  type ProviderData,
  type RequestError,
  normalizePem,
  parseProviderBag,
  parseRequirerBag,
  renderProviderBag,
} from "./data.js";
import { X509Error, parseCsr } from "./x509.js";

/**
 * One CSR from a requirer unit (or its app).
 *
 * @example
 * ```ts
 * for (const req of this.tls.outstanding()) issue(req.csr);
 * ```
 */
export interface CertificateRequest {
  relation: Relation;
  /** The unit or app whose bag holds it. */
  from: string;
  csr: string;
  isCa: boolean;
}

/**
 * What the `issue` callback returns: a certificate, or an error to report for the CSR.
 *
 * @example
 * ```ts
 * const issue = (req: CertificateRequest): IssueResult => ({ certificate, ca });
 * ```
 */
export type IssueResult =
  | { certificate: string; ca: string; chain?: string[] }
  | { error: RequestError["error"] }
  | undefined;

/**
 * Options of {@link TlsCertificatesProvider}.
 *
 * @example
 * ```ts
 * new TlsCertificatesProvider(this, "certificates", { issue } satisfies TlsProviderOptions);
 * ```
 */
export interface TlsProviderOptions {
  /**
   * Issues a certificate for an outstanding request (leader only). When given, outstanding requests
   * are answered on every relation event and update-status; `undefined` leaves a request pending.
   */
  issue?: (request: CertificateRequest) => IssueResult;
  /** Capabilities to advertise; absent advertises none. */
  capabilities?: ProviderCapabilities;
}

/**
 * The provider side of `tls-certificates`.
 *
 * @example
 * ```ts
 * const tls = new TlsCertificatesProvider(this, "certificates", { issue });
 * tls.revokeAll();
 * ```
 */
export class TlsCertificatesProvider extends CharmObject {
  /** Requirer bags that could not be read in the last {@link requests} call. */
  problems: InterfaceDataError[] = [];

  constructor(
    parent: CharmObject,
    /** The endpoint, `certificates` on self-signed-certificates. */
    readonly endpoint: string,
    private readonly options: TlsProviderOptions = {},
  ) {
    super(parent, endpoint);
    const rel = this.charmEvents.relation(endpoint);
    this.observe(rel.created, this.sync);
    this.observe(rel.joined, this.sync);
    this.observe(rel.changed, this.sync);
    this.observe(rel.departed, this.sync);
    this.observe(this.charmEvents.updateStatus, this.sync);
  }

  /** Every CSR of every requirer unit bag and app bag. Malformed bags are skipped into {@link problems}. */
  requests(relation?: Relation): CertificateRequest[] {
    this.problems = [];
    const out: CertificateRequest[] = [];
    for (const r of relation ? [relation] : liveRelations(this, this.endpoint)) {
      for (const owner of [...r.units, ...(r.app ? [r.app] : [])]) {
        try {
          const src = relationSource(INTERFACE, r, owner.name);
          for (const [i, c] of parseRequirerBag(r.data(owner).toObject(), src).entries()) {
            // A CSR that does not parse or whose signature fails is refused here, before any
            // issuing code sees it.
            try {
              parseCsr(c.certificateSigningRequest);
            } catch (e) {
              if (!(e instanceof X509Error)) throw e;
              this.problems.push(
                new InterfaceDataError(
                  src,
                  `certificate_signing_requests[${i}]`,
                  `is not a valid CSR: ${e.message}`,
                ),
              );
              continue;
            }
            out.push({
              relation: r,
              from: owner.name,
              csr: c.certificateSigningRequest,
              isCa: c.ca,
            });
          }
        } catch (e) {
          if (!(e instanceof InterfaceDataError)) throw e;
          this.problems.push(e);
        }
      }
    }
    return out;
  }

  private load(r: Relation): ProviderData {
    try {
      return parseProviderBag(
        r.data(this.model.app).toObject(),
        relationSource(INTERFACE, r, this.model.app.name),
      );
    } catch (e) {
      if (!(e instanceof InterfaceDataError)) throw e;
      return { certificates: [], requestErrors: [] }; // our own bag, unreadable: start again
    }
  }

  private save(r: Relation, d: ProviderData): void {
    r.data(this.model.app).replace(
      renderProviderBag({
        ...d,
        ...(this.options.capabilities ? { capabilities: this.options.capabilities } : {}),
      }),
    );
  }

  /** The certificates published on `relation` (leader only; others get an empty list). */
  issued(relation: Relation): ProviderCertificate[] {
    return this.model.unit.isLeader() ? this.load(relation).certificates : [];
  }

  /** Requests with no issued, unrevoked certificate and no reported error. */
  outstanding(relation?: Relation): CertificateRequest[] {
    return this.requests(relation).filter((req) => {
      const d = this.load(req.relation);
      const has = d.certificates.some((c) => !c.revoked && c.certificateSigningRequest === req.csr);
      const err = d.requestErrors.some((e) => e.certificateSigningRequest === req.csr);
      return !has && !err;
    });
  }

  /**
   * Leader only: drops certificates and errors whose CSR is no longer requested, publishes the
   * capabilities, and answers outstanding requests through the `issue` option.
   */
  sync(): void {
    if (!this.model.unit.isLeader()) return;
    for (const r of liveRelations(this, this.endpoint)) {
      const wanted = new Set(this.requests(r).map((q) => q.csr));
      const d = this.load(r);
      this.save(r, {
        certificates: d.certificates.filter((c) => wanted.has(c.certificateSigningRequest)),
        requestErrors: d.requestErrors.filter((e) => wanted.has(e.certificateSigningRequest)),
      });
    }
    if (!this.options.issue) return;
    for (const req of this.outstanding()) {
      let res: IssueResult;
      try {
        res = this.options.issue(req);
      } catch (e) {
        if (!(e instanceof X509Error)) throw e;
        this.log.warning(
          `${this.endpoint}: cannot issue a certificate for a CSR from ${req.from}: ${e.message}`,
        );
        continue;
      }
      if (!res) continue;
      if ("error" in res) this.setRequestError(req.relation, req.csr, res.error);
      else this.setCertificate(req.relation, { csr: req.csr, ...res });
    }
  }

  /**
   * Leader only (returns false otherwise): publishes a certificate for `csr`, replacing any earlier
   * certificate or error for the same CSR. `chain` defaults to `[certificate, ca]` (leaf first).
   */
  setCertificate(
    relation: Relation,
    c: { csr: string; certificate: string; ca: string; chain?: string[] },
  ): boolean {
    if (!this.model.unit.isLeader()) return false;
    const csr = normalizePem(c.csr);
    const d = this.load(relation);
    const certificate = normalizePem(c.certificate);
    const ca = normalizePem(c.ca);
    const chain = (c.chain?.length ? c.chain : [certificate, ca]).map(normalizePem);
    this.save(relation, {
      certificates: [
        ...d.certificates.filter((x) => x.certificateSigningRequest !== csr),
        { ca, certificateSigningRequest: csr, certificate, chain },
      ],
      requestErrors: d.requestErrors.filter((e) => e.certificateSigningRequest !== csr),
    });
    return true;
  }

  /** Leader only (returns false otherwise): reports that `csr` cannot be served. */
  setRequestError(relation: Relation, csr: string, error: RequestError["error"]): boolean {
    if (!this.model.unit.isLeader()) return false;
    const key = normalizePem(csr);
    const d = this.load(relation);
    this.save(relation, {
      certificates: d.certificates.filter((x) => x.certificateSigningRequest !== key),
      requestErrors: [
        ...d.requestErrors.filter((e) => e.certificateSigningRequest !== key),
        { certificateSigningRequest: key, error },
      ],
    });
    return true;
  }

  /**
   * Leader only: marks every published certificate revoked (after a CA change). The next
   * {@link sync} re-issues them for the same CSRs through `issue`.
   */
  revokeAll(): void {
    if (!this.model.unit.isLeader()) return;
    for (const r of liveRelations(this, this.endpoint)) {
      const d = this.load(r);
      this.save(r, { ...d, certificates: d.certificates.map((c) => ({ ...c, revoked: true })) });
    }
  }
}
