// Entry point of the packed charm: `dispatch` runs this file with the charm's Node.
import { main } from "../../../../lib/ops/index.js";
import { PostgresqlK8sCharm } from "./charm.js";

main(PostgresqlK8sCharm);
