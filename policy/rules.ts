/**
 * Inbound firewall rules from every shape the providers declare them in,
 * normalised to one model: protocol, port interval, and whether the source
 * is "the whole IPv4 internet" and/or "the whole IPv6 internet".
 *
 * Shapes (input names as in @pulumi/aws 7.48 / @pulumi/azure-native 3.28):
 * - aws:ec2/securityGroup:SecurityGroup `ingress[]` {protocol, fromPort, toPort, cidrBlocks, ipv6CidrBlocks}
 * - aws:ec2/securityGroupRule:SecurityGroupRule {type: "ingress", protocol, fromPort, toPort, cidrBlocks, ipv6CidrBlocks}
 * - aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule {ipProtocol, fromPort, toPort, cidrIpv4, cidrIpv6}
 * - azure-native:network:NetworkSecurityGroup `securityRules[]` and azure-native:network:SecurityRule
 *   {direction, access, protocol, sourceAddressPrefix(es), destinationPortRange(s)}
 */

import { display } from "../components/display";

export const AWS_SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
export const AWS_SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
export const AWS_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
export const AZURE_NSG = "azure-native:network:NetworkSecurityGroup";
export const AZURE_SECURITY_RULE = "azure-native:network:SecurityRule";

export const RULE_TYPES = [AWS_SECURITY_GROUP, AWS_SECURITY_GROUP_RULE, AWS_INGRESS_RULE, AZURE_NSG, AZURE_SECURITY_RULE] as const;

/** "tcp" | "udp" | "icmp" (ICMP and ICMPv6 count as one, for parity) | "all" | another protocol name/number. */
export type Protocol = string;

export interface InboundRule {
    protocol: Protocol;
    from: number;
    to: number;
    /** Open to 0.0.0.0/0 (or an any/Internet tag). */
    ipv4Internet: boolean;
    /** Open to ::/0 (or an any/Internet tag). */
    ipv6Internet: boolean;
    /** Where it came from, for messages: `ingress[1]`, `securityRules[allow-https]`. */
    where: string;
}

const ALL_PORTS = { from: 0, to: 65535 };

function awsProtocol(protocol: unknown): Protocol {
    const p = display(protocol ?? "").toLowerCase();
    if (p === "-1" || p === "all") return "all";
    if (p === "6") return "tcp";
    if (p === "17") return "udp";
    if (p === "1" || p === "58" || p === "icmpv6") return "icmp";
    return p;
}

function awsPorts(protocol: Protocol, fromPort: unknown, toPort: unknown): { from: number; to: number } {
    if (protocol === "all" || protocol === "icmp") return ALL_PORTS;
    const from = typeof fromPort === "number" ? fromPort : 0;
    const to = typeof toPort === "number" ? toPort : 65535;
    // AWS uses -1 for "all ports" on some protocols.
    return from < 0 || to < 0 ? ALL_PORTS : { from, to };
}

const isV4Any = (c: unknown) => c === "0.0.0.0/0";
const isV6Any = (c: unknown) => c === "::/0";

interface AwsIngressLike {
    protocol?: unknown;
    fromPort?: unknown;
    toPort?: unknown;
    cidrBlocks?: unknown;
    ipv6CidrBlocks?: unknown;
}

function fromAwsIngress(r: AwsIngressLike, where: string): InboundRule {
    const protocol = awsProtocol(r.protocol);
    const cidrs = Array.isArray(r.cidrBlocks) ? r.cidrBlocks : [];
    const v6 = Array.isArray(r.ipv6CidrBlocks) ? r.ipv6CidrBlocks : [];
    return { protocol, ...awsPorts(protocol, r.fromPort, r.toPort), ipv4Internet: cidrs.some(isV4Any), ipv6Internet: v6.some(isV6Any), where };
}

/** Azure source prefixes that mean "anyone on the internet", for each family. */
function azureSources(prefixes: unknown[]): { v4: boolean; v6: boolean } {
    let v4 = false;
    let v6 = false;
    for (const p of prefixes) {
        const s = String(p);
        if (s === "*" || s.toLowerCase() === "internet" || s.toLowerCase() === "any") {
            v4 = true;
            v6 = true;
        } else if (s === "0.0.0.0/0") v4 = true;
        else if (s === "::/0") v6 = true;
    }
    return { v4, v6 };
}

function azurePortRanges(single: unknown, many: unknown): Array<{ from: number; to: number }> {
    const ranges = [single, ...(Array.isArray(many) ? many as unknown[] : [])].filter((r) => r !== undefined && r !== null && r !== "");
    if (ranges.length === 0) return [ALL_PORTS];
    return ranges.map((r) => {
        const s = String(r);
        if (s === "*") return ALL_PORTS;
        const [a, b] = s.split("-").map((x) => Number(x.trim()));
        return { from: a, to: Number.isFinite(b) ? b : a };
    });
}

interface AzureRuleLike {
    name?: unknown;
    direction?: unknown;
    access?: unknown;
    protocol?: unknown;
    sourceAddressPrefix?: unknown;
    sourceAddressPrefixes?: unknown;
    destinationPortRange?: unknown;
    destinationPortRanges?: unknown;
}

function fromAzureRule(r: AzureRuleLike, where: string): InboundRule[] {
    if (display(r.direction ?? "").toLowerCase() !== "inbound" || display(r.access ?? "").toLowerCase() !== "allow") return [];
    const p = display(r.protocol ?? "*").toLowerCase();
    const protocol = p === "*" ? "all" : p;
    const sources = azureSources([r.sourceAddressPrefix, ...(Array.isArray(r.sourceAddressPrefixes) ? r.sourceAddressPrefixes as unknown[] : [])].filter((x) => x !== undefined));
    if (!sources.v4 && !sources.v6) return [];
    const ports = protocol === "all" || protocol === "icmp" ? [ALL_PORTS] : azurePortRanges(r.destinationPortRange, r.destinationPortRanges);
    return ports.map((range) => ({ protocol, ...range, ipv4Internet: sources.v4, ipv6Internet: sources.v6, where }));
}

/**
 * The inbound rules of one resource that are open to the internet on
 * either family. Reading props may throw the SDK's unknown-value error.
 */
export function internetInboundRules(type: string, props: Record<string, unknown>): InboundRule[] {
    const rules: InboundRule[] = [];
    switch (type) {
        case AWS_SECURITY_GROUP: {
            const ingress = Array.isArray(props.ingress) ? (props.ingress as AwsIngressLike[]) : [];
            ingress.forEach((r, i) => rules.push(fromAwsIngress(r, `ingress[${i}]`)));
            break;
        }
        case AWS_SECURITY_GROUP_RULE:
            if (String(props.type) === "ingress") rules.push(fromAwsIngress(props, "rule"));
            break;
        case AWS_INGRESS_RULE: {
            const protocol = awsProtocol(props.ipProtocol);
            rules.push({ protocol, ...awsPorts(protocol, props.fromPort, props.toPort), ipv4Internet: isV4Any(props.cidrIpv4), ipv6Internet: isV6Any(props.cidrIpv6), where: "rule" });
            break;
        }
        case AZURE_NSG: {
            const list = Array.isArray(props.securityRules) ? (props.securityRules as AzureRuleLike[]) : [];
            list.forEach((r, i) => rules.push(...fromAzureRule(r, `securityRules[${typeof r.name === "string" ? r.name : i}]`)));
            break;
        }
        case AZURE_SECURITY_RULE:
            rules.push(...fromAzureRule(props, "rule"));
            break;
    }
    return rules.filter((r) => r.ipv4Internet || r.ipv6Internet);
}

/**
 * Which rules share a firewall: for inline rules the resource itself, for
 * standalone rules the security group / NSG they attach to. Returns a key,
 * or undefined when the attachment is not a plain string (unknown).
 */
export function firewallKey(type: string, urn: string, props: Record<string, unknown>): string | undefined {
    switch (type) {
        case AWS_SECURITY_GROUP:
        case AZURE_NSG:
            return urn;
        case AWS_SECURITY_GROUP_RULE:
        case AWS_INGRESS_RULE:
            return typeof props.securityGroupId === "string" ? `sg:${props.securityGroupId}` : undefined;
        case AZURE_SECURITY_RULE:
            return typeof props.networkSecurityGroupName === "string" ? `nsg:${String(props.resourceGroupName)}/${props.networkSecurityGroupName}` : undefined;
    }
    return undefined;
}

function covers(protocol: Protocol, candidate: Protocol): boolean {
    return candidate === "all" || candidate === protocol;
}

/**
 * The port intervals of `rule` that the `others` (same family-to-check)
 * do not cover. Empty when fully covered.
 */
export function uncovered(rule: { protocol: Protocol; from: number; to: number }, others: ReadonlyArray<{ protocol: Protocol; from: number; to: number }>): Array<{ from: number; to: number }> {
    if (rule.protocol === "all") {
        // An all-protocol rule needs an all-protocol counterpart.
        return others.some((o) => o.protocol === "all" && o.from <= rule.from && o.to >= rule.to) ? [] : [{ from: rule.from, to: rule.to }];
    }
    const intervals = others.filter((o) => covers(rule.protocol, o.protocol)).map((o) => [o.from, o.to] as const).sort((a, b) => a[0] - b[0]);
    const gaps: Array<{ from: number; to: number }> = [];
    let next = rule.from;
    for (const [a, b] of intervals) {
        if (b < next) continue;
        if (a > rule.to) break;
        if (a > next) gaps.push({ from: next, to: a - 1 });
        next = Math.max(next, b + 1);
        if (next > rule.to) break;
    }
    if (next <= rule.to) gaps.push({ from: next, to: rule.to });
    return gaps;
}

export function portText(p: { protocol: Protocol; from: number; to: number }): string {
    if (p.protocol === "all") return "all traffic";
    if (p.protocol === "icmp") return "ICMP";
    const ports = p.from === 0 && p.to === 65535 ? "all ports" : p.from === p.to ? `port ${p.from}` : `ports ${p.from}-${p.to}`;
    return `${p.protocol.toUpperCase()} ${ports}`;
}
