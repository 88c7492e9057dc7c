/**
 * Every policy violation in the plan names the config key to change, not
 * only the resource path the policy judged.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../stacks/plan-cli";
import { configKeyOf } from "../../stacks/plan/violation-keys";
import { captureOutput, editedStackFile, planOfStack } from "../helpers/stacks";

describe("violations name the config key", function () {
    this.timeout(30000);

    it("an instance type dev does not allow points at landing-zone:server.instanceTypes[i], in the JSON and the report", async () => {
        const file = editedStackFile("dev", (c) => { c["landing-zone:server"].instanceTypes = ["t4g.small", "t4g.large"]; });
        // One run: the JSON document to a file, the report to stdout.
        const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lz-keys-")), "plan.json");
        const { result, stdout } = await captureOutput(() => main(["--stack", "dev", "--config", file, "--out", out, "--width", "200"]));
        assert.equal(result, 1);
        const doc = JSON.parse(fs.readFileSync(out, "utf8"));
        const v = doc.policies.violations.find((x: any) => x.policy === "cost-allowed-instance-types");
        assert.ok(v, JSON.stringify(doc.policies.violations));
        assert.match(v.message, /overrides\[1\]\.instanceType/);
        assert.equal(v.configKey, "landing-zone:server.instanceTypes[1]");
        assert.match(stdout, /\[mandatory\] cost-allowed-instance-types → change landing-zone:server\.instanceTypes\[1\]/);
    });

    it("maps firewall findings to the Azure subnet's allowInbound or the server's ingress, and the cap to the policy config", async () => {
        const run = await planOfStack("dev");
        const nsg = { policy: "security-no-open-admin-ports", resource: "urn:pulumi:dev::landing-zone::landing-zone:azure:DualStackVnet$azure-native:network:NetworkSecurityGroup::dev-workloads-app-nsg", message: "port 22" };
        assert.equal(configKeyOf(nsg, run.config, "policy/config/dev.json"), "landing-zone:azure.vnet.subnets[1].allowInbound");
        const sg = { policy: "security-no-open-admin-ports", resource: "urn:pulumi:dev::landing-zone::aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::dev-app-in-ssh-ipv6", message: "port 22" };
        assert.equal(configKeyOf(sg, run.config, "policy/config/dev.json"), "landing-zone:server.ingress");
        assert.match(configKeyOf({ policy: "cost-monthly-cap", resource: null, message: "" }, run.config, "policy/config/dev.json")!, /^policy\/config\/dev\.json: cost-monthly-cap\.monthlyCapUsd/);
        assert.equal(configKeyOf({ policy: "security-imdsv2", resource: null, message: "" }, run.config, "policy/config/dev.json"), null);
    });
});
