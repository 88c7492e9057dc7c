import { strict as assert } from "assert";
import * as autoscaling from "@pulumi/aws/autoscaling";
import * as dlm from "@pulumi/aws/dlm";
import * as ebs from "@pulumi/aws/ebs";
import * as lambda from "@pulumi/aws/lambda";
import * as pulumi from "@pulumi/pulumi";
import { asgMultiAz, dataVolumeSnapshots } from "../../policy/reliability";
import { check, declare, mandatory } from "./helpers";

const handler = (variables: Record<string, string>) =>
    new lambda.Function("failover", { role: "arn:aws:iam::123456789012:role/failover", runtime: "nodejs20.x", handler: "index.handler", code: new pulumi.asset.AssetArchive({}), environment: { variables } });

const schedule = (name: string, targetTags: Record<string, string>, state = "ENABLED") =>
    new dlm.LifecyclePolicy(name, {
        description: "data volume snapshots",
        executionRoleArn: "arn:aws:iam::123456789012:role/dlm",
        state,
        policyDetails: {
            resourceTypes: ["VOLUME"],
            targetTags,
            schedules: [{ name: "hourly", createRule: { interval: 1, intervalUnit: "HOURS" }, retainRule: { count: 48 }, copyTags: false }],
        },
    });

describe("policy: reliability", () => {
    describe("reliability-asg-multi-az", () => {
        it("passes a group with one subnet per AZ in three AZs", async () => {
            const r = await declare(() => new autoscaling.Group("tier", { minSize: 1, maxSize: 1, vpcZoneIdentifiers: ["subnet-a", "subnet-b", "subnet-c"] }));
            assert.deepEqual((await check(asgMultiAz, r)).violations, []);
        });
        it("fails a group pinned to one subnet", async () => {
            const r = await declare(() => new autoscaling.Group("tier", { minSize: 1, maxSize: 1, vpcZoneIdentifiers: ["subnet-a"] }));
            assert.match(mandatory(await check(asgMultiAz, r))[0].message, /spans 1 zone .* at least 2/);
        });
    });

    describe("reliability-data-volume-snapshots", () => {
        it("passes when an enabled DLM policy targets the failover tier's backup tag", async () => {
            const r = await declare(() => {
                handler({ TIER_NAME: "app", DATA_VOLUME_SIZE_GIB: "20" });
                schedule("snapshots", { "landing-zone:backup": "app" });
            });
            assert.deepEqual((await check(dataVolumeSnapshots, r)).violations, []);
        });
        it("fails without a schedule, with a disabled one, or one targeting another tier", async () => {
            for (const build of [
                () => handler({ TIER_NAME: "app", DATA_VOLUME_SIZE_GIB: "20" }),
                () => { handler({ TIER_NAME: "app", DATA_VOLUME_SIZE_GIB: "20" }); schedule("off", { "landing-zone:backup": "app" }, "DISABLED"); },
                () => { handler({ TIER_NAME: "app", DATA_VOLUME_SIZE_GIB: "20" }); schedule("other", { "landing-zone:backup": "db" }); },
            ]) {
                const v = mandatory(await check(dataVolumeSnapshots, await declare(build)));
                assert.equal(v.length, 1);
                assert.match(v[0].message, /tier "app" .* has no snapshot schedule.*targetTags is \{ "landing-zone:backup": "app" \}/);
            }
        });
        it("checks tier-tagged EBS volumes too", async () => {
            const pass = await declare(() => {
                new ebs.Volume("data", { availabilityZone: "us-east-1a", size: 10, encrypted: true, tags: { "landing-zone:tier": "app" } });
                schedule("snapshots", { "landing-zone:tier": "app" });
            });
            assert.deepEqual((await check(dataVolumeSnapshots, pass)).violations, []);
            const fail = await declare(() => new ebs.Volume("data", { availabilityZone: "us-east-1a", size: 10, encrypted: true, tags: { "landing-zone:tier": "app" } }));
            assert.match(mandatory(await check(dataVolumeSnapshots, fail))[0].message, /EBS volume "data" has no snapshot schedule/);
        });
    });
});
