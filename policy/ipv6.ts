/**
 * IPv6 enablement: every network, subnet and instance interface is
 * dual-stack, and the internet sees the same open ports on both families.
 *
 * Known platform exceptions:
 * - Virtual WAN hubs and their gateways are IPv4-only: exempt by type, the
 *   reason given as the policy's "not applicable" reason.
 * - A VNet attached to a Virtual WAN hub must be IPv4-only (Virtual WAN
 *   cannot connect a VNet that has IPv6 space). It is exempt only when it
 *   carries the `landing-zone:ipv4-only-reason` tag AND a stack policy finds
 *   a HubVirtualNetworkConnection that really attaches it; the tag alone is
 *   not a pass.
 */
import * as ec2 from "@pulumi/aws/ec2";
import * as network from "@pulumi/azure-native/network";
import { PolicyResource, ReportViolation, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { asArray, azureNameMatches, checkKnown, IPV4_ONLY_TAG, isIpv6Cidr, isTrue, label, peek, prefixLength, PropsOf, reportCannotCheck, resolveReference, tagsOf, UNKNOWN } from "./lib";
import { PLATFORM_LIMITS } from "./platform";
import { firewallKey, InboundRule, internetInboundRules, portText, RULE_TYPES, uncovered } from "./rules";

export const AZURE_VNET = "azure-native:network:VirtualNetwork";
export const AZURE_SUBNET = "azure-native:network:Subnet";
export const AZURE_HUB_CONNECTION = "azure-native:network:HubVirtualNetworkConnection";

// ---------------------------------------------------------------------------

export const vpcIpv6: ResourceValidationPolicy = {
    name: "ipv6-vpc-block",
    description: "Every VPC has an IPv6 block (Amazon-provided /56 or from an IPAM pool).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(ec2.Vpc, (vpc, _args, report) => {
        if (!isTrue(vpc.assignGeneratedIpv6CidrBlock) && !vpc.ipv6IpamPoolId) {
            report("The VPC has no IPv6 block. Set assignGeneratedIpv6CidrBlock: true (or ipv6IpamPoolId with ipv6NetmaskLength 56).");
        }
    }),
};

export const subnetIpv6: ResourceValidationPolicy = {
    name: "ipv6-subnet-64",
    description: "Every subnet has an IPv6 /64 and assigns IPv6 addresses on creation.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(ec2.Subnet, (subnet, _args, report) => {
        const fromPool = subnet.ipv6IpamPoolId !== undefined && subnet.ipv6NetmaskLength === 64;
        if (!subnet.ipv6CidrBlock && !fromPool) {
            report("The subnet has no IPv6 block. Give it a /64 from the VPC's /56 (ipv6CidrBlock, e.g. cidrsubnet of the VPC block by index).");
        } else if (subnet.ipv6CidrBlock && prefixLength(subnet.ipv6CidrBlock) !== 64) {
            report(`ipv6CidrBlock ${subnet.ipv6CidrBlock} is not a /64; AWS subnets take exactly a /64.`);
        }
        if (!isTrue(subnet.assignIpv6AddressOnCreation)) {
            report("assignIpv6AddressOnCreation is not true, so instances launch without an IPv6 address. Set assignIpv6AddressOnCreation: true.");
        }
    }),
};

export const instanceIpv6: ResourceValidationPolicy = {
    name: "ipv6-instance-address",
    description: "Launch templates (and instances) give every instance an IPv6 address.",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfType(ec2.LaunchTemplate, (lt, _args, report) => {
            const nics = asArray(lt.networkInterfaces);
            const ok = nics.some((n) => (n.ipv6AddressCount ?? 0) >= 1 || asArray(n.ipv6Addresses).length > 0);
            if (!ok) {
                report(`${nics.length === 0 ? "The launch template declares no network interface" : "No network interface asks for IPv6"}, so instances rely on the subnet. Add networkInterfaces: [{ deviceIndex: 0, ipv6AddressCount: 1, primaryIpv6: "true", securityGroups: [...] }].`);
            }
        }),
        validateResourceOfType(ec2.Instance, (instance, _args, report) => {
            if ((instance.ipv6AddressCount ?? 0) < 1 && asArray(instance.ipv6Addresses).length === 0) {
                report("The instance has no IPv6 address. Set ipv6AddressCount: 1.");
            }
        }),
    ],
};

// ---------------------------------------------------------------------------

type VnetProps = PropsOf<network.VirtualNetworkArgs>;
type SubnetProps = PropsOf<network.SubnetArgs>;

function subnetPrefixes(s: { addressPrefix?: string; addressPrefixes?: string[] }): string[] {
    return [...(s.addressPrefix ? [s.addressPrefix] : []), ...asArray(s.addressPrefixes)];
}

function checkAzureSubnetPrefixes(prefixes: string[], where: string, report: (m: string) => void): boolean {
    const v6 = prefixes.filter(isIpv6Cidr);
    if (v6.length === 0) return false;
    for (const p of v6) if (prefixLength(p) !== 64) report(`${where} has IPv6 prefix ${p}; Azure subnets take exactly a /64.`);
    return true;
}

/** True when the VNet has no IPv6 range. Reading may throw the SDK's unknown-value error. */
function vnetIsIpv4Only(props: Record<string, unknown>): boolean {
    return !asArray((props as VnetProps).addressSpace?.addressPrefixes).some(isIpv6Cidr);
}

export const vnetIpv6: ResourceValidationPolicy = {
    name: "ipv6-vnet-prefix",
    description: "Every Azure VNet (and its inline subnets) has an IPv6 range; Virtual WAN hubs and gateways are exempt by type (IPv4-only platform), and a tagged hub-attached VNet is left to ipv6-exemption-verified.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        const exemptReason = PLATFORM_LIMITS[args.type]?.exemptReason;
        if (exemptReason) args.notApplicable(exemptReason);
        if (args.type !== AZURE_VNET) return;
        const vnet = args.props as VnetProps;
        const tagged = Boolean(tagsOf(args.props)[IPV4_ONLY_TAG]);
        if (vnetIsIpv4Only(args.props)) {
            // Tagged: the stack policy ipv6-exemption-verified decides (a tag alone is not a pass).
            if (!tagged) report(`addressSpace.addressPrefixes has no IPv6 range. Add a ULA /48 (landing-zone:azure.vnet.ipv6Cidr, e.g. fdxx:xxxx:xxxx::/48); if the VNet must attach to the Virtual WAN hub, tag it ${IPV4_ONLY_TAG} with the reason instead.`);
            else return;
        }
        asArray(vnet.subnets).forEach((s, i) => {
            const where = `subnets[${s.name ?? i}]`;
            if (!checkAzureSubnetPrefixes(subnetPrefixes(s), where, report)) report(`${where} has no IPv6 /64. Add one from the VNet's IPv6 range to addressPrefixes.`);
        });
    },
};

/** The VNet a subnet belongs to, by property dependency or by name. */
function vnetOfSubnet(subnet: PolicyResource, vnets: readonly PolicyResource[]): PolicyResource | undefined {
    const deps = subnet.propertyDependencies?.virtualNetworkName ?? [];
    const byDep = vnets.filter((v) => deps.some((d) => d.urn === v.urn));
    if (byDep.length === 1) return byDep[0];
    const name = (subnet.props as SubnetProps).virtualNetworkName;
    return typeof name === "string" ? vnets.find((v) => azureNameMatches(v, name)) : undefined;
}

export const vnetSubnetIpv6: StackValidationPolicy = {
    name: "ipv6-vnet-subnet-prefix",
    description: "Every Azure subnet has an IPv6 /64, unless its VNet is the tagged, hub-attached IPv4-only exception.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const subnets = args.resources.filter((r) => r.type === AZURE_SUBNET);
        if (subnets.length === 0) args.notApplicable("no Azure subnets");
        const vnets = args.resources.filter((r) => r.type === AZURE_VNET);
        for (const s of subnets) {
            checkKnown(report, `subnet "${s.name}"`, () => {
                const props = s.props as SubnetProps;
                if (checkAzureSubnetPrefixes(subnetPrefixes(props), `Subnet "${s.name}"`, (m) => report(m, s.urn))) return;
                const vnet = vnetOfSubnet(s, vnets);
                if (vnet && vnetIsIpv4Only(vnet.props) && tagsOf(vnet.props)[IPV4_ONLY_TAG]) return; // verified by ipv6-exemption-verified
                report(`Subnet "${s.name}" has no IPv6 /64${vnet ? ` and its VNet "${vnet.name}" is not an exempt IPv4-only VNet` : ` and its VNet (${String(props.virtualNetworkName)}) is not in this stack`}. Add an IPv6 /64 from the VNet's range to addressPrefixes.`, s.urn);
            }, s.urn);
        }
    },
};

export const ipv4OnlyExemptionVerified: StackValidationPolicy = {
    name: "ipv6-exemption-verified",
    description: `An IPv4-only VNet tagged ${IPV4_ONLY_TAG} is exempt only if a Virtual WAN hub connection really attaches it (a tag alone is not a pass); a hub connection never attaches a dual-stack VNet.`,
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const vnets = args.resources.filter((r) => r.type === AZURE_VNET);
        const connections = args.resources.filter((r) => r.type === AZURE_HUB_CONNECTION);
        const tagged = vnets.filter((v) => peek(() => Boolean(tagsOf(v.props)[IPV4_ONLY_TAG])) === true);
        if (tagged.length === 0 && connections.length === 0) args.notApplicable("no tagged IPv4-only VNets and no hub connections");
        const attached = new Map<string, string>();
        const unresolved: string[] = [];
        for (const c of connections) {
            const ref = peek(() => (c.props as PropsOf<network.HubVirtualNetworkConnectionArgs>).remoteVirtualNetwork?.id);
            if (ref === UNKNOWN) {
                unresolved.push(`hub connection "${c.name}" (remoteVirtualNetwork.id is computed during the deployment)`);
                continue;
            }
            const vnet = resolveReference(ref, vnets, c, "remoteVirtualNetwork");
            if (!vnet) {
                unresolved.push(`hub connection "${c.name}" (${String(ref)})`);
                continue;
            }
            attached.set(vnet.urn, c.name);
            checkKnown(report, `VNet "${vnet.name}"`, () => {
                if (!vnetIsIpv4Only(vnet.props)) {
                    report(`Hub connection "${c.name}" attaches VNet "${vnet.name}", which has IPv6 space; Virtual WAN cannot connect a dual-stack VNet. Attach an IPv4-only VNet tagged ${IPV4_ONLY_TAG} instead and keep dual-stack workloads in an unattached VNet.`, c.urn);
                }
            }, c.urn);
        }
        for (const v of tagged) {
            checkKnown(report, `VNet "${v.name}"`, () => {
                if (!vnetIsIpv4Only(v.props)) return; // it has IPv6 after all: nothing to exempt
                const reason = tagsOf(v.props)[IPV4_ONLY_TAG];
                if (attached.has(v.urn)) return;
                if (unresolved.length > 0) {
                    reportCannotCheck(report, `VNet "${v.name}" is tagged IPv4-only ("${reason}") and ${unresolved.join(", ")} may attach it`, v.urn);
                } else {
                    report(`VNet "${v.name}" is IPv4-only with tag ${IPV4_ONLY_TAG} ("${reason}"), but no Virtual WAN hub connection attaches it, so the platform limit does not apply: the tag alone is not a pass. Give it an IPv6 range (and its subnets /64s), or attach it with a HubVirtualNetworkConnection.`, v.urn);
                }
            }, v.urn);
        }
    },
};

// ---------------------------------------------------------------------------

/** NSGs that only guard subnets of a tagged IPv4-only VNet (nothing to reach over IPv6 there). */
function ipv4OnlyNsgs(resources: readonly PolicyResource[]): Set<string> {
    const vnets = resources.filter((r) => r.type === AZURE_VNET);
    const nsgs = resources.filter((r) => r.type === "azure-native:network:NetworkSecurityGroup");
    const onlyV4 = new Map<string, boolean>();
    for (const s of resources.filter((r) => r.type === AZURE_SUBNET)) {
        const nsgRef = peek(() => (s.props as SubnetProps).networkSecurityGroup?.id);
        if (nsgRef === UNKNOWN || nsgRef === undefined) continue;
        const nsg = resolveReference(nsgRef, nsgs, s, "networkSecurityGroup");
        if (!nsg) continue;
        const vnet = vnetOfSubnet(s, vnets);
        const exempt = vnet !== undefined && peek(() => vnetIsIpv4Only(vnet.props) && Boolean(tagsOf(vnet.props)[IPV4_ONLY_TAG])) === true;
        onlyV4.set(nsg.urn, (onlyV4.get(nsg.urn) ?? true) && exempt);
    }
    return new Set([...onlyV4].filter(([, v]) => v).map(([k]) => k));
}

export const ingressParity: StackValidationPolicy = {
    name: "ipv6-ingress-parity",
    description: "A security group or NSG that opens a port to the IPv4 internet (0.0.0.0/0) opens the same port to the IPv6 internet (::/0), and vice versa.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const groups = new Map<string, Array<InboundRule & { urn: string; resource: string }>>();
        const exemptNsgs = ipv4OnlyNsgs(args.resources);
        for (const r of args.resources) {
            if (!(RULE_TYPES as readonly string[]).includes(r.type) || exemptNsgs.has(r.urn)) continue;
            checkKnown(report, label(r), () => {
                const key = firewallKey(r.type, r.urn, r.props);
                if (key === undefined) {
                    reportCannotCheck(report, `${label(r)}: the security group it belongs to is computed during the deployment`, r.urn);
                    return;
                }
                const rules = internetInboundRules(r.type, r.props).map((rule) => ({ ...rule, urn: r.urn, resource: r.name }));
                groups.set(key, [...(groups.get(key) ?? []), ...rules]);
            }, r.urn);
        }
        for (const rules of groups.values()) {
            const v4 = rules.filter((r) => r.ipv4Internet);
            const v6 = rules.filter((r) => r.ipv6Internet);
            const check = (rule: (typeof rules)[number], others: typeof rules, has: string, lacks: string, hint: string, report: ReportViolation) => {
                for (const gap of uncovered(rule, others)) {
                    const what = portText({ protocol: rule.protocol, ...gap });
                    report(`"${rule.resource}" ${rule.where} opens ${what} to ${has} but not to ${lacks}. Add the same rule for ${lacks} (${hint}), or close it on both.`, rule.urn);
                }
            };
            for (const rule of v4) check(rule, v6, "the IPv4 internet (0.0.0.0/0)", "::/0", "ipv6CidrBlocks / cidrIpv6 / sourceAddressPrefix \"::/0\"", report);
            for (const rule of v6) check(rule, v4, "the IPv6 internet (::/0)", "0.0.0.0/0", "cidrBlocks / cidrIpv4 / sourceAddressPrefix \"0.0.0.0/0\"", report);
        }
    },
};

export const ipv6Policies = [vpcIpv6, subnetIpv6, instanceIpv6, vnetIpv6, vnetSubnetIpv6, ipv4OnlyExemptionVerified, ingressParity];
