/**
 * The baseline policies against the real plans (the shared per-process plan
 * of each stack), and against copies with one piece taken out or broken:
 * each fails the matching policy, naming the resource.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { baselinePolicies, deniesInsecureTransport } from "../../policy/baseline";
import { monthlyCostCap } from "../../policy/cost";
import { runPoliciesOffline } from "../../policy/offline";
import { PlannedResource } from "../../stacks/plan/run";
import { ROOT, planOfStack } from "../helpers/stacks";

const names = new Set([monthlyCostCap, ...baselinePolicies].map((p) => p.name));

/** Mandatory violations of the baseline policies (and cost-monthly-cap, which checks the budgets), the whole pack run with the env's config. */
async function mandatoryOf(env: "dev" | "prod", resources: readonly PlannedResource[]) {
    const result = await runPoliciesOffline(resources, { env });
    return result.violations.filter((v) => v.level === "mandatory" && names.has(v.policy));
}

const without = (resources: readonly PlannedResource[], drop: (r: PlannedResource) => boolean) => resources.filter((r) => !drop(r));
const edit = (resources: readonly PlannedResource[], pick: (r: PlannedResource) => boolean, change: (inputs: any) => void) =>
    resources.map((r) => {
        if (!pick(r)) return r;
        const inputs = JSON.parse(JSON.stringify(r.inputs));
        change(inputs);
        return { ...r, inputs };
    });

function policyCap(env: "dev" | "prod"): number {
    return JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "config", `${env}.json`), "utf8"))["cost-monthly-cap"].monthlyCapUsd;
}

describe("baseline policies", function () {
    this.timeout(60000);

    for (const env of ["dev", "prod"] as const) {
        it(`${env}: the plan holds the whole baseline and passes every baseline policy`, async () => {
            const { resources } = await planOfStack(env);
            for (const type of ["aws:cloudtrail/trail:Trail", "aws:s3/bucket:Bucket", "aws:ec2/flowLog:FlowLog", "aws:budgets/budget:Budget", "azure-native:network:FlowLog", "azure-native:consumption:Budget", "azure-native:monitor:SubscriptionDiagnosticSetting", "azure-native:monitor:MetricAlert"]) {
                assert.ok(resources.some((r) => r.type === type), `${env} plans a ${type}`);
            }
            assert.deepEqual(await mandatoryOf(env, resources), []);
        });

        it(`${env}: both budgets are for the cap in policy/config/${env}.json, alerting at forecast 100 % and actual 80 % and 100 %`, async () => {
            const { resources } = await planOfStack(env);
            const cap = policyCap(env);
            const aws = resources.find((r) => r.type === "aws:budgets/budget:Budget")!;
            const azure = resources.find((r) => r.type === "azure-native:consumption:Budget")!;
            assert.equal(Number(aws.inputs.limitAmount), cap);
            assert.equal(azure.inputs.amount, cap);
            assert.deepEqual((aws.inputs.notifications as any[]).map((n) => `${n.notificationType} ${n.threshold}`), ["FORECASTED 100", "ACTUAL 80", "ACTUAL 100"]);
            assert.deepEqual(Object.values(azure.inputs.notifications as Record<string, any>).map((n) => `${n.thresholdType} ${n.threshold}`).sort(), ["Actual 100", "Actual 80", "Forecasted 100"]);
        });
    }

    it("prod: the stack outputs name every piece, and each router sheet names its site's alerts", async () => {
        const { outputs } = await planOfStack("prod");
        const b = outputs.baseline as any;
        assert.equal(b.auditTrail.name, "prod-audit");
        assert.match(b.logArchive.bucketName, /^prod-log-archive-/);
        assert.equal(b.vpcFlowLog.trafficType, "ALL");
        assert.deepEqual(Object.keys(b.azureLogs.vnetFlowLogIds), ["workloads", "spoke"]);
        assert.equal(b.budgets.monthlyCapUsd, policyCap("prod"));
        assert.deepEqual(Object.keys(b.linkAlerts.awsTunnelAlarms).sort(), ["instance0-tunnel1", "instance0-tunnel2", "instance1-tunnel1", "instance1-tunnel2"]);
        const sheets = outputs.branchRouterSheets as Record<string, { alerts: string[] }>;
        assert.deepEqual(sheets["sydney-hq"].alerts, ["prod-wan-tunnel-down-sydney-hq", "prod-wan-bgp-down-sydney-hq"], "a BGP site also has its BGP alert");
        assert.deepEqual(sheets.melbourne.alerts, ["prod-wan-tunnel-down-melbourne"]);
        assert.match((outputs.server as any).tls, /^HTTPS: .*app\.example\.org/);
        assert.match(((await planOfStack("dev")).outputs.server as any).tls, /^HTTP only/);
    });

    it("without the trail, or with a single-region trail without validation, baseline-audit-trail fails", async () => {
        const { resources } = await planOfStack("dev");
        const gone = await mandatoryOf("dev", without(resources, (r) => r.type === "aws:cloudtrail/trail:Trail"));
        assert.ok(gone.some((v) => v.policy === "baseline-audit-trail" && /no CloudTrail trail/.test(v.message)), JSON.stringify(gone));
        const weak = await mandatoryOf("dev", edit(resources, (r) => r.type === "aws:cloudtrail/trail:Trail", (i) => { i.isMultiRegionTrail = false; i.enableLogFileValidation = false; }));
        const v = weak.find((x) => x.policy === "baseline-audit-trail");
        assert.ok(v && /isMultiRegionTrail, enableLogFileValidation/.test(v.message), JSON.stringify(weak));
    });

    it("a log bucket without its public-access block, encryption or TLS-only statement fails baseline-log-bucket-secure", async () => {
        const { resources } = await planOfStack("dev");
        const bucket = resources.find((r) => r.type === "aws:s3/bucket:Bucket")!;
        const cases: Array<[string, PlannedResource[], RegExp]> = [
            ["public-access block", without(resources, (r) => r.type === "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"), /is not private/],
            ["one block off", edit(resources, (r) => r.type === "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", (i) => (i.restrictPublicBuckets = false)), /is not private/],
            ["encryption", without(resources, (r) => r.type === "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"), /no default encryption/],
            ["TLS-only statement", edit(resources, (r) => r.type === "aws:s3/bucketPolicy:BucketPolicy", (i) => {
                const doc = JSON.parse(i.policy);
                doc.Statement = doc.Statement.filter((s: any) => s.Sid !== "DenyInsecureTransport");
                i.policy = JSON.stringify(doc);
            }), /without TLS/],
        ];
        for (const [what, broken, message] of cases) {
            const v = (await mandatoryOf("dev", broken)).filter((x) => x.policy === "baseline-log-bucket-secure");
            assert.equal(v.length, 1, `${what}: ${JSON.stringify(v)}`);
            assert.equal(v[0].resource, bucket.urn);
            assert.match(v[0].message, message);
        }
    });

    it("a TLS-only statement counts in either policy grammar: a Statement list or a single Statement, as text or object", () => {
        const deny = { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } };
        for (const doc of [{ Statement: [deny] }, { Statement: deny }]) {
            assert.equal(deniesInsecureTransport(doc), true, JSON.stringify(doc));
            assert.equal(deniesInsecureTransport(JSON.stringify(doc)), true, JSON.stringify(doc));
        }
        assert.equal(deniesInsecureTransport({ Statement: { ...deny, Effect: "Allow" } }), false);
        assert.equal(deniesInsecureTransport("{"), false);
    });

    it("a VPC or a VNet without its flow log fails baseline-flow-logs, naming the network", async () => {
        const { resources } = await planOfStack("prod");
        const noAws = await mandatoryOf("prod", without(resources, (r) => r.type === "aws:ec2/flowLog:FlowLog"));
        assert.deepEqual(noAws.map((v) => `${v.policy} ${v.resource?.split("::").pop()}`), ["baseline-flow-logs prod-vpc"]);
        const noSpoke = await mandatoryOf("prod", without(resources, (r) => r.type === "azure-native:network:FlowLog" && r.name.includes("spoke")));
        assert.deepEqual(noSpoke.map((v) => `${v.policy} ${v.resource?.split("::").pop()}`), ["baseline-flow-logs prod-spoke-vnet"]);
    });

    it("a missing budget, or one for another amount, fails cost-monthly-cap (the cap's one home)", async () => {
        const { resources } = await planOfStack("dev");
        const noAws = await mandatoryOf("dev", without(resources, (r) => r.type === "aws:budgets/budget:Budget"));
        assert.ok(noAws.some((v) => v.policy === "cost-monthly-cap" && /No AWS Budgets monthly cost budget/.test(v.message)), JSON.stringify(noAws));
        const noAzure = await mandatoryOf("dev", without(resources, (r) => r.type === "azure-native:consumption:Budget"));
        assert.ok(noAzure.some((v) => v.policy === "cost-monthly-cap" && /No Azure consumption budget/.test(v.message)), JSON.stringify(noAzure));
        const other = await mandatoryOf("dev", edit(resources, (r) => r.type === "aws:budgets/budget:Budget", (i) => (i.limitAmount = "500.00")));
        assert.ok(other.some((v) => v.policy === "cost-monthly-cap" && /not the cap of \$400\.00/.test(v.message)), JSON.stringify(other));
        const noForecast = await mandatoryOf("dev", edit(resources, (r) => r.type === "azure-native:consumption:Budget", (i) => delete i.notifications["forecast-100"]));
        assert.ok(noForecast.some((v) => v.policy === "cost-monthly-cap" && /does not alert at forecast 100 %/.test(v.message)), JSON.stringify(noForecast));
    });

    it("an Azure budget for another amount, or an AWS budget missing a threshold, fails cost-monthly-cap", async () => {
        const { resources } = await planOfStack("dev");
        const azureOther = await mandatoryOf("dev", edit(resources, (r) => r.type === "azure-native:consumption:Budget", (i) => (i.amount = 500)));
        assert.ok(azureOther.some((v) => v.policy === "cost-monthly-cap" && /is for 500, not the cap of \$400\.00/.test(v.message)), JSON.stringify(azureOther));
        const awsNo80 = await mandatoryOf("dev", edit(resources, (r) => r.type === "aws:budgets/budget:Budget", (i) => (i.notifications = i.notifications.filter((n: any) => !(n.notificationType === "ACTUAL" && n.threshold === 80)))));
        const v = awsNo80.filter((x) => x.policy === "cost-monthly-cap");
        assert.equal(v.length, 1, JSON.stringify(awsNo80));
        assert.match(v[0].message, /does not alert at actual 80 % of the cap\.$/);
    });

    it("a VPN connection without its alert fails baseline-vpn-alerts, on either cloud", async () => {
        const { resources } = await planOfStack("prod");
        const noAws = await mandatoryOf("prod", without(resources, (r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && r.name.includes("instance1")));
        assert.deepEqual(noAws.map((v) => `${v.policy} ${v.resource?.split("::").pop()}`), ["baseline-vpn-alerts prod-to-azure-vpn-instance1"]);
        const noBranch = await mandatoryOf("prod", without(resources, (r) => r.type === "azure-native:monitor:MetricAlert" && r.name.endsWith("tunnel-down-melbourne")));
        assert.deepEqual(noBranch.map((v) => `${v.policy} ${v.resource?.split("::").pop()}`), ["baseline-vpn-alerts prod-wan-conn-melbourne"]);
    });
});
