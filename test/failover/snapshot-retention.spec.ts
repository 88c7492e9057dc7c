/**
 * Retention of the handler's own snapshots (failover, termination): the
 * handler deletes those beyond the newest HANDLER_SNAPSHOT_RETENTION completed
 * ones, only once the live copy is attached, and only when nothing can be
 * lost. Against the in-memory EC2 behind aws-sdk-client-mock (whose
 * DeleteSnapshot records any deletion that loses data), plus the pure rule.
 */
import { strict as assert } from "assert";
import { CompleteLifecycleActionCommand } from "@aws-sdk/client-auto-scaling";
import { DeleteSnapshotCommand } from "@aws-sdk/client-ec2";
import { ENV, NEVER_ATTACHED, TAG } from "../../components/aws/failover/contract";
import { DataSnapshot, DataVolume, snapshotPruneCandidates } from "../../components/aws/failover/inventory";
import { FSnapshot, FVolume, HOUR, awsError } from "./fake-aws";
import { World, activeVolumeTags, commandLog, dataTags, world } from "./harness";

const A = "eu-west-1a";

function liveVolume(w: World): FVolume {
    return w.fake.addVolume({
        az: A,
        history: [1, 2, 3],
        createTime: w.fake.now - 100 * HOUR,
        tags: activeVolumeTags({ [TAG.lastAttachedInstanceId]: "i-old" }),
    });
}

function snap(w: World, v: FVolume, hoursAgo: number, origin: string, state: FSnapshot["state"] = "completed"): FSnapshot {
    return w.fake.addSnapshot({
        volumeId: v.id,
        startTime: w.fake.now - hoursAgo * HOUR,
        state,
        ...(state === "pending" ? { doneAt: Number.MAX_SAFE_INTEGER } : {}),
        history: v.history,
        tags: dataTags({ [TAG.origin]: origin, [TAG.sourceVolumeId]: v.id }),
    });
}

const deletedIds = (w: World) => w.mocks.ec2.commandCalls(DeleteSnapshotCommand).map((c) => c.args[0].input.SnapshotId);

describe("failover handler: retention of its own snapshots", () => {
    let w: World;
    afterEach(() => {
        assert.deepEqual(w.fake.violations, [], "no deletion lost data");
        w.close();
    });

    it("deletes the oldest completed handler snapshots beyond N, after the volume is attached", async () => {
        w = world({ env: { [ENV.handlerSnapshotRetention]: "2" } });
        const v = liveVolume(w);
        const s = [50, 40, 30, 20, 10].map((h) => snap(w, v, h, h % 20 === 0 ? "termination" : "failover"));
        const i = w.fake.addInstance(A);

        const r = await w.launch(i.id);

        assert.equal(r.outcome, "CONTINUE");
        assert.deepEqual(deletedIds(w).sort(), [s[0].id, s[1].id, s[2].id].sort());
        assert.deepEqual([...w.fake.snapshots.keys()].sort(), [s[3].id, s[4].id].sort());
        const log = commandLog(w.mocks);
        assert.ok(log.indexOf("DeleteSnapshot") > log.indexOf("AttachVolume"), log.join());
        assert.ok(log.lastIndexOf("DeleteSnapshot") < log.indexOf("CompleteLifecycleAction"), log.join());
        assert.equal(w.logs.filter((l) => l.msg === "handler snapshot deleted").length, 3);
    });

    it("keeps them all when there are at most N", async () => {
        w = world({ env: { [ENV.handlerSnapshotRetention]: "3" } });
        const v = liveVolume(w);
        for (const h of [30, 20, 10]) snap(w, v, h, "termination");
        const i = w.fake.addInstance(A);

        assert.equal((await w.launch(i.id)).outcome, "CONTINUE");
        assert.deepEqual(deletedIds(w), []);
        assert.equal(w.fake.snapshots.size, 3);
    });

    it("defaults to keeping 3", async () => {
        w = world();
        const v = liveVolume(w);
        const s = [40, 30, 20, 10].map((h) => snap(w, v, h, "failover"));
        assert.equal((await w.launch(w.fake.addInstance(A).id)).outcome, "CONTINUE");
        assert.deepEqual(deletedIds(w), [s[0].id]);
    });

    it("never deletes a pending snapshot, and does not count it", async () => {
        w = world({ env: { [ENV.handlerSnapshotRetention]: "1" } });
        const v = liveVolume(w);
        const stuck = [snap(w, v, 60, "termination", "pending"), snap(w, v, 50, "failover", "pending")];
        const old = snap(w, v, 40, "termination");
        const newest = snap(w, v, 5, "termination");

        assert.equal((await w.launch(w.fake.addInstance(A).id)).outcome, "CONTINUE");
        assert.deepEqual(deletedIds(w), [old.id]);
        for (const s of [...stuck, newest]) assert.ok(w.fake.snapshots.has(s.id), s.id);
    });

    it("never deletes a snapshot DLM made (origin schedule, or no origin tag)", async () => {
        w = world({ env: { [ENV.handlerSnapshotRetention]: "1" } });
        const v = liveVolume(w);
        const dlm = [90, 80, 70].map((h) => snap(w, v, h, "schedule"));
        const untagged = w.fake.addSnapshot({ volumeId: v.id, startTime: w.fake.now - 85 * HOUR, state: "completed", history: v.history, tags: dataTags() });
        snap(w, v, 60, "failover");
        snap(w, v, 5, "termination");

        assert.equal((await w.launch(w.fake.addInstance(A).id)).outcome, "CONTINUE");
        assert.equal(deletedIds(w).length, 1);
        for (const s of [...dlm, untagged]) assert.ok(w.fake.snapshots.has(s.id), `DLM snapshot ${s.id} kept`);
    });

    it("never deletes the tier's newest completed snapshot, even when it is beyond N by count", async () => {
        // The newest two are scheduled; N = 1 keeps the newest handler one, and the newest overall stays too.
        w = world({ env: { [ENV.handlerSnapshotRetention]: "1" } });
        const v = liveVolume(w);
        const older = snap(w, v, 30, "failover");
        const kept = snap(w, v, 20, "termination");
        snap(w, v, 10, "schedule");

        assert.equal((await w.launch(w.fake.addInstance(A).id)).outcome, "CONTINUE");
        assert.deepEqual(deletedIds(w), [older.id]);
        assert.ok(w.fake.snapshots.has(kept.id));
    });

    it("does not abandon the launch when DeleteSnapshot fails (logs, tries the others, continues)", async () => {
        w = world({ env: { [ENV.handlerSnapshotRetention]: "1" } });
        const v = liveVolume(w);
        const [a, b] = [30, 20].map((h) => snap(w, v, h, "failover"));
        snap(w, v, 10, "termination");
        w.fake.failNext("DeleteSnapshot", awsError("InvalidSnapshot.InUse", "in use by ami-123"));

        const r = await w.launch(w.fake.addInstance(A).id);

        assert.equal(r.outcome, "CONTINUE");
        const complete = w.mocks.autoscaling.commandCalls(CompleteLifecycleActionCommand);
        assert.deepEqual(complete.map((c) => c.args[0].input.LifecycleActionResult), ["CONTINUE"]);
        assert.ok(w.logs.some((l) => l.level === "warn" && l.msg === "could not delete handler snapshot" && l.fields.code === "InvalidSnapshot.InUse"));
        assert.equal(deletedIds(w).length, 2, "the second candidate is still tried");
        assert.equal(w.fake.snapshots.size, 2, "one of the two survives the failure");
        assert.ok(w.fake.snapshots.has(a.id) !== w.fake.snapshots.has(b.id));
    });

    it("does not abandon the launch when listing for pruning fails", async () => {
        w = world({ env: { [ENV.handlerSnapshotRetention]: "1" } });
        const v = liveVolume(w);
        snap(w, v, 30, "failover");
        snap(w, v, 10, "termination");
        // Same AZ attach lists snapshots only for pruning: the first DescribeSnapshots is ours.
        w.fake.failNext("DescribeSnapshots", awsError("UnauthorizedOperation"));

        assert.equal((await w.launch(w.fake.addInstance(A).id)).outcome, "CONTINUE");
        assert.ok(w.logs.some((l) => l.msg === "pruning handler snapshots failed"));
        assert.deepEqual(deletedIds(w), []);
    });

    it("prunes after a termination snapshot completes, not while it is pending", async () => {
        w = world({ env: { [ENV.handlerSnapshotRetention]: "1" } });
        const v = liveVolume(w);
        const old = snap(w, v, 30, "failover");
        const i = w.fake.addInstance(A);
        w.fake.attachNow(v.id, i.id);

        assert.equal((await w.terminate(i.id)).outcome, "CONTINUE");
        assert.deepEqual(deletedIds(w), [old.id]);

        // Another round where the new termination snapshot does not complete in time: nothing is deleted.
        const w2 = world({ env: { [ENV.handlerSnapshotRetention]: "1" }, fake: { snapshotMs: 10 * HOUR } });
        try {
            const v2 = liveVolume(w2);
            snap(w2, v2, 30, "failover");
            snap(w2, v2, 20, "termination");
            const i2 = w2.fake.addInstance(A);
            w2.fake.attachNow(v2.id, i2.id);
            assert.equal((await w2.terminate(i2.id)).outcome, "CONTINUE");
            assert.equal(w2.mocks.ec2.commandCalls(DeleteSnapshotCommand).length, 0);
            assert.deepEqual(w2.fake.violations, []);
        } finally {
            w2.close();
        }
    });
});

describe("failover inventory: snapshotPruneCandidates (which handler snapshots may go)", () => {
    const T0 = Date.parse("2030-01-01T00:00:00Z");
    const vol = (id: string, hoursAgo: number, tags: Record<string, string>, extra: Partial<DataVolume> = {}): DataVolume => ({
        id,
        az: "a",
        state: "available",
        sizeGiB: 20,
        createTime: T0 - hoursAgo * HOUR,
        tags,
        ...extra,
    });
    const live = vol("vol-live", 100, { [TAG.state]: "active", [TAG.lastAttachedInstanceId]: "i-1" }, {
        state: "in-use",
        attachedTo: "i-1",
        attachmentState: "attached",
    });
    const snapOf = (id: string, v: DataVolume, hoursAgo: number, origin: string | undefined, state = "completed", extra: Record<string, string> = {}): DataSnapshot => ({
        id,
        volumeId: v.id,
        state,
        startTime: T0 - hoursAgo * HOUR,
        sizeGiB: 20,
        progress: "",
        tags: { ...(origin !== undefined ? { [TAG.origin]: origin } : {}), ...extra },
    });
    const ids = (xs: DataSnapshot[]) => xs.map((s) => s.id).sort();

    it("takes only completed handler snapshots beyond the newest N", () => {
        const s = [
            snapOf("s1", live, 50, "failover"),
            snapOf("s2", live, 40, "termination"),
            snapOf("s3", live, 30, "failover", "pending"),
            snapOf("s4", live, 20, "termination"),
            snapOf("d1", live, 45, "schedule"),
            snapOf("d2", live, 35, undefined),
        ];
        assert.deepEqual(ids(snapshotPruneCandidates(s, [live], live, 1)), ["s1", "s2"]);
        assert.deepEqual(ids(snapshotPruneCandidates(s, [live], live, 2)), ["s1"]);
        assert.deepEqual(ids(snapshotPruneCandidates(s, [live], live, 3)), []);
    });

    it("takes nothing before the live copy is attached and active", () => {
        const s = [snapOf("s1", live, 50, "failover"), snapOf("s2", live, 10, "failover")];
        assert.equal(snapshotPruneCandidates(s, [live], { ...live, attachmentState: "attaching" }, 1).length, 0);
        assert.equal(snapshotPruneCandidates(s, [live], { ...live, tags: { ...live.tags, [TAG.state]: "superseded" } }, 1).length, 0);
        assert.deepEqual(ids(snapshotPruneCandidates(s, [live], live, 1)), ["s1"]);
    });

    it("keeps the source snapshot of a volume being created, and of the live volume until it has a completed snapshot of its own", () => {
        const old = vol("vol-old", 200, { [TAG.state]: "superseded", [TAG.lineageUntil]: new Date(T0 - 60 * HOUR).toISOString(), [TAG.lastAttachedInstanceId]: "i-0" });
        const src = snapOf("src", old, 60, "termination");
        const older = snapOf("older", old, 70, "termination");
        const restored = { ...live, createTime: T0 - 59 * HOUR, tags: { ...live.tags, [TAG.sourceSnapshotId]: "src", [TAG.dataAsOf]: new Date(T0 - 60 * HOUR).toISOString() } };
        const creating = vol("vol-new", 0, { [TAG.state]: "active", [TAG.sourceSnapshotId]: "older", [TAG.lastAttachedInstanceId]: NEVER_ATTACHED }, { state: "creating" });
        const newer = [snapOf("n1", restored, 5, "termination"), snapOf("n2", restored, 2, "termination")];
        // Without its own completed snapshot, the live volume pins its source.
        assert.deepEqual(ids(snapshotPruneCandidates([src, older], [old, restored], restored, 1)), ["older"]);
        // A volume being created from a snapshot pins it.
        assert.deepEqual(ids(snapshotPruneCandidates([src, older, ...newer], [old, restored, creating], restored, 1)), ["n1", "src"]);
    });

    it("keeps a fork's snapshots (started after the data the next copy began with) and the failover snapshot that vouches for a superseded volume", () => {
        const cutoff = T0 - 60 * HOUR;
        const left = vol("vol-left", 200, { [TAG.state]: "superseded", [TAG.lineageUntil]: new Date(cutoff).toISOString(), [TAG.lastAttachedInstanceId]: "i-0" });
        const s = [
            snapOf("lineage", left, 61, "termination"),
            snapOf("fork", left, 59, "termination"),
            snapOf("vouch", left, 60.5, "failover", "completed", { [TAG.generation]: "i-0" }),
            snapOf("n1", live, 5, "termination"),
        ];
        assert.deepEqual(ids(snapshotPruneCandidates(s, [left, live], live, 1)), ["lineage"]);
        // A superseded volume without a recorded lineage-until (an older handler superseded it): none of its snapshots go.
        const unproven = { ...left, tags: { [TAG.state]: "superseded", [TAG.lastAttachedInstanceId]: "i-0" } };
        assert.deepEqual(ids(snapshotPruneCandidates(s, [unproven, live], live, 1)), []);
    });
});
