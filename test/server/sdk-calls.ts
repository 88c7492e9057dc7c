/**
 * Which AWS API calls a body of TypeScript source can make: every `…Command`
 * class it imports from an `@aws-sdk/client-*` package and then uses (`new
 * X(`, or passed around as a value), as IAM actions (`ec2:DeleteVolume`).
 *
 * Written to survive a rewrite of the handler: named imports over several
 * lines, `as` aliases, namespace imports (`import * as ec2 from …` then
 * `new ec2.XCommand(`), `import type` and inline `type` specifiers (never
 * calls), files in subfolders. A client package it does not know is an
 * error, not a silent skip, so a new service cannot slip past the IAM test.
 */
import * as fs from "fs";
import * as path from "path";

/** SDK client package → IAM service prefix. */
export const SDK_SERVICES: Readonly<Record<string, string>> = {
    "client-ec2": "ec2",
    "client-auto-scaling": "autoscaling",
    "client-route-53": "route53",
    "client-sns": "sns",
};

/** Commands whose IAM action is not the command name without "Command" (none for these services today). */
const ACTION_OVERRIDES: Readonly<Record<string, string>> = {};

export interface SourceFile {
    file: string;
    text: string;
}

/** Every .ts file under `dir` (recursively), test and declaration files excluded. */
export function readSources(dir: string): SourceFile[] {
    const out: SourceFile[] = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) out.push(...readSources(full));
        else if (/\.ts$/.test(entry.name) && !/\.(d|spec|test)\.ts$/.test(entry.name)) out.push({ file: full, text: fs.readFileSync(full, "utf8") });
    }
    return out;
}

/** Comments removed (roughly: enough that a commented-out call does not count). */
function stripComments(text: string): string {
    return text.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The IAM actions the sources can call, sorted; throws on an unknown SDK client package. */
export function sdkCalls(sources: readonly SourceFile[]): string[] {
    const actions = new Set<string>();
    const action = (service: string, command: string) => {
        const name = command.replace(/Command$/, "");
        actions.add(`${service}:${ACTION_OVERRIDES[`${service}:${name}`] ?? name}`);
    };
    for (const { file, text: raw } of sources) {
        const text = stripComments(raw);
        const serviceOf = (pkg: string) => {
            const service = SDK_SERVICES[pkg];
            if (service === undefined) throw new Error(`${file}: imports @aws-sdk/${pkg}, which the IAM check does not know; add it to SDK_SERVICES`);
            return service;
        };
        // Everything after the imports: where a use must appear (the import line itself is not a use).
        const body = text.replace(/import\s[^;]*?from\s*["'][^"']+["'];?/g, " ");
        for (const m of text.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s*from\s*["']@aws-sdk\/(client-[a-z0-9-]+)["']/g)) {
            const service = serviceOf(m[3]);
            if (m[1]) continue; // import type { … }: no calls
            for (const spec of m[2].split(",").map((s) => s.trim()).filter(Boolean)) {
                if (/^type\s/.test(spec)) continue;
                const [original, local = original] = spec.split(/\s+as\s+/).map((s) => s.trim());
                if (!/Command$/.test(original)) continue;
                if (new RegExp(`(^|[^\\w$.])${escape(local)}\\b`).test(body)) action(service, original);
            }
        }
        for (const m of text.matchAll(/import\s+\*\s+as\s+([\w$]+)\s+from\s*["']@aws-sdk\/(client-[a-z0-9-]+)["']/g)) {
            const service = serviceOf(m[2]);
            for (const use of body.matchAll(new RegExp(`(?:^|[^\\w$.])${escape(m[1])}\\.([A-Za-z0-9]+Command)\\b`, "g"))) action(service, use[1]);
        }
        // require("@aws-sdk/client-…") or a dynamic import would escape the scan: refuse them outright.
        if (/(require\(|import\()\s*["']@aws-sdk\/client-/.test(text)) throw new Error(`${file}: loads an SDK client dynamically; import it statically so the IAM check can see its commands`);
    }
    return [...actions].sort();
}
