/**
 * EC2 instance type names and their CPU architecture, as data with
 * provenance (ec2-instance-types-data.json, rewritten by `npm run prices:refresh`).
 * Each entry is `[architecture, source letter]`.
 */
import { z } from "zod";
import type { Architecture } from "../aws/server-instance-types";
import raw from "./ec2-instance-types-data.json";
import { Provenance, checkSourceLetters, parseWith, provenanceShape } from "./provenance";

export type InstanceTypeEntry = [Architecture, string];

export interface InstanceTypeCatalogue extends Provenance {
    /** How to read `types`. */
    names: string;
    types: Record<string, InstanceTypeEntry>;
}

export const instanceTypeCatalogueSchema = z.strictObject({
    ...provenanceShape,
    names: z.string(),
    types: z.record(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/), z.tuple([z.enum(["arm64", "x86_64"]), z.string().min(1)])),
});

export function parseInstanceTypeCatalogue(value: unknown, file = "ec2-instance-types-data.json"): InstanceTypeCatalogue {
    const catalogue = parseWith<InstanceTypeCatalogue>(file, instanceTypeCatalogueSchema, value);
    checkSourceLetters(file, catalogue, Object.entries(catalogue.types).map(([key, [, source]]) => ({ key, source: [source] })));
    return catalogue;
}

export const EC2_INSTANCE_TYPES: InstanceTypeCatalogue = parseInstanceTypeCatalogue(raw);

/** The architecture of a known instance type; undefined when the catalogue does not know the type. */
export function catalogueArchitecture(type: string, catalogue: InstanceTypeCatalogue = EC2_INSTANCE_TYPES): Architecture | undefined {
    return Object.prototype.hasOwnProperty.call(catalogue.types, type) ? catalogue.types[type][0] : undefined;
}

/** Known types, for "did you mean": those of the same family first, so t4g.mediun suggests t4g.medium. */
export function instanceTypeCandidates(type: string, catalogue: InstanceTypeCatalogue = EC2_INSTANCE_TYPES): string[] {
    const family = type.split(".")[0];
    const all = Object.keys(catalogue.types);
    return [...all.filter((t) => t.startsWith(`${family}.`)), ...all.filter((t) => !t.startsWith(`${family}.`))];
}
