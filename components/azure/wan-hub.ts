/**
 * WanHub: an Azure Virtual WAN with one hub, its site-to-site VPN gateway,
 * a VPN site and connection per branch office, and the connection to the
 * IPv4-only spoke VNet that branches reach privately.
 *
 * Branches use cheap business internet links; all of them meet in the
 * Microsoft-run hub. Every connection is IKEv2 with one custom IPsec policy
 * and its own pre-shared key, always handled as a Pulumi secret.
 *
 * Connections are written to the gateway one after another: Azure refuses
 * concurrent writes to one VPN gateway ("another operation in progress").
 */
import * as network from "@pulumi/azure-native/network";
import type * as azureInputs from "@pulumi/azure-native/types/input";
import type * as azureOutputs from "@pulumi/azure-native/types/output";
import * as pulumi from "@pulumi/pulumi";
import { parseIpv4Cidr } from "../addressing/cidr";
import { AZURE_GATEWAY_INSTANCES, AzureGatewayInstance } from "../addressing/tunnels";
import { azureIpsecPolicy, DEFAULT_IPSEC, IpsecSettings, routerIpsecSheet, RouterIpsecSheet } from "./vpn-ipsec";
import { display } from "../display";

/** The ASN of every Virtual WAN hub's VPN gateway; Azure does not let it change. */
export const HUB_BGP_ASN = 65515;

/** Name of the one link each branch VPN site has. */
export const BRANCH_LINK_NAME = "primary";

/** One branch office. */
export interface WanBranchSite {
    /** Unique name; keys the site's pre-shared key and names its resources. */
    name: string;
    /** The office router's public IPv4 address (give this or `fqdn`). */
    publicIp?: string;
    /** The office router's DNS name when its address is dynamic (give this or `publicIp`). */
    fqdn?: string;
    /** The office LAN's IPv4 ranges, advertised statically. May be empty for a BGP site. */
    addressSpaces: readonly string[];
    /** Dynamic routing: the office router's ASN and BGP address. Absent: static routing. */
    bgp?: { asn: number; peeringAddress: string };
    /** Router make and model (shown in Azure, and on the router sheet). */
    device: { vendor: string; model: string };
    /** Internet link speed in Mbps. */
    linkSpeedMbps: number;
    /** The office's internet provider. */
    ispName: string;
}

export interface WanHubArgs {
    /** Azure location of the WAN, hub and gateway. */
    location: string;
    /** Resource group for every resource of the hub. */
    resourceGroupName: pulumi.Input<string>;
    /** "Basic" (site-to-site VPN only, no hub charge) or "Standard". */
    type: "Basic" | "Standard";
    /** The hub's address prefix from the address plan (/24 or larger). */
    hubPrefix: string;
    /** Site-to-site gateway scale units (1 unit = 500 Mbps aggregate). Default 1. */
    vpnScaleUnits?: number;
    /** Let branches reach each other through the hub. Default true. */
    allowBranchToBranch?: boolean;
    /** The IPsec/IKE policy of every connection. Default DEFAULT_IPSEC. */
    ipsec?: IpsecSettings;
    /** The branch offices. */
    sites: readonly WanBranchSite[];
    /** Pre-shared key per site name; each is wrapped as a secret. A site without one is an error. */
    preSharedKeys: Readonly<Record<string, pulumi.Input<string>>>;
    /** The IPv4-only spoke VNet to attach, with its range (for the router sheets). Default: none. */
    spoke?: { name: string; vnetId: pulumi.Input<string>; ipv4Cidr: string };
    /** Custom (APIPA) BGP addresses per gateway instance, e.g. for the AWS tunnels. Default: none. */
    customBgpAddresses?: Partial<Record<AzureGatewayInstance, readonly string[]>>;
    /**
     * Whether the VPN gateway already exists, which decides whether the custom
     * BGP addresses can be sent (Azure refuses them at create). Default: looks
     * it up with network.getVpnGateway (vpnGatewayExists).
     */
    gatewayExists?: (resourceGroupName: string, gatewayName: string) => Promise<boolean>;
    /** More ranges reachable through the hub (e.g. the AWS VPC), listed on the router sheets. Default: none. */
    extraRemoteRanges?: readonly string[];
    /** Tags on every resource. */
    tags?: Record<string, string>;
}

/** One VPN gateway instance as a branch router sees it. */
export interface GatewayInstance {
    instance: string;
    /** The IPsec peer address. */
    publicIp: string;
    /** Azure's default BGP address of the instance, inside the hub prefix. */
    bgpPeeringAddress: string;
    /** Custom (APIPA) BGP addresses configured on the instance. */
    customBgpAddresses: string[];
}

/** A hub VPN instance as the branch router's peer. */
export type HubPeer = Omit<GatewayInstance, "customBgpAddresses">;

/** What a branch router's administrator needs, per site. */
export interface BranchRouterSheet {
    site: string;
    device: string;
    /** The branch's own side: its public IP or FQDN. */
    siteAddress: string;
    isp: string;
    linkSpeedMbps: number;
    /** The branch LAN ranges the hub expects from this site (IPv4 only). */
    siteRanges: string[];
    /** Ranges to send into the tunnel (hub, spoke, anything joined to the hub). */
    remoteRanges: string[];
    /** Other branches' ranges are reachable too when branch-to-branch is on. */
    branchToBranch: string;
    /** The hub's two VPN instances: configure a tunnel to each (active-active). */
    hubPeers: pulumi.Output<HubPeer[]>;
    routing: { mode: "static" } | { mode: "bgp"; hubAsn: number; siteAsn: number; sitePeeringAddress: string; note: string };
    ipsec: RouterIpsecSheet;
    /** The pre-shared key, a secret. */
    preSharedKey: pulumi.Output<string>;
}

export class WanHub extends pulumi.ComponentResource {
    readonly virtualWanId: pulumi.Output<string>;
    readonly virtualHubId: pulumi.Output<string>;
    readonly virtualHubName: pulumi.Output<string>;
    readonly vpnGatewayId: pulumi.Output<string>;
    readonly vpnGatewayName: pulumi.Output<string>;
    readonly hubPrefix: string;
    readonly bgpAsn: number;
    /** Both gateway instances: public IP and BGP addresses. */
    readonly gatewayInstances: pulumi.Output<GatewayInstance[]>;
    /** VPN site and connection ids by site name. */
    readonly siteIds: Record<string, pulumi.Output<string>>;
    readonly connectionIds: Record<string, pulumi.Output<string>>;
    /** Each site's pre-shared key (secret outputs). */
    readonly preSharedKeys: Record<string, pulumi.Output<string>>;
    readonly spokeConnectionId?: pulumi.Output<string>;
    /** Standard hubs: the default route table every connection associates with and propagates to. Basic: none. */
    readonly defaultRouteTableId?: pulumi.Output<string>;
    readonly routerSheets: Record<string, BranchRouterSheet>;
    /** The last write to the gateway; later connections on the gateway must depend on it. */
    readonly lastGatewayWrite: pulumi.Resource;

    constructor(name: string, args: WanHubArgs, opts?: pulumi.ComponentResourceOptions) {
        // Every check before anything registers, so a bad input declares nothing.
        const problems = wanHubProblems(args);
        if (problems.length > 0) throw new Error(`WanHub ${name}: ${problems.join("; ")}`);
        super("landing-zone:azure:WanHub", name, {}, opts);

        const parent = { parent: this };
        const ipsec = args.ipsec ?? DEFAULT_IPSEC;
        const policy = azureIpsecPolicy(ipsec);
        const tags = args.tags;
        const rg = args.resourceGroupName;

        const wan = new network.VirtualWan(`${name}-vwan`, {
            resourceGroupName: rg,
            location: args.location,
            type: args.type,
            allowBranchToBranchTraffic: args.allowBranchToBranch ?? true,
            disableVpnEncryption: false,
            tags,
        }, parent);

        const hub = new network.VirtualHub(`${name}-hub`, {
            resourceGroupName: rg,
            location: args.location,
            addressPrefix: args.hubPrefix,
            virtualWan: { id: wan.id },
            sku: args.type,
            tags,
        }, parent);

        const custom = args.customBgpAddresses ?? {};
        const customEntries = AZURE_GATEWAY_INSTANCES.filter((i) => (custom[i] ?? []).length > 0);
        // Custom (APIPA) BGP addresses cannot be given when a Virtual WAN VPN
        // gateway is created, only in an update once it exists. Source: the
        // azurerm provider's azurerm_vpn_gateway create ("bgpPeeringAddress
        // customer cannot provide this field during create ... it could only
        // be updated"), which PUTs the gateway, then PUTs it again with the
        // custom addresses; Microsoft Learn's Virtual WAN steps likewise edit
        // an existing gateway's custom BGP addresses. Azure Native sends one
        // PUT per create, so: the gateway gets an explicit name the program
        // can look up, is created without the custom addresses, and carries
        // them from the next `pulumi up` on (an in-place update). Until then
        // the AWS tunnels' BGP sessions stay down; a warning says so.
        const gatewayName = customEntries.length > 0 ? `${name}-vpngw` : undefined;
        const gatewayExists = gatewayName
            ? pulumi.output(rg).apply((resourceGroupName) => (args.gatewayExists ?? ((g, n) => vpnGatewayExists(g, n, this)))(resourceGroupName, gatewayName))
            : pulumi.output(false);
        const gateway = new network.VpnGateway(`${name}-vpngw`, {
            resourceGroupName: rg,
            ...(gatewayName ? { gatewayName } : {}),
            location: args.location,
            virtualHub: { id: hub.id },
            vpnGatewayScaleUnit: args.vpnScaleUnits ?? 1,
            bgpSettings: gatewayExists.apply((exists) => {
                if (customEntries.length > 0 && !exists) {
                    void pulumi.log.warn(`VPN gateway ${gatewayName} is created without its custom BGP addresses (Azure refuses them at create); run \`pulumi up\` again to set them and bring up the BGP sessions that use them`, this);
                }
                return {
                    asn: HUB_BGP_ASN,
                    peerWeight: 0,
                    ...(customEntries.length > 0 && exists
                        ? { bgpPeeringAddresses: AZURE_GATEWAY_INSTANCES.map((i) => ({ ipconfigurationId: i, customBgpIpAddresses: [...(custom[i] ?? [])] })) }
                        : {}),
                };
            }),
            isRoutingPreferenceInternet: false,
            tags,
        }, parent);

        // Standard hubs route through the hub router: associate and propagate to the default route table.
        const defaultTable = args.type === "Standard" ? pulumi.interpolate`${hub.id}/hubRouteTables/defaultRouteTable` : undefined;
        const routing = defaultRouteTableRouting(defaultTable);

        let spokeConnection: network.HubVirtualNetworkConnection | undefined;
        if (args.spoke) {
            spokeConnection = new network.HubVirtualNetworkConnection(`${name}-hub-to-${args.spoke.name}`, {
                resourceGroupName: rg,
                virtualHubName: hub.name,
                remoteVirtualNetwork: { id: args.spoke.vnetId },
                // No secured hub here, so no default route to hand the spoke.
                enableInternetSecurity: false,
                ...routing,
            }, { parent: this, dependsOn: [gateway] }); // the hub takes one update at a time
        }

        this.siteIds = {};
        this.connectionIds = {};
        this.preSharedKeys = {};
        let previous: pulumi.Resource = spokeConnection ?? gateway;
        for (const site of args.sites) {
            const psk = pulumi.secret(args.preSharedKeys[site.name]);
            this.preSharedKeys[site.name] = psk;
            const vpnSite = new network.VpnSite(`${name}-site-${site.name}`, {
                resourceGroupName: rg,
                location: args.location,
                virtualWan: { id: wan.id },
                ...(site.addressSpaces.length > 0 ? { addressSpace: { addressPrefixes: [...site.addressSpaces] } } : {}),
                deviceProperties: { deviceVendor: site.device.vendor, deviceModel: site.device.model, linkSpeedInMbps: site.linkSpeedMbps },
                vpnSiteLinks: [{
                    name: BRANCH_LINK_NAME,
                    ...(site.publicIp ? { ipAddress: site.publicIp } : { fqdn: site.fqdn }),
                    linkProperties: { linkProviderName: site.ispName, linkSpeedInMbps: site.linkSpeedMbps },
                    ...(site.bgp ? { bgpProperties: { asn: site.bgp.asn, bgpPeeringAddress: site.bgp.peeringAddress } } : {}),
                }],
                tags,
            }, parent);
            const connection = new network.VpnConnection(`${name}-conn-${site.name}`, {
                resourceGroupName: rg,
                gatewayName: gateway.name,
                remoteVpnSite: { id: vpnSite.id },
                enableInternetSecurity: false,
                ...routing,
                vpnLinkConnections: [{
                    name: BRANCH_LINK_NAME,
                    vpnSiteLink: { id: vpnSite.id.apply((id) => `${id}/vpnSiteLinks/${BRANCH_LINK_NAME}`) },
                    sharedKey: psk,
                    vpnConnectionProtocolType: "IKEv2",
                    enableBgp: site.bgp !== undefined,
                    ipsecPolicies: [policy],
                    connectionBandwidth: site.linkSpeedMbps,
                    usePolicyBasedTrafficSelectors: false,
                    vpnLinkConnectionMode: "Default",
                }],
            }, { parent: this, dependsOn: [previous] });
            previous = connection;
            this.siteIds[site.name] = vpnSite.id;
            this.connectionIds[site.name] = connection.id;
        }
        this.lastGatewayWrite = previous;

        this.gatewayInstances = pulumi.all([gateway.ipConfigurations, gateway.bgpSettings]).apply(([configs, bgp]) => gatewayInstancesOf(configs, bgp));
        const remoteRanges = [args.hubPrefix, ...(args.spoke ? [args.spoke.ipv4Cidr] : []), ...(args.extraRemoteRanges ?? [])];
        const ipsecSheet = routerIpsecSheet(ipsec);
        // Sheets show the default BGP addresses only: custom ones serve the AWS tunnels, not branches.
        const hubPeers = this.gatewayInstances.apply((instances) => instances.map(({ instance, publicIp, bgpPeeringAddress }) => ({ instance, publicIp, bgpPeeringAddress })));
        this.routerSheets = {};
        for (const site of args.sites) {
            this.routerSheets[site.name] = {
                site: site.name,
                device: `${site.device.vendor} ${site.device.model}`,
                siteAddress: site.publicIp ?? site.fqdn!,
                isp: site.ispName,
                linkSpeedMbps: site.linkSpeedMbps,
                siteRanges: [...site.addressSpaces],
                remoteRanges,
                branchToBranch: (args.allowBranchToBranch ?? true)
                    ? "on: the other sites' ranges (addressPlan.sites) are reachable through the hub too"
                    : "off",
                hubPeers,
                routing: site.bgp
                    ? {
                          mode: "bgp",
                          hubAsn: HUB_BGP_ASN,
                          siteAsn: site.bgp.asn,
                          sitePeeringAddress: site.bgp.peeringAddress,
                          note: "peer with each hub instance's bgpPeeringAddress through its tunnel (eBGP multihop, a /32 route to it over the tunnel)",
                      }
                    : { mode: "static" },
                ipsec: ipsecSheet,
                preSharedKey: this.preSharedKeys[site.name],
            };
        }

        this.virtualWanId = wan.id;
        this.virtualHubId = hub.id;
        this.virtualHubName = hub.name;
        this.vpnGatewayId = gateway.id;
        this.vpnGatewayName = gateway.name;
        this.hubPrefix = args.hubPrefix;
        this.bgpAsn = HUB_BGP_ASN;
        this.spokeConnectionId = spokeConnection?.id;
        this.defaultRouteTableId = defaultTable;
        this.registerOutputs({
            virtualWanId: this.virtualWanId,
            virtualHubId: this.virtualHubId,
            vpnGatewayId: this.vpnGatewayId,
            gatewayInstances: this.gatewayInstances,
            siteIds: this.siteIds,
            connectionIds: this.connectionIds,
            preSharedKeys: this.preSharedKeys,
            spokeConnectionId: this.spokeConnectionId,
        });
    }
}

/**
 * Associate with and propagate to a hub route table (Standard hubs); nothing
 * when there is none (Basic hubs, where Azure's defaults apply).
 */
export function defaultRouteTableRouting(routeTableId: pulumi.Input<string> | undefined): { routingConfiguration?: azureInputs.network.RoutingConfigurationArgs } {
    return routeTableId === undefined
        ? {}
        : { routingConfiguration: { associatedRouteTable: { id: routeTableId }, propagatedRouteTables: { ids: [{ id: routeTableId }], labels: ["default"] } } };
}

/**
 * Every problem with the arguments (pure), so the component can refuse before
 * declaring anything. The stack's config already rejects each of these with a
 * keyed message (stacks/config/resolve.ts, components/addressing/plan.ts), so
 * on that path this never fires; it stays for direct callers, because each
 * would otherwise reach a resource: a connection without its key, a site link
 * with no address, two resources with one name, or a hub Azure refuses only
 * at deploy time.
 */
export function wanHubProblems(args: Pick<WanHubArgs, "sites" | "preSharedKeys" | "hubPrefix" | "vpnScaleUnits">): string[] {
    const problems: string[] = [];
    const names = new Set<string>();
    const hub = parseIpv4Cidr(args.hubPrefix);
    if (!hub.ok) problems.push(`hub prefix: ${hub.reason}`);
    else if (hub.value.prefixLength > 24) problems.push(`hub prefix ${args.hubPrefix} must be a /24 or larger`);
    if (args.vpnScaleUnits !== undefined && (!Number.isInteger(args.vpnScaleUnits) || args.vpnScaleUnits < 1)) problems.push(`vpnScaleUnits must be a whole number of at least 1`);
    for (const site of args.sites) {
        if (names.has(site.name)) problems.push(`site "${site.name}" is listed twice`);
        names.add(site.name);
        if (!site.publicIp === !site.fqdn) problems.push(`site "${site.name}" needs exactly one of publicIp or fqdn`);
        if (args.preSharedKeys[site.name] === undefined) problems.push(`site "${site.name}" has no pre-shared key`);
        if (site.addressSpaces.length === 0 && !site.bgp) problems.push(`site "${site.name}" has neither LAN ranges nor BGP`);
    }
    return problems;
}

/** Both instances from the gateway's outputs, matched by instance id. */
export function gatewayInstancesOf(
    configs: readonly azureOutputs.network.VpnGatewayIpConfigurationResponse[] | undefined,
    bgp: azureOutputs.network.BgpSettingsResponse | undefined,
): GatewayInstance[] {
    return AZURE_GATEWAY_INSTANCES.map((instance) => {
        const config = (configs ?? []).find((c) => c.id === instance || c.id?.endsWith(`/${instance}`));
        const peering = (bgp?.bgpPeeringAddresses ?? []).find((p) => p.ipconfigurationId === instance || p.ipconfigurationId?.endsWith(`/${instance}`));
        return {
            instance,
            publicIp: config?.publicIpAddress ?? peering?.tunnelIpAddresses?.[0] ?? "",
            bgpPeeringAddress: peering?.defaultBgpIpAddresses?.[0] ?? "",
            customBgpAddresses: peering?.customBgpIpAddresses ?? [],
        };
    });
}

/**
 * Whether the VPN gateway already exists (then custom BGP addresses can be
 * set on it). Not found, or its resource group not found, is false; any
 * other error (credentials, throttling) stops the deployment.
 */
export async function vpnGatewayExists(resourceGroupName: string, gatewayName: string, parent: pulumi.Resource): Promise<boolean> {
    try {
        await network.getVpnGateway({ resourceGroupName, gatewayName }, { parent });
        return true;
    } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
    }
}

/** Azure's "not found" answers (ResourceNotFound, ResourceGroupNotFound, HTTP 404) as an invoke error carries them. */
export function isNotFound(err: unknown): boolean {
    const e = err as { message?: unknown; details?: unknown } | undefined;
    return /notfound|not found|status=404|\b404\b/i.test(`${display(e?.message ?? "")} ${display(e?.details ?? "")}`);
}
