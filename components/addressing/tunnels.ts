/**
 * The inside addressing of the AWS ↔ Azure site-to-site tunnels. Pure: no
 * Pulumi imports, so the same plan configures both clouds and the tests.
 *
 * Topology: the Virtual WAN VPN gateway runs two instances (Instance0,
 * Instance1), each with its own public IP. AWS gets one customer gateway per
 * instance, and one VPN connection per customer gateway; every AWS VPN
 * connection has two tunnels. So 2 × 2 = 4 tunnels, each a /30 of
 * link-local space: its first host is the AWS (virtual private gateway) side,
 * its second the Azure side, which Azure configures as a custom BGP address.
 *
 * Azure accepts custom BGP (APIPA) addresses only in 169.254.21.0 –
 * 169.254.22.255; AWS refuses a few /30s of 169.254.0.0/16 for tunnels. The
 * plan stays inside the first and clear of the second.
 */
import { contains, ipv4, Ipv4Network, nthIpv4Subnet, overlaps, parseIpv4Cidr } from "./cidr";

/** The Virtual WAN VPN gateway instance ids, as Azure names them in ipConfigurations and bgpSettings. */
export const AZURE_GATEWAY_INSTANCES = ["Instance0", "Instance1"] as const;
export type AzureGatewayInstance = (typeof AZURE_GATEWAY_INSTANCES)[number];

/** AWS VPN connections always have two tunnels. */
export const AWS_TUNNELS_PER_CONNECTION = 2;

/** The first and last address Azure accepts as a custom BGP (APIPA) address on a VPN gateway. */
export const AZURE_APIPA_FIRST = "169.254.21.0";
export const AZURE_APIPA_LAST = "169.254.22.255";

/** Inside CIDRs AWS refuses for VPN tunnels (AWS Site-to-Site VPN user guide, tunnel options). */
export const AWS_RESERVED_INSIDE_CIDRS = [
    "169.254.0.0/30",
    "169.254.1.0/30",
    "169.254.2.0/30",
    "169.254.3.0/30",
    "169.254.4.0/30",
    "169.254.5.0/30",
    "169.254.169.252/30",
] as const;

/** Default block the tunnels' /30s are cut from: the start of Azure's APIPA range. */
export const DEFAULT_TUNNEL_BLOCK = "169.254.21.0/24";

export interface CrossCloudTunnel {
    /** Stable name, e.g. "instance0-tunnel1"; names the Azure site link and derives the tunnel key. */
    name: string;
    /** The Azure gateway instance whose public IP this tunnel's customer gateway carries. */
    azureInstance: AzureGatewayInstance;
    /** Index of the AWS customer gateway / VPN connection (= the instance's index). */
    connectionIndex: number;
    /** 1 or 2: which tunnel of that AWS VPN connection. */
    tunnelNumber: 1 | 2;
    /** The tunnel's /30 (AWS `tunnelNInsideCidr`). */
    insideCidr: string;
    /** First host: the AWS virtual private gateway's BGP address; the Azure site link peers with it. */
    awsInsideAddress: string;
    /** Second host: the Azure gateway instance's custom BGP address for this tunnel. */
    azureInsideAddress: string;
}

/** The `n`-th address of `network`, as text. */
function nthHost(network: Ipv4Network, n: number): string {
    return nthIpv4Subnet(network, 32, n)!.cidr.replace(/\/32$/, "");
}

/** 169.254.21.0–169.254.22.255 is no single CIDR, so the range is built from its ends. */
const APIPA: Ipv4Network = {
    cidr: `${AZURE_APIPA_FIRST}-${AZURE_APIPA_LAST}`,
    prefixLength: 0,
    first: ipv4(`${AZURE_APIPA_FIRST}/32`).first,
    last: ipv4(`${AZURE_APIPA_LAST}/32`).first,
};

/** True when Azure accepts the address as a custom BGP (APIPA) address. */
export function isAzureApipaAddress(address: string): boolean {
    return contains(APIPA, ipv4(`${address}/32`));
}

/**
 * The four tunnels, in a fixed order (instance, then tunnel number), each
 * taking the next /30 of `block`. Throws when the block cannot hold them
 * inside Azure's APIPA range or clear of AWS's reserved /30s.
 */
export function planCrossCloudTunnels(block: string = DEFAULT_TUNNEL_BLOCK): CrossCloudTunnel[] {
    const parent = ipv4(block);
    const tunnels: CrossCloudTunnel[] = [];
    AZURE_GATEWAY_INSTANCES.forEach((azureInstance, connectionIndex) => {
        for (let t = 1; t <= AWS_TUNNELS_PER_CONNECTION; t++) {
            const index = connectionIndex * AWS_TUNNELS_PER_CONNECTION + (t - 1);
            const network = nthIpv4Subnet(parent, 30, index);
            if (!network) throw new Error(`${block} cannot hold ${AZURE_GATEWAY_INSTANCES.length * AWS_TUNNELS_PER_CONNECTION} tunnel /30s`);
            if (!contains(APIPA, network)) {
                throw new Error(`tunnel ${network.cidr} is outside ${AZURE_APIPA_FIRST}–${AZURE_APIPA_LAST}, the only range Azure accepts for custom BGP addresses`);
            }
            const reserved = AWS_RESERVED_INSIDE_CIDRS.find((r) => overlaps(ipv4(r), network));
            if (reserved) throw new Error(`tunnel ${network.cidr} overlaps ${reserved}, which AWS reserves`);
            tunnels.push({
                name: `${azureInstance.toLowerCase()}-tunnel${t}`,
                azureInstance,
                connectionIndex,
                tunnelNumber: t as 1 | 2,
                insideCidr: network.cidr,
                awsInsideAddress: nthHost(network, 1),
                azureInsideAddress: nthHost(network, 2),
            });
        }
    });
    return tunnels;
}

/** The Azure custom BGP addresses each gateway instance must carry, for the VPN gateway's bgpSettings. */
export function customBgpAddressesByInstance(tunnels: readonly CrossCloudTunnel[]): Record<AzureGatewayInstance, string[]> {
    const out = { Instance0: [] as string[], Instance1: [] as string[] };
    for (const tunnel of tunnels) out[tunnel.azureInstance].push(tunnel.azureInsideAddress);
    return out;
}

/** The tunnel whose /30 holds `address` (a branch must not reuse it as its BGP address); undefined for other or malformed addresses. */
export function inTunnelRange(tunnels: readonly CrossCloudTunnel[], address: string): CrossCloudTunnel | undefined {
    const host = parseIpv4Cidr(`${address}/32`);
    return host.ok ? tunnels.find((t) => contains(ipv4(t.insideCidr), host.value)) : undefined;
}
