import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CATALOGUE, findLine } from "../../components/cost";
import { POLICY_CONFIG_ENV, policyConfigPath } from "../../stacks/config/cost-cap";
import { main, planDocument } from "../../stacks/plan-cli";
import { BasePlan, diffPlans, readBasePlan, renderDiffText } from "../../stacks/plan/diff";
import { PlanDocument } from "../../stacks/plan/report";
import { runPlan } from "../../stacks/plan/run";
import { readStackFile } from "../../stacks/plan/stack-file";
import { captureOutput, editedStackFile, planOfStack } from "../helpers/stacks";

/** The full plan document (cost, policies, IPv6) of a stack file. */
async function documentOfFile(stack: string, file: string): Promise<PlanDocument> {
    // As the CLI does: the program's budgets read the stack's policy config (not whatever an earlier spec left).
    const previous = process.env[POLICY_CONFIG_ENV];
    process.env[POLICY_CONFIG_ENV] = policyConfigPath(stack);
    const result = await runPlan(stack, readStackFile(file)).finally(() => {
        if (previous === undefined) delete process.env[POLICY_CONFIG_ENV];
        else process.env[POLICY_CONFIG_ENV] = previous;
    });
    if (!result.ok) throw new Error(result.problems.join("\n"));
    return (await planDocument(result.run)).doc;
}

const documents = new Map<string, Promise<PlanDocument>>();
/** The document of an unedited stack, from the shared per-process plan. */
function documentOfStack(stack: "dev" | "prod"): Promise<PlanDocument> {
    if (!documents.has(stack)) documents.set(stack, planOfStack(stack).then(async (run) => (await planDocument(run)).doc));
    return documents.get(stack)!;
}

describe("plan diff against a base plan (--base)", () => {
    it("a NAT gateway turned on in dev: the added resources, a positive cost delta priced from the catalogue, the new violation failing the command", async () => {
        const base = await documentOfStack("dev");
        // Through the plan command: the NAT gateway dev forbids fails it (exit 1), and its JSON is the head.
        const file = editedStackFile("dev", (c) => (c["landing-zone:aws"].natGateway = true));
        const { result: code, stdout, stderr } = await captureOutput(() => main(["--stack", "dev", "--config", file, "--json"]));
        assert.equal(code, 1, stderr);
        const head = JSON.parse(stdout) as PlanDocument;
        const diff = diffPlans(base, head);

        const added = diff.added.map((r) => r.type);
        assert.ok(added.includes("aws:ec2/natGateway:NatGateway"), JSON.stringify(diff.added));
        assert.ok(added.includes("aws:ec2/eip:Eip"), "the NAT gateway's Elastic IP is new");
        assert.deepEqual(diff.removed, []);
        assert.ok(diff.callouts.every((c) => c.action !== "replace"), "turning on NAT replaces nothing");

        const nat = diff.cost.lines.find((l) => l.type === "aws:ec2/natGateway:NatGateway")!;
        const hourly = findLine(CATALOGUE, "aws", "us-east-1", "vpc.nat-gateway")!.price;
        assert.equal(nat.before, 0);
        assert.equal(nat.after, Math.round(730 * hourly * 100) / 100);
        assert.ok(diff.cost.delta > 0);
        assert.equal(diff.cost.delta, Math.round((head.cost.monthly - base.cost.monthly) * 100) / 100);
        const linesSum = diff.cost.lines.reduce((s, l) => s + l.delta, 0);
        assert.ok(Math.abs(linesSum - diff.cost.delta) < 0.02, `lines ${linesSum} vs delta ${diff.cost.delta}`);

        assert.deepEqual(diff.policies.new.map((v) => [v.policy, v.level]), [["cost-no-nat-gateway", "mandatory"]]);
        assert.match(diff.policies.new[0].resource ?? "", /::dev-nat$/);
        assert.deepEqual(head.policies.violations.filter((v) => v.level === "mandatory").map((v) => v.policy), ["cost-no-nat-gateway"], "the only mandatory violation");
        assert.deepEqual(diff.policies.resolved, []);
        assert.equal(diff.unchanged, false);
        const text = renderDiffText(diff).join("\n");
        assert.match(text, /^ {2}\+ dev-\S*nat\S* {2}\(aws:ec2\/natGateway:NatGateway\)$/m);
        assert.match(text, /Monthly cost: \$\d+\.\d\d → \$\d+\.\d\d \(\+\$\d+\.\d\d\)/);
        assert.match(text, /new \[mandatory\] cost-no-nat-gateway/);
    });

    it("a changed AWS-side ASN in prod replaces the VPN gateway, called out first in words", async () => {
        const base = await documentOfStack("prod");
        const head = await documentOfFile("prod", editedStackFile("prod", (c) => (c["landing-zone:wan"].awsSideAsn = 64600)));
        const diff = diffPlans(base, head);
        const vgw = diff.changed.find((c) => c.type === "aws:ec2/vpnGateway:VpnGateway")!;
        assert.ok(vgw, JSON.stringify(diff.changed.map((c) => c.type)));
        assert.equal(vgw.replace, true);
        assert.deepEqual(vgw.fields, [{ path: "amazonSideAsn", before: "64512", after: "64600", replace: true }]);
        // The Azure side learns the new ASN in place.
        const site = diff.changed.find((c) => c.type === "azure-native:network:VpnSite")!;
        assert.equal(site.replace, false);
        assert.ok(site.fields.every((f) => /^vpnSiteLinks\[\d\]\.bgpProperties\.asn$/.test(f.path) && f.after === 64600));
        assert.equal(diff.callouts[0].type, "aws:ec2/vpnGateway:VpnGateway");
        assert.equal(diff.callouts[0].action, "replace");
        assert.match(diff.callouts[0].consequence, /replaces the virtual private gateway: the cross-cloud tunnels go down/);
        assert.deepEqual(diff.added, []);
        assert.deepEqual(diff.removed, []);
        assert.match(renderDiffText(diff)[1], /^ {2}! replaces the virtual private gateway/);
    });

    // An unchanged stack (two separate plans of dev, through the CLI's --base): test/plan/plan-cli.spec.ts.
    it("an unchanged stack shows no changes: the report section says so", async () => {
        const base = await documentOfStack("dev");
        const diff = diffPlans(base, JSON.parse(JSON.stringify(base)) as PlanDocument);
        assert.equal(diff.unchanged, true);
        assert.deepEqual(renderDiffText(diff).slice(1, 2), ["  none: same resources, inputs, cost, policy results and IPv6 readiness"]);
    });

    it("never compares secrets in clear, keeps a reworded violation as the same one, and orders stateful callouts first", () => {
        const doc = (inputs: Record<string, Record<string, unknown>>, violations: PlanDocument["policies"]["violations"]): BasePlan => ({
            stack: "t",
            resources: Object.entries(inputs).map(([key, i]) => ({ type: key.split(" ")[0], name: key.split(" ")[1], parent: null, inputs: i })),
            policies: { violations },
        });
        const v = (policy: string, message: string) => ({ policy, level: "mandatory" as const, resource: "urn:x", message });
        const base = doc({
            "aws:ec2/vpnConnection:VpnConnection c": { tunnel1PresharedKey: "[secret]", tags: { a: "1" } },
            "aws:ec2/customerGateway:CustomerGateway g": { bgpAsn: "65515", ipAddress: "203.0.113.1" },
            "aws:autoscaling/group:Group asg": { maxSize: 1 },
        }, [v("cost-monthly-cap", "estimate $500 over the cap"), v("security-imdsv2", "IMDSv1")]);
        const head = doc({
            "aws:ec2/vpnConnection:VpnConnection c": { tunnel1PresharedKey: "[secret]", tags: { a: "1", "landing-zone:tier": "x" } },
            "aws:ec2/customerGateway:CustomerGateway g": { bgpAsn: "65515", ipAddress: "203.0.113.9" },
        }, [v("cost-monthly-cap", "estimate $520 over the cap"), v("security-ebs-encrypted", "unencrypted")]);
        const diff = diffPlans(base, head);
        assert.deepEqual(diff.changed.find((c) => c.name === "c")!.fields, [{ path: 'tags["landing-zone:tier"]', after: "x", replace: false }]);
        assert.deepEqual(diff.policies.new.map((x) => x.policy), ["security-ebs-encrypted"]);
        assert.deepEqual(diff.policies.resolved.map((x) => x.policy), ["security-imdsv2"]);
        // Both are stateful; replacements come before deletions.
        assert.deepEqual(diff.callouts.map((c) => [c.action, c.name]), [["replace", "g"], ["delete", "asg"]]);
        assert.match(diff.callouts[1].consequence, /server stops/);
    });

    it("refuses an unreadable --base with one line naming the flag, before planning (exit 2)", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lz-base-"));
        const notPlan = path.join(dir, "x.json");
        fs.writeFileSync(notPlan, JSON.stringify({ hello: 1 }));
        assert.throws(() => readBasePlan(notPlan), /^Error: --base .*x\.json: not a plan document/);
        for (const file of [notPlan, path.join(dir, "missing.json")]) {
            const { result, stdout, stderr } = await captureOutput(() => main(["--stack", "dev", "--base", file]));
            assert.equal(result, 2);
            assert.equal(stdout, "");
            assert.equal(stderr.trim().split("\n").length, 1);
            assert.match(stderr, /^--base /);
        }
    });
});
