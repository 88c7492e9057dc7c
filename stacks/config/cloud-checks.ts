/**
 * What the clouds would refuse, checked on the parsed config before anything
 * is declared, one line per problem naming the config key: names the
 * catalogues do not know (region, zone, Azure location, instance type, each
 * with "did you mean"), and limits the providers enforce that the schema
 * alone does not (VPC size, Azure names, reserved ASNs, BGP addresses, NSG
 * port ranges). The limits come from components/preflight/limits.ts, which
 * the plan's provider preflight uses too. Pure.
 */
import { contains, parseIpv4Cidr } from "../../components/addressing/cidr";
import { awsRegion, awsRegionCodes } from "../../components/catalogue/aws-regions";
import { azureLocationNames, isAzureLocation } from "../../components/catalogue/azure-locations";
import { catalogueArchitecture, instanceTypeCandidates } from "../../components/catalogue/ec2-instance-types";
import { didYouMean } from "../../components/catalogue/suggest";
import { AWS_VPC_IPV4_PREFIX, AZURE_AUTONAME_SUFFIX_LENGTH, TAG_VALUE_MAX, AZURE_NAME_RULES, azureNameProblem, portRangeProblem, reservedAsnReason } from "../../components/preflight/limits";
import type { RawLandingZoneConfig } from "./schema";

const key = (k: string) => `landing-zone:${k}`;
const REFRESH = "if the cloud added it since, run npm run prices:refresh";

export function cloudProblems(value: RawLandingZoneConfig): string[] {
    return [...catalogueProblems(value), ...limitProblems(value)];
}

/** Region, zones, Azure location and instance types against the catalogues. */
export function catalogueProblems(value: RawLandingZoneConfig): string[] {
    const problems: string[] = [];
    const region = awsRegion(value.aws.region);
    if (!region) {
        problems.push(`${key("aws.region")}: ${value.aws.region} is not an AWS region${didYouMean(value.aws.region, awsRegionCodes())} (${REFRESH})`);
    } else if (region.zones) {
        value.aws.availabilityZones.forEach((az, i) => {
            // Zones of another region are reported by resolve.ts ("is not in region").
            if (az.slice(0, -1) === region.code && !region.zones!.includes(az)) {
                problems.push(`${key(`aws.availabilityZones[${i}]`)}: ${az} is not an availability zone of ${region.code}, which has ${region.zones!.join(", ")}`);
            }
        });
    }
    if (!isAzureLocation(value.azure.location)) {
        problems.push(`${key("azure.location")}: ${value.azure.location} is not an Azure location${didYouMean(value.azure.location, azureLocationNames())} (${REFRESH})`);
    }
    (value.server?.instanceTypes ?? []).forEach((type, i) => {
        if (catalogueArchitecture(type) === undefined) {
            problems.push(`${key(`server.instanceTypes[${i}]`)}: ${type} is not an EC2 instance type${didYouMean(type, instanceTypeCandidates(type))} (${REFRESH})`);
        }
    });
    return problems;
}

/** Limits the providers enforce. */
export function limitProblems(value: RawLandingZoneConfig): string[] {
    const problems: string[] = [];
    const vpc = parseIpv4Cidr(value.aws.vpcCidr);
    if (vpc.ok && (vpc.value.prefixLength < AWS_VPC_IPV4_PREFIX.min || vpc.value.prefixLength > AWS_VPC_IPV4_PREFIX.max)) {
        problems.push(`${key("aws.vpcCidr")}: /${vpc.value.prefixLength} is outside the VPC sizes AWS allows (/${AWS_VPC_IPV4_PREFIX.min} to /${AWS_VPC_IPV4_PREFIX.max}); use a /16 or smaller`);
    }
    // owner and costCentre become tag values on both clouds: AWS and Azure take at most 256 characters.
    for (const [k, v] of [["owner", value.owner], ["costCentre", value.costCentre]] as const) {
        if (v.length > TAG_VALUE_MAX) problems.push(`${key(k)}: is ${v.length} characters; it becomes a tag value, which AWS and Azure limit to ${TAG_VALUE_MAX}`);
    }
    if (value.azure.resourceGroupName !== undefined) {
        const why = azureNameProblem(value.azure.resourceGroupName, AZURE_NAME_RULES["azure-native:resources:ResourceGroup"]);
        if (why) problems.push(`${key("azure.resourceGroupName")}: "${value.azure.resourceGroupName}" ${why}`);
    }
    problems.push(...generatedNameProblems(value));
    const inboundRules = (vnetKey: string, subnets: RawLandingZoneConfig["azure"]["vnet"]["subnets"]) =>
        subnets.forEach((subnet, i) => subnet.allowInbound.forEach((rule, j) => {
            const why = portRangeProblem(rule.ports, 1);
            if (why) problems.push(`${key(`${vnetKey}.subnets[${i}].allowInbound[${j}].ports`)}: ${why}`);
        }));
    inboundRules("azure.vnet", value.azure.vnet.subnets);
    if (value.azure.spoke) inboundRules("azure.spoke", value.azure.spoke.subnets);

    const azureRanges = [
        ["wan.hubPrefix", value.wan?.hubPrefix],
        ["azure.vnet.ipv4Cidr", value.azure.vnet.ipv4Cidr],
        ["azure.spoke.ipv4Cidr", value.azure.spoke?.ipv4Cidr],
    ].flatMap(([k, cidr]) => {
        const parsed = cidr ? parseIpv4Cidr(cidr) : undefined;
        return parsed?.ok ? [{ key: k!, network: parsed.value }] : [];
    });
    value.sites.forEach((site, i) => {
        if (!site.bgp) return;
        const reason = reservedAsnReason(site.bgp.asn);
        if (reason) problems.push(`${key(`sites[${i}].bgp.asn`)}: ${site.bgp.asn} ${reason}; give site "${site.name}" a private ASN such as 65010 (64512–65514, 65521–65534 or 4200000000–4294967294)`);
        const address = site.bgp.peeringAddress;
        if (site.publicIp && address === site.publicIp) {
            problems.push(`${key(`sites[${i}].bgp.peeringAddress`)}: ${address} is the site's public IP; the BGP address is the router's address inside the tunnel (a LAN or loopback address), not its internet address`);
        }
        const host = parseIpv4Cidr(`${address}/32`);
        const inside = host.ok ? azureRanges.find((r) => contains(r.network, host.value)) : undefined;
        if (inside) {
            problems.push(`${key(`sites[${i}].bgp.peeringAddress`)}: ${address} is inside ${inside.network.cidr} (${inside.key}), an Azure range; Azure would route it into Azure, not to site "${site.name}"`);
        }
    });
    return problems;
}

/**
 * Azure names the components generate from config names, against the
 * service's length limits. The patterns are those of components/azure
 * (WanHub: `<environment>-wan-site-<site>`, `<environment>-wan-conn-<site>`;
 * DualStackVnet: `<environment>-workloads-<subnet>-nsg`,
 * `<environment>-spoke-<subnet>-nsg`), each auto-named by Azure Native with 8
 * more characters; test/config/cloud-checks.spec.ts checks them against a plan.
 */
export function generatedNameProblems(value: RawLandingZoneConfig): string[] {
    const problems: string[] = [];
    const env = value.environment;
    const check = (at: string, type: string, logical: string, what: string) => {
        const rule = AZURE_NAME_RULES[type];
        const length = logical.length + AZURE_AUTONAME_SUFFIX_LENGTH;
        if (length > rule.max) {
            problems.push(`${key(at)}: the ${what}'s Azure name ("${logical}" + ${AZURE_AUTONAME_SUFFIX_LENGTH} generated characters) would be ${length} characters; ${rule.armType} allows ${rule.max}: shorten this name or landing-zone:environment by ${length - rule.max}`);
        }
    };
    if (value.wan) {
        // `-wan-site-` and `-wan-conn-` are as long and both limits are 80: the site's check is its connection's too, one line for the key.
        value.sites.forEach((site, i) => check(`sites[${i}].name`, "azure-native:network:VpnSite", `${env}-wan-site-${site.name}`, "VPN site (and its connection)"));
    }
    value.azure.vnet.subnets.forEach((subnet, i) => check(`azure.vnet.subnets[${i}].name`, "azure-native:network:NetworkSecurityGroup", `${env}-workloads-${subnet.name}-nsg`, "network security group"));
    value.azure.spoke?.subnets.forEach((subnet, i) => check(`azure.spoke.subnets[${i}].name`, "azure-native:network:NetworkSecurityGroup", `${env}-spoke-${subnet.name}-nsg`, "network security group"));
    return problems;
}
