/**
 * What every catalogue file carries besides its entries: who generated it
 * and when, and the sources its entries' letters point at (the same shape as
 * the price catalogue's, components/cost/catalogue-data.json).
 */
import { z } from "zod";

export interface CatalogueSource {
    description: string;
    /** Upstream page, API or package path. */
    reference: string;
}

export interface Provenance {
    generated: { by: string; at: string };
    sources: Record<string, CatalogueSource>;
}

export const provenanceShape = {
    generated: z.strictObject({ by: z.string().min(1), at: z.string().min(1) }),
    sources: z.record(z.string(), z.strictObject({ description: z.string().min(1), reference: z.string().min(1) })),
};

/** Parses a catalogue document or throws one line naming the file and the path of the first problem. */
export function parseWith<T>(file: string, schema: z.ZodType<T>, value: unknown): T {
    const result = schema.safeParse(value);
    if (!result.success) {
        const issue = result.error.issues[0];
        throw new Error(`${file}: ${issue.path.join(".")}: ${issue.message}`);
    }
    return result.data;
}

/** Throws when an entry names a source letter the file does not define. */
export function checkSourceLetters(file: string, provenance: Provenance, entries: Array<{ key: string; source: readonly string[] }>): void {
    for (const { key, source } of entries) {
        for (const letter of source) {
            if (!provenance.sources[letter]) throw new Error(`${file}: ${key}: unknown source "${letter}"`);
        }
    }
}

/** Throws on the first key listed twice. */
export function checkUnique(file: string, keys: readonly string[]): void {
    const seen = new Set<string>();
    for (const key of keys) {
        if (seen.has(key)) throw new Error(`${file}: ${key}: listed twice`);
        seen.add(key);
    }
}
