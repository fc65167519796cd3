/**
 * `postgresql_client`: the requirer (JIMM, OpenFGA; v0) and the provider (the local PostgreSQL
 * stand-in; v0 and v1 requirers), speaking what `data_interfaces` and postgresql-k8s speak.
 *
 * @example
 * ```ts
 * import { DatabaseRequirer } from "../../lib/interfaces/postgresql-client/index.js";
 * this.db = new DatabaseRequirer(this, "database", { database: "jimm" });
 * ```
 */
export * from "./data.js";
export * from "./data-v1.js";
export * from "./requirer.js";
export * from "./provider.js";
