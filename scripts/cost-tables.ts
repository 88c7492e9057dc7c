/**
 * `npm run cost:tables`: the README's cost tables, from the real offline plans
 * and the same catalogue: each stack's estimate line by line, and the server
 * tier against a conventional highly available design (two on-demand
 * instances, an ALB and a NAT gateway per AZ).
 */
import * as path from "path";
import { compareConventionalHa, estimateMonthlyCost } from "../components/cost";
import { costCapOf } from "../stacks/config/cost-cap";
import { runPlan } from "../stacks/plan/run";
import { readStackFile } from "../stacks/plan/stack-file";
import { discoverEnvironments } from "../stacks/environments";

const root = path.join(__dirname, "..");
const usd = (n: number) => `$${n.toFixed(2)}`;

(async () => {
    for (const stack of discoverEnvironments()) {
        const result = await runPlan(stack, readStackFile(path.join(root, `Pulumi.${stack}.yaml`)));
        if (!result.ok) throw new Error(result.problems.join("\n"));
        const { run } = result;
        const options = { awsRegion: run.config.aws.region, azureLocation: run.config.azure.location };
        const estimate = estimateMonthlyCost(run.resources, options);
        const range = (r: { low: number; high: number } | undefined) => (r ? `${r.low.toFixed(2)}–${r.high.toFixed(2)}` : "");
        const total = `${usd(estimate.monthly)} a month${estimate.range ? ` (range ${usd(estimate.range.low)}–${usd(estimate.range.high)})` : ""}`;
        console.log(`\n### ${stack} (${run.config.aws.region} / ${run.config.azure.location}): ${total}, cap ${usd(costCapOf(stack).monthlyCapUsd)}\n`);
        console.log("| USD/month | range | resource | basis (as of) |\n|---:|---:|---|---|");
        const lines = estimate.items.filter((i) => i.monthly > 0 || !i.priced).sort((a, b) => b.monthly - a.monthly);
        for (const i of lines) console.log(`| ${i.monthly.toFixed(2)} | ${range(i.range)} | ${i.type.split(":").pop()} \`${i.name}\` | ${i.basis.replace(/\|/g, "\\|")}${i.asOf ? ` (${i.asOf}; ${(i.source ?? []).map((x) => x.split(":")[0]).join(", ")})` : ""} |`);
        console.log(`| 0.00 | | ${estimate.items.length - lines.length} more resources | free (VPC, subnets, routes, gateways without hourly charge, IAM, security groups, NSGs, VPN sites, free-tier Lambda, EventBridge, SNS, S3 bucket settings, the trail's free first copy, budgets, the activity-log setting) |`);

        const server = run.config.server;
        if (server) {
            const tier = estimateMonthlyCost(run.resources.filter((r) => r.name.startsWith(server.tierName)), options);
            const type = server.instanceTypes[0];
            const conventional = compareConventionalHa({ awsRegion: run.config.aws.region, instanceType: type, dataVolumeGiB: server.dataVolume.sizeGiB });
            console.log(`\n**Server tier (${stack}) vs. a conventional HA design in ${run.config.aws.region}: ${usd(tier.monthly)} against ${usd(conventional.monthly)} a month (${(conventional.monthly / tier.monthly).toFixed(1)}×).**\n`);
            console.log("| conventional design line | USD/month | basis |\n|---|---:|---|");
            for (const i of conventional.items.filter((x) => x.monthly > 0)) console.log(`| ${i.type.split(":").pop()} \`${i.name}\` | ${i.monthly.toFixed(2)} | ${i.basis.replace(/\|/g, "\\|")} |`);
        }
    }
})().catch((err) => {
    console.error(err);
    process.exit(1);
});
