/**
 * A new environment's stack file and policy config (`npm run env:new`), pure:
 * sane defaults by profile and an address plan that overlaps none of the
 * existing stacks' networks or branch ranges. The command in
 * scripts/env-new.ts reads the existing stacks, calls this, plans the result
 * and writes the files.
 */
import { randomBytes } from "crypto";
import * as YAML from "yaml";
import { ipv4, Ipv4Network, overlaps } from "../components/addressing/cidr";
import type { Profile } from "./config/resolve";

export interface NewEnvironmentOptions {
    /** Environment (and stack) name: lowercase letters, digits, dashes. */
    name: string;
    profile: Profile;
    /** AWS region, e.g. eu-west-1. */
    region: string;
    /** Azure location, e.g. westeurope. */
    location: string;
    /** Default tags; placeholders when not given. */
    owner?: string;
    costCentre?: string;
}

/** The ranges a new stack chooses. */
export interface NewAddresses {
    vpcCidr: string;
    vnetIpv4Cidr: string;
    vnetIpv6Cidr: string;
    spokeIpv4Cidr: string;
    hubPrefix: string;
}

/** Every IPv4 range an existing stack's raw config (keys without the namespace) uses. */
export function rangesOf(raw: Readonly<Record<string, unknown>>): string[] {
    const r = raw as {
        aws?: { vpcCidr?: string };
        azure?: { vnet?: { ipv4Cidr?: string }; spoke?: { ipv4Cidr?: string } };
        wan?: { hubPrefix?: string };
        sites?: Array<{ addressSpaces?: string[] }>;
    };
    return [r.aws?.vpcCidr, r.azure?.vnet?.ipv4Cidr, r.azure?.spoke?.ipv4Cidr, r.wan?.hubPrefix, ...(r.sites ?? []).flatMap((s) => s.addressSpaces ?? [])]
        .filter((c): c is string => typeof c === "string");
}

/**
 * Four ranges inside 10.0.0.0/8 clear of `taken`: a /16 each for the VPC,
 * the workload VNet and the hub-attached spoke, and a /23 for the hub (the
 * size Microsoft recommends), plus a random ULA /48 (40 random bits, RFC 4193).
 */
export function allocateAddresses(taken: readonly string[], random: (bytes: number) => Buffer = randomBytes): NewAddresses {
    const used: Ipv4Network[] = taken.flatMap((c) => { try { return [ipv4(c)]; } catch { return []; } });
    const claim = (candidates: string[]): string => {
        const free = candidates.find((c) => !used.some((u) => overlaps(u, ipv4(c))));
        if (!free) throw new Error("no free range left in 10.0.0.0/8");
        used.push(ipv4(free));
        return free;
    };
    // Second octets in tens first (10.30, 10.60, ...) so environments read apart; then any free /16.
    const sixteens = [...Array.from({ length: 25 }, (_, i) => (i + 1) * 10), ...Array.from({ length: 254 }, (_, i) => i + 1)].map((o) => `10.${o}.0.0/16`);
    const vpcCidr = claim(sixteens);
    const vnetIpv4Cidr = claim(sixteens);
    const spokeIpv4Cidr = claim(sixteens);
    const hubPrefix = claim(Array.from({ length: 254 * 128 }, (_, i) => `10.${Math.floor(i / 128) + 1}.${(i % 128) * 2}.0/23`).reverse());
    const bits = random(5).toString("hex");
    const vnetIpv6Cidr = `fd${bits.slice(0, 2)}:${bits.slice(2, 6)}:${bits.slice(6, 10)}::/48`;
    return { vpcCidr, vnetIpv4Cidr, spokeIpv4Cidr, hubPrefix, vnetIpv6Cidr };
}

/**
 * A placeholder `secure:` value in the passphrase format (random bytes that
 * no key decrypts), so the new stack plans before its real secrets exist.
 */
export function placeholderCiphertext(random: (bytes: number) => Buffer = randomBytes): string {
    return `v1:${random(12).toString("base64")}:${random(48).toString("base64")}`;
}

/** The AZs the new stack spreads over: the region's a, b and c. */
export function defaultZones(region: string): string[] {
    return ["a", "b", "c"].map((z) => `${region}${z}`);
}

/** The stack file's text, commented, as `Pulumi.<name>.yaml`. */
export function newStackFile(options: NewEnvironmentOptions, addresses: NewAddresses, random: (bytes: number) => Buffer = randomBytes): string {
    const production = options.profile === "production";
    const config: Record<string, unknown> = {
        "landing-zone:environment": options.name,
        "landing-zone:profile": options.profile,
        "landing-zone:owner": options.owner ?? "platform-team@example.org",
        "landing-zone:costCentre": options.costCentre ?? "IT-0000",
        "landing-zone:aws": { region: options.region, availabilityZones: defaultZones(options.region), vpcCidr: addresses.vpcCidr },
        "landing-zone:azure": {
            location: options.location,
            vnet: {
                ipv4Cidr: addresses.vnetIpv4Cidr,
                ipv6Cidr: addresses.vnetIpv6Cidr,
                subnets: [{ name: "web", allowInbound: [{ name: "https", protocol: "Tcp", ports: 443 }] }, { name: "app" }],
            },
            // A Basic hub (budget) is site-to-site VPN only and cannot attach a VNet; the Standard hub (production) attaches the spoke.
            ...(production ? { spoke: { ipv4Cidr: addresses.spokeIpv4Cidr, subnets: [{ name: "private" }] } } : {}),
        },
        "landing-zone:wan": { hubPrefix: addresses.hubPrefix },
        "landing-zone:sites": [],
        "landing-zone:server": {
            name: "app",
            ingress: [{ name: "https", protocol: "tcp", ports: 443 }],
            app: { systemdUnit: "nginx.service", packages: ["nginx"] },
        },
        ...(production ? { "landing-zone:crossCloudTunnelKeySeed": { secure: placeholderCiphertext(random) } } : {}),
    };
    const header = [
        `# ${options.name}: written by npm run env:new (profile ${options.profile}). Edit freely.`,
        `# Address ranges were chosen clear of every other stack in this repository.`,
        `# The monthly cost cap lives in policy/config/${options.name}.json (cost-monthly-cap.monthlyCapUsd), the one place.`,
        `# Branch offices: add each under landing-zone:sites, then its pre-shared key with`,
        `#   pulumi config set --stack ${options.name} --secret --path 'landing-zone:vpnPreSharedKeys.<site>'`,
        ...(production
            ? [`# The cross-cloud link (on in production) needs a seed; the one below is a placeholder`, `# no key decrypts: replace it with`, `#   pulumi config set --stack ${options.name} --secret landing-zone:crossCloudTunnelKeySeed`]
            : []),
    ];
    return `${header.join("\n")}\n${YAML.stringify({ config })}`;
}

/** The policy pack config: the profile's template (dev.json for budget, prod.json for production) with this cap. */
export function newPolicyConfig(template: Readonly<Record<string, unknown>>, capUsd: number): Record<string, unknown> {
    const copy = JSON.parse(JSON.stringify(template)) as Record<string, Record<string, unknown>>;
    copy["cost-monthly-cap"] = { ...(copy["cost-monthly-cap"] ?? { enforcementLevel: "mandatory" }), monthlyCapUsd: capUsd };
    return copy;
}

/** A cap with headroom over the estimate: 20 % more, rounded up to $50. */
export function capWithHeadroom(monthlyEstimate: number): number {
    return Math.max(50, Math.ceil((monthlyEstimate * 1.2) / 50) * 50);
}
