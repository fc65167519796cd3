// Entry point of the packed charm: `dispatch` runs this file with the charm's Node.
import { main } from "../../../../lib/ops/index.js";
import { SelfSignedCertificatesCharm } from "./charm.js";

main(SelfSignedCertificatesCharm);
