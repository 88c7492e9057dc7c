/**
 * Environments are discovered from the stack files, and a new one made by
 * `npm run env:new` plans cleanly with no file edited by hand.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { hasMandatory, loadPolicyConfig, runPoliciesOffline } from "../../policy/offline";
import { createEnvironment, EnvNewError, parseEnvNewArgs } from "../../scripts/env-new";
import { environmentsMatrix } from "../../scripts/environments-matrix";
import { POLICY_CONFIG_ENV } from "../../stacks/config/cost-cap";
import { namespaceConfig } from "../../stacks/config/resolve";
import { discoverEnvironments, policyConfigFileOf, REPO_ROOT } from "../../stacks/environments";
import { allocateAddresses, rangesOf } from "../../stacks/new-environment";
import { runPlan } from "../../stacks/plan/run";
import { readStackFile } from "../../stacks/plan/stack-file";
import { findIpv4Overlaps } from "../../components/addressing/cidr";
import { ipv4 } from "../../components/addressing/cidr";
import { planOfStack } from "../helpers/stacks";

/** A copy of the repository's stack files and policy configs, to add environments to. */
function scratchRoot(): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "lz-envs-"));
    fs.mkdirSync(path.join(root, "policy", "config"), { recursive: true });
    for (const env of discoverEnvironments()) {
        fs.copyFileSync(path.join(REPO_ROOT, `Pulumi.${env}.yaml`), path.join(root, `Pulumi.${env}.yaml`));
        fs.copyFileSync(policyConfigFileOf(env), policyConfigFileOf(env, root));
    }
    return root;
}

describe("environments", function () {
    this.timeout(60000);

    it("are the stack files at the root (Pulumi.yaml is the project, not a stack)", () => {
        const envs = discoverEnvironments();
        assert.ok(envs.includes("dev") && envs.includes("prod"), envs.join(", "));
        assert.ok(!envs.includes(""), "Pulumi.yaml is not an environment");
    });

    for (const env of discoverEnvironments()) {
        it(`${env}: plans with its own policy config and no mandatory violation`, async () => {
            const run = await planOfStack(env);
            const result = await runPoliciesOffline(run.resources, { env });
            assert.equal(hasMandatory(result), false, result.violations.filter((v) => v.level === "mandatory").map((v) => v.message).join("\n"));
        });
    }

    it("env:new writes a stack and its policy config that plan cleanly, clear of every existing range", async () => {
        const root = scratchRoot();
        // A name no stack has yet (the repository may already hold a staging made by env:new).
        const name = ["staging", "qa", "uat", "test-env"].find((n) => !discoverEnvironments().includes(n))!;
        const created = await createEnvironment({ name, profile: "budget", region: "us-east-1", location: "eastus" }, root);
        assert.deepEqual(discoverEnvironments(root), [...discoverEnvironments(), name].sort());

        const stack = readStackFile(created.stackFile, undefined);
        // The program's budgets read the cap from the new policy config, as `npm run plan` points them at it.
        process.env[POLICY_CONFIG_ENV] = created.policyFile;
        const result = await runPlan(name, stack).finally(() => { delete process.env[POLICY_CONFIG_ENV]; });
        assert.ok(result.ok, result.ok ? "" : result.problems.join("\n"));
        const policies = await runPoliciesOffline(result.run.resources, { config: loadPolicyConfig(name, undefined, path.join(root, "policy", "config")) });
        assert.equal(hasMandatory(policies), false, policies.violations.map((v) => v.message).join("\n"));
        assert.ok(created.cap >= created.monthly * 1.2, `cap ${created.cap} leaves headroom over ${created.monthly}`);
        // One cap, in the policy config only.
        assert.equal((loadPolicyConfig(name, undefined, path.join(root, "policy", "config"))["cost-monthly-cap"] as { monthlyCapUsd: number }).monthlyCapUsd, created.cap);
        assert.equal(stack.config["landing-zone:monthlyCostCapUsd"], undefined);

        const ranges = discoverEnvironments(root).flatMap((env) =>
            rangesOf(namespaceConfig(readStackFile(path.join(root, `Pulumi.${env}.yaml`), undefined).config)).map((cidr) => ({ owner: `${env}:${cidr}`, network: ipv4(cidr) })));
        const crossStack = findIpv4Overlaps(ranges).filter(([a, b]) => a.owner.startsWith(`${name}:`) || b.owner.startsWith(`${name}:`));
        assert.deepEqual(crossStack.map(([a, b]) => `${a.owner} / ${b.owner}`), []);

        await assert.rejects(createEnvironment({ name, profile: "budget", region: "us-east-1", location: "eastus" }, root), /already exists/);
    });

    it("the pull-request workflow plans every environment: its matrix comes from the stack files, on the current LTS", () => {
        const workflow = fs.readFileSync(path.join(REPO_ROOT, ".github", "workflows", "pull-request.yml"), "utf8");
        assert.match(workflow, /scripts\/environments-matrix\.ts/);
        assert.match(workflow, /fromJSON\(needs\.environments\.outputs\.matrix\)/);
        assert.doesNotMatch(workflow, /stack: \[dev, prod\]|for stack in dev prod|--stack (dev|prod)\b/, "an environment list written into the workflow");
        assert.doesNotMatch(workflow, /node-version: 20\b/, "Node 20 is past its end of life; the workflow runs lts/*");
        assert.deepEqual(environmentsMatrix().map((e) => e.stack), discoverEnvironments());
        assert.ok(environmentsMatrix().every((e) => /^[a-z]{2}-[a-z]+-\d$/.test(e.awsRegion)), "each environment carries its AWS region for the preview job");
    });

    it("package.json asks for the Node the Pulumi SDK requires", () => {
        const own = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { engines: { node: string } };
        const sdk = JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8")) as { engines?: { node?: string } };
        assert.equal(own.engines.node, sdk.engines?.node ?? ">=22");
    });

    it("env:new refuses bad arguments with one line (exit 2 from the command)", () => {
        assert.throws(() => parseEnvNewArgs(["--name", "Staging", "--profile", "budget", "--region", "us-east-1", "--location", "eastus"]), EnvNewError);
        assert.throws(() => parseEnvNewArgs(["--name", "qa", "--profile", "cheap", "--region", "us-east-1", "--location", "eastus"]), /--profile cheap/);
        assert.throws(() => parseEnvNewArgs(["--name", "qa"]), /missing --profile, --region, --location/);
    });

    it("allocates around what is taken, and the ULA from 40 random bits", () => {
        const a = allocateAddresses(["10.10.0.0/16", "10.20.0.0/16", "10.30.0.0/15"], () => Buffer.from([0xab, 0xcd, 0xef, 0x01, 0x23]));
        assert.deepEqual([a.vpcCidr, a.vnetIpv4Cidr, a.spokeIpv4Cidr], ["10.40.0.0/16", "10.50.0.0/16", "10.60.0.0/16"]);
        assert.equal(a.vnetIpv6Cidr, "fdab:cdef:0123::/48");
    });
});
