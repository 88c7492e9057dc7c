/**
 * The policies against the real program, planned offline under mocks with
 * the real stack configs, and against deliberately bad variants of them.
 */
import { strict as assert } from "assert";
import { useCostEstimator } from "../../policy/cost-adapter";
import { ipv6Readiness } from "../../policy/ipv6-readiness";
import { OfflinePolicyResult, runPoliciesOffline } from "../../policy/offline";
import { PlannedResource } from "../../stacks/plan/run";
import { planOfStack } from "../helpers/stacks";
import { mandatory } from "./helpers";

/** The real stack's resources (the shared plan). */
async function plan(env: "dev" | "prod"): Promise<PlannedResource[]> {
    return (await planOfStack(env)).resources;
}

const summary = (r: OfflinePolicyResult) => mandatory(r).map((v) => `${v.policy} ${v.resource}`);

describe("policies on the planned program", function () {
    this.timeout(60000);
    afterEach(() => useCostEstimator(undefined));

    for (const env of ["dev", "prod"] as const) {
        it(`${env}: passes every mandatory policy (the spoke's IPv4-only exemption needs the hub connection)`, async () => {
            const resources = await plan(env);
            const result = await runPoliciesOffline(resources, { env });
            // prod's spoke is attached to the hub (its IPv4-only exemption verified); dev has no spoke (Basic hub).
            assert.deepEqual(summary(result), []);
            assert.equal(resources.some((r) => r.type === "azure-native:network:HubVirtualNetworkConnection"), env === "prod");
            const readiness = ipv6Readiness(resources);
            assert.ok(readiness.subnets.dualStack >= 9, "every AWS subnet is dual-stack");
        });
    }

    // Deliberately bad variants (a NAT gateway, SSH open to the internet) are planned in
    // test/policy/bad-configs.spec.ts and test/plan/diff.spec.ts, through the plan command.

    it("an over-cap prod fails cost-monthly-cap, naming the top lines", async () => {
        // A stand-in estimator until components/cost lands: $150 per VNet, $5 per subnet.
        useCostEstimator((resources) => {
            const items = resources.map((r) => ({ type: r.type, name: r.name, monthly: r.type.endsWith("VirtualNetwork") ? 150 : r.type.endsWith(":Subnet") ? 5 : 0, basis: "test", priced: true }));
            return { currency: "USD", monthly: items.reduce((s, i) => s + i.monthly, 0), items };
        });
        const result = await runPoliciesOffline(await plan("prod"), { env: "prod", configOverrides: { "cost-monthly-cap": { monthlyCapUsd: 300 } } });
        // The budgets (for the stack's 1200) are reported too: they no longer equal the overridden cap.
        const cap = mandatory(result).find((v) => v.policy === "cost-monthly-cap" && /over this environment's cap/.test(v.message));
        assert.ok(cap, summary(result).join("\n"));
        assert.match(cap.message, /over this environment's cap of \$300\.00[\s\S]*1\. \$150\.00 azure-native:network:VirtualNetwork/);
    });
});
