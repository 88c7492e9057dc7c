/**
 * Rebuilds components/cost/catalogue-data.json from the official price sources:
 * the AWS Price List bulk offer files (AmazonEC2: instances, EBS, NAT;
 * AmazonVPC: public IPv4, Site-to-Site VPN, Transit Gateway; AWSELB: ALB;
 * AmazonCloudWatch: alarms), the Spot Instance Advisor data, and the Azure
 * Retail Prices API (Virtual WAN hub, VPN scale and connection units, public
 * IPs, VMs), for every region the catalogue covers.
 *
 *   npx ts-node --transpile-only scripts/refresh-prices.ts [--dry-run] [--out <file>]
 *   npx ts-node --transpile-only scripts/refresh-prices.ts --derive-only
 *
 * The same run refreshes the catalogues in components/catalogue (AWS regions
 * and zones, EC2 instance types, Azure locations; scripts/refresh-catalogues.ts),
 * written next to `--out` when it is given, else in place. `--aws-api` also
 * asks EC2 itself (DescribeAvailabilityZones, DescribeInstanceTypes) with the
 * caller's AWS credentials.
 *
 * Lines a source did not return keep their previous value and provenance;
 * derived lines are recomputed (components/cost/derive.ts). Nothing is
 * written unless every source answered. `--derive-only` needs no network:
 * it only recomputes the derived lines of the current file.
 */
import { readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { Catalogue, PriceLine, parseCatalogue } from "../components/cost/catalogue";
import { rederive } from "../components/cost/derive";
import { AwsPriceRule, AwsProduct, awsRules, extractAwsPrices, reduceOfferStream } from "../components/cost/sources/aws-offer";
import { AzureRetailItem, AzureRetailPage, azureQueryUrl, azureRules, extractAzurePrice } from "../components/cost/sources/azure-retail";
import { mergeRefreshed } from "../components/cost/sources/merge";
import { SPOT_ADVISOR_URL, SpotAdvisorData, extractSpotDiscount } from "../components/cost/sources/spot-advisor";
import { OfferCatalogueCollector } from "../components/catalogue/sources/aws-offer-catalogue";
import { CATALOGUE_DIR, fetchAwsApiFacts, readCatalogues, refreshCatalogues, writeCatalogues } from "./refresh-catalogues";

export const CATALOGUE_FILE = path.join(__dirname, "..", "components", "cost", "catalogue-data.json");
export const AWS_OFFER_BASE = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws";
const MAX_AZURE_PAGES = 20;

export type Fetch = (url: string) => Promise<Response>;

export function awsOfferUrl(service: string, region: string): string {
    return `${AWS_OFFER_BASE}/${service}/current/${region}/index.json`;
}

/** A fetch failure in words: which host, and why (no network, HTTP status). */
export class SourceUnavailable extends Error {}

export async function get(fetchFn: Fetch, url: string): Promise<Response> {
    let response: Response;
    try {
        response = await fetchFn(url);
    } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        const why = cause?.code ?? cause?.message ?? (error as Error).message;
        throw new SourceUnavailable(`cannot reach ${new URL(url).host} (${why}); is there a network connection?`);
    }
    if (!response.ok) throw new SourceUnavailable(`${url} answered HTTP ${response.status}`);
    return response;
}

export async function* textChunks(response: Response): AsyncGenerator<string> {
    if (!response.body) return;
    const decoder = new TextDecoder();
    for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) yield decoder.decode(bytes, { stream: true });
    const rest = decoder.decode();
    if (rest) yield rest;
}

export interface FetchedPrices {
    lines: PriceLine[];
    /** `cloud/region/id` the sources did not return (the previous line is kept). */
    missing: string[];
}

/** Fetches every source for the catalogue's regions, instance types and VM sizes. */
export async function fetchPrices(current: Catalogue, fetchFn: Fetch, today: string, log: (line: string) => void = () => undefined, onProduct?: (product: AwsProduct) => void): Promise<FetchedPrices> {
    const regions = (cloud: string) => [...new Set(current.lines.filter((l) => l.cloud === cloud).map((l) => l.region))];
    const ids = (prefix: string) => [...new Set(current.lines.filter((l) => l.id.startsWith(prefix)).map((l) => l.id.slice(prefix.length)))];
    const instanceTypes = ids("ec2.instance.");
    const lines: PriceLine[] = [];
    const missing: string[] = [];

    const rules = awsRules(instanceTypes);
    const byService = new Map<string, AwsPriceRule[]>();
    for (const rule of rules) byService.set(rule.service, [...(byService.get(rule.service) ?? []), rule]);
    for (const region of regions("aws")) {
        for (const [service, serviceRules] of byService) {
            const url = awsOfferUrl(service, region);
            log(`AWS ${service} ${region}: ${url}`);
            const offer = await reduceOfferStream(textChunks(await get(fetchFn, url)), serviceRules, onProduct);
            const found = extractAwsPrices(offer, region, serviceRules);
            lines.push(...found.lines);
            missing.push(...found.missing.map((id) => `aws/${region}/${id}`));
        }
    }

    log(`AWS Spot Advisor: ${SPOT_ADVISOR_URL}`);
    const advisor = (await (await get(fetchFn, SPOT_ADVISOR_URL)).json()) as SpotAdvisorData;
    for (const region of regions("aws")) {
        const line = extractSpotDiscount(advisor, region, instanceTypes, today);
        if (line) lines.push(line);
        else missing.push(`aws/${region}/ec2.spot-discount`);
    }

    for (const region of regions("azure")) {
        for (const rule of azureRules(ids("vm."))) {
            const items: AzureRetailItem[] = [];
            let url: string | null = azureQueryUrl(region, rule);
            log(`Azure ${region} ${rule.id}: ${url}`);
            for (let page = 0; url && page < MAX_AZURE_PAGES; page++) {
                const body = (await (await get(fetchFn, url)).json()) as AzureRetailPage;
                items.push(...body.Items);
                url = body.NextPageLink;
            }
            const line = extractAzurePrice(items, region, rule, today);
            if (line) lines.push(line);
            else missing.push(`azure/${region}/${rule.id}`);
        }
    }
    return { lines, missing };
}

/** The command: returns the exit status. */
export async function main(argv: readonly string[], fetchFn: Fetch = globalThis.fetch, out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
    const flag = (name: string) => argv.includes(name);
    const outIndex = argv.indexOf("--out");
    const target = outIndex >= 0 ? argv[outIndex + 1] : CATALOGUE_FILE;
    if (!target) {
        err("refresh-prices: --out needs a file name");
        return 2;
    }
    const current = parseCatalogue(JSON.parse(readFileSync(CATALOGUE_FILE, "utf8")));
    const today = new Date().toISOString().slice(0, 10);

    if (flag("--derive-only")) {
        write(target, rederive(current));
        out(`refresh-prices: recomputed derived lines into ${target}`);
        return 0;
    }
    if (typeof fetchFn !== "function") {
        err("refresh-prices: this Node has no global fetch (Node 18 or later needed)");
        return 1;
    }
    let fetched: FetchedPrices;
    let catalogues;
    const collector = new OfferCatalogueCollector();
    const log = flag("--verbose") ? out : () => undefined;
    try {
        fetched = await fetchPrices(current, fetchFn, today, log, (product) => collector.observe(product));
        const existing = readCatalogues();
        const apiFacts = flag("--aws-api") ? await fetchAwsApiFacts(existing.regions.regions.map((r) => r.code), log) : undefined;
        catalogues = await refreshCatalogues(existing, fetchFn, get, collector.facts, today, apiFacts);
        for (const region of apiFacts?.skipped ?? []) out(`aws/${region}: EC2 did not answer; its zones were kept`);
    } catch (error) {
        if (error instanceof SourceUnavailable) {
            err(`refresh-prices: ${error.message} The catalogue was left unchanged.`);
            return 1;
        }
        throw error;
    }
    const { catalogue, changes } = mergeRefreshed(current, fetched.lines, today);
    parseCatalogue(catalogue);
    for (const c of changes) out(`${c.key}: ${c.before ?? "new"}${c.derivedBefore ? " (derived)" : ""} → ${c.after}`);
    for (const key of fetched.missing) out(`${key}: not returned by the source; previous line kept`);
    out(`refresh-prices: ${fetched.lines.length} lines fetched, ${changes.length} changed, ${fetched.missing.length} kept.`);
    for (const c of catalogues.changes) out(`catalogue ${c.key}: ${c.what}`);
    out(`refresh-prices: catalogues ${catalogues.regions.regions.length} AWS regions, ${Object.keys(catalogues.types.types).length} instance types, ${catalogues.locations.locations.length} Azure locations; ${catalogues.changes.length} changed.`);
    if (flag("--dry-run")) return 0;
    write(target, catalogue);
    const catalogueDir = outIndex >= 0 ? path.dirname(target) : CATALOGUE_DIR;
    writeCatalogues(catalogueDir, catalogues);
    out(`refresh-prices: wrote ${target} and the catalogues in ${catalogueDir}`);
    return 0;
}

function write(file: string, catalogue: Catalogue): void {
    writeFileSync(file, `${JSON.stringify(catalogue, null, 2)}\n`);
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (error: Error) => {
            console.error(`refresh-prices: ${error.message}`);
            process.exit(1);
        },
    );
}
