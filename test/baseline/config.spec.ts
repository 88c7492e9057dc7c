/**
 * landing-zone:baseline: defaults per profile, one line per bad value naming
 * the key, and the one function the budgets read the cap through.
 */
import { strict as assert } from "assert";
import { budgetCapUsd } from "../../stacks/config/baseline";
import { resolveConfig } from "../../stacks/config/resolve";
import { costCapOf } from "../../stacks/config/cost-cap";
import { planOfStack, rawConfigOf } from "../helpers/stacks";

function resolve(stack: "dev" | "prod", edit: (c: Record<string, any>) => void = () => {}) {
    const raw = rawConfigOf(stack);
    edit(raw);
    return resolveConfig(raw);
}

describe("baseline config", () => {
    it("budget defaults: rejects only, a year of logs, Azure logs kept 30/90 days", () => {
        const r = resolve("dev");
        assert.ok(r.ok);
        assert.deepEqual(r.config.baseline, {
            alertEmail: "platform-team@example.org",
            logArchive: { coldAfterDays: 30, coldStorageClass: "GLACIER_IR", expireAfterDays: 365, deleteOnDestroy: false },
            flowLogs: { trafficType: "REJECT", azureRetentionDays: 30, createNetworkWatcher: false },
            activityLogRetentionDays: 90,
            tls: { acmeDirectory: "production" },
        });
    });

    it("production defaults: all traffic, seven years of logs", () => {
        const r = resolve("prod");
        assert.ok(r.ok);
        assert.equal(r.config.baseline.flowLogs.trafficType, "ALL");
        assert.equal(r.config.baseline.logArchive.expireAfterDays, 2557);
        assert.equal(r.config.baseline.activityLogRetentionDays, 365);
    });

    it("explicit settings win over the profile", () => {
        const r = resolve("dev", (c) => (c.baseline = { flowLogs: { trafficType: "ALL" }, logArchive: { deleteOnDestroy: true }, alertEmail: "ops@example.org" }));
        assert.ok(r.ok);
        assert.equal(r.config.baseline.flowLogs.trafficType, "ALL");
        assert.equal(r.config.baseline.logArchive.deleteOnDestroy, true);
        assert.equal(r.config.baseline.alertEmail, "ops@example.org");
    });

    it("refuses an expiry inside the cold class's minimum duration, and STANDARD_IA before 30 days, naming the key", () => {
        const r = resolve("dev", (c) => (c.baseline = { logArchive: { coldAfterDays: 10, coldStorageClass: "STANDARD_IA", expireAfterDays: 20 } }));
        assert.ok(!r.ok);
        assert.deepEqual(r.problems.map((p) => p.split(":").slice(0, 2).join(":")), ["landing-zone:baseline.logArchive.coldAfterDays", "landing-zone:baseline.logArchive.expireAfterDays"]);
        assert.match(r.problems[1], /use at least 40/);
    });

    it("needs an e-mail address for the budgets and alerts", () => {
        const r = resolve("dev", (c) => {
            c.owner = "Platform team";
            delete c.server.alertEmail;
        });
        assert.ok(!r.ok);
        assert.deepEqual(r.problems, ["landing-zone:baseline.alertEmail: budgets and link alerts need an e-mail address; set baseline.alertEmail (or server.alertEmail, or an e-mail address as owner)"]);
    });

    it("an owner that baseline.alertEmail itself would refuse is not taken as the alert address", () => {
        const r = resolve("dev", (c) => {
            c.owner = "ops@example.org.";
            delete c.server.alertEmail;
        });
        assert.ok(!r.ok);
        assert.match(r.problems[0], /^landing-zone:baseline\.alertEmail: budgets and link alerts need an e-mail address/);
        const set = resolve("dev", (c) => (c.baseline = { alertEmail: "ops@example.org." }));
        assert.ok(!set.ok, "the key refuses the same address");
    });

    it("an unknown key is named", () => {
        const r = resolve("dev", (c) => (c.baseline = { flowlogs: {} }));
        assert.ok(!r.ok);
        assert.match(r.problems[0], /^landing-zone:baseline\.flowlogs: unknown key; did you mean "flowLogs"\?/);
    });

    it("the budgets read the cap the cost policy enforces (policy/config/<stack>.json, through the program)", async () => {
        const r = resolve("prod");
        assert.ok(r.ok);
        assert.equal(budgetCapUsd(r.config), undefined, "the stack file carries no second cap");
        const run = await planOfStack("prod");
        const budget = run.resources.find((x) => x.type === "aws:budgets/budget:Budget")!;
        assert.equal(Number(budget.inputs.limitAmount), costCapOf("prod").monthlyCapUsd);
    });
});
