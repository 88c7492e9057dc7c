/**
 * Resource types that are IPv4-only by platform limit: the one table both
 * the IPv6 policies (policy/ipv6.ts) and the readiness report
 * (policy/ipv6-readiness.ts) read. Pure (no Pulumi SDK), so the readiness
 * report stays importable without the policy runtime.
 */

/** The tag that marks an Azure VNet as IPv4-only on purpose; its value is the reason. */
export const IPV4_ONLY_TAG = "landing-zone:ipv4-only-reason";

export interface PlatformLimit {
    /** Why the IPv6 policies exempt the type (their "not applicable" reason); absent: they do not look at it. */
    exemptReason?: string;
    /** How the readiness report lists it; absent: not listed. */
    readiness?: { kind: "network" | "endpoint"; detail: string };
}

export const PLATFORM_LIMITS: Readonly<Record<string, PlatformLimit>> = {
    "azure-native:network:VirtualWan": {
        exemptReason: "Virtual WAN is IPv4-only (platform limit: Azure Virtual WAN does not support IPv6 in hubs, gateways or site-to-site VPN)",
    },
    "azure-native:network:VirtualHub": {
        exemptReason: "Virtual WAN hubs are IPv4-only (platform limit: the hub address prefix and hub routing are IPv4)",
        readiness: { kind: "network", detail: "Virtual WAN hubs are IPv4-only" },
    },
    "azure-native:network:VpnGateway": {
        exemptReason: "Virtual WAN site-to-site VPN gateways are IPv4-only (platform limit)",
        readiness: { kind: "endpoint", detail: "Virtual WAN site-to-site VPN gateways have IPv4 public addresses only" },
    },
    "azure-native:network:VpnSite": {
        exemptReason: "Virtual WAN VPN sites connect over IPv4 (platform limit); branch LANs keep their IPv6 local",
        readiness: { kind: "endpoint", detail: "Virtual WAN connects VPN sites over IPv4 only; branch LANs keep their IPv6 local" },
    },
    "azure-native:network:VpnConnection": {
        exemptReason: "Virtual WAN VPN connections are IPv4-only (platform limit)",
    },
    "azure-native:network:P2sVpnGateway": {
        exemptReason: "Virtual WAN point-to-site gateways are IPv4-only (platform limit)",
        readiness: { kind: "endpoint", detail: "Virtual WAN point-to-site gateways are IPv4-only" },
    },
    "azure-native:network:ExpressRouteGateway": {
        exemptReason: "Virtual WAN ExpressRoute gateways are IPv4-only (platform limit)",
    },
    "azure-native:network:HubVirtualNetworkConnection": {
        exemptReason: "Virtual WAN hub connections carry IPv4 only (platform limit)",
    },
    "aws:ec2/vpnGateway:VpnGateway": {
        readiness: { kind: "endpoint", detail: "site-to-site VPN on a virtual private gateway has IPv4 outside addresses only" },
    },
};
