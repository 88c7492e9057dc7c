/**
 * Every policy of the pack, in report order. Imported by the pack
 * (policy/index.ts), the offline engine and the tests; constructing the
 * PolicyPack itself happens only in index.ts.
 */
import { Policies } from "@pulumi/policy";
import { baselinePolicies } from "./baseline";
import { costPolicies } from "./cost";
import { ipv6Policies } from "./ipv6";
import { reliabilityPolicies } from "./reliability";
import { securityPolicies } from "./security";

export const allPolicies: Policies = [...costPolicies, ...ipv6Policies, ...securityPolicies, ...reliabilityPolicies, ...baselinePolicies];
