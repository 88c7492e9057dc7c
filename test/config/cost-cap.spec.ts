/**
 * One cost cap: policy/config/<stack>.json → cost-monthly-cap.monthlyCapUsd,
 * read by stacks/config/cost-cap.ts and applied as it is by the offline plan.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { costCapFromFile, CostCapError, costCapOf, policyConfigPath, stackCapDisagreement } from "../../stacks/config/cost-cap";
import { main } from "../../stacks/plan-cli";
import { renderReport } from "../../stacks/plan/report";
import { runPlan } from "../../stacks/plan/run";
import { readStackFile } from "../../stacks/plan/stack-file";
import { captureOutput, editedPolicyConfig, editedStackFile, ROOT } from "../helpers/stacks";

async function plan(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const { result, stdout, stderr } = await captureOutput(() => main(args));
    return { code: result, stdout, stderr };
}

describe("one cost cap (stacks/config/cost-cap.ts)", function () {
    this.timeout(60000);

    it("reads the committed policy files' caps", () => {
        const dev = costCapOf("dev");
        assert.equal(dev.monthlyCapUsd, 400);
        assert.equal(dev.file, path.join(ROOT, "policy", "config", "dev.json"));
        assert.equal(costCapOf("prod").monthlyCapUsd, 1200);
    });

    it("reads <dir>/<stack>.json from another directory", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lz-cap-"));
        fs.writeFileSync(path.join(dir, "staging.json"), JSON.stringify({ "cost-monthly-cap": { monthlyCapUsd: 75 } }));
        assert.deepEqual(costCapOf("staging", dir), { stack: "staging", file: path.join(dir, "staging.json"), monthlyCapUsd: 75 });
        assert.equal(policyConfigPath("staging", dir), path.join(dir, "staging.json"));
    });

    it("a missing file is an error naming the file and the key, never dev's cap", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lz-cap-"));
        assert.throws(() => costCapOf("staging", dir), (e: unknown) => e instanceof CostCapError && /staging\.json: no policy config for stack "staging".*cost-monthly-cap\.monthlyCapUsd/.test(e.message));
    });

    it("a file without a positive cap, or not JSON, is an error naming the key", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lz-cap-"));
        const write = (name: string, text: string) => {
            fs.writeFileSync(path.join(dir, name), text);
            return path.join(dir, name);
        };
        assert.throws(() => costCapFromFile(write("a.json", JSON.stringify({ "cost-monthly-cap": "mandatory" })), "a"), /a\.json: cost-monthly-cap\.monthlyCapUsd: required/);
        assert.throws(() => costCapFromFile(write("b.json", JSON.stringify({ "cost-monthly-cap": { monthlyCapUsd: 0 } })), "b"), /cost-monthly-cap\.monthlyCapUsd: required, a number of USD above 0/);
        assert.throws(() => costCapFromFile(write("c.json", "{"), "c"), /c\.json: not valid JSON/);
    });

    it("a cap finer than a cent is an error naming the key (the AWS budget is set in cents and would never equal it)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lz-cap-"));
        const file = path.join(dir, "d.json");
        fs.writeFileSync(file, JSON.stringify({ "cost-monthly-cap": { monthlyCapUsd: 400.005 } }));
        assert.throws(() => costCapFromFile(file, "d"), /d\.json: cost-monthly-cap\.monthlyCapUsd: 400\.005 is finer than a cent; the cloud budgets are set in cents \(use 400\.0[01]\)$/);
        fs.writeFileSync(file, JSON.stringify({ "cost-monthly-cap": { monthlyCapUsd: 19.99 } }));
        assert.equal(costCapFromFile(file, "d").monthlyCapUsd, 19.99);
    });

    it("a stack value that disagrees names both keys and files; an equal one is accepted", () => {
        const cap = costCapOf("dev");
        assert.equal(stackCapDisagreement(undefined, cap, "Pulumi.dev.yaml"), undefined);
        assert.equal(stackCapDisagreement(400, cap, "Pulumi.dev.yaml"), undefined);
        const line = stackCapDisagreement(500, cap, path.join(ROOT, "Pulumi.dev.yaml"))!;
        assert.match(line, /^landing-zone:monthlyCostCapUsd: 500 in .*Pulumi\.dev\.yaml disagrees with cost-monthly-cap\.monthlyCapUsd: 400 in .*policy\/config\/dev\.json/);
        assert.equal(line.split("\n").length, 1);
    });

    describe("the offline plan enforces exactly the policy file", () => {
        it("a 1 USD cap in the policy file fails dev (exit 1), and the JSON names the file applied", async () => {
            const policyConfig = editedPolicyConfig("dev", (p) => (p["cost-monthly-cap"].monthlyCapUsd = 1));
            const { code, stdout } = await plan(["--stack", "dev", "--policy-config", policyConfig, "--json"]);
            assert.equal(code, 1);
            const doc = JSON.parse(stdout);
            assert.equal(doc.cost.cap, 1);
            assert.equal(doc.policyConfig, policyConfig);
            const v = doc.policies.violations.find((x: any) => x.policy === "cost-monthly-cap");
            assert.equal(v.level, "mandatory");
            assert.match(v.message, /over this environment's cap of \$1\.00/);
            // The human report (rendered from the same document) names the file too.
            const report = renderReport(doc);
            assert.match(report, /^Monthly cost estimate: \$\d+\.\d\d against a cap of \$1\.00 \(OVER by \$\d+\.\d\d, from .*dev\.json\)$/m);
            assert.ok(report.includes(`Policies (config ${policyConfig}):`));
        });

        it("a stack cap that disagrees with the policy file is a config error (exit 2, one line)", async () => {
            const file = editedStackFile("dev", (c) => (c["landing-zone:monthlyCostCapUsd"] = 5000));
            const { code, stdout, stderr } = await plan(["--stack", "dev", "--config", file]);
            assert.equal(code, 2);
            assert.equal(stdout, "");
            assert.equal(stderr.trim().split("\n").length, 1, stderr);
            assert.match(stderr, /^landing-zone:monthlyCostCapUsd: 5000 in .* disagrees with cost-monthly-cap\.monthlyCapUsd: 400 in .*dev\.json/);
        });

        it("the program itself (pulumi up) refuses a disagreeing stack cap, before declaring anything", async () => {
            const file = editedStackFile("dev", (c) => (c["landing-zone:monthlyCostCapUsd"] = 5000));
            await assert.rejects(runPlan("dev", readStackFile(file)), /^Error: landing-zone:monthlyCostCapUsd: 5000 in Pulumi\.dev\.yaml disagrees with cost-monthly-cap\.monthlyCapUsd: 400/);
        });

        it("a stack without its own policy config is an error, not dev's cap (exit 2)", async () => {
            const file = editedStackFile("dev", () => undefined);
            const { code, stderr } = await plan(["--stack", "staging", "--config", file]);
            assert.equal(code, 2);
            assert.match(stderr, /policy\/config\/staging\.json: no policy config for stack "staging"/);
        });
    });
});
