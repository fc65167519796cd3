// Entry point of the relay test charm.
import { main } from "../../../../ops/index.js";
import { RelayCharm } from "./charm.js";

main(RelayCharm);
