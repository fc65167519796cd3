// The behaviour suite with the charm as a real process and the real hook-tool executables.
import { behaviourSuite } from "./behaviour-suite.js";

behaviourSuite("exec");
