/**
 * Merging refreshed prices into the catalogue. Pure: a fetched line replaces
 * the line with the same cloud/region/id (sourced or derived); every line not
 * fetched keeps its original provenance; derived lines are then recomputed,
 * so a region that now has sourced prices stops being derived.
 */
import { Catalogue, PriceLine, lineKey } from "../catalogue";
import { rederive } from "../derive";

export interface PriceChange {
    key: string;
    before: number | null;
    after: number;
    derivedBefore: boolean;
}

export function mergeRefreshed(current: Catalogue, fetched: readonly PriceLine[], at: string): { catalogue: Catalogue; changes: PriceChange[] } {
    const byKey = new Map(current.lines.map((l) => [lineKey(l), l]));
    const fetchedKeys = new Set(fetched.map(lineKey));
    const kept = current.lines.filter((l) => !l.derived && !fetchedKeys.has(lineKey(l)));
    const merged = rederive({
        ...current,
        generated: { by: "scripts/refresh-prices.ts (AWS Price List bulk files, Azure Retail Prices API, Spot Advisor); unfetched lines kept from the previous catalogue; derived lines by components/cost/derive.ts", at },
        lines: [...kept, ...fetched],
    });
    const changes = fetched
        .map((l) => {
            const old = byKey.get(lineKey(l));
            return { key: lineKey(l), before: old ? old.price : null, after: l.price, derivedBefore: Boolean(old?.derived) };
        })
        .filter((c) => c.before !== c.after || c.derivedBefore);
    const order = (l: PriceLine) => `${l.cloud}/${l.region}`;
    merged.lines.sort((a, b) => order(a).localeCompare(order(b)) || (a.derived ? 1 : 0) - (b.derived ? 1 : 0));
    return { catalogue: merged, changes };
}
