/**
 * `npm run docs:replace`: the README's replace-on-change tables, generated
 * from components/replace (per resource type: the inputs whose change
 * replaces it, with the source) and from the offline plans of dev and prod
 * (per config key: what a change replaces, what it updates in place).
 */
import * as path from "path";
import { REPLACE_TABLE } from "../components/replace";
import { replacementsByConfigKey } from "../stacks/plan/replacements";
import { runPlan } from "../stacks/plan/run";
import { readStackFile } from "../stacks/plan/stack-file";

const root = path.join(__dirname, "..");
const cell = (s: string) => s.replace(/\|/g, "\\|");
const short = (type: string) => `${type.split(":")[0].replace("azure-native", "azure")} ${type.split(":").pop()}`;

(async () => {
    console.log("#### Inputs whose change replaces the resource\n");
    console.log("| resource type | replacing inputs | source |\n|---|---|---|");
    for (const e of REPLACE_TABLE) {
        const rules = e.rules.length === 0 ? "none" : e.rules.map((r) => `\`${r.path}\`${r.kind === "refused" ? " (API refuses in place)" : ""}`).join(", ");
        console.log(`| \`${e.type}\` | ${rules} | ${cell(e.source)}${e.note ? `; ${cell(e.note)}` : ""} |`);
    }
    const perKey = new Map<string, { routine: boolean; replaces: Set<string>; updates: Set<string> }>();
    for (const stack of ["dev", "prod"]) {
        const result = await runPlan(stack, readStackFile(path.join(root, `Pulumi.${stack}.yaml`)));
        if (!result.ok) throw new Error(result.problems.join("\n"));
        for (const e of replacementsByConfigKey(result.run.resources)) {
            const row = perKey.get(e.key) ?? { routine: e.routine, replaces: new Set<string>(), updates: new Set<string>() };
            e.replaces.forEach((r) => row.replaces.add(`${short(r.type)} (${r.inputs.join(", ")})`));
            e.updates.forEach((u) => row.updates.add(`${short(u.type)} (${u.inputs.join(", ")})`));
            perKey.set(e.key, row);
        }
    }
    console.log("\n#### What a config change replaces (dev and prod plans)\n");
    console.log("| config key | routine | replaces | updates in place |\n|---|---|---|---|");
    for (const [key, row] of perKey) {
        console.log(`| \`${key}\` | ${row.routine ? "yes" : ""} | ${[...row.replaces].join("; ") || "nothing"} | ${[...row.updates].join("; ") || "—"} |`);
    }
})().catch((err) => {
    console.error(err);
    process.exit(1);
});
