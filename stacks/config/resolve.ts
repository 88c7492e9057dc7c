/**
 * From raw stack config (the `landing-zone:` keys and their values) to one
 * validated, fully defaulted `LandingZoneConfig`, or the list of every
 * problem, one line each, naming the config key. Pure: no Pulumi imports, so
 * the same code serves `pulumi up`, the offline plan and the tests.
 */
import { z } from "zod";
import { AddressingInput, validateAddressing } from "../../components/addressing";
import { rootSchema, RawLandingZoneConfig, SiteConfig } from "./schema";
import { inTunnelRange, planCrossCloudTunnels } from "../../components/addressing/tunnels";
import { AWS_PHASE2_LIFETIME } from "../../components/azure/vpn-ipsec";

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
        return { ok: false, problems: parsed.error.issues.flatMap(formatIssue) };
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

    problems.push(...wanProblems(value, profile));
    problems.push(...validateAddressing(addressingInputOf(value)).map((p) => `${key(p.key)}: ${p.message}`));
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

function formatIssue(issue: z.core.$ZodIssue): string[] {
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
    if (issue.code === "invalid_type" && issue.input === undefined) {
        return [`${at}: is required`];
    }
    return [`${at}: ${issue.message}`];
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

function closest(word: string, candidates: string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const candidate of candidates) {
        const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
        if (d < bestDistance) {
            bestDistance = d;
            best = candidate;
        }
    }
    return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let previous = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const current = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
            previous = current;
        }
    }
    return row[b.length];
}
