/**
 * Every branch of the lifecycle handler, against the in-memory EC2 behind
 * aws-sdk-client-mock: the commands sent, their key inputs and their order.
 */
import { strict as assert } from "assert";
import { CompleteLifecycleActionCommand, CreateOrUpdateTagsCommand } from "@aws-sdk/client-auto-scaling";
import {
    AssociateAddressCommand,
    AttachVolumeCommand,
    CreateSnapshotCommand,
    CreateVolumeCommand,
    DeleteTagsCommand,
    DeleteVolumeCommand,
} from "@aws-sdk/client-ec2";
import { ChangeResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import { PublishCommand } from "@aws-sdk/client-sns";
import { ENV, NEVER_ATTACHED, TAG, liveDataVolumeTags } from "../../components/aws/failover/contract";
import { RESERVE_MS } from "../../components/aws/failover/handler";
import { FVolume, HOUR, awsError } from "./fake-aws";
import { GROUP, HOOK_LAUNCH, TIER, World, activeVolumeTags, commandLog, countBy, dataTags, liveVolume, world } from "./harness";

const A = "eu-west-1a";
const B = "eu-west-1b";

/** Asserts the lifecycle action was completed once, with `result`. */
function assertCompleted(w: World, result: "CONTINUE" | "ABANDON") {
    const calls = w.mocks.autoscaling.commandCalls(CompleteLifecycleActionCommand);
    assert.equal(calls.length, 1, "one CompleteLifecycleAction");
    const input = calls[0].args[0].input;
    assert.equal(input.LifecycleActionResult, result);
    assert.equal(input.AutoScalingGroupName, GROUP);
    assert.equal(input.LifecycleHookName, HOOK_LAUNCH);
}

function scheduleSnapshot(w: World, v: FVolume, hoursAgo: number, state: "completed" | "pending" = "completed", history = v.history) {
    return w.fake.addSnapshot({
        volumeId: v.id,
        startTime: w.fake.now - hoursAgo * HOUR,
        state,
        history,
        tags: dataTags({ [TAG.origin]: "schedule" }),
    });
}

describe("failover handler: launch", () => {
    let w: World;
    afterEach(() => {
        // Nothing in any test may delete data without a newer copy; none of these has more handler snapshots than the retention.
        assert.deepEqual(w.fake.violations, []);
        assert.equal(commandLog(w.mocks).filter((c) => c === "DeleteSnapshot").length, 0);
        w.close();
    });

    it("attaches the newest active volume when it is in the new instance's AZ", async () => {
        w = world();
        const old = w.fake.addVolume({ az: A, createTime: w.fake.now - 96 * HOUR, tags: activeVolumeTags({ [TAG.sequence]: "1" }) });
        const v = liveVolume(w, A);
        const i = w.fake.addInstance(A);

        const r = await w.launch(i.id);

        assert.deepEqual(r, { outcome: "CONTINUE", branch: "attach", volumeId: v.id });
        const attach = w.mocks.ec2.commandCalls(AttachVolumeCommand);
        assert.equal(attach.length, 1);
        assert.deepEqual(attach[0].args[0].input, { VolumeId: v.id, InstanceId: i.id, Device: "/dev/sdf" });
        const log = commandLog(w.mocks);
        assert.ok(!log.includes("CreateSnapshot") && !log.includes("CreateVolume"), log.join());
        // The user data finds the volume through the instance tag.
        assert.equal(w.fake.instances.get(i.id)!.tags[TAG.dataVolumeId], v.id);
        assert.equal(w.fake.volumes.get(v.id)!.tags[TAG.lastAttachedInstanceId], i.id);
        // The older stray active volume is superseded and no longer a DLM target.
        assert.equal(w.fake.volumes.get(old.id)!.tags[TAG.state], "superseded");
        assert.equal(w.fake.volumes.get(old.id)!.tags[TAG.backup], undefined);
        // Address and names follow.
        assert.deepEqual(w.mocks.ec2.commandCalls(AssociateAddressCommand)[0].args[0].input, {
            AllocationId: "eipalloc-0abc",
            InstanceId: i.id,
            AllowReassociation: true,
        });
        const change = w.mocks.route53.commandCalls(ChangeResourceRecordSetsCommand)[0].args[0].input;
        assert.equal(change.HostedZoneId, "Z0123456789ABC");
        assert.deepEqual(
            change.ChangeBatch!.Changes!.map((c) => [c.Action, c.ResourceRecordSet!.Type, c.ResourceRecordSet!.ResourceRecords![0].Value]),
            [
                ["UPSERT", "A", "203.0.113.10"],
                ["UPSERT", "AAAA", i.ipv6],
            ],
        );
        assert.match(w.mocks.sns.commandCalls(PublishCommand)[0].args[0].input.Subject!, /replacement ready in eu-west-1a/);
        assertCompleted(w, "CONTINUE");
        assert.equal(log.at(-1), "CompleteLifecycleAction", "completes last");
    });

    it("copies the volume through a fresh snapshot when it is in another AZ", async () => {
        w = world();
        const v = liveVolume(w, A);
        const i = w.fake.addInstance(B);

        const r = await w.launch(i.id);

        assert.equal(r.outcome, "CONTINUE");
        assert.equal(r.branch, "copy");
        const snap = w.mocks.ec2.commandCalls(CreateSnapshotCommand);
        assert.equal(snap.length, 1);
        const snapTags = Object.fromEntries(snap[0].args[0].input.TagSpecifications![0].Tags!.map((t) => [t.Key, t.Value]));
        assert.equal(snap[0].args[0].input.VolumeId, v.id);
        assert.equal(snapTags[TAG.tier], "app-dev");
        assert.equal(snapTags[TAG.role], "data");
        assert.equal(snapTags[TAG.origin], "failover");
        assert.equal(snapTags[TAG.instanceId], i.id);
        assert.equal(snapTags[TAG.generation], "i-old");

        const create = w.mocks.ec2.commandCalls(CreateVolumeCommand);
        assert.equal(create.length, 1);
        const ci = create[0].args[0].input;
        assert.equal(ci.AvailabilityZone, B);
        assert.equal(ci.SnapshotId, r.snapshotId);
        assert.equal(ci.Encrypted, true);
        assert.equal(ci.VolumeType, "gp3");
        assert.equal(ci.ClientToken, `lz-data-${i.id}`);
        const volTags = Object.fromEntries(ci.TagSpecifications![0].Tags!.map((t) => [t.Key, t.Value]));
        // Made pending, not a DLM target: it becomes the live copy only when committed (before the attach).
        assert.equal(volTags[TAG.state], "pending");
        assert.equal(volTags[TAG.instanceId], i.id);
        assert.equal(volTags[TAG.backup], undefined);
        assert.equal(volTags[TAG.sequence], "3");
        assert.equal(volTags[TAG.parentVolumeId], v.id);

        // Snapshot completed before the volume was created from it, then attach, then the old one superseded.
        const log = commandLog(w.mocks);
        const at = (name: string) => log.indexOf(name);
        assert.ok(at("CreateSnapshot") < at("CreateVolume") && at("CreateVolume") < at("AttachVolume"), log.join());
        assert.ok(at("DeleteTags") < at("AttachVolume"), `committed before the attach: ${log.join()}`);
        const created = w.fake.volumes.get(r.volumeId!)!;
        assert.equal(created.az, B);
        assert.deepEqual(created.history, [1, 2, 3], "the newest data came along");
        assert.equal(created.attachment?.instanceId, i.id);
        const old = w.fake.volumes.get(v.id)!;
        assert.equal(old.tags[TAG.state], "superseded");
        assert.ok(old.tags[TAG.supersededAt]);
        assert.equal(old.tags[TAG.finalSnapshotId], r.snapshotId, "its final data lives on in the snapshot the copy was made from");
        assert.equal(w.mocks.ec2.commandCalls(DeleteTagsCommand)[0].args[0].input.Tags![0].Key, TAG.backup);
        // Retention 1: the old volume is kept.
        assert.equal(w.mocks.ec2.commandCalls(DeleteVolumeCommand).length, 0);
        assertCompleted(w, "CONTINUE");
    });

    it("does not reuse a failover snapshot taken before the volume was attached again", async () => {
        w = world();
        const v = liveVolume(w, A, "i-j", [1, 2, 3, 4]);
        // From an earlier, abandoned failover, before instance i-j wrote write 4.
        w.fake.addSnapshot({
            volumeId: v.id,
            state: "completed",
            startTime: w.fake.now - HOUR,
            history: [1, 2, 3],
            tags: dataTags({ [TAG.origin]: "failover", [TAG.sourceVolumeId]: v.id, [TAG.generation]: "i-old" }),
        });
        const i = w.fake.addInstance(B);

        const r = await w.launch(i.id);

        assert.equal(r.branch, "copy");
        assert.equal(w.mocks.ec2.commandCalls(CreateSnapshotCommand).length, 1);
        assert.deepEqual(w.fake.volumes.get(r.volumeId!)!.history, [1, 2, 3, 4]);
    });

    it("waits for a terminating instance to release the volume before copying it", async () => {
        w = world();
        const holder = w.fake.addInstance(A);
        const v = liveVolume(w, A, holder.id);
        w.fake.attachNow(v.id, holder.id);
        const i = w.fake.addInstance(B);
        setTimeoutFake(w, 30_000, () => w.fake.terminate(holder.id));

        const r = await w.launch(i.id);

        assert.equal(r.branch, "copy");
        assert.deepEqual(w.fake.volumes.get(r.volumeId!)!.history, [1, 2, 3]);
        assertCompleted(w, "CONTINUE");
    });

    it("refuses to take the volume from a running instance and abandons after the wait", async () => {
        w = world();
        const holder = w.fake.addInstance(A);
        const v = liveVolume(w, A, holder.id);
        w.fake.attachNow(v.id, holder.id);
        const i = w.fake.addInstance(B);
        const t0 = w.fake.now;

        const r = await w.launch(i.id);

        assert.equal(r.outcome, "ABANDON");
        assert.match(r.reason!, /still attached to .* \(running\)/);
        assert.ok(w.fake.now - t0 >= 300_000 && w.fake.now - t0 < 320_000, "waited VOLUME_WAIT_TIMEOUT_SECONDS");
        assert.equal(w.mocks.ec2.commandCalls(CreateSnapshotCommand).length, 0);
        assertCompleted(w, "ABANDON");
    });

    it("creates an empty encrypted volume on the very first launch, and marks the group", async () => {
        w = world({ env: { [ENV.volumeKmsKeyId]: "alias/app", [ENV.volumeIops]: "4000", [ENV.volumeThroughputMiBps]: "250" } });
        const i = w.fake.addInstance(B);

        const r = await w.launch(i.id);

        assert.equal(r.outcome, "CONTINUE");
        assert.equal(r.branch, "empty");
        const ci = w.mocks.ec2.commandCalls(CreateVolumeCommand)[0].args[0].input;
        assert.equal(ci.SnapshotId, undefined);
        assert.equal(ci.AvailabilityZone, B);
        assert.equal(ci.Size, 20);
        assert.equal(ci.Encrypted, true);
        assert.equal(ci.KmsKeyId, "alias/app");
        assert.equal(ci.Iops, 4000);
        assert.equal(ci.Throughput, 250);
        const marker = w.mocks.autoscaling.commandCalls(CreateOrUpdateTagsCommand)[0].args[0].input.Tags![0];
        assert.equal(marker.Key, TAG.dataInitialized);
        assert.equal(marker.ResourceId, GROUP);
        assert.equal(marker.PropagateAtLaunch, false);
        const log = commandLog(w.mocks);
        assert.ok(log.indexOf("AttachVolume") < log.indexOf("CreateOrUpdateTags"), "marked only once the volume is attached");
        // The tags the cost estimator matches a snapshot policy's targets against are on the live copy.
        const live = [...w.fake.volumes.values()].find((v) => v.attachment?.instanceId === i.id)!;
        for (const [key, value] of Object.entries(liveDataVolumeTags(TIER))) assert.equal(live.tags[key], value, key);
    });

    describe("refuses to start empty once the tier has had data", () => {
        it("abandons when the group is marked but no volume and no snapshot exist", async () => {
            w = world();
            w.fake.asgTags.set(TAG.dataInitialized, "true");
            const i = w.fake.addInstance(A);

            const r = await w.launch(i.id);

            assert.equal(r.outcome, "ABANDON");
            assert.match(r.reason!, /refusing to start empty/);
            assert.equal(w.mocks.ec2.commandCalls(CreateVolumeCommand).length, 0);
            assert.equal(w.mocks.ec2.commandCalls(AttachVolumeCommand).length, 0);
            const err = w.logs.find((l) => l.level === "error")!;
            assert.equal(err.msg, "launch abandoned");
            assert.match(String(err.fields.reason), /refusing to start empty/);
            assert.match(w.fake.published[0].subject, /launch abandoned/);
            assertCompleted(w, "ABANDON");
        });

        it("abandons when only superseded volumes exist and no snapshot", async () => {
            w = world();
            w.fake.addVolume({ az: A, tags: dataTags({ [TAG.state]: "superseded" }) });
            const i = w.fake.addInstance(A);

            const r = await w.launch(i.id);

            assert.equal(r.outcome, "ABANDON");
            assert.equal(w.mocks.ec2.commandCalls(CreateVolumeCommand).length, 0);
        });
    });

    describe("faults", () => {
        it("retries throttled calls with exponential backoff and succeeds", async () => {
            w = world();
            liveVolume(w, A);
            const i = w.fake.addInstance(B);
            w.fake.failNext("DescribeVolumes", awsError("RequestLimitExceeded"), awsError("Throttling"), awsError("ThrottlingException"));
            w.fake.failNext("CreateVolume", awsError("RequestLimitExceeded"));
            w.fake.failNext("ChangeResourceRecordSets", awsError("PriorRequestNotComplete"));
            w.fake.failNext("CompleteLifecycleAction", awsError("TooManyRequestsException"));

            const r = await w.launch(i.id);

            assert.equal(r.outcome, "CONTINUE");
            const counts = countBy(commandLog(w.mocks));
            assert.equal(counts.CreateVolume, 2, "one throttled + one real");
            assert.equal(counts.ChangeResourceRecordSets, 2);
            assert.equal(counts.CompleteLifecycleAction, 2);
            const backoffs = w.logs.filter((l) => l.msg === "retrying");
            assert.equal(backoffs.length, 6);
            // Jitter fixed at the middle: 0.75 × 250·2^(n-1) ms.
            assert.deepEqual(
                backoffs.slice(0, 3).map((l) => l.fields.delayMs),
                [188, 375, 750],
            );
            assert.deepEqual(w.sleeps.slice(0, 3), [188, 375, 750]);
            assert.equal(w.mocks.ec2.commandCalls(CreateVolumeCommand).filter((c) => c.args[0].input.ClientToken === `lz-data-${i.id}`).length, 2);
        });

        it("outlasts a throttling storm while the deadline allows, and stops retrying before it", async () => {
            w = world();
            liveVolume(w, A);
            const i = w.fake.addInstance(A);
            // About 60 s of throttling: more than any fixed count of 8, far less than the time left.
            w.fake.failNext("AttachVolume", ...Array.from({ length: 12 }, () => awsError("RequestLimitExceeded")));
            const r = await w.launch(i.id);
            assert.equal(r.outcome, "CONTINUE");
            assert.equal(w.mocks.ec2.commandCalls(AttachVolumeCommand).length, 13);

            // With 90 s left of the invocation the same storm must not sleep past the deadline: abandon in time.
            const x = world();
            try {
                liveVolume(x, A);
                const j = x.fake.addInstance(A);
                x.fake.failNext("AttachVolume", ...Array.from({ length: 40 }, () => awsError("RequestLimitExceeded")));
                const t0 = x.fake.now;
                const r2 = await x.handle(x.launchEvent(j.id, x.fake.openLifecycleAction(j.id)), 90_000);
                assert.equal(r2.outcome, "ABANDON");
                assert.ok(x.fake.now - t0 <= 90_000 - RESERVE_MS, `slept ${x.fake.now - t0} ms`);
                assert.equal(x.fake.lifecycle.get([...x.fake.lifecycle.keys()][0])!.result, "ABANDON");
            } finally {
                x.close();
            }
        });

        it("a snapshot that makes no progress abandons and records evidence; it restores only after the window", async () => {
            w = world({ fake: { outageMode: "hang" }, env: { [ENV.restoreAfterUnreachableSeconds]: "1800" } });
            const v = liveVolume(w, A);
            const older = scheduleSnapshot(w, v, 5);
            w.fake.snapshotsNeverComplete = true;
            const attempt = async () => {
                const i = w.fake.addInstance(B);
                const r = await w.launch(i.id);
                w.fake.terminate(i.id);
                return r;
            };

            const r1 = await attempt();
            assert.equal(r1.outcome, "ABANDON");
            assert.match(r1.reason!, /still in progress/);
            assert.equal(w.mocks.ec2.commandCalls(CreateVolumeCommand).length, 0);
            assert.equal(w.fake.volumes.get(v.id)!.tags[TAG.state], "active", "nothing superseded");
            // The second attempt sees the same progress: the clock starts, still no restore.
            const r2 = await attempt();
            assert.equal(r2.outcome, "ABANDON");
            assert.match(r2.reason!, /restores its newest snapshot after 30 min/);
            assert.ok(w.fake.volumes.get(v.id)!.tags[TAG.unreachableSince]);
            w.fake.advance(31 * 60_000);
            const r3 = await attempt();
            assert.equal(r3.outcome, "CONTINUE");
            assert.equal(r3.branch, "restore");
            assert.equal(r3.snapshotId, older.id);
            assert.equal(w.mocks.ec2.commandCalls(CreateSnapshotCommand).length, 1, "the same final snapshot was watched throughout");
        });

        it("gives up a wait before the Lambda's own time runs out, and still abandons", async () => {
            w = world();
            liveVolume(w, A);
            w.fake.snapshotsNeverComplete = true;
            const i = w.fake.addInstance(B);
            const t0 = w.fake.now;

            // 120 s left of the invocation: far less than the 600 s snapshot timeout.
            const r = await w.handle(w.launchEvent(i.id, w.fake.openLifecycleAction(i.id)), 120_000);

            assert.equal(r.outcome, "ABANDON");
            assert.match(r.reason!, /still in progress/);
            const waited = w.fake.now - t0;
            assert.ok(waited <= 120_000 - RESERVE_MS, `waited ${waited} ms, past the reserve for completing the action`);
            assert.ok(waited >= 120_000 - RESERVE_MS - 10_000, `waited only ${waited} ms`);
            assertCompleted(w, "ABANDON");
        });

        it("abandons when the attach is refused, with the copy already committed; the next launch attaches it", async () => {
            w = world();
            const v = liveVolume(w, A);
            const i = w.fake.addInstance(B);
            w.fake.failNext("AttachVolume", awsError("AttachmentLimitExceeded"));

            const r = await w.launch(i.id);

            assert.equal(r.outcome, "ABANDON");
            assert.equal(w.mocks.ec2.commandCalls(DeleteVolumeCommand).length, 0);
            assert.equal(w.fake.volumes.get(v.id)!.tags[TAG.state], "superseded", "committed before the attach: the copy holds all its data");
            assertCompleted(w, "ABANDON");
            const copy = [...w.fake.volumes.values()].find((x) => x.az === B)!;
            assert.equal(copy.tags[TAG.state], "active");

            w.fake.terminate(i.id);
            const j = w.fake.addInstance(B);
            const r2 = await w.launch(j.id);
            assert.equal(r2.outcome, "CONTINUE");
            assert.equal(r2.branch, "attach");
            assert.equal(r2.volumeId, copy.id);
            assert.equal(w.mocks.ec2.commandCalls(CreateSnapshotCommand).length, 1);
            assert.equal(w.mocks.ec2.commandCalls(CreateVolumeCommand).length, 1);
        });

        it("continues (and alerts) when moving the address fails: the instance has its data", async () => {
            w = world();
            liveVolume(w, A);
            const i = w.fake.addInstance(A);
            w.fake.failNext("AssociateAddress", awsError("InvalidAllocationID.NotFound"));

            const r = await w.launch(i.id);

            assert.equal(r.outcome, "CONTINUE");
            assert.ok(w.fake.published.some((p) => /moving the Elastic IP failed/.test(p.subject)));
            assertCompleted(w, "CONTINUE");
        });

        it("waits for a just-launched instance to become visible and running", async () => {
            w = world();
            const v = liveVolume(w, A);
            const i = w.fake.addInstance(A, "pending");
            w.fake.failNext("DescribeInstances", awsError("InvalidInstanceID.NotFound"));
            setTimeoutFake(w, 5_000, () => (w.fake.instances.get(i.id)!.state = "running"));

            const r = await w.launch(i.id);

            assert.equal(r.outcome, "CONTINUE");
            assert.equal(r.volumeId, v.id);
            assert.ok(countBy(commandLog(w.mocks)).DescribeInstances >= 3);
        });

        it("does not let a failing SNS publish change the outcome", async () => {
            w = world();
            liveVolume(w, A);
            const i = w.fake.addInstance(A);
            w.fake.failNext("Publish", awsError("AuthorizationError"));

            const r = await w.launch(i.id);

            assert.equal(r.outcome, "CONTINUE");
            assert.ok(w.logs.some((l) => l.msg === "SNS publish failed"));
        });
    });

    describe("the same event delivered twice", () => {
        it("does nothing new after a completed first delivery", async () => {
            w = world();
            liveVolume(w, A);
            const i = w.fake.addInstance(B);
            const token = w.fake.openLifecycleAction(i.id);

            const first = await w.launch(i.id, token);
            const second = await w.launch(i.id, token);

            assert.equal(first.branch, "copy");
            // The action is closed: a late duplicate touches nothing.
            assert.equal(second.outcome, "NONE");
            const counts = countBy(commandLog(w.mocks));
            assert.equal(counts.CreateSnapshot, 1);
            assert.equal(counts.CreateVolume, 1);
            assert.equal(counts.AttachVolume, 1);
            assert.ok(w.logs.some((l) => l.msg === "lifecycle action no longer open; nothing done"));
        });

        it("resumes after a first delivery that died mid-way (Lambda timeout)", async () => {
            w = world();
            liveVolume(w, A);
            const i = w.fake.addInstance(B);
            const token = w.fake.openLifecycleAction(i.id);
            w.fake.hangNext.add("AttachVolume");

            void w.launch(i.id, token); // never returns: killed at AttachVolume
            await until(() => w.mocks.ec2.commandCalls(AttachVolumeCommand).length === 1);
            const second = await w.launch(i.id, token);

            assert.equal(second.outcome, "CONTINUE");
            assert.equal(second.branch, "resume");
            const counts = countBy(commandLog(w.mocks));
            assert.equal(counts.CreateSnapshot, 1, "no second snapshot");
            assert.equal(counts.CreateVolume, 1, "no second volume");
            assert.equal(w.fake.volumeAttachedTo(i.id)!.id, second.volumeId);
        });

        it("reuses the failover snapshot of a dead first delivery", async () => {
            w = world();
            liveVolume(w, A);
            const i = w.fake.addInstance(B);
            const token = w.fake.openLifecycleAction(i.id);
            w.fake.hangNext.add("CreateVolume");

            void w.launch(i.id, token);
            await until(() => w.mocks.ec2.commandCalls(CreateVolumeCommand).length === 1);
            const second = await w.launch(i.id, token);

            assert.equal(second.branch, "copy");
            assert.equal(w.mocks.ec2.commandCalls(CreateSnapshotCommand).length, 1);
            // The hung call never created anything; the retry's ClientToken is the same one.
            const tokens = w.mocks.ec2.commandCalls(CreateVolumeCommand).map((c) => c.args[0].input.ClientToken);
            assert.deepEqual(tokens, [`lz-data-${i.id}`, `lz-data-${i.id}`]);
            assert.equal([...w.fake.volumes.values()].filter((x) => x.az === B).length, 1);
        });
    });

    describe("superseded volume retention", () => {
        it("deletes superseded volumes beyond retention only after the new copy is attached and their data is in a completed snapshot", async () => {
            w = world({ env: { [ENV.supersededVolumeRetention]: "0" } });
            const v = liveVolume(w, A);
            const i = w.fake.addInstance(B);

            const r = await w.launch(i.id);

            assert.equal(r.branch, "copy");
            const del = w.mocks.ec2.commandCalls(DeleteVolumeCommand);
            assert.equal(del.length, 1);
            assert.equal(del[0].args[0].input.VolumeId, v.id);
            const log = commandLog(w.mocks);
            assert.ok(log.indexOf("DeleteVolume") > log.indexOf("AttachVolume"));
            assert.ok(log.indexOf("DeleteVolume") > log.lastIndexOf("CreateTags"), "superseded first");
            assert.equal(w.fake.volumeAttachedTo(i.id)!.attachment!.state, "attached");
        });

        it("never deletes a volume left behind by an outage, whatever the retention", async () => {
            w = world({ env: { [ENV.supersededVolumeRetention]: "0", [ENV.restoreAfterUnreachableSeconds]: "0" } });
            const v = liveVolume(w, A);
            scheduleSnapshot(w, v, 2);
            w.fake.azDown(A);
            const i = w.fake.addInstance(B);

            const r = await w.launch(i.id);
            w.fake.azUp(A);

            assert.equal(r.branch, "restore");
            assert.equal(w.mocks.ec2.commandCalls(DeleteVolumeCommand).length, 0);
            assert.ok(w.fake.volumes.has(v.id));
        });

        it("keeps the newest N superseded volumes", async () => {
            w = world({ env: { [ENV.supersededVolumeRetention]: "1" } });
            // Two earlier failovers left two preserved superseded volumes.
            const gen = (az: string, hoursAgo: number) => {
                const x = w.fake.addVolume({
                    az,
                    createTime: w.fake.now - hoursAgo * HOUR,
                    history: [1],
                    tags: dataTags({
                        [TAG.state]: "superseded",
                        [TAG.supersededAt]: new Date(w.fake.now - (hoursAgo - 1) * HOUR).toISOString(),
                        [TAG.lastAttachedInstanceId]: NEVER_ATTACHED,
                    }),
                });
                const final = w.fake.addSnapshot({
                    volumeId: x.id,
                    state: "completed",
                    startTime: w.fake.now - (hoursAgo - 1) * HOUR,
                    history: [1],
                    tags: dataTags({ [TAG.origin]: "failover", [TAG.generation]: NEVER_ATTACHED, [TAG.sourceVolumeId]: x.id }),
                });
                x.tags[TAG.finalSnapshotId] = final.id;
                return x;
            };
            const oldest = gen(A, 100);
            const newer = gen(B, 50);
            liveVolume(w, A, "i-old", [1]);
            const i = w.fake.addInstance(A);

            await w.launch(i.id);

            assert.deepEqual(
                w.mocks.ec2.commandCalls(DeleteVolumeCommand).map((c) => c.args[0].input.VolumeId),
                [oldest.id],
            );
            assert.ok(w.fake.volumes.has(newer.id));
        });
    });

    describe("addresses", () => {
        it("without an Elastic IP, points A at the instance's own public IPv4", async () => {
            w = world({ env: { [ENV.elasticIpAllocationId]: undefined } });
            liveVolume(w, A);
            const i = w.fake.addInstance(A);

            await w.launch(i.id);

            assert.equal(w.mocks.ec2.commandCalls(AssociateAddressCommand).length, 0);
            const types = w.mocks.route53
                .commandCalls(ChangeResourceRecordSetsCommand)[0]
                .args[0].input.ChangeBatch!.Changes!.map((c) => `${c.ResourceRecordSet!.Type}=${c.ResourceRecordSet!.ResourceRecords![0].Value}`);
            assert.deepEqual(types, [`A=${i.publicIpv4}`, `AAAA=${i.ipv6}`]);
        });

        it("IPv6 only: no A record, just AAAA", async () => {
            w = world({ env: { [ENV.elasticIpAllocationId]: undefined } });
            liveVolume(w, A);
            const i = w.fake.addInstance(A);
            delete w.fake.instances.get(i.id)!.publicIpv4;

            await w.launch(i.id);

            const types = w.mocks.route53
                .commandCalls(ChangeResourceRecordSetsCommand)[0]
                .args[0].input.ChangeBatch!.Changes!.map((c) => c.ResourceRecordSet!.Type);
            assert.deepEqual(types, ["AAAA"]);
        });

        it("without DNS or SNS settings, makes no Route 53 or SNS call", async () => {
            w = world({ env: { [ENV.hostedZoneId]: undefined, [ENV.recordName]: undefined, [ENV.snsTopicArn]: undefined } });
            liveVolume(w, A);
            const i = w.fake.addInstance(A);

            const r = await w.launch(i.id);

            assert.equal(r.outcome, "CONTINUE");
            assert.equal(w.mocks.route53.calls().length, 0);
            assert.equal(w.mocks.sns.calls().length, 0);
            assert.ok(!commandLog(w.mocks).includes("DescribeAddresses"));
        });
    });

    it("abandons without touching EC2 when the settings are invalid", async () => {
        w = world({ env: { [ENV.volumeSizeGiB]: "lots" } });
        const i = w.fake.addInstance(A);

        const r = await w.launch(i.id);

        assert.equal(r.outcome, "ABANDON");
        assert.match(r.reason!, /DATA_VOLUME_SIZE_GIB/);
        assert.equal(w.mocks.ec2.calls().length, 0);
        assertCompleted(w, "ABANDON");
    });

    it("ignores events that are not lifecycle actions", async () => {
        w = world();
        const e = w.launchEvent("i-x", "t");
        e.detail.LifecycleTransition = "autoscaling:TEST_NOTIFICATION";

        const r = await w.handle(e);

        assert.equal(r.outcome, "NONE");
        assert.equal(commandLog(w.mocks).length, 0);
    });
});

describe("failover handler: termination", () => {
    let w: World;
    afterEach(() => {
        assert.deepEqual(w.fake.violations, []);
        w.close();
    });

    it("snapshots the attached data volume, then continues", async () => {
        w = world();
        const i = w.fake.addInstance(A);
        const v = liveVolume(w, A, i.id);
        w.fake.attachNow(v.id, i.id);

        const r = await w.terminate(i.id);

        assert.equal(r.outcome, "CONTINUE");
        const snap = w.mocks.ec2.commandCalls(CreateSnapshotCommand);
        assert.equal(snap.length, 1);
        assert.equal(snap[0].args[0].input.VolumeId, v.id);
        const tags = Object.fromEntries(snap[0].args[0].input.TagSpecifications![0].Tags!.map((t) => [t.Key, t.Value]));
        assert.equal(tags[TAG.origin], "termination");
        assert.equal(tags[TAG.instanceId], i.id);
        assert.equal(tags[TAG.tier], "app-dev");
        const log = commandLog(w.mocks);
        assert.ok(log.indexOf("CreateSnapshot") < log.indexOf("CompleteLifecycleAction"));
        const done = w.mocks.autoscaling.commandCalls(CompleteLifecycleActionCommand)[0].args[0].input;
        assert.equal(done.LifecycleActionResult, "CONTINUE");
        assert.equal(w.fake.snapshots.get(r.snapshotId!)!.state, "completed", "waited for it, time allowing");
    });

    it("waits for the instance to quiesce, bounds the snapshot wait to half the volume wait, and still continues", async () => {
        w = world({ fake: { snapshotMs: 3_600_000, quiesceMs: 12_000 } });
        const i = w.fake.addInstance(A);
        const v = liveVolume(w, A, i.id);
        w.fake.attachNow(v.id, i.id);
        w.fake.beginTermination(i.id);
        const t0 = w.fake.now;

        const r = await w.terminate(i.id);

        assert.equal(r.outcome, "CONTINUE");
        const started = w.fake.snapshots.get(r.snapshotId!)!.startTime;
        assert.ok(started - t0 >= 12_000, "snapshot taken after the instance quiesced");
        assert.ok(w.fake.now - t0 <= 15_000 + 150_000, "at most the quiesce + VOLUME_WAIT_TIMEOUT_SECONDS / 2");
        assert.ok(w.logs.some((l) => l.msg.startsWith("termination snapshot still pending")));
    });

    /** The termination snapshot's description, after `prepare` sets up the dying instance. */
    async function terminationDescription(prepare: (instanceId: string) => void): Promise<string> {
        w = world({ fake: { quiesceMs: 12_000 } });
        const i = w.fake.addInstance(A);
        const v = liveVolume(w, A, i.id);
        w.fake.attachNow(v.id, i.id);
        prepare(i.id);
        await w.terminate(i.id);
        return w.mocks.ec2.commandCalls(CreateSnapshotCommand)[0].args[0].input.Description ?? "";
    }

    it("labels the snapshot quiesced when the instance set its quiesced tag", async () => {
        assert.match(await terminationDescription((id) => w.fake.beginTermination(id)), /^termination of i-\S+ \(quiesced\)$/);
    });

    it("labels the snapshot crash-consistent when the instance stopped before it quiesced", async () => {
        // Stopped without its quiesce service running: nothing flushed or unmounted the volume.
        assert.match(await terminationDescription((id) => (w.fake.instances.get(id)!.state = "stopping")), /^termination of i-\S+ \(crash-consistent\)$/);
    });

    it("takes one snapshot for a duplicated event", async () => {
        w = world();
        const i = w.fake.addInstance(A);
        const v = liveVolume(w, A, i.id);
        w.fake.attachNow(v.id, i.id);
        const token = w.fake.openLifecycleAction(i.id);

        await w.terminate(i.id, token);
        await w.terminate(i.id, token);

        assert.equal(w.mocks.ec2.commandCalls(CreateSnapshotCommand).length, 1);
    });

    it("continues without a snapshot when no data volume is attached", async () => {
        w = world();
        const i = w.fake.addInstance(A);
        liveVolume(w, A);

        const r = await w.terminate(i.id);

        assert.equal(r.outcome, "CONTINUE");
        assert.equal(w.mocks.ec2.commandCalls(CreateSnapshotCommand).length, 0);
    });

    it("continues (and alerts) when the snapshot cannot be taken", async () => {
        w = world();
        const i = w.fake.addInstance(A);
        const v = liveVolume(w, A, i.id);
        w.fake.attachNow(v.id, i.id);
        w.fake.failNext("CreateSnapshot", awsError("IncorrectState"));

        const r = await w.terminate(i.id);

        assert.equal(r.outcome, "CONTINUE");
        assert.match(w.fake.published[0].subject, /termination snapshot failed/);
        assert.equal(w.mocks.autoscaling.commandCalls(CompleteLifecycleActionCommand)[0].args[0].input.LifecycleActionResult, "CONTINUE");
    });
});

/** Runs `fn` once the fake clock passes `afterMs` from now (the handler's sleeps move it). */
function setTimeoutFake(w: World, afterMs: number, fn: () => void) {
    const at = w.fake.now + afterMs;
    const sleep = w.fake.sleep;
    let fired = false;
    Object.defineProperty(w.fake, "sleep", {
        value: async (ms: number) => {
            await sleep(ms);
            if (!fired && w.fake.now >= at) {
                fired = true;
                fn();
            }
        },
    });
}

/** Lets pending promises run until `cond` holds. */
async function until(cond: () => boolean) {
    for (let n = 0; n < 1000 && !cond(); n++) await new Promise((r) => setImmediate(r));
    assert.ok(cond(), "condition never held");
}
