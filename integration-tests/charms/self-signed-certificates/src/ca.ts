/**
 * The certificate authority of the self-signed-certificates stand-in: its settings from config,
 * and its key and self-signed certificate, made once by the leader with `node:crypto` (through
 * `lib/interfaces/tls-certificates`' X.509 helpers) and kept in an application secret. A change
 * of the CA settings makes a new CA (as the real charm does), which revokes what the old one
 * issued.
 *
 * @example
 * ```ts
 * const settings = caSettings(this.config);
 * if ("error" in settings) return blocked(settings.error);
 * const { ca, rotated } = ensureCa(this.model, settings);
 * ```
 */
import {
  generateCaCertificate,
  generatePrivateKey,
} from "../../../../lib/interfaces/tls-certificates/index.js";
import { type ConfigData, type Model, SecretNotFoundError } from "../../../../lib/ops/index.js";

/**
 * The label of the application secret holding the CA, as the real charm labels it.
 *
 * @example
 * ```ts
 * model.getSecret({ label: CA_SECRET_LABEL });
 * ```
 */
export const CA_SECRET_LABEL = "ca-certificates";

/**
 * What the CA is made from; any change makes a new CA.
 *
 * @example
 * ```ts
 * const s: CaSettings = { commonName: "ca", rootValidityDays: 365, certificateValidityDays: 90 };
 * ```
 */
export interface CaSettings {
  commonName: string;
  organization?: string;
  /** Validity of the CA certificate, in days (fractions allowed). */
  rootValidityDays: number;
  /** Validity of issued certificates, in days (fractions allowed). */
  certificateValidityDays: number;
}

/**
 * The CA: its certificate (PEM) and private key (PEM). Holds the key: never log it.
 *
 * @example
 * ```ts
 * signCsr({ csr, caCertificate: ca.certificate, caPrivateKey: ca.privateKey, validityDays: 90 });
 * ```
 */
export interface Ca {
  certificate: string;
  privateKey: string;
}

const UNIT_DAYS: Readonly<Record<string, number>> = {
  weeks: 7,
  days: 1,
  hours: 1 / 24,
  minutes: 1 / 1440,
  seconds: 1 / 86400,
};

/**
 * Reads the CA settings from config (`ca-common-name`, `ca-organization`, `root-ca-validity`,
 * `certificate-validity`, `validity-unit`), or the reason they cannot be used.
 *
 * @example
 * ```ts
 * caSettings(this.config); // { commonName: "self-signed-certificates-operator", rootValidityDays: 365, ... }
 * ```
 */
export function caSettings(config: ConfigData): CaSettings | { error: string } {
  const commonName = (config.string("ca-common-name") ?? "").trim();
  if (commonName === "") return { error: "ca-common-name must not be empty" };
  if (Buffer.byteLength(commonName) > 64)
    return { error: "ca-common-name must be at most 64 bytes" };
  const unit = config.string("validity-unit") ?? "days";
  const perUnit = UNIT_DAYS[unit];
  if (perUnit === undefined)
    return {
      error: `validity-unit must be one of ${Object.keys(UNIT_DAYS).join(", ")}, not ${JSON.stringify(unit)}`,
    };
  const root = config.int("root-ca-validity") ?? 365;
  const cert = config.int("certificate-validity") ?? 90;
  if (root <= 0 || cert <= 0)
    return { error: "root-ca-validity and certificate-validity must be positive" };
  if (cert * 2 > root)
    return {
      error: `certificate-validity (${cert}) must be at most half of root-ca-validity (${root})`,
    };
  const organization = config.string("ca-organization")?.trim();
  return {
    commonName,
    ...(organization ? { organization } : {}),
    rootValidityDays: root * perUnit,
    certificateValidityDays: cert * perUnit,
  };
}

/** The settings as the secret records them, to notice a change. */
function fingerprint(s: CaSettings): string {
  return JSON.stringify([
    s.commonName,
    s.organization ?? "",
    s.rootValidityDays,
    s.certificateValidityDays,
  ]);
}

/**
 * The current CA from its secret, if there is one. Leader or not (units of the application may
 * read its secrets).
 *
 * @example
 * ```ts
 * readCa(this.model)?.certificate;
 * ```
 */
export function readCa(model: Model): (Ca & { settings: string }) | undefined {
  try {
    // Refresh: an owner's unit otherwise keeps reading the revision it saw first.
    const c = model.getSecret({ label: CA_SECRET_LABEL }).getContent({ refresh: true });
    if (!c["ca-certificate"] || !c["private-key"]) return undefined;
    return {
      certificate: c["ca-certificate"],
      privateKey: c["private-key"],
      settings: c["ca-settings"] ?? "",
    };
  } catch (e) {
    if (e instanceof SecretNotFoundError) return undefined;
    throw e;
  }
}

function makeCa(settings: CaSettings): Ca {
  const privateKey = generatePrivateKey();
  const certificate = generateCaCertificate(
    privateKey,
    {
      commonName: settings.commonName,
      ...(settings.organization ? { organization: settings.organization } : {}),
    },
    settings.rootValidityDays,
  );
  return { certificate, privateKey };
}

/**
 * Leader only: the CA for `settings`, made the first time. With `rotate`, or when the settings
 * changed (unless `keepOutdated`), a new CA replaces the current one; `rotated` is then true.
 *
 * @example
 * ```ts
 * const { ca, rotated } = ensureCa(this.model, settings);
 * if (rotated) this.tls.revokeAll();
 * ```
 */
export function ensureCa(
  model: Model,
  settings: CaSettings,
  options: { rotate?: boolean; keepOutdated?: boolean } = {},
): { ca: Ca; rotated: boolean } {
  const current = readCa(model);
  const want = fingerprint(settings);
  if (current && !options.rotate && (current.settings === want || options.keepOutdated)) {
    return {
      ca: { certificate: current.certificate, privateKey: current.privateKey },
      rotated: false,
    };
  }
  const ca = makeCa(settings);
  const content = {
    "ca-certificate": ca.certificate,
    "private-key": ca.privateKey,
    "ca-settings": want,
  };
  if (current) {
    model.getOwnedSecret({ label: CA_SECRET_LABEL }, "app").setContent(content);
  } else {
    model.app.addSecret(content, {
      label: CA_SECRET_LABEL,
      description: "The CA's certificate and private key",
    });
  }
  return { ca, rotated: current !== undefined };
}
