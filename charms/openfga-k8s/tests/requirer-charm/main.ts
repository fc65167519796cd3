// Entry point of the test requirer charm.
import { main } from "../../../../lib/ops/index.js";
import { OpenFgaRequirerCharm } from "./charm.js";

main(OpenFgaRequirerCharm);
