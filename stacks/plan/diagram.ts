/**
 * The topology picture (`npm run plan -- --diagram`): a Mermaid flowchart
 * generated from the planned resources, never drawn by hand. The VPC with its
 * tiers and AZs (each subnet's IPv4 and IPv6 range) and the server tier; the
 * VNets, the Virtual WAN hub, every branch site with its ranges, the
 * cross-cloud tunnels; IPv4-only parts drawn dashed and labelled. Many branch
 * sites collapse into one node per `sitesPerNode` sites.
 *
 * Pure: a plan document in, Mermaid text out. What is IPv4-only comes from
 * the document's IPv6 readiness (policy/ipv6-readiness.ts) when present, else
 * from the resources' address prefixes.
 */
import type { PlanDocument } from "./report";

export interface DiagramOptions {
    /** More branch sites than this are collapsed into groups. Default 12. */
    maxSites?: number;
    /** Sites per node once collapsed. Default 25. */
    sitesPerNode?: number;
}

type Resource = PlanDocument["resources"][number];
export type DiagramInput = Pick<PlanDocument, "resources"> & Partial<Pick<PlanDocument, "ipv6" | "outputs" | "addressing" | "stack">>;

const TIER_ORDER = ["public", "private", "data"];

/** Mermaid label text: quotes would end the label. */
const label = (text: string) => `"${text.replace(/"/g, "#quot;")}"`;
const str = (v: unknown) => (typeof v === "string" ? v : undefined);
/** A string or number input as text, else the fallback (inputs are untyped JSON). */
const scalar = (v: unknown, fallback: string) => (typeof v === "string" || typeof v === "number" ? String(v) : fallback);

export function renderDiagram(doc: DiagramInput, options: DiagramOptions = {}): string {
    const maxSites = options.maxSites ?? 12;
    const sitesPerNode = Math.max(1, options.sitesPerNode ?? 25);
    const ids = new Map<string, string>();
    const idOf = (key: string) => {
        let id = ids.get(key);
        if (!id) {
            id = `n${ids.size}_${key.replace(/[^A-Za-z0-9]/g, "_").slice(0, 40)}`;
            ids.set(key, id);
        }
        return id;
    };
    const ofType = (type: string) => doc.resources.filter((r) => r.type === type);
    const byName = new Map<string, Resource[]>();
    for (const r of doc.resources) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
    /** The component a resource belongs to (its parent's type), for telling a cross-cloud site from a branch. */
    const parentType = (r: Resource) => (r.parent ? byName.get(r.parent)?.find((p) => p.type.startsWith("landing-zone:"))?.type : undefined);

    const ipv4Only = ipv4OnlyNames(doc);
    const lines = ["flowchart LR"];
    const edges: string[] = [];
    /** `r` names the resource whose IPv6 readiness marks the node; `true` marks it IPv4-only outright. */
    const node = (indent: string, key: string, text: string, r?: Resource | string | true, shape: [string, string] = ["[", "]"]) => {
        const name = typeof r === "string" ? r : r === true ? undefined : r?.name;
        const v4 = r === true || (name !== undefined && ipv4Only.has(name));
        lines.push(`${indent}${idOf(key)}${shape[0]}${label(v4 ? `${text}<br/>IPv4-only` : text)}${shape[1]}${v4 ? ":::ipv4only" : ""}`);
    };
    const internet = "internet";
    lines.push(`    ${idOf(internet)}((${label("internet<br/>IPv4 + IPv6")}))`);

    // ---- AWS
    const vpcs = ofType("aws:ec2/vpc:Vpc");
    const region = str(ofType("pulumi:providers:aws")[0]?.inputs.region) ?? doc.addressing?.aws.region ?? "";
    const server = doc.outputs?.server as { subnetTier?: string; instanceTypes?: string[]; market?: string; snapshotSchedule?: string } | undefined;
    for (const vpc of vpcs) {
        const v6 = vpc.inputs.assignGeneratedIpv6CidrBlock === true || vpc.inputs.ipv6IpamPoolId !== undefined;
        lines.push(`    subgraph ${idOf(`vpc:${vpc.name}`)}[${label(`AWS ${region} · VPC ${vpc.name}<br/>${str(vpc.inputs.cidrBlock) ?? ""}${v6 ? " + IPv6 /56 from Amazon" : ""}`)}]`);
        lines.push("        direction TB");
        const inVpc = (r: Resource) => r.parent === vpc.parent || r.parent === vpc.name;
        for (const igw of ofType("aws:ec2/internetGateway:InternetGateway").filter(inVpc)) {
            node("        ", `igw:${igw.name}`, "internet gateway", igw);
            edges.push(`    ${idOf(internet)} --- ${idOf(`igw:${igw.name}`)}`);
        }
        for (const eigw of ofType("aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway").filter(inVpc)) {
            node("        ", `eigw:${eigw.name}`, "egress-only internet gateway<br/>IPv6 egress, free", eigw);
            edges.push(`    ${idOf(`eigw:${eigw.name}`)} --> ${idOf(internet)}`);
        }
        for (const nat of ofType("aws:ec2/natGateway:NatGateway").filter(inVpc)) {
            node("        ", `nat:${nat.name}`, `NAT gateway ${nat.name}`, true);
            edges.push(`    ${idOf(`nat:${nat.name}`)} --> ${idOf(internet)}`);
        }
        const subnets = ofType("aws:ec2/subnet:Subnet").filter(inVpc);
        const tierOf = (s: Resource) => (s.inputs.tags as Record<string, string> | undefined)?.["landing-zone:tier"] ?? "other";
        const tiers = [...new Set(subnets.map(tierOf))].sort((a, b) => rank(TIER_ORDER, a) - rank(TIER_ORDER, b));
        for (const tier of tiers) {
            lines.push(`        subgraph ${idOf(`tier:${vpc.name}:${tier}`)}[${label(`${tier} subnets`)}]`);
            lines.push("            direction LR");
            const inTier = subnets.filter((s) => tierOf(s) === tier).sort((a, b) => String(a.inputs.availabilityZone).localeCompare(String(b.inputs.availabilityZone)));
            for (const s of inTier) {
                const v6 = str(s.inputs.ipv6CidrBlock);
                node("            ", `subnet:${s.name}`, `${str(s.inputs.availabilityZone) ?? s.name}<br/>${str(s.inputs.cidrBlock) ?? ""}${v6 ? `<br/>${v6}` : ""}`, s);
            }
            if (server?.subnetTier === tier) {
                for (const g of ofType("aws:autoscaling/group:Group")) {
                    const types = server.instanceTypes?.join(", ") ?? "";
                    node("            ", `asg:${g.name}`, `server: Auto Scaling group ${g.name}<br/>exactly ${scalar(g.inputs.maxSize, "1")} instance (${types}${server.market ? `, ${server.market}` : ""})<br/>${inTier.length === 1 ? "in 1 AZ" : `in any of ${inTier.length} AZs`}`, g, ["([", "])"]);
                }
            }
            lines.push("        end");
            if (tier === "public") {
                for (const igw of ofType("aws:ec2/internetGateway:InternetGateway").filter(inVpc)) edges.push(`    ${idOf(`igw:${igw.name}`)} --- ${idOf(`tier:${vpc.name}:${tier}`)}`);
            } else {
                for (const eigw of ofType("aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway").filter(inVpc)) edges.push(`    ${idOf(`tier:${vpc.name}:${tier}`)} -. IPv6 .-> ${idOf(`eigw:${eigw.name}`)}`);
                for (const nat of ofType("aws:ec2/natGateway:NatGateway").filter(inVpc)) edges.push(`    ${idOf(`tier:${vpc.name}:${tier}`)} -. IPv4 .-> ${idOf(`nat:${nat.name}`)}`);
            }
        }
        for (const g of ofType("aws:autoscaling/group:Group")) {
            if (!ids.has(`asg:${g.name}`)) node("        ", `asg:${g.name}`, `server: Auto Scaling group ${g.name}`, g, ["([", "])"]);
            for (const fn of ofType("aws:lambda/function:Function").filter((f) => f.parent === g.parent)) {
                node("        ", `fn:${fn.name}`, `failover Lambda ${fn.name}<br/>moves data volume, address, DNS`, fn);
                edges.push(`    ${idOf(`fn:${fn.name}`)} -.-> ${idOf(`asg:${g.name}`)}`);
            }
            for (const dlm of ofType("aws:dlm/lifecyclePolicy:LifecyclePolicy").filter((d) => d.parent === g.parent)) {
                node("        ", `dlm:${dlm.name}`, `snapshots${server?.snapshotSchedule ? `<br/>${server.snapshotSchedule}` : ""}`, dlm);
                edges.push(`    ${idOf(`dlm:${dlm.name}`)} -.-> ${idOf(`asg:${g.name}`)}`);
            }
            for (const eip of ofType("aws:ec2/eip:Eip").filter((e) => e.parent === g.parent)) {
                node("        ", `eip:${eip.name}`, `Elastic IP ${eip.name}`, eip);
                edges.push(`    ${idOf(internet)} --> ${idOf(`eip:${eip.name}`)} --- ${idOf(`asg:${g.name}`)}`);
            }
        }
        for (const vgw of ofType("aws:ec2/vpnGateway:VpnGateway")) {
            node("        ", `vgw:${vgw.name}`, `virtual private gateway<br/>AS ${scalar(vgw.inputs.amazonSideAsn, "64512")}`, vgw);
        }
        lines.push("    end");
    }

    // ---- Azure
    const location = str(ofType("azure-native:network:VirtualNetwork")[0]?.inputs.location) ?? doc.addressing?.azure.location ?? "";
    const vnets = ofType("azure-native:network:VirtualNetwork");
    const hubs = ofType("azure-native:network:VirtualHub");
    if (vnets.length > 0 || hubs.length > 0) {
        lines.push(`    subgraph ${idOf("azure")}[${label(`Azure ${location}`)}]`);
        lines.push("        direction TB");
        const subnets = ofType("azure-native:network:Subnet");
        for (const vnet of vnets) {
            const prefixes = ((vnet.inputs.addressSpace as { addressPrefixes?: string[] } | undefined)?.addressPrefixes ?? []).join(" + ");
            const own = subnets.filter((s) => s.parent === vnet.parent).map((s) => `${str(s.inputs.subnetName) ?? s.name} ${((s.inputs.addressPrefixes as string[] | undefined) ?? [str(s.inputs.addressPrefix) ?? ""]).join(" + ")}`);
            node("        ", `vnet:${vnet.name}`, `VNet ${vnet.name}<br/>${prefixes}${own.length ? `<br/>${own.join("<br/>")}` : ""}`, vnet);
        }
        for (const hub of hubs) {
            const gateways = ofType("azure-native:network:VpnGateway").filter((g) => g.parent === hub.parent);
            const gw = gateways.map((g) => `S2S VPN gateway, ${scalar(g.inputs.vpnGatewayScaleUnit, "1")} scale unit(s), AS ${scalar((g.inputs.bgpSettings as { asn?: number } | undefined)?.asn, "65515")}`);
            node("        ", `hub:${hub.name}`, `Virtual WAN hub ${hub.name} (${str(hub.inputs.sku) ?? "Standard"})<br/>${str(hub.inputs.addressPrefix) ?? ""}${gw.length ? `<br/>${gw.join("<br/>")}` : ""}`, hub);
        }
        lines.push("    end");
        for (const conn of ofType("azure-native:network:HubVirtualNetworkConnection")) {
            const remote = str((conn.inputs.remoteVirtualNetwork as { id?: string } | undefined)?.id) ?? "";
            const hub = hubs.find((h) => h.parent === conn.parent) ?? hubs[0];
            // The VNet's Azure name ends the id; match the VNet whose component also names its subnets' VNet.
            const vnet = vnets.find((v) => subnets.some((s) => s.parent === v.parent && remote.endsWith(`/virtualNetworks/${str(s.inputs.virtualNetworkName) ?? "?"}`))) ?? vnets.find((v) => remote.includes(v.name));
            if (hub && vnet) edges.push(`    ${idOf(`hub:${hub.name}`)} --- ${idOf(`vnet:${vnet.name}`)}`);
        }
        for (const vnet of vnets) {
            if (!ipv4Only.has(vnet.name)) edges.push(`    ${idOf(internet)} --> ${idOf(`vnet:${vnet.name}`)}`);
        }
    }

    // ---- Branch sites and the cross-cloud link
    const hub = hubs[0];
    const allSites = ofType("azure-native:network:VpnSite");
    const crossCloud = allSites.filter((s) => parentType(s) === "landing-zone:azure:CrossCloudSite");
    const branches = allSites.filter((s) => !crossCloud.includes(s));
    const ranges = (s: Resource) => (s.inputs.addressSpace as { addressPrefixes?: string[] } | undefined)?.addressPrefixes ?? [];
    const bgpAsn = (s: Resource) => (s.inputs.vpnSiteLinks as Array<{ bgpProperties?: { asn?: number } }> | undefined)?.[0]?.bgpProperties?.asn;
    const siteName = (s: Resource) => (s.parent && s.name.startsWith(`${s.parent}-site-`) ? s.name.slice(s.parent.length + 6) : s.name);
    const protocol = (() => {
        const conns = ofType("azure-native:network:VpnConnection");
        const types = new Set(conns.flatMap((c) => ((c.inputs.vpnLinkConnections as Array<{ vpnConnectionProtocolType?: string }> | undefined) ?? []).map((l) => l.vpnConnectionProtocolType)).filter(Boolean));
        return types.size === 1 ? `IPsec ${[...types][0]}` : "IPsec";
    })();
    if (hub && branches.length > 0) {
        if (branches.length <= maxSites) {
            for (const s of branches) {
                const device = s.inputs.deviceProperties as { deviceVendor?: string; deviceModel?: string; linkSpeedInMbps?: number } | undefined;
                const asn = bgpAsn(s);
                node("    ", `site:${s.name}`, `branch ${siteName(s)}<br/>${ranges(s).join(", ") || "(BGP only)"}${asn ? `<br/>BGP AS ${asn}` : ""}${device?.deviceVendor ? `<br/>${device.deviceVendor} ${device.deviceModel ?? ""}`.trimEnd() : ""}`, s);
                edges.push(`    ${idOf(`site:${s.name}`)} -- ${label(protocol)} --> ${idOf(`hub:${hub.name}`)}`);
            }
        } else {
            for (let i = 0; i < branches.length; i += sitesPerNode) {
                const group = branches.slice(i, i + sitesPerNode);
                const first = group[0];
                const last = group[group.length - 1];
                const groupRanges = group.flatMap(ranges);
                const bgp = group.filter((s) => bgpAsn(s) !== undefined).length;
                const v4 = group.every((s) => ipv4Only.has(s.name));
                const key = `sites:${i}`;
                const text = `branches ${siteName(first)} … ${siteName(last)}<br/>${group.length} sites, ${groupRanges.length} ranges${groupRanges.length ? `<br/>${groupRanges[0]} … ${groupRanges[groupRanges.length - 1]}` : ""}${bgp ? `<br/>${bgp} with BGP` : ""}`;
                node("    ", key, text, v4 ? first.name : undefined);
                edges.push(`    ${idOf(key)} -- ${label(`${group.length} × ${protocol}`)} --> ${idOf(`hub:${hub.name}`)}`);
            }
        }
    }
    const awsConnections = ofType("aws:ec2/vpnConnection:VpnConnection");
    for (const vgw of ofType("aws:ec2/vpnGateway:VpnGateway")) {
        if (!hub || crossCloud.length === 0) continue;
        edges.push(`    ${idOf(`vgw:${vgw.name}`)} == ${label(`${awsConnections.length} × 2 ${protocol} tunnels, BGP`)} ==> ${idOf(`hub:${hub.name}`)}`);
    }

    lines.push(...edges);
    lines.push("    classDef ipv4only stroke-dasharray: 5 4");
    return lines.join("\n");
}

function rank(order: readonly string[], value: string): number {
    const i = order.indexOf(value);
    return i < 0 ? order.length : i;
}

/** Names of IPv4-only resources: from the readiness report, else from address prefixes without IPv6. */
function ipv4OnlyNames(doc: DiagramInput): Set<string> {
    const items = (doc.ipv6 as { items?: Array<{ name: string; stack: string }> } | null | undefined)?.items;
    if (items) return new Set(items.filter((i) => i.stack === "ipv4-only").map((i) => i.name));
    const names = new Set<string>();
    for (const r of doc.resources) {
        if (r.type === "azure-native:network:VirtualNetwork") {
            const prefixes = (r.inputs.addressSpace as { addressPrefixes?: string[] } | undefined)?.addressPrefixes ?? [];
            if (!prefixes.some((p) => p.includes(":"))) names.add(r.name);
        }
        // Virtual WAN hubs, their gateways and VPN sites are IPv4-only by platform limit; so is an AWS VGW's VPN.
        if (["azure-native:network:VirtualHub", "azure-native:network:VpnGateway", "azure-native:network:VpnSite", "aws:ec2/vpnGateway:VpnGateway", "aws:ec2/eip:Eip"].includes(r.type)) names.add(r.name);
    }
    return names;
}
