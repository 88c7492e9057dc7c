/**
 * AWS Spot Instance Advisor data (spot-advisor-data.json): the median Spot
 * saving over the catalogue's instance types, per region. Pure.
 */
import { PriceLine } from "../catalogue";
import { median } from "../derive";

export const SPOT_ADVISOR_URL = "https://spot-bid-advisor.s3.amazonaws.com/spot-advisor-data.json";

/** The part of the file read here: region → OS → instance type → { s: saving %, r: interruption range index }. */
export interface SpotAdvisorData {
    spot_advisor: Record<string, Record<string, Record<string, { s: number; r: number }>>>;
}

export function extractSpotDiscount(data: SpotAdvisorData, region: string, instanceTypes: readonly string[], fetchedOn: string): PriceLine | undefined {
    const linux = data.spot_advisor?.[region]?.Linux ?? {};
    const savings = instanceTypes.map((t) => linux[t]?.s).filter((s): s is number => typeof s === "number");
    if (savings.length === 0) return undefined;
    return {
        id: "ec2.spot-discount",
        cloud: "aws",
        region,
        item: "Spot discount off on-demand, median for the catalogue's instance types",
        unit: "fraction of on-demand price",
        price: median(savings) / 100,
        asOf: fetchedOn,
        source: ["SA"],
        note: `range ${Math.min(...savings)}–${Math.max(...savings)} %, median ${median(savings)} % over ${savings.length} types`,
    };
}
