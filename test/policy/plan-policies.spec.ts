/**
 * The policies against the real program, planned offline under mocks with
 * the real stack configs, and against deliberately bad variants of them.
 */
import { strict as assert } from "assert";
import { useCostEstimator } from "../../policy/cost-adapter";
import { ipv6Readiness } from "../../policy/ipv6-readiness";
import { OfflinePolicyResult, runPoliciesOffline } from "../../policy/offline";
import { PlannedResource, runPlan } from "../../stacks/plan/run";
import { readStackFile } from "../../stacks/plan/stack-file";
import { editedStackFile, planOfStack } from "../helpers/stacks";
import { mandatory } from "./helpers";

/** The real stack's resources (shared plan), or those of a copy with `edit` applied to its config. */
async function plan(env: "dev" | "prod", edit?: (config: Record<string, any>) => void): Promise<PlannedResource[]> {
    if (!edit) return (await planOfStack(env)).resources;
    const result = await runPlan(env, readStackFile(editedStackFile(env, edit)));
    if (!result.ok) throw new Error(result.problems.join("\n"));
    return result.run.resources;
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

    it("a bad dev (a NAT gateway, SSH open to the internet) fails cost-no-nat-gateway and security-no-open-admin-ports", async () => {
        const resources = await plan("dev", (c) => {
            c["landing-zone:aws"].natGateway = true;
            c["landing-zone:azure"].vnet.subnets[0].allowInbound.push({ name: "ssh", protocol: "Tcp", ports: 22 });
        });
        const v = mandatory(await runPoliciesOffline(resources, { env: "dev" }));
        assert.ok(v.some((x) => x.policy === "cost-no-nat-gateway" && x.resource?.endsWith("::dev-nat")), summary({ violations: v, notApplicable: [] }).join("\n"));
        const ssh = v.filter((x) => x.policy === "security-no-open-admin-ports").map((x) => x.message);
        assert.equal(ssh.length, 2, "one per family's rule");
        assert.ok(ssh.some((m) => /allow-ssh-ipv4.*admin port 22\) to 0\.0\.0\.0\/0/.test(m)) && ssh.some((m) => /allow-ssh-ipv6.*to ::\/0/.test(m)), ssh.join("\n"));
    });

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
