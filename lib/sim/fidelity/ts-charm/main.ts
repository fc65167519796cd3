// Entry point of the TypeScript fidelity charm.
import { main } from "../../../ops/index.js";
import { FidelityTsCharm } from "./charm.js";

main(FidelityTsCharm);
