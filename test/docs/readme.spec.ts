/**
 * The README checked for internal consistency: one total per stack, no path
 * outside the repository, every config key it names known to the schema.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { TAG } from "../../components/aws/failover/contract";
import { IPV4_ONLY_TAG } from "../../policy/platform";
import { rootSchema } from "../../stacks/config/schema";
import { discoverEnvironments, REPO_ROOT } from "../../stacks/environments";

const README = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");

/** The README without fenced code blocks (examples may show mistakes on purpose). */
function prose(text: string): string {
    return text.replace(/^```[\s\S]*?^```/gm, "");
}

/** Whether the schema has a value at `key` (`server.dataVolume.sizeGiB`, `sites[].bgp.asn`, `vpnPreSharedKeys.<site>`). */
export function schemaHasKey(key: string): boolean {
    let schema: z.core.$ZodType = rootSchema;
    for (const raw of key.split(".")) {
        const part = raw.replace(/\[[^\]]*\]$/, "");
        schema = unwrap(schema);
        const def = schema._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; valueType?: z.core.$ZodType };
        if (def.type === "record" && def.valueType) schema = def.valueType;
        else if (def.type === "object" && def.shape && def.shape[part]) schema = def.shape[part];
        else return false;
        if (raw.endsWith("]")) {
            const inner = unwrap(schema)._zod.def as { type: string; element?: z.core.$ZodType };
            if (inner.type !== "array" || !inner.element) return false;
            schema = inner.element;
        }
    }
    return true;
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
    let current = schema;
    for (;;) {
        const def = current._zod.def as { type: string; innerType?: z.core.$ZodType };
        if (["optional", "default", "nullable", "prefault"].includes(def.type) && def.innerType) current = def.innerType;
        else return current;
    }
}

/** Config keys in the README: `landing-zone:<key>` mentions and the first column of every config table. */
function configKeysNamed(text: string): string[] {
    const tags = new Set<string>([...Object.values(TAG), IPV4_ONLY_TAG]);
    const keys = new Set<string>();
    for (const m of text.matchAll(/landing-zone:([A-Za-z][\w.<>[\]-]*)/g)) {
        const full = `landing-zone:${m[1]}`.replace(/[.]+$/, "");
        if (tags.has(full.split("=")[0])) continue;
        keys.add(m[1].replace(/[.]+$/, ""));
    }
    // Config tables: a `| key |` header under a heading; a heading naming `landing-zone:X` whose keys do not start with X. is relative to X.
    let base = "";
    let inTable = false;
    let firstRow = false;
    for (const line of text.split("\n")) {
        const heading = /^#+ .*/.exec(line);
        if (heading) {
            base = /Configuration/.test(line) ? (/`landing-zone:(\w+)`/.exec(line)?.[1] ?? "") : "-";
            inTable = false;
            continue;
        }
        if (/^\| key \|/.test(line)) { inTable = base !== "-"; firstRow = true; continue; }
        if (!inTable) continue;
        if (!line.startsWith("|")) { inTable = false; continue; }
        const cell = line.split("|")[1] ?? "";
        if (/^\|-/.test(line)) continue;
        // A table whose keys already start with the heading's namespace object is rooted.
        if (firstRow && base && /`([^`]+)`/.exec(cell)?.[1].startsWith(`${base}.`)) base = "";
        firstRow = false;
        let previous = "";
        for (const token of [...cell.matchAll(/`([^`]+)`/g)].map((t) => t[1].trim())) {
            if (/^-+$/.test(token)) continue;
            const rooted = base && !token.startsWith(`${base}.`) && token !== base ? `${base}.${token}` : token;
            const key = token.includes(".") || !previous.includes(".") ? rooted : `${previous.slice(0, previous.lastIndexOf("."))}.${token}`;
            keys.add(key);
            previous = key;
        }
    }
    return [...keys];
}

/** Monthly totals the README states for each environment: its cost-table heading and any sentence giving one. */
function totalsFor(env: string, text: string): string[] {
    const totals = new Set<string>();
    const word = new RegExp(`\\b${env}\\b`);
    for (const line of text.split("\n")) {
        if (line.startsWith("|")) continue;
        const heading = new RegExp(`^#+ ${env} \\(.*\\): \\$([\\d,.]+) a month`).exec(line);
        if (heading) totals.add(heading[1]);
    }
    const sentences = text.split(/\n\s*\n/).flatMap((paragraph) => paragraph.replace(/\n/g, " ").split(/(?<=[.;])\s+/));
    for (const sentence of sentences) {
        if (sentence.startsWith("|") || sentence.startsWith("#") || !word.test(sentence)) continue;
        // A total is "<env> … is/costs about $N a month"; per-item, per-site and server-tier figures are not.
        const m = new RegExp(`\\b${env}\\b[^$]{0,80}?(?:is|costs?|comes to|totals?|about)\\s+(?:about\\s+)?\\$([\\d,.]+) a month`).exec(sentence);
        if (m && !/each|per |server tier|conventional|\+\$/i.test(m[0])) totals.add(m[1]);
    }
    return [...totals];
}

describe("README", () => {
    it("opens with the two commands, then Make it yours", () => {
        const start = README.split("\n").slice(0, 12).join("\n");
        assert.match(start, /```sh\nnpm ci && npm run plan[^\n]*\nnpm test[^\n]*\n```\n\n## Make it yours/);
    });

    it("gives one monthly total per stack", () => {
        for (const env of discoverEnvironments()) {
            const totals = totalsFor(env, prose(README));
            assert.ok(totals.length <= 1, `${env}: ${totals.length} different totals: ${totals.join(", ")}`);
        }
        assert.deepEqual(totalsFor("prod", "### prod (x / y): $1.00 a month, cap $2.00\n\nSo prod is about $665 a month before traffic."), ["1.00", "665"], "the check finds a second total");
    });

    it("cites no path outside the repository", () => {
        const outside = [...README.matchAll(/(?:^|[\s(`'"])((?:\/(?:work|home|Users|root|mnt|tmp)\/|\.\.\/)[^\s`'")]*)/g)].map((m) => m[1]);
        assert.deepEqual(outside, []);
        const files = [...prose(README).matchAll(/(?<![\w:/.])((?:[\w.-]+\/)+[\w.-]+\.(?:ts|js|json|md|ya?ml))\b/g)].map((m) => m[1]);
        // Per-environment files in examples (policy/config/staging.json) are what env:new writes.
        const missing = files.filter((f) => !/^policy\/config\/[^/]+\.json$/.test(f) && !fs.existsSync(path.join(REPO_ROOT, f)));
        assert.deepEqual(missing, [], "files the README names that the repository does not have");
    });

    it("names only config keys the schema knows", () => {
        const keys = configKeysNamed(prose(README));
        assert.ok(keys.includes("server.dataVolume.sizeGiB") && keys.includes("aws.vpcCidr"), keys.join(", "));
        assert.deepEqual(keys.filter((k) => !schemaHasKey(k)), []);
        assert.equal(schemaHasKey("aws.natGatway"), false, "the check refuses an unknown key");
    });
});
