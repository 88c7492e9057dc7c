/**
 * AWS network rules: VPC, subnets, routes, security group rules, tags and
 * the Site-to-Site VPN. Sources: the Terraform AWS provider's validators
 * (which the bridged @pulumi/aws provider runs at preview) and the EC2 API
 * reference for limits the API enforces.
 */
import { parseIpv4Cidr, parseIpv6Cidr } from "../../addressing/cidr";
import { at, asNumber, each, known, oneOf, range } from "../check";
import { AWS_SUBNET_IPV4_PREFIX, AWS_VPC_IPV4_PREFIX, TAG_VALUE_MAX } from "../limits";
import type { Finding, PreflightRule } from "../types";
import { display } from "../../display";

const TF = "hashicorp/terraform-provider-aws";

const prefixRule = (inputs: unknown, path: string, min: number, max: number, what: string): Finding[] => {
    const raw = at(inputs, path);
    if (!known(raw)) return [];
    const parsed = parseIpv4Cidr(raw);
    if (!parsed.ok) return [{ input: path, value: raw, message: `${what}: ${parsed.reason}` }];
    const p = parsed.value.prefixLength;
    return p >= min && p <= max ? [] : [{ input: path, value: raw, message: `${what} is a /${p}; AWS allows /${min} to /${max}` }];
};

function defaultTagsOf(value: unknown): Record<string, unknown> | undefined {
    let parsed = value;
    if (typeof value === "string") {
        try {
            parsed = JSON.parse(value);
        } catch {
            return undefined;
        }
    }
    const tags = (parsed as { tags?: unknown } | null)?.tags;
    return tags && typeof tags === "object" ? (tags as Record<string, unknown>) : undefined;
}

export const awsNetworkRules: PreflightRule[] = [
    {
        id: "aws-vpc-cidr-size",
        types: ["aws:ec2/vpc:Vpc"],
        source: `${AWS_VPC_IPV4_PREFIX.source}; ${TF} internal/service/ec2/vpc_.go cidr_block (verify.ValidIPv4CIDRNetworkAddress)`,
        check: (r) => prefixRule(r.inputs, "cidrBlock", AWS_VPC_IPV4_PREFIX.min, AWS_VPC_IPV4_PREFIX.max, "the VPC's IPv4 block"),
    },
    {
        id: "aws-subnet-cidr-size",
        types: ["aws:ec2/subnet:Subnet"],
        source: `${AWS_SUBNET_IPV4_PREFIX.source}; ${TF} internal/service/ec2/vpc_subnet.go cidr_block (verify.ValidIPv4CIDRNetworkAddress)`,
        check: (r) => prefixRule(r.inputs, "cidrBlock", AWS_SUBNET_IPV4_PREFIX.min, AWS_SUBNET_IPV4_PREFIX.max, "the subnet's IPv4 block"),
    },
    {
        id: "aws-subnet-ipv6-64",
        types: ["aws:ec2/subnet:Subnet"],
        source: `EC2 API CreateSubnet Ipv6CidrBlock: "The subnet size must use a /64 prefix length"; ${TF} vpc_subnet.go ipv6_cidr_block (verify.ValidIPv6CIDRNetworkAddress)`,
        check: (r) => {
            const raw = r.inputs.ipv6CidrBlock;
            if (!known(raw)) return [];
            const parsed = parseIpv6Cidr(raw);
            return parsed.ok && parsed.value.prefixLength === 64 ? [] : [{ input: "ipv6CidrBlock", value: raw, message: "a subnet's IPv6 block must be a /64" }];
        },
    },
    {
        id: "aws-route-one-destination",
        types: ["aws:ec2/route:Route"],
        source: `${TF} internal/service/ec2/vpc_route.go: ExactlyOneOf destination_cidr_block, destination_ipv6_cidr_block, destination_prefix_list_id; and exactly one target`,
        check: (r) => {
            const destinations = ["destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"].filter((k) => r.inputs[k] !== undefined);
            const targets = ["carrierGatewayId", "coreNetworkArn", "egressOnlyGatewayId", "gatewayId", "localGatewayId", "natGatewayId", "networkInterfaceId", "transitGatewayId", "vpcEndpointId", "vpcPeeringConnectionId"].filter((k) => r.inputs[k] !== undefined);
            const findings: Finding[] = [];
            if (destinations.length !== 1) findings.push({ input: destinations.join(",") || "destinationCidrBlock", value: destinations.length, message: `a route needs exactly one destination, has ${destinations.length}` });
            if (targets.length !== 1) findings.push({ input: targets.join(",") || "gatewayId", value: targets.length, message: `a route needs exactly one target, has ${targets.length}` });
            return findings;
        },
    },
    {
        id: "aws-security-group-rule-ports",
        types: ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"],
        source: `EC2 API AuthorizeSecurityGroupIngress FromPort/ToPort (0–65535 for tcp/udp, from ≤ to; -1 or absent with protocol -1); ${TF} vpc_security_group_ingress_rule.go from_port/to_port (validation.IsPortNumberOrZero)`,
        check: (r) => {
            const protocol = display(r.inputs.ipProtocol ?? "");
            const from = asNumber(r.inputs.fromPort);
            const to = asNumber(r.inputs.toPort);
            if (protocol === "-1" || protocol === "icmp" || protocol === "icmpv6" || protocol === "58" || protocol === "1") return [];
            if (from === undefined || to === undefined) return [{ input: "fromPort", value: r.inputs.fromPort, message: `protocol ${protocol} needs fromPort and toPort` }];
            if (from < 0 || to > 65535 || from > to) return [{ input: "fromPort", value: `${from}-${to}`, message: `port range ${from}-${to} is not within 0–65535 with fromPort ≤ toPort` }];
            return [];
        },
    },
    {
        id: "aws-security-group-description",
        types: ["aws:ec2/securityGroup:SecurityGroup", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"],
        source: `EC2 API SecurityGroup GroupDescription / IpRange Description: up to 255 characters of a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*; ${TF} vpc_security_group.go description (validation.StringLenBetween(0, 255))`,
        check: (r) => {
            const raw = r.inputs.description;
            if (!known(raw) || typeof raw !== "string") return [];
            if (raw.length > 255) return [{ input: "description", value: raw, message: `is ${raw.length} characters; at most 255` }];
            return /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]*$/.test(raw) ? [] : [{ input: "description", value: raw, message: "has characters EC2 refuses (allowed: a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*)" }];
        },
    },
    {
        id: "aws-tags",
        types: ["aws:*", "pulumi:providers:aws"],
        source: "Tagging your Amazon EC2 resources, tag restrictions (and the Tagging API): at most 50 tags, keys 1–128 and values 0–256 characters, keys not starting with aws:; the provider's default_tags land on every resource",
        check: (r) => {
            // The provider's default tags arrive as a JSON string (provider inputs are strings on the wire).
            const providerTags = r.type === "pulumi:providers:aws" ? defaultTagsOf(r.inputs.defaultTags) : undefined;
            const prefix = providerTags ? "defaultTags.tags." : "tags.";
            const tags = providerTags ?? r.inputs.tags;
            if (!tags || typeof tags !== "object" || Array.isArray(tags)) return [];
            const entries = Object.entries(tags as Record<string, unknown>);
            const findings: Finding[] = [];
            if (entries.length > 50) findings.push({ input: "tags", value: entries.length, message: `${entries.length} tags; AWS allows 50 (the provider's default tags count too)` });
            for (const [key, value] of entries) {
                if (key.length < 1 || key.length > 128 || /^aws:/i.test(key)) findings.push({ input: `${prefix}${key}`, value: key, message: "a tag key must be 1–128 characters and not start with aws:" });
                if (typeof value === "string" && known(value) && value.length > TAG_VALUE_MAX) findings.push({ input: `${prefix}${key}`, value, message: `a tag value is ${value.length} characters; at most ${TAG_VALUE_MAX}` });
            }
            return findings;
        },
    },
    {
        id: "aws-customer-gateway-asn",
        types: ["aws:ec2/customerGateway:CustomerGateway"],
        source: `${TF} internal/service/ec2/vpnsite_customer_gateway.go bgp_asn (verify.Valid4ByteASN, 1–2147483647; larger ASNs go in bgp_asn_extended) and type "ipsec.1"`,
        check: (r) => [...range(r.inputs, "bgpAsn", 1, 2147483647, "bgpAsn"), ...oneOf(r.inputs, "type", ["ipsec.1"], "type")],
    },
    {
        id: "aws-vpn-gateway-asn",
        types: ["aws:ec2/vpnGateway:VpnGateway"],
        source: `${TF} internal/service/ec2/vpnsite_gateway.go amazon_side_asn (verify.ValidAmazonSideASN: 64512–65534 or 4200000000–4294967294)`,
        check: (r) => {
            const asn = asNumber(r.inputs.amazonSideAsn);
            if (asn === undefined) return [];
            return (asn >= 64512 && asn <= 65534) || (asn >= 4200000000 && asn <= 4294967294) ? [] : [{ input: "amazonSideAsn", value: r.inputs.amazonSideAsn, message: "the Amazon side ASN must be private: 64512–65534 or 4200000000–4294967294" }];
        },
    },
    {
        id: "aws-vpn-tunnel-inside-cidr",
        types: ["aws:ec2/vpnConnection:VpnConnection"],
        source: `${TF} internal/service/ec2/vpnsite_connection.go validVPNConnectionTunnelInsideCIDR: a /30 in 169.254.0.0/16, not 169.254.0.0/30–169.254.5.0/30 or 169.254.169.252/30`,
        check: (r) => [1, 2].flatMap((n) => {
            const path = `tunnel${n}InsideCidr`;
            const raw = r.inputs[path];
            if (!known(raw)) return [];
            const reserved = ["169.254.0.0/30", "169.254.1.0/30", "169.254.2.0/30", "169.254.3.0/30", "169.254.4.0/30", "169.254.5.0/30", "169.254.169.252/30"];
            const parsed = parseIpv4Cidr(raw);
            const ok = parsed.ok && parsed.value.prefixLength === 30 && /^169\.254\./.test(String(raw)) && !reserved.includes(String(raw));
            return ok ? [] : [{ input: path, value: raw, message: "a tunnel's inside CIDR must be a /30 in 169.254.0.0/16, not one AWS reserves" }];
        }),
    },
    {
        id: "aws-vpn-tunnel-options",
        types: ["aws:ec2/vpnConnection:VpnConnection"],
        source: `${TF} vpnsite_connection.go: phase1 lifetime 900–28800 s, phase2 900–3600 s, DPD timeout ≥ 30 s, IKE ikev1/ikev2, phase 1 DH groups 2, 14–24, phase 2 DH groups 2, 5, 14–24, encryption AES128/AES256/AES128-GCM-16/AES256-GCM-16, integrity SHA1/SHA2-256/SHA2-384/SHA2-512, startup action add/start`,
        check: (r) => [1, 2].flatMap((n) => {
            const t = `tunnel${n}`;
            const findings = [
                ...range(r.inputs, `${t}Phase1LifetimeSeconds`, 900, 28800, "phase 1 lifetime"),
                ...range(r.inputs, `${t}Phase2LifetimeSeconds`, 900, 3600, "phase 2 lifetime"),
                ...range(r.inputs, `${t}DpdTimeoutSeconds`, 30, Number.MAX_SAFE_INTEGER, "DPD timeout"),
                ...oneOf(r.inputs, `${t}StartupAction`, ["add", "start"], "startup action"),
                ...oneOf(r.inputs, `${t}DpdTimeoutAction`, ["clear", "none", "restart"], "DPD timeout action"),
            ];
            const listCheck = (suffix: string, allowed: readonly (string | number)[], what: string) =>
                each(r.inputs, `${t}${suffix}`).flatMap(([path, v]) => (allowed.includes(v as string | number) ? [] : [{ input: path, value: v, message: `${what} must be one of ${allowed.join(", ")}` }]));
            findings.push(...listCheck("IkeVersions", ["ikev1", "ikev2"], "IKE version"));
            findings.push(...listCheck("Phase1DhGroupNumbers", [2, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24], "phase 1 DH group"));
            findings.push(...listCheck("Phase2DhGroupNumbers", [2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24], "phase 2 DH group"));
            for (const phase of ["Phase1", "Phase2"]) {
                findings.push(...listCheck(`${phase}EncryptionAlgorithms`, ["AES128", "AES256", "AES128-GCM-16", "AES256-GCM-16"], "encryption algorithm"));
                findings.push(...listCheck(`${phase}IntegrityAlgorithms`, ["SHA1", "SHA2-256", "SHA2-384", "SHA2-512"], "integrity algorithm"));
            }
            return findings;
        }),
    },
    {
        id: "aws-vpn-tunnel-preshared-key",
        types: ["aws:ec2/vpnConnection:VpnConnection"],
        source: `${TF} vpnsite_connection.go validVPNConnectionTunnelPreSharedKey: 8–64 characters of 0-9a-zA-Z_., not starting with 0 (a secret: its length is checked)`,
        check: (r) => [1, 2].flatMap((n) => {
            const path = `tunnel${n}PresharedKey`;
            const raw = r.inputs[path];
            if (raw === undefined) return [];
            const length = typeof raw === "string" && raw !== "[secret]" ? raw.length : r.secretLengths?.[path];
            if (typeof raw === "string" && raw !== "[secret]" && !known(raw)) return [];
            if (length !== undefined && (length < 8 || length > 64)) return [{ input: path, value: "[secret]", message: `a tunnel pre-shared key of ${length} characters; AWS takes 8–64` }];
            if (typeof raw === "string" && raw !== "[secret]" && (/^0/.test(raw) || !/^[0-9a-zA-Z_.]+$/.test(raw))) return [{ input: path, value: "[secret]", message: "a tunnel pre-shared key must be 0-9a-zA-Z_. and not start with 0" }];
            return [];
        }),
    },
];
