// Entry point of the benchmark charm: `dispatch` runs the bundle of this file.
import { main } from "../../../../lib/ops/index.js";
import { BenchCharm } from "./charm.js";

main(BenchCharm);
