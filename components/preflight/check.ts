/** Small helpers the preflight rules share. Pure. */
import type { Finding } from "./types";

/** A value the plan knows (not a secret, an unknown or a reference placeholder). */
export function known(value: unknown): boolean {
    return value !== undefined && value !== null && !(typeof value === "string" && /^\[.*\]$/.test(value));
}

/** The value at a dotted path with [i] indexes. */
export function at(root: unknown, path: string): unknown {
    return path.split(/\.|(?=\[)/).reduce<unknown>((value, part) => {
        if (value === null || typeof value !== "object") return undefined;
        const index = /^\[(\d+)\]$/.exec(part);
        return index ? (value as unknown[])[Number(index[1])] : (value as Record<string, unknown>)[part];
    }, root);
}

/** Numbers arrive as numbers or (from some providers' string-typed inputs) numeric strings. */
export function asNumber(value: unknown): number | undefined {
    if (typeof value === "number") return value;
    if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
    return undefined;
}

/** A finding when a known number at `path` is outside [min, max]. */
export function range(inputs: unknown, path: string, min: number, max: number, what: string): Finding[] {
    const raw = at(inputs, path);
    if (!known(raw)) return [];
    const n = asNumber(raw);
    if (n !== undefined && Number.isInteger(n) && n >= min && n <= max) return [];
    return [{ input: path, value: raw, message: `${what} must be an integer from ${min} to ${max}` }];
}

/** A finding when a known string at `path` is longer than `max` or does not match `pattern`. */
export function text(inputs: unknown, path: string, max: number, what: string, pattern?: RegExp, patternText?: string): Finding[] {
    const raw = at(inputs, path);
    if (!known(raw) || typeof raw !== "string") return [];
    if (raw.length > max) return [{ input: path, value: raw, message: `${what} is ${raw.length} characters; at most ${max}` }];
    if (pattern && !pattern.test(raw)) return [{ input: path, value: raw, message: `${what} ${patternText ?? `must match ${pattern}`}` }];
    return [];
}

/** A finding when a known value at `path` is not one of `allowed`. */
export function oneOf(inputs: unknown, path: string, allowed: readonly (string | number)[], what: string): Finding[] {
    const raw = at(inputs, path);
    if (!known(raw)) return [];
    return allowed.includes(raw as string | number) ? [] : [{ input: path, value: raw, message: `${what} must be one of ${allowed.join(", ")}` }];
}

/** Each element of the array at `path` (with its path), for rules on lists. */
export function each(inputs: unknown, path: string): Array<[string, unknown]> {
    const list = at(inputs, path);
    return Array.isArray(list) ? list.map((v, i) => [`${path}[${i}]`, v]) : [];
}
