// Entry point of the keeper test charm.
import { main } from "../../../../ops/index.js";
import { KeeperCharm } from "./charm.js";

main(KeeperCharm);
