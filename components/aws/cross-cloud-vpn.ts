/**
 * CrossCloudVpn: the AWS half of the site-to-site link between the VPC and
 * the Azure Virtual WAN hub. A virtual private gateway attached to the VPC
 * (its BGP routes propagated into the VPC's route tables), a customer
 * gateway for each Azure VPN gateway instance, and one VPN connection per
 * customer gateway: 2 × 2 tunnels, BGP over the planned link-local /30s,
 * IKEv2 with the same IPsec policy as the branches, keys as secrets.
 *
 * The Azure half (a VPN site with one link per tunnel, and its connection)
 * is CrossCloudSite; the tunnel plan both share comes from
 * components/addressing/tunnels.
 */
import * as ec2 from "@pulumi/aws/ec2";
import * as pulumi from "@pulumi/pulumi";
import { AZURE_GATEWAY_INSTANCES, CrossCloudTunnel } from "../addressing/tunnels";
import { awsTunnelIpsec, DEFAULT_IPSEC, IpsecSettings } from "../azure/vpn-ipsec";

/** The AWS tunnels' startup action towards Azure (the source is at the VpnConnection below). */
export const STARTUP_ACTION = "start";

export interface CrossCloudVpnArgs {
    /** The VPC to attach the virtual private gateway to. */
    vpcId: pulumi.Input<string>;
    /** Route tables (by name, e.g. tier) that get the routes learnt over BGP. */
    routeTableIds: Readonly<Record<string, pulumi.Input<string>>>;
    /** The AWS side's BGP ASN (private; default 64512). */
    amazonSideAsn?: number;
    /** The Azure side's BGP ASN (the Virtual WAN gateway's, 65515). */
    azureAsn: number;
    /** The Azure gateway's instances and their public IPs (from WanHub.gatewayInstances). */
    azureInstances: pulumi.Input<ReadonlyArray<{ instance: string; publicIp: string }>>;
    /** The four tunnels, from planCrossCloudTunnels. */
    tunnels: readonly CrossCloudTunnel[];
    /** Pre-shared key per tunnel name; each is wrapped as a secret. */
    tunnelKeys: Readonly<Record<string, pulumi.Input<string>>>;
    /** The IPsec policy (the same one as Azure's side). Default DEFAULT_IPSEC. */
    ipsec?: IpsecSettings;
    /** Extra tags (the provider adds the default tags). */
    tags?: Record<string, string>;
}

/** A planned tunnel with the outside address AWS assigned to its endpoint. */
export interface BuiltTunnel extends CrossCloudTunnel {
    outsideAddress: pulumi.Output<string>;
    /** The tunnel's key, a secret. */
    preSharedKey: pulumi.Output<string>;
}

export class CrossCloudVpn extends pulumi.ComponentResource {
    readonly vpnGatewayId: pulumi.Output<string>;
    readonly amazonSideAsn: number;
    readonly customerGatewayIds: pulumi.Output<string>[];
    readonly vpnConnectionIds: pulumi.Output<string>[];
    readonly tunnels: BuiltTunnel[];

    constructor(name: string, args: CrossCloudVpnArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before anything registers.
        const missing = args.tunnels.filter((t) => args.tunnelKeys[t.name] === undefined).map((t) => t.name);
        if (missing.length > 0) throw new Error(`CrossCloudVpn ${name}: no pre-shared key for tunnel(s) ${missing.join(", ")}`);
        const options = awsTunnelIpsec(args.ipsec ?? DEFAULT_IPSEC);
        const byInstance = AZURE_GATEWAY_INSTANCES.map((instance, index) => {
            const tunnels = args.tunnels.filter((t) => t.connectionIndex === index).sort((a, b) => a.tunnelNumber - b.tunnelNumber);
            if (tunnels.length !== 2) throw new Error(`CrossCloudVpn ${name}: ${instance} needs exactly two planned tunnels, got ${tunnels.length}`);
            return { instance, tunnels };
        });
        super("landing-zone:aws:CrossCloudVpn", name, {}, opts);
        const amazonSideAsn = args.amazonSideAsn ?? 64512;
        const parent = { parent: this };
        const tags = (suffix: string) => ({ Name: `${name}-${suffix}`, ...args.tags });

        // vpcId attaches the gateway to the VPC.
        const vgw = new ec2.VpnGateway(`${name}-vgw`, { vpcId: args.vpcId, amazonSideAsn: String(amazonSideAsn), tags: tags("vgw") }, parent);
        for (const [table, routeTableId] of Object.entries(args.routeTableIds)) {
            new ec2.VpnGatewayRoutePropagation(`${name}-propagate-${table}`, { vpnGatewayId: vgw.id, routeTableId }, parent);
        }

        this.customerGatewayIds = [];
        this.vpnConnectionIds = [];
        this.tunnels = [];
        for (const { instance, tunnels } of byInstance) {
            const suffix = instance.toLowerCase();
            const cgw = new ec2.CustomerGateway(`${name}-cgw-${suffix}`, {
                type: "ipsec.1",
                bgpAsn: String(args.azureAsn),
                // Only the input is derived; the resource is declared outside any apply.
                ipAddress: pulumi.output(args.azureInstances).apply((instances) => publicIpOf(instances, instance)),
                deviceName: `azure-vwan-${suffix}`,
                tags: tags(`cgw-${suffix}`),
            }, parent);
            const [t1, t2] = tunnels;
            const key1 = pulumi.secret(args.tunnelKeys[t1.name]);
            const key2 = pulumi.secret(args.tunnelKeys[t2.name]);
            const vpn = new ec2.VpnConnection(`${name}-vpn-${suffix}`, {
                type: "ipsec.1",
                vpnGatewayId: vgw.id,
                customerGatewayId: cgw.id,
                staticRoutesOnly: false,
                tunnel1InsideCidr: t1.insideCidr,
                tunnel1PresharedKey: key1,
                tunnel1IkeVersions: options.ikeVersions,
                tunnel1Phase1EncryptionAlgorithms: options.phase1EncryptionAlgorithms,
                tunnel1Phase1IntegrityAlgorithms: options.phase1IntegrityAlgorithms,
                tunnel1Phase1DhGroupNumbers: options.phase1DhGroupNumbers,
                tunnel1Phase1LifetimeSeconds: options.phase1LifetimeSeconds,
                tunnel1Phase2EncryptionAlgorithms: options.phase2EncryptionAlgorithms,
                tunnel1Phase2IntegrityAlgorithms: options.phase2IntegrityAlgorithms,
                tunnel1Phase2DhGroupNumbers: options.phase2DhGroupNumbers,
                tunnel1Phase2LifetimeSeconds: options.phase2LifetimeSeconds,
                // Re-initiate rather than wait for Azure after a dead-peer timeout.
                tunnel1DpdTimeoutAction: "restart",
                // AWS initiates the IKE negotiation instead of waiting for Azure
                // (AWS default "add"). Source: Microsoft Learn, "How to connect
                // AWS and Azure using a BGP-enabled VPN gateway" (AWS tunnel
                // options: startup action Start); AWS Site-to-Site VPN user
                // guide, "Tunnel options": startup action "add" | "start".
                // Updated in place (ModifyVpnTunnelOptions), not replace-on-change.
                tunnel1StartupAction: STARTUP_ACTION,
                tunnel2InsideCidr: t2.insideCidr,
                tunnel2PresharedKey: key2,
                tunnel2IkeVersions: options.ikeVersions,
                tunnel2Phase1EncryptionAlgorithms: options.phase1EncryptionAlgorithms,
                tunnel2Phase1IntegrityAlgorithms: options.phase1IntegrityAlgorithms,
                tunnel2Phase1DhGroupNumbers: options.phase1DhGroupNumbers,
                tunnel2Phase1LifetimeSeconds: options.phase1LifetimeSeconds,
                tunnel2Phase2EncryptionAlgorithms: options.phase2EncryptionAlgorithms,
                tunnel2Phase2IntegrityAlgorithms: options.phase2IntegrityAlgorithms,
                tunnel2Phase2DhGroupNumbers: options.phase2DhGroupNumbers,
                tunnel2Phase2LifetimeSeconds: options.phase2LifetimeSeconds,
                tunnel2DpdTimeoutAction: "restart",
                tunnel2StartupAction: STARTUP_ACTION,
                tags: tags(`vpn-${suffix}`),
            }, parent);
            this.customerGatewayIds.push(cgw.id);
            this.vpnConnectionIds.push(vpn.id);
            this.tunnels.push({ ...t1, outsideAddress: vpn.tunnel1Address, preSharedKey: key1 });
            this.tunnels.push({ ...t2, outsideAddress: vpn.tunnel2Address, preSharedKey: key2 });
        }

        this.vpnGatewayId = vgw.id;
        this.amazonSideAsn = amazonSideAsn;
        this.registerOutputs({
            vpnGatewayId: this.vpnGatewayId,
            customerGatewayIds: this.customerGatewayIds,
            vpnConnectionIds: this.vpnConnectionIds,
            tunnels: this.tunnels.map((t) => ({ name: t.name, insideCidr: t.insideCidr, outsideAddress: t.outsideAddress })),
        });
    }
}

/** The public IP of one Azure gateway instance; an error (at deploy time) when Azure did not report it. */
export function publicIpOf(instances: ReadonlyArray<{ instance: string; publicIp: string }>, instance: string): string {
    const found = instances.find((i) => i.instance === instance)?.publicIp;
    if (!found) throw new Error(`the Azure VPN gateway reported no public IP for ${instance}`);
    return found;
}
