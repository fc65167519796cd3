/**
 * The `vault-kv` v0 wire format, as vault-k8s and its `vault_k8s.v0.vault_kv` library speak it.
 * The requirer's leader names a mount suffix; each requirer unit sends a stable nonce and the
 * CIDRs it connects from; vault answers with its URL, CA, the mount, and per nonce the URI of a
 * secret holding an AppRole `role-id` and `role-secret-id`.
 *
 * @example
 * ```ts
 * renderUnitBag({ nonce, egressSubnets: ["10.1.2.3/32"] }); // { egress_subnet: "10.1.2.3/32", nonce }
 * const answer = parseProviderBag(relation.data(relation.app!).toObject(), src);
 * answer?.credentials[nonce]; // "secret:..."
 * ```
 */
import {
  type DataSource,
  InterfaceDataError,
  fieldJson,
  fieldString,
  isStringMap,
  requireHttpUrl,
} from "../common/databag.js";
import { pyJsonDumps } from "../common/python-json.js";

/**
 * The interface name in metadata and in error messages (`vault-kv`, with a hyphen).
 *
 * @example
 * ```ts
 * new InterfaceDataError({ interfaceName: INTERFACE, relation: "ep:1", owner: "app" }, "field", "is missing");
 * ```
 */
export const INTERFACE = "vault-kv";

/**
 * The content key of the AppRole role-id in a unit's credentials secret.
 *
 * @example
 * ```ts
 * secret.getContent()[ROLE_ID_KEY];
 * ```
 */
export const ROLE_ID_KEY = "role-id";
/**
 * The content key of the AppRole secret-id.
 *
 * @example
 * ```ts
 * secret.getContent()[ROLE_SECRET_ID_KEY];
 * ```
 */
export const ROLE_SECRET_ID_KEY = "role-secret-id";

/**
 * The KV mount vault creates for an application: `charm-<app>-<suffix>`. Across a cross-model
 * relation the app is vault's view of it (`remote-<token>`).
 *
 * @example
 * ```ts
 * kvMountName("jimm", "jimm"); // "charm-jimm-jimm"
 * ```
 */
export const kvMountName = (appName: string, suffix: string): string =>
  `charm-${appName}-${suffix}`;

/**
 * The label vault gives the secret of one requirer unit: `vault-kv-<unit name, / as ->`.
 *
 * @example
 * ```ts
 * unitSecretLabel("jimm/0"); // "vault-kv-jimm-0"
 * ```
 */
export const unitSecretLabel = (unitName: string): string =>
  `vault-kv-${unitName.replace(/\//g, "-")}`;

/**
 * One requirer unit's request.
 *
 * @example
 * ```ts
 * const req: UnitRequest = { nonce: "3081279d", egressSubnets: ["10.1.0.5/32"] };
 * ```
 */
export interface UnitRequest {
  nonce: string;
  egressSubnets: string[];
}

/**
 * A requirer unit's bag.
 *
 * @example
 * ```ts
 * relation.data(this.unit).update(renderUnitBag({ nonce, egressSubnets }));
 * ```
 */
export function renderUnitBag(req: UnitRequest): Record<string, string> {
  return { egress_subnet: req.egressSubnets.join(","), nonce: req.nonce };
}

const CIDR = /^(?:\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}|[0-9A-Fa-f:]+\/\d{1,3})$/;

/**
 * Reads a requirer unit's bag (provider side): undefined while incomplete, as the Python provider
 * skips such units; throws {@link InterfaceDataError} on a malformed CIDR.
 *
 * @example
 * ```ts
 * parseUnitBag({ egress_subnet: "10.0.0.1/32", nonce: "ab12" }, src); // { nonce: "ab12", egressSubnets: [...] }
 * ```
 */
export function parseUnitBag(
  bag: Record<string, string>,
  src: DataSource,
): UnitRequest | undefined {
  const nonce = fieldString(bag, "nonce");
  const subnets = fieldString(bag, "egress_subnet");
  if (nonce === undefined || subnets === undefined) return undefined;
  const egressSubnets = subnets.split(",").map((s) => s.trim());
  for (const s of egressSubnets) {
    if (!CIDR.test(s))
      throw new InterfaceDataError(
        src,
        "egress_subnet",
        `should be comma-separated CIDRs, got ${JSON.stringify(subnets)}`,
      );
  }
  return { nonce, egressSubnets };
}

/**
 * What vault publishes (app bag).
 *
 * @example
 * ```ts
 * const d: ProviderData | undefined = parseProviderBag(bag, src);
 * ```
 */
export interface ProviderData {
  vaultUrl: string;
  caCertificate: string;
  mount: string;
  /** Nonce to the URI of that unit's credentials secret. */
  credentials: Record<string, string>;
}

/**
 * The provider's app bag, `credentials` as Python's `json.dumps(..., sort_keys=True)`.
 *
 * @example
 * ```ts
 * relation.data(this.app).update(renderProviderBag(data));
 * ```
 */
export function renderProviderBag(d: ProviderData): Record<string, string> {
  return {
    credentials: pyJsonDumps(d.credentials, { sortKeys: true }),
    vault_url: d.vaultUrl,
    ca_certificate: d.caCertificate,
    mount: d.mount,
  };
}

/**
 * Reads vault's app bag: undefined before vault wrote any of it; throws {@link InterfaceDataError}
 * when a field is missing or malformed (the Python library then treats the relation as not ready).
 *
 * @example
 * ```ts
 * const d = parseProviderBag(relation.data(relation.app!).toObject(), src);
 * ```
 */
export function parseProviderBag(
  bag: Record<string, string>,
  src: DataSource,
): ProviderData | undefined {
  const keys = ["vault_url", "ca_certificate", "mount", "credentials"];
  if (keys.every((k) => fieldString(bag, k) === undefined)) return undefined;
  for (const k of keys)
    if (fieldString(bag, k) === undefined) throw new InterfaceDataError(src, k, "is missing");
  const vaultUrl = requireHttpUrl(bag.vault_url!, "vault_url", src);
  const caCertificate = bag.ca_certificate!;
  if (!caCertificate.includes("-----BEGIN CERTIFICATE-----")) {
    throw new InterfaceDataError(src, "ca_certificate", "should be a PEM certificate");
  }
  const credentials = fieldJson(
    bag,
    "credentials",
    src,
    isStringMap,
    "a JSON object of nonce to secret URI",
  )!;
  return { vaultUrl, caCertificate, mount: bag.mount!, credentials };
}

/**
 * A unit's Vault access: everything JIMM's `VAULT_*` settings need. Holds secrets: never log it.
 *
 * @example
 * ```ts
 * const c: VaultCredentials | undefined = this.vault.credentials();
 * ```
 */
export interface VaultCredentials {
  vaultUrl: string;
  caCertificate: string;
  mount: string;
  roleId: string;
  roleSecretId: string;
}
