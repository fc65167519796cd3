// Entry point of the probe charm when it runs as a process.
import { main } from "../../../ops/index.js";
import { ProbeCharm } from "./charm.js";

main(ProbeCharm);
