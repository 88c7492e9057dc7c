import { strict as assert } from "assert";
import { PREFLIGHT_RULES, PreflightResource, runPreflight } from "../../components/preflight";
import { planOfStack } from "../helpers/stacks";

/** One resource (and the others it is checked with) that breaks exactly the named rule. */
interface Case { rule: string; resource: PreflightResource; others?: PreflightResource[]; input: RegExp }

const r = (type: string, inputs: Record<string, unknown>, extra: Partial<PreflightResource> = {}): PreflightResource => ({ type, name: "t", inputs, ...extra });
const hook = (h: Record<string, unknown>) => r("aws:autoscaling/group:Group", { initialLifecycleHooks: [{ name: "h", heartbeatTimeout: 300, defaultResult: "CONTINUE", lifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING", ...h }] });
const armTemplate = r("aws:ec2/launchTemplate:LaunchTemplate", { imageId: "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64" });
const group = (types: string[]) => r("aws:autoscaling/group:Group", { mixedInstancesPolicy: { launchTemplate: { overrides: types.map((instanceType) => ({ instanceType })) } } });
const tunnel = (options: Record<string, unknown>) => r("aws:ec2/vpnConnection:VpnConnection", options);
const nsg = (rules: Array<Record<string, unknown>>) => r("azure-native:network:NetworkSecurityGroup", {
    networkSecurityGroupName: "nsg",
    securityRules: rules.map((x, i) => ({ name: `r${i}`, priority: 100 + i, protocol: "Tcp", access: "Allow", direction: "Inbound", destinationPortRange: "443", ...x })),
});

const CASES: Case[] = [
    { rule: "aws-vpc-cidr-size", resource: r("aws:ec2/vpc:Vpc", { cidrBlock: "10.0.0.0/8" }), input: /^cidrBlock$/ },
    { rule: "aws-subnet-cidr-size", resource: r("aws:ec2/subnet:Subnet", { cidrBlock: "10.0.0.0/29" }), input: /^cidrBlock$/ },
    { rule: "aws-subnet-ipv6-64", resource: r("aws:ec2/subnet:Subnet", { cidrBlock: "10.0.0.0/24", ipv6CidrBlock: "2001:db8::/56" }), input: /^ipv6CidrBlock$/ },
    { rule: "aws-route-one-destination", resource: r("aws:ec2/route:Route", { destinationCidrBlock: "0.0.0.0/0", destinationIpv6CidrBlock: "::/0", gatewayId: "igw-1" }), input: /destination/ },
    { rule: "aws-security-group-rule-ports", resource: r("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", { ipProtocol: "tcp", fromPort: 8100, toPort: 8000 }), input: /^fromPort$/ },
    { rule: "aws-security-group-description", resource: r("aws:ec2/securityGroup:SecurityGroup", { description: "café ports" }), input: /^description$/ },
    { rule: "aws-tags", resource: r("aws:sns/topic:Topic", { tags: { "aws:reserved": "x" } }), input: /^tags\.aws:reserved$/ },
    { rule: "aws-customer-gateway-asn", resource: r("aws:ec2/customerGateway:CustomerGateway", { bgpAsn: "4200000000", type: "ipsec.1" }), input: /^bgpAsn$/ },
    { rule: "aws-vpn-gateway-asn", resource: r("aws:ec2/vpnGateway:VpnGateway", { amazonSideAsn: "65515000" }), input: /^amazonSideAsn$/ },
    { rule: "aws-vpn-tunnel-inside-cidr", resource: tunnel({ tunnel1InsideCidr: "169.254.169.252/30" }), input: /^tunnel1InsideCidr$/ },
    { rule: "aws-vpn-tunnel-options", resource: tunnel({ tunnel2Phase2LifetimeSeconds: 7200 }), input: /^tunnel2Phase2LifetimeSeconds$/ },
    { rule: "aws-vpn-tunnel-preshared-key", resource: r("aws:ec2/vpnConnection:VpnConnection", { tunnel1PresharedKey: "[secret]" }, { secretLengths: { tunnel1PresharedKey: 6 } }), input: /^tunnel1PresharedKey$/ },
    { rule: "aws-instance-type-known", resource: group(["t4g.mediun"]), input: /overrides\[0\]\.instanceType$/ },
    { rule: "aws-instance-type-architecture", resource: group(["t4g.small", "t3.small"]), others: [armTemplate], input: /overrides\[1\]\.instanceType$/ },
    { rule: "aws-group-capacity", resource: r("aws:autoscaling/group:Group", { minSize: 1, maxSize: 1, desiredCapacity: 2 }), input: /^desiredCapacity$/ },
    { rule: "aws-group-name", resource: r("aws:autoscaling/group:Group", { name: "g".repeat(256) }), input: /^name$/ },
    { rule: "aws-lifecycle-hooks", resource: hook({ heartbeatTimeout: 7201 }), input: /^initialLifecycleHooks\[0\]\.heartbeatTimeout$/ },
    { rule: "aws-group-maintenance-policy", resource: r("aws:autoscaling/group:Group", { instanceMaintenancePolicy: { minHealthyPercentage: 0, maxHealthyPercentage: 200 } }), input: /^instanceMaintenancePolicy$/ },
    { rule: "aws-group-overrides", resource: r("aws:autoscaling/group:Group", { mixedInstancesPolicy: { instancesDistribution: { onDemandPercentageAboveBaseCapacity: 101 } } }), input: /onDemandPercentageAboveBaseCapacity$/ },
    { rule: "aws-launch-template-metadata", resource: r("aws:ec2/launchTemplate:LaunchTemplate", { metadataOptions: { httpPutResponseHopLimit: 65 } }), input: /httpPutResponseHopLimit$/ },
    { rule: "aws-launch-template-text", resource: r("aws:ec2/launchTemplate:LaunchTemplate", { description: "d".repeat(256) }), input: /^description$/ },
    { rule: "aws-gp3-volume", resource: r("aws:ec2/launchTemplate:LaunchTemplate", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeType: "gp3", volumeSize: 4, iops: 3001 } }] }), input: /^blockDeviceMappings\[0\]\.ebs\.iops$/ },
    { rule: "aws-eip-domain", resource: r("aws:ec2/eip:Eip", { domain: "standard" }), input: /^domain$/ },
    { rule: "aws-lambda-function", resource: r("aws:lambda/function:Function", { timeout: 901 }), input: /^timeout$/ },
    { rule: "aws-lambda-environment-size", resource: r("aws:lambda/function:Function", { environment: { variables: { BIG: "x".repeat(4100) } } }), input: /^environment\.variables$/ },
    { rule: "aws-lambda-async-config", resource: r("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", { maximumRetryAttempts: 3 }), input: /^maximumRetryAttempts$/ },
    { rule: "aws-log-group", resource: r("aws:cloudwatch/logGroup:LogGroup", { retentionInDays: 31 }), input: /^retentionInDays$/ },
    { rule: "aws-event-rule", resource: r("aws:cloudwatch/eventRule:EventRule", { name: "e".repeat(65) }), input: /^name$/ },
    { rule: "aws-metric-alarm", resource: r("aws:cloudwatch/metricAlarm:MetricAlarm", { period: 90 }), input: /^period$/ },
    { rule: "aws-sns-topic-name", resource: r("aws:sns/topic:Topic", { name: "alerts topic" }), input: /^name$/ },
    { rule: "aws-iam-names", resource: r("aws:iam/role:Role", { name: "r".repeat(65) }), input: /^name$/ },
    { rule: "aws-dlm-policy", resource: r("aws:dlm/lifecyclePolicy:LifecyclePolicy", { description: "ok", policyDetails: { schedules: [{ name: "s", createRule: { interval: 5, intervalUnit: "HOURS" }, retainRule: { count: 1 } }] } }), input: /^policyDetails\.schedules\[0\]\.createRule\.interval$/ },
    { rule: "azure-resource-name", resource: { type: "azure-native:network:VpnSite", name: `${"e".repeat(30)}-wan-site-${"s".repeat(34)}`, inputs: {} }, input: /^vpnSiteName \(auto-named/ },
    { rule: "azure-nsg-rules", resource: nsg([{ destinationPortRange: "443" }, { priority: 100, destinationPortRange: "8443" }]), input: /^securityRules\[1\]\.priority$/ },
    { rule: "azure-subnet-prefix", resource: r("azure-native:network:Subnet", { subnetName: "s", addressPrefixes: ["10.0.0.0/30"] }), input: /^addressPrefixes\[0\]$/ },
    { rule: "azure-hub-prefix", resource: r("azure-native:network:VirtualHub", { virtualHubName: "h", addressPrefix: "10.100.0.0/25" }), input: /^addressPrefix$/ },
    { rule: "azure-vpn-gateway-bgp", resource: r("azure-native:network:VpnGateway", { gatewayName: "g", bgpSettings: { asn: 65515, bgpPeeringAddresses: [{ ipconfigurationId: "Instance0", customBgpIpAddresses: ["169.254.23.1"] }] } }), input: /customBgpIpAddresses\[0\]$/ },
    { rule: "azure-vpn-site", resource: r("azure-native:network:VpnSite", { vpnSiteName: "s", vpnSiteLinks: [{ name: "primary", ipAddress: "49.255.12.34", bgpProperties: { asn: 12076, bgpPeeringAddress: "192.168.10.1" } }] }), input: /^vpnSiteLinks\[0\]\.bgpProperties\.asn$/ },
    { rule: "azure-vpn-connection-ipsec", resource: r("azure-native:network:VpnConnection", { connectionName: "c", vpnLinkConnections: [{ name: "primary", ipsecPolicies: [{ saLifeTimeSeconds: 200, saDataSizeKilobytes: 102400000 }] }] }), input: /saLifeTimeSeconds$/ },
    { rule: "azure-tags", resource: r("azure-native:network:VirtualWan", { virtualWANName: "w", tags: { owner: "o".repeat(257) } }), input: /^tags\.owner$/ },
    {
        rule: "azure-vpn-connections-per-hub",
        resource: r("azure-native:network:VpnGateway", { gatewayName: "g", bgpSettings: { asn: 65515 } }),
        others: Array.from({ length: 1001 }, (_, i) => ({ type: "azure-native:network:VpnConnection", name: `c${i}`, inputs: { connectionName: `c${i}` } })),
        input: /^vpnConnections$/,
    },
];

describe("provider preflight", () => {
    it("has a breaking case for every rule, and every rule names its source", () => {
        assert.deepEqual(CASES.map((c) => c.rule).sort(), PREFLIGHT_RULES.map((rule) => rule.id).sort());
        for (const rule of PREFLIGHT_RULES) assert.ok(rule.source.length > 20, `${rule.id} has no source`);
    });

    for (const c of CASES) {
        it(`${c.rule}: refused, naming the input`, () => {
            const { violations } = runPreflight([c.resource, ...(c.others ?? [])]);
            const mine = violations.filter((v) => v.resource === c.resource.name);
            assert.ok(mine.length >= 1, `no violation; got ${JSON.stringify(violations)}`);
            assert.deepEqual([...new Set(mine.map((v) => v.rule))], [c.rule], JSON.stringify(mine));
            assert.ok(mine.some((v) => c.input.test(v.input)), JSON.stringify(mine));
            for (const v of mine) assert.equal(v.source, PREFLIGHT_RULES.find((rule) => rule.id === c.rule)!.source);
        });
    }

    it("finds nothing in the real dev and prod plans", async () => {
        for (const stack of ["dev", "prod"] as const) {
            const run = await planOfStack(stack);
            const result = runPreflight(run.resources);
            assert.equal(result.rules, PREFLIGHT_RULES.length);
            assert.deepEqual(result.violations, [], stack);
        }
    });
});
