/**
 * The address planner: one pure function from the addressing part of the
 * config to every IPv4 and IPv6 range the landing zone uses, plus the
 * validation that makes the plan safe to apply.
 *
 * Layout rules (chosen so that adding things at the end never renumbers
 * what exists, because renumbering a subnet replaces it and everything in it):
 * - AWS: subnet "slot" = tierIndex × azSlots + azIndex. Slot n takes the n-th
 *   IPv4 block of `subnetPrefixLength` in the VPC and the n-th /64 of the
 *   VPC's Amazon-provided /56. `azSlots` reserves room for AZs added later.
 * - Azure: subnet i takes the i-th IPv4 block of its VNet and the i-th /64 of
 *   the VNet's ULA /48.
 */
import {
    findIpv4Overlaps,
    ipv4,
    ipv4SubnetCount,
    ipv6,
    isRfc1918,
    isUla,
    NamedIpv4Range,
    nthIpv4Subnet,
    nthIpv6Subnet,
    parseIpv4Cidr,
    parseIpv6Cidr,
} from "./cidr";

/** AWS subnet tiers, in slot order. Appending a tier here keeps every existing subnet's ranges. */
export const AWS_TIERS = ["public", "private", "data"] as const;
export type AwsTier = (typeof AWS_TIERS)[number];

/** Amazon hands every VPC one /56 of IPv6; subnets are /64s, so there are 256 slots. */
export const AMAZON_IPV6_VPC_PREFIX = 56;
export const IPV6_SUBNET_PREFIX = 64;

/** What the planner needs from the config. Key names mirror the config so problems can name them. */
export interface AddressingInput {
    aws: {
        vpcCidr: string;
        availabilityZones: readonly string[];
        subnetPrefixLength: number;
        azSlots: number;
    };
    azure: {
        vnet: AzureVnetInput & { ipv6Cidr: string };
        /** The IPv4-only spoke attached to the Virtual WAN hub (platform limit), if any. */
        spoke?: AzureVnetInput;
    };
    wan?: { hubPrefix: string };
    sites: ReadonlyArray<{ name: string; addressSpaces: readonly string[] }>;
}

export interface AzureVnetInput {
    ipv4Cidr: string;
    subnetPrefixLength: number;
    subnets: ReadonlyArray<{ name: string }>;
}

export interface AwsSubnetPlan {
    tier: AwsTier;
    availabilityZone: string;
    azIndex: number;
    /** Slot number: the IPv4 block index and the /64 index inside the VPC's /56. */
    slot: number;
    ipv4Cidr: string;
    /** Index of this subnet's /64 inside the Amazon-provided /56, known before Amazon picks the /56. */
    ipv6NetworkIndex: number;
}

export interface AzureSubnetPlan {
    name: string;
    index: number;
    ipv4Cidr: string;
    /** The subnet's /64; absent on an IPv4-only VNet. */
    ipv6Cidr?: string;
}

export interface AzureVnetPlan {
    ipv4Cidr: string;
    ipv6Cidr?: string;
    subnets: AzureSubnetPlan[];
}

export interface AddressPlan {
    aws: {
        vpcIpv4Cidr: string;
        /** Amazon assigns the /56 at deploy time; subnets carry their index into it. */
        vpcIpv6: "amazon-provided /56";
        azSlots: number;
        subnets: AwsSubnetPlan[];
    };
    azure: {
        vnet: AzureVnetPlan;
        spoke?: AzureVnetPlan;
    };
    hub?: { prefix: string };
    sites: Array<{ name: string; addressSpaces: string[] }>;
}

/** One problem with the input, named by its config key (relative to the `landing-zone:` namespace). */
export interface AddressingProblem {
    key: string;
    message: string;
}

export class AddressingError extends Error {
    constructor(readonly problems: AddressingProblem[]) {
        super(problems.map((p) => `${p.key}: ${p.message}`).join("\n"));
        this.name = "AddressingError";
    }
}

/** Every problem with the addressing input, all at once; empty when the plan is safe. */
export function validateAddressing(input: AddressingInput): AddressingProblem[] {
    const problems: AddressingProblem[] = [];
    const named: NamedIpv4Range[] = [];

    const privateNetwork = (key: string, text: string) => {
        const parsed = parseIpv4Cidr(text);
        if (!parsed.ok) {
            problems.push({ key, message: parsed.reason });
            return undefined;
        }
        if (!isRfc1918(parsed.value)) {
            problems.push({ key, message: `${text} is not a private range; use one inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918)` });
            return undefined;
        }
        named.push({ owner: key, network: parsed.value });
        return parsed.value;
    };

    // AWS VPC: capacity for every tier in every reserved AZ slot.
    const { aws } = input;
    const vpc = privateNetwork("aws.vpcCidr", aws.vpcCidr);
    if (aws.availabilityZones.length > aws.azSlots) {
        problems.push({
            key: "aws.azSlots",
            message: `${aws.azSlots} AZ slots cannot hold the ${aws.availabilityZones.length} availability zones listed; raise aws.azSlots (changing it renumbers every subnet, so choose it once)`,
        });
    }
    if (!Number.isInteger(aws.subnetPrefixLength) || aws.subnetPrefixLength < 16 || aws.subnetPrefixLength > 28) {
        problems.push({ key: "aws.subnetPrefixLength", message: `${aws.subnetPrefixLength} is outside what AWS allows for a subnet (16 to 28)` });
    } else if (vpc) {
        const needed = AWS_TIERS.length * aws.azSlots;
        const available = ipv4SubnetCount(vpc, aws.subnetPrefixLength);
        if (available < needed) {
            const smallestVpc = aws.subnetPrefixLength - Math.ceil(Math.log2(needed));
            problems.push({
                key: "aws.vpcCidr",
                message: `${aws.vpcCidr} holds ${available} /${aws.subnetPrefixLength} subnets but ${AWS_TIERS.length} tiers × ${aws.azSlots} AZ slots need ${needed}; use a /${smallestVpc} or larger, or a longer aws.subnetPrefixLength`,
            });
        }
    }
    if (AWS_TIERS.length * aws.azSlots > 2 ** (IPV6_SUBNET_PREFIX - AMAZON_IPV6_VPC_PREFIX)) {
        problems.push({ key: "aws.azSlots", message: `${aws.azSlots} AZ slots need more /64s than Amazon's /56 holds (256)` });
    }

    // Azure VNets.
    const vnetProblems = (key: string, vnet: AzureVnetInput) => {
        const network = privateNetwork(`${key}.ipv4Cidr`, vnet.ipv4Cidr);
        if (!Number.isInteger(vnet.subnetPrefixLength) || vnet.subnetPrefixLength > 29 || vnet.subnetPrefixLength < 8) {
            problems.push({ key: `${key}.subnetPrefixLength`, message: `${vnet.subnetPrefixLength} is outside what Azure allows for a subnet (8 to 29)` });
        } else if (network && ipv4SubnetCount(network, vnet.subnetPrefixLength) < vnet.subnets.length) {
            problems.push({
                key: `${key}.ipv4Cidr`,
                message: `${vnet.ipv4Cidr} holds ${ipv4SubnetCount(network, vnet.subnetPrefixLength)} /${vnet.subnetPrefixLength} subnets but ${vnet.subnets.length} are listed`,
            });
        }
        const seen = new Set<string>();
        vnet.subnets.forEach((subnet, i) => {
            if (seen.has(subnet.name)) problems.push({ key: `${key}.subnets[${i}].name`, message: `duplicate subnet name "${subnet.name}"` });
            seen.add(subnet.name);
        });
    };
    vnetProblems("azure.vnet", input.azure.vnet);
    const ula = parseIpv6Cidr(input.azure.vnet.ipv6Cidr);
    if (!ula.ok) {
        problems.push({ key: "azure.vnet.ipv6Cidr", message: ula.reason });
    } else if (!isUla(ula.value) || ula.value.prefixLength !== 48) {
        problems.push({
            key: "azure.vnet.ipv6Cidr",
            message: `${input.azure.vnet.ipv6Cidr} must be a unique local /48 inside fd00::/8 (pick 40 random bits: fdXX:XXXX:XXXX::/48, RFC 4193)`,
        });
    } else if (input.azure.vnet.subnets.length > 2 ** 16) {
        problems.push({ key: "azure.vnet.subnets", message: "a /48 holds at most 65,536 /64 subnets" });
    }
    if (input.azure.spoke) vnetProblems("azure.spoke", input.azure.spoke);

    // Virtual WAN hub: Microsoft requires /24 or larger (a /23 is recommended).
    if (input.wan) {
        const hub = privateNetwork("wan.hubPrefix", input.wan.hubPrefix);
        if (hub && hub.prefixLength > 24) {
            problems.push({ key: "wan.hubPrefix", message: `${input.wan.hubPrefix} is smaller than a /24, the least a Virtual WAN hub accepts (a /23 is recommended)` });
        }
    }

    // Branch sites: IPv4 only (IPv6 prefixes advertised into Virtual WAN break its IPv4 connectivity).
    const siteNames = new Set<string>();
    input.sites.forEach((site, i) => {
        if (siteNames.has(site.name)) problems.push({ key: `sites[${i}].name`, message: `duplicate site name "${site.name}"; site names must be unique` });
        siteNames.add(site.name);
        site.addressSpaces.forEach((space, j) => {
            const key = `sites[${i}].addressSpaces[${j}]`;
            if (parseIpv6Cidr(space).ok) {
                problems.push({
                    key,
                    message: `${space} is IPv6; branch sites advertise IPv4 ranges only, because IPv6 prefixes advertised into Virtual WAN break its IPv4 connectivity (keep branch IPv6 local)`,
                });
                return;
            }
            const parsed = parseIpv4Cidr(space);
            if (!parsed.ok) problems.push({ key, message: parsed.reason });
            else named.push({ owner: key, label: `${key} (site "${site.name}")`, network: parsed.value });
        });
    });

    for (const [a, b] of findIpv4Overlaps(named)) {
        problems.push({ key: b.owner, message: `${b.network.cidr} overlaps ${a.network.cidr} of ${a.label ?? a.owner}; every VPC, VNet, hub and site range must be distinct` });
    }
    return problems;
}

/** The whole address plan; throws AddressingError listing every problem when the input is unsafe. */
export function planAddresses(input: AddressingInput): AddressPlan {
    const problems = validateAddressing(input);
    if (problems.length > 0) throw new AddressingError(problems);

    const vpc = ipv4(input.aws.vpcCidr);
    const subnets: AwsSubnetPlan[] = [];
    AWS_TIERS.forEach((tier, tierIndex) => {
        input.aws.availabilityZones.forEach((availabilityZone, azIndex) => {
            const slot = tierIndex * input.aws.azSlots + azIndex;
            subnets.push({
                tier,
                availabilityZone,
                azIndex,
                slot,
                ipv4Cidr: nthIpv4Subnet(vpc, input.aws.subnetPrefixLength, slot)!.cidr,
                ipv6NetworkIndex: slot,
            });
        });
    });

    return {
        aws: { vpcIpv4Cidr: vpc.cidr, vpcIpv6: "amazon-provided /56", azSlots: input.aws.azSlots, subnets },
        azure: {
            vnet: planVnet(input.azure.vnet, input.azure.vnet.ipv6Cidr),
            ...(input.azure.spoke ? { spoke: planVnet(input.azure.spoke) } : {}),
        },
        ...(input.wan ? { hub: { prefix: ipv4(input.wan.hubPrefix).cidr } } : {}),
        sites: input.sites.map((site) => ({ name: site.name, addressSpaces: site.addressSpaces.map((s) => ipv4(s).cidr) })),
    };
}

function planVnet(vnet: AzureVnetInput, ipv6Cidr?: string): AzureVnetPlan {
    const v4 = ipv4(vnet.ipv4Cidr);
    const v6 = ipv6Cidr ? ipv6(ipv6Cidr) : undefined;
    return {
        ipv4Cidr: v4.cidr,
        ...(v6 ? { ipv6Cidr: v6.cidr } : {}),
        subnets: vnet.subnets.map((subnet, index) => ({
            name: subnet.name,
            index,
            ipv4Cidr: nthIpv4Subnet(v4, vnet.subnetPrefixLength, index)!.cidr,
            ...(v6 ? { ipv6Cidr: nthIpv6Subnet(v6, IPV6_SUBNET_PREFIX, index)!.cidr } : {}),
        })),
    };
}

/**
 * A subnet's /64 from its VPC's Amazon-provided block and its planned index.
 * Used at deploy time (inside an apply) once Amazon has chosen the /56.
 */
export function ipv6SubnetOf(vpcIpv6Cidr: string, index: number): string {
    const parent = ipv6(vpcIpv6Cidr);
    const subnet = nthIpv6Subnet(parent, IPV6_SUBNET_PREFIX, index);
    if (!subnet) throw new Error(`/64 number ${index} does not fit in ${vpcIpv6Cidr}`);
    return subnet.cidr;
}
