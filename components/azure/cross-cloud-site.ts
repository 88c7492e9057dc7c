/**
 * CrossCloudSite: the Azure half of the AWS ↔ Azure link. AWS appears to the
 * Virtual WAN as one VPN site with a link per AWS tunnel (its outside address,
 * BGP with the AWS gateway's inside address and ASN), and one connection to
 * it whose link connections use the planned custom (APIPA) BGP addresses on
 * the gateway instance each tunnel belongs to.
 *
 * Each link is dialled from both gateway instances, but AWS answers only the
 * instance whose public IP its customer gateway carries: four of the eight
 * Azure-side tunnels come up, one per AWS tunnel, which is the design.
 */
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import { CrossCloudTunnel } from "../addressing/tunnels";
import { azureIpsecPolicy, DEFAULT_IPSEC, IpsecSettings } from "./vpn-ipsec";
import { defaultRouteTableRouting } from "./wan-hub";

/** AWS's per-tunnel ceiling (1.25 Gbps), the link speed Azure is told. */
export const AWS_TUNNEL_MBPS = 1250;

export interface CrossCloudSiteArgs {
    /** Location and resource group of the WAN. */
    location: string;
    resourceGroupName: pulumi.Input<string>;
    /** The Virtual WAN the site belongs to. */
    virtualWanId: pulumi.Input<string>;
    /** The hub's VPN gateway the connection is made on. */
    gatewayName: pulumi.Input<string>;
    /** The AWS virtual private gateway's ASN. */
    awsAsn: number;
    /** The tunnels with their AWS outside addresses and (secret) keys, from CrossCloudVpn. */
    tunnels: ReadonlyArray<CrossCloudTunnel & { outsideAddress: pulumi.Input<string>; preSharedKey: pulumi.Input<string> }>;
    /** The IPsec policy, the same as AWS's. Default DEFAULT_IPSEC. */
    ipsec?: IpsecSettings;
    /** Standard hubs: associate with and propagate to this route table id (WanHub.defaultRouteTableId). Default: Azure's default. */
    defaultRouteTableId?: pulumi.Input<string>;
    /** Resources the connection must wait for (earlier writes to the same gateway). */
    after?: pulumi.Resource[];
    tags?: Record<string, string>;
}

export class CrossCloudSite extends pulumi.ComponentResource {
    readonly vpnSiteId: pulumi.Output<string>;
    readonly connectionId: pulumi.Output<string>;

    constructor(name: string, args: CrossCloudSiteArgs, opts?: pulumi.ComponentResourceOptions) {
        if (args.tunnels.length === 0) throw new Error(`CrossCloudSite ${name}: no tunnels`);
        super("landing-zone:azure:CrossCloudSite", name, {}, opts);
        const policy = azureIpsecPolicy(args.ipsec ?? DEFAULT_IPSEC);

        const site = new network.VpnSite(`${name}-site`, {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            virtualWan: { id: args.virtualWanId },
            deviceProperties: { deviceVendor: "Amazon Web Services", deviceModel: "Virtual private gateway", linkSpeedInMbps: AWS_TUNNEL_MBPS },
            vpnSiteLinks: args.tunnels.map((t) => ({
                name: t.name,
                ipAddress: t.outsideAddress,
                linkProperties: { linkProviderName: "AWS", linkSpeedInMbps: AWS_TUNNEL_MBPS },
                bgpProperties: { asn: args.awsAsn, bgpPeeringAddress: t.awsInsideAddress },
            })),
            tags: args.tags,
        }, { parent: this });

        const routing = defaultRouteTableRouting(args.defaultRouteTableId);
        const connection = new network.VpnConnection(`${name}-conn`, {
            resourceGroupName: args.resourceGroupName,
            gatewayName: args.gatewayName,
            remoteVpnSite: { id: site.id },
            enableInternetSecurity: false,
            ...routing,
            vpnLinkConnections: args.tunnels.map((t) => ({
                name: t.name,
                vpnSiteLink: { id: pulumi.interpolate`${site.id}/vpnSiteLinks/${t.name}` },
                sharedKey: pulumi.secret(t.preSharedKey),
                vpnConnectionProtocolType: "IKEv2",
                enableBgp: true,
                ipsecPolicies: [policy],
                connectionBandwidth: AWS_TUNNEL_MBPS,
                usePolicyBasedTrafficSelectors: false,
                vpnLinkConnectionMode: "Default",
                // The instance that owns this tunnel speaks BGP from the planned APIPA address.
                vpnGatewayCustomBgpAddresses: [{ ipConfigurationId: t.azureInstance, customBgpIpAddress: t.azureInsideAddress }],
            })),
        }, { parent: this, dependsOn: args.after ?? [] });

        this.vpnSiteId = site.id;
        this.connectionId = connection.id;
        this.registerOutputs({ vpnSiteId: this.vpnSiteId, connectionId: this.connectionId });
    }
}
