import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ec2 from "@pulumi/aws/ec2";
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import * as YAML from "yaml";
import { costPolicies } from "../../policy/cost";
import { ipv6Policies, subnetIpv6, vpcIpv6 } from "../../policy/ipv6";
import { hasMandatory, loadPolicyConfig, OfflineResource, PolicyConfigError, runPoliciesOffline, validatePolicyConfig } from "../../policy/offline";
import { allPolicies } from "../../policy/policies";
import { discoverEnvironments } from "../../stacks/environments";
import { reliabilityPolicies } from "../../policy/reliability";
import { securityPolicies } from "../../policy/security";
import { advisory, check, declare, mandatory } from "./helpers";

const root = path.join(__dirname, "..", "..");
const res = (type: string, name: string, inputs: Record<string, unknown>, extra: Partial<OfflineResource> = {}): OfflineResource => ({ type, name, urn: `urn:pulumi:test::landing-zone::${type}::${name}`, parent: null, inputs, ...extra });

describe("offline policy engine", () => {
    it("evaluates the pack's own policy objects, each documented with a default level", () => {
        for (const p of [...costPolicies, ...ipv6Policies, ...securityPolicies, ...reliabilityPolicies]) assert.ok(allPolicies.includes(p), p.name);
        const names = allPolicies.map((p) => p.name);
        assert.equal(new Set(names).size, names.length, "unique names");
        for (const p of allPolicies) {
            assert.ok(p.description.length > 30, `${p.name} has a description`);
            assert.ok(p.enforcementLevel, `${p.name} has a default enforcement level`);
            for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) assert.ok(typeof schema === "object" && schema.description, `${p.name}.${key} is described`);
        }
        // Only index.ts constructs the PolicyPack (it starts a gRPC server).
        const constructing = fs.readdirSync(path.join(root, "policy")).filter((f) => f.endsWith(".ts") && /new PolicyPack\(/.test(fs.readFileSync(path.join(root, "policy", f), "utf8")));
        assert.deepEqual(constructing, ["index.ts"]);
    });

    it("turns values unknown at preview into advisory 'cannot check yet', never a pass or a crash", async () => {
        const resources = [
            res("aws:ec2/subnet:Subnet", "later", { vpcId: "[unknown]", cidrBlock: "10.0.0.0/24", ipv6CidrBlock: "[unknown]", assignIpv6AddressOnCreation: true }),
            res("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16", assignGeneratedIpv6CidrBlock: "[unknown]" }),
            res("aws:ec2/securityGroup:SecurityGroup", "sg", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: "[unknown]" }] }),
            // An input a mock could not compute arrives absent: checked as absent, no crash.
            res("aws:ec2/launchTemplate:LaunchTemplate", "lt", {}),
        ];
        const result = await runPoliciesOffline(resources, { env: "dev" });
        const unknowns = result.violations.filter((v) => v.message.startsWith("cannot check yet:"));
        assert.ok(unknowns.length >= 3, JSON.stringify(result.violations, null, 1));
        assert.ok(unknowns.every((v) => v.level === "advisory"));
        const subnet = result.violations.filter((v) => v.resource?.endsWith("::later"));
        assert.deepEqual(subnet.map((v) => [v.policy, v.level]), [["ipv6-subnet-64", "advisory"]]);
        assert.match(subnet[0].message, /\.ipv6CidrBlock is computed during the deployment/);
        assert.ok(result.violations.some((v) => v.policy === "ipv6-ingress-parity" && v.level === "advisory" && v.resource?.endsWith("::sg")));
        assert.ok(mandatory(result).some((v) => v.resource?.endsWith("::lt") && v.policy === "security-imdsv2"), "absent inputs are still checked");
    });

    it("applies the environment's levels: disabled skipped, advisory downgraded, defaults kept", async () => {
        const resources = [res("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16" })];
        assert.equal(mandatory(await check(vpcIpv6, resources)).length, 1, "default mandatory");
        assert.equal(advisory(await check(vpcIpv6, resources, { "ipv6-vpc-block": "advisory" })).length, 1);
        assert.deepEqual((await check(vpcIpv6, resources, { "ipv6-vpc-block": { enforcementLevel: "disabled" } })).violations, []);
        assert.equal(mandatory(await check(vpcIpv6, resources, {}, { configOverrides: { "ipv6-vpc-block": "remediate" } })).length, 1, "remediate counts as mandatory");
    });

    it("hands resource policies a ResourceValidationArgs-shaped object and stack policies PolicyResources", async () => {
        const seen: string[] = [];
        const probe: ResourceValidationPolicy = {
            name: "probe",
            description: "probe",
            enforcementLevel: "advisory",
            configSchema: { properties: { answer: { type: "integer", description: "x" } } },
            validateResource: (args, report) => {
                assert.equal(args.urn, `urn:pulumi:test::landing-zone::${args.type}::${args.name}`);
                assert.deepEqual(args.getConfig(), { answer: 42 });
                assert.equal(args.isType(ec2.Vpc), args.type === "aws:ec2/vpc:Vpc");
                assert.equal(args.asType(ec2.Vpc)?.cidrBlock, args.type === "aws:ec2/vpc:Vpc" ? "10.0.0.0/16" : undefined);
                assert.deepEqual(args.opts.aliases, []);
                seen.push(args.name);
                report("seen");
            },
        };
        const stackProbe: StackValidationPolicy = {
            name: "stack-probe",
            description: "probe",
            validateStack: (args) => {
                const subnet = args.resources.find((r) => r.name === "subnet")!;
                assert.equal(subnet.parent?.name, "vpc");
                assert.equal(subnet.propertyDependencies.vpcId[0].name, "vpc");
                assert.equal(subnet.dependencies[0].name, "vpc");
                assert.ok(subnet.isType(ec2.Subnet));
                seen.push("stack");
            },
        };
        const vpc = res("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16" });
        const subnet = res("aws:ec2/subnet:Subnet", "subnet", { vpcId: "vpc-1" }, { parent: vpc.urn, dependencies: [vpc.urn], propertyDependencies: { vpcId: [vpc.urn] } });
        const result = await runPoliciesOffline([vpc, subnet], { policies: [probe, stackProbe], config: { probe: { answer: 42 } } });
        assert.deepEqual(seen, ["vpc", "subnet", "stack"]);
        assert.deepEqual(result.violations.map((v) => [v.policy, v.level, v.resource]), [["probe", "advisory", vpc.urn], ["probe", "advisory", subnet.urn]]);
    });

    it("reports a policy's own bug loudly, naming the policy and resource", async () => {
        const broken: ResourceValidationPolicy = { name: "broken", description: "broken", validateResource: () => { throw new TypeError("boom"); } };
        await assert.rejects(runPoliciesOffline([res("aws:ec2/vpc:Vpc", "vpc", {})], { policies: [broken] }), /policy broken failed on urn:.*::vpc: boom/);
    });

    it("records 'not applicable' with the reason (the Virtual WAN exemption by type)", async () => {
        const r = await declare(() => {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const network = require("@pulumi/azure-native/network") as typeof import("@pulumi/azure-native/network");
            new network.VpnGateway("vpngw", { resourceGroupName: "rg", vpnGatewayScaleUnit: 1 });
        });
        const result = await check(ipv6Policies, r);
        assert.deepEqual(result.notApplicable.find((n) => n.policy === "ipv6-vnet-prefix")?.reason, "Virtual WAN site-to-site VPN gateways are IPv4-only (platform limit)");
        assert.equal(hasMandatory(result), false);
    });

    describe("policy config files", () => {
        for (const env of discoverEnvironments()) {
            it(`policy/config/${env}.json is valid, has the cap, and Pulumi.${env}.yaml carries no second one`, () => {
                const config = loadPolicyConfig(env);
                const stack = YAML.parse(fs.readFileSync(path.join(root, `Pulumi.${env}.yaml`), "utf8")) as { config: Record<string, unknown> };
                const cap = config["cost-monthly-cap"] as { monthlyCapUsd: number };
                assert.ok(cap.monthlyCapUsd > 0);
                assert.equal(stack.config["landing-zone:monthlyCostCapUsd"], undefined);
                assert.ok(allPolicies.every((p) => p.name in config), "every policy has an explicit level per environment");
            });
        }

        it("rejects unknown policies, unknown settings, wrong types and bad levels, one line per problem", () => {
            const problems = validatePolicyConfig({
                "cost-monthly-cap": { monthlyCapUsd: "400", topLines: 0 },
                "cost-max-ebs-size": { maxSizeGb: 50 },
                "ipv6-vpc-block": "strict",
                "no-such-policy": "mandatory",
                "security-no-open-admin-ports": { adminPorts: [22, "rdp"] },
            });
            assert.deepEqual(problems.map((p) => p.split(":")[0]), [
                "cost-monthly-cap.monthlyCapUsd",
                "cost-monthly-cap.topLines",
                "cost-max-ebs-size.maxSizeGb",
                "ipv6-vpc-block",
                "no-such-policy",
                "security-no-open-admin-ports.adminPorts[1]",
            ]);
        });

        it("names the file and the key when a config file is wrong", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lz-policy-"));
            fs.writeFileSync(path.join(dir, "bad.json"), JSON.stringify({ "cost-max-ebs-size": { maxSizeGiB: -1 } }));
            assert.throws(() => loadPolicyConfig("bad", allPolicies, dir), (e: unknown) => e instanceof PolicyConfigError && /bad\.json: cost-max-ebs-size\.maxSizeGiB: must be at least 1$/.test(e.problems[0]));
            assert.throws(() => loadPolicyConfig("staging", allPolicies, dir), /no policy config for environment "staging"/);
        });
    });

    it("evaluates a subnet policy the same way for a real subnet captured under mocks", async () => {
        const r = await declare(() => new ec2.Subnet("s", { vpcId: "vpc-1", cidrBlock: "10.0.0.0/24", ipv6CidrBlock: "2001:db8::/64" }));
        assert.match(mandatory(await check(subnetIpv6, r))[0].message, /assignIpv6AddressOnCreation/);
    });
});
