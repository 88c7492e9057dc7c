/**
 * Catalogue facts from EC2's own API answers (DescribeAvailabilityZones,
 * DescribeInstanceTypes), which the refresh reads when AWS credentials are
 * present. Pure: takes the responses' shapes, returns catalogue facts.
 */
import type { Architecture } from "../../aws/server-instance-types";

export interface DescribedZone {
    ZoneName?: string;
    ZoneType?: string;
    RegionName?: string;
    OptInStatus?: string;
}

/**
 * The Availability Zone names per region: zone type `availability-zone`
 * only (Local Zones and Wavelength Zones are not where a multi-AZ tier
 * spreads), sorted.
 */
export function zonesFromDescribe(zones: readonly DescribedZone[]): Map<string, string[]> {
    const byRegion = new Map<string, string[]>();
    for (const zone of zones) {
        if (!zone.ZoneName || !zone.RegionName || (zone.ZoneType ?? "availability-zone") !== "availability-zone") continue;
        byRegion.set(zone.RegionName, [...(byRegion.get(zone.RegionName) ?? []), zone.ZoneName].sort());
    }
    return byRegion;
}

export interface DescribedInstanceType {
    InstanceType?: string;
    ProcessorInfo?: { SupportedArchitectures?: string[] };
}

/** Instance type → architecture (arm64, or x86_64 for x86_64 / i386 types; Mac x86_64_mac and arm64_mac likewise). */
export function architecturesFromDescribe(types: readonly DescribedInstanceType[]): Map<string, Architecture> {
    const result = new Map<string, Architecture>();
    for (const t of types) {
        const archs = t.ProcessorInfo?.SupportedArchitectures ?? [];
        if (!t.InstanceType || archs.length === 0) continue;
        result.set(t.InstanceType, archs.some((a) => a.startsWith("arm64")) ? "arm64" : "x86_64");
    }
    return result;
}
