/**
 * The README's cost tables, from the real offline plans and the same
 * catalogue: each stack's estimate line by line (with its range and the
 * prices' as-of dates and sources), and the server tier against a
 * conventional highly available design (two on-demand instances of the type
 * the tier is priced at, an ALB and a NAT gateway per AZ: compareServerTier).
 * `npm run cost:tables` prints them; `npm run docs`
 * writes them into the README. Environments are the stack files there are.
 */
import * as path from "path";
import { compareServerTier, dollars, estimateMonthlyCost } from "../components/cost";
import { costCapOf } from "../stacks/config/cost-cap";
import { discoverEnvironments } from "../stacks/environments";
import { PlanRun, runPlan } from "../stacks/plan/run";
import { readStackFile } from "../stacks/plan/stack-file";

const root = path.join(__dirname, "..");

/** The Markdown of the cost tables for the given plan runs. */
export function costTablesMarkdown(runs: readonly PlanRun[]): string {
    const out: string[] = [];
    for (const run of runs) {
        const stack = run.stack;
        const options = { awsRegion: run.config.aws.region, azureLocation: run.config.azure.location };
        const estimate = estimateMonthlyCost(run.resources, options);
        const range = (r: { low: number; high: number } | undefined) => (r ? `${r.low.toFixed(2)}–${r.high.toFixed(2)}` : "");
        const total = `${dollars(estimate.monthly)} a month${estimate.range ? ` (range ${dollars(estimate.range.low)}–${dollars(estimate.range.high)})` : ""}`;
        out.push(`### ${stack} (${run.config.aws.region} / ${run.config.azure.location}): ${total}, cap ${dollars(costCapOf(stack).monthlyCapUsd)}`, "");
        out.push("| USD/month | range | resource | basis (as of) |", "|---:|---:|---|---|");
        const lines = estimate.items.filter((i) => i.monthly > 0 || !i.priced).sort((a, b) => b.monthly - a.monthly);
        for (const i of lines) {
            const asOf = i.asOf ? ` (${i.asOf}; ${(i.source ?? []).map((x) => x.split(":")[0]).join(", ")})` : "";
            out.push(`| ${i.monthly.toFixed(2)} | ${range(i.range)} | ${i.type.split(":").pop()} \`${i.name}\` | ${i.basis.replace(/\|/g, "\\|")}${asOf} |`);
        }
        out.push(`| 0.00 | | ${estimate.items.length - lines.length} more resources | free (VPC, subnets, routes, gateways without hourly charge, IAM, security groups, NSGs, VPN sites, free-tier Lambda, EventBridge, SNS, S3 bucket settings, the trail's free first copy, budgets, the activity-log setting) |`, "");

        const comparison = compareServerTier(run);
        if (comparison) {
            const { tier, conventional, ratio, instanceType } = comparison;
            out.push(`**Server tier (${stack}) vs. a conventional HA design in ${run.config.aws.region}, both at ${instanceType}: ${dollars(tier.monthly)} against ${dollars(conventional.monthly)} a month (${ratio.toFixed(1)}×).**`, "");
            out.push("| conventional design line | USD/month | basis |", "|---|---:|---|");
            for (const i of conventional.items.filter((x) => x.monthly > 0)) out.push(`| ${i.type.split(":").pop()} \`${i.name}\` | ${i.monthly.toFixed(2)} | ${i.basis.replace(/\|/g, "\\|")} |`);
            out.push("");
        }
    }
    return out.join("\n");
}

/** Plans each stack file in the repository root (Pulumi.<stack>.yaml); default: every environment there is. */
export async function planStacks(stacks: readonly string[] = discoverEnvironments()): Promise<PlanRun[]> {
    const runs: PlanRun[] = [];
    for (const stack of stacks) {
        const result = await runPlan(stack, readStackFile(path.join(root, `Pulumi.${stack}.yaml`)));
        if (!result.ok) throw new Error(result.problems.join("\n"));
        runs.push(result.run);
    }
    return runs;
}

if (require.main === module) {
    planStacks().then((runs) => console.log(costTablesMarkdown(runs))).catch((err) => {
        console.error(err);
        process.exit(1);
    });
}
