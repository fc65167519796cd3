// Entry point of the db-client test charm.
import { main } from "../../../../../lib/ops/index.js";
import { DbClientCharm } from "./charm.js";

main(DbClientCharm);
