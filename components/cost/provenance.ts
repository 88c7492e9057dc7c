/**
 * Where each price comes from and how sure it is: the as-of dates and
 * sources of the catalogue lines an estimate line used, and a low–high
 * range where the sources disagree (`alsoQuoted`) or a price is derived by
 * a regional factor (the spread of the ratios the factor is the median of).
 * Pure.
 */
import { Catalogue, PriceLine, lineKey } from "./catalogue";

export interface PriceBounds {
    low: number;
    high: number;
}

/**
 * The range a line's price could reasonably take: every figure the sources
 * print for it, each scaled by the lowest and highest ratio behind a derived
 * factor. Equal to the price when the line is sourced and undisputed.
 */
export function priceBounds(line: PriceLine, catalogue: Catalogue): PriceBounds {
    const figures = [line.price, ...(line.alsoQuoted ?? [])];
    let low = Math.min(...figures);
    let high = Math.max(...figures);
    const spread = line.derived ? ratioSpread(line, catalogue) : undefined;
    if (spread) {
        low *= spread.low;
        high *= spread.high;
    }
    return { low: Math.min(low, line.price), high: Math.max(high, line.price) };
}

/**
 * The lowest and highest target/base ratio among the pairs a derived
 * factor was computed from, relative to the factor. `derived.from` is the
 * base line, then the (target, base) pairs in order.
 */
function ratioSpread(line: PriceLine, catalogue: Catalogue): PriceBounds | undefined {
    const derived = line.derived!;
    const byKey = new Map(catalogue.lines.map((l) => [lineKey(l), l]));
    const pairs = derived.from.slice(1);
    if (pairs.length < 2 || pairs.length % 2 !== 0) return undefined;
    const ratios: number[] = [];
    for (let i = 0; i < pairs.length; i += 2) {
        const target = byKey.get(pairs[i]);
        const base = byKey.get(pairs[i + 1]);
        if (target && base && base.price > 0) ratios.push(target.price / base.price);
    }
    if (ratios.length === 0) return undefined;
    return { low: Math.min(...ratios) / derived.factor, high: Math.max(...ratios) / derived.factor };
}

const bounded = new WeakMap<Catalogue, { low: Catalogue; high: Catalogue }>();

/** The catalogue with every price at its low (or high) bound, for estimating a range (built once per catalogue). */
export function boundCatalogue(catalogue: Catalogue, bound: "low" | "high"): Catalogue {
    let both = bounded.get(catalogue);
    if (!both) {
        const at = (b: "low" | "high"): Catalogue => ({ ...catalogue, lines: catalogue.lines.map((l) => ({ ...l, price: priceBounds(l, catalogue)[b] })) });
        both = { low: at("low"), high: at("high") };
        bounded.set(catalogue, both);
    }
    return both[bound];
}

/** "MSP: Microsoft Learn, Azure Virtual WAN pricing concepts (azure/virtual-wan/pricing-concepts)" per source letter. */
export function describeSources(letters: Iterable<string>, catalogue: Catalogue): string[] {
    return [...new Set(letters)].map((letter) => {
        const source = catalogue.sources[letter];
        return source ? `${letter}: ${source.description} (${source.reference})` : letter;
    });
}
