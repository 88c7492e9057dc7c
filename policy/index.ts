/**
 * The CrossGuard policy pack. This is the only module that constructs the
 * PolicyPack: doing so starts the analyzer's gRPC server, so tests and the
 * offline plan import the policies from ./policies instead.
 *
 *   pulumi preview --policy-pack policy --policy-pack-config policy/config/dev.json
 */
import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./policies";

new PolicyPack("landing-zone", {
    description: "Landing zone guard rails: monthly cost caps, IPv6 enablement, a security baseline and reliability of the single-instance tier.",
    displayName: "Landing zone guard rails",
    provider: "multi-cloud",
    tags: ["cost", "ipv6", "security", "reliability"],
    // Each policy sets its own default level; this covers any that does not.
    enforcementLevel: "advisory",
    policies: allPolicies,
});
