/**
 * Thin, typed helpers over the `ip-address` library: parsing CIDRs strictly
 * (network address only, no host bits), classifying them, and the handful of
 * set operations the planner needs. Pure: no Pulumi imports.
 */
import { Address4, Address6 } from "ip-address";

/** A parsed IPv4 network, with its first and last address as integers for cheap comparisons. */
export interface Ipv4Network {
    readonly cidr: string;
    readonly prefixLength: number;
    readonly first: number;
    readonly last: number;
}

/** A parsed IPv6 network; bigints because IPv6 does not fit in a double. */
export interface Ipv6Network {
    readonly cidr: string;
    readonly prefixLength: number;
    readonly first: bigint;
    readonly last: bigint;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const CIDR_V4 = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;

/**
 * Results by text: a plan parses the same few dozen ranges thousands of
 * times (addressing, preflight, reachability, cost), and the library's
 * parsing was a tenth of a plan's own time. Frozen, so sharing is safe;
 * emptied when large, so random inputs (property tests) cannot grow it.
 */
function memoized<T>(parse: (text: unknown) => Parsed<T>): (text: unknown) => Parsed<T> {
    const results = new Map<string, Parsed<T>>();
    return (text) => {
        if (typeof text !== "string") return parse(text);
        let result = results.get(text);
        if (!result) {
            if (results.size >= 10_000) results.clear();
            result = Object.freeze(parse(text));
            if (result.ok) Object.freeze(result.value);
            results.set(text, result);
        }
        return result;
    };
}

/** Parses "a.b.c.d/n", rejecting host bits (10.0.0.1/16) so a typo never silently becomes another range. */
export const parseIpv4Cidr = memoized(parseIpv4CidrText);

function parseIpv4CidrText(text: unknown): Parsed<Ipv4Network> {
    if (typeof text !== "string" || !CIDR_V4.test(text.trim())) {
        return { ok: false, reason: `${JSON.stringify(text)} is not an IPv4 CIDR (expected a.b.c.d/n)` };
    }
    const trimmed = text.trim();
    const address = address4(trimmed);
    if (!address) {
        return { ok: false, reason: `${JSON.stringify(text)} is not a valid IPv4 CIDR` };
    }
    const start = address.startAddress();
    if (start.correctForm() !== address.correctForm()) {
        return {
            ok: false,
            reason: `${JSON.stringify(text)} has host bits set; the network is ${start.correctForm()}/${address.subnetMask}`,
        };
    }
    return {
        ok: true,
        value: {
            cidr: `${start.correctForm()}/${address.subnetMask}`,
            prefixLength: address.subnetMask,
            first: Number(start.bigInt()),
            last: Number(address.endAddress().bigInt()),
        },
    };
}

/** Parses an IPv6 CIDR (any notation), rejecting host bits; returns it in compressed canonical form. */
export const parseIpv6Cidr = memoized(parseIpv6CidrText);

function parseIpv6CidrText(text: unknown): Parsed<Ipv6Network> {
    // Every IPv6 text has a colon; checking first spares the library a thrown
    // error for each IPv4 range asked about (the planner asks for every site's).
    const address = typeof text === "string" && text.includes("/") && text.includes(":") ? address6(text.trim()) : undefined;
    if (!address) {
        return { ok: false, reason: `${JSON.stringify(text)} is not an IPv6 CIDR (expected e.g. fd12:3456:789a::/48)` };
    }
    const start = address.startAddress();
    if (start.bigInt() !== address.bigInt()) {
        return {
            ok: false,
            reason: `${JSON.stringify(text)} has host bits set; the network is ${start.correctForm()}/${address.subnetMask}`,
        };
    }
    return {
        ok: true,
        value: {
            cidr: `${start.correctForm()}/${address.subnetMask}`,
            prefixLength: address.subnetMask,
            first: start.bigInt(),
            last: address.endAddress().bigInt(),
        },
    };
}

/** The parsed address, or undefined where the library refuses it (it throws; `isValid` would parse twice). */
function address4(text: string): Address4 | undefined {
    try {
        return new Address4(text);
    } catch {
        return undefined;
    }
}

/** As address4, for IPv6. */
function address6(text: string): Address6 | undefined {
    try {
        return new Address6(text);
    } catch {
        return undefined;
    }
}

/** Like parseIpv4Cidr but throws; for values the validator has already accepted. */
export function ipv4(text: string): Ipv4Network {
    const parsed = parseIpv4Cidr(text);
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.value;
}

/** Like parseIpv6Cidr but throws; for values the validator has already accepted. */
export function ipv6(text: string): Ipv6Network {
    const parsed = parseIpv6Cidr(text);
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.value;
}

/** True when the network is inside one of the RFC 1918 private ranges. */
export function isRfc1918(network: Ipv4Network): boolean {
    return RFC1918.some((range) => contains(range, network));
}

const RFC1918: Ipv4Network[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(ipv4);

/** True when the address is a public unicast IPv4 address a VPN peer can reach over the internet. */
export function isPublicUnicastIpv4(text: string): boolean {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(text) || !Address4.isValid(text)) return false;
    const address = new Address4(text);
    return address.isGlobal() && !address.isMulticast();
}

/** True when the network is a unique local address range (fd00::/8, the locally assigned half of fc00::/7). */
export function isUla(network: Ipv6Network): boolean {
    return contains(ULA_LOCAL, network);
}

const ULA_LOCAL = ipv6("fd00::/8");

export function contains(outer: Ipv4Network, inner: Ipv4Network): boolean;
export function contains(outer: Ipv6Network, inner: Ipv6Network): boolean;
export function contains(outer: { first: number | bigint; last: number | bigint }, inner: { first: number | bigint; last: number | bigint }): boolean {
    return outer.first <= inner.first && inner.last <= outer.last;
}

export function overlaps(a: { first: number | bigint; last: number | bigint }, b: { first: number | bigint; last: number | bigint }): boolean {
    return a.first <= b.last && b.first <= a.last;
}

/** The `index`-th subnet of length `prefixLength` inside `parent` (0-based), or undefined when it does not fit. */
export function nthIpv4Subnet(parent: Ipv4Network, prefixLength: number, index: number): Ipv4Network | undefined {
    if (prefixLength < parent.prefixLength || prefixLength > 32 || index < 0) return undefined;
    const size = 2 ** (32 - prefixLength);
    const first = parent.first + index * size;
    if (first + size - 1 > parent.last) return undefined;
    const address = Address4.fromBigInt(BigInt(first));
    return { cidr: `${address.correctForm()}/${prefixLength}`, prefixLength, first, last: first + size - 1 };
}

/** The `index`-th /`prefixLength` inside an IPv6 parent (e.g. the 3rd /64 of a /56), or undefined when it does not fit. */
export function nthIpv6Subnet(parent: Ipv6Network, prefixLength: number, index: number): Ipv6Network | undefined {
    if (prefixLength < parent.prefixLength || prefixLength > 128 || index < 0) return undefined;
    const size = 1n << BigInt(128 - prefixLength);
    const first = parent.first + BigInt(index) * size;
    const last = first + size - 1n;
    if (last > parent.last) return undefined;
    const address = Address6.fromBigInt(first);
    return { cidr: `${address.correctForm()}/${prefixLength}`, prefixLength, first, last };
}

/** How many subnets of `prefixLength` fit in `parent`. */
export function ipv4SubnetCount(parent: Ipv4Network, prefixLength: number): number {
    return prefixLength < parent.prefixLength ? 0 : 2 ** (prefixLength - parent.prefixLength);
}

/** A named range for overlap reports: `owner` is the config key that declared it, `label` how to describe it. */
export interface NamedIpv4Range {
    readonly owner: string;
    readonly label?: string;
    readonly network: Ipv4Network;
}

/**
 * Every overlapping pair among `ranges`, found by a sort and a sweep
 * (O(n log n)), so a thousand branch sites check in milliseconds.
 * Each overlap is reported once, against the widest earlier range it hits.
 */
export function findIpv4Overlaps(ranges: readonly NamedIpv4Range[]): Array<[NamedIpv4Range, NamedIpv4Range]> {
    const sorted = [...ranges].sort((a, b) => a.network.first - b.network.first || b.network.last - a.network.last);
    const found: Array<[NamedIpv4Range, NamedIpv4Range]> = [];
    let reach: NamedIpv4Range | undefined;
    for (const range of sorted) {
        if (reach && range.network.first <= reach.network.last) {
            found.push([reach, range]);
        }
        if (!reach || range.network.last > reach.network.last) reach = range;
    }
    return found;
}
