/**
 * Limits the clouds enforce, as data with their sources: shared by the
 * config validation (stacks/config/cloud-checks.ts, which names the config
 * key) and the provider preflight over planned resources (./rules), so the
 * two cannot disagree. Pure.
 */

/**
 * VPC IPv4 block size. EC2 CreateVpc: "The allowed block size is between a
 * /16 netmask (65,536 IP addresses) and /28 netmask (16 IP addresses)"; the
 * Terraform AWS provider's aws_vpc `cidr_block` validator is
 * verify.ValidIPv4CIDRNetworkAddress plus the same range at the API.
 */
export const AWS_VPC_IPV4_PREFIX = { min: 16, max: 28, source: "EC2 API CreateVpc CidrBlock: /16 to /28 (Amazon VPC User Guide, VPC CIDR blocks)" } as const;

/** Subnet block size (EC2 CreateSubnet: /16 to /28, inside the VPC). */
export const AWS_SUBNET_IPV4_PREFIX = { min: 16, max: 28, source: "EC2 API CreateSubnet CidrBlock: /16 to /28 (Amazon VPC User Guide, subnet sizing)" } as const;

/** Tag values: AWS (EC2 tag restrictions) and Azure (tag limitations) both take at most 256 characters. */
export const TAG_VALUE_MAX = 256;

// ── BGP ASNs ────────────────────────────────────────────────────────────────

/**
 * Why an ASN cannot be a branch router's ASN towards Azure, or undefined.
 * Microsoft Learn, VPN Gateway FAQ, "What ASNs can I use?" (also the
 * Virtual WAN FAQ): Azure reserves public 8074, 8075, 12076 and private
 * 65515, 65517–65520; IANA reserves 23456, 64496–64511, 65535–65551 and
 * "429496729" (the page's typo for 4294967295, the last ASN, RFC 7300).
 * From the IANA special-purpose AS numbers registry: 0 (RFC 7607) and
 * 65552–131071 (reserved). 32-bit ASNs are supported (same FAQ), so the
 * private range 4200000000–4294967294 (RFC 6996) is accepted.
 */
export function reservedAsnReason(asn: number): string | undefined {
    if (asn === 8074 || asn === 8075 || asn === 12076) return "is a public ASN Azure reserves (8074, 8075, 12076)";
    if (asn === 65515 || (asn >= 65517 && asn <= 65520)) return "is a private ASN Azure reserves (65515, 65517–65520)";
    if (asn === 0) return "is reserved by IANA (AS 0, RFC 7607)";
    if (asn === 23456) return "is AS_TRANS, reserved by IANA (23456, RFC 6793)";
    if (asn >= 64496 && asn <= 64511) return "is reserved by IANA for documentation (64496–64511, RFC 5398)";
    if (asn >= 65535 && asn <= 65551) return "is reserved by IANA (65535, and 65536–65551 for documentation)";
    if (asn >= 65552 && asn <= 131071) return "is reserved by IANA (65552–131071)";
    if (asn === 4294967295) return "is reserved by IANA (4294967295, RFC 7300)";
    if (!Number.isInteger(asn) || asn < 1 || asn > 4294967295) return "is not an ASN (1–4294967294)";
    return undefined;
}
export const ASN_SOURCE = "Microsoft Learn, VPN Gateway FAQ, BGP: 'What ASNs can I use?'; IANA special-purpose AS numbers registry";

// ── Azure resource names ────────────────────────────────────────────────────

export interface AzureNameRule {
    /** ARM resource type. */
    armType: string;
    /** The azure-native input that names the resource (absent: auto-named). */
    nameInput: string;
    min: number;
    max: number;
    pattern: RegExp;
    /** The allowed characters in words. */
    characters: string;
}

/**
 * Azure Native auto-names a resource whose name input is not set: the
 * logical name plus 8 random characters, with no separator (pulumi-azure-native
 * provider, autonaming: resource.NewUniqueName(seed, name, 8, …)).
 */
export const AZURE_AUTONAME_SUFFIX_LENGTH = 8;

// Microsoft Learn, "Naming rules and restrictions for Azure resources" (resource-name-rules), Microsoft.Network and Microsoft.Resources.
const NETWORK_NAME = /^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;
const NETWORK_CHARS = "alphanumerics, underscores, periods and hyphens; start with an alphanumeric, end with an alphanumeric or underscore";
export const AZURE_NAME_SOURCE = "Microsoft Learn, Naming rules and restrictions for Azure resources (azure-resource-manager/management/resource-name-rules)";

export const AZURE_NAME_RULES: Readonly<Record<string, AzureNameRule>> = {
    "azure-native:resources:ResourceGroup": {
        armType: "Microsoft.Resources/resourceGroups", nameInput: "resourceGroupName", min: 1, max: 90,
        // Underscores, hyphens, periods, parentheses, letters or digits (Unicode letters allowed); can't end with a period.
        pattern: /^[\p{L}\p{N}_().-]*[\p{L}\p{N}_()-]$/u,
        characters: "letters, digits, underscores, hyphens, periods and parentheses, not ending with a period",
    },
    "azure-native:network:VirtualNetwork": { armType: "Microsoft.Network/virtualNetworks", nameInput: "virtualNetworkName", min: 2, max: 64, pattern: NETWORK_NAME, characters: NETWORK_CHARS },
    "azure-native:network:Subnet": { armType: "Microsoft.Network/virtualNetworks/subnets", nameInput: "subnetName", min: 1, max: 80, pattern: NETWORK_NAME, characters: NETWORK_CHARS },
    "azure-native:network:NetworkSecurityGroup": { armType: "Microsoft.Network/networkSecurityGroups", nameInput: "networkSecurityGroupName", min: 1, max: 80, pattern: NETWORK_NAME, characters: NETWORK_CHARS },
    "azure-native:network:VirtualWan": { armType: "Microsoft.Network/virtualWans", nameInput: "virtualWANName", min: 1, max: 80, pattern: NETWORK_NAME, characters: NETWORK_CHARS },
    "azure-native:network:VirtualHub": { armType: "Microsoft.Network/virtualHubs", nameInput: "virtualHubName", min: 1, max: 80, pattern: NETWORK_NAME, characters: NETWORK_CHARS },
    "azure-native:network:VpnGateway": { armType: "Microsoft.Network/vpnGateways", nameInput: "gatewayName", min: 1, max: 80, pattern: NETWORK_NAME, characters: NETWORK_CHARS },
    "azure-native:network:VpnSite": { armType: "Microsoft.Network/vpnSites", nameInput: "vpnSiteName", min: 1, max: 80, pattern: NETWORK_NAME, characters: NETWORK_CHARS },
    "azure-native:network:VpnConnection": { armType: "Microsoft.Network/vpnGateways/vpnConnections", nameInput: "connectionName", min: 1, max: 80, pattern: NETWORK_NAME, characters: NETWORK_CHARS },
    "azure-native:network:HubVirtualNetworkConnection": { armType: "Microsoft.Network/virtualHubs/hubVirtualNetworkConnections", nameInput: "connectionName", min: 1, max: 80, pattern: NETWORK_NAME, characters: NETWORK_CHARS },
};

/** The name Azure will see: the name input when set, else the auto-name (logical name + 8 characters; only its length is known offline). */
export function azureName(logicalName: string, inputs: Readonly<Record<string, unknown>>, rule: AzureNameRule): { name: string; generated: boolean } {
    const given = inputs[rule.nameInput];
    if (typeof given === "string" && !given.startsWith("[")) return { name: given, generated: false };
    return { name: `${logicalName}${"x".repeat(AZURE_AUTONAME_SUFFIX_LENGTH)}`, generated: true };
}

/** Why Azure refuses a name of this type, or undefined. */
export function azureNameProblem(name: string, rule: AzureNameRule): string | undefined {
    if (name.length < rule.min || name.length > rule.max) return `is ${name.length} characters; ${rule.armType} names are ${rule.min}–${rule.max}`;
    if (!rule.pattern.test(name)) return `has characters ${rule.armType} names cannot have (${rule.characters})`;
    return undefined;
}

// ── EBS gp3 ─────────────────────────────────────────────────────────────────

/**
 * gp3 limits. Amazon EBS User Guide, General Purpose SSD volumes: 1 GiB–64 TiB;
 * a baseline of 3,000 IOPS and 125 MiB/s at every size; up to 80,000 IOPS at
 * 500 IOPS per GiB (so more than 3,000 needs more than 6 GiB); up to
 * 2,000 MiB/s at 0.25 MiB/s per provisioned IOPS. The Terraform AWS
 * provider's aws_ebs_volume and launch template validators carry the same
 * ranges (iops 3000–80000, throughput 125–2000 for gp3).
 */
export const GP3 = { minSizeGiB: 1, maxSizeGiB: 65536, baselineIops: 3000, maxIops: 80000, iopsPerGiB: 500, baselineThroughput: 125, maxThroughput: 2000, throughputPerIops: 0.25 } as const;
export const GP3_SOURCE = "Amazon EBS User Guide, General Purpose SSD (gp3) volumes; EC2 API CreateVolume Iops/Throughput";

/** The most IOPS a gp3 volume of this size takes: 3,000 at any size, else 500 per GiB, at most 80,000. */
export function gp3MaxIops(sizeGiB: number): number {
    return Math.min(GP3.maxIops, Math.max(GP3.baselineIops, sizeGiB * GP3.iopsPerGiB));
}

/** The most throughput (MiB/s) for these IOPS: 125 at baseline, else 0.25 per IOPS, at most 2,000. */
export function gp3MaxThroughput(iops: number): number {
    return Math.min(GP3.maxThroughput, Math.max(GP3.baselineThroughput, Math.floor(iops * GP3.throughputPerIops)));
}

// ── Ports ───────────────────────────────────────────────────────────────────

/** "443" / 443 / "8000-8100" / "*" → [from, to]; undefined when not a port or range at all. */
export function parsePortRange(ports: unknown): [number, number] | undefined {
    if (typeof ports === "number") return [ports, ports];
    if (typeof ports !== "string") return undefined;
    if (ports === "*") return [0, 65535];
    const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(ports.trim());
    if (!match) return undefined;
    const from = Number(match[1]);
    return [from, match[2] === undefined ? from : Number(match[2])];
}

/**
 * Why a port range is refused, or undefined. Azure NSG security rules
 * (network REST spec, SecurityRulePropertiesFormat.destinationPortRange):
 * "Integer or range between 0 and 65535", a range low-high; EC2 security
 * group rules: from_port ≤ to_port within 0–65535.
 */
export function portRangeProblem(ports: unknown, lowest = 0): string | undefined {
    const range = parsePortRange(ports);
    if (!range) return `${JSON.stringify(ports)} is not a port or a range like 8000-8100`;
    const [from, to] = range;
    if (from < lowest || to > 65535) return `${String(ports)} is outside ${lowest}–65535`;
    if (from > to) return `${String(ports)} is reversed; write ${to}-${from}`;
    return undefined;
}
export const PORT_SOURCE = "Azure network REST spec, SecurityRulePropertiesFormat.destinationPortRange (0–65535, low-high); EC2 AuthorizeSecurityGroupIngress FromPort/ToPort";
