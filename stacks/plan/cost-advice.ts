/**
 * Over-cap advice computed, not recited: for each alternative the config
 * really has (a lever not already pulled), the planned resources are changed
 * the way the program would change them (a component's whole subtree goes,
 * or the one input the setting feeds), then priced by the same estimator,
 * so every suggestion carries its monthly saving. A spec checks the model
 * against real re-plans. Only run when the estimate is over the cap.
 */
import { CATALOGUE, estimateMonthlyCost } from "../../components/cost";
import { LandingZoneConfig, NAMESPACE, SERVER_DEFAULTS } from "../config/resolve";
import type { PlannedResource } from "./run";

/** One alternative, with what it saves. */
export interface CostAdvice {
    /** The config key to change. */
    key: string;
    /** The change, in words. */
    change: string;
    /** What the change gives up. */
    tradeOff: string;
    monthlySaving: number;
    monthlyAfter: number;
    /** Whether this change alone brings the estimate under the cap. */
    fitsCap: boolean;
}

/** The biggest cost group: the share of the bill a family of resources takes. */
export interface CostShare {
    what: string;
    monthly: number;
    share: number;
}

type Resources = readonly PlannedResource[];

export interface Lever {
    key: string;
    change: string;
    tradeOff: string;
    /** The stack as the program would plan it with the change. */
    edit(resources: Resources): { resources: Resources; azureLocation?: string };
}

/** Every resource under a component of one of `types` (the components themselves included). */
function withoutComponents(resources: Resources, types: readonly string[]): Resources {
    return withoutSubtrees(resources, (r) => types.includes(r.type));
}

/** Every resource matching `root`, and everything under it. */
function withoutSubtrees(resources: Resources, root: (r: PlannedResource) => boolean): Resources {
    const gone = new Set(resources.filter(root).map((r) => r.urn));
    let grew = true;
    while (grew) {
        grew = false;
        for (const r of resources) if (r.parent && gone.has(r.parent) && !gone.has(r.urn)) { gone.add(r.urn); grew = true; }
    }
    return resources.filter((r) => !gone.has(r.urn));
}

/** The resources with one type's inputs changed. */
function withInputs(resources: Resources, type: string, change: (inputs: Record<string, unknown>) => Record<string, unknown>): Resources {
    return resources.map((r) => (r.type === type ? { ...r, inputs: change(structuredClone<Record<string, unknown>>(r.inputs)) } : r));
}

/** The parts of an Auto Scaling group's planned inputs the edits below change. */
type GroupInputs = Record<string, unknown> & {
    mixedInstancesPolicy?: { instancesDistribution?: unknown; launchTemplate?: { overrides?: unknown } };
};

/** The resources without the hub-attached spoke VNet (its component's subtree) and its hub connection. */
function withoutSpoke(resources: Resources, config: LandingZoneConfig): Resources {
    const isSpoke = (r: PlannedResource) => r.type === "landing-zone:azure:DualStackVnet" && r.name === `${config.environment}-spoke`;
    if (!resources.some(isSpoke)) return resources;
    return withoutSubtrees(resources, (r) => isSpoke(r) || r.type === "azure-native:network:HubVirtualNetworkConnection");
}

/** The link's own components: the AWS VPN, the Azure site, and the baseline's alarms on its tunnels. */
const CROSS_CLOUD = ["landing-zone:aws:CrossCloudVpn", "landing-zone:azure:CrossCloudSite", "landing-zone:aws:TunnelAlarms"];

/** The baseline's Azure alerts on the link (stacks/baseline.ts labels its connection "aws" and its BGP peers "aws-<tunnel>"). */
function withoutLinkAlerts(resources: Resources, config: LandingZoneConfig): Resources {
    const prefix = `${config.environment}-wan-`;
    return resources.filter((r) => !(r.type === "azure-native:monitor:MetricAlert" && (r.name === `${prefix}tunnel-down-aws` || r.name.startsWith(`${prefix}bgp-down-aws-`))));
}

/** The levers a stack's config offers; each only when it is not already pulled. */
export function leversOf(config: LandingZoneConfig): Lever[] {
    const levers: Lever[] = [];
    const add = (applies: boolean, lever: Lever) => { if (applies) levers.push(lever); };
    const server = config.server;
    add(config.wan?.crossCloudLink === true, {
        key: "wan.crossCloudLink", change: "turn the cross-cloud link off", tradeOff: "branches and the spoke no longer reach the AWS VPC privately",
        edit: (rs) => ({ resources: withoutLinkAlerts(withoutComponents(rs, CROSS_CLOUD), config) }),
    });
    // A Basic hub is site-to-site VPN only: it cannot attach the spoke VNet, so the spoke goes with it.
    const spoke = config.azure.spoke !== undefined;
    add(config.wan?.type === "Standard", {
        key: "wan.type", change: `use a Basic Virtual WAN (no hub charge)${spoke ? " and drop azure.spoke, which a Basic hub cannot attach" : ""}`,
        tradeOff: `no VNet connections, VNet-to-VNet transit, ExpressRoute or point-to-site; one gateway scale unit${spoke ? "; the spoke's workloads move elsewhere" : ""}`,
        edit: (rs) => ({
            resources: withInputs(withInputs(withInputs(withoutSpoke(rs, config), "azure-native:network:VirtualWan", (i) => ({ ...i, type: "Basic" })),
                "azure-native:network:VirtualHub", (i) => ({ ...i, ...(i.sku ? { sku: "Basic" } : {}) })),
            "azure-native:network:VpnGateway", (i) => ({ ...i, vpnGatewayScaleUnit: 1 })),
        }),
    });
    add((config.wan?.vpnScaleUnits ?? 1) > 1, {
        key: "wan.vpnScaleUnits", change: "use 1 VPN gateway scale unit", tradeOff: "500 Mbps of aggregate VPN throughput",
        edit: (rs) => ({ resources: withInputs(rs, "azure-native:network:VpnGateway", (i) => ({ ...i, vpnGatewayScaleUnit: 1 })) }),
    });
    add(config.wan !== undefined, {
        key: "wan", change: "drop the Virtual WAN hub (and the branch VPNs on it)", tradeOff: "branch offices reach nothing in the clouds privately; they reach the server over the internet",
        edit: (rs) => ({ resources: withoutComponents(rs, ["landing-zone:azure:WanHub", "landing-zone:azure:VpnAlerts", ...CROSS_CLOUD]) }),
    });
    add(server?.market === "on-demand", {
        key: "server.market", change: "run the server on Spot", tradeOff: "an interruption now and then (the failover handler replaces the instance in minutes)",
        edit: (rs) => ({
            resources: withInputs(rs, "aws:autoscaling/group:Group", (i: GroupInputs) => {
                if (i.mixedInstancesPolicy) i.mixedInstancesPolicy.instancesDistribution = { onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 0, spotAllocationStrategy: "price-capacity-optimized" };
                return i;
            }),
        }),
    });
    const budgetTypes = SERVER_DEFAULTS.budget.instanceTypes;
    add(server !== undefined && server.instanceTypes.join() !== budgetTypes.join(), {
        key: "server.instanceTypes", change: `use the budget types (${budgetTypes.join(", ")})`, tradeOff: "less CPU and memory",
        edit: (rs) => ({
            resources: withInputs(rs, "aws:autoscaling/group:Group", (i: GroupInputs) => {
                const template = i.mixedInstancesPolicy?.launchTemplate;
                if (template) template.overrides = budgetTypes.map((instanceType) => ({ instanceType }));
                return i;
            }),
        }),
    });
    add(server?.elasticIp === true, {
        key: "server.elasticIp", change: "drop the Elastic IP (serve over IPv6)", tradeOff: "IPv4-only clients, and offices without the cross-cloud link, cannot reach the server",
        edit: (rs) => ({ resources: rs.filter((r) => !(r.type === "aws:ec2/eip:Eip" && server !== undefined && r.name.startsWith(server.tierName))) }),
    });
    add(config.aws.natGateway, {
        key: "aws.natGateway", change: "drop the NAT gateway (IPv6 egress is free)", tradeOff: "private subnets no longer reach IPv4-only services",
        edit: (rs) => ({ resources: rs.filter((r) => r.type !== "aws:ec2/natGateway:NatGateway" && !(r.type === "aws:ec2/eip:Eip" && /nat/.test(r.name))) }),
    });
    // Another Azure location the catalogue prices Virtual WAN in.
    const locations = [...new Set(CATALOGUE.lines.filter((l) => l.cloud === "azure" && l.id === "vpn.s2s-scale-unit").map((l) => l.region))];
    for (const location of locations) {
        add(config.wan !== undefined && config.azure.location !== location, {
            key: "azure.location", change: `move the Azure side to ${location}`, tradeOff: "farther from the branch offices (latency); a new deployment",
            edit: (rs) => ({ resources: rs.map((r) => (r.type.startsWith("azure-native:") && "location" in r.inputs ? { ...r, inputs: { ...r.inputs, location } } : r)), azureLocation: location }),
        });
    }
    return levers;
}

/** Each alternative's saving, largest first. */
export function overCapAdvice(config: LandingZoneConfig, resources: Resources, monthly: number, cap: number): CostAdvice[] {
    const advice: CostAdvice[] = [];
    for (const lever of leversOf(config)) {
        const changed = lever.edit(resources);
        const after = estimateMonthlyCost(changed.resources, { awsRegion: config.aws.region, azureLocation: changed.azureLocation ?? config.azure.location, ranges: false }).monthly;
        const saving = Math.round((monthly - after) * 100) / 100;
        if (saving <= 0) continue;
        advice.push({ key: `${NAMESPACE}:${lever.key}`, change: lever.change, tradeOff: lever.tradeOff, monthlySaving: saving, monthlyAfter: after, fitsCap: after <= cap });
    }
    return advice.sort((a, b) => b.monthlySaving - a.monthlySaving);
}

/** The share of the bill by family (Virtual WAN, cross-cloud VPN, server tier, network), largest first. */
export function costShares(items: ReadonlyArray<{ type: string; name: string; monthly: number }>, config: LandingZoneConfig): CostShare[] {
    const total = items.reduce((s, i) => s + i.monthly, 0);
    const tier = config.server?.tierName;
    const family = (i: { type: string; name: string }) =>
        i.type.startsWith("azure-native:network:") && /Virtual(Wan|Hub)|Vpn/.test(i.type) ? "Virtual WAN (hub, VPN gateway, connections)"
            : i.type.startsWith("aws:ec2/vpn") || i.type.startsWith("aws:ec2/customerGateway") ? "cross-cloud VPN (AWS side)"
                : tier && i.name.startsWith(tier) ? `server tier ${tier}`
                    : "network and the rest";
    const sums = new Map<string, number>();
    for (const i of items) sums.set(family(i), (sums.get(family(i)) ?? 0) + i.monthly);
    return [...sums].map(([what, m]) => ({ what, monthly: Math.round(m * 100) / 100, share: total > 0 ? m / total : 0 })).filter((s) => s.monthly > 0).sort((a, b) => b.monthly - a.monthly);
}
