/**
 * Regional derivation: fills the catalogue's gaps (a price the sources give
 * for one region only) with a documented multiplier computed from prices the
 * sources give for both regions. Pure; the refresh script re-runs it after
 * every refresh, and a test checks catalogue-data.json equals its output, so a
 * derived price cannot drift from its rule.
 *
 * Rules, in order (a later rule may build on an earlier one's output):
 * 1. aws ap-southeast-2 ← us-east-1 × the median ap-southeast-2/us-east-1
 *    ratio of the EC2 instance on-demand prices sourced in both regions.
 * 2. azure eastus ← westeurope × the median eastus/westeurope ratio of the
 *    hourly Azure prices sourced in both (the Standard hub: 0.25/0.25 = 1).
 * 3. azure westeurope ← eastus, the same way.
 * 4. azure australiaeast ← eastus × the median australiaeast/eastus ratio of
 *    hourly Azure prices sourced in both; while none is (prices.md has no
 *    australiaeast figure), the AWS Sydney/N. Virginia factor of rule 1
 *    stands in, the nearest sourced measure of what Sydney costs.
 *
 * Only lines priced in USD are derived (not the spot discount fraction);
 * rules 2 and 3 derive only from sourced lines so the two cannot feed each
 * other; factors are rounded to 4 decimals and prices to 6.
 */
import { Catalogue, Cloud, PriceLine, lineKey } from "./catalogue";

/** Where a factor comes from: prices of one cloud sourced in both regions, optionally only some ids/units. */
export interface FactorBasis {
    cloud: Cloud;
    target: string;
    base: string;
    /** Only ids starting with this, e.g. "ec2.instance.". */
    idPrefix?: string;
    /** Only lines with this unit, e.g. "USD/hour". */
    unit?: string;
    /** What the ratios are taken over, in words, e.g. "EC2 instance on-demand prices". */
    what: string;
    /** Why this basis stands in, when it is a fallback. */
    why?: string;
}

export interface RegionDerivation {
    cloud: Cloud;
    target: string;
    base: string;
    /** Tried in order; the first with at least one sourced pair gives the factor. */
    factorFrom: FactorBasis[];
    /** Whether a derived base line may be derived from again (false stops two regions feeding each other). */
    baseMayBeDerived: boolean;
}

const AWS_SYDNEY: FactorBasis = { cloud: "aws", target: "ap-southeast-2", base: "us-east-1", idPrefix: "ec2.instance.", what: "EC2 instance on-demand prices" };
const azureHourly = (target: string, base: string): FactorBasis => ({ cloud: "azure", target, base, unit: "USD/hour", what: "hourly Azure prices" });

export const REGION_DERIVATIONS: readonly RegionDerivation[] = [
    { cloud: "aws", target: "ap-southeast-2", base: "us-east-1", factorFrom: [AWS_SYDNEY], baseMayBeDerived: false },
    { cloud: "azure", target: "eastus", base: "westeurope", factorFrom: [azureHourly("eastus", "westeurope")], baseMayBeDerived: false },
    { cloud: "azure", target: "westeurope", base: "eastus", factorFrom: [azureHourly("westeurope", "eastus")], baseMayBeDerived: false },
    {
        cloud: "azure", target: "australiaeast", base: "eastus", baseMayBeDerived: true,
        factorFrom: [
            azureHourly("australiaeast", "eastus"),
            { ...AWS_SYDNEY, why: "no Azure price is sourced for australiaeast, so the AWS Sydney/N. Virginia factor stands in" },
        ],
    },
];

export interface Factor {
    value: number;
    /** [target, base] line keys whose ratios made the factor. */
    pairs: Array<[string, string]>;
    /** The factor's origin in words. */
    describe: string;
}

/** Median target/base ratio over lines sourced (not derived) in both regions, non-zero, matching the basis. */
export function regionalFactor(lines: readonly PriceLine[], basis: FactorBasis): Factor | undefined {
    const sourced = (region: string) =>
        new Map(lines
            .filter((l) => l.cloud === basis.cloud && l.region === region && !l.derived && l.price > 0 && l.unit.startsWith("USD"))
            .filter((l) => (basis.idPrefix === undefined || l.id.startsWith(basis.idPrefix)) && (basis.unit === undefined || l.unit === basis.unit))
            .map((l) => [l.id, l]));
    const target = sourced(basis.target);
    const base = sourced(basis.base);
    const ratios: number[] = [];
    const pairs: Array<[string, string]> = [];
    for (const [id, t] of target) {
        const b = base.get(id);
        if (!b || b.unit !== t.unit) continue;
        ratios.push(t.price / b.price);
        pairs.push([lineKey(t), lineKey(b)]);
    }
    if (ratios.length === 0) return undefined;
    const ids = pairs.length <= 3 ? `: ${pairs.map(([t]) => t.split("/")[2]).join(", ")}` : "";
    const describe = `${basis.why ? `${basis.why}: ` : ""}the median ${basis.target}/${basis.base} ratio over the ${basis.what} sourced in both regions (${pairs.length} pair${pairs.length === 1 ? "" : "s"}${ids})`;
    return { value: round(median(ratios), 4), pairs, describe };
}

/**
 * Returns the catalogue's sourced lines plus every derived line the rules
 * produce for (cloud, region, id) combinations no sourced line covers.
 * Existing derived lines are dropped and recomputed.
 */
export function deriveLines(allLines: readonly PriceLine[], rules: readonly RegionDerivation[] = REGION_DERIVATIONS): PriceLine[] {
    const lines = allLines.filter((l) => !l.derived);
    const has = new Set(lines.map(lineKey));
    for (const rule of rules) {
        const factor = rule.factorFrom.map((basis) => regionalFactor(lines, basis)).find((f) => f !== undefined);
        if (!factor) continue;
        const bases = lines.filter((l) => l.cloud === rule.cloud && l.region === rule.base && l.unit.startsWith("USD") && (rule.baseMayBeDerived || !l.derived));
        for (const base of bases) {
            const key = `${rule.cloud}/${rule.target}/${base.id}`;
            if (has.has(key)) continue;
            const via = base.derived ? `, itself derived (${base.derived.rule})` : "";
            const line: PriceLine = {
                id: base.id,
                cloud: rule.cloud,
                region: rule.target,
                item: base.item,
                unit: base.unit,
                price: round(base.price * factor.value, 6),
                asOf: base.asOf,
                source: [...base.source],
                derived: {
                    from: [lineKey(base), ...factor.pairs.flat()].filter(unique),
                    rule: `${rule.target} = ${rule.base} × ${factor.value.toFixed(4)}; ${factor.describe}${via}`,
                    factor: factor.value,
                },
            };
            if (base.note) line.note = base.note;
            if (base.alsoQuoted) line.alsoQuoted = base.alsoQuoted.map((p) => round(p * factor.value, 6));
            lines.push(line);
            has.add(key);
        }
    }
    return lines;
}

/** Rebuilds the catalogue's derived lines (see deriveLines). */
export function rederive(catalogue: Catalogue): Catalogue {
    return { ...catalogue, lines: deriveLines(catalogue.lines) };
}

function unique<T>(value: T, index: number, all: T[]): boolean {
    return all.indexOf(value) === index;
}

export function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function round(value: number, decimals: number): number {
    const f = 10 ** decimals;
    return Math.round(value * f) / f;
}
