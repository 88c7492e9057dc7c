/**
 * Over-cap advice: only the alternatives the config really has, each with
 * its monthly saving, and the model of each change agrees with planning it.
 */
import { strict as assert } from "assert";
import { estimateMonthlyCost } from "../../components/cost";
import { unpulledLevers } from "../../policy/cost-levers";
import { costShares, leversOf, overCapAdvice } from "../../stacks/plan/cost-advice";
import { runPlan } from "../../stacks/plan/run";
import { readStackFile } from "../../stacks/plan/stack-file";
import { editedStackFile, planOfStack } from "../helpers/stacks";

const monthlyOf = (run: { config: { aws: { region: string }; azure: { location: string } }; resources: any[] }) =>
    estimateMonthlyCost(run.resources, { awsRegion: run.config.aws.region, azureLocation: run.config.azure.location, ranges: false }).monthly;

describe("over-cap advice", function () {
    this.timeout(30000);

    it("dev: offers no lever already pulled (Spot, no Elastic IP, no NAT, Basic hub, no link) and names the Virtual WAN as the bill", async () => {
        const run = await planOfStack("dev");
        const keys = leversOf(run.config).map((l) => l.key);
        for (const pulled of ["server.market", "server.elasticIp", "aws.natGateway", "wan.type", "wan.crossCloudLink", "wan.vpnScaleUnits", "server.instanceTypes"]) {
            assert.ok(!keys.includes(pulled), `${pulled} is already pulled in dev`);
        }
        const monthly = monthlyOf(run);
        const advice = overCapAdvice(run.config, run.resources, monthly, 100);
        assert.equal(advice[0].key, "landing-zone:wan");
        assert.ok(advice[0].monthlySaving > 0.9 * monthly && advice[0].fitsCap, JSON.stringify(advice[0]));
        const shares = costShares(estimateMonthlyCost(run.resources, { awsRegion: "us-east-1", azureLocation: "eastus" }).items, run.config);
        assert.match(shares[0].what, /^Virtual WAN/);
        assert.ok(shares[0].share > 0.9);
        // The policy's own message lists only levers the resources leave.
        assert.deepEqual(unpulledLevers(run.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs })) as any), []);
    });

    it("prod: each saving agrees with planning the change for real (the link off, Spot)", async () => {
        const run = await planOfStack("prod");
        const monthly = monthlyOf(run);
        const advice = overCapAdvice(run.config, run.resources, monthly, 600);
        const saving = (key: string) => advice.find((a) => a.key === `landing-zone:${key}`)!.monthlySaving;
        assert.deepEqual(advice.map((a) => a.monthlySaving), [...advice.map((a) => a.monthlySaving)].sort((a, b) => b - a), "largest saving first");
        const replanned = async (edit: (c: Record<string, any>) => void) => {
            const result = await runPlan("prod", readStackFile(editedStackFile("prod", edit), undefined));
            assert.ok(result.ok, result.ok ? "" : result.problems.join("\n"));
            return Math.round((monthly - monthlyOf(result.run)) * 100) / 100;
        };
        assert.equal(saving("wan.crossCloudLink"), await replanned((c) => { c["landing-zone:wan"].crossCloudLink = false; }));
        assert.equal(saving("server.market"), await replanned((c) => { c["landing-zone:server"].market = "spot"; }));
    });
});
