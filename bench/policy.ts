/**
 * Policy evaluation time: the whole pack through the offline engine on
 * synthetic stacks of 625 to 5,000 resources (a realistic mix: networks,
 * rules, launch templates, groups, failover handlers, IAM, VPNs), per
 * resource and per policy. Target: linear, 5,000 resources under 2 s.
 *
 *   npx ts-node --transpile-only bench/policy.ts [--runs 5]
 */
import { performance } from "perf_hooks";
import { OfflineResource, runPoliciesOffline } from "../policy/offline";
import { allPolicies } from "../policy/policies";

const urnOf = (type: string, name: string) => `urn:pulumi:bench::landing-zone::${type}::${name}`;

/** One "unit" of a plausible landing zone: 25 resources, cross-referenced like the real program. */
function unit(i: number): OfflineResource[] {
    const out: OfflineResource[] = [];
    const add = (type: string, name: string, inputs: Record<string, unknown>, propertyDependencies: Record<string, string[]> = {}) => {
        const r: OfflineResource = { type, name: `${name}-${i}`, urn: urnOf(type, `${name}-${i}`), parent: null, inputs, propertyDependencies, dependencies: Object.values(propertyDependencies).flat() };
        out.push(r);
        return r;
    };
    const vpc = add("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16", assignGeneratedIpv6CidrBlock: true, tags: { Name: "vpc" } });
    for (let s = 0; s < 4; s++) {
        add("aws:ec2/subnet:Subnet", `subnet${s}`, { vpcId: "vpc-1", cidrBlock: `10.0.${s}.0/24`, ipv6CidrBlock: `2001:db8:${i.toString(16)}:${s}::/64`, assignIpv6AddressOnCreation: true }, { vpcId: [vpc.urn] });
    }
    add("aws:ec2/securityGroup:SecurityGroup", "sg", { vpcId: "vpc-1", ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }] }, { vpcId: [vpc.urn] });
    add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "http4", { securityGroupId: `sg-${i}`, ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrIpv4: "0.0.0.0/0" });
    add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "http6", { securityGroupId: `sg-${i}`, ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrIpv6: "::/0" });
    const lt = add("aws:ec2/launchTemplate:LaunchTemplate", "lt", {
        name: `lt-${i}`, instanceType: "t4g.micro", instanceMarketOptions: { marketType: "spot" },
        metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 8 } }],
        networkInterfaces: [{ deviceIndex: 0, ipv6AddressCount: 1 }],
    });
    add("aws:autoscaling/group:Group", "asg", { minSize: 1, maxSize: 1, vpcZoneIdentifiers: ["a", "b", "c"], launchTemplate: { id: `lt-${i}`, version: "$Latest" } }, { launchTemplate: [lt.urn] });
    const eip = add("aws:ec2/eip:Eip", "eip", { domain: "vpc" });
    add("aws:lambda/function:Function", "failover", { environment: { variables: { TIER_NAME: `tier-${i}`, DATA_VOLUME_SIZE_GIB: "20", ELASTIC_IP_ALLOCATION_ID: `eipalloc-${i}` } } }, { environment: [eip.urn] });
    add("aws:iam/rolePolicy:RolePolicy", "failover-policy", { role: "r", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["ec2:AttachVolume", "ec2:DeleteVolume"], Resource: "arn:aws:ec2:*:123456789012:volume/*" }, { Effect: "Allow", Action: "ec2:Describe*", Resource: "*" }] }) });
    add("aws:dlm/lifecyclePolicy:LifecyclePolicy", "dlm", { state: "ENABLED", policyDetails: { resourceTypes: ["VOLUME"], targetTags: { "landing-zone:backup": `tier-${i}` }, schedules: [{ name: "h", createRule: { interval: 1 }, retainRule: { count: 24 } }] } });
    add("aws:ebs/volume:Volume", "vol", { availabilityZone: "us-east-1a", size: 20, encrypted: true });
    const vnet = add("azure-native:network:VirtualNetwork", "vnet", { resourceGroupName: "rg", addressSpace: { addressPrefixes: ["10.20.0.0/16", "fd00::/48"] } });
    add("azure-native:network:Subnet", "web", { resourceGroupName: "rg", virtualNetworkName: `vnet-${i}`, addressPrefixes: ["10.20.0.0/24", "fd00::/64"] }, { virtualNetworkName: [vnet.urn] });
    add("azure-native:network:NetworkSecurityGroup", "nsg", { resourceGroupName: "rg", securityRules: [
        { name: "a4", direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "0.0.0.0/0", destinationPortRange: "443", priority: 100 },
        { name: "a6", direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "::/0", destinationPortRange: "443", priority: 101 },
    ] });
    const spoke = add("azure-native:network:VirtualNetwork", "spoke", { resourceGroupName: "rg", addressSpace: { addressPrefixes: ["10.21.0.0/16"] }, tags: { "landing-zone:ipv4-only-reason": "platform limit: Virtual WAN" } });
    add("azure-native:network:Subnet", "private", { resourceGroupName: "rg", virtualNetworkName: `spoke-${i}`, addressPrefixes: ["10.21.0.0/24"] }, { virtualNetworkName: [spoke.urn] });
    add("azure-native:network:HubVirtualNetworkConnection", "conn", { resourceGroupName: "rg", virtualHubName: "hub", remoteVirtualNetwork: { id: `/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/spoke-${i}` } }, { remoteVirtualNetwork: [spoke.urn] });
    add("azure-native:network:VpnGateway", "vpngw", { resourceGroupName: "rg", vpnGatewayScaleUnit: 1 });
    add("azure-native:network:VpnConnection", "site", { resourceGroupName: "rg", gatewayName: "gw", vpnLinkConnections: [{ vpnConnectionProtocolType: "IKEv2", sharedKey: "[secret]", ipsecPolicies: [{ ikeEncryption: "AES256", ikeIntegrity: "SHA256", ipsecEncryption: "GCMAES256", ipsecIntegrity: "GCMAES256", dhGroup: "DHGroup14", pfsGroup: "PFS2048", saLifeTimeSeconds: 3600, saDataSizeKilobytes: 102400000 }] }] });
    return out;
}

function synthetic(size: number): OfflineResource[] {
    const out: OfflineResource[] = [
        { type: "pulumi:providers:aws", name: "aws", urn: urnOf("pulumi:providers:aws", "aws"), parent: null, inputs: { region: "us-east-1" } },
        { type: "pulumi:providers:azure-native", name: "azure", urn: urnOf("pulumi:providers:azure-native", "azure"), parent: null, inputs: { location: "eastus" } },
    ];
    // Whole units only, so every cross-reference resolves (the stack is clean: 0 violations).
    for (let i = 0; out.length < size; i++) out.push(...unit(i));
    return out;
}

const config = { "cost-monthly-cap": { monthlyCapUsd: 1e9 } };
const secretLength = () => 32;

async function timeRun(resources: OfflineResource[], runs: number, policies = allPolicies): Promise<{ ms: number; violations: number }> {
    let violations = 0;
    await runPoliciesOffline(resources, { policies, config, secretLength }); // warm-up
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        const result = await runPoliciesOffline(resources, { policies, config, secretLength });
        times.push(performance.now() - t0);
        violations = result.violations.length;
    }
    times.sort((a, b) => a - b);
    return { ms: times[Math.floor(times.length / 2)], violations };
}

export async function benchPolicies(runs = 5): Promise<string> {
    const lines: string[] = [`## policy pack, offline engine (${allPolicies.length} policies; cost estimator: components/cost; median of ${runs})`, ""];
    lines.push("| resources | ms | µs per resource | violations |", "|---:|---:|---:|---:|");
    const sizes = [625, 1250, 2500, 5000];
    const results: Array<{ size: number; ms: number }> = [];
    for (const target of sizes) {
        const resources = synthetic(target);
        const size = resources.length;
        const { ms, violations } = await timeRun(resources, runs);
        results.push({ size, ms });
        lines.push(`| ${size} | ${ms.toFixed(1)} | ${((ms * 1000) / size).toFixed(1)} | ${violations} |`);
    }
    const first = results[0];
    const last = results[results.length - 1];
    const growth = last.ms / first.ms / (last.size / first.size);
    lines.push("", `${last.size} resources: ${last.ms.toFixed(0)} ms (target < 2,000 ms: ${last.ms < 2000 ? "met" : "NOT met"}); time grows ${growth.toFixed(2)}× the resource count from ${first.size} to ${last.size} (1.00 = linear).`, "");
    lines.push("| policy (5,000 resources) | ms |", "|---|---:|");
    const big = synthetic(5000);
    const per = [];
    for (const p of allPolicies) per.push({ name: p.name, ms: (await timeRun(big, Math.max(1, Math.floor(runs / 2)), [p])).ms });
    for (const p of per.sort((a, b) => b.ms - a.ms)) lines.push(`| ${p.name} | ${p.ms.toFixed(1)} |`);
    return lines.join("\n");
}

if (require.main === module) {
    const args = process.argv.slice(2);
    const runs = Number(args[args.indexOf("--runs") + 1]) || 5;
    benchPolicies(runs).then((text) => console.log(text), (e) => {
        console.error(e);
        process.exit(1);
    });
}
