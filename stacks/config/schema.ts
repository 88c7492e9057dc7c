/**
 * The shape of the stack config under the `landing-zone:` namespace, as zod
 * schemas. Every object is strict, so a typo in a key is an error rather than
 * a silently ignored setting. Defaults that depend on the environment
 * (budget vs production) are applied later, in `resolve.ts`; the defaults
 * here are the same for every environment.
 */
import { z } from "zod";
import { isPublicUnicastIpv4 } from "../../components/addressing";

const name = (what: string) =>
    z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, `${what} must be 1–40 lowercase letters, digits or dashes, starting with a letter`);

/** `landing-zone:aws` */
export const awsSchema = z.strictObject({
    /** AWS region, e.g. ap-southeast-2. */
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region name such as ap-southeast-2"),
    /** AZs the tier spans; at least two, or an AZ outage takes the tier down. */
    availabilityZones: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, "must be an availability zone name such as ap-southeast-2a"))
        .min(2, "needs at least 2 availability zones; with one, losing that AZ loses the tier"),
    /** The VPC's IPv4 range; private (RFC 1918), distinct from every other range. */
    vpcCidr: z.string(),
    /** IPv4 size of every subnet (default /24: 251 usable addresses, plenty for one server tier). */
    subnetPrefixLength: z.number().int().default(24),
    /** AZ slots reserved per tier so AZs can be added later without renumbering (default 4). */
    azSlots: z.number().int().min(1).default(4),
    /** One shared NAT gateway for IPv4 egress from private subnets. Default off: IPv6 egress is free. */
    natGateway: z.boolean().default(false),
    /** DNS64 on private and data subnets so IPv6-only clients reach IPv4-only services via NAT64. Needs natGateway to reach IPv4. */
    dns64: z.boolean().default(false),
});

const allowRuleSchema = z.strictObject({
    /** Rule name, used in the NSG rule names. */
    name: name("a rule name"),
    protocol: z.enum(["Tcp", "Udp", "*"]).default("Tcp"),
    /** A port ("443") or a range ("8000-8100"). */
    ports: z.union([z.number().int().min(1).max(65535), z.string().regex(/^\d{1,5}(-\d{1,5})?$/, "must be a port or a range like 8000-8100")]),
});

const subnetSchema = z.strictObject({
    name: name("a subnet name"),
    /** Inbound from the internet to allow, on both IPv4 and IPv6. Default: nothing. */
    allowInbound: z.array(allowRuleSchema).default([]),
});

/** `landing-zone:azure` */
export const azureSchema = z.strictObject({
    /** Azure region, e.g. australiaeast. */
    location: z.string().regex(/^[a-z0-9]+$/, "must be an Azure location name such as australiaeast"),
    /** Use this existing resource group instead of creating one. */
    resourceGroupName: z.string().min(1).optional(),
    /** The dual-stack VNet for internet-facing workloads (not attached to the WAN hub). */
    vnet: z.strictObject({
        ipv4Cidr: z.string(),
        /** A ULA /48 inside fd00::/8 (Azure needs an IPv6 range you choose). */
        ipv6Cidr: z.string(),
        subnetPrefixLength: z.number().int().default(24),
        subnets: z.array(subnetSchema).min(1).default([{ name: "workload", allowInbound: [] }]),
    }),
    /** The IPv4-only spoke VNet attached to the Virtual WAN hub (Virtual WAN cannot attach a dual-stack VNet). */
    spoke: z.strictObject({
        ipv4Cidr: z.string(),
        subnetPrefixLength: z.number().int().default(24),
        subnets: z.array(subnetSchema).min(1).default([{ name: "private", allowInbound: [] }]),
    }).optional(),
});

/** `landing-zone:wan` */
export const wanSchema = z.strictObject({
    /** Basic: site-to-site VPN only, no hub charge. Standard: VNet transit, cross-cloud link. Default by environment. */
    type: z.enum(["Basic", "Standard"]).optional(),
    /** The hub's own range: /24 or larger (a /23 is recommended), outside every other range. */
    hubPrefix: z.string(),
    /** Site-to-site VPN gateway scale units (1 unit = 500 Mbps). */
    vpnScaleUnits: z.number().int().min(1).max(20).default(1),
    /** Let branches reach each other through the hub. */
    allowBranchToBranch: z.boolean().default(true),
    /** Site-to-site VPN from the AWS VPC to the hub. Default by environment (on in production). */
    crossCloudLink: z.boolean().optional(),
    /** The IPsec/IKE policy of every connection (IKEv2 only; PFS uses the IKE DH group). */
    ipsec: z.strictObject({
        /** ESP and IKE encryption: GCMAES256 (AES-256-GCM, default) or AES256 (AES-256-CBC with SHA-256). */
        encryption: z.enum(["GCMAES256", "AES256"]).default("GCMAES256"),
        /** IKE DH group, and the matching PFS group: DHGroup14, ECP256 (default), ECP384 or DHGroup24. */
        dhGroup: z.enum(["DHGroup14", "ECP256", "ECP384", "DHGroup24"]).default("ECP256"),
        saLifeTimeSeconds: z.number().int().min(300).max(172799).default(3600),
        saDataSizeKilobytes: z.number().int().min(1024).max(2147483647).default(102400000),
    }).default({ encryption: "GCMAES256", dhGroup: "ECP256", saLifeTimeSeconds: 3600, saDataSizeKilobytes: 102400000 }),
    /** BGP ASN of the AWS virtual private gateway on the cross-cloud link (default 64512, Amazon's default); private, not one Azure reserves. */
    awsSideAsn: z.number().int()
        .refine((asn) => (asn >= 64512 && asn <= 65534) || (asn >= 4200000000 && asn <= 4294967294), "must be a private ASN (64512–65534 or 4200000000–4294967294), as AWS requires")
        .refine((asn) => ![65515, 65517, 65518, 65519, 65520].includes(asn), "is reserved by Azure (65515, 65517–65520)")
        .default(64512),
});

/** One branch office. */
export const siteSchema = z.strictObject({
    name: name("a site name"),
    /** The office router's public IPv4 address (or give fqdn). */
    publicIp: z.string().refine(isPublicUnicastIpv4, "must be a public unicast IPv4 address (not private, CGNAT, loopback, link-local, multicast, documentation or reserved)").optional(),
    /** The office router's DNS name, when its address is dynamic. */
    fqdn: z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, "must be a fully qualified domain name").optional(),
    /** The office LAN's IPv4 ranges, advertised statically (and used to check for overlaps). */
    addressSpaces: z.array(z.string()).default([]),
    /** Dynamic routing with the hub. */
    bgp: z.strictObject({
        asn: z.number().int().min(1).max(4294967295).refine((asn) => ![65515, 65517, 65518, 65519, 65520].includes(asn), "is reserved by Azure (65515, 65517–65520)"),
        peeringAddress: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, "must be an IPv4 address"),
    }).optional(),
    device: z.strictObject({ vendor: z.string().min(1), model: z.string().min(1) }).default({ vendor: "generic", model: "generic" }),
    linkSpeedMbps: z.number().int().min(1).max(10000).default(100),
    ispName: z.string().min(1).default("unknown"),
});

/**
 * The whole `landing-zone:` namespace. Keys are the config keys without the
 * namespace. `vpnPreSharedKeys` is read separately, as a secret.
 */
export const rootSchema = z.strictObject({
    /** Environment name (dev, prod, staging…); tags every resource. */
    environment: name("the environment"),
    /** Which defaults to apply: budget (cheapest that still survives an AZ loss) or production. Default: production for prod/production, budget otherwise. */
    profile: z.enum(["budget", "production"]).optional(),
    /** Team or person accountable; a default tag. */
    owner: z.string().min(1),
    /** Cost centre for chargeback; a default tag. */
    costCentre: z.string().min(1),
    /** Monthly spending cap in USD that the cost policy enforces; none when absent. */
    monthlyCostCapUsd: z.number().positive().optional(),
    aws: awsSchema,
    azure: azureSchema,
    wan: wanSchema.optional(),
    sites: z.array(siteSchema).default([]),
    /** Pre-shared keys per site name; a secret (`pulumi config set --secret --path 'vpnPreSharedKeys.<site>'`). */
    vpnPreSharedKeys: z.record(z.string(), z.string()).optional(),
    /** Seed the AWS↔Azure tunnel keys are derived from; a secret (`pulumi config set --secret crossCloudTunnelKeySeed`). Needed when the cross-cloud link is on. */
    crossCloudTunnelKeySeed: z.string().optional(),
});

export type RawLandingZoneConfig = z.infer<typeof rootSchema>;
export type SiteConfig = z.infer<typeof siteSchema>;
export type AllowRule = z.infer<typeof allowRuleSchema>;
export type SubnetConfig = z.infer<typeof subnetSchema>;
