/**
 * Replace-on-change: the table (components/replace), the config feeds
 * (stacks/config/feeds.ts), the plan's per-key section, and the promise that
 * no routine setting replaces the server group, its data volume or a VPN
 * gateway, proven by planning prod with every routine setting changed and
 * diffing the inputs the engine would diff (ignoreChanges honoured).
 */
import { strict as assert } from "assert";
import { isKnownType, isReplaceOnChange, REPLACE_TABLE, replaceRuleFor, replacingPaths } from "../../components/replace";
import { CONFIG_FEEDS, feedsOf } from "../../stacks/config/feeds";
import { replacementsByConfigKey, renderReplacements } from "../../stacks/plan/replacements";
import { PlannedResource, PlanRun, runPlan } from "../../stacks/plan/run";
import { readStackFile } from "../../stacks/plan/stack-file";
import { POLICY_CONFIG_ENV } from "../../stacks/config/cost-cap";
import { editedPolicyConfig, editedStackFile, planOfStack } from "../helpers/stacks";

/** Leaf values by input path ("a.b[0].c"), the way a diff sees them. */
function leaves(value: unknown, prefix = "", out = new Map<string, string>()): Map<string, string> {
    if (Array.isArray(value)) value.forEach((v, i) => leaves(v, `${prefix}[${i}]`, out));
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
    else out.set(prefix, JSON.stringify(value));
    return out;
}

/** Per resource present in both runs: the input paths whose value differs, minus what the engine ignores. */
function changedPaths(before: readonly PlannedResource[], after: readonly PlannedResource[]): Array<{ r: PlannedResource; paths: string[] }> {
    const key = (r: PlannedResource) => `${r.type}::${r.name}`;
    const old = new Map(before.map((r) => [key(r), r]));
    const out: Array<{ r: PlannedResource; paths: string[] }> = [];
    for (const r of after) {
        const o = old.get(key(r));
        if (!o) continue;
        const a = leaves(o.inputs);
        const b = leaves(r.inputs);
        const paths = [...new Set([...a.keys(), ...b.keys()])].filter((p) => a.get(p) !== b.get(p));
        const kept = paths.filter((p) => !r.ignoreChanges.some((i) => p === i || p.startsWith(`${i}.`) || p.startsWith(`${i}[`)));
        if (kept.length > 0) out.push({ r, paths: kept });
    }
    return out;
}

const GROUP = "aws:autoscaling/group:Group";
const HOOK = "aws:autoscaling/lifecycleHook:LifecycleHook";
const AZ_VPN_GW = "azure-native:network:VpnGateway";
const AWS_VPN_GW = "aws:ec2/vpnGateway:VpnGateway";
const VOLUME = "aws:ebs/volume:Volume";

describe("replace on change", function () {
    this.timeout(60000);

    describe("the table", () => {
        it("answers by type and input path, indexes and nesting included", () => {
            assert.deepEqual(replacingPaths(GROUP), ["name", "namePrefix", "initialLifecycleHooks"]);
            assert.equal(isReplaceOnChange(GROUP, "initialLifecycleHooks[0].heartbeatTimeout"), true);
            assert.equal(isReplaceOnChange(GROUP, "mixedInstancesPolicy.launchTemplate.overrides[1].instanceType"), false);
            assert.equal(isReplaceOnChange(GROUP, "desiredCapacity"), false);
            assert.equal(isReplaceOnChange("aws:ec2/vpnConnection:VpnConnection", "tunnel1InsideCidr"), true);
            assert.equal(isReplaceOnChange("aws:ec2/vpnConnection:VpnConnection", "tunnel1Phase1DhGroupNumbers[0]"), false);
            assert.equal(replaceRuleFor("azure-native:network:VirtualHub", "addressPrefix")?.kind, "refused");
            assert.equal(isReplaceOnChange(AZ_VPN_GW, "vpnGatewayScaleUnit"), false);
            assert.equal(isReplaceOnChange(AZ_VPN_GW, "bgpSettings.bgpPeeringAddresses[0].customBgpIpAddresses[1]"), false);
            assert.equal(isReplaceOnChange("aws:ec2/flowLog:FlowLog", "trafficType"), true);
            assert.equal(isReplaceOnChange("aws:budgets/budget:Budget", "limitAmount"), false);
            assert.equal(replaceRuleFor("azure-native:consumption:Budget", "timePeriod.startDate")?.kind, "refused");
            assert.equal(isReplaceOnChange("azure-native:consumption:Budget", "amount"), false);
            assert.deepEqual(replacingPaths("aws:rds/instance:Instance"), []);
            assert.equal(isKnownType("aws:rds/instance:Instance"), false);
        });

        it("covers every resource type dev and prod plan, each entry with a source, once", async () => {
            const types = new Set([...(await planOfStack("dev")).resources, ...(await planOfStack("prod")).resources].map((r) => r.type).filter((t) => !t.startsWith("pulumi:") && !t.startsWith("landing-zone:")));
            const missing = [...types].filter((t) => !isKnownType(t));
            assert.deepEqual(missing, []);
            assert.equal(new Set(REPLACE_TABLE.map((e) => e.type)).size, REPLACE_TABLE.length);
            assert.ok(REPLACE_TABLE.every((e) => e.source.length > 10));
        });
    });

    describe("config feeds", () => {
        it("every fed type is planned in dev or prod and every fed input exists on it", async () => {
            const resources = [...(await planOfStack("dev")).resources, ...(await planOfStack("prod")).resources];
            for (const feed of CONFIG_FEEDS) {
                for (const input of feed.inputs) {
                    const planned = resources.filter((r) => r.type === input.type);
                    assert.ok(planned.length > 0, `${feed.key}: ${input.type} is not planned`);
                    for (const p of input.paths) {
                        // Auto-named (name + random suffix) unless the key is set, which neither stack does.
                        if (feed.key === "azure.resourceGroupName" && input.type === "azure-native:resources:ResourceGroup") continue;
                        assert.ok(planned.some((r) => [...leaves(r.inputs).keys()].some((l) => l === p || l.startsWith(`${p}.`) || l.startsWith(`${p}[`))), `${feed.key}: ${input.type}.${p} is never an input`);
                    }
                }
            }
            assert.deepEqual(feedsOf("landing-zone:server.failover").map((f) => f.key), ["server.failover"]);
            assert.ok(feedsOf("server").length > 5);
        });

        it("the plan says per key what a change replaces, honouring ignoreChanges", async () => {
            const entries = replacementsByConfigKey((await planOfStack("prod")).resources);
            const byKey = new Map(entries.map((e) => [e.key, e]));
            assert.deepEqual(byKey.get("landing-zone:server.failover")!.replaces, [], "the seeded launch hook is ignored after create");
            assert.ok(byKey.get("landing-zone:server.failover")!.updates.some((u) => u.type === HOOK && u.inputs.includes("heartbeatTimeout")));
            assert.deepEqual(byKey.get("landing-zone:server.name")!.replaces.find((r) => r.type === GROUP)?.inputs, ["name"]);
            assert.deepEqual(byKey.get("landing-zone:wan.awsSideAsn")!.replaces.map((r) => r.type), [AWS_VPN_GW]);
            assert.equal(byKey.get("landing-zone:wan.hubPrefix")!.replaces[0].kind, "refused");
            for (const e of entries.filter((x) => x.routine)) {
                assert.ok(!e.replaces.some((r) => [GROUP, AZ_VPN_GW, AWS_VPN_GW, VOLUME].includes(r.type)), `${e.key} replaces ${JSON.stringify(e.replaces)}`);
            }
            const lines = renderReplacements(entries);
            assert.match(lines.join("\n"), /^ {2}landing-zone:server\.instanceTypes \[routine\]: updates in place$/m);
            assert.match(lines.join("\n"), /^ {2}landing-zone:aws\.vpcCidr: REPLACES Vpc prod-vpc \(cidrBlock\); 9 × Subnet \(cidrBlock\)$/m);
        });
    });

    describe("no routine setting replaces the server group, its data volume or a VPN gateway", () => {
        let base: PlanRun;
        let changed: Array<{ r: PlannedResource; paths: string[] }>;
        before(async () => {
            base = await planOfStack("prod");
            const file = editedStackFile("prod", (c) => {
                const s = c["landing-zone:server"];
                s.instanceTypes = ["m7g.large", "t4g.large"];
                s.market = "spot";
                s.spotAllocationStrategy = "capacity-optimized";
                s.capacityRebalance = true;
                s.healthCheckGracePeriodSeconds = 600;
                s.rootVolumeSizeGiB = 16;
                s.dataVolume = { ...s.dataVolume, sizeGiB: 200, iops: 4000, throughputMiBps: 250 };
                s.app = { ...s.app, packages: ["nginx", "jq"] };
                s.ingress = [{ name: "http", protocol: "tcp", ports: 8080 }, { name: "https", protocol: "tcp", ports: 8443 }];
                s.snapshots = { intervalHours: 2, retainCount: 36, startTime: "01:30" };
                s.failover = { snapshotWaitTimeoutSeconds: 100, volumeWaitTimeoutSeconds: 50, supersededVolumeRetention: 2, handlerSnapshotRetention: 5, logRetentionDays: 30 };
                s.dns = { ...s.dns, ttl: 30 };
                const w = c["landing-zone:wan"];
                w.vpnScaleUnits = 2;
                w.allowBranchToBranch = false;
                w.ipsec = { encryption: "AES256", dhGroup: "ECP384", saLifeTimeSeconds: 3000, saDataSizeKilobytes: 204800000 };
            });
            const result = await runPlan("prod", readStackFile(file));
            if (!result.ok) throw new Error(result.problems.join("\n"));
            changed = changedPaths(base.resources, result.run.resources);
        });

        it("the changes reach the group, the hooks, the handler and the gateway (the check is not vacuous)", () => {
            const of = (type: string) => changed.filter((c) => c.r.type === type).flatMap((c) => c.paths);
            assert.ok(of(GROUP).some((p) => p.startsWith("mixedInstancesPolicy")), JSON.stringify(of(GROUP)));
            assert.ok(of(GROUP).includes("waitForCapacityTimeout"));
            assert.ok(of(HOOK).includes("heartbeatTimeout"));
            assert.ok(of("aws:lambda/function:Function").some((p) => p.startsWith("environment")));
            assert.ok(of(AZ_VPN_GW).includes("vpnGatewayScaleUnit"));
            assert.ok(of("aws:dlm/lifecyclePolicy:LifecyclePolicy").length > 0);
        });

        it("without ignoreChanges the hook timing would replace the group: the seeded hook changed and is ignored", async () => {
            const group = base.resources.find((r) => r.type === GROUP)!;
            assert.ok(group.ignoreChanges.includes("initialLifecycleHooks"));
            assert.equal(isReplaceOnChange(GROUP, "initialLifecycleHooks[0].heartbeatTimeout"), true);
        });

        it("none of the changed inputs replaces the group, a VPN gateway or a volume, and every change is a routine feed", () => {
            const routine = CONFIG_FEEDS.filter((f) => f.routine);
            for (const { r, paths } of changed) {
                for (const p of paths) {
                    if ([GROUP, AZ_VPN_GW, AWS_VPN_GW, VOLUME].includes(r.type)) assert.equal(isReplaceOnChange(r.type, p), false, `${r.type} ${r.name}: ${p} replaces`);
                    const top = p.split(/[.[]/)[0];
                    assert.ok(routine.some((f) => f.inputs.some((i) => i.type === r.type && i.paths.includes(top))), `${r.type} ${r.name}.${p} changed but no routine feed lists it (stacks/config/feeds.ts)`);
                }
            }
            // What does get replaced by these changes: only rules, never the tier's anchors.
            const replaced = changed.filter(({ r, paths }) => paths.some((p) => isReplaceOnChange(r.type, p))).map(({ r }) => r.type);
            assert.ok(replaced.every((t) => t === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" || !t.startsWith("aws:autoscaling")), JSON.stringify(replaced));
        });
    });

    describe("the baseline's routine settings and the policy file's cap are fed, and replace only the VPC flow log and an e-mail subscription", () => {
        const keys = [
            "policy:cost-monthly-cap.monthlyCapUsd",
            "landing-zone:baseline.alertEmail",
            "landing-zone:baseline.logArchive.coldAfterDays",
            "landing-zone:baseline.logArchive.coldStorageClass",
            "landing-zone:baseline.logArchive.expireAfterDays",
            "landing-zone:baseline.flowLogs.trafficType",
            "landing-zone:baseline.flowLogs.azureRetentionDays",
            "landing-zone:baseline.activityLogRetentionDays",
            "landing-zone:baseline.tls.acmeDirectory",
        ];
        let changed: Array<{ r: PlannedResource; paths: string[] }>;
        before(async () => {
            const base = await planOfStack("prod");
            const file = editedStackFile("prod", (c) => {
                c["landing-zone:baseline"] = {
                    alertEmail: "ops@example.org",
                    logArchive: { coldAfterDays: 60, coldStorageClass: "GLACIER", expireAfterDays: 3000 },
                    flowLogs: { trafficType: "REJECT", azureRetentionDays: 90 },
                    activityLogRetentionDays: 180,
                    tls: { acmeDirectory: "staging" },
                };
            });
            const policy = editedPolicyConfig("prod", (p) => (p["cost-monthly-cap"].monthlyCapUsd = 1500));
            const saved = process.env[POLICY_CONFIG_ENV];
            process.env[POLICY_CONFIG_ENV] = policy;
            try {
                const result = await runPlan("prod", readStackFile(file));
                if (!result.ok) throw new Error(result.problems.join("\n"));
                changed = changedPaths(base.resources, result.run.resources);
            } finally {
                if (saved === undefined) delete process.env[POLICY_CONFIG_ENV];
                else process.env[POLICY_CONFIG_ENV] = saved;
            }
        });

        it("every changed input is listed by a routine feed of these keys (the check is not vacuous)", () => {
            const feeds = keys.flatMap((k) => feedsOf(k));
            assert.equal(feeds.length, keys.length);
            assert.ok(feeds.every((f) => f.routine));
            const types = new Set(changed.map((c) => c.r.type));
            for (const t of ["aws:budgets/budget:Budget", "azure-native:consumption:Budget", "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:ec2/flowLog:FlowLog", "azure-native:network:FlowLog", "azure-native:storage:ManagementPolicy", "azure-native:monitor:ActionGroup"]) {
                assert.ok(types.has(t), `${t} did not change: ${JSON.stringify([...types])}`);
            }
            for (const { r, paths } of changed) {
                for (const p of paths) {
                    const top = p.split(/[.[]/)[0];
                    assert.ok(feeds.some((f) => f.inputs.some((i) => i.type === r.type && i.paths.includes(top))), `${r.type} ${r.name}.${p} changed but no feed of ${keys.join(", ")} lists it`);
                }
            }
            const replaced = changed.filter(({ r, paths }) => paths.some((p) => isReplaceOnChange(r.type, p))).map(({ r }) => r.type);
            // A new e-mail address is a new SNS subscription (endpoint is create-only; the address confirms again).
            assert.deepEqual([...new Set(replaced)].sort(), ["aws:ec2/flowLog:FlowLog", "aws:sns/topicSubscription:TopicSubscription"]);
        });

        it("the plan reports the cap under its policy-config key: both budgets update in place", async () => {
            const entries = replacementsByConfigKey((await planOfStack("prod")).resources);
            const cap = entries.find((e) => e.key === "policy:cost-monthly-cap.monthlyCapUsd")!;
            assert.deepEqual(cap.replaces, []);
            assert.deepEqual(cap.updates.map((u) => `${u.type} ${u.inputs.join(",")}`), ["aws:budgets/budget:Budget limitAmount", "azure-native:consumption:Budget amount"]);
            assert.match(renderReplacements(entries).join("\n"), /^ {2}policy:cost-monthly-cap\.monthlyCapUsd \[routine\]: updates in place$/m);
            assert.match(renderReplacements(entries).join("\n"), /^ {2}landing-zone:baseline\.flowLogs\.trafficType \[routine\]: REPLACES FlowLog prod-vpc-flow-log \(trafficType\)$/m);
        });
    });
});
