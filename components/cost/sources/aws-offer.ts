/**
 * AWS Price List bulk offer files
 * (offers/v1.0/aws/<service>/current/<region>/index.json): pure parsing.
 *
 * A region's AmazonEC2 file runs to gigabytes, beyond what JSON.parse can
 * hold in one string, so `OfferStreamReader` reads it chunk by chunk and
 * keeps only the products a rule wants and their on-demand terms; the rest
 * of the file (reserved terms, other products) is scanned and dropped.
 * `extractAwsPrices` then turns that reduced offer into catalogue lines.
 */
import { PriceLine } from "../catalogue";

export interface AwsProduct {
    sku: string;
    productFamily?: string;
    attributes: Record<string, string>;
}

export interface AwsPriceDimension {
    rateCode?: string;
    description?: string;
    beginRange?: string;
    endRange?: string;
    unit: string;
    pricePerUnit: Record<string, string>;
}

export interface AwsTerm {
    sku: string;
    offerTermCode?: string;
    effectiveDate?: string;
    priceDimensions: Record<string, AwsPriceDimension>;
}

/** The parts of an offer file this code reads. */
export interface AwsOffer {
    offerCode?: string;
    version?: string;
    publicationDate?: string;
    products: Record<string, AwsProduct>;
    terms: { OnDemand?: Record<string, Record<string, AwsTerm>> };
}

/** One catalogue item read from an offer file. */
export interface AwsPriceRule {
    /** Catalogue item id. */
    id: string;
    /** Offer code of the file holding it, e.g. AmazonEC2, AmazonVPC. */
    service: string;
    item: string;
    /** Catalogue unit, e.g. "USD/hour". */
    unit: string;
    /** The offer's own unit, e.g. "Hrs", "GB-Mo" (checked, so a changed meter is not misread). */
    offerUnit: string;
    match(product: AwsProduct): boolean;
}

const usage = (pattern: RegExp) => (p: AwsProduct) => pattern.test(p.attributes.usagetype ?? "");
/** Usage types carry a region prefix outside us-east-1 (APS2-…), and sometimes inside it (USE1-…). */
const usageType = (name: string) => new RegExp(`^(?:[A-Z]{2,4}\\d?-)?${name.replace(/[.:]/g, (c) => `\\${c}`)}$`);

/** Linux, shared tenancy, no pre-installed software, the plain BoxUsage line. */
export function instanceRule(instanceType: string): AwsPriceRule {
    return {
        id: `ec2.instance.${instanceType}`,
        service: "AmazonEC2",
        item: `EC2 ${instanceType}, Linux on-demand`,
        unit: "USD/hour",
        offerUnit: "Hrs",
        match: (p) => {
            const a = p.attributes;
            return p.productFamily === "Compute Instance" && a.instanceType === instanceType && a.operatingSystem === "Linux"
                && a.tenancy === "Shared" && a.preInstalledSw === "NA" && a.capacitystatus === "Used"
                && (a.licenseModel ?? "No License required") === "No License required" && usageType(`BoxUsage:${instanceType}`).test(a.usagetype ?? "");
        },
    };
}

export const AWS_RULES: readonly AwsPriceRule[] = [
    { id: "ebs.gp3", service: "AmazonEC2", item: "EBS gp3 storage", unit: "USD/GB-month", offerUnit: "GB-Mo", match: (p) => p.productFamily === "Storage" && usage(usageType("EBS:VolumeUsage.gp3"))(p) },
    { id: "ebs.snapshot", service: "AmazonEC2", item: "EBS snapshot storage", unit: "USD/GB-month", offerUnit: "GB-Mo", match: (p) => p.productFamily === "Storage Snapshot" && usage(usageType("EBS:SnapshotUsage"))(p) },
    { id: "vpc.nat-gateway", service: "AmazonEC2", item: "NAT gateway", unit: "USD/hour", offerUnit: "Hrs", match: (p) => p.productFamily === "NAT Gateway" && usage(usageType("NatGateway-Hours"))(p) },
    { id: "vpc.nat-gateway.data", service: "AmazonEC2", item: "NAT gateway data processed", unit: "USD/GB", offerUnit: "GB", match: (p) => p.productFamily === "NAT Gateway" && usage(usageType("NatGateway-Bytes"))(p) },
    { id: "vpc.public-ipv4", service: "AmazonVPC", item: "Public IPv4 address (EIP, instance, NAT, ELB), in use or idle", unit: "USD/hour", offerUnit: "Hrs", match: usage(usageType("PublicIPv4:InUseAddress")) },
    { id: "vpn.connection", service: "AmazonVPC", item: "Site-to-Site VPN connection", unit: "USD/hour", offerUnit: "Hrs", match: usage(usageType("VPN-Usage-Hours:ipsec.1")) },
    { id: "tgw.attachment", service: "AmazonVPC", item: "Transit Gateway attachment", unit: "USD/hour", offerUnit: "Hrs", match: usage(usageType("TransitGateway-Hours")) },
    { id: "elb.alb", service: "AWSELB", item: "Application Load Balancer", unit: "USD/hour", offerUnit: "Hrs", match: (p) => p.productFamily === "Load Balancer-Application" && usage(usageType("LoadBalancerUsage"))(p) },
    { id: "elb.alb.lcu", service: "AWSELB", item: "Application Load Balancer capacity unit", unit: "USD/LCU-hour", offerUnit: "LCU-Hrs", match: (p) => p.productFamily === "Load Balancer-Application" && usage(usageType("LCUUsage"))(p) },
    { id: "cloudwatch.alarm", service: "AmazonCloudWatch", item: "CloudWatch alarm (standard resolution)", unit: "USD/alarm-month", offerUnit: "Alarms", match: (p) => p.productFamily === "Alarm" && usage(usageType("CW:AlarmMonitorUsage"))(p) },
];

/** The rules for every service offer file the catalogue needs, instance types included. */
export function awsRules(instanceTypes: readonly string[]): AwsPriceRule[] {
    return [...instanceTypes.map(instanceRule), ...AWS_RULES];
}

/**
 * Turns a (reduced) offer into catalogue lines, one per rule that matched
 * exactly one priced product; a rule matching several distinct prices is an
 * error rather than a guess. Tiered prices: the first non-zero tier (a free
 * tier is noted on the line).
 */
export function extractAwsPrices(offer: AwsOffer, region: string, rules: readonly AwsPriceRule[]): { lines: PriceLine[]; missing: string[] } {
    const asOf = (offer.publicationDate ?? "").slice(0, 10) || "unknown";
    const lines: PriceLine[] = [];
    const missing: string[] = [];
    for (const rule of rules) {
        if (offer.offerCode && offer.offerCode !== rule.service) continue;
        const found = new Map<number, { product: AwsProduct; note?: string }>();
        for (const product of Object.values(offer.products)) {
            if (product.attributes.regionCode && product.attributes.regionCode !== region) continue;
            if (!rule.match(product)) continue;
            const price = onDemandPrice(offer, product.sku, rule.offerUnit);
            if (price) found.set(price.usd, { product, note: price.note });
        }
        if (found.size === 0) {
            missing.push(rule.id);
            continue;
        }
        if (found.size > 1) {
            throw new Error(`AWS offer ${rule.service} ${region}: ${rule.id} matched ${found.size} different prices (${[...found.keys()].join(", ")}); tighten the rule`);
        }
        const [[usd, { product, note }]] = [...found];
        lines.push({
            id: rule.id,
            cloud: "aws",
            region,
            item: rule.item,
            unit: rule.unit,
            price: usd,
            asOf,
            source: ["AWSPL"],
            note: [`${rule.service} sku ${product.sku}, usagetype ${product.attributes.usagetype}`, note].filter(Boolean).join("; "),
        });
    }
    return { lines, missing };
}

function onDemandPrice(offer: AwsOffer, sku: string, offerUnit: string): { usd: number; note?: string } | undefined {
    const terms = offer.terms.OnDemand?.[sku];
    if (!terms) return undefined;
    const dimensions = Object.values(terms).flatMap((t) => Object.values(t.priceDimensions))
        .filter((d) => d.unit === offerUnit && d.pricePerUnit.USD !== undefined)
        .sort((a, b) => Number(a.beginRange ?? 0) - Number(b.beginRange ?? 0));
    if (dimensions.length === 0) return undefined;
    const paid = dimensions.find((d) => Number(d.pricePerUnit.USD) > 0);
    const chosen = paid ?? dimensions[0];
    const free = paid && dimensions[0] !== paid ? `first ${paid.beginRange} ${offerUnit} free` : undefined;
    return { usd: Number(chosen.pricePerUnit.USD), note: free };
}

/** One top-level value the stream reader hands back. */
export type OfferEntry =
    | { kind: "meta"; key: string; value: string }
    | { kind: "product"; key: string; value: AwsProduct }
    | { kind: "onDemand"; key: string; value: Record<string, AwsTerm> };

/**
 * Incremental reader of an offer file's JSON text. Feed it chunks in order;
 * it calls `onEntry` for the top-level string fields (offerCode, version,
 * publicationDate), for each `products.<sku>` object and each
 * `terms.OnDemand.<sku>` object, each parsed on its own. It tracks only
 * object depth, keys and string state, so memory stays the size of one entry.
 */
export class OfferStreamReader {
    private depth = 0;
    /** Key under which each open container sits, by depth (index 0 = root). */
    private readonly path: string[] = [];
    private inString = false;
    private escaped = false;
    private stringBuffer: string | undefined;
    private lastKey = "";
    private expectingKey = false;
    /** Whether the container at each depth is an array (its members have no keys). */
    private readonly isArray: boolean[] = [];
    private capture: { depth: number; kind: "product" | "onDemand"; key: string; parts: string[]; start: number } | undefined;
    private pendingMetaKey: string | undefined;

    constructor(private readonly onEntry: (entry: OfferEntry) => void) {}

    write(chunk: string): void {
        if (this.capture) this.capture.start = 0;
        for (let i = 0; i < chunk.length; i++) {
            const c = chunk.charCodeAt(i);
            if (this.inString) {
                if (this.escaped) {
                    this.escaped = false;
                    if (this.stringBuffer !== undefined) this.stringBuffer += chunk[i];
                } else if (c === 0x5c /* \ */) {
                    this.escaped = true;
                    if (this.stringBuffer !== undefined) this.stringBuffer += "\\";
                } else if (c === 0x22 /* " */) {
                    this.inString = false;
                    if (this.stringBuffer !== undefined) this.endString(JSON.parse(`"${this.stringBuffer}"`) as string);
                } else if (this.stringBuffer !== undefined) {
                    this.stringBuffer += chunk[i];
                }
                continue;
            }
            switch (c) {
                case 0x22: // "
                    this.inString = true;
                    // Keys and values are only needed outside captured entries, at depth ≤ 3.
                    this.stringBuffer = !this.capture && this.depth <= 3 ? "" : undefined;
                    break;
                case 0x7b: // {
                case 0x5b: { // [
                    const key = this.isArray[this.depth] ? "" : this.lastKey;
                    this.depth++;
                    this.path[this.depth] = key;
                    this.isArray[this.depth] = c === 0x5b;
                    this.expectingKey = c === 0x7b;
                    if (!this.capture && c === 0x7b) {
                        // Root object is depth 1, so products.<sku> opens at depth 3 and terms.OnDemand.<sku> at 4.
                        const kind = this.depth === 3 && this.path[2] === "products" ? "product"
                            : this.depth === 4 && this.path[2] === "terms" && this.path[3] === "OnDemand" ? "onDemand" : undefined;
                        if (kind) this.capture = { depth: this.depth, kind, key, parts: [], start: i };
                    }
                    break;
                }
                case 0x7d: // }
                case 0x5d: // ]
                    if (this.capture && this.capture.depth === this.depth) {
                        const { kind, key, parts, start } = this.capture;
                        parts.push(chunk.slice(start, i + 1));
                        this.capture = undefined;
                        this.emit(kind, key, parts.join(""));
                    }
                    this.depth--;
                    this.expectingKey = false;
                    break;
                case 0x2c: // ,
                    this.expectingKey = !this.isArray[this.depth];
                    break;
                case 0x3a: // :
                    this.expectingKey = false;
                    break;
                default:
                    break;
            }
        }
        if (this.capture) this.capture.parts.push(chunk.slice(this.capture.start));
    }

    /** Checks the document ended where it should. */
    end(): void {
        if (this.depth !== 0 || this.inString) throw new Error("AWS offer file: truncated JSON");
    }

    private endString(value: string): void {
        if (this.expectingKey) {
            this.lastKey = value;
            if (this.depth === 1) this.pendingMetaKey = value;
            return;
        }
        if (this.depth === 1 && this.pendingMetaKey) {
            this.onEntry({ kind: "meta", key: this.pendingMetaKey, value });
            this.pendingMetaKey = undefined;
        }
    }

    private emit(kind: "product" | "onDemand", key: string, text: string): void {
        if (kind === "product") this.onEntry({ kind, key, value: JSON.parse(text) as AwsProduct });
        else this.onEntry({ kind, key, value: JSON.parse(text) as Record<string, AwsTerm> });
    }
}

/**
 * Reads an offer file from text chunks, keeping only products some rule
 * matches and their on-demand terms. Products precede terms in the files,
 * so terms of unwanted SKUs are dropped as they stream past.
 */
export async function reduceOfferStream(
    chunks: AsyncIterable<string> | Iterable<string>,
    rules: readonly AwsPriceRule[],
    /** Shown every product as it streams past (the catalogue refresh reads regions and instance types this way). */
    onProduct?: (product: AwsProduct) => void,
): Promise<AwsOffer> {
    const offer: AwsOffer = { products: {}, terms: { OnDemand: {} } };
    const reader = new OfferStreamReader((entry) => {
        if (entry.kind === "meta") {
            if (entry.key === "offerCode" || entry.key === "version" || entry.key === "publicationDate") offer[entry.key] = entry.value;
        } else if (entry.kind === "product") {
            onProduct?.(entry.value);
            if (rules.some((r) => (!offer.offerCode || r.service === offer.offerCode) && r.match(entry.value))) offer.products[entry.key] = entry.value;
        } else if (offer.products[entry.key]) {
            offer.terms.OnDemand![entry.key] = entry.value;
        }
    });
    for await (const chunk of chunks) reader.write(chunk);
    reader.end();
    return offer;
}
