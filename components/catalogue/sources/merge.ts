/**
 * Folding refreshed facts into the committed catalogues. Pure. What a source
 * returned replaces the entry and adds the source's letter; what no source
 * returned is kept with its old provenance (clouds rarely retire a region or
 * an instance type, and a refresh without credentials must not forget zones).
 */
import type { Architecture } from "../../aws/server-instance-types";
import type { AwsRegionCatalogue } from "../aws-regions";
import type { AzureLocationCatalogue } from "../azure-locations";
import type { InstanceTypeCatalogue } from "../ec2-instance-types";

export interface CatalogueChange {
    key: string;
    what: string;
}

export interface RegionFacts {
    /** Region code → name, from the price list (source AWSPL). */
    names?: Map<string, string>;
    /** Region code → zone names, from DescribeAvailabilityZones (source EC2AZ). */
    zones?: Map<string, string[]>;
}

const withLetter = (source: readonly string[], letter: string) => (source.includes(letter) ? [...source] : [...source, letter]);

export function mergeRegions(current: AwsRegionCatalogue, facts: RegionFacts, at: string): { catalogue: AwsRegionCatalogue; changes: CatalogueChange[] } {
    const changes: CatalogueChange[] = [];
    const byCode = new Map(current.regions.map((r) => [r.code, { ...r, source: [...r.source] }]));
    for (const [code, name] of facts.names ?? []) {
        const region = byCode.get(code);
        if (!region) {
            byCode.set(code, { code, name, partition: code.startsWith("cn-") ? "aws-cn" : code.startsWith("us-gov-") ? "aws-us-gov" : "aws", source: ["AWSPL"], asOf: at });
            changes.push({ key: code, what: `new region "${name}"` });
        } else {
            region.source = withLetter(region.source, "AWSPL");
            region.asOf = at;
        }
    }
    for (const [code, zones] of facts.zones ?? []) {
        const region = byCode.get(code);
        if (!region || zones.length === 0) continue;
        const before = (region.zones ?? []).join(",");
        if (before !== zones.join(",")) changes.push({ key: code, what: `zones ${before || "(none)"} → ${zones.join(",")}` });
        region.zones = [...zones];
        // The API's answer supersedes the transcribed table for this region.
        region.source = withLetter(region.source.filter((s) => s !== "AZDOC"), "EC2AZ");
        region.asOf = at;
    }
    const regions = [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
    return { catalogue: { ...current, generated: { by: "scripts/refresh-prices.ts (AWS Price List region index and offer files; EC2 DescribeAvailabilityZones with credentials); entries no source returned kept", at }, regions }, changes };
}

export function mergeInstanceTypes(current: InstanceTypeCatalogue, fetched: { fromOffers?: Map<string, Architecture>; fromApi?: Map<string, Architecture> }, at: string): { catalogue: InstanceTypeCatalogue; changes: CatalogueChange[] } {
    const changes: CatalogueChange[] = [];
    const types: InstanceTypeCatalogue["types"] = { ...current.types };
    const apply = (facts: Map<string, Architecture> | undefined, letter: string) => {
        for (const [type, arch] of facts ?? []) {
            const before = types[type];
            if (!before) changes.push({ key: type, what: `new type (${arch})` });
            else if (before[0] !== arch) changes.push({ key: type, what: `architecture ${before[0]} → ${arch}` });
            types[type] = [arch, letter];
        }
    };
    // The API's own answer last: it wins over the price list.
    apply(fetched.fromOffers, "AWSPL");
    apply(fetched.fromApi, "EC2DIT");
    const sorted = Object.fromEntries(Object.entries(types).sort(([a], [b]) => a.localeCompare(b)));
    return { catalogue: { ...current, generated: { by: "scripts/refresh-prices.ts (AWS Price List offer files; EC2 DescribeInstanceTypes with credentials); entries no source returned kept", at }, types: sorted }, changes };
}

export function mergeAzureLocations(current: AzureLocationCatalogue, names: readonly string[], displayNames: ReadonlyMap<string, string>, at: string): { catalogue: AzureLocationCatalogue; changes: CatalogueChange[] } {
    const changes: CatalogueChange[] = [];
    const byName = new Map(current.locations.map((l) => [l.name, { ...l, source: [...l.source] }]));
    for (const name of names) {
        const location = byName.get(name);
        if (location) location.source = withLetter(location.source, "AZRP");
        else {
            byName.set(name, { name, displayName: displayNames.get(name) ?? name, source: ["AZRP"] });
            changes.push({ key: name, what: "new location" });
        }
    }
    const locations = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
    return { catalogue: { ...current, generated: { by: "scripts/refresh-prices.ts (Azure Retail Prices API); entries no source returned kept", at }, locations }, changes };
}

/** What the EC2 API says, when the refresh is allowed to ask (`--aws-api`). */
export interface AwsApiFacts {
    zones: Map<string, string[]>;
    architectures: Map<string, Architecture>;
    /** Regions the account could not answer for (not opted in, no permission). */
    skipped: string[];
}

/** The AWS side: the price list's region index, the offer files' facts, and the API's facts when present. */
export function mergeAwsRegionsAndTypes(
    current: { regions: AwsRegionCatalogue; types: InstanceTypeCatalogue },
    indexCodes: readonly string[],
    offerFacts: { regions: ReadonlyMap<string, string>; instanceTypes: Map<string, Architecture> },
    today: string,
    apiFacts?: AwsApiFacts,
): { regions: AwsRegionCatalogue; types: InstanceTypeCatalogue; changes: CatalogueChange[] } {
    const known = new Map(current.regions.regions.map((r) => [r.code, r.name]));
    // Every indexed region, named by the offer files where they were read, else by the catalogue, else by its code.
    const names = new Map(indexCodes.map((code) => [code, offerFacts.regions.get(code) ?? known.get(code) ?? code]));
    const regions = mergeRegions(current.regions, { names, zones: apiFacts?.zones }, today);
    const types = mergeInstanceTypes(current.types, { fromOffers: offerFacts.instanceTypes, fromApi: apiFacts?.architectures }, today);
    return { regions: regions.catalogue, types: types.catalogue, changes: [...regions.changes, ...types.changes] };
}
