/**
 * Catalogue facts read from the AWS Price List offer files while they stream
 * past for prices (components/cost/sources/aws-offer.ts): each product's
 * region code and location name, and each Compute Instance product's
 * instance type and architecture. Pure.
 */
import type { AwsProduct } from "../../cost/sources/aws-offer";
import type { Architecture } from "../../aws/server-instance-types";

/**
 * The architecture an offer product states. The files say
 * `processorArchitecture: "64-bit"` for Intel, AMD and Graviton alike, so
 * the processor name decides: AWS Graviton and Apple M chips are arm64,
 * "ARM" in the architecture field too; other named processors x86_64.
 */
export function offerArchitecture(attributes: Readonly<Record<string, string>>): Architecture | undefined {
    const processor = attributes.physicalProcessor ?? "";
    const architecture = attributes.processorArchitecture ?? "";
    if (/graviton|apple m\d/i.test(processor) || /arm/i.test(architecture)) return "arm64";
    if (/intel|amd|xeon|epyc/i.test(processor) || /^(32-bit or )?64-bit$/.test(architecture)) return processor ? "x86_64" : undefined;
    return undefined;
}

export interface OfferCatalogueFacts {
    /** Region code → location name (e.g. ap-southeast-2 → "Asia Pacific (Sydney)"). */
    regions: Map<string, string>;
    /** Instance type → architecture. */
    instanceTypes: Map<string, Architecture>;
}

/** Collects facts from every product it is shown; `observe` is the offer stream's per-product hook. */
export class OfferCatalogueCollector {
    readonly facts: OfferCatalogueFacts = { regions: new Map(), instanceTypes: new Map() };

    observe(product: AwsProduct): void {
        const a = product.attributes;
        if (a.regionCode && a.location && (a.locationType ?? "AWS Region") === "AWS Region") this.facts.regions.set(a.regionCode, a.location);
        if (product.productFamily === "Compute Instance" && a.instanceType) {
            const arch = offerArchitecture(a);
            if (arch) this.facts.instanceTypes.set(a.instanceType, arch);
        }
    }
}

/** The region codes of the price list's region index (offers/v1.0/aws/<service>/current/region_index.json). */
export function regionIndexCodes(index: unknown): string[] {
    const regions = (index as { regions?: Record<string, { regionCode?: string }> } | null)?.regions;
    if (!regions || typeof regions !== "object") throw new Error("AWS region index: no \"regions\" map");
    return Object.entries(regions).map(([key, value]) => value.regionCode ?? key).sort();
}
