// Entry point of the census test charm: the relation index checks every hit against Juju.
import { main } from "../../../../ops/index.js";
import { CensusCharm } from "./charm.js";

process.env["JAAS_RELATION_INDEX"] ??= "verify";
main(CensusCharm);
