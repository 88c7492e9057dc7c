/**
 * `npm run docs`: regenerates the README's generated parts from the real
 * offline plans: the architecture diagram (`npm run plan -- --stack prod
 * --diagram`) and the cost tables (`npm run cost:tables`). Each part sits
 * between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`; the rest
 * of the README is left alone. `--check` changes nothing and exits 1 when the
 * README is out of date.
 */
import * as fs from "fs";
import * as path from "path";
import { planDocument } from "../stacks/plan-cli";
import { renderDiagram } from "../stacks/plan/diagram";
import { costTablesMarkdown, planStacks } from "./cost-tables";

const README = path.join(__dirname, "..", "README.md");
/** The stack whose topology the README shows: prod has the cross-cloud link and several branches. */
export const DIAGRAM_STACK = "prod";

/** Replaces the text between a part's markers; an error when the markers are missing. */
export function replaceGenerated(text: string, name: string, content: string): string {
    const start = `<!-- generated:${name} -->`;
    const end = `<!-- /generated:${name} -->`;
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error(`README.md: no ${start} … ${end} markers`);
    return `${text.slice(0, from + start.length)}\n${content.trim()}\n${text.slice(to)}`;
}

export function diagramBlock(mermaid: string): string {
    return ["```mermaid", mermaid, "```"].join("\n");
}

async function main(check: boolean): Promise<number> {
    const runs = await planStacks();
    const prod = runs.find((r) => r.stack === DIAGRAM_STACK)!;
    const { doc } = await planDocument(prod);
    const before = fs.readFileSync(README, "utf8");
    let after = replaceGenerated(before, "architecture", diagramBlock(renderDiagram(doc)));
    after = replaceGenerated(after, "cost-tables", costTablesMarkdown(runs));
    if (check) {
        if (after !== before) process.stderr.write("README.md is out of date: run npm run docs\n");
        return after === before ? 0 : 1;
    }
    if (after !== before) fs.writeFileSync(README, after);
    process.stdout.write(`README.md ${after === before ? "already up to date" : "regenerated"} (architecture diagram of ${DIAGRAM_STACK}, cost tables of ${runs.map((r) => r.stack).join(", ")})\n`);
    return 0;
}

if (require.main === module) {
    main(process.argv.includes("--check")).then((code) => process.exit(code), (err) => {
        console.error(err);
        process.exit(1);
    });
}
