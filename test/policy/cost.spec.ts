import { strict as assert } from "assert";
import * as autoscaling from "@pulumi/aws/autoscaling";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ebs from "@pulumi/aws/ebs";
import * as ec2 from "@pulumi/aws/ec2";
import * as lambda from "@pulumi/aws/lambda";
import { Provider as AwsProvider } from "@pulumi/aws/provider";
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import { CostResource, EstimateMonthlyCost, useCostEstimator } from "../../policy/cost-adapter";
import { allowedInstanceTypes, maxEbsSize, maxVpnScaleUnits, monthlyCostCap, noIdleElasticIp, noNatGateway, spotRequired } from "../../policy/cost";
import { advisory, check, declare, mandatory } from "./helpers";

const dev = (policy: string, settings: Record<string, unknown>) => ({ [policy]: { enforcementLevel: "mandatory" as const, ...settings } });

/** A fake estimator with fixed prices per type, so the cap policy is tested on its own. */
function fakeEstimator(prices: Record<string, number>, unpricedWhy: Record<string, string> = {}): EstimateMonthlyCost & { calls: Array<{ resources: readonly CostResource[]; awsRegion: string }> } {
    const calls: Array<{ resources: readonly CostResource[]; awsRegion: string }> = [];
    const fn: EstimateMonthlyCost = (resources, options) => {
        calls.push({ resources, awsRegion: options.awsRegion });
        const items = resources.map((r) => ({
            type: r.type, name: r.name, monthly: prices[r.type] ?? 0,
            basis: r.type in prices ? `fake ${r.type}` : `unpriced: ${unpricedWhy[r.type] ?? "no catalogue price"}`,
            priced: r.type in prices,
        }));
        return { currency: "USD", monthly: items.reduce((s, i) => s + i.monthly, 0), items };
    };
    return Object.assign(fn, { calls });
}

const template = (name: string, args: Partial<ec2.LaunchTemplateArgs> = {}) =>
    new ec2.LaunchTemplate(name, { name, imageId: "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64", instanceType: "t4g.micro", ...args });

describe("policy: cost", () => {
    afterEach(() => useCostEstimator(undefined));

    describe("cost-monthly-cap", () => {
        const stack = () =>
            declare(() => {
                const provider = new AwsProvider("aws", { region: "ap-southeast-2" });
                new ec2.NatGateway("nat", { subnetId: "subnet-1", connectivityType: "public" }, { provider });
                new ec2.Eip("eip", { domain: "vpc" }, { provider });
                new cloudwatch.MetricAlarm("alarm", { comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 1, metricName: "x", namespace: "y", period: 60, statistic: "Average", threshold: 1 }, { provider });
            });

        it("passes under the cap, pricing only real resources in the provider's region", async () => {
            const estimator = fakeEstimator({ "aws:ec2/natGateway:NatGateway": 33, "aws:ec2/eip:Eip": 3.65, "aws:cloudwatch/metricAlarm:MetricAlarm": 0.1 });
            useCostEstimator(estimator);
            const result = await check(monthlyCostCap, await stack(), dev("cost-monthly-cap", { monthlyCapUsd: 100, requireCloudBudgets: false }));
            assert.deepEqual(result.violations, []);
            assert.equal(estimator.calls[0].awsRegion, "ap-southeast-2");
            assert.ok(estimator.calls[0].resources.every((r) => !r.type.startsWith("pulumi:")), "providers are not priced");
        });

        it("fails above the cap and names the top cost lines, largest first", async () => {
            useCostEstimator(fakeEstimator({ "aws:ec2/natGateway:NatGateway": 33, "aws:ec2/eip:Eip": 3.65, "aws:cloudwatch/metricAlarm:MetricAlarm": 0.1 }));
            const result = await check(monthlyCostCap, await stack(), dev("cost-monthly-cap", { monthlyCapUsd: 20, topLines: 2, requireCloudBudgets: false }));
            const [v] = mandatory(result);
            assert.match(v.message, /Estimated \$36\.75\/month is \$16\.75 over this environment's cap of \$20\.00/);
            assert.ok(v.message.indexOf("natGateway") < v.message.indexOf("eip:Eip"), "largest line first");
            assert.ok(!v.message.includes("metricAlarm"), "only topLines lines");
            assert.equal(v.resource, null);
        });

        it("fails (mandatory) when resources have no price, naming them: unpriced means unchecked", async () => {
            useCostEstimator(fakeEstimator({ "aws:ec2/natGateway:NatGateway": 33 }));
            const result = await check(monthlyCostCap, await stack(), dev("cost-monthly-cap", { monthlyCapUsd: 100, requireCloudBudgets: false }));
            const [v] = mandatory(result);
            assert.match(v.message, /cap of \$100\.00 cannot be proven: 2 resource\(s\) have no price.*aws:ec2\/eip:Eip "eip" \(no catalogue price\)/);
            assert.match(v.message, /metricAlarm/);
            assert.match(v.message, /ignoreUnpricedTypes/);
        });

        it("accepts unpriced types listed in ignoreUnpricedTypes (advisory), and only those", async () => {
            useCostEstimator(fakeEstimator({ "aws:ec2/natGateway:NatGateway": 33 }));
            const one = await check(monthlyCostCap, await stack(), dev("cost-monthly-cap", { monthlyCapUsd: 100, requireCloudBudgets: false, ignoreUnpricedTypes: ["aws:cloudwatch/*"] }));
            assert.equal(mandatory(one).length, 1);
            assert.ok(!mandatory(one)[0].message.includes("metricAlarm"), "the ignored type is not named as unchecked");
            const both = await check(monthlyCostCap, await stack(), dev("cost-monthly-cap", { monthlyCapUsd: 100, requireCloudBudgets: false, ignoreUnpricedTypes: ["aws:cloudwatch/*", "aws:ec2/eip:Eip"] }));
            assert.equal(mandatory(both).length, 0);
            assert.match(advisory(both)[0].message, /2 resource\(s\) have no price and are accepted by ignoreUnpricedTypes/);
        });

        it("a price that depends on a value known only at deploy is 'cannot check yet', not a failure", async () => {
            useCostEstimator(fakeEstimator({ "aws:ec2/natGateway:NatGateway": 33, "aws:cloudwatch/metricAlarm:MetricAlarm": 0.1 }, { "aws:ec2/eip:Eip": "cannot price yet: address unknown until deploy" }));
            const result = await check(monthlyCostCap, await stack(), dev("cost-monthly-cap", { monthlyCapUsd: 100, requireCloudBudgets: false }));
            assert.equal(mandatory(result).length, 0);
            assert.match(advisory(result)[0].message, /^cannot check yet: .*eip:Eip "eip"/);
        });

        it("is not applicable without a cap", async () => {
            useCostEstimator(fakeEstimator({}));
            const result = await check(monthlyCostCap, await stack(), {});
            assert.deepEqual(result.violations, []);
            assert.match(result.notApplicable[0].reason, /no monthlyCapUsd/);
        });
    });

    describe("cost-allowed-instance-types", () => {
        const config = dev("cost-allowed-instance-types", { allowedInstanceTypes: ["t4g.micro", "t4g.small"] });
        it("passes an allowed type", async () => {
            const result = await check(allowedInstanceTypes, await declare(() => template("lt")), config);
            assert.deepEqual(result.violations, []);
        });
        it("fails a launch template and an Auto Scaling override outside the list", async () => {
            const resources = await declare(() => {
                template("lt", { instanceType: "m5.large" });
                new autoscaling.Group("asg", {
                    minSize: 1, maxSize: 1, vpcZoneIdentifiers: ["subnet-a", "subnet-b"],
                    mixedInstancesPolicy: { launchTemplate: { launchTemplateSpecification: { launchTemplateName: "lt" }, overrides: [{ instanceType: "t4g.small" }, { instanceType: "c7g.4xlarge" }] } },
                });
            });
            const result = await check(allowedInstanceTypes, resources, config);
            assert.deepEqual(mandatory(result).map((v) => v.resource?.split("::").pop()).sort(), ["asg", "lt"]);
            assert.match(mandatory(result).find((v) => v.resource?.endsWith("asg"))!.message, /overrides\[1\]\.instanceType is c7g\.4xlarge/);
        });
        it("accepts globs", async () => {
            const result = await check(allowedInstanceTypes, await declare(() => template("lt", { instanceType: "t4g.large" })), dev("cost-allowed-instance-types", { allowedInstanceTypes: ["t4g.*"] }));
            assert.deepEqual(result.violations, []);
        });
    });

    describe("cost-spot-required", () => {
        const config = dev("cost-spot-required", {});
        it("passes an all-Spot mixed instances policy and a Spot launch template", async () => {
            const resources = await declare(() => {
                new autoscaling.Group("mixed", {
                    minSize: 1, maxSize: 1, vpcZoneIdentifiers: ["a", "b"],
                    mixedInstancesPolicy: {
                        instancesDistribution: { onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 0, spotAllocationStrategy: "price-capacity-optimized" },
                        launchTemplate: { launchTemplateSpecification: { launchTemplateName: "lt" } },
                    },
                });
                const lt = template("spot-lt", { instanceMarketOptions: { marketType: "spot" } });
                new autoscaling.Group("plain", { minSize: 1, maxSize: 1, vpcZoneIdentifiers: ["a", "b"], launchTemplate: { id: lt.id, version: "$Latest" } });
            });
            const result = await check(spotRequired, resources, config);
            assert.deepEqual(result.violations, []);
        });
        it("fails on-demand capacity (mixed policy default 100% on-demand; on-demand launch template)", async () => {
            const resources = await declare(() => {
                new autoscaling.Group("mixed", { minSize: 1, maxSize: 1, vpcZoneIdentifiers: ["a", "b"], mixedInstancesPolicy: { launchTemplate: { launchTemplateSpecification: { launchTemplateName: "lt" } } } });
                const lt = template("od-lt");
                new autoscaling.Group("plain", { minSize: 1, maxSize: 1, vpcZoneIdentifiers: ["a", "b"], launchTemplate: { id: lt.id, version: "$Latest" } });
            });
            const result = await check(spotRequired, resources, config);
            const of = (name: string) => mandatory(result).find((v) => v.resource?.endsWith(`::${name}`))!.message;
            assert.equal(mandatory(result).length, 2);
            assert.match(of("mixed"), /onDemandPercentageAboveBaseCapacity = 0/);
            assert.match(of("plain"), /launch template "od-lt".*marketType: "spot"/);
        });
        it("says 'cannot check yet' when it cannot tell which launch template a group uses", async () => {
            const resources = await declare(() => {
                const lt = template("od-lt");
                new autoscaling.Group("plain", { minSize: 1, maxSize: 1, vpcZoneIdentifiers: ["a", "b"], launchTemplate: { id: lt.id } });
            }, { withDependencies: false });
            const result = await check(spotRequired, resources, config);
            assert.equal(mandatory(result).length, 0);
            assert.match(advisory(result)[0].message, /^cannot check yet: cannot tell which launch template/);
        });
    });

    describe("cost-no-nat-gateway", () => {
        const nat = () => declare(() => new ec2.NatGateway("nat", { subnetId: "subnet-1", allocationId: "eipalloc-1" }));
        it("fails a NAT gateway where none is allowed", async () => {
            const result = await check(noNatGateway, await nat(), dev("cost-no-nat-gateway", { allowNatGateway: false }));
            assert.match(mandatory(result)[0].message, /egress-only internet gateway/);
        });
        it("passes where allowed", async () => {
            const result = await check(noNatGateway, await nat(), dev("cost-no-nat-gateway", { allowNatGateway: true }));
            assert.deepEqual(result.violations, []);
        });
    });

    describe("cost-max-vpn-scale-units", () => {
        const gateway = (units: number) => declare(() => new network.VpnGateway("vpngw", { resourceGroupName: "rg", virtualHub: { id: "/subscriptions/x/hub" }, vpnGatewayScaleUnit: units }));
        it("passes at the limit", async () => {
            assert.deepEqual((await check(maxVpnScaleUnits, await gateway(2), dev("cost-max-vpn-scale-units", { maxScaleUnits: 2 }))).violations, []);
        });
        it("fails above it", async () => {
            const result = await check(maxVpnScaleUnits, await gateway(3), dev("cost-max-vpn-scale-units", { maxScaleUnits: 2 }));
            assert.match(mandatory(result)[0].message, /vpnGatewayScaleUnit is 3; this environment allows at most 2/);
        });
    });

    describe("cost-max-ebs-size", () => {
        const config = dev("cost-max-ebs-size", { maxSizeGiB: 50 });
        it("passes volumes within the limit", async () => {
            const resources = await declare(() => {
                new ebs.Volume("v", { availabilityZone: "us-east-1a", size: 50, encrypted: true });
                template("lt", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 20, encrypted: "true" } }] });
            });
            assert.deepEqual((await check(maxEbsSize, resources, config)).violations, []);
        });
        it("fails a big volume, a big launch template disk and a big failover data volume", async () => {
            const resources = await declare(() => {
                new ebs.Volume("v", { availabilityZone: "us-east-1a", size: 500, encrypted: true });
                template("lt", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 200, encrypted: "true" } }] });
                new lambda.Function("failover", { role: "arn:aws:iam::123456789012:role/r", runtime: "nodejs20.x", handler: "index.handler", code: new pulumi.asset.AssetArchive({}), environment: { variables: { TIER_NAME: "app", DATA_VOLUME_SIZE_GIB: "100" } } });
            });
            const result = await check(maxEbsSize, resources, config);
            assert.deepEqual(mandatory(result).map((v) => v.resource?.split("::").pop()).sort(), ["failover", "lt", "v"]);
            assert.match(mandatory(result).find((v) => v.resource?.endsWith("failover"))!.message, /data volume \(environment DATA_VOLUME_SIZE_GIB\) is 100 GiB/);
        });
    });

    describe("cost-no-idle-eip", () => {
        const config = dev("cost-no-idle-eip", {});
        it("passes an EIP the failover handler moves (ELASTIC_IP_ALLOCATION_ID) and one associated directly", async () => {
            const resources = await declare(() => {
                const eip = new ec2.Eip("tier-eip", { domain: "vpc" });
                new lambda.Function("failover", { role: "arn:aws:iam::123456789012:role/r", runtime: "nodejs20.x", handler: "index.handler", code: new pulumi.asset.AssetArchive({}), environment: { variables: { ELASTIC_IP_ALLOCATION_ID: eip.allocationId } } });
                new ec2.Eip("attached", { domain: "vpc", instance: "i-0123456789abcdef0" });
                const natEip = new ec2.Eip("nat-eip", { domain: "vpc" });
                new ec2.NatGateway("nat", { subnetId: "subnet-1", allocationId: natEip.allocationId });
            });
            assert.deepEqual((await check(noIdleElasticIp, resources, config)).violations, []);
        });
        it("fails an EIP nothing uses", async () => {
            const resources = await declare(() => new ec2.Eip("spare", { domain: "vpc" }));
            const result = await check(noIdleElasticIp, resources, config);
            assert.match(mandatory(result)[0].message, /Elastic IP "spare" is idle/);
        });
        it("says 'cannot check yet' (not idle, not fine) when a reference cannot be matched", async () => {
            const resources = await declare(() => {
                const eip = new ec2.Eip("tier-eip", { domain: "vpc" });
                new ec2.EipAssociation("assoc", { allocationId: eip.allocationId, instanceId: "i-1" });
            }, { withDependencies: false });
            const result = await check(noIdleElasticIp, resources, config);
            assert.equal(mandatory(result).length, 0);
            assert.match(advisory(result)[0].message, /^cannot check yet: Elastic IP "tier-eip"/);
        });
    });
});
