/**
 * `npx ts-node --transpile-only bench/plan-diff.ts [--sites 500] [--runs 5]`
 *
 * What `--base` adds to a plan of a large stack: two real `npm run plan --
 * --json` documents of a synthetic prod stack with N branch sites (the base,
 * and a head with 5 sites added, one site's range changed, one removed and the
 * AWS-side ASN changed), then, in this process, what the plan does beyond
 * the head's own plan: read and parse the base file, diff, render the report
 * section, and build the pull-request comment (with the head's diagram).
 * Target: under 1 s for 500 sites.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import * as YAML from "yaml";
import { diffPlans, readBasePlan, renderDiffText } from "../stacks/plan/diff";
import { prCommentMarkdown } from "../stacks/plan/pr-comment";
import { PlanDocument } from "../stacks/plan/report";
import { syntheticStack } from "./wan-sites";

const ROOT = path.join(__dirname, "..");
const TARGET_MS = 1000;
const args = process.argv.slice(2);
const sites = Number(args[args.indexOf("--sites") + 1]) || 500;
const runs = Number(args[args.indexOf("--runs") + 1]) || 5;

interface Site { name: string; addressSpaces: string[] }

/** The head: 5 sites added, the first site's range moved, the second removed, a new AWS-side ASN. */
function headStack(base: string): string {
    const doc = YAML.parse(base) as { config: Record<string, unknown> };
    const list = doc.config["landing-zone:sites"] as Site[];
    const keys = doc.config["landing-zone:vpnPreSharedKeys"] as Record<string, unknown>;
    list[0].addressSpaces = ["172.31.250.0/24"];
    delete keys[list[1].name];
    list.splice(1, 1);
    for (let i = 0; i < 5; i++) {
        const name = `added-${i}`;
        list.push({ ...list[2], name, publicIp: `20.250.0.${i + 1}`, addressSpaces: [`172.31.${240 + i}.0/24`] } as Site & Record<string, unknown>);
        delete (list[list.length - 1] as Partial<{ bgp: unknown }>).bgp;
        keys[name] = keys[list[2].name];
    }
    doc.config["landing-zone:wan"] = { ...(doc.config["landing-zone:wan"] as Record<string, unknown>), awsSideAsn: 64600 };
    return YAML.stringify(doc);
}

function plan(file: string, out: string): void {
    const result = spawnSync(process.execPath, ["--max-semi-space-size=128", "stacks/plan/launch.js", "--stack", "prod", "--config", file, "--json"], {
        cwd: ROOT,
        encoding: "utf8",
        maxBuffer: 512 * 2 ** 20,
    });
    // Exit 1 is expected: hundreds of branches break the prod cost cap.
    if (result.status !== 0 && result.status !== 1) throw new Error(`plan failed: ${result.stderr}`);
    fs.writeFileSync(out, result.stdout);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lz-diff-bench-"));
try {
    const baseYaml = syntheticStack(sites);
    fs.writeFileSync(path.join(dir, "Pulumi.base.yaml"), baseYaml);
    fs.writeFileSync(path.join(dir, "Pulumi.head.yaml"), headStack(baseYaml));
    const t0 = performance.now();
    plan(path.join(dir, "Pulumi.base.yaml"), path.join(dir, "base.json"));
    plan(path.join(dir, "Pulumi.head.yaml"), path.join(dir, "head.json"));
    const planMs = performance.now() - t0;
    const head = JSON.parse(fs.readFileSync(path.join(dir, "head.json"), "utf8")) as PlanDocument;

    const samples = Array.from({ length: runs + 1 }, () => {
        const started = performance.now();
        const base = readBasePlan(path.join(dir, "base.json"));
        const read = performance.now();
        const diff = diffPlans(base, head);
        const diffed = performance.now();
        renderDiffText(diff);
        const comment = prCommentMarkdown([{ file: "head.json", doc: { ...head, diff } }]);
        const done = performance.now();
        return { total: done - started, read: read - started, diff: diffed - read, render: done - diffed, diff_: diff, comment };
    }).slice(1); // the first run warms the JIT
    const median = [...samples].sort((a, b) => a.total - b.total)[Math.floor(samples.length / 2)];
    const d = median.diff_;
    console.log(`two ${sites}-site plans (${head.resources.length} resources in the head): ${(planMs / 1000).toFixed(1)} s`);
    console.log(`diff: ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed (${d.callouts.length} callouts), ${d.cost.lines.length} cost lines; comment ${median.comment.length} characters`);
    console.log(`beyond the plans (median of ${runs}): ${median.total.toFixed(0)} ms = read+parse base ${median.read.toFixed(0)} ms + diff ${median.diff.toFixed(0)} ms + report section and PR comment ${median.render.toFixed(0)} ms (target < ${TARGET_MS} ms): ${median.total < TARGET_MS ? "met" : "MISSED"}`);
} finally {
    fs.rmSync(dir, { recursive: true, force: true });
}
