import { behaviourSuite } from "./behaviour-suite.js";

behaviourSuite("in-process");
