import { strict as assert } from "assert";
import { instanceArchitecture } from "../../components/aws/server-instance-types";
import { PlanRun, runPlan } from "../../stacks/plan/run";
import { readStackFile } from "../../stacks/plan/stack-file";
import { editedStackFile, planOfStack } from "../helpers/stacks";


/** One plan per stack, shared with the other specs (its records are read-only). */
const planOf = planOfStack;

const byType = (run: PlanRun, type: string) => run.resources.filter((r) => r.type === type);

function serverParts(run: PlanRun) {
    const [component] = byType(run, "landing-zone:aws:MultiAzServer");
    assert.ok(component, "the plan has no MultiAzServer");
    const children = run.resources.filter((r) => r.parent === component.urn);
    const one = (type: string) => {
        const found = children.filter((r) => r.type === type);
        assert.equal(found.length, 1, type);
        return found[0].inputs as Record<string, any>;
    };
    return { component, children, one };
}

describe("server tier in the real stacks (offline plan)", () => {
    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: the group spans one public subnet in every planned AZ, exactly one instance`, async () => {
            const run = await planOf(stack);
            const { one } = serverParts(run);
            const group = one("aws:autoscaling/group:Group");
            assert.deepEqual([group.minSize, group.maxSize, group.desiredCapacity], [1, 1, 1]);
            // The mock ids are deterministic; map each subnet id back to its subnet resource through the VPC outputs.
            const subnetIds = (run.outputs.aws as { subnetIds: Record<string, Record<string, string>> }).subnetIds;
            const azOf = new Map(Object.entries(subnetIds.public).map(([az, id]) => [id, az]));
            const azs = (group.vpcZoneIdentifiers as string[]).map((id) => azOf.get(id));
            assert.ok(azs.every((az) => az !== undefined), "every subnet of the group is a public subnet");
            assert.deepEqual(azs, run.config.aws.availabilityZones);
            const lt = one("aws:ec2/launchTemplate:LaunchTemplate");
            assert.equal(lt.metadataOptions.httpTokens, "required");
            assert.equal(lt.blockDeviceMappings[0].ebs.encrypted, "true");
            assert.equal(lt.networkInterfaces[0].ipv6AddressCount, 1);
        });

        it(`${stack}: inbound only on the named ports, on both families, never 22`, async () => {
            const run = await planOf(stack);
            const { children } = serverParts(run);
            const rules = children.filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r) => r.inputs as Record<string, any>);
            const named = new Set(run.config.server!.ingress.map((r) => `${r.protocol}/${r.fromPort}-${r.toPort}`));
            assert.equal(rules.length, named.size * 2);
            for (const r of rules) {
                assert.ok(named.has(`${r.ipProtocol}/${r.fromPort}-${r.toPort}`), `unexpected rule ${JSON.stringify(r)}`);
                assert.ok(!(r.fromPort <= 22 && 22 <= r.toPort), "port 22 open");
            }
            for (const key of named) {
                const families = rules.filter((r) => `${r.ipProtocol}/${r.fromPort}-${r.toPort}` === key).map((r) => (r.cidrIpv4 ? "v4" : r.cidrIpv6 ? "v6" : "?"));
                assert.deepEqual(families.sort(), ["v4", "v6"], `${key} must be open on both families`);
            }
        });
    }

    it("server.subnetTier private: the group spans the private subnet of every planned AZ instead", async () => {
        const file = editedStackFile("dev", (config) => { config["landing-zone:server"].subnetTier = "private"; });
        const result = await runPlan("dev", readStackFile(file));
        assert.ok(result.ok, JSON.stringify(result));
        const run = result.run;
        const subnetIds = (run.outputs.aws as { subnetIds: Record<string, Record<string, string>> }).subnetIds;
        const group = serverParts(run).one("aws:autoscaling/group:Group");
        assert.notDeepEqual(subnetIds.private, subnetIds.public);
        assert.deepEqual(group.vpcZoneIdentifiers, run.config.aws.availabilityZones.map((az) => subnetIds.private[az]));
    });

    it("dev buys Spot (price-capacity-optimized over several arm64 types); prod buys on-demand", async () => {
        const dev = serverParts(await planOf("dev")).one("aws:autoscaling/group:Group").mixedInstancesPolicy;
        assert.equal(dev.instancesDistribution.onDemandBaseCapacity, 0);
        assert.equal(dev.instancesDistribution.onDemandPercentageAboveBaseCapacity, 0);
        assert.equal(dev.instancesDistribution.spotAllocationStrategy, "price-capacity-optimized");
        const devTypes = dev.launchTemplate.overrides.map((o: { instanceType: string }) => o.instanceType);
        assert.ok(devTypes.length >= 2);
        for (const t of devTypes) assert.equal(instanceArchitecture(t), "arm64");
        const prod = serverParts(await planOf("prod")).one("aws:autoscaling/group:Group").mixedInstancesPolicy;
        assert.equal(prod.instancesDistribution.onDemandBaseCapacity, 1);
        assert.equal(prod.instancesDistribution.onDemandPercentageAboveBaseCapacity, 100);
        assert.equal(prod.instancesDistribution.spotAllocationStrategy, undefined);
    });

    it("prod moves an Elastic IP and a DNS name; dev is IPv6 only; both report RTO and RPO", async () => {
        const prod = await planOf("prod");
        const prodServer = serverParts(prod);
        assert.equal(prodServer.children.filter((r) => r.type === "aws:ec2/eip:Eip").length, 1);
        const env = prodServer.one("aws:lambda/function:Function").environment.variables;
        assert.match(env.ELASTIC_IP_ALLOCATION_ID, /^eipalloc-/);
        assert.equal(env.RECORD_NAME, "app.example.org");
        const prodOut = prod.outputs.server as Record<string, any>;
        assert.match(prodOut.elasticIp, /^\d+\.\d+\.\d+\.\d+$/);
        assert.deepEqual(prodOut.dnsNames, ["app.example.org"]);
        assert.equal(prodOut.recovery.rpoMinutesOldAzReachable, 0);
        assert.equal(prodOut.recovery.worstCaseRpoMinutes, 60 + 60 + 15);
        assert.equal(prodOut.recovery.restoreAfterUnreachableMinutes, 30);
        assert.equal(prodOut.recovery.explanation.length, 2);
        assert.match(prodOut.recovery.explanation[1], /30 min in a row.*up to 135 min of writes lost/);
        // The Lambda is told the same window, in seconds.
        assert.equal(env.RESTORE_AFTER_UNREACHABLE_SECONDS, String(30 * 60));

        const dev = await planOf("dev");
        const devServer = serverParts(dev);
        assert.equal(devServer.children.filter((r) => r.type === "aws:ec2/eip:Eip").length, 0);
        const devOut = dev.outputs.server as Record<string, any>;
        assert.equal(devOut.groupName, "dev-app");
        assert.equal(devOut.snapshotSchedule, "every 4 h from 03:00 UTC, keep 12");
        assert.equal(devOut.recovery.worstCaseRpoMinutes, 4 * 60 + 60 + 15);
        assert.ok(devOut.recovery.estimatedRtoMinutes > 0 && devOut.recovery.estimatedRtoMinutes <= devOut.recovery.worstCaseRtoMinutes);
        const dlm = devServer.one("aws:dlm/lifecyclePolicy:LifecyclePolicy");
        assert.equal(dlm.policyDetails.schedules[0].createRule.interval, dev.config.server!.snapshots.intervalHours);
        assert.equal(dlm.policyDetails.schedules[0].retainRule.count, dev.config.server!.snapshots.retainCount);
    });
});
