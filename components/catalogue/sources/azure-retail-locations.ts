/**
 * Azure locations from the Retail Prices API: the `armRegionName` of every
 * meter returned for a query that every region prices (Virtual Network).
 * Pure. Pseudo-regions of the price list (global, "Zone 1", intercontinental)
 * are not locations and are dropped.
 */
import type { AzureRetailItem } from "../../cost/sources/azure-retail";

/** The query the refresh sends: Virtual Network meters exist in every region that has VNets. */
export const AZURE_LOCATIONS_FILTER = "serviceName eq 'Virtual Network'";

export function locationsFromRetail(items: readonly Pick<AzureRetailItem, "armRegionName">[]): string[] {
    const names = new Set<string>();
    for (const { armRegionName } of items) {
        if (!armRegionName || !/^[a-z0-9]+$/.test(armRegionName) || /^(global|zone\d+|intercontinental|usgov.*|dod.*|china.*)$/.test(armRegionName)) continue;
        names.add(armRegionName);
    }
    return [...names].sort();
}
