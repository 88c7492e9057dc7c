/** Shell quoting for the generated boot scripts. Pure. */

/** Safe as a single-quoted shell word. */
export function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}
