/**
 * Azure locations (the `armRegionName` / programmatic names), as data with
 * provenance (azure-locations-data.json, rewritten by `npm run prices:refresh`).
 */
import { z } from "zod";
import raw from "./azure-locations-data.json";
import { Provenance, checkSourceLetters, checkUnique, parseWith, provenanceShape } from "./provenance";

export interface AzureLocation {
    /** e.g. australiaeast */
    name: string;
    /** e.g. "Australia East" */
    displayName: string;
    source: string[];
}

export interface AzureLocationCatalogue extends Provenance {
    locations: AzureLocation[];
}

export const azureLocationCatalogueSchema = z.strictObject({
    ...provenanceShape,
    locations: z.array(z.strictObject({ name: z.string().regex(/^[a-z0-9]+$/), displayName: z.string().min(1), source: z.array(z.string()).min(1) })),
});

export function parseAzureLocationCatalogue(value: unknown, file = "azure-locations-data.json"): AzureLocationCatalogue {
    const catalogue = parseWith<AzureLocationCatalogue>(file, azureLocationCatalogueSchema, value);
    checkUnique(file, catalogue.locations.map((l) => l.name));
    checkSourceLetters(file, catalogue, catalogue.locations.map((l) => ({ key: l.name, source: l.source })));
    return catalogue;
}

export const AZURE_LOCATIONS: AzureLocationCatalogue = parseAzureLocationCatalogue(raw);

const names = new Set(AZURE_LOCATIONS.locations.map((l) => l.name));

export function isAzureLocation(name: string, catalogue: AzureLocationCatalogue = AZURE_LOCATIONS): boolean {
    return catalogue === AZURE_LOCATIONS ? names.has(name) : catalogue.locations.some((l) => l.name === name);
}

export function azureLocationNames(catalogue: AzureLocationCatalogue = AZURE_LOCATIONS): string[] {
    return catalogue.locations.map((l) => l.name);
}
