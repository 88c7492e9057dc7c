/**
 * Azure Retail Prices API (https://prices.azure.com/api/retail/prices):
 * query URLs and pure parsing of its pages into catalogue lines.
 */
import { PriceLine } from "../catalogue";

export const AZURE_RETAIL_URL = "https://prices.azure.com/api/retail/prices";

/** One row of the API's `Items`. */
export interface AzureRetailItem {
    currencyCode: string;
    tierMinimumUnits?: number;
    retailPrice: number;
    unitPrice?: number;
    armRegionName: string;
    location?: string;
    effectiveStartDate?: string;
    meterId?: string;
    meterName: string;
    productId?: string;
    skuId?: string;
    productName: string;
    skuName: string;
    serviceName?: string;
    serviceId?: string;
    serviceFamily?: string;
    unitOfMeasure: string;
    type: string;
    isPrimaryMeterRegion?: boolean;
    armSkuName?: string;
}

/** One page of the API's answer. */
export interface AzureRetailPage {
    BillingCurrency?: string;
    CustomerEntityId?: string;
    CustomerEntityType?: string;
    Items: AzureRetailItem[];
    NextPageLink: string | null;
    Count?: number;
}

export interface AzureMeterRule {
    /** Catalogue item id. */
    id: string;
    item: string;
    /** Catalogue unit. */
    unit: string;
    /** OData condition added to the region filter, e.g. meterName eq 'Standard Hub Unit'. */
    filter: string;
    /** The API's unit, checked, e.g. "1 Hour". */
    unitOfMeasure: string;
    match(item: AzureRetailItem): boolean;
}

const meter = (id: string, item: string, unit: string, meterName: string, unitOfMeasure: string, extra: (i: AzureRetailItem) => boolean = () => true): AzureMeterRule => ({
    id, item, unit, unitOfMeasure,
    filter: `meterName eq '${meterName}'`,
    match: (i) => i.meterName === meterName && extra(i),
});

export const AZURE_RULES: readonly AzureMeterRule[] = [
    meter("vwan.hub.standard", "Virtual WAN Standard hub (deployment hour)", "USD/hour", "Standard Hub Unit", "1 Hour", (i) => i.productName === "Virtual WAN"),
    meter("vwan.hub.data-processing", "Virtual WAN Standard hub data processing (VNet-to-VNet)", "USD/GB", "Standard Hub Data Processed", "1 GB", (i) => i.productName === "Virtual WAN"),
    meter("vpn.s2s-scale-unit", "Virtual WAN S2S VPN scale unit (500 Mbps, two instances)", "USD/hour per unit", "VPN S2S Scale Unit", "1 Hour", (i) => i.productName === "Virtual WAN"),
    meter("vpn.s2s-connection-unit", "Virtual WAN S2S VPN connection unit", "USD/hour per connection", "VPN S2S Connection Unit", "1 Hour", (i) => i.productName === "Virtual WAN"),
    meter("public-ip.standard-ipv4-static", "Standard public IPv4, static", "USD/hour", "Standard IPv4 Static Public IP", "1 Hour", (i) => i.productName === "IP Addresses"),
];

/** Linux pay-as-you-go price of a VM size (not Windows, Spot or Low Priority). */
export function vmRule(size: string): AzureMeterRule {
    return {
        id: `vm.${size}`,
        item: `VM ${size}, Linux`,
        unit: "USD/hour",
        unitOfMeasure: "1 Hour",
        filter: `armSkuName eq '${size}'`,
        match: (i) => i.armSkuName === size && !/Windows/i.test(i.productName) && !/Spot|Low Priority/i.test(`${i.skuName} ${i.meterName}`),
    };
}

export function azureRules(vmSizes: readonly string[]): AzureMeterRule[] {
    return [...AZURE_RULES, ...vmSizes.map(vmRule)];
}

/** The first page's URL for one rule in one region. */
export function azureQueryUrl(region: string, rule: AzureMeterRule): string {
    const filter = `armRegionName eq '${region}' and ${rule.filter}`;
    return `${AZURE_RETAIL_URL}?$filter=${encodeURIComponent(filter)}`;
}

/**
 * Picks the one retail price a rule means from the items of every page:
 * consumption, USD, the rule's unit, lowest tier; when several distinct
 * prices remain, the primary meter region's; still several is an error.
 */
export function extractAzurePrice(items: readonly AzureRetailItem[], region: string, rule: AzureMeterRule, fetchedOn: string): PriceLine | undefined {
    let candidates = items.filter((i) => i.armRegionName === region && i.type === "Consumption" && i.currencyCode === "USD"
        && i.unitOfMeasure === rule.unitOfMeasure && (i.tierMinimumUnits ?? 0) === 0 && rule.match(i));
    if (new Set(candidates.map((i) => i.retailPrice)).size > 1) candidates = candidates.filter((i) => i.isPrimaryMeterRegion);
    const prices = new Set(candidates.map((i) => i.retailPrice));
    if (prices.size === 0) return undefined;
    if (prices.size > 1) throw new Error(`Azure retail ${region}: ${rule.id} matched ${prices.size} different prices (${[...prices].join(", ")}); tighten the rule`);
    const chosen = candidates[0];
    return {
        id: rule.id,
        cloud: "azure",
        region,
        item: rule.item,
        unit: rule.unit,
        price: chosen.retailPrice,
        asOf: fetchedOn,
        source: ["AZRP"],
        note: `meter "${chosen.meterName}", product "${chosen.productName}", sku "${chosen.skuName}"${chosen.effectiveStartDate ? `, effective ${chosen.effectiveStartDate.slice(0, 10)}` : ""}`,
    };
}
