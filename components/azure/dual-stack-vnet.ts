/**
 * DualStackVnet: an Azure VNet whose address space and every subnet carry
 * IPv4 and IPv6, with a network security group per subnet that denies the
 * internet by default on both families and allows only what is named, on
 * both families alike.
 *
 * Virtual WAN cannot connect a VNet that has IPv6 (Microsoft's Virtual WAN
 * FAQ), so the component also has an IPv4-only mode for a hub-attached
 * spoke. That mode cannot be chosen silently: it needs a stated reason,
 * recorded as the `landing-zone:ipv4-only-reason` tag that the IPv6 policy
 * checks against a real hub connection.
 */
import * as network from "@pulumi/azure-native/network";
import type * as azureInputs from "@pulumi/azure-native/types/input";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { AzureSubnetPlan } from "../addressing";

/** Tag that records why a network is IPv4-only; policies read it. */
export const IPV4_ONLY_REASON_TAG = "landing-zone:ipv4-only-reason";

/** Inbound traffic to allow from the internet to a subnet, on both families. */
export interface InboundAllowRule {
    /** Short name, used in the NSG rule names. */
    name: string;
    /** "Tcp", "Udp" or "*" (default "Tcp"). */
    protocol?: "Tcp" | "Udp" | "*";
    /** A port or a range such as "8000-8100". */
    ports: number | string;
}

interface CommonArgs {
    /** Azure location, e.g. "australiaeast". */
    location: string;
    /** Put the network in this existing resource group; by default a new one is created. */
    resourceGroupName?: pulumi.Input<string>;
    /** The VNet's IPv4 space, from the address plan. */
    ipv4Cidr: string;
    /** Subnets from the address plan (each with its IPv4 prefix, and its /64 in dual-stack mode). */
    subnets: readonly AzureSubnetPlan[];
    /** Inbound allow rules per subnet name. Default: none, so the internet is denied. */
    allowInbound?: Record<string, readonly InboundAllowRule[]>;
    /** Tags on every resource (Azure Native has no provider-level default tags). */
    tags?: Record<string, string>;
}

/** Dual-stack (the default and the normal case): `ipv6Cidr` is the VNet's ULA /48. */
export interface DualStackVnetArgs extends CommonArgs {
    ipv6Cidr: string;
    ipv4OnlyReason?: undefined;
}

/** IPv4-only, only with a stated reason (e.g. "attached to a Virtual WAN hub"). */
export interface Ipv4OnlyVnetArgs extends CommonArgs {
    ipv6Cidr?: undefined;
    ipv4OnlyReason: string;
}

/** Priorities: allows from 100 in tens (IPv4 at n, IPv6 at n+1), the explicit internet deny near the floor. */
const FIRST_ALLOW_PRIORITY = 100;
const DENY_INTERNET_PRIORITY = 4000;

export class DualStackVnet extends pulumi.ComponentResource {
    readonly resourceGroupName: pulumi.Output<string>;
    readonly vnetId: pulumi.Output<string>;
    readonly vnetName: pulumi.Output<string>;
    /** Subnet ids by subnet name. */
    readonly subnetIds: Record<string, pulumi.Output<string>>;
    /** NSG ids by subnet name. */
    readonly networkSecurityGroupIds: Record<string, pulumi.Output<string>>;
    readonly dualStack: boolean;

    constructor(name: string, args: DualStackVnetArgs | Ipv4OnlyVnetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("landing-zone:azure:DualStackVnet", name, {}, opts);
        const dualStack = args.ipv6Cidr !== undefined;
        if (!dualStack && !(args.ipv4OnlyReason ?? "").trim()) {
            throw new Error(`DualStackVnet ${name}: IPv4-only mode needs ipv4OnlyReason (why this network cannot carry IPv6)`);
        }
        for (const subnet of args.subnets) {
            if (dualStack && !subnet.ipv6Cidr) throw new Error(`DualStackVnet ${name}: subnet ${subnet.name} has no IPv6 /64 in the plan`);
        }
        const parent = { parent: this };
        const tags: Record<string, string> = {
            ...args.tags,
            ...(dualStack ? {} : { [IPV4_ONLY_REASON_TAG]: args.ipv4OnlyReason.trim() }),
        };

        const resourceGroupName = args.resourceGroupName
            ? pulumi.output(args.resourceGroupName)
            : new resources.ResourceGroup(`${name}-rg`, { location: args.location, tags }, parent).name;

        // Subnets are separate resources and the VNet leaves `subnets` unset: Azure Native
        // then keeps the existing subnets on a VNet update (pulumi-azure-native#611).
        const vnet = new network.VirtualNetwork(`${name}-vnet`, {
            resourceGroupName,
            location: args.location,
            addressSpace: { addressPrefixes: dualStack ? [args.ipv4Cidr, args.ipv6Cidr] : [args.ipv4Cidr] },
            tags,
        }, parent);

        this.subnetIds = {};
        this.networkSecurityGroupIds = {};
        let previous: pulumi.Resource | undefined;
        for (const subnet of args.subnets) {
            const rules = (args.allowInbound ?? {})[subnet.name] ?? [];
            const nsg = new network.NetworkSecurityGroup(`${name}-${subnet.name}-nsg`, {
                resourceGroupName,
                location: args.location,
                securityRules: securityRules(rules, dualStack),
                tags,
            }, parent);
            const created = new network.Subnet(`${name}-${subnet.name}`, {
                resourceGroupName,
                virtualNetworkName: vnet.name,
                subnetName: subnet.name,
                addressPrefixes: dualStack ? [subnet.ipv4Cidr, subnet.ipv6Cidr!] : [subnet.ipv4Cidr],
                networkSecurityGroup: { id: nsg.id },
                // No implicit outbound SNAT address: egress is chosen explicitly.
                defaultOutboundAccess: false,
            }, {
                parent: this,
                // Azure rejects concurrent subnet writes on one VNet; create them one after another.
                dependsOn: previous ? [previous] : [],
            });
            previous = created;
            this.subnetIds[subnet.name] = created.id;
            this.networkSecurityGroupIds[subnet.name] = nsg.id;
        }

        this.resourceGroupName = resourceGroupName;
        this.vnetId = vnet.id;
        this.vnetName = vnet.name;
        this.dualStack = dualStack;
        this.registerOutputs({
            resourceGroupName: this.resourceGroupName,
            vnetId: this.vnetId,
            vnetName: this.vnetName,
            subnetIds: this.subnetIds,
            networkSecurityGroupIds: this.networkSecurityGroupIds,
        });
    }
}

/**
 * The NSG rules for one subnet: each allow rule once per family (so IPv4
 * and IPv6 exposure never drift apart), then an explicit deny of the
 * internet (the `Internet` service tag covers both families) below them.
 */
export function securityRules(rules: readonly InboundAllowRule[], dualStack: boolean): azureInputs.network.SecurityRuleArgs[] {
    const families: Array<{ suffix: string; source: string }> = dualStack
        ? [{ suffix: "ipv4", source: "0.0.0.0/0" }, { suffix: "ipv6", source: "::/0" }]
        : [{ suffix: "ipv4", source: "0.0.0.0/0" }];
    const out: azureInputs.network.SecurityRuleArgs[] = [];
    rules.forEach((rule, i) => {
        families.forEach((family, f) => {
            out.push({
                name: `allow-${rule.name}-${family.suffix}`,
                priority: FIRST_ALLOW_PRIORITY + i * 10 + f,
                direction: "Inbound",
                access: "Allow",
                protocol: rule.protocol ?? "Tcp",
                sourceAddressPrefix: family.source,
                sourcePortRange: "*",
                destinationAddressPrefix: "*",
                destinationPortRange: String(rule.ports),
            });
        });
    });
    out.push({
        name: "deny-internet-inbound",
        priority: DENY_INTERNET_PRIORITY,
        direction: "Inbound",
        access: "Deny",
        protocol: "*",
        sourceAddressPrefix: "Internet",
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: "*",
    });
    return out;
}
