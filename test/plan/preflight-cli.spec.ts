import { strict as assert } from "assert";
import { PREFLIGHT_RULES, runPreflight } from "../../components/preflight";
import { main } from "../../stacks/plan-cli";
import { buildPlanDocument } from "../../stacks/plan/report";
import { runPlan } from "../../stacks/plan/run";
import { readStackFile } from "../../stacks/plan/stack-file";
import { captureOutput, editedStackFile, planOfStack } from "../helpers/stacks";

async function plan(args: string[]) {
    const { result, stdout, stderr } = await captureOutput(() => main(args));
    return { code: result, stdout, stderr };
}

describe("provider preflight in the plan", () => {
    it("reports the rules checked and no violations for dev, in the JSON document", async () => {
        const doc = buildPlanDocument(await planOfStack("dev"), { preflight: { rules: PREFLIGHT_RULES.length, violations: [] } });
        assert.deepEqual(doc.preflight, { rules: PREFLIGHT_RULES.length, violations: [] });
    });

    it("fails like invalid config (exit 2) on what the providers would refuse, reported in the JSON and one line each on stderr", async function () {
        this.timeout(60000);
        // A long package list: the config takes any number, EC2 takes 16 KB of user data.
        const file = editedStackFile("dev", (c) => (c["landing-zone:server"].app.packages = Array.from({ length: 1200 }, (_, i) => `package-number-${i}`)));
        const { code, stdout, stderr } = await plan(["--config", file, "--json"]);
        assert.equal(code, 2, stderr);
        const doc = JSON.parse(stdout);
        assert.equal(doc.preflight.rules, PREFLIGHT_RULES.length);
        assert.equal(doc.preflight.violations.length, 1, JSON.stringify(doc.preflight.violations));
        const [v] = doc.preflight.violations;
        assert.deepEqual(Object.keys(v).sort(), ["input", "message", "resource", "rule", "source", "value"]);
        assert.deepEqual([v.rule, v.resource, v.input], ["aws-launch-template-text", "dev-app-lt", "userData"]);
        assert.match(v.value, /^\d+ bytes$/);
        assert.equal(stderr, `preflight aws-launch-template-text: LaunchTemplate dev-app-lt: user data is over EC2's 16 KB (userData = ${JSON.stringify(v.value)}; ${v.source})\n`);
    });

    it("still plans the valid unusual configs: 6 AZs, a dozen sites, a 4 GiB volume, long but legal names", async function () {
        // About half as many resources again as dev's plan.
        this.timeout(60000);
        const file = editedStackFile("dev", (c) => {
            c["landing-zone:environment"] = "platform-eu-staging1"; // 20 characters
            c["landing-zone:aws"].availabilityZones = ["a", "b", "c", "d", "e", "f"].map((l) => `us-east-1${l}`);
            c["landing-zone:aws"].azSlots = 6;
            const template = c["landing-zone:sites"][0];
            const psk = c["landing-zone:vpnPreSharedKeys"]["head-office"];
            // 40-character site names: 20 + "-wan-site-" + 40 + 8 = 78, under Azure's 80.
            const names = Array.from({ length: 12 }, (_, i) => `branch-office-in-a-long-town-name-no-${String(i).padStart(3, "0")}`);
            c["landing-zone:sites"] = names.map((name, i) => ({ ...template, name, publicIp: `49.255.13.${i + 1}`, addressSpaces: [`192.168.${100 + i}.0/24`], ...(i % 2 ? { bgp: { asn: 4200000000 + i, peeringAddress: `192.168.${100 + i}.1` } } : {}) }));
            c["landing-zone:vpnPreSharedKeys"] = Object.fromEntries(names.map((n) => [n, psk]));
            c["landing-zone:server"].dataVolume = { sizeGiB: 4, iops: 3000, mountPoint: "/srv/data" };
        });
        // The plan and the preflight (the cost and policy steps have their own specs).
        const result = await runPlan("dev", readStackFile(file));
        assert.ok(result.ok, JSON.stringify(result));
        assert.deepEqual(runPreflight(result.run.resources).violations, []);
        const sites = result.run.resources.filter((r) => r.type === "azure-native:network:VpnSite");
        assert.equal(sites.length, 12);
        assert.equal(result.run.addressPlan.aws.subnets.length, 18);
        assert.equal(Math.max(...sites.map((r) => r.name.length)) + 8, 78);
    });
});
