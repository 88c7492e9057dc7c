/**
 * Wrapping the report to the terminal: long lines break at spaces with a
 * hanging indent, so a 350-character basis becomes a readable paragraph.
 */

/**
 * The width to wrap at: --width, else the terminal's, else COLUMNS; output
 * to a pipe or a file is not wrapped (grep and diff want whole lines).
 */
export function reportWidth(explicit: number | undefined, stream: { isTTY?: boolean; columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
    if (explicit !== undefined) return explicit;
    if (stream.isTTY && stream.columns && stream.columns >= 40) return stream.columns;
    const fromEnv = Number(env.COLUMNS);
    return Number.isInteger(fromEnv) && fromEnv >= 40 ? fromEnv : Infinity;
}

/**
 * Breaks `text` into lines of at most `width` characters at spaces; every
 * line after the first starts with `indent` spaces. A word longer than the
 * room is put on its own line whole (URNs and ids are not cut). `breaks`
 * says where a line may break: by default single spaces, so a table's
 * padding stays inside its cells.
 */
export function wrapText(text: string, width: number, indent: number, breaks: RegExp = /(?<=\S) (?=\S)/): string[] {
    if (text.length <= width) return [text];
    const lead = " ".repeat(indent);
    const out: string[] = [];
    let line = "";
    for (const word of text.split(breaks)) {
        const candidate = line ? `${line} ${word}` : word;
        if (candidate.length <= width || !line) line = candidate;
        else {
            out.push(line);
            line = `${lead}${word.trimStart()}`;
        }
    }
    if (line) out.push(line);
    return out;
}

/** Wraps one report line, continuing under its own indentation plus `extra` columns. */
export function wrapLine(line: string, width: number, extra = 4): string[] {
    const own = line.length - line.trimStart().length;
    // Any run of spaces may break a free line (a tree line's "name  (type)"); tables wrap their own last column.
    return wrapText(line, width, Math.min(own + extra, Math.floor(width / 2)), /(?<=\S) +(?=\S)/);
}
