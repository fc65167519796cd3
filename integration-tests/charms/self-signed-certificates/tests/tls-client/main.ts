// Entry point of the tls-client test charm.
import { main } from "../../../../../lib/ops/index.js";
import { TlsClientCharm } from "./charm.js";

main(TlsClientCharm);
