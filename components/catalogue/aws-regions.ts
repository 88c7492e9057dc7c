/**
 * AWS regions and their Availability Zone names, as data with provenance
 * (aws-regions-data.json, rewritten by `npm run prices:refresh`). Zone letters
 * are the ones any account may see; which of them one account has is
 * confirmed at deploy time by the provider's availability-zone lookup
 * (stacks/availability-zones.ts).
 */
import { z } from "zod";
import raw from "./aws-regions-data.json";
import { Provenance, checkSourceLetters, checkUnique, parseWith, provenanceShape } from "./provenance";

export interface AwsRegion {
    /** e.g. ap-southeast-2 */
    code: string;
    /** e.g. "Asia Pacific (Sydney)", as the SDK and the price list name it. */
    name: string;
    partition: string;
    /** Every AZ name of the region (e.g. ap-southeast-2a); absent when no source gave them (then they are not checked offline). */
    zones?: string[];
    source: string[];
    asOf: string;
    note?: string;
}

export interface AwsRegionCatalogue extends Provenance {
    regions: AwsRegion[];
}

export const awsRegionCatalogueSchema = z.strictObject({
    ...provenanceShape,
    regions: z.array(z.strictObject({
        code: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/),
        name: z.string().min(1),
        partition: z.string().min(1),
        zones: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/)).min(1).optional(),
        source: z.array(z.string()).min(1),
        asOf: z.string().min(1),
        note: z.string().optional(),
    })),
});

export function parseAwsRegionCatalogue(value: unknown, file = "aws-regions-data.json"): AwsRegionCatalogue {
    const catalogue = parseWith<AwsRegionCatalogue>(file, awsRegionCatalogueSchema, value);
    checkUnique(file, catalogue.regions.map((r) => r.code));
    for (const region of catalogue.regions) {
        const stray = region.zones?.find((zone) => zone.slice(0, -1) !== region.code);
        if (stray) throw new Error(`${file}: ${region.code}: zone ${stray} is not in the region`);
    }
    checkSourceLetters(file, catalogue, catalogue.regions.map((r) => ({ key: r.code, source: r.source })));
    return catalogue;
}

export const AWS_REGIONS: AwsRegionCatalogue = parseAwsRegionCatalogue(raw);

const byCode = new Map(AWS_REGIONS.regions.map((r) => [r.code, r]));

/** The region, or undefined when the catalogue does not know it. */
export function awsRegion(code: string, catalogue: AwsRegionCatalogue = AWS_REGIONS): AwsRegion | undefined {
    return catalogue === AWS_REGIONS ? byCode.get(code) : catalogue.regions.find((r) => r.code === code);
}

/** Region codes, the commercial partition first (so a "did you mean" prefers us-east-1 over us-gov-east-1). */
export function awsRegionCodes(catalogue: AwsRegionCatalogue = AWS_REGIONS): string[] {
    return [...catalogue.regions].sort((a, b) => Number(a.partition !== "aws") - Number(b.partition !== "aws")).map((r) => r.code);
}
