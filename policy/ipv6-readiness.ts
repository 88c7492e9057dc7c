/**
 * IPv6 readiness of a stack, from the planned resources alone (pure, no
 * Pulumi runtime): which networks, subnets, interfaces and internet-facing
 * endpoints are dual-stack and which are IPv4-only, why (platform limit or
 * config choice), and the share of internet-facing endpoints a client on
 * IPv6 can reach.
 *
 * Output (the plan puts it under `ipv6` in its JSON):
 *
 *   { networks:   { dualStack, ipv4Only, ipv6Only, unknown },
 *     subnets:    { ... }, interfaces: { ... }, endpoints: { ... },
 *     internetFacing: { total, reachableOverIpv6, share },   // share: 0..1, null when total is 0
 *     items: [ { kind: "network"|"subnet"|"interface"|"endpoint", type, name, urn,
 *                stack: "dual-stack"|"ipv4-only"|"ipv6-only"|"unknown",
 *                reason: { kind: "platform-limit"|"config-choice"|"unknown", detail } | null,
 *                internetFacing: boolean, reachableOverIpv6: boolean|null } ] }
 *
 * `reason` is null for dual-stack items. `reachableOverIpv6` is null for
 * items that are not internet-facing endpoints.
 */
import { IPV4_ONLY_TAG, PLATFORM_LIMITS } from "./platform";
import { firewallKey, internetInboundRules, InboundRule, portText, RULE_TYPES, uncovered } from "./rules";
import { display } from "../components/display";

export type StackKind = "dual-stack" | "ipv4-only" | "ipv6-only" | "unknown";
export type ReasonKind = "platform-limit" | "config-choice" | "unknown";

export interface ReadinessItem {
    kind: "network" | "subnet" | "interface" | "endpoint";
    type: string;
    name: string;
    urn: string | null;
    stack: StackKind;
    reason: { kind: ReasonKind; detail: string } | null;
    internetFacing: boolean;
    reachableOverIpv6: boolean | null;
}

export interface ReadinessCounts {
    dualStack: number;
    ipv4Only: number;
    ipv6Only: number;
    unknown: number;
}

export interface Ipv6Readiness {
    networks: ReadinessCounts;
    subnets: ReadinessCounts;
    interfaces: ReadinessCounts;
    endpoints: ReadinessCounts;
    internetFacing: { total: number; reachableOverIpv6: number; share: number | null };
    items: ReadinessItem[];
}

export interface ReadinessResource {
    type: string;
    name: string;
    urn?: string;
    inputs: Record<string, unknown>;
}

const UNKNOWN = "[unknown]";

const has = (v: unknown): boolean => v !== undefined && v !== null && v !== "" && v !== false;
const isUnknown = (v: unknown): boolean => v === UNKNOWN;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const isV6 = (c: unknown) => typeof c === "string" && c.includes(":");
const isV4 = (c: unknown) => typeof c === "string" && /^\d{1,3}(\.\d{1,3}){3}(\/\d+)?$/.test(c);
const tags = (inputs: Record<string, unknown>): Record<string, unknown> => (inputs.tags && typeof inputs.tags === "object" ? (inputs.tags as Record<string, unknown>) : {});

function reasonFromTag(value: string): { kind: ReasonKind; detail: string } {
    return { kind: /^platform limit/i.test(value.trim()) ? "platform-limit" : "config-choice", detail: value };
}

function familyOf(prefixes: unknown[]): StackKind {
    if (prefixes.some(isUnknown)) return prefixes.some(isV6) ? "dual-stack" : "unknown";
    const v4 = prefixes.some(isV4);
    const v6 = prefixes.some(isV6);
    return v4 && v6 ? "dual-stack" : v6 ? "ipv6-only" : "ipv4-only";
}

function azureNameOf(reference: unknown): string | undefined {
    return typeof reference === "string" ? /\/virtualNetworks\/([^/]+)$/i.exec(reference)?.[1] : undefined;
}

function azureVnetMatches(vnet: ReadinessResource, azureName: string): boolean {
    const explicit = vnet.inputs.virtualNetworkName;
    if (typeof explicit === "string") return explicit === azureName;
    return azureName === vnet.name || (azureName.startsWith(vnet.name) && /^[0-9a-f]{8}$/.test(azureName.slice(vnet.name.length)));
}

/** Computes the readiness report. */
export function ipv6Readiness(resources: ReadonlyArray<ReadinessResource>): Ipv6Readiness {
    const items: ReadinessItem[] = [];
    const urn = (r: ReadinessResource) => r.urn ?? null;
    const push = (r: ReadinessResource, kind: ReadinessItem["kind"], stack: StackKind, reason: ReadinessItem["reason"], internetFacing = false, reachable: boolean | null = null, name = r.name) =>
        // An IPv4-only endpoint is never reachable over IPv6, whatever else is (the server's own IPv6 counts on its own rules).
        items.push({ kind, type: r.type, name, urn: urn(r), stack, reason: stack === "dual-stack" ? null : reason, internetFacing, reachableOverIpv6: kind === "endpoint" ? reachable && stack !== "ipv4-only" : null });

    const vnets = resources.filter((r) => r.type === "azure-native:network:VirtualNetwork");
    const attachedNames = resources
        .filter((r) => r.type === "azure-native:network:HubVirtualNetworkConnection")
        .map((r) => azureNameOf((r.inputs.remoteVirtualNetwork as { id?: unknown } | undefined)?.id))
        .filter((n): n is string => n !== undefined);
    /** Why an IPv4-only VNet is IPv4-only; a tag without a hub connection is not a verified platform limit. */
    const vnetReason = (vnet: ReadinessResource): { kind: ReasonKind; detail: string } => {
        const tag = tags(vnet.inputs)[IPV4_ONLY_TAG];
        if (typeof tag !== "string") return { kind: "config-choice", detail: "no IPv6 range in addressSpace" };
        const attached = attachedNames.some((n) => azureVnetMatches(vnet, n));
        return attached ? reasonFromTag(tag) : { kind: "config-choice", detail: `tagged "${tag}" but no Virtual WAN hub connection attaches it (unverified exemption)` };
    };
    const ipv6Interfaces: string[] = [];

    for (const r of resources) {
        const i = r.inputs;
        const platform = PLATFORM_LIMITS[r.type]?.readiness;
        if (platform) {
            push(r, platform.kind, "ipv4-only", { kind: "platform-limit", detail: platform.detail }, platform.kind === "endpoint", false);
            continue;
        }
        switch (r.type) {
            case "aws:ec2/vpc:Vpc": {
                const values = [i.assignGeneratedIpv6CidrBlock, i.ipv6IpamPoolId, i.ipv6CidrBlock];
                const stack: StackKind = values.some((v) => has(v) && !isUnknown(v)) ? "dual-stack" : values.some(isUnknown) ? "unknown" : "ipv4-only";
                push(r, "network", stack, stack === "unknown" ? { kind: "unknown", detail: "IPv6 settings are computed during the deployment" } : { kind: "config-choice", detail: "no IPv6 block (assignGeneratedIpv6CidrBlock is off)" });
                break;
            }
            case "azure-native:network:VirtualNetwork": {
                const prefixes = arr((i.addressSpace as { addressPrefixes?: unknown } | undefined)?.addressPrefixes);
                const stack = familyOf(prefixes);
                push(r, "network", stack, stack === "unknown" ? { kind: "unknown", detail: "address space is computed during the deployment" } : vnetReason(r));
                for (const s of arr(i.subnets) as Array<Record<string, unknown>>) {
                    const sp = [s.addressPrefix, ...arr(s.addressPrefixes)].filter((x) => x !== undefined);
                    const sStack = familyOf(sp);
                    push(r, "subnet", sStack, stack === "ipv4-only" ? vnetReason(r) : { kind: "config-choice", detail: "no IPv6 /64 in addressPrefixes" }, false, null, `${r.name}/${display(s.name ?? "?")}`);
                }
                break;
            }
            case "aws:ec2/subnet:Subnet": {
                const stack: StackKind = isUnknown(i.ipv6CidrBlock) ? "unknown"
                    : has(i.ipv6CidrBlock) || has(i.ipv6IpamPoolId) ? (i.ipv6Native === true ? "ipv6-only" : "dual-stack") : "ipv4-only";
                push(r, "subnet", stack, stack === "unknown" ? { kind: "unknown", detail: "IPv6 block is computed during the deployment" } : { kind: "config-choice", detail: "no IPv6 /64 (ipv6CidrBlock)" });
                break;
            }
            case "azure-native:network:Subnet": {
                const prefixes = [i.addressPrefix, ...arr(i.addressPrefixes)].filter((x) => x !== undefined);
                const stack = familyOf(prefixes);
                const vnet = typeof i.virtualNetworkName === "string" ? vnets.find((v) => azureVnetMatches(v, i.virtualNetworkName as string)) : undefined;
                const vnetIpv4Only = vnet !== undefined && familyOf(arr((vnet.inputs.addressSpace as { addressPrefixes?: unknown } | undefined)?.addressPrefixes)) === "ipv4-only";
                push(r, "subnet", stack, stack === "unknown" ? { kind: "unknown", detail: "prefixes are computed during the deployment" } : vnet && vnetIpv4Only ? vnetReason(vnet) : { kind: "config-choice", detail: "no IPv6 /64 in addressPrefixes" });
                break;
            }
            case "aws:ec2/launchTemplate:LaunchTemplate":
            case "aws:ec2/instance:Instance": {
                const nics = arr(i.networkInterfaces) as Array<Record<string, unknown>>;
                const sources = [i, ...nics];
                const unknown = sources.some((n) => isUnknown(n.ipv6AddressCount) || isUnknown(n.ipv6Addresses));
                const v6 = sources.some((n) => (typeof n.ipv6AddressCount === "number" && n.ipv6AddressCount >= 1) || arr(n.ipv6Addresses).length > 0);
                const stack: StackKind = v6 ? "dual-stack" : unknown ? "unknown" : "ipv4-only";
                if (v6) ipv6Interfaces.push(r.name);
                push(r, "interface", stack, stack === "unknown" ? { kind: "unknown", detail: "IPv6 address count is computed during the deployment" } : { kind: "config-choice", detail: "no ipv6AddressCount / ipv6Addresses on its network interface" });
                break;
            }
            case "azure-native:network:NetworkInterface": {
                const versions = (arr(i.ipConfigurations) as Array<Record<string, unknown>>).map((c) => display(c.privateIPAddressVersion ?? "IPv4"));
                const stack: StackKind = versions.includes("IPv6") ? (versions.includes("IPv4") ? "dual-stack" : "ipv6-only") : "ipv4-only";
                push(r, "interface", stack, { kind: "config-choice", detail: "no IPv6 ipConfiguration" });
                break;
            }
            case "azure-native:network:PublicIPAddress": {
                const version = i.publicIPAddressVersion;
                const stack: StackKind = isUnknown(version) ? "unknown" : version === "IPv6" ? "ipv6-only" : "ipv4-only";
                push(r, "endpoint", stack, stack === "unknown" ? { kind: "unknown", detail: "IP version is computed during the deployment" } : { kind: "config-choice", detail: "an IPv4 public IP; add an IPv6 public IP alongside it" }, true, stack === "ipv6-only");
                break;
            }
        }
    }

    // Elastic IPs: IPv4 by nature, so never counted as reachable over IPv6; the server's own IPv6 address is counted by its ingress rules.
    for (const r of resources.filter((x) => x.type === "aws:ec2/eip:Eip")) {
        const serverHasIpv6 = ipv6Interfaces.length > 0;
        push(r, "endpoint", "ipv4-only", {
            kind: "platform-limit",
            detail: `an Elastic IP is an IPv4 address (AWS has no IPv6 Elastic IP)${serverHasIpv6 ? `; the server is also reachable on its own IPv6 address (${ipv6Interfaces.join(", ")})` : "; no instance interface in the stack has an IPv6 address"}`,
        }, true, false);
    }

    // Internet-facing firewall allows, per firewall and port: reachable over IPv6 when ::/0 is allowed too.
    const groups = new Map<string, Array<InboundRule & { r: ReadinessResource }>>();
    for (const r of resources) {
        if (!(RULE_TYPES as readonly string[]).includes(r.type)) continue;
        const key = firewallKey(r.type, r.urn ?? `${r.type}::${r.name}`, r.inputs) ?? `${r.type}::${r.name}`;
        groups.set(key, [...(groups.get(key) ?? []), ...internetInboundRules(r.type, r.inputs).map((rule) => ({ ...rule, r }))]);
    }
    for (const rules of groups.values()) {
        const v4 = rules.filter((x) => x.ipv4Internet);
        const v6 = rules.filter((x) => x.ipv6Internet);
        for (const rule of rules) {
            const counterpart = rule.ipv4Internet && !rule.ipv6Internet ? v6 : !rule.ipv4Internet && rule.ipv6Internet ? v4 : [];
            const both = (rule.ipv4Internet && rule.ipv6Internet) || uncovered(rule, counterpart).length === 0;
            // Count each dual-stack port once: skip the IPv6 half of a pair.
            if (both && !rule.ipv4Internet) continue;
            const stack: StackKind = both ? "dual-stack" : rule.ipv4Internet ? "ipv4-only" : "ipv6-only";
            const tag = tags(rule.r.inputs)[IPV4_ONLY_TAG];
            const reason = typeof tag === "string" ? reasonFromTag(tag) : { kind: "config-choice" as const, detail: `${portText(rule)} is open to 0.0.0.0/0 only` };
            push(rule.r, "endpoint", stack, reason, true, stack !== "ipv4-only", `${rule.r.name} ${rule.where} ${portText(rule)}`);
        }
    }

    const count = (kind: ReadinessItem["kind"]): ReadinessCounts => {
        const of = items.filter((x) => x.kind === kind);
        return {
            dualStack: of.filter((x) => x.stack === "dual-stack").length,
            ipv4Only: of.filter((x) => x.stack === "ipv4-only").length,
            ipv6Only: of.filter((x) => x.stack === "ipv6-only").length,
            unknown: of.filter((x) => x.stack === "unknown").length,
        };
    };
    const facing = items.filter((x) => x.kind === "endpoint" && x.internetFacing);
    const reachable = facing.filter((x) => x.reachableOverIpv6 === true).length;
    return {
        networks: count("network"),
        subnets: count("subnet"),
        interfaces: count("interface"),
        endpoints: count("endpoint"),
        internetFacing: { total: facing.length, reachableOverIpv6: reachable, share: facing.length === 0 ? null : reachable / facing.length },
        items,
    };
}
