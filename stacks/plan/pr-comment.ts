/**
 * The pull-request comment and job summary: per stack, from the head's plan
 * document (`npm run plan -- --json --base <base plan>`), the cost delta with
 * the changed lines, the replacements in a reviewer's words, the new and
 * resolved policy violations, the IPv6 change, a collapsed full diff and the
 * head's topology diagram.
 *
 *   ts-node --transpile-only stacks/plan/pr-comment.ts plan-dev.json plan-prod.json > comment.md
 *
 * The first line is a hidden marker the workflow finds the sticky comment by.
 * Exit status 0 always: the plan's own exit status decides pass or fail.
 */
import * as fs from "fs";
import { renderDiagram } from "./diagram";
import { ipv6Text, PlanDiff, shortType, valueText } from "./diff";
import type { PlanDocument, PolicyViolation } from "./report";
import { dollars } from "../../components/cost";

export const COMMENT_MARKER = "<!-- landing-zone:offline-plan -->";
/** GitHub refuses comments over 65,536 characters; stay clear of it. */
const MAX_COMMENT = 60_000;
/** Lines of the collapsed full diff per stack before it is cut. */
const MAX_DIFF_LINES = 250;

export type CommentInput = { file: string; doc: PlanDocument } | { file: string; error: string };

const signed = (n: number) => (Math.abs(n) < 0.005 ? "±$0.00" : `${n < 0 ? "−" : "+"}$${Math.abs(n).toFixed(2)}`);
/** Table-cell safe: no pipes or newlines. */
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

/** The resource part of a URN (`name` (Type)), or the stack. */
function resourceText(urn: string | null): string {
    if (!urn) return "stack";
    const parts = urn.split("::");
    return parts.length >= 4 ? `${code(parts[3])} (${shortType((parts[2] ?? "").split("$").pop() ?? "")})` : code(urn);
}

export function prCommentMarkdown(inputs: readonly CommentInput[], options: { diagrams?: boolean } = {}): string {
    const withDiagrams = options.diagrams ?? true;
    const render = (diagrams: boolean) => [COMMENT_MARKER, "## Offline plan against the base branch", "", ...overview(inputs), ...inputs.flatMap((i) => stackSection(i, diagrams))].join("\n");
    let text = render(withDiagrams);
    // Diagrams go first when the comment would be too long; then the text is cut.
    if (text.length > MAX_COMMENT && withDiagrams) text = render(false);
    if (text.length > MAX_COMMENT) text = `${text.slice(0, MAX_COMMENT)}\n\n… cut at ${MAX_COMMENT} characters; the plan documents are in the workflow's artifact.\n`;
    return text;
}

function overview(inputs: readonly CommentInput[]): string[] {
    const rows = inputs.map((input) => {
        if ("error" in input) return `| ${code(input.file)} | :x: no plan | | | | |`;
        const { doc } = input;
        const d = doc.diff;
        const mandatory = doc.policies.violations.filter((v) => v.level === "mandatory").length;
        const status = mandatory > 0 ? `:x: ${mandatory} mandatory` : ":white_check_mark:";
        if (!d) return `| ${code(doc.stack)} ${status} | ${dollars(doc.cost.monthly)} | no base plan | | | |`;
        const replaced = d.callouts.length;
        return `| ${code(doc.stack)} ${status} | ${dollars(d.cost.after)} | ${signed(d.cost.delta)} | ${replaced ? `:warning: ${replaced}` : "0"} | ${d.policies.new.length} | ${d.policies.resolved.length} |`;
    });
    return ["| Stack | Monthly | Change | Replaced / deleted | New violations | Resolved |", "|---|---:|---:|---:|---:|---:|", ...rows, ""];
}

function stackSection(input: CommentInput, diagrams: boolean): string[] {
    if ("error" in input) {
        return [`### ${code(input.file)}`, "", `:x: No plan: ${input.error}. See the job log (an invalid config exits 2 with one line per problem).`, ""];
    }
    const { doc } = input;
    const d = doc.diff;
    const cap = doc.cost.cap !== null ? `, cap ${dollars(doc.cost.cap)}` : "";
    const out: string[] = [];
    if (!d) {
        out.push(`### ${code(doc.stack)}: ${dollars(doc.cost.monthly)} a month${cap}`, "", "No base plan to compare with (the base branch did not plan this stack); the head's policy results:", "");
        out.push(...violationsTable(doc.policies.violations, "current"));
    } else {
        out.push(`### ${code(doc.stack)}: ${signed(d.cost.delta)} a month (${dollars(d.cost.before)} → ${dollars(d.cost.after)}${cap})`, "");
        if (d.unchanged) out.push("No changes: same resources, inputs, cost, policy results and IPv6 readiness.", "");
        else out.push(...changes(d));
    }
    if (diagrams) out.push("<details><summary>Topology of the head (generated from the planned resources)</summary>", "", "```mermaid", renderDiagram(doc), "```", "", "</details>", "");
    return out;
}

function changes(d: PlanDiff): string[] {
    const out: string[] = [];
    if (d.callouts.length > 0) {
        out.push("**Replacements and deletions**", "");
        for (const c of d.callouts) {
            const why = c.because.length ? `; replace-on-change: ${c.because.map(code).join(", ")}` : "";
            out.push(`- ${c.stateful ? ":warning: " : ""}${c.consequence[0].toUpperCase()}${c.consequence.slice(1)} (${code(c.name)}, ${shortType(c.type)}${why})`);
        }
        out.push("");
    }
    if (d.cost.lines.length > 0) {
        out.push("| Cost line | Before | After | Change |", "|---|---:|---:|---:|");
        for (const l of d.cost.lines) out.push(`| ${shortType(l.type)} ${code(l.name)} | ${dollars(l.before)} | ${dollars(l.after)} | ${signed(l.delta)} |`);
        out.push("");
    }
    if (d.policies.new.length + d.policies.resolved.length > 0) {
        out.push(`**Policy violations:** ${d.policies.new.length} new, ${d.policies.resolved.length} resolved`, "");
        out.push(...violationsTable(d.policies.new, "new"), ...violationsTable(d.policies.resolved, "resolved"));
    }
    if (d.ipv6.nowIpv4Only.length + d.ipv6.noLongerIpv4Only.length > 0 || JSON.stringify(d.ipv6.before) !== JSON.stringify(d.ipv6.after)) {
        const moved = [
            ...d.ipv6.nowIpv4Only.map((r) => `now IPv4-only: ${code(r.name)}`),
            ...d.ipv6.noLongerIpv4Only.map((r) => `no longer IPv4-only: ${code(r.name)}`),
        ];
        out.push(`**IPv6:** ${ipv6Text(d.ipv6.before)} → ${ipv6Text(d.ipv6.after)}${moved.length ? `; ${moved.join(", ")}` : ""}`, "");
    }
    const full = fullDiff(d);
    const summary = `${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed (${d.changed.filter((c) => c.replace).length} replaced)`;
    out.push(`<details><summary>Full diff: ${summary}</summary>`, "", "```diff", ...full, "```", "", "</details>", "");
    return out;
}

function violationsTable(violations: readonly PolicyViolation[], kind: "new" | "resolved" | "current"): string[] {
    if (violations.length === 0) return kind === "current" ? ["None.", ""] : [];
    const mark = (v: PolicyViolation) => (kind === "resolved" ? ":heavy_check_mark: resolved" : v.level === "mandatory" ? ":x: mandatory" : ":warning: advisory");
    return [
        "| | Policy | Resource | Message |",
        "|---|---|---|---|",
        ...violations.map((v) => `| ${mark(v)} | ${code(v.policy)} | ${cell(resourceText(v.resource))} | ${cell(v.message)} |`),
        "",
    ];
}

/** Unified-diff style lines (GitHub colours + and -), cut at MAX_DIFF_LINES. */
function fullDiff(d: PlanDiff): string[] {
    const lines: string[] = [];
    for (const r of d.added) lines.push(`+ ${r.type} ${r.name}`);
    for (const r of d.removed) lines.push(`- ${r.type} ${r.name}`);
    for (const c of d.changed) {
        lines.push(`! ${c.type} ${c.name}${c.replace ? "  (replaced)" : ""}`);
        for (const f of c.fields) {
            if (f.before !== undefined) lines.push(`-     ${f.path}: ${valueText(f.before)}`);
            if (f.after !== undefined) lines.push(`+     ${f.path}: ${valueText(f.after)}${f.replace ? "  (replaces)" : ""}`);
        }
    }
    if (lines.length === 0) lines.push("  (no resource changes)");
    // A fence inside a value would end the code block.
    const safe = lines.map((l) => l.replace(/```/g, "'''"));
    return safe.length > MAX_DIFF_LINES ? [...safe.slice(0, MAX_DIFF_LINES), `  … ${safe.length - MAX_DIFF_LINES} more lines in the plan document (workflow artifact)`] : safe;
}

/** Reads each head plan document; a missing, empty or non-JSON file becomes an error entry. */
export function readCommentInputs(files: readonly string[]): CommentInput[] {
    return files.map((file) => {
        try {
            const text = fs.readFileSync(file, "utf8").trim();
            if (text.length === 0) return { file, error: "the plan wrote nothing" };
            const doc = JSON.parse(text.slice(Math.max(0, text.indexOf("{")))) as PlanDocument;
            if (typeof doc.stack !== "string" || !Array.isArray(doc.resources)) return { file, error: "not a plan document" };
            return { file, doc };
        } catch (e) {
            return { file, error: (e as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : `not JSON (${(e as Error).message})` };
        }
    });
}

if (require.main === module) {
    process.stdout.write(`${prCommentMarkdown(readCommentInputs(process.argv.slice(2)))}\n`);
}
