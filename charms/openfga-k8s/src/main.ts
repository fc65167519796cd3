// Entry point of the packed charm: `dispatch` runs this module with the charm's Node.
import { main } from "../../../lib/ops/index.js";
import { OpenFgaCharm } from "./charm.js";

main(OpenFgaCharm);
