/**
 * Who can reach what: for every pair of endpoints (each branch site, each
 * Azure VNet, the AWS VPC, the server, the IPv4 and the IPv6 internet),
 * whether `from` can open a connection to `to` over IPv4 and over IPv6, by
 * which path, and why not. Pure: computed from the validated config and the
 * planned resources (the server's real security group rules).
 *
 * The model, from the platform facts in DESIGN.md:
 * - Virtual WAN and its VPN tunnels carry IPv4 only; branch LANs are IPv4
 *   (their IPv6 stays local), and the hub-attached spoke VNet is IPv4-only.
 * - The hub connects sites and the spoke; branch-to-branch when allowed;
 *   the AWS VPC only over the cross-cloud link (BGP, routes propagated to
 *   every VPC route table).
 * - The dual-stack workload VNet is attached to nothing (Virtual WAN cannot
 *   attach a VNet with IPv6): it is reached over the internet only, through
 *   its NSG rules, and its subnets have no default outbound access.
 * - The server takes inbound on its ingress rules: over IPv6 on its own
 *   address in a public subnet, over IPv4 only with an Elastic IP (no
 *   auto-assigned public IPv4); it leaves over IPv6 through the internet or
 *   egress-only gateway, over IPv4 through its Elastic IP or a NAT gateway.
 */
import { internetInboundRules, AWS_INGRESS_RULE, portText, InboundRule } from "../../policy/rules";
import type { LandingZoneConfig } from "../config/resolve";

export type Family = "ipv4" | "ipv6";

export interface Endpoint {
    /** `site:<name>`, `vnet:workload`, `vnet:spoke`, `vpc`, `server`, `internet:ipv4`, `internet:ipv6`. */
    id: string;
    kind: "site" | "vnet" | "vpc" | "server" | "internet";
    /** For people: "branch sydney-hq", "workload VNet", "IPv6 internet". */
    label: string;
}

/** One direction over one family. `path` lists the hops in order; `why` says what stops it. */
export interface Reach {
    reachable: boolean;
    path: string[];
    why: string | null;
    /** The config key to change to open (or close) it, when one would. */
    key: string | null;
}

export interface ReachPair {
    from: string;
    to: string;
    /** null where the family does not apply (the IPv6 internet over IPv4). */
    ipv4: Reach | null;
    ipv6: Reach | null;
}

export interface ReachWarning {
    /** The config key to change. */
    key: string;
    message: string;
}

export interface Reachability {
    endpoints: Endpoint[];
    pairs: ReachPair[];
    warnings: ReachWarning[];
}

export interface ReachResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

const NS = "landing-zone:";
/** More sites than this are shown as one endpoint. */
export const MAX_SITE_ENDPOINTS = 8;
const yes = (path: string[]): Reach => ({ reachable: true, path, why: null, key: null });
const no = (why: string, key: string | null = null): Reach => ({ reachable: false, path: [], why, key: key ? `${NS}${key}` : null });

const HUB_IPV4_ONLY = "Virtual WAN and its VPN tunnels carry IPv4 only (platform limit)";
const SITE_IPV4_ONLY = "branch LANs are IPv4-only here (their ranges are IPv4; IPv6 stays local to the branch)";

/** Computes the reachability matrix. */
export function reachability(config: LandingZoneConfig, resources: readonly ReachResource[]): Reachability {
    const wan = config.wan;
    const server = config.server;
    const endpoints: Endpoint[] = [
        // Every site behaves alike in this model: past a handful, one endpoint stands for all (the matrix stays small at 1,000 sites).
        ...(config.sites.length <= MAX_SITE_ENDPOINTS
            ? config.sites.map((s) => ({ id: `site:${s.name}`, kind: "site" as const, label: `branch ${s.name}` }))
            : [{ id: "site:*", kind: "site" as const, label: `each of the ${config.sites.length} branch sites` }]),
        { id: "vnet:workload", kind: "vnet", label: "workload VNet" },
        ...(config.azure.spoke ? [{ id: "vnet:spoke", kind: "vnet" as const, label: "spoke VNet" }] : []),
        { id: "vpc", kind: "vpc", label: "AWS VPC" },
        ...(server ? [{ id: "server", kind: "server" as const, label: `server ${server.tierName}` }] : []),
        { id: "internet:ipv4", kind: "internet", label: "IPv4 internet" },
        { id: "internet:ipv6", kind: "internet", label: "IPv6 internet" },
    ];

    // The server's inbound rules as planned, per family.
    const serverRules: InboundRule[] = server
        ? resources.filter((r) => r.type === AWS_INGRESS_RULE && r.name.startsWith(`${server.tierName}-in-`)).flatMap((r) => internetInboundRules(r.type, r.inputs))
        : [];
    const ports = (family: Family) => serverRules.filter((r) => (family === "ipv4" ? r.ipv4Internet : r.ipv6Internet)).map(portText);
    const workloadPorts = config.azure.vnet.subnets.flatMap((s) => (s.allowInbound ?? []).map((a) => `${a.protocol.toUpperCase()} ${a.ports}`));
    const spokePorts = (config.azure.spoke?.subnets ?? []).flatMap((s) => (s.allowInbound ?? []).map((a) => `${a.protocol.toUpperCase()} ${a.ports}`));

    /** Private IPv4 between the hub's members (sites, spoke) and AWS (the VPC, the server). */
    const viaHub = (a: Endpoint, b: Endpoint): Reach => {
        const member = (e: Endpoint) => e.kind === "site" || e.id === "vnet:spoke";
        const aws = (e: Endpoint) => e.kind === "vpc" || e.kind === "server";
        if (!wan) return no("there is no Virtual WAN hub", "wan");
        if (member(a) && member(b)) {
            if (a.kind === "site" && b.kind === "site" && !wan.allowBranchToBranch) return no("branch-to-branch traffic is off", "wan.allowBranchToBranch");
            return yes(["Virtual WAN hub"]);
        }
        if ((member(a) && aws(b)) || (aws(a) && member(b))) {
            if (!wan.crossCloudLink) return no("the cross-cloud link (AWS VPC ↔ hub) is off", "wan.crossCloudLink");
            return yes(a.kind === "site" || a.id === "vnet:spoke" ? ["Virtual WAN hub", "cross-cloud tunnel"] : ["cross-cloud tunnel", "Virtual WAN hub"]);
        }
        return no("no private path");
    };

    /** Adds the server's security group on the way in. */
    const intoServer = (reach: Reach, family: Family, via: string): Reach => {
        if (!reach.reachable) return reach;
        const open = ports(family);
        if (open.length === 0) return no(`the server's security group opens no port over ${family === "ipv4" ? "IPv4" : "IPv6"}`, "server.ingress");
        return yes([...reach.path, `${via} (${open.join(", ")})`]);
    };

    const serverFromInternet = (family: Family): Reach => {
        if (!server) return no("no server");
        if (server.subnetTier === "private") return no("the server is in a private subnet: no inbound from the internet", "server.subnetTier");
        if (family === "ipv4" && !server.elasticIp) return no("the server has no public IPv4 address (no Elastic IP: IPv6 only)", "server.elasticIp");
        return intoServer(yes(["internet"]), family, family === "ipv4" ? "Elastic IP" : "the instance's IPv6 address");
    };

    const awsToInternet = (family: Family, e: Endpoint): Reach => {
        const publicServer = e.kind === "server" && server?.subnetTier === "public";
        if (family === "ipv6") return yes([publicServer ? "internet gateway" : "egress-only internet gateway"]);
        if (e.kind === "server" && publicServer) {
            return server.elasticIp ? yes(["Elastic IP", "internet gateway"]) : no("the server has no public IPv4 address and a public subnet has no NAT route", "server.elasticIp");
        }
        return config.aws.natGateway ? yes(["NAT gateway"]) : no("no NAT gateway for IPv4 egress from private subnets (IPv6 egress is free)", "aws.natGateway");
    };

    const reach = (a: Endpoint, b: Endpoint, family: Family): Reach | null => {
        if (a.kind === "internet" && b.kind === "internet") return null;
        if ((a.id === "internet:ipv4" || b.id === "internet:ipv4") && family === "ipv6") return null;
        if ((a.id === "internet:ipv6" || b.id === "internet:ipv6") && family === "ipv4") return null;
        const v6 = family === "ipv6";
        // Families first: who has no IPv6 at all.
        if (v6 && (a.kind === "site" || b.kind === "site")) return no(SITE_IPV4_ONLY);
        if (v6 && (a.id === "vnet:spoke" || b.id === "vnet:spoke")) return no("the spoke VNet is IPv4-only: Virtual WAN cannot attach a VNet with IPv6 (platform limit)");

        // From the internet.
        if (a.kind === "internet") {
            if (b.kind === "server") return serverFromInternet(family);
            if (b.id === "vnet:workload") return workloadPorts.length ? yes(["internet", `NSG (${workloadPorts.join(", ")}) to workloads with a public IP`]) : no("no workload subnet allows inbound", "azure.vnet.subnets");
            if (b.id === "vnet:spoke") return spokePorts.length ? yes(["internet", `NSG (${spokePorts.join(", ")}) to workloads with a public IP`]) : no("the spoke takes no inbound from the internet", "azure.spoke.subnets");
            if (b.kind === "vpc") return no("only the server is published; the rest of the VPC takes no inbound from the internet");
            return no("branch LANs are not published to the internet");
        }
        // To the internet.
        if (b.kind === "internet") {
            if (a.kind === "site") return yes(["the branch's own internet link"]);
            if (a.kind === "vnet") return no("subnets have no default outbound access; give a workload a public IP or add a NAT gateway");
            return awsToInternet(family, a);
        }
        // Inside AWS: the VPC's local route, both families.
        if ((a.kind === "vpc" && b.kind === "server") || (a.kind === "server" && b.kind === "vpc")) {
            return b.kind === "server" ? intoServer(yes(["VPC local route"]), family, "security group") : yes(["VPC local route"]);
        }
        // The dual-stack workload VNet is attached to nothing.
        if (a.id === "vnet:workload" || b.id === "vnet:workload") {
            return no("the workload VNet is attached to no hub or peering (Virtual WAN cannot attach a dual-stack VNet); reach its workloads over the internet");
        }
        // What is left are private paths over the hub: IPv4 only.
        if (v6) return no(HUB_IPV4_ONLY);
        const hub = viaHub(a, b);
        if (b.kind === "server") {
            const tunnel = intoServer(hub, family, "security group");
            if (tunnel.reachable || a.kind !== "site") return tunnel;
            // A branch can still use the server's public IPv4 over its own internet link.
            const publicPath = serverFromInternet("ipv4");
            if (publicPath.reachable) return yes(["the branch's own internet link", ...publicPath.path.slice(1)]);
            return { reachable: false, path: [], why: `${tunnel.why}; over the internet: ${publicPath.why}`, key: publicPath.key ?? tunnel.key };
        }
        return hub;
    };

    const pairs: ReachPair[] = [];
    for (const a of endpoints) for (const b of endpoints) {
        // The collapsed site endpoint pairs with itself: branch to branch.
        if ((a.id === b.id && a.id !== "site:*") || (a.kind === "internet" && b.kind === "internet")) continue;
        pairs.push({ from: a.id, to: b.id, ipv4: reach(a, b, "ipv4"), ipv6: reach(a, b, "ipv6") });
    }
    return { endpoints, pairs, warnings: warningsOf(config, pairs) };
}

/** What a user would not expect: offices that cannot reach the server, branches that cannot reach AWS. */
function warningsOf(config: LandingZoneConfig, pairs: readonly ReachPair[]): ReachWarning[] {
    const warnings: ReachWarning[] = [];
    const sites = config.sites.length <= MAX_SITE_ENDPOINTS ? config.sites.map((s) => s.name) : ["*"];
    const byPair = new Map(pairs.map((p) => [`${p.from}>${p.to}`, p]));
    const pair = (from: string, to: string) => byPair.get(`${from}>${to}`);
    const blocked = (p: ReachPair | undefined) => p !== undefined && !p.ipv4?.reachable && !p.ipv6?.reachable;
    const cutOff = sites.filter((s) => blocked(pair(`site:${s}`, "server")));
    const which = (names: string[]) => (names.length === sites.length ? "any branch office" : `branch ${names.join(", ")}`);
    if (cutOff.length > 0 && config.server) {
        const server = config.server;
        const ipv6Only = !server.elasticIp && server.subnetTier === "public";
        warnings.push({
            key: `${NS}${ipv6Only ? "server.elasticIp" : "wan.crossCloudLink"}`,
            message: `the server cannot be reached from ${which(cutOff)}: ` +
                `${ipv6Only ? "it has only IPv6 and the offices are IPv4-only" : "it takes no inbound from the internet"}${config.wan?.crossCloudLink ? "" : ", and the cross-cloud link is off"}; ` +
                `turn on server.elasticIp (a public IPv4, about $3.65 a month) or wan.crossCloudLink (private access over the hub)`,
        });
    }
    const noAws = sites.filter((s) => !pair(`site:${s}`, "vpc")?.ipv4?.reachable);
    if (noAws.length > 0) {
        const why = pair(`site:${noAws[0]}`, "vpc")?.ipv4;
        warnings.push({
            key: why?.key ?? `${NS}wan.crossCloudLink`,
            message: `${noAws.length === sites.length ? "no branch office" : `branch ${noAws.join(", ")}`} can reach the AWS VPC privately: ${why?.why ?? "no path"}`,
        });
    }
    return warnings;
}

/** The text section of the plan report. */
export function renderReachability(r: Reachability): string[] {
    const short = (id: string) => (id === "site:*" ? "sites" : id.replace(/^site:/, "").replace(/^vnet:/, "").replace(/^internet:/, "inet-"));
    const cell = (p: ReachPair | undefined) => {
        if (!p) return "";
        const fams = [p.ipv4?.reachable ? "4" : "", p.ipv6?.reachable ? "6" : ""].filter(Boolean).join("+");
        return fams || "-";
    };
    const ids = r.endpoints.map((e) => e.id);
    const header = ["from \\ to", ...ids.map(short)];
    const byPair = new Map(r.pairs.map((p) => [`${p.from}>${p.to}`, p]));
    const rows = ids.map((from) => [short(from), ...ids.map((to) => (from === to && from !== "site:*" ? "·" : cell(byPair.get(`${from}>${to}`))))]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const fmt = (row: string[]) => row.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
    const lines = [
        "Reachability (4 = over IPv4, 6 = over IPv6, - = not at all; rows open connections to columns)",
        `  ${fmt(header)}`,
        ...rows.map((row) => `  ${fmt(row)}`),
    ];
    // Paths where there is one; the reasons where there is none, each once with the pairs it blocks.
    const path = (reach: Reach | null) => (reach?.reachable ? reach.path.join(" → ") : null);
    lines.push("  Paths:");
    for (const p of r.pairs) {
        const v4 = path(p.ipv4);
        const v6 = path(p.ipv6);
        if (!v4 && !v6) continue;
        const via = v4 && v6 && v4 === v6 ? `IPv4+IPv6 via ${v4}` : [v4 && `IPv4 via ${v4}`, v6 && `IPv6 via ${v6}`].filter(Boolean).join("; ");
        lines.push(`    ${short(p.from)} → ${short(p.to)}: ${via}`);
    }
    const blocked = new Map<string, string[]>();
    for (const p of r.pairs) {
        for (const [family, reach] of [["IPv4", p.ipv4], ["IPv6", p.ipv6]] as const) {
            if (!reach || reach.reachable) continue;
            const why = `${reach.why}${reach.key ? ` [${reach.key}]` : ""}`;
            blocked.set(why, [...(blocked.get(why) ?? []), `${short(p.from)} → ${short(p.to)} (${family})`]);
        }
    }
    lines.push("  Why not:");
    for (const [why, which] of blocked) lines.push(`    ${why}: ${which.join(", ")}`);
    for (const w of r.warnings) lines.push(`  WARNING ${w.key}: ${w.message}`);
    return lines;
}
