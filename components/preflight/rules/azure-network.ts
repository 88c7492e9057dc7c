/**
 * Azure network rules: resource names, NSG rules, subnets, the Virtual WAN
 * hub, its VPN gateway, sites and connections. Sources: the Azure network
 * REST specification (azure-rest-api-specs, specification/network), the
 * resource naming rules, and the documented Virtual WAN and VPN limits.
 */
import { parseIpv4Cidr, parseIpv6Cidr } from "../../addressing/cidr";
import { at, asNumber, each, known, oneOf, range } from "../check";
import { ASN_SOURCE, AZURE_NAME_RULES, TAG_VALUE_MAX, AZURE_NAME_SOURCE, PORT_SOURCE, azureName, azureNameProblem, portRangeProblem, reservedAsnReason } from "../limits";
import type { Finding, PreflightRule } from "../types";

const SPEC = "Azure/azure-rest-api-specs, specification/network/resource-manager/Microsoft.Network";
const VWAN_FAQ = "Microsoft Learn, Virtual WAN FAQ and Azure subscription limits (networking: Virtual WAN)";

export const azureNetworkRules: PreflightRule[] = [
    {
        id: "azure-resource-name",
        types: Object.keys(AZURE_NAME_RULES),
        source: `${AZURE_NAME_SOURCE}; auto-names are the logical name + 8 characters (pulumi-azure-native autonaming)`,
        check: (r) => {
            const rule = AZURE_NAME_RULES[r.type];
            const { name, generated } = azureName(r.name, r.inputs, rule);
            const why = azureNameProblem(name, rule);
            return why ? [{ input: generated ? `${rule.nameInput} (auto-named from "${r.name}")` : rule.nameInput, value: generated ? `${r.name} + 8 characters` : name, message: `the ${rule.armType} name ${why}` }] : [];
        },
    },
    {
        id: "azure-nsg-rules",
        types: ["azure-native:network:NetworkSecurityGroup"],
        source: `${SPEC} SecurityRulePropertiesFormat: priority 100–4096 and unique per direction (SecurityRuleConflict), protocol Tcp|Udp|Icmp|Esp|Ah|*, access Allow|Deny, direction Inbound|Outbound, rule name ≤ 80; ${PORT_SOURCE}`,
        check: (r) => {
            const findings: Finding[] = [];
            const seen = new Map<string, string>();
            for (const [path, rule] of each(r.inputs, "securityRules")) {
                const prefix = (f: Finding) => ({ ...f, input: `${path}.${f.input}` });
                findings.push(...range(rule, "priority", 100, 4096, "the priority").map(prefix));
                findings.push(...oneOf(rule, "protocol", ["Tcp", "Udp", "Icmp", "Esp", "Ah", "*"], "the protocol").map(prefix));
                findings.push(...oneOf(rule, "access", ["Allow", "Deny"], "access").map(prefix));
                findings.push(...oneOf(rule, "direction", ["Inbound", "Outbound"], "direction").map(prefix));
                const name = at(rule, "name");
                if (typeof name === "string" && (name.length > 80 || !/^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$/.test(name))) findings.push({ input: `${path}.name`, value: name, message: "a rule name is 1–80 alphanumerics, underscores, periods and hyphens" });
                const key = `${String(at(rule, "direction"))}/${String(at(rule, "priority"))}`;
                if (seen.has(key)) findings.push({ input: `${path}.priority`, value: at(rule, "priority"), message: `priority ${String(at(rule, "priority"))} is also rule "${seen.get(key)}"'s in that direction` });
                seen.set(key, String(name));
                const ports = [at(rule, "destinationPortRange"), ...((at(rule, "destinationPortRanges") as unknown[] | undefined) ?? [])].filter((p) => p !== undefined);
                for (const p of ports) {
                    const why = portRangeProblem(p);
                    if (why) findings.push({ input: `${path}.destinationPortRange`, value: p, message: why });
                }
            }
            return findings;
        },
    },
    {
        id: "azure-subnet-prefix",
        types: ["azure-native:network:Subnet"],
        source: "Microsoft Learn, Virtual network FAQ: the smallest IPv4 subnet is /29 and the largest /2; IPv6 subnets must be exactly /64",
        check: (r) => each(r.inputs, "addressPrefixes").flatMap(([path, p]) => {
            if (!known(p)) return [];
            const v4 = parseIpv4Cidr(p);
            if (v4.ok) return v4.value.prefixLength >= 2 && v4.value.prefixLength <= 29 ? [] : [{ input: path, value: p, message: "an IPv4 subnet is /2 to /29" }];
            const v6 = parseIpv6Cidr(p);
            return v6.ok && v6.value.prefixLength === 64 ? [] : [{ input: path, value: p, message: "an IPv6 subnet must be a /64" }];
        }),
    },
    {
        id: "azure-hub-prefix",
        types: ["azure-native:network:VirtualHub"],
        source: "Microsoft Learn, Virtual WAN: create a hub (the hub address space must be /24 or larger; /23 recommended); " + `${SPEC} VirtualHubProperties.sku Basic|Standard`,
        check: (r) => {
            const raw = r.inputs.addressPrefix;
            const findings = oneOf(r.inputs, "sku", ["Basic", "Standard"], "sku");
            if (!known(raw)) return findings;
            const parsed = parseIpv4Cidr(raw);
            if (!parsed.ok || parsed.value.prefixLength > 24) findings.push({ input: "addressPrefix", value: raw, message: "the hub's address space must be an IPv4 /24 or larger" });
            return findings;
        },
    },
    {
        id: "azure-vpn-gateway-bgp",
        types: ["azure-native:network:VpnGateway"],
        source: "Microsoft Learn, Virtual WAN and VPN Gateway BGP (APIPA): custom BGP addresses must be in 169.254.21.0–169.254.22.255; the hub gateway's ASN is 65515",
        check: (r) => {
            // Not one CIDR: 169.254.21.0 to 169.254.22.255.
            const [low, high] = ["169.254.21.0/32", "169.254.22.255/32"].map((a) => (parseIpv4Cidr(a) as { value: { first: number } }).value.first);
            const findings: Finding[] = [...oneOf(r.inputs, "bgpSettings.asn", [65515], "the hub gateway's ASN")];
            for (const [path, peering] of each(r.inputs, "bgpSettings.bgpPeeringAddresses")) {
                for (const [p, address] of each(peering, "customBgpIpAddresses")) {
                    const host = parseIpv4Cidr(`${String(address)}/32`);
                    if (!host.ok || host.value.first < low || host.value.first > high) findings.push({ input: `${path}.${p}`, value: address, message: "a custom BGP address must be in 169.254.21.0–169.254.22.255" });
                }
            }
            return findings;
        },
    },
    {
        id: "azure-vpn-site",
        types: ["azure-native:network:VpnSite"],
        source: `${VWAN_FAQ}: at most 4 links per VPN site; ${ASN_SOURCE}; the link's BGP address is inside the tunnel, not its public address`,
        check: (r) => {
            const links = each(r.inputs, "vpnSiteLinks");
            const findings: Finding[] = links.length > 4 ? [{ input: "vpnSiteLinks", value: links.length, message: `${links.length} links; a VPN site has at most 4` }] : [];
            for (const [path, link] of links) {
                const asn = asNumber(at(link, "bgpProperties.asn"));
                const reason = asn === undefined ? undefined : reservedAsnReason(asn);
                if (reason) findings.push({ input: `${path}.bgpProperties.asn`, value: asn, message: `ASN ${asn} ${reason}` });
                const peer = at(link, "bgpProperties.bgpPeeringAddress");
                if (known(peer) && peer === at(link, "ipAddress")) findings.push({ input: `${path}.bgpProperties.bgpPeeringAddress`, value: peer, message: "the BGP address is the link's public IP" });
            }
            return findings;
        },
    },
    {
        id: "azure-vpn-connection-ipsec",
        types: ["azure-native:network:VpnConnection"],
        source: `${SPEC} IpsecPolicy: saLifeTimeSeconds (Azure accepts 300–172799 for a custom policy), saDataSizeKilobytes 1024–2147483647 (Microsoft Learn, About cryptographic requirements: custom IPsec/IKE policy); shared key ≤ 128 printable characters`,
        check: (r) => each(r.inputs, "vpnLinkConnections").flatMap(([path, link]) => {
            const findings: Finding[] = [];
            for (const [p, policy] of each(link, "ipsecPolicies")) {
                const prefix = (f: Finding) => ({ ...f, input: `${path}.${p}.${f.input}` });
                findings.push(...range(policy, "saLifeTimeSeconds", 300, 172799, "the SA lifetime (s)").map(prefix));
                findings.push(...range(policy, "saDataSizeKilobytes", 1024, 2147483647, "the SA data size (KB)").map(prefix));
            }
            const keyLength = r.secretLengths?.[`${path}.sharedKey`];
            if (keyLength !== undefined && (keyLength < 1 || keyLength > 128)) findings.push({ input: `${path}.sharedKey`, value: "[secret]", message: `a shared key of ${keyLength} characters; Azure takes 1–128` });
            return findings;
        }),
    },
    {
        id: "azure-vpn-connections-per-hub",
        types: ["azure-native:network:VpnGateway"],
        source: `${VWAN_FAQ}: a hub's site-to-site VPN gateway takes at most 1,000 connections (2,000 tunnels)`,
        check: (gateway, all) => {
            const count = all.filter((r) => r.type === "azure-native:network:VpnConnection").length;
            // One gateway per hub in this program: every VPN connection is on it.
            return count > 1000 ? [{ input: "vpnConnections", value: count, message: `${count} VPN connections; a hub gateway takes 1,000` }] : [];
        },
    },
    {
        id: "azure-tags",
        types: ["azure-native:*"],
        source: "Microsoft Learn, Use tags to organize your Azure resources (limitations): at most 50 tag name-value pairs, names ≤ 512 and values ≤ 256 characters, names without < > % & \\ ? /",
        check: (r) => {
            const tags = r.inputs.tags;
            if (!tags || typeof tags !== "object" || Array.isArray(tags)) return [];
            const entries = Object.entries(tags as Record<string, unknown>);
            const findings: Finding[] = entries.length > 50 ? [{ input: "tags", value: entries.length, message: `${entries.length} tags; Azure allows 50` }] : [];
            for (const [key, value] of entries) {
                if (key.length > 512 || /[<>%&\\?/]/.test(key)) findings.push({ input: `tags.${key}`, value: key, message: "a tag name is at most 512 characters without < > % & \\ ? /" });
                if (typeof value === "string" && known(value) && value.length > TAG_VALUE_MAX) findings.push({ input: `tags.${key}`, value, message: `a tag value is ${value.length} characters; at most ${TAG_VALUE_MAX}` });
            }
            return findings;
        },
    },
];
