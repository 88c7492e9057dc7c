/**
 * One named regression per defect class found against real EC2 and Auto
 * Scaling behaviour (issue: "Failover that never loses acknowledged data"),
 * each against the strict fake through the handler's entry point.
 */
import { strict as assert } from "assert";
import { AttachVolumeCommand, CreateSnapshotCommand, CreateVolumeCommand, DeleteVolumeCommand } from "@aws-sdk/client-ec2";
import { RecordLifecycleActionHeartbeatCommand } from "@aws-sdk/client-auto-scaling";
import { ENV, TAG } from "../../components/aws/failover/contract";
import { FVolume, HOUR, awsError } from "./fake-aws";
import { World, dataTags, liveVolume, world } from "./harness";

const A = "eu-west-1a";
const B = "eu-west-1b";

/** The live copy as the previous instance `holder` left it, attached to it when `attached`. */
function live(w: World, az: string, holder?: string, history = [1, 2, 3]): FVolume {
    const v = liveVolume(w, az, holder, history);
    if (holder !== undefined) w.fake.attachNow(v.id, holder);
    return v;
}

const scheduled = (w: World, v: FVolume, hoursAgo: number, history = v.history.slice(0, 1)) =>
    w.fake.addSnapshot({ volumeId: v.id, state: "completed", startTime: w.fake.now - hoursAgo * HOUR, history, tags: dataTags({ [TAG.origin]: "schedule" }) });

const calls = (w: World, name: string) => w.fake.calls.filter((c) => c === name).length;

describe("failover regressions", () => {
    let w: World;
    afterEach(() => {
        assert.deepEqual(w.fake.violations, [], "nothing deleted without a newer copy");
        w.close();
    });

    describe("an older snapshot is never restored while the old AZ is fine", () => {
        it("an old instance still shutting-down when the release wait ends: abandon, no restore", async () => {
            w = world({ fake: { shutdownMs: 20 * 60_000 } });
            const old = w.fake.addInstance(A);
            const v = live(w, A, old.id);
            scheduled(w, v, 1);
            w.fake.terminate(old.id);
            const r = await w.launch(w.fake.addInstance(B).id);
            assert.equal(r.outcome, "ABANDON");
            assert.match(r.reason!, /shutting-down; seen since/);
            assert.equal(calls(w, "CreateVolume"), 0);
        });

        it("a volume that stays detaching after its instance terminated: abandon with evidence, no restore", async () => {
            w = world({ fake: { detachMs: 30 * 60_000 } });
            const old = w.fake.addInstance(A);
            const v = live(w, A, old.id);
            scheduled(w, v, 1);
            w.fake.terminate(old.id);
            w.fake.advance(60_000);
            const r = await w.launch(w.fake.addInstance(B).id);
            assert.equal(r.outcome, "ABANDON");
            assert.match(w.fake.volumes.get(v.id)!.tags[TAG.unreachableEvidence], /detaching/);
            assert.equal(calls(w, "CreateVolume"), 0);
        });

        it("a volume whose status reads impaired in a healthy AZ is copied, not restored", async () => {
            w = world();
            const v = live(w, A);
            scheduled(w, v, 1);
            const r = await w.launch(w.fake.addInstance(B).id);
            assert.equal(r.branch, "copy");
            assert.equal(calls(w, "DescribeVolumeStatus"), 0, "the status check is not an outage signal");
            assert.deepEqual(w.fake.volumes.get(r.volumeId!)!.history, [1, 2, 3]);
        });

        it("a final snapshot that fails once is deleted and taken again", async () => {
            w = world();
            live(w, A);
            w.fake.failSnapshots = 1;
            const r = await w.launch(w.fake.addInstance(B).id);
            assert.equal(r.branch, "copy");
            assert.equal(calls(w, "CreateSnapshot"), 2);
            assert.deepEqual(w.fake.volumes.get(r.volumeId!)!.history, [1, 2, 3]);
        });

        it("a transient InternalError and the per-volume snapshot rate are retried", async () => {
            w = world();
            live(w, A);
            w.fake.failNext("CreateSnapshot", awsError("InternalError"), awsError("SnapshotCreationPerVolumeRateExceeded"));
            const r = await w.launch(w.fake.addInstance(B).id);
            assert.equal(r.branch, "copy");
            assert.ok(w.sleeps.includes(15_000) || w.sleeps.some((ms) => ms >= 15_000), "waited the 15 s EC2 asks for");
        });

        it("a slow first snapshot that makes progress never starts the restore clock", async () => {
            w = world({ fake: { snapshotMs: 3 * HOUR }, env: { [ENV.restoreAfterUnreachableSeconds]: "0" } });
            const v = live(w, A);
            scheduled(w, v, 1);
            for (let k = 0; k < 3; k++) {
                const i = w.fake.addInstance(B);
                const r = await w.launch(i.id);
                assert.equal(r.outcome, "ABANDON");
                assert.match(r.reason!, /still in progress/);
                w.fake.terminate(i.id);
            }
            assert.equal(calls(w, "CreateVolume"), 0, "even with a zero window: progress is not evidence");
        });
    });

    describe("nothing is deleted without a newer copy", () => {
        it("a final snapshot that completes after a restore elsewhere never licenses deleting the old copy", async () => {
            w = world({ fake: { outageMode: "hang" }, env: { [ENV.restoreAfterUnreachableSeconds]: "0", [ENV.supersededVolumeRetention]: "0" } });
            const v = live(w, A);
            scheduled(w, v, 2);
            // Its final snapshot started, then the AZ hung.
            w.fake.addSnapshot({ volumeId: v.id, state: "pending", history: v.history, tags: dataTags({ [TAG.origin]: "failover", [TAG.generation]: "i-old", [TAG.sourceVolumeId]: v.id }) });
            w.fake.azDown(A);
            const first = w.fake.addInstance(B);
            await w.launch(first.id); // records the evidence
            const i = w.fake.addInstance(B);
            const r = await w.launch(i.id);
            assert.equal(r.branch, "restore");
            w.fake.azUp(A);
            w.fake.advance(HOUR); // the stuck snapshot completes now
            // More failovers with retention 0: pruning runs each time, and the left-behind copy (a fork) stays.
            let current = i.id;
            for (const az of [A, B]) {
                w.fake.beginTermination(current);
                w.fake.terminate(current);
                w.fake.advance(60_000);
                const next = w.fake.addInstance(az);
                const moved = await w.launch(next.id);
                assert.equal(moved.outcome, "CONTINUE", moved.reason);
                current = next.id;
            }
            assert.ok(w.fake.deletedVolumes.length > 0, "superseded copies of the lineage were pruned");
            assert.ok(w.fake.volumes.has(v.id), "the old copy holds writes nothing else has");
            assert.equal(w.fake.volumes.get(v.id)!.tags[TAG.finalSnapshotId], undefined);
        });
    });

    describe("the right copy, by lineage", () => {
        it("a restored copy abandoned before it was committed is never chosen, and is cleaned up", async () => {
            w = world();
            const v = live(w, A);
            const s = scheduled(w, v, 1);
            const gone = w.fake.addInstance(B, "terminated");
            const stray = w.fake.addVolume({ az: B, createTime: w.fake.now, snapshotId: s.id, history: s.history, tags: dataTags({ [TAG.state]: "pending", [TAG.sequence]: "3", [TAG.instanceId]: gone.id, [TAG.sourceSnapshotId]: s.id }) });
            const r = await w.launch(w.fake.addInstance(A).id);
            assert.equal(r.branch, "attach");
            assert.equal(r.volumeId, v.id);
            assert.ok(!w.fake.volumes.has(stray.id), "the never-live copy was deleted (its data is its snapshot's)");
        });

        it("a copy restored by hand with copied tags is refused, not guessed", async () => {
            w = world();
            const v = live(w, A);
            w.fake.addVolume({ az: B, createTime: w.fake.now, history: [1], tags: { ...v.tags } });
            const r = await w.launch(w.fake.addInstance(A).id);
            assert.equal(r.outcome, "ABANDON");
            assert.match(r.reason!, /several copies claim to be the live data/);
            assert.ok(w.fake.published.some((p) => p.message.includes(v.id)));
        });

        it("a live copy whose state tag was removed is still the live copy", async () => {
            w = world();
            const v = live(w, A);
            scheduled(w, v, 1);
            delete v.tags[TAG.state];
            const r = await w.launch(w.fake.addInstance(B).id);
            assert.equal(r.branch, "copy");
            assert.deepEqual(w.fake.volumes.get(r.volumeId!)!.history, [1, 2, 3]);
        });
    });

    describe("good launches are not abandoned, and the group is not left waiting", () => {
        it("the same event delivered twice at once: one copy, attached, both runs end well", async () => {
            w = world();
            live(w, A);
            const i = w.fake.addInstance(B);
            const token = w.fake.openLifecycleAction(i.id);
            const [a, b] = await Promise.all([w.launch(i.id, token), w.launch(i.id, token)]);
            assert.ok([a.outcome, b.outcome].includes("CONTINUE"), `${a.outcome} ${a.reason ?? ""} / ${b.outcome} ${b.reason ?? ""}`);
            assert.ok(![a.outcome, b.outcome].includes("ABANDON"));
            assert.equal(w.fake.lifecycle.get(token)!.result, "CONTINUE");
            assert.equal([...w.fake.volumes.values()].filter((v) => v.az === B).length, 1);
            assert.equal(w.fake.volumeAttachedTo(i.id)!.attachment!.state, "attached");
            // The class named in the issue: the second run's CreateVolume hits IdempotentParameterMismatch and uses the first run's copy.
            assert.ok(w.logs.some((l) => /a parallel delivery is making this instance's copy/.test(l.msg)), "the IdempotentParameterMismatch path was taken");
        });

        it("AttachVolume applied with its response lost is a success", async () => {
            w = world();
            const v = live(w, A);
            const i = w.fake.addInstance(A);
            w.fake.loseNext.add("AttachVolume");
            const r = await w.launch(i.id);
            assert.equal(r.outcome, "CONTINUE");
            assert.equal(w.fake.volumeAttachedTo(i.id)!.id, v.id);
            assert.equal(w.mocks.ec2.commandCalls(AttachVolumeCommand).length, 2);
        });

        it("CreateVolume applied with its response lost: the retry makes no second volume, the launch continues", async () => {
            w = world();
            const i = w.fake.addInstance(B);
            w.fake.loseNext.add("CreateVolume");
            const r = await w.launch(i.id);
            assert.equal(r.outcome, "CONTINUE", r.reason);
            assert.equal(r.branch, "empty");
            assert.equal(w.fake.volumes.size, 1, "one data volume for the tier");
            assert.equal(w.fake.volumeAttachedTo(i.id)!.id, r.volumeId);
        });

        it("CreateSnapshot applied with its response lost: the retry finds that snapshot and makes no second one", async () => {
            w = world();
            const v = live(w, A);
            const i = w.fake.addInstance(B);
            w.fake.loseNext.add("CreateSnapshot");
            const r = await w.launch(i.id);
            assert.equal(r.outcome, "CONTINUE", r.reason);
            assert.equal(r.branch, "copy");
            assert.equal([...w.fake.snapshots.values()].filter((s) => s.volumeId === v.id).length, 1, "one final snapshot of the old copy");
            assert.equal(w.mocks.ec2.commandCalls(CreateSnapshotCommand).length, 1, "the lost call is not repeated");
        });

        it("a Route 53 rejection after the data is attached alerts and continues", async () => {
            w = world();
            live(w, A);
            const i = w.fake.addInstance(A);
            w.fake.failNext("ChangeResourceRecordSets", awsError("InvalidChangeBatch"));
            const r = await w.launch(i.id);
            assert.equal(r.outcome, "CONTINUE");
            assert.ok(w.fake.published.some((p) => /updating DNS failed/.test(p.subject)));
        });

        it("heartbeats during long waits, and completes before the heartbeat runs out", async () => {
            w = world({ fake: { snapshotMs: 12 * 60_000, heartbeatTimeoutMs: 300_000 }, env: { [ENV.heartbeatTimeoutSeconds]: "300", [ENV.snapshotWaitTimeoutSeconds]: "900" } });
            live(w, A);
            const i = w.fake.addInstance(B);
            const token = w.fake.openLifecycleAction(i.id);
            const r = await w.launch(i.id, token);
            assert.ok(w.mocks.autoscaling.commandCalls(RecordLifecycleActionHeartbeatCommand).length >= 3);
            const action = w.fake.lifecycle.get(token)!;
            assert.ok(action.result !== undefined && !action.expired, `${r.outcome} ${r.reason ?? ""}`);
        });

        it("an event delivered after its action timed out does nothing", async () => {
            w = world();
            live(w, A);
            const i = w.fake.addInstance(B);
            const token = w.fake.openLifecycleAction(i.id);
            w.fake.advance(901_000);
            const r = await w.launch(i.id, token);
            assert.equal(r.outcome, "NONE");
            assert.equal(w.mocks.ec2.commandCalls(CreateSnapshotCommand).length, 0);
            assert.equal(w.mocks.ec2.commandCalls(CreateVolumeCommand).length, 0);
        });
    });

    describe("nothing leaks", () => {
        it("a run killed between commit's tags leaves a DLM target that the next launch repairs", async () => {
            w = world();
            const v = live(w, A);
            const i = w.fake.addInstance(B);
            w.fake.hangNext.add("DeleteTags");
            void w.launch(i.id);
            for (let k = 0; k < 100 && !w.fake.calls.includes("DeleteTags"); k++) await new Promise((r) => setImmediate(r));
            assert.equal(w.fake.volumes.get(v.id)!.tags[TAG.state], "superseded");
            assert.equal(w.fake.volumes.get(v.id)!.tags[TAG.backup], "app-dev", "killed before the DLM tag went");
            w.fake.terminate(i.id);
            w.fake.advance(60_000);
            await w.launch(w.fake.addInstance(B).id);
            assert.equal(w.fake.volumes.get(v.id)!.tags[TAG.backup], undefined);
        });

        it("a copy that goes to error while being created is deleted and made again", async () => {
            w = world();
            live(w, A);
            const i = w.fake.addInstance(B);
            const realCreate = w.fake.createVolume.bind(w.fake);
            let first = true;
            w.fake.createVolume = (input) => {
                const out = realCreate(input);
                if (first) w.fake.volumes.get(out.VolumeId)!.state = "error";
                first = false;
                return out;
            };
            const r = await w.launch(i.id);
            assert.equal(r.branch, "copy");
            assert.equal(w.mocks.ec2.commandCalls(DeleteVolumeCommand).length, 1);
            assert.equal([...w.fake.volumes.values()].filter((v) => v.az === B).length, 1);
        });

        it("a replacement without IPv6 deletes the AAAA record of the old instance", async () => {
            w = world();
            live(w, A);
            w.fake.dns.set("AAAA", "2001:db8::old");
            const i = w.fake.addInstance(A);
            delete w.fake.instances.get(i.id)!.ipv6;
            const r = await w.launch(i.id);
            assert.equal(r.outcome, "CONTINUE");
            assert.equal(w.fake.dns.has("AAAA"), false);
            assert.equal(w.fake.dns.get("A"), "203.0.113.10");
        });
    });
});
