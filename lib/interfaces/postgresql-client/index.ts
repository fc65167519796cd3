/**
 * `postgresql_client` v0: the requirer (JIMM, OpenFGA) and the provider (the local PostgreSQL
 * stand-in), speaking what `data_interfaces` v0 and postgresql-k8s speak.
 *
 * @example
 * ```ts
 * import { DatabaseRequirer } from "../../lib/interfaces/postgresql-client/index.js";
 * this.db = new DatabaseRequirer(this, "database", { database: "jimm" });
 * ```
 */
export * from "./data.js";
export * from "./requirer.js";
export * from "./provider.js";
