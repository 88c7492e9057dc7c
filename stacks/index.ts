// Entry point for `pulumi up` / `pulumi preview` (Pulumi.yaml `main: stacks/`).
import { landingZoneProgram } from "./program";

export = landingZoneProgram();
