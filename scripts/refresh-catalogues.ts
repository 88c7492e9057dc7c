/**
 * The catalogue half of `npm run prices:refresh`: AWS regions (the price
 * list's region index, names from the offer files), instance types and
 * their architecture (the offer files' Compute Instance products), Azure
 * locations (the Retail Prices API), and, with `--aws-api` and AWS
 * credentials, each region's zones (DescribeAvailabilityZones) and every
 * type's architecture (DescribeInstanceTypes). Entries no source returned
 * keep their provenance (components/catalogue/sources/merge.ts).
 */
import { readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { AwsRegionCatalogue, parseAwsRegionCatalogue } from "../components/catalogue/aws-regions";
import { AzureLocationCatalogue, parseAzureLocationCatalogue } from "../components/catalogue/azure-locations";
import { InstanceTypeCatalogue, parseInstanceTypeCatalogue } from "../components/catalogue/ec2-instance-types";
import { OfferCatalogueFacts, regionIndexCodes } from "../components/catalogue/sources/aws-offer-catalogue";
import { AZURE_LOCATIONS_FILTER, locationsFromRetail } from "../components/catalogue/sources/azure-retail-locations";
import type { AzureRetailPage } from "../components/cost/sources/azure-retail";
import { AZURE_RETAIL_URL } from "../components/cost/sources/azure-retail";
import { AwsApiFacts, CatalogueChange, mergeAwsRegionsAndTypes, mergeAzureLocations } from "../components/catalogue/sources/merge";

export const CATALOGUE_DIR = path.join(__dirname, "..", "components", "catalogue");
export const FILES = { regions: "aws-regions-data.json", types: "ec2-instance-types-data.json", locations: "azure-locations-data.json" } as const;
export const AWS_REGION_INDEX_URL = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/region_index.json";
const MAX_AZURE_PAGES = 50;

type Fetch = (url: string) => Promise<Response>;
type Get = (fetchFn: Fetch, url: string) => Promise<Response>;

export function azureLocationsUrl(): string {
    return `${AZURE_RETAIL_URL}?$filter=${encodeURIComponent(AZURE_LOCATIONS_FILTER)}`;
}

export interface CatalogueRefresh {
    regions: AwsRegionCatalogue;
    types: InstanceTypeCatalogue;
    locations: AzureLocationCatalogue;
    changes: CatalogueChange[];
}

export function readCatalogues(dir: string = CATALOGUE_DIR) {
    const read = (file: string) => JSON.parse(readFileSync(path.join(dir, file), "utf8")) as unknown;
    return {
        regions: parseAwsRegionCatalogue(read(FILES.regions)),
        types: parseInstanceTypeCatalogue(read(FILES.types)),
        locations: parseAzureLocationCatalogue(read(FILES.locations)),
    };
}

/**
 * Fetches the network sources and folds them, the offer files' facts
 * (collected while prices streamed) and the API's facts into the catalogues.
 */
export async function refreshCatalogues(
    current: { regions: AwsRegionCatalogue; types: InstanceTypeCatalogue; locations: AzureLocationCatalogue },
    fetchFn: Fetch,
    get: Get,
    offerFacts: OfferCatalogueFacts,
    today: string,
    apiFacts?: AwsApiFacts,
): Promise<CatalogueRefresh> {
    const codes = regionIndexCodes(await (await get(fetchFn, AWS_REGION_INDEX_URL)).json());
    const items: AzureRetailPage["Items"] = [];
    let url: string | null = azureLocationsUrl();
    for (let page = 0; url && page < MAX_AZURE_PAGES; page++) {
        const body = (await (await get(fetchFn, url)).json()) as AzureRetailPage;
        items.push(...body.Items);
        url = body.NextPageLink;
    }
    const displayNames = new Map(items.filter((i) => i.location).map((i) => [i.armRegionName, i.location!]));
    const aws = mergeAwsRegionsAndTypes(current, codes, offerFacts, today, apiFacts);
    const azure = mergeAzureLocations(current.locations, locationsFromRetail(items), displayNames, today);
    return { regions: aws.regions, types: aws.types, locations: azure.catalogue, changes: [...aws.changes, ...azure.changes] };
}

export function writeCatalogues(dir: string, refreshed: Pick<CatalogueRefresh, "regions" | "types" | "locations">): void {
    // Validate before writing: a malformed answer must not reach the committed data.
    parseAwsRegionCatalogue(refreshed.regions);
    parseInstanceTypeCatalogue(refreshed.types);
    parseAzureLocationCatalogue(refreshed.locations);
    const write = (file: string, value: unknown) => writeFileSync(path.join(dir, file), `${JSON.stringify(value, null, 2)}\n`);
    write(FILES.regions, refreshed.regions);
    write(FILES.types, refreshed.types);
    write(FILES.locations, refreshed.locations);
}

/**
 * Reads zones and architectures from EC2 with the caller's credentials
 * (DescribeAvailabilityZones per region, DescribeInstanceTypes in one region).
 * Regions that refuse (not opted in) are skipped and keep their entries.
 */
export async function fetchAwsApiFacts(regions: readonly string[], log: (line: string) => void): Promise<AwsApiFacts> {
    const { EC2Client, DescribeAvailabilityZonesCommand, paginateDescribeInstanceTypes } = await import("@aws-sdk/client-ec2");
    const { zonesFromDescribe, architecturesFromDescribe } = await import("../components/catalogue/sources/aws-describe");
    const zones = new Map<string, string[]>();
    const skipped: string[] = [];
    for (const region of regions) {
        try {
            const answer = await new EC2Client({ region }).send(new DescribeAvailabilityZonesCommand({ AllAvailabilityZones: true }));
            for (const [code, names] of zonesFromDescribe(answer.AvailabilityZones ?? [])) zones.set(code, names);
            log(`EC2 DescribeAvailabilityZones ${region}: ${zones.get(region)?.join(", ") ?? "none"}`);
        } catch (error) {
            skipped.push(region);
            log(`EC2 DescribeAvailabilityZones ${region}: skipped (${(error as Error).name})`);
        }
    }
    const described = [];
    for await (const page of paginateDescribeInstanceTypes({ client: new EC2Client({ region: "us-east-1" }) }, {})) described.push(...(page.InstanceTypes ?? []));
    return { zones, architectures: architecturesFromDescribe(described), skipped };
}
