/**
 * The shape of the stack config under the `landing-zone:` namespace, as zod
 * schemas. Every object is strict, so a typo in a key is an error rather than
 * a silently ignored setting. Defaults that depend on the environment
 * (budget vs production) are applied later, in `resolve.ts`; the defaults
 * here are the same for every environment.
 */
import { z } from "zod";
import { isPublicUnicastIpv4, parseIpv4Cidr } from "../../components/addressing";
import { isInstanceTypeName } from "../../components/aws/server-instance-types";
import { DLM_INTERVAL_HOURS } from "../../components/aws/server-settings";
import { baselineSchema } from "./baseline";

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
        peeringAddress: z.string().refine((address) => parseIpv4Cidr(`${address}/32`).ok, "must be an IPv4 address"),
    }).optional(),
    device: z.strictObject({ vendor: z.string().min(1), model: z.string().min(1) }).default({ vendor: "generic", model: "generic" }),
    linkSpeedMbps: z.number().int().min(1).max(10000).default(100),
    ispName: z.string().min(1).default("unknown"),
});

// ── landing-zone:server: the fault-tolerant multi-AZ server tier ───────────
// Environment-dependent defaults (instance types, market, Elastic IP, snapshot
// schedule) are applied in resolve.ts; cross-field checks (one architecture,
// gp3 ratios, no port 22) live there too.

const serverIngressSchema = z.strictObject({
    /** Rule name: letters, digits, dashes. */
    name: name("a rule name"),
    /** tcp or udp. Default tcp. */
    protocol: z.enum(["tcp", "udp"]).default("tcp"),
    /** A port (443) or a range ("8000-8100"), opened on IPv4 and IPv6 alike. Port 22 is refused: use Session Manager. */
    ports: z.union([z.number().int().min(1).max(65535), z.string().regex(/^\d{1,5}(-\d{1,5})?$/, "must be a port or a range like 8000-8100")]),
});

/** CloudWatch Logs' accepted retention periods, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** `landing-zone:server`. Absent: no server tier. */
export const serverSchema = z.strictObject({
    /** Short name; the tier is `<environment>-<name>` (group name, tag value). Default "server". */
    name: z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, "must be 1–20 lowercase letters, digits or dashes, starting with a letter").default("server"),
    /** public (default: reachable on the ingress ports) or private (no inbound from the internet; IPv6 egress only). */
    subnetTier: z.enum(["public", "private"]).default("public"),
    /** Interchangeable instance types, one architecture. Default: budget t4g.small, t4g.micro; production t4g.medium. */
    instanceTypes: z.array(z.string().refine(isInstanceTypeName, "must be an EC2 instance type such as t4g.small")).min(1, "needs at least one instance type").optional(),
    /** spot or on-demand. Default: budget spot, production on-demand. */
    market: z.enum(["spot", "on-demand"]).optional(),
    /** How Spot picks among the types. Default price-capacity-optimized. */
    spotAllocationStrategy: z.enum(["price-capacity-optimized", "capacity-optimized", "lowest-price"]).default("price-capacity-optimized"),
    /** Replace a Spot instance before it is reclaimed. Default: on with Spot (Spot only). */
    capacityRebalance: z.boolean().optional(),
    /** Seconds from InService (data volume attached) to the app serving. Default 300, at least 60. */
    healthCheckGracePeriodSeconds: z.number().int().min(60, "must be at least 60 seconds: the app needs time to mount its data and start").max(7200, "must be at most 7200 seconds").default(300),
    /** Root volume size in GiB (gp3, encrypted). Default 8, the Amazon Linux 2023 image size. */
    rootVolumeSizeGiB: z.number().int().min(8, "must be at least 8 GiB (the Amazon Linux 2023 image)").max(16384).default(8),
    /** The data volume that follows the instance (gp3, always encrypted). */
    dataVolume: z.strictObject({
        /** GiB. Default 20. */
        sizeGiB: z.number().int().min(1, "must be at least 1 GiB (gp3 range 1–65536 GiB)").max(65536, "must be at most 65536 GiB (gp3 range 1–65536 GiB)").default(20),
        /** gp3 IOPS, 3000–80000 and at most 500 per GiB. Default 3000 (included in the gp3 price). */
        iops: z.number().int().min(3000, "must be at least 3000 (the gp3 baseline)").max(80000, "must be at most 80000 (gp3 maximum)").default(3000),
        /** gp3 throughput MiB/s, 125–2000 and at most IOPS/4. Default 125 (included). */
        throughputMiBps: z.number().int().min(125, "must be at least 125 MiB/s (the gp3 baseline)").max(2000, "must be at most 2000 MiB/s (gp3 maximum)").default(125),
        /** Customer-managed KMS key ARN. Default: the account's default EBS key. */
        kmsKeyArn: z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+$/, "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)").optional(),
        /** Mount point. Default /srv/data. */
        mountPoint: z.string().regex(/^(\/[A-Za-z0-9._-]+)+$/, "must be an absolute path of letters, digits, dots, dashes and underscores, such as /srv/data").refine((p) => !/^\/(bin|boot|dev|etc|lib|lib64|proc|run|sbin|sys|tmp|usr|var)(\/|$)/.test(p), "must not be inside a system directory").default("/srv/data"),
        /** Filesystem made on the first, empty volume: xfs (default) or ext4. */
        filesystem: z.enum(["xfs", "ext4"]).default("xfs"),
    }).prefault({}),
    /** The app: what to install and which systemd unit to start once the data is mounted. */
    app: z.strictObject({
        /** Started (and made to require the mount) once the data volume is mounted, e.g. nginx.service. None: only mount. */
        systemdUnit: z.string().regex(/^[A-Za-z0-9@._:-]+\.(service|target)$/, "must be a systemd unit name such as nginx.service").optional(),
        /** dnf packages installed at boot. Default none. */
        packages: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, "must be a package name")).default([]),
    }).prefault({}),
    /** Inbound from the internet, on both IPv4 and IPv6. Default: nothing open. */
    ingress: z.array(serverIngressSchema).default([]),
    /** An Elastic IP moved to each new instance. Default: production on; budget off (IPv6 only, no $0.005/h IPv4 charge). */
    elasticIp: z.boolean().optional(),
    /** A Route 53 record kept pointed at the instance (A with the Elastic IP, AAAA always). */
    dns: z.strictObject({
        /** The hosted zone id (Z…). */
        hostedZoneId: z.string().regex(/^(\/hostedzone\/)?Z[A-Z0-9]{1,32}$/, "must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ"),
        /** The record's fully qualified name, e.g. app.example.org. */
        recordName: z.string().regex(/^(?=.{1,253}\.?$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$/i, "must be a fully qualified domain name"),
        /** Seconds; short, so clients follow a failover. Default 60. */
        ttl: z.number().int().min(0).max(86400).default(60),
    }).optional(),
    /** Scheduled snapshots of the data volume (Data Lifecycle Manager): the worst-case data loss on AZ failure. */
    snapshots: z.strictObject({
        /** Hours between snapshots: 1, 2, 3, 4, 6, 8, 12 or 24. Default: budget 4, production 1. */
        intervalHours: z.number().refine((h) => (DLM_INTERVAL_HOURS as readonly number[]).includes(h), "must be one of 1, 2, 3, 4, 6, 8, 12, 24 (the intervals Data Lifecycle Manager accepts)").optional(),
        /** Snapshots kept. Default: budget 12 (2 days), production 72 (3 days). */
        retainCount: z.number().int().min(1, "must be at least 1: a schedule that keeps nothing protects nothing").max(1000, "must be at most 1000").optional(),
        /** UTC time the schedule starts, hh:mm. Default 03:00. */
        startTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a UTC time hh:mm").default("03:00"),
    }).prefault({}),
    /** The failover handler's bounds. */
    failover: z.strictObject({
        /** Longest wait for a snapshot. Default 600. */
        snapshotWaitTimeoutSeconds: z.number().int().min(30).max(900).default(600),
        /** Longest wait per volume step. Default 300. */
        volumeWaitTimeoutSeconds: z.number().int().min(30).max(900).default(300),
        /** Superseded data volumes kept after a failover. Default 1. */
        supersededVolumeRetention: z.number().int().min(0).max(100).default(1),
        /** Newest completed failover/termination snapshots the handler keeps (older ones go when that loses nothing). Default 3. */
        handlerSnapshotRetention: z.number().int().min(1, "must be at least 1: the handler never deletes its newest snapshot").max(1000, "must be at most 1000").default(3),
        /**
         * How long the live copy's AZ must be seen unable to serve it, across attempts, before the handler
         * restores an older snapshot and loses the writes after it; 0 = at once. Default 30.
         */
        restoreAfterUnreachableMinutes: z.number().int().min(0, "must be at least 0 (0: restore at once)").max(10080, "must be at most 10080 minutes (7 days)").default(30),
        /** The terminate handler's wait for the instance to stop its app and unmount before the final snapshot. Default 60. */
        quiesceWaitSeconds: z.number().int().min(0, "must be at least 0 (0: do not wait)").max(600, "must be at most 600 seconds").default(60),
        /** Handler log retention in days (a CloudWatch Logs period). Default 30. */
        logRetentionDays: z.number().refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), `must be a CloudWatch Logs retention period (${LOG_RETENTION_DAYS.join(", ")})`).default(30),
    }).prefault({}),
    /** Told of every replacement and failure (confirm the subscription email once). */
    alertEmail: z.email("must be an email address").optional(),
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
    /** Deprecated: the cap lives in policy/config/<stack>.json (stacks/config/cost-cap.ts); accepted only when equal to it. */
    monthlyCostCapUsd: z.number().positive().optional(),
    aws: awsSchema,
    azure: azureSchema,
    wan: wanSchema.optional(),
    sites: z.array(siteSchema).default([]),
    /** The multi-AZ server tier; absent: none. */
    server: serverSchema.optional(),
    /** The landing-zone baseline: log archive, audit trail, flow logs, budgets, link alerts (see stacks/config/baseline.ts). */
    baseline: baselineSchema.prefault({}),
    /** Pre-shared keys per site name; a secret (`pulumi config set --secret --path 'vpnPreSharedKeys.<site>'`). */
    vpnPreSharedKeys: z.record(z.string(), z.string()).optional(),
    /** Seed the AWS↔Azure tunnel keys are derived from; a secret (`pulumi config set --secret crossCloudTunnelKeySeed`). Needed when the cross-cloud link is on. */
    crossCloudTunnelKeySeed: z.string().optional(),
});

export type RawLandingZoneConfig = z.infer<typeof rootSchema>;
export type SiteConfig = z.infer<typeof siteSchema>;
export type AllowRule = z.infer<typeof allowRuleSchema>;
export type SubnetConfig = z.infer<typeof subnetSchema>;
export type RawServerConfig = z.infer<typeof serverSchema>;
