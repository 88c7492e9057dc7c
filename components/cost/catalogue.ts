/**
 * The price catalogue: every price the estimator uses, as data with
 * provenance (region, unit, as-of date, source letters). The data lives in
 * catalogue-data.json so scripts/refresh-prices.ts can rewrite it; this module
 * types it, validates it on load and looks prices up.
 *
 * A line is either sourced (its `source` letters name entries of `sources`,
 * transcribed from shared/reference/prices.md or read by the refresh script)
 * or derived from sourced lines by a documented regional rule (`derived`,
 * computed by derive.ts, never typed in by hand).
 */
import { z } from "zod";
import raw from "./catalogue-data.json";

export type Cloud = "aws" | "azure";

export interface DerivedFrom {
    /** Keys (`cloud/region/id`) of the lines this one was computed from. */
    from: string[];
    /** The rule in words, with the factor and what it was computed from. */
    rule: string;
    /** The multiplier applied to the base line's price. */
    factor: number;
}

export interface PriceLine {
    /** Item id, the same in every region, e.g. `ec2.instance.t4g.micro`, `vwan.hub.standard`. */
    id: string;
    cloud: Cloud;
    /** AWS region or Azure `armRegionName`. */
    region: string;
    /** What is priced, in words. */
    item: string;
    /** e.g. "USD/hour", "USD/GB-month"; the spot discount is a "fraction of on-demand price". */
    unit: string;
    price: number;
    /** Date (or period) the figure is valid for, as the source states it. */
    asOf: string;
    /** Source letters, keys of `Catalogue.sources`. */
    source: string[];
    note?: string;
    /**
     * Other figures the sources print for the same item (they disagree);
     * `price` stays the estimate's figure, the report gives the range.
     */
    alsoQuoted?: number[];
    /** Present when the price is computed from other lines rather than sourced. */
    derived?: DerivedFrom;
}

export interface PriceSource {
    description: string;
    /** Upstream repository path, page or URL, as prices.md gives it. */
    reference: string;
}

export interface Catalogue {
    currency: "USD";
    generated: { by: string; at: string };
    sources: Record<string, PriceSource>;
    lines: PriceLine[];
}

const lineSchema = z.strictObject({
    id: z.string().min(1),
    cloud: z.enum(["aws", "azure"]),
    region: z.string().min(1),
    item: z.string().min(1),
    unit: z.string().min(1),
    price: z.number().nonnegative(),
    asOf: z.string().min(1),
    source: z.array(z.string().min(1)).min(1),
    note: z.string().optional(),
    alsoQuoted: z.array(z.number().nonnegative()).min(1).optional(),
    derived: z.strictObject({ from: z.array(z.string()).min(1), rule: z.string().min(1), factor: z.number().positive() }).optional(),
});

export const catalogueSchema = z.strictObject({
    currency: z.literal("USD"),
    generated: z.strictObject({ by: z.string(), at: z.string() }),
    sources: z.record(z.string(), z.strictObject({ description: z.string().min(1), reference: z.string().min(1) })),
    lines: z.array(lineSchema),
});

export function lineKey(line: Pick<PriceLine, "cloud" | "region" | "id">): string {
    return `${line.cloud}/${line.region}/${line.id}`;
}

/** Validates a catalogue document: schema, unique keys, known source letters, derived lines pointing at existing lines. */
export function parseCatalogue(value: unknown): Catalogue {
    const result = catalogueSchema.safeParse(value);
    if (!result.success) {
        const issue = result.error.issues[0];
        throw new Error(`price catalogue: ${issue.path.join(".")}: ${issue.message}`);
    }
    const catalogue = result.data;
    const keys = new Set<string>();
    for (const line of catalogue.lines) {
        const key = lineKey(line);
        if (keys.has(key)) throw new Error(`price catalogue: ${key}: duplicate line`);
        keys.add(key);
        for (const letter of line.source) {
            if (!catalogue.sources[letter]) throw new Error(`price catalogue: ${key}: unknown source "${letter}"`);
        }
    }
    for (const line of catalogue.lines) {
        for (const from of line.derived?.from ?? []) {
            if (!keys.has(from)) throw new Error(`price catalogue: ${lineKey(line)}: derived from missing line ${from}`);
        }
    }
    return catalogue;
}

/** The catalogue shipped in catalogue-data.json, validated once. */
export const CATALOGUE: Catalogue = parseCatalogue(raw);

/** Looks up one price line, or undefined when the catalogue has none for that region. */
export function findLine(catalogue: Catalogue, cloud: Cloud, region: string, id: string): PriceLine | undefined {
    return indexOf(catalogue).get(`${cloud}/${region}/${id}`);
}

const indexes = new WeakMap<Catalogue, Map<string, PriceLine>>();
function indexOf(catalogue: Catalogue): Map<string, PriceLine> {
    let index = indexes.get(catalogue);
    if (!index) {
        index = new Map(catalogue.lines.map((l) => [lineKey(l), l]));
        indexes.set(catalogue, index);
    }
    return index;
}
