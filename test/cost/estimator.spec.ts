import { strict as assert } from "assert";
import { CostEstimate, PRICED_TYPES, ResourceLike, compareConventionalHa, estimateMonthlyCost } from "../../components/cost";

const US = { awsRegion: "us-east-1", azureLocation: "eastus" };
const SYD = { awsRegion: "ap-southeast-2", azureLocation: "australiaeast" };

const r = (type: string, name: string, inputs: Record<string, unknown> = {}): ResourceLike => ({ type, name, inputs });
const one = (resource: ResourceLike, options = US) => {
    const estimate = estimateMonthlyCost([resource], options);
    assert.equal(estimate.items.length, 1, JSON.stringify(estimate.items));
    return estimate.items[0];
};
const item = (estimate: CostEstimate, name: string) => {
    const found = estimate.items.find((i) => i.name === name);
    assert.ok(found, `no item ${name}`);
    return found;
};

const template = (inputs: Record<string, unknown> = {}) =>
    r("aws:ec2/launchTemplate:LaunchTemplate", "server", {
        instanceType: "t4g.micro",
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 8, volumeType: "gp3", encrypted: "true" } }],
        ...inputs,
    });
const group = (distribution: Record<string, unknown> | undefined, overrides = [{ instanceType: "t4g.micro" }], desiredCapacity: unknown = 1) =>
    r("aws:autoscaling/group:Group", "server", {
        desiredCapacity, minSize: 1, maxSize: 1,
        ...(distribution
            ? { mixedInstancesPolicy: { instancesDistribution: distribution, launchTemplate: { launchTemplateSpecification: { launchTemplateId: "lt-0123", version: "$Latest" }, overrides } } }
            : { launchTemplate: { id: "lt-0123", version: "$Latest" } }),
    });
const SPOT = { onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 0, spotAllocationStrategy: "price-capacity-optimized" };
const failover = (variables: Record<string, unknown> = { DATA_VOLUME_SIZE_GIB: "20", DATA_VOLUME_TYPE: "gp3" }) =>
    r("aws:lambda/function:Function", "failover", { runtime: "nodejs20.x", memorySize: 256, environment: { variables } });
const dlm = (schedule: Record<string, unknown>, details: Record<string, unknown> = {}) =>
    r("aws:dlm/lifecyclePolicy:LifecyclePolicy", "snapshots", {
        state: "ENABLED",
        policyDetails: { resourceTypes: ["VOLUME"], targetTags: { "landing-zone:role": "data" }, schedules: [{ name: "daily", ...schedule }], ...details },
    });

describe("cost estimator", () => {
    describe("Auto Scaling group through its launch template", () => {
        it("prices a Spot instance with the regional discount", () => {
            const e = estimateMonthlyCost([template(), group(SPOT)], US);
            // 730 × 0.0084 × (1 − 0.66) = 2.08488; root 8 × 0.08 = 0.64; total 2.72488
            assert.equal(e.items[1].monthly, 2.72);
            assert.equal(e.items[1].basis, "1 × t4g.micro spot, 730 h × $0.0084 × (1 − 0.66) + 1 × 8 GB gp3 × $0.08/GB-month");
        });

        it("prices the same instance on-demand when the distribution asks for it", () => {
            const e = estimateMonthlyCost([template(), group({ onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 100 })], US);
            // 730 × 0.0084 = 6.132; + 0.64 = 6.772
            assert.equal(e.items[1].monthly, 6.77);
            assert.match(e.items[1].basis, /^1 × t4g\.micro on-demand, 730 h × \$0\.0084 \+/);
        });

        it("splits on-demand base, percentage above base (rounded up) and Spot", () => {
            const e = estimateMonthlyCost([template(), group({ onDemandBaseCapacity: 1, onDemandPercentageAboveBaseCapacity: 50 }, [{ instanceType: "t3.micro" }], 4)], US);
            // on-demand 1 + ceil(3 × 50 %) = 3: 3 × 730 × 0.0104 = 22.776; Spot 1: 730 × 0.0104 × 0.34 = 2.58128;
            // volumes 4 × 8 × 0.08 = 2.56; total 27.91728
            assert.equal(e.items[1].monthly, 27.92);
            assert.match(e.items[1].basis, /3 × t3\.micro on-demand.*1 × t3\.micro spot.*4 × 8 GB gp3/);
        });

        it("uses the Sydney price and discount in ap-southeast-2, and says the EBS price is derived", () => {
            const e = estimateMonthlyCost([template(), group(SPOT)], SYD);
            // 730 × 0.0106 × (1 − 0.69) = 2.39878; 8 × 0.100952 = 0.807616; total 3.206396
            assert.equal(e.items[1].monthly, 3.21);
            assert.match(e.items[1].basis, /^1 × t4g\.micro spot, 730 h × \$0\.0106 × \(1 − 0\.69\) \+ 1 × 8 GB gp3 × \$0\.100952\/GB-month \[ap-southeast-2 price derived: ap-southeast-2 = us-east-1 × 1\.2619\]$/);
        });

        it("prices the dearest of several override types", () => {
            const e = estimateMonthlyCost([template(), group(SPOT, [{ instanceType: "t4g.micro" }, { instanceType: "t4g.small" }])], US);
            // 730 × 0.0168 × 0.34 = 4.16976; + 0.64 = 4.80976
            assert.equal(e.items[1].monthly, 4.81);
            assert.match(e.items[1].basis, /^dearest of t4g\.micro, t4g\.small: 1 × t4g\.small spot/);
        });

        it("reads Spot, instance type and public IPv4 from the launch template without a mixed policy", () => {
            const lt = template({ instanceMarketOptions: { marketType: "spot" }, networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "true" }] });
            const e = estimateMonthlyCost([lt, group(undefined)], US);
            // 2.08488 + 0.64 + public IPv4 730 × 0.005 = 3.65; total 6.37488
            assert.equal(e.items[1].monthly, 6.37);
            assert.match(e.items[1].basis, /1 × public IPv4, 730 h × \$0\.005$/);
        });

        it("assumes an 8 GiB gp3 AMI root volume when the template maps none, and says so", () => {
            const e = estimateMonthlyCost([template({ blockDeviceMappings: undefined }), group(SPOT)], US);
            assert.equal(e.items[1].monthly, 2.72);
            assert.match(e.items[1].basis, /8 GB gp3 \(size or type assumed from the AMI\)/);
        });

        it("is unpriced, not zero, for an instance type or volume type the catalogue lacks", () => {
            const unknownType = estimateMonthlyCost([template(), group(SPOT, [{ instanceType: "x2iedn.32xlarge" }])], US);
            assert.deepEqual([unknownType.items[1].priced, unknownType.items[1].monthly], [false, 0]);
            assert.match(unknownType.items[1].basis, /^unpriced: no catalogue price for ec2\.instance\.x2iedn\.32xlarge in us-east-1$/);
            const gp2 = estimateMonthlyCost([template({ blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 8, volumeType: "gp2" } }] }), group(SPOT)], US);
            assert.match(gp2.items[1].basis, /^unpriced: EBS gp2 has no catalogue price/);
            assert.equal(gp2.unpriced, 1);
        });

        it("says 'cannot price yet' when the capacity is unknown at preview", () => {
            const e = estimateMonthlyCost([template(), group(SPOT, undefined, "[unknown]")], US);
            assert.match(e.items[1].basis, /^unpriced: cannot price yet/);
        });

        it("prices a template 0 with the reason (its cost is on the group line)", () => {
            const e = estimateMonthlyCost([template(), group(SPOT)], US);
            assert.deepEqual([e.items[0].monthly, e.items[0].priced], [0, true]);
            assert.match(e.items[0].basis, /priced on the Auto Scaling group line/);
        });
    });

    describe("storage", () => {
        it("prices an EBS volume, and leaves the default type (gp2) unpriced", () => {
            assert.equal(one(r("aws:ebs/volume:Volume", "data", { size: 20, type: "gp3" })).monthly, 1.6); // 20 × 0.08
            const defaultType = one(r("aws:ebs/volume:Volume", "data", { size: 20 }));
            assert.equal(defaultType.priced, false);
            assert.match(defaultType.basis, /gp2/);
        });

        it("prices the data volume the failover handler creates, from its environment", () => {
            const e = estimateMonthlyCost([failover()], US);
            assert.equal(e.items.length, 2);
            assert.deepEqual([e.items[0].monthly, e.items[0].priced], [0, true]);
            assert.match(e.items[0].basis, /free tier \(1M requests \+ 400,000 GB-s\)/);
            assert.equal(e.items[1].type, "aws:ebs/volume:Volume");
            assert.equal(e.items[1].name, "failover data volume");
            assert.equal(e.items[1].monthly, 1.6); // 20 × 0.08
            assert.match(e.items[1].basis, /^20 GB gp3 × \$0\.08\/GB-month; created at run time by failover/);
            // A function that is not the failover handler has no such line.
            assert.equal(estimateMonthlyCost([failover({ OTHER: "1" })], US).items.length, 1);
        });

        it("prices retained snapshots: first full used size, then the daily change per snapshot", () => {
            const e = estimateMonthlyCost([failover(), dlm({ createRule: { interval: 24, intervalUnit: "HOURS", times: "03:00" }, retainRule: { count: 7 } })], US);
            // 20 GB volume: first 20 × 50 % = 10 GB; 6 × (20 × 3 % × 1 day) = 6 × 0.6 = 3.6 GB; 13.6 GB × 0.05 = 0.68;
            // plus the handler's own 3 (its default) × 0.6 = 1.8 GB × 0.05 = 0.09
            assert.equal(item(e, "snapshots").monthly, 0.77);
            assert.match(item(e, "snapshots").basis, /^7 snapshots every 24 h of 20 GB \(failover data volume\): first 10 GB \(50 % used\) \+ 6 × 0\.6 GB changed \(3 %\/day\) = 13\.6 GB × \$0\.05\/GB-month \+ 3 handler snapshots kept \(HANDLER_SNAPSHOT_RETENTION of failover, default\) × 0\.6 GB changed = 1\.8 GB × \$0\.05\/GB-month$/);
            // The configured retention, when the environment names it.
            const one = estimateMonthlyCost([failover({ DATA_VOLUME_SIZE_GIB: "20", HANDLER_SNAPSHOT_RETENTION: "1" }), dlm({ createRule: { interval: 24 }, retainRule: { count: 7 } })], US);
            assert.equal(item(one, "snapshots").monthly, 0.71);
            assert.match(item(one, "snapshots").basis, /\+ 1 handler snapshots kept \(HANDLER_SNAPSHOT_RETENTION of failover\) × 0\.6 GB/);
        });

        it("counts a handler's data volume only under a policy that targets its live copy's tags (one policy per tier)", () => {
            const tierA = r("aws:lambda/function:Function", "a-failover", { environment: { variables: { TIER_NAME: "a", DATA_VOLUME_SIZE_GIB: "20" } } });
            const tierB = r("aws:lambda/function:Function", "b-failover", { environment: { variables: { TIER_NAME: "b", DATA_VOLUME_SIZE_GIB: "500" } } });
            const policyOf = (tier: string) => r("aws:dlm/lifecyclePolicy:LifecyclePolicy", `${tier}-snapshots`, {
                state: "ENABLED",
                policyDetails: { resourceTypes: ["VOLUME"], targetTags: { "landing-zone:backup": tier }, schedules: [{ name: "daily", createRule: { interval: 24 }, retainRule: { count: 7 } }] },
            });
            const e = estimateMonthlyCost([tierA, tierB, policyOf("a"), policyOf("b")], US);
            assert.match(item(e, "a-snapshots").basis, /^7 snapshots every 24 h of 20 GB \(a-failover data volume\)/);
            assert.match(item(e, "b-snapshots").basis, /^7 snapshots every 24 h of 500 GB \(b-failover data volume\)/);
            assert.match(item(e, "a-snapshots").basis, /HANDLER_SNAPSHOT_RETENTION of a-failover, default\)/);
            assert.doesNotMatch(item(e, "a-snapshots").basis, /b-failover/);
        });

        it("scales the change to the interval, counts age-based retention, and adds declared target volumes", () => {
            const volume = r("aws:ebs/volume:Volume", "extra", { size: 20, type: "gp3", tags: { "landing-zone:role": "data" } });
            const untagged = r("aws:ebs/volume:Volume", "other", { size: 500, type: "gp3" });
            const e = estimateMonthlyCost([failover(), volume, untagged, dlm({ createRule: { interval: 12 }, retainRule: { interval: 7, intervalUnit: "DAYS" } })], US);
            // 40 GB (20 + 20): 7 days / 12 h = 14 snapshots; first 20 GB; 13 × (40 × 3 % × 0.5) = 13 × 0.6 = 7.8; 27.8 × 0.05 = 1.39; + the handler's 3 × 0.6 = 1.8 GB: 1.48
            assert.equal(item(e, "snapshots").monthly, 1.48);
            assert.match(item(e, "snapshots").basis, /^14 snapshots every 12 h of 40 GB \(failover data volume, extra\)/);
        });

        it("prices fast snapshot restore per snapshot, AZ and hour; reads a daily cron", () => {
            const e = estimateMonthlyCost([failover(), dlm({
                createRule: { cronExpression: "cron(0 3 * * ? *)" }, retainRule: { count: 7 },
                fastRestoreRule: { availabilityZones: ["us-east-1a", "us-east-1b"], count: 1 },
            })], US);
            // 0.77 (with the handler's 3) + 1 × 2 × 730 × 0.75 = 1095; total 1095.77
            assert.equal(item(e, "snapshots").monthly, 1095.77);
        });

        it("leaves a snapshot policy unpriced when no target volume size is known", () => {
            const e = estimateMonthlyCost([dlm({ createRule: { interval: 24 }, retainRule: { count: 7 } })], US);
            assert.equal(e.items[0].priced, false);
            assert.match(e.items[0].basis, /no target volume of known size/);
        });
    });

    describe("AWS network and services", () => {
        it("prices public IPv4, NAT gateways and VPN connections by the hour", () => {
            assert.equal(one(r("aws:ec2/eip:Eip", "ip", { domain: "vpc" })).monthly, 3.65); // 730 × 0.005
            const nat = one(r("aws:ec2/natGateway:NatGateway", "nat", { allocationId: "eipalloc-1", subnetId: "subnet-1" }));
            assert.equal(nat.monthly, 32.85); // 730 × 0.045
            assert.match(nat.basis, /\+ \$0\.045\/GB processed, not estimated/);
            assert.equal(one(r("aws:ec2/vpnConnection:VpnConnection", "vpn", { type: "ipsec.1" })).monthly, 36.5); // 730 × 0.05
            assert.equal(one(r("aws:ec2/vpnConnection:VpnConnection", "vpn", { type: "ipsec.1" }), SYD).monthly, 46.06); // 730 × 0.063095 = 46.05935
        });

        it("prices CloudWatch alarms per month and leaves high-resolution ones unpriced", () => {
            assert.equal(one(r("aws:cloudwatch/metricAlarm:MetricAlarm", "a", { period: 60 })).monthly, 0.1);
            assert.equal(one(r("aws:cloudwatch/metricAlarm:MetricAlarm", "a", { period: 10 })).priced, false);
        });

        it("prices free and usage-billed resources at 0 explicitly, with the reason", () => {
            for (const type of ["aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/route:Route", "aws:ec2/internetGateway:InternetGateway",
                "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway", "aws:ec2/securityGroup:SecurityGroup", "aws:iam/role:Role",
                "aws:cloudwatch/eventRule:EventRule", "aws:sns/topic:Topic", "aws:ec2/vpnGateway:VpnGateway", "aws:ec2/customerGateway:CustomerGateway"]) {
                const i = one(r(type, "x"));
                assert.deepEqual([i.monthly, i.priced], [0, true], type);
                assert.match(i.basis, /^no charge/, type);
            }
            assert.match(one(r("aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway", "x")).basis, /VPCUG/);
            assert.match(one(r("aws:cloudwatch/eventRule:EventRule", "x")).basis, /billed per use, not estimated/);
        });
    });

    describe("Azure", () => {
        it("prices a Standard hub by the hour and a Basic hub at 0", () => {
            const standard = one(r("azure-native:network:VirtualHub", "hub", { sku: "Standard" }));
            assert.equal(standard.monthly, 182.5); // 730 × 0.25
            assert.match(standard.basis, /^1 × Standard hub, 730 h × \$0\.25; \+ \$0\.02\/GB/);
            assert.deepEqual([one(r("azure-native:network:VirtualHub", "hub", { sku: "Basic" })).monthly], [0]);
        });

        it("takes the hub type from the Virtual WAN when the hub has no sku", () => {
            const e = estimateMonthlyCost([
                r("azure-native:network:VirtualWan", "wan", { type: "Basic", virtualWANName: "dev-wan" }),
                r("azure-native:network:VirtualHub", "hub", { virtualWan: { id: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/virtualWans/dev-wan" } }),
            ], US);
            assert.deepEqual(e.items.map((i) => i.monthly), [0, 0]);
            assert.match(e.items[1].basis, /Basic hub.*sku from Virtual WAN wan/);
        });

        it("prices VPN scale units and connection units (one per link)", () => {
            assert.equal(one(r("azure-native:network:VpnGateway", "gw", { vpnGatewayScaleUnit: 2 })).monthly, 527.06); // 2 × 730 × 0.361
            assert.equal(one(r("azure-native:network:VpnGateway", "gw", {})).monthly, 263.53); // default 1 unit
            const conn = one(r("azure-native:network:VpnConnection", "c", { gatewayName: "gw", vpnLinkConnections: [{ name: "l1" }, { name: "l2" }] }));
            assert.equal(conn.monthly, 73); // 2 × 730 × 0.05
            assert.equal(one(r("azure-native:network:VpnSite", "site")).monthly, 0);
        });

        it("prices a Standard public IPv4 and leaves an IPv6 one unpriced", () => {
            assert.equal(one(r("azure-native:network:PublicIPAddress", "ip", { sku: { name: "Standard" }, publicIPAllocationMethod: "Static" })).monthly, 3.65);
            assert.equal(one(r("azure-native:network:PublicIPAddress", "ip", { sku: { name: "Standard" }, publicIPAddressVersion: "IPv6" })).priced, false);
        });

        it("uses a resource's own location and marks the australiaeast prices as derived", () => {
            const hub = one(r("azure-native:network:VirtualHub", "hub", { sku: "Standard", location: "australiaeast" }), US);
            assert.equal(hub.monthly, 230.3); // 730 × 0.315475 = 230.29675
            assert.match(hub.basis, /\[australiaeast price derived: australiaeast = eastus × 1\.2619\]$/);
        });

        it("prices hub connections, networks and resource groups at 0", () => {
            for (const type of ["azure-native:network:HubVirtualNetworkConnection", "azure-native:network:VirtualNetwork", "azure-native:network:Subnet",
                "azure-native:network:NetworkSecurityGroup", "azure-native:resources:ResourceGroup", "azure-native:network:VirtualWan"]) {
                assert.deepEqual([one(r(type, "x")).monthly, one(r(type, "x")).priced], [0, true], type);
            }
            assert.match(one(r("azure-native:network:HubVirtualNetworkConnection", "x")).basis, /data processing \$0\.02\/GB, not estimated/);
        });
    });

    describe("totals", () => {
        it("reports an unknown type as unpriced, counts it, and leaves it out of the total", () => {
            const e = estimateMonthlyCost([r("aws:ec2/eip:Eip", "ip"), r("aws:rds/instance:Instance", "db", { instanceClass: "db.t4g.micro" })], US);
            assert.equal(e.unpriced, 1);
            assert.deepEqual(e.items[1], { type: "aws:rds/instance:Instance", name: "db", monthly: 0, basis: "unpriced: no price rule for aws:rds/instance:Instance", priced: false });
            assert.equal(e.monthly, 3.65);
        });

        it("skips components, providers and the stack, and counts them", () => {
            const e = estimateMonthlyCost([
                r("pulumi:pulumi:Stack", "landing-zone-dev"), r("pulumi:providers:aws", "aws"), r("landing-zone:aws:DualStackVpc", "dev"), r("aws:ec2/vpc:Vpc", "vpc"),
            ], US);
            assert.deepEqual([e.items.length, e.skipped, e.unpriced], [1, 3, 0]);
        });

        it("sums the rounded lines", () => {
            const e = estimateMonthlyCost([template(), group(SPOT), failover(), r("aws:ec2/eip:Eip", "ip"),
                r("azure-native:network:VirtualHub", "hub", { sku: "Standard" }), r("azure-native:network:VpnGateway", "gw", { vpnGatewayScaleUnit: 1 })], US);
            // 2.72 + 0 + 1.60 + 3.65 + 182.50 + 263.53 = 454.00
            assert.equal(e.monthly, 454);
            assert.equal(e.currency, "USD");
        });

        it("prices every type it has a rule for", () => {
            const samples: Record<string, ResourceLike[]> = {
                "aws:autoscaling/group:Group": [template(), group(SPOT)],
                "aws:ec2/launchTemplate:LaunchTemplate": [template()],
                "aws:ec2/instance:Instance": [r("aws:ec2/instance:Instance", "i", { instanceType: "t3.micro" })],
                "aws:ebs/volume:Volume": [r("aws:ebs/volume:Volume", "v", { size: 10, type: "gp3" })],
                "aws:lambda/function:Function": [failover()],
                "aws:dlm/lifecyclePolicy:LifecyclePolicy": [failover(), dlm({ createRule: { interval: 24 }, retainRule: { count: 7 } })],
                "aws:lb/loadBalancer:LoadBalancer": [r("aws:lb/loadBalancer:LoadBalancer", "alb", { subnets: ["a", "b"] })],
                "aws:alb/loadBalancer:LoadBalancer": [r("aws:alb/loadBalancer:LoadBalancer", "alb", { internal: true })],
                "azure-native:network:PublicIPAddress": [r("azure-native:network:PublicIPAddress", "ip", { sku: { name: "Standard" } })],
                "azure-native:compute:VirtualMachine": [r("azure-native:compute:VirtualMachine", "vm", { hardwareProfile: { vmSize: "Standard_B1s" } })],
                "aws:ec2/flowLog:FlowLog": [r("aws:ec2/flowLog:FlowLog", "fl", { logDestinationType: "s3", trafficType: "ALL" })],
                "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": [r("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "lc", { rules: [{ expiration: { days: 365 } }] })],
            };
            for (const type of PRICED_TYPES) {
                const resources = samples[type] ?? [r(type, "x")];
                const e = estimateMonthlyCost(resources, US);
                const line = e.items.find((i) => i.type === type && i.name === resources[resources.length - 1].name)!;
                assert.ok(line.priced, `${type}: ${line.basis}`);
                assert.ok(line.basis.length > 10, type);
            }
        });
    });

    describe("conventional highly available design", () => {
        it("prices two instances, an ALB, a NAT gateway and an Elastic IP per AZ with the same catalogue", () => {
            const e = compareConventionalHa({ awsRegion: "us-east-1", instanceType: "t4g.micro" });
            // instances 2 × (730 × 0.0084 + 8 × 0.08) = 2 × 6.77; ALB 730 × 0.0225 + 2 × 730 × 0.005 = 16.425 + 7.30 = 23.73;
            // NAT 2 × 32.85; EIP 2 × 3.65; LCU 1 × 730 × 0.008 = 5.84
            assert.deepEqual(e.items.map((i) => i.monthly), [6.77, 6.77, 23.73, 3.65, 32.85, 3.65, 32.85, 5.84]);
            assert.equal(e.monthly, 116.11);
            assert.equal(e.unpriced, 0);
        });
    });
});
