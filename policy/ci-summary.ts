/**
 * Turns offline plan JSON documents (`npm run --silent plan -- --stack <s> --json`)
 * into the Markdown job summary of the pull-request workflow: per stack, the
 * monthly estimate against the cap, the policy results and IPv6 readiness.
 *
 *   ts-node --transpile-only policy/ci-summary.ts plan-dev.json plan-prod.json >> "$GITHUB_STEP_SUMMARY"
 *
 * Exit status: 0 always (the workflow decides pass/fail from the plan's own exit status).
 */
import * as fs from "fs";
import { dollars } from "../components/cost/estimator";

export interface PlanDocument {
    stack: string;
    cost?: { currency: string; monthly: number; cap: number | null; items: Array<{ type: string; name: string; monthly: number; basis: string }> };
    policies?: { violations: Array<{ policy: string; level: "mandatory" | "advisory"; resource: string | null; message: string }> };
    ipv6?: { internetFacing?: { total: number; reachableOverIpv6: number; share: number | null }; networks?: Counts; subnets?: Counts; interfaces?: Counts; endpoints?: Counts };
}
interface Counts {
    dualStack: number;
    ipv4Only: number;
    ipv6Only: number;
    unknown: number;
}

export type PlanInput = { file: string; doc: PlanDocument } | { file: string; error: string };

/** Table-cell safe: no pipes or newlines. */
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");

/** The resource part of a URN ("type::name" → `name` (Type)). */
function resourceText(urn: string | null): string {
    if (!urn) return "stack";
    const parts = urn.split("::");
    const type = (parts[2] ?? "").split("$").pop() ?? "";
    return `\`${parts[3] ?? urn}\` (${type.split(":").pop()})`;
}

export function planSummaryMarkdown(inputs: readonly PlanInput[]): string {
    const out: string[] = ["## Offline plan: cost and policies", ""];
    for (const input of inputs) {
        if ("error" in input) {
            out.push(`### ${input.file}`, "", `:x: No plan report: ${input.error}. See the job log (an invalid config exits 2 with one line per problem).`, "");
            continue;
        }
        const { doc } = input;
        const violations = doc.policies?.violations ?? [];
        const mandatory = violations.filter((v) => v.level === "mandatory");
        const advisory = violations.filter((v) => v.level === "advisory");
        out.push(`### Stack \`${doc.stack}\` ${mandatory.length > 0 ? ":x:" : ":white_check_mark:"}`, "");
        if (doc.cost) {
            const { monthly, cap } = doc.cost;
            const against = cap === null ? "no cap" : `cap ${dollars(cap)} (${monthly > cap ? "**over**" : `${Math.round((monthly / cap) * 100)}% used`})`;
            out.push(`**Monthly estimate:** ${doc.cost.items.length === 0 ? "not estimated" : dollars(monthly)} — ${against}`, "");
            const top = [...doc.cost.items].sort((a, b) => b.monthly - a.monthly).slice(0, 5).filter((i) => i.monthly > 0);
            if (top.length > 0) {
                out.push("| Largest lines | Monthly | Basis |", "|---|---:|---|");
                for (const i of top) out.push(`| ${cell(`${i.type.split(":").pop()} ${i.name}`)} | ${dollars(i.monthly)} | ${cell(i.basis)} |`);
                out.push("");
            }
        }
        out.push(`**Policies:** ${mandatory.length} mandatory, ${advisory.length} advisory`, "");
        if (violations.length > 0) {
            out.push("| Level | Policy | Resource | What to change |", "|---|---|---|---|");
            for (const v of [...mandatory, ...advisory]) {
                out.push(`| ${v.level === "mandatory" ? ":x: mandatory" : ":warning: advisory"} | \`${v.policy}\` | ${cell(resourceText(v.resource))} | ${cell(v.message)} |`);
            }
            out.push("");
        }
        const facing = doc.ipv6?.internetFacing;
        if (facing) {
            const share = facing.share === null ? "n/a" : `${Math.round(facing.share * 100)}%`;
            const c = (name: string, k?: Counts) => (k ? `${name} ${k.dualStack} dual-stack / ${k.ipv4Only} IPv4-only` : "");
            out.push(`**IPv6:** ${share} of internet-facing endpoints reachable over IPv6 (${facing.reachableOverIpv6}/${facing.total}); ${[c("networks", doc.ipv6?.networks), c("subnets", doc.ipv6?.subnets), c("interfaces", doc.ipv6?.interfaces)].filter(Boolean).join("; ")}`, "");
        }
    }
    return out.join("\n");
}

/** Reads each file; a missing, empty or non-JSON file becomes an error entry (the plan failed before reporting). */
export function readPlans(files: readonly string[]): PlanInput[] {
    return files.map((file) => {
        try {
            const text = fs.readFileSync(file, "utf8").trim();
            if (text.length === 0) return { file, error: "the plan wrote nothing" };
            // Tolerate anything printed before the document (e.g. npm's banner without --silent).
            const doc = JSON.parse(text.slice(text.indexOf("{"))) as PlanDocument;
            return { file, doc };
        } catch (e) {
            return { file, error: (e as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : `not JSON (${(e as Error).message})` };
        }
    });
}

if (require.main === module) {
    process.stdout.write(`${planSummaryMarkdown(readPlans(process.argv.slice(2)))}\n`);
}
