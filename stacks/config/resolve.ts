/**
 * From raw stack config (the `landing-zone:` keys and their values) to one
 * validated, fully defaulted `LandingZoneConfig`, or the list of every
 * problem, one line each, naming the config key. Pure: no Pulumi imports, so
 * the same code serves `pulumi up`, the offline plan and the tests.
 */
import { z } from "zod";
import { AddressingInput, validateAddressing } from "../../components/addressing";
import { rootSchema, RawLandingZoneConfig, SiteConfig } from "./schema";
import { Architecture, instanceArchitecture } from "../../components/aws/server-instance-types";
import { DlmIntervalHours, ServerSettings } from "../../components/aws/server-settings";
import { inTunnelRange, planCrossCloudTunnels } from "../../components/addressing/tunnels";
import { AWS_PHASE2_LIFETIME } from "../../components/azure/vpn-ipsec";
import { gp3MaxIops } from "../../components/preflight/limits";
import { cloudProblems } from "./cloud-checks";
import { BaselineConfig, resolveBaseline } from "./baseline";
import { closest } from "../../components/catalogue/suggest";

export const NAMESPACE = "landing-zone";

export type Profile = "budget" | "production";

/** The validated config with every default applied. */
export interface LandingZoneConfig {
    environment: string;
    profile: Profile;
    owner: string;
    costCentre: string;
    monthlyCostCapUsd?: number;
    aws: RawLandingZoneConfig["aws"];
    azure: RawLandingZoneConfig["azure"];
    wan?: Omit<NonNullable<RawLandingZoneConfig["wan"]>, "type" | "crossCloudLink"> & {
        type: "Basic" | "Standard";
        crossCloudLink: boolean;
    };
    sites: SiteConfig[];
    /** Names of the sites that have a pre-shared key; the keys themselves never enter this object. */
    sitesWithPreSharedKey: string[];
    /** The multi-AZ server tier, every default applied; absent when not configured. */
    server?: ServerConfig;
    /** The landing-zone baseline (log archive, trail, flow logs, budgets, link alerts), every default applied. */
    baseline: BaselineConfig;
}

/** One line per problem: `landing-zone:<key>: <what is wrong>`. */
export class ConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(`invalid landing-zone config:\n${problems.join("\n")}`);
        this.name = "ConfigError";
    }
}

export type ResolveResult = { ok: true; config: LandingZoneConfig } | { ok: false; problems: string[] };

/**
 * Validates raw config. `raw` maps keys without the namespace (`aws`, `sites`)
 * to their values, objects already parsed from JSON.
 */
export function resolveConfig(raw: Record<string, unknown>): ResolveResult {
    const parsed = rootSchema.safeParse(raw);
    if (!parsed.success) {
        return { ok: false, problems: parsed.error.issues.flatMap((issue) => formatIssue(issue, raw)) };
    }
    const value = parsed.data;
    const profile: Profile = value.profile ?? (/^prod(uction)?$/.test(value.environment) ? "production" : "budget");
    const problems: string[] = [];
    const key = (k: string) => `${NAMESPACE}:${k}`;

    value.aws.availabilityZones.forEach((az, i) => {
        if (!az.startsWith(value.aws.region)) problems.push(`${key(`aws.availabilityZones[${i}]`)}: ${az} is not in region ${value.aws.region}`);
    });
    const seenAz = new Set<string>();
    value.aws.availabilityZones.forEach((az, i) => {
        if (seenAz.has(az)) problems.push(`${key(`aws.availabilityZones[${i}]`)}: ${az} is listed twice`);
        seenAz.add(az);
    });
    if (value.aws.dns64 && !value.aws.natGateway) {
        problems.push(`${key("aws.dns64")}: DNS64 synthesises addresses that only a NAT gateway can reach; turn on aws.natGateway or leave dns64 off`);
    }

    const publicIps = new Map<string, string>();
    value.sites.forEach((site, i) => {
        if (!site.publicIp === !site.fqdn) problems.push(`${key(`sites[${i}]`)}: site "${site.name}" needs exactly one of publicIp or fqdn`);
        if (site.publicIp) {
            const other = publicIps.get(site.publicIp);
            if (other) problems.push(`${key(`sites[${i}].publicIp`)}: ${site.publicIp} is also the address of site "${other}"; each site needs its own public IP`);
            publicIps.set(site.publicIp, site.name);
        }
        if (site.addressSpaces.length === 0 && !site.bgp) {
            problems.push(`${key(`sites[${i}].addressSpaces`)}: site "${site.name}" has no LAN ranges and no BGP; give addressSpaces or bgp`);
        }
    });
    const keys = Object.keys(value.vpnPreSharedKeys ?? {});
    for (const siteName of keys) {
        if (!value.sites.some((s) => s.name === siteName)) {
            problems.push(`${key(`vpnPreSharedKeys.${siteName}`)}: there is no site named "${siteName}"`);
        }
    }

    problems.push(...cloudProblems(value));
    problems.push(...wanProblems(value, profile));
    problems.push(...validateAddressing(addressingInputOf(value)).map((p) => `${key(p.key)}: ${p.message}`));
    const server = value.server ? resolveServer(value.server, value.environment, value.aws.region, profile) : undefined;
    if (server) problems.push(...server.problems);
    const baseline = resolveBaseline(value.baseline, profile, [value.server?.alertEmail, value.owner]);
    problems.push(...baseline.problems);
    if (problems.length > 0) return { ok: false, problems };

    const config: LandingZoneConfig = {
        environment: value.environment,
        profile,
        owner: value.owner,
        costCentre: value.costCentre,
        ...(value.monthlyCostCapUsd !== undefined ? { monthlyCostCapUsd: value.monthlyCostCapUsd } : {}),
        aws: value.aws,
        azure: value.azure,
        ...(value.wan
            ? {
                  wan: {
                      ...value.wan,
                      type: value.wan.type ?? (profile === "production" ? "Standard" : "Basic"),
                      crossCloudLink: value.wan.crossCloudLink ?? profile === "production",
                  },
              }
            : {}),
        sites: value.sites,
        sitesWithPreSharedKey: keys.filter((k) => (value.vpnPreSharedKeys ?? {})[k].length > 0),
        ...(server?.config ? { server: server.config } : {}),
        baseline: baseline.config!,
    };
    return { ok: true, config };
}

/** Shortest pre-shared key or tunnel key seed accepted. */
export const MIN_SECRET_LENGTH = 20;

/**
 * Problems with the Virtual WAN part of the config: every site has a usable
 * pre-shared key, and the cross-cloud link has what it needs. Messages name
 * the key and the site but never print a secret.
 */
export function wanProblems(value: RawLandingZoneConfig, profile: Profile): string[] {
    const problems: string[] = [];
    const key = (k: string) => `${NAMESPACE}:${k}`;
    if (!value.wan) {
        if (value.sites.length > 0) {
            problems.push(`${key("sites")}: ${value.sites.length} branch site(s) but no Virtual WAN hub to connect them to; add landing-zone:wan with at least wan.hubPrefix`);
        }
        return problems;
    }
    const keys = value.vpnPreSharedKeys ?? {};
    for (const site of value.sites) {
        const psk = keys[site.name];
        const at = key(`vpnPreSharedKeys.${site.name}`);
        if (psk === undefined || psk.length === 0) {
            problems.push(`${at}: site "${site.name}" has no pre-shared key; set one with: pulumi config set --secret --path 'vpnPreSharedKeys.${site.name}' <key>`);
        } else if (psk.length < MIN_SECRET_LENGTH) {
            problems.push(`${at}: the pre-shared key of site "${site.name}" has ${psk.length} characters; use at least ${MIN_SECRET_LENGTH} (a random 32-character key is better)`);
        } else if (psk.length > 128 || !/^[\x21-\x7e]+$/.test(psk)) {
            problems.push(`${at}: the pre-shared key of site "${site.name}" must be at most 128 printable ASCII characters without spaces`);
        }
    }
    const type = value.wan.type ?? (profile === "production" ? "Standard" : "Basic");
    if (type === "Basic" && value.wan.vpnScaleUnits > 1) {
        problems.push(`${key("wan.vpnScaleUnits")}: a Basic Virtual WAN offers no extra gateway scale units; use 1 or set wan.type to Standard`);
    }
    // Microsoft Learn, "Virtual WAN overview" (Basic and Standard virtual WANs):
    // a Basic hub offers site-to-site VPN only, so it cannot take the spoke's
    // VNet connection; Standard adds VNet connections at $0.25 per hub-hour.
    if (type === "Basic" && value.azure.spoke) {
        problems.push(`${key("azure.spoke")}: a Basic Virtual WAN hub offers site-to-site VPN only and cannot connect the spoke VNet; remove azure.spoke or set wan.type to Standard (about $182.50 a month for the hub)`);
    }
    const crossCloud = value.wan.crossCloudLink ?? profile === "production";
    if (crossCloud) {
        const how = "the cross-cloud link (wan.crossCloudLink, on by default in production)";
        if (!value.crossCloudTunnelKeySeed) {
            problems.push(`${key("crossCloudTunnelKeySeed")}: ${how} needs a secret seed for its tunnel keys; set one with: pulumi config set --secret crossCloudTunnelKeySeed <at least ${MIN_SECRET_LENGTH} characters>`);
        } else if (value.crossCloudTunnelKeySeed.length < MIN_SECRET_LENGTH) {
            problems.push(`${key("crossCloudTunnelKeySeed")}: has ${value.crossCloudTunnelKeySeed.length} characters; use at least ${MIN_SECRET_LENGTH}`);
        }
        const lifetime = value.wan.ipsec.saLifeTimeSeconds;
        if (lifetime < AWS_PHASE2_LIFETIME.min || lifetime > AWS_PHASE2_LIFETIME.max) {
            problems.push(`${key("wan.ipsec.saLifeTimeSeconds")}: ${lifetime} s is outside the ${AWS_PHASE2_LIFETIME.min}–${AWS_PHASE2_LIFETIME.max} s AWS allows for phase 2, and ${how} uses the same policy; choose a value in that range`);
        }
        const tunnels = planCrossCloudTunnels();
        value.sites.forEach((site, i) => {
            if (!site.bgp) return;
            if (site.bgp.asn === value.wan!.awsSideAsn) {
                problems.push(`${key(`sites[${i}].bgp.asn`)}: ${site.bgp.asn} is also the AWS side's ASN (wan.awsSideAsn); BGP would drop the routes between site "${site.name}" and AWS as a loop`);
            }
            const tunnel = inTunnelRange(tunnels, site.bgp.peeringAddress);
            if (tunnel) {
                problems.push(`${key(`sites[${i}].bgp.peeringAddress`)}: ${site.bgp.peeringAddress} is inside ${tunnel.insideCidr}, the cross-cloud tunnel "${tunnel.name}"; give site "${site.name}" another BGP address`);
            }
        });
    }
    return problems;
}

/**
 * The `landing-zone:` keys of a flat config map as the engine passes it
 * (full keys, string values), without the namespace and with values parsed
 * as Pulumi's `getObject` would. Shared by the program, the offline plan and tests.
 */
export function namespaceConfig(all: Readonly<Record<string, string>>): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    for (const [fullKey, value] of Object.entries(all)) {
        const [namespace, ...rest] = fullKey.split(":");
        if (namespace !== NAMESPACE || rest.length === 0) continue;
        try {
            raw[rest.join(":")] = JSON.parse(value);
        } catch {
            raw[rest.join(":")] = value;
        }
    }
    return raw;
}

/** Resolves or throws ConfigError. */
export function requireValidConfig(raw: Record<string, unknown>): LandingZoneConfig {
    const result = resolveConfig(raw);
    if (!result.ok) throw new ConfigError(result.problems);
    return result.config;
}

/** The planner's input, drawn from the (validated-shape) config. */
export function addressingInputOf(config: Pick<RawLandingZoneConfig, "aws" | "azure" | "wan" | "sites">): AddressingInput {
    return {
        aws: config.aws,
        azure: {
            vnet: config.azure.vnet,
            ...(config.azure.spoke ? { spoke: config.azure.spoke } : {}),
        },
        ...(config.wan ? { wan: { hubPrefix: config.wan.hubPrefix } } : {}),
        sites: config.sites,
    };
}

function formatIssue(issue: z.core.$ZodIssue, raw: Record<string, unknown>): string[] {
    const path = pathOf(issue.path);
    const at = path ? `${NAMESPACE}:${path}` : `${NAMESPACE}`;
    if (issue.code === "unrecognized_keys") {
        const known = knownKeysAt(issue.path);
        return issue.keys.map((unknown) => {
            const full = path ? `${NAMESPACE}:${path}.${unknown}` : `${NAMESPACE}:${unknown}`;
            const guess = closest(unknown, known);
            return `${full}: unknown key${guess ? `; did you mean "${guess}"?` : ""} (known: ${known.join(", ")})`;
        });
    }
    // A non-integer for an int field is also invalid_type, and zod leaves `input` out of every issue.
    if (issue.code === "invalid_type" && issue.expected === "int") {
        return [`${at}: must be an integer`];
    }
    // zod leaves `input` out of its issues, so look the value up: absent is "required", present is the wrong type.
    if (issue.code === "invalid_type" && valueAt(raw, issue.path) === undefined) {
        return [`${at}: is required`];
    }
    return [`${at}: ${issue.message}`];
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
    return path.reduce<unknown>((value, part) => (value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[part] : undefined), root);
}

function pathOf(path: PropertyKey[]): string {
    return path.reduce<string>((acc, part) => (typeof part === "number" ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)), "");
}

/** The keys the schema knows at a path, for "did you mean" hints. */
function knownKeysAt(path: PropertyKey[]): string[] {
    let schema: z.core.$ZodType = rootSchema;
    for (const part of path) {
        schema = unwrap(schema);
        const def = schema._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
        if (typeof part === "number" && def.type === "array" && def.element) schema = def.element;
        else if (def.type === "object" && def.shape && typeof part === "string" && def.shape[part]) schema = def.shape[part];
        else return [];
    }
    schema = unwrap(schema);
    const def = schema._zod.def as { type: string; shape?: Record<string, unknown> };
    return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
    let current = schema;
    for (;;) {
        const def = current._zod.def as { type: string; innerType?: z.core.$ZodType };
        if ((def.type === "optional" || def.type === "default" || def.type === "nullable" || def.type === "prefault") && def.innerType) current = def.innerType;
        else return current;
    }
}

/** "Did you mean": one edit-distance rule for every suggestion (components/catalogue/suggest.ts). */
export { closest };

// ── landing-zone:server ────────────────────────────────────────────────────

/** The server tier's settings plus where it lands. */
export interface ServerConfig extends ServerSettings {
    /** The short name from config; tierName is `<environment>-<name>`. */
    name: string;
    /** Which DualStackVpc tier's subnets the group spans (one per AZ). */
    subnetTier: "public" | "private";
}

/** Environment-dependent defaults of the server tier. */
export const SERVER_DEFAULTS: Record<Profile, {
    instanceTypes: string[];
    market: "spot" | "on-demand";
    elasticIp: boolean;
    intervalHours: DlmIntervalHours;
    retainCount: number;
}> = {
    // Spot over two interchangeable Graviton sizes; IPv6 only (no public IPv4 charge); 4-hourly snapshots for 2 days.
    budget: { instanceTypes: ["t4g.small", "t4g.micro"], market: "spot", elasticIp: false, intervalHours: 4, retainCount: 12 },
    // On-demand (list more types as capacity fallbacks, in priority order); an Elastic IP; hourly snapshots for 3 days.
    production: { instanceTypes: ["t4g.medium"], market: "on-demand", elasticIp: true, intervalHours: 1, retainCount: 72 },
};

/** Longest tier name: the Lambda is named `<tier>-failover` (64 characters at most) and more names derive from it. */
const MAX_TIER_NAME = 40;

function resolveServer(
    raw: NonNullable<RawLandingZoneConfig["server"]>,
    environment: string,
    region: string,
    profile: Profile,
): { problems: string[]; config?: ServerConfig } {
    const problems: string[] = [];
    const key = (k: string) => `${NAMESPACE}:server.${k}`;
    const defaults = SERVER_DEFAULTS[profile];

    const tierName = `${environment}-${raw.name}`;
    if (tierName.length > MAX_TIER_NAME) {
        problems.push(`${key("name")}: the tier name "${tierName}" (environment-name) is longer than ${MAX_TIER_NAME} characters; shorten server.name`);
    }

    const instanceTypes = raw.instanceTypes ?? defaults.instanceTypes;
    const byArch = new Map<Architecture, string>();
    const seen = new Set<string>();
    instanceTypes.forEach((type, i) => {
        if (seen.has(type)) problems.push(`${key(`instanceTypes[${i}]`)}: ${type} is listed twice`);
        seen.add(type);
        const arch = instanceArchitecture(type);
        if (arch && !byArch.has(arch)) byArch.set(arch, type);
    });
    if (byArch.size > 1) {
        problems.push(`${key("instanceTypes")}: mixes arm64 (${byArch.get("arm64")}) and x86_64 (${byArch.get("x86_64")}) types; one launch template has one image, so list one architecture`);
    }
    const architecture: Architecture = [...byArch.keys()][0] ?? "arm64";

    const market = raw.market ?? defaults.market;
    if (raw.capacityRebalance === true && market !== "spot") {
        problems.push(`${key("capacityRebalance")}: capacity rebalancing only replaces Spot instances; market is ${market}`);
    }

    const volume = raw.dataVolume;
    // gp3 gives 3,000 IOPS at every size; only IOPS above that need 500 per GiB.
    if (volume.iops > gp3MaxIops(volume.sizeGiB)) {
        problems.push(`${key("dataVolume.iops")}: gp3 allows at most 500 IOPS per GiB (${gp3MaxIops(volume.sizeGiB)} for ${volume.sizeGiB} GiB), got ${volume.iops}; 3000 is allowed at any size`);
    }
    if (volume.throughputMiBps > volume.iops / 4) {
        problems.push(`${key("dataVolume.throughputMiBps")}: gp3 allows at most 0.25 MiB/s per IOPS (${Math.floor(volume.iops / 4)} for ${volume.iops} IOPS), got ${volume.throughputMiBps}`);
    }
    if (volume.kmsKeyArn && volume.kmsKeyArn.split(":")[3] !== region) {
        problems.push(`${key("dataVolume.kmsKeyArn")}: the key is in ${volume.kmsKeyArn.split(":")[3]}, the tier in ${region}; EBS needs a key in the volume's region`);
    }

    const ingress: ServerConfig["ingress"] = [];
    const ruleNames = new Set<string>();
    raw.ingress.forEach((rule, i) => {
        if (ruleNames.has(rule.name)) problems.push(`${key(`ingress[${i}].name`)}: "${rule.name}" is used twice`);
        ruleNames.add(rule.name);
        const [from, to] = portRange(rule.ports);
        // AWS refuses two identical permissions (InvalidPermission.Duplicate); say so here, not at deploy.
        const clash = raw.ingress.findIndex((other, j) => j < i && other.protocol === rule.protocol && portRange(other.ports)[0] <= to && from <= portRange(other.ports)[1]);
        if (clash >= 0) problems.push(`${key(`ingress[${i}].ports`)}: ${rule.ports} overlaps ${raw.ingress[clash].ports} of ingress[${clash}] ("${raw.ingress[clash].name}"); merge the rules`);
        if (from < 1 || to > 65535 || from > to) {
            problems.push(`${key(`ingress[${i}].ports`)}: ${rule.ports} is not a port range within 1–65535`);
        } else if (rule.protocol === "tcp" && from <= 22 && 22 <= to) {
            problems.push(`${key(`ingress[${i}].ports`)}: ${rule.ports} opens port 22 (SSH) to the internet; administer the server through Session Manager instead`);
        } else {
            ingress.push({ name: rule.name, protocol: rule.protocol, fromPort: from, toPort: to });
        }
    });

    const elasticIp = raw.elasticIp ?? (raw.subnetTier === "public" && defaults.elasticIp);
    if (raw.elasticIp === true && raw.subnetTier === "private") {
        problems.push(`${key("elasticIp")}: an Elastic IP cannot reach an instance in a private subnet (no internet gateway route); use subnetTier public or turn elasticIp off`);
    }

    if (problems.length > 0) return { problems };
    return {
        problems,
        config: {
            name: raw.name,
            subnetTier: raw.subnetTier,
            tierName,
            instanceTypes,
            architecture,
            market,
            spotAllocationStrategy: raw.spotAllocationStrategy,
            capacityRebalance: raw.capacityRebalance ?? market === "spot",
            healthCheckGracePeriodSeconds: raw.healthCheckGracePeriodSeconds,
            rootVolumeSizeGiB: raw.rootVolumeSizeGiB,
            dataVolume: {
                sizeGiB: volume.sizeGiB,
                iops: volume.iops,
                throughputMiBps: volume.throughputMiBps,
                ...(volume.kmsKeyArn ? { kmsKeyArn: volume.kmsKeyArn } : {}),
                mountPoint: volume.mountPoint,
                filesystem: volume.filesystem,
            },
            app: { ...(raw.app.systemdUnit ? { systemdUnit: raw.app.systemdUnit } : {}), packages: raw.app.packages },
            ingress,
            elasticIp,
            ...(raw.dns ? { dns: { hostedZoneId: raw.dns.hostedZoneId.replace(/^\/hostedzone\//, ""), recordName: raw.dns.recordName.replace(/\.$/, ""), ttl: raw.dns.ttl } } : {}),
            snapshots: {
                intervalHours: (raw.snapshots.intervalHours ?? defaults.intervalHours) as DlmIntervalHours,
                retainCount: raw.snapshots.retainCount ?? defaults.retainCount,
                startTime: raw.snapshots.startTime,
            },
            failover: raw.failover,
            ...(raw.alertEmail ? { alertEmail: raw.alertEmail } : {}),
        },
    };
}

/** 443 → [443, 443]; "8000-8100" → [8000, 8100]. */
function portRange(ports: number | string): [number, number] {
    if (typeof ports === "number") return [ports, ports];
    const [from, to] = ports.split("-").map(Number);
    return [from, to ?? from];
}
